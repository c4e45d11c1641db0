#!/usr/bin/env python3
"""Write reference/pcl_binary_classification.ipynb and reference/image_classification.ipynb.

The notebooks follow the course's two hand-out notebooks (shared/course-handout/, 15 and 56
cells) cell for cell: the same cells in the same order and of the same kind, the given
code with the course's behaviour and names (the load cells, `SingleProbToProbVector`,
`train`, `run_epoch`, `train_and_test`, `plot`, the sanity plots, `plot_gradient_difference`,
the sweep cells with their given loop heads and `best_*` lines, the plotting cells of
2.2b/2.2d that rebind `output` to an array), and every task solved. The wording of
markdown cells and comments is our own. Two deliberate differences, nothing else:

1. `run_epoch` uses the `data` and `labels` it is given. The course's copy feeds
   `train_images`/`train_labels` whatever it is given, so its "test error" is measured on
   training images (shared/assignment/notebooks.md).
2. Every cell has a fixed id (its tag with dashes, or one given here) and every cell a
   check or a test needs carries a tag naming its subtask (`2.3a-train`, `2.3d-relu`, ...);
   the course's notebooks (nbformat 4.4) have neither.

Solution regions sit between `# BEGIN SOLUTION <what to do>` and `# END SOLUTION`, the two
inline answers between `<!-- BEGIN ANSWER -->` and `<!-- END ANSWER -->`, inside the
question's own cell as in the course; `edf_autograder/integrations/release.py` turns both into the
hand-out's placeholders. The 2.2b plotting cell holds its `output = ...` line outside a
region because the course hands that line out filled in (it names the parameters
`affine_params`).

    python scripts/build_reference_notebooks.py
"""
from pathlib import Path

import nbformat

OUT = Path(__file__).resolve().parent.parent / "reference"


def md(tag, text, id=None):
    return ("markdown", tag, id, text)


def code(tag, text, id=None):
    return ("code", tag, id, text)


def boundary_plot(tag, output_lines, rebind):
    """The plotting cell of 2.2b/2.2d: the trained model on a 500 x 500 grid, then its 0.5 contour."""
    return code(tag, f"""\
p = np.linspace(-0.5, 0.5, 500)
x_plot, y_plot = np.meshgrid(p, p)
X_plot = np.stack((x_plot, y_plot), axis=2).reshape(-1, 2)
edf.clear_compgraph()
input = edf.Parameter(X_plot)

{output_lines}
edf.Forward()
edf.Backward(output)

output = {rebind}.reshape(x_plot.shape[0], x_plot.shape[1])
plt.contour(x_plot, y_plot, output, [0.5],
            colors=('k',),
            linewidths=(3,))
plot(X0, X1)""")


def pcl_training(tag, comment):
    return code(tag, f"""\
{comment}np.random.seed(1234)

num_steps = 100000
learning_rate = 1
edf.learning_rate = learning_rate
train(num_steps, X, y, x_node, y_node, prob_node, loss_node)""")


PCL = [
    md(None, "## The point cloud\n\nLoad the 100 labelled 2D points and draw them.", id="md-load"),
    code("2.2-load", """\
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import edf

dataset = np.load('2d_pcl_dataset.npz')
X, y = dataset['X'], dataset['y']

X0 = X[y==0] # the 50 points labelled 0
X1 = X[y==1] # the 50 points labelled 1

def plot(X0, X1, fit_param=None):
    plt.scatter(X0[:,0], X0[:,1], color='red', label=0)
    plt.scatter(X1[:,0], X1[:,1], color='blue', label=1)

    plt.xlim([-0.55, 0.55])
    plt.ylim([-0.35, 0.25])
    plt.legend()
    plt.show()
    plt.clf()

plot(X0, X1)"""),
    code("2.2-given-probvector", """\
# Given: turns the (N, 1) probability p into the (N, 2) rows [p, 1 - p] that CrossEntropyLoss expects
class SingleProbToProbVector(edf.CompNode):
    def __init__(self, z):
        edf.CompNodes.append(self)
        self.z = z

    def forward(self):
        self.value = np.repeat(self.z.value, 2, axis=1)
        self.value[:, 1] = 1 - self.value[:, 1]

    def backward(self):
        self.z.addgrad((self.grad[:, 0] - self.grad[:, 1]).reshape(-1, 1))"""),
    md(None, "### Task 2.2a: logistic regression on the point cloud\n"
             "Build the computational graph of a logistic regression with EDF, taking the 2D points above as "
             "input. The `train` function further down needs four names: `x_node`, `y_node`, `prob_node` (the "
             "probabilities of the two classes, made with the given `SingleProbToProbVector`) and `loss_node` "
             "(the `CrossEntropyLoss` over the whole training batch).\n\n"
             "Hint: the graph of the previous exercise carries over; only the input has two dimensions now.",
       id="md-2-2a"),
    code("2.2a", """\
edf.clear_compgraph()

# BEGIN SOLUTION define x_node, y_node, prob_node (through SingleProbToProbVector) and loss_node
x_node = edf.Input()
y_node = edf.Input()
affine_params = edf.AffineParams(2, 1)
prob_node = SingleProbToProbVector(edf.Sigmoid(edf.Affine(affine_params, x_node)))
loss_node = edf.CrossEntropyLoss(prob_node, y_node)
# END SOLUTION"""),
    code("2.2-given-train", """\
def train(num_steps, x, y, x_node, y_node, prob_node, loss_node):
    x_node.value = x
    y_node.value = y
    dataset_size = x.shape[0]
    for iteration in range(1, num_steps + 1):
        edf.Forward()
        total_err = np.sum(np.not_equal(np.argmax(prob_node.value, axis=1), y_node.value))

        edf.Backward(loss_node)
        edf.UpdateParameters()

        # report the number of misclassified points now and then
        if iteration in [100, 200, 500, 1000, 5000] or iteration % 10000 == 0:
            print('iter: {}, error: {:6f}'.format(iteration, total_err))"""),
    md(None, "Train the model: full-batch gradient descent on all 100 points.", id="md-2-2a-train"),
    pcl_training("2.2a-train", ""),
    md(None, "### Task 2.2b: the decision boundary of the logistic regression\n"
             "In the next cell, `output` is your trained logistic model applied to the grid `input`.\n\n"
             "Hint: it is the graph you built for 2.2a, without `SingleProbToProbVector`.", id="md-2-2b"),
    boundary_plot("2.2b", """\
# Task 2.2b: output = the trained logistic regression applied to input
# (the course hands this line out filled in, for parameters named affine_params)
output = edf.Sigmoid(edf.Affine(affine_params, input))""", "output.value"),
    md(None, "### Task 2.2c: a multi-layer perceptron for the point cloud\n"
             "The plot shows that one straight line cannot separate the two classes (as seen in the lecture). "
             "Build an MLP for the same task instead, again defining `x_node`, `y_node`, `prob_node` and "
             "`loss_node`.\n\n"
             "Hint: this time there are two affine layers. The first maps the 2D input to `nHiddens` units "
             "and is followed by a Sigmoid; the second maps those units to a single value, and a second "
             "Sigmoid turns that into the probability. Use `nHiddens` below as the size of the hidden layer.",
       id="md-2-2c"),
    code("2.2c", """\
edf.clear_compgraph()
nHiddens = 16

# BEGIN SOLUTION define the MLP: Affine -> Sigmoid -> Affine -> Sigmoid, then prob_node and loss_node
x_node = edf.Input()
y_node = edf.Input()
mlp_params_1 = edf.AffineParams(2, nHiddens)
mlp_params_2 = edf.AffineParams(nHiddens, 1)
hidden = edf.Sigmoid(edf.Affine(mlp_params_1, x_node))
prob_node = SingleProbToProbVector(edf.Sigmoid(edf.Affine(mlp_params_2, hidden)))
loss_node = edf.CrossEntropyLoss(prob_node, y_node)
# END SOLUTION"""),
    pcl_training("2.2c-train", "# the same training, now for the MLP\n"),
    md(None, "### Task 2.2d: the decision boundary of the MLP\n"
             "Fill `output` with your trained MLP.\n\n"
             "Hint: take the graph of your `prob_node`, feed it `input` where it had `x_node`, and leave out "
             "`SingleProbToProbVector`.", id="md-2-2d"),
    boundary_plot("2.2d", """\
# BEGIN SOLUTION output = the trained MLP applied to input (without SingleProbToProbVector)
output = edf.Sigmoid(edf.Affine(mlp_params_2, edf.Sigmoid(edf.Affine(mlp_params_1, input))))
# END SOLUTION""", "np.round(output.value)"),
]


SHAPES = """\
print('Train data shape: ', train_images.shape)
print('Train labels shape: ', train_labels.shape)
print('Test data shape: ', test_images.shape)
print('Test labels shape: ', test_labels.shape)"""

SIZES = """\
nInputs = train_images.shape[1] # 784 pixels per image
nOutputs = 10 # one output per digit class"""


def mnist_training(tag, note):
    return code(tag, f'''\
"""{note}"""

num_epochs = 10
batch_size = 64
edf.learning_rate = 0.5
train_err_log, test_err_log = train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node)
plot(train_err_log, test_err_log)''')


def mlp_graph(tag, act_node, *, seeded):
    seed = "np.random.seed(1234)\n" if seeded else ""
    return code(tag, f"""\
{SIZES}
nHiddens = 64 # units in the hidden layer

{seed}edf.clear_compgraph()

# BEGIN SOLUTION define the MLP: Affine -> {act_node} -> Affine -> Softmax, with x_node, y_node, prob_node and loss_node
x_node = edf.Input()
y_node = edf.Input()
hidden = {act_node}(edf.Affine(edf.AffineParams(nInputs, nHiddens), x_node))
prob_node = edf.Softmax(edf.Affine(edf.AffineParams(nHiddens, nOutputs), hidden))
loss_node = edf.CrossEntropyLoss(prob_node, y_node)
# END SOLUTION""")


def activation(act, cls, intro, forward, backward, lo, extra_init=""):
    """The five cells of one activation in 2.3d: task, class, sanity plot, MLP graph, training."""
    init = "        edf.CompNodes.append(self)\n        self.x = x\n" + extra_init
    return [
        md(None, intro, id=f"md-2-3d-{act}"),
        code(f"2.3d-{act}", f"""\
class {cls}(edf.CompNode):
    def __init__(self, x):
{init}
    def forward(self):
        # BEGIN SOLUTION the forward pass: self.value from self.x.value
        {forward}
        # END SOLUTION

    def backward(self):
        # BEGIN SOLUTION the backward pass: pass the gradient on with self.x.addgrad(...)
        {backward}
        # END SOLUTION"""),
        code(f"2.3d-{act}-plot", f'''\
"""Sanity check: the output and the gradient your {cls} computes over a range of inputs.
They should look like {cls}(x) and its derivative."""

values = np.linspace({lo},{-lo},100)
edf.clear_compgraph()
params = edf.Parameter(values[None, :])
output = {cls}(params)

edf.Forward()
edf.Backward(output)

plt.xlabel("value")
plt.plot(values, output.value[0], color='red')
plt.plot(values, params.grad[0], color='blue')
plt.legend(['output', 'grad'], loc='upper left')
plt.show()
plt.clf()'''),
        md(None, f"Build an MNIST MLP once more, now with a `{cls}` hidden layer: `train_and_test` needs "
                 "`x_node`, `y_node`, `prob_node` and `loss_node`.", id=f"md-2-3d-{act}-mlp"),
        mlp_graph(f"2.3d-{act}-graph", cls, seeded=True),
        mnist_training(f"2.3d-{act}-train", f"Train the {cls} MLP."),
    ]


def sweep_plot(tag, what, xlabel, values, best=None):
    """The plot after a sweep cell; the rate sweeps mark the chosen rate."""
    mark = f"\nplt.plot({best}_lr, test_err_per_lr[{best}_idx], 'ok', label='_nolegend_')" if best else ""
    return code(f"{tag}-plot", f"""\
plt.xlabel("{xlabel}")
plt.ylabel("error (%)")
plt.plot({values}, test_err_per_{what}, color='red'){mark}
plt.plot({values}, train_err_per_{what}, color='blue')
plt.legend(['test error', 'train error'], loc='upper right')
plt.show()
plt.clf()""")


def lr_sweep(act, act_node, cls):
    return code(f"2.3f-{act}", f"""\
num_epochs = 5
batch_size = 64
learning_rates = [0.1, 0.5, 1.0]

train_err_per_lr = []
test_err_per_lr = []

for i in range(len(learning_rates)):
    edf.learning_rate = learning_rates[i]
    np.random.seed(1234)
    edf.clear_compgraph()

    # BEGIN SOLUTION build a {cls} MLP (nHiddens hidden units), train it and append its final train and test errors
    x_node = edf.Input()
    y_node = edf.Input()
    hidden = {act_node}(edf.Affine(edf.AffineParams(nInputs, nHiddens), x_node))
    prob_node = edf.Softmax(edf.Affine(edf.AffineParams(nHiddens, nOutputs), hidden))
    loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    train_err_log, test_err_log = train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node)
    train_err_per_lr.append(train_err_log[-1])
    test_err_per_lr.append(test_err_log[-1])
    print('lr = {{}}: train error {{:.2f}} %, test error {{:.2f}} %'.format(
        learning_rates[i], train_err_per_lr[-1], test_err_per_lr[-1]))
    # END SOLUTION

best_{act}_idx = np.argmin(test_err_per_lr)
best_{act}_lr = learning_rates[best_{act}_idx]""")


def deep_sweep(sweep, act, act_node, head, loop):
    """A depth (2.3g) or width (2.3h) sweep: the given head and loop, the first hidden layer
    given, the remaining nLayers - 1 hidden layers, output, loss and training solved."""
    what = {"2.3g": "depth", "2.3h": "hidden"}[sweep]
    tail = (f"\n\nbest_{act}_idx = np.argmin(test_err_per_depth)\nbest_{act}_depth = num_layers[best_{act}_idx]"
            if sweep == "2.3g" else "")
    return code(f"{sweep}-{act}", f"""\
{head}

train_err_per_{what} = []
test_err_per_{what} = []

{loop}
    np.random.seed(1234)
    edf.clear_compgraph()

    x_node = edf.Input()
    y_node = edf.Input()
    param_first = edf.AffineParams(nInputs, nHiddens)
    h = {act_node}(edf.Affine(param_first, x_node))

    # BEGIN SOLUTION add the other nLayers-1 hidden layers, prob_node and loss_node; train and append the final errors
    for i in range(nLayers-1):
        h = {act_node}(edf.Affine(edf.AffineParams(nHiddens, nHiddens), h))
    prob_node = edf.Softmax(edf.Affine(edf.AffineParams(nHiddens, nOutputs), h))
    loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    train_err_log, test_err_log = train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node)
    train_err_per_{what}.append(train_err_log[-1])
    test_err_per_{what}.append(test_err_log[-1])
    print('{what} = {{}}: train error {{:.2f}} %, test error {{:.2f}} %'.format(
        {"nLayers" if sweep == "2.3g" else "nHiddens"}, train_err_per_{what}[-1], test_err_per_{what}[-1]))
    # END SOLUTION{tail}""")


def depth_head(act, sizes):
    return (f"{SIZES}\nnHiddens = 64 # units in each hidden layer\n\n" if sizes else "") + f"""\
edf.learning_rate = best_{act}_lr
num_epochs = 5
batch_size = 64
num_layers = [2, 4, 6]"""


def width_head(act):
    return f"""\
edf.learning_rate = best_{act}_lr
num_epochs = 5
batch_size = 64
num_hidden = [32, 64, 128]

nLayers = best_{act}_depth"""


DEPTH_PRINT = '\n    print ("Num Layers {}".format(nLayers))'
DEPTH_LOOP = {"sigmoid": "for nLayers in num_layers: # nLayers counts the hidden layers" + DEPTH_PRINT,
              "relu": "for nLayers in num_layers:" + DEPTH_PRINT}
WIDTH_LOOP = 'for nHiddens in num_hidden:\n    print ("Hidden Dimension {}".format(nHiddens))'


IMAGE = [
    md(None, "## Loading the data\n\nRead MNIST from disk: ten classes, the handwritten digits 0 to 9.",
       id="md-load"),
    code("2.3-load", f"""\
import numpy as np
import matplotlib.pyplot as plt
import edf
import mnist_loader

train_images, train_labels = mnist_loader.load_mnist(section = 'training', path = 'MNIST')
test_images, test_labels = mnist_loader.load_mnist(section = 'testing', path = 'MNIST')

plt.imshow(train_images[0], cmap='gray', interpolation = 'nearest')
plt.show()

# the shapes of the arrays as loaded
{SHAPES}"""),
    code("2.3-reshape", f'''\
"""Flatten every 28 x 28 image into a vector of 784 values: the input of the networks."""

train_images = train_images.reshape(len(train_images), -1)
test_images = test_images.reshape(len(test_images), -1)

# the shapes after flattening
{SHAPES}'''),
    md(None, "## Task 2.3a: logistic regression on ten classes\n\n"
             "Build a logistic regression with EDF, now with a `Softmax` output over the **10** digit classes: "
             "`SingleProbToProbVector` is not needed any more, and `Softmax` takes the place of the output "
             "`Sigmoid` of the point-cloud model. Your graph from before can be reused.\n\n"
             "EDF already implements the backward passes of `Affine`, `Sigmoid` and `Softmax`: no backward "
             "code is needed here.", id="md-2-3a"),
    code("2.3a", f"""\
{SIZES}

edf.clear_compgraph()

# BEGIN SOLUTION define x_node, y_node, prob_node (Softmax output) and loss_node
x_node = edf.Input()
y_node = edf.Input()
affine_params = edf.AffineParams(nInputs, nOutputs)
prob_node = edf.Softmax(edf.Affine(affine_params, x_node))
loss_node = edf.CrossEntropyLoss(prob_node, y_node)
# END SOLUTION"""),
    code("2.3-given-helpers", '''\
"""Training helpers: run_epoch makes one pass over the data in mini-batches of batch_size
(an SGD step per batch when a loss_node is given) and returns the error in percent."""

def run_epoch(batch_size, data, labels, x_node, y_node, prob_node, loss_node=None):
    num_samples = len(data)
    total_err = 0.0
    num_batches = num_samples//batch_size
    for i in range(num_batches):
        start, end = i*batch_size, (i+1)*batch_size
        x_node.value = data[start:end]
        y_node.value = labels[start:end]
        edf.Forward()
        total_err += np.sum(np.not_equal(np.argmax(prob_node.value, axis=1), y_node.value))
        if loss_node:
            edf.Backward(loss_node)
            edf.UpdateParameters()
        if i>0 and i%400 == 0:
            print ("\\t Batch {}/{}".format(i, num_batches))
    return 100*total_err/num_samples

def train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node):
    train_err_log = []
    test_err_log = []
    for epoch in range(num_epochs):
        print("Epoch: {}/{} (learning rate: {})".format(epoch+1, num_epochs, edf.learning_rate))
        train_err = run_epoch(batch_size, train_images, train_labels, x_node, y_node, prob_node, loss_node)
        train_err_log.append(train_err)
        print ("\\t Training Error {:.2f} %".format(train_err))
        test_err = run_epoch(len(test_images), test_images, test_labels, x_node, y_node, prob_node)
        test_err_log.append(test_err)
        print ("\\t Test Error {:.2f} %".format(test_err))
    return train_err_log, test_err_log

"""the train and test error per epoch, in one figure"""
def plot(train_err_log, test_err_log):
    plt.xlabel("epochs")
    plt.ylabel("error (%)")
    plt.plot(np.arange(len(test_err_log)), test_err_log, color='red')
    plt.plot(np.arange(len(train_err_log)), train_err_log, color='blue')
    plt.legend(['test error', 'train error'], loc='upper right')
    plt.show()
    plt.clf()'''),
    mnist_training("2.3a-train", "Train the logistic regression; edf.learning_rate sets the SGD step size (0.5 here)."),
    md("2.3b", "### Inline Question 1 (2.3b)\n"
               "Suppose the weights of your logistic regression are initialised at random and the model is not "
               "trained at all. What test error would you expect from it?\n\n"
               "**Your answer:**\n<!-- BEGIN ANSWER -->\nAbout 90 %: an untrained model's prediction is unrelated "
               "to the digit, so it is right about 1 time in 10 by chance (10 classes), i.e. close to 90 % "
               "error.\n<!-- END ANSWER -->"),
    md(None, "## Task 2.3c: an MLP for MNIST\n\n"
             "Logistic regression leaves a fairly high error (about 8 % on the full MNIST). Now for what a neural "
             "network can do: build a perceptron with two layers in EDF on the flattened images. As for the "
             "logistic regression, `train_and_test` needs `x_node`, `y_node`, `prob_node` (the class "
             "probabilities of each sample, through a `Softmax`) and `loss_node` (the `CrossEntropyLoss` over the "
             "batch).", id="md-2-3c"),
    mlp_graph("2.3c", "edf.Sigmoid", seeded=False),
    mnist_training("2.3c-train", "Train the MLP, again with SGD at a learning rate of 0.5."),
    *activation("tanh", "Tanh",
                "# Choosing the architecture\n\n## Task 2.3d: activation functions\n"
                "How does the activation function change the results? Start with `Tanh`: fill in `forward` and "
                "`backward` of the class below (EDF's `Sigmoid` is a good model to follow).",
                "self.value = np.tanh(self.x.value)",
                "self.x.addgrad(self.grad * (1 - self.value ** 2))", -5),
    *activation("relu", "ReLU",
                "Next, ReLU(x) = max(0, x): fill in `forward` and `backward` of the class below.",
                "self.value = np.maximum(0, self.x.value)",
                "self.x.addgrad(self.grad * (self.x.value > 0))", -2),
    *activation("leakyrelu", "LeakyReLU",
                "Last, LeakyReLU(x) = max(cx, x) with the constant `c` = 0.01: fill in `forward` and `backward` "
                "of the class below.",
                "self.value = np.where(self.x.value > 0, self.x.value, self.c * self.x.value)",
                "self.x.addgrad(self.grad * np.where(self.x.value > 0, 1.0, self.c))", -2,
                extra_init="        self.c = 0.01\n"),
    md(None, "### Task 2.3e: numerical differentiation\n"
             "Implement the **symmetric difference quotient**; the exercise sheet gives the formula.", id="md-2-3e"),
    code("2.3e", '''\
def numerical_differentiation(f, x):
    """
    f: the activation, a CompNode class
    x: its input, an edf.Parameter whose grad holds the analytical gradient
    """
    h = 1e-4
    analytical_grad = x.grad

    # BEGIN SOLUTION numeric_grad = (f(x + h) - f(x - h)) / (2h), with two edf.Input() nodes
    x_plus = edf.Input()
    x_plus.value = x.value + h
    x_minus = edf.Input()
    x_minus.value = x.value - h
    f_plus = f(x_plus)
    f_minus = f(x_minus)
    edf.Forward()
    numeric_grad = (f_plus.value - f_minus.value) / (2 * h)
    # END SOLUTION

    max_error = np.abs(analytical_grad - numeric_grad).max()
    mean_error = np.abs(analytical_grad - numeric_grad).mean()

    return numeric_grad, max_error, mean_error'''),
    md(None, "The next cell draws the analytical and your numerical gradient together, first for EDF's "
             "`Sigmoid`. With a correct `numerical_differentiation` the two curves lie on top of each other.",
       id="md-2-3e-plot"),
    code("2.3e-plot", """\
f = edf.Sigmoid

def plot_gradient_difference(f):
    values = np.linspace(-5,5,100)
    edf.clear_compgraph()
    x = edf.Parameter(values[None, :])
    output = f(x)
    edf.Forward()
    edf.Backward(output)

    # the numerical gradient, for comparison
    numeric_grad, max_error, mean_error = numerical_differentiation(f, x)

    plt.xlabel("x")
    plt.plot(values, output.value[0], color='red')
    plt.plot(values, x.grad[0], color='blue', linewidth=4)
    plt.plot(values, numeric_grad[0], color='orange')
    plt.legend(['f', 'analytical grad', 'numeric grad'], loc='upper left')
    plt.title('max error: %.5f,  mean error: %.5f'%(max_error, mean_error))
    plt.show()
    plt.clf()

plot_gradient_difference(f)"""),
    md(None, "The same comparison for your `Tanh`, `ReLU` and `LeakyReLU`.", id="md-2-3e-plot-activations"),
    code("2.3e-plot-activations", """\
plot_gradient_difference(Tanh)
plot_gradient_difference(ReLU)
plot_gradient_difference(LeakyReLU)"""),
    md(None, "## Task 2.3f: the learning rate\n"
             "How does the learning rate change train and test error? Collect the final train and test error of "
             "an MLP for every learning rate in the list below, once with sigmoid and once with ReLU hidden "
             "activations, and choose the best rate for each of the two networks.", id="md-2-3f"),
    md(None, "Train sigmoid MLPs below. Fill `train_err_per_lr` and `test_err_per_lr` with one final error per "
             "learning rate, in the order of `learning_rates`: `train_err_per_lr[2]`, for instance, is the final "
             "train error of the sigmoid MLP trained at rate 1.0.\n\n"
             "Hint: most of the code above can be reused.", id="md-2-3f-sigmoid"),
    lr_sweep("sigmoid", "edf.Sigmoid", "Sigmoid"),
    sweep_plot("2.3f-sigmoid", "lr", "learning rate", "learning_rates", best="best_sigmoid"),
    md(None, "The same experiment with a `ReLU` hidden layer: fill in the cell below.", id="md-2-3f-relu"),
    lr_sweep("relu", "ReLU", "ReLU"),
    sweep_plot("2.3f-relu", "lr", "learning rate", "learning_rates", best="best_relu"),
    md(None, "## Task 2.3g: the number of hidden layers\nHow does the depth of the MLP change its results?",
       id="md-2-3g"),
    md(None, "As with the learning rates, vary the number of hidden layers `nLayers` and record the errors, first "
             "for a sigmoid network.\n\n"
             "Every hidden layer has `nHiddens` units. The first one is given; add the remaining ones in a loop "
             "over `nLayers` (each further `Affine` layer maps `nHiddens` units to `nHiddens` units). Fill "
             "`train_err_per_depth` and `test_err_per_depth`.", id="md-2-3g-sigmoid"),
    deep_sweep("2.3g", "sigmoid", "edf.Sigmoid", depth_head("sigmoid", sizes=True), DEPTH_LOOP["sigmoid"]),
    sweep_plot("2.3g-sigmoid", "depth", "depth", "num_layers"),
    md(None, "The same experiment for a ReLU MLP.", id="md-2-3g-relu"),
    deep_sweep("2.3g", "relu", "ReLU", depth_head("relu", sizes=False), DEPTH_LOOP["relu"]),
    sweep_plot("2.3g-relu", "depth", "depth", "num_layers"),
    md(None, "## Task 2.3h: the width of the hidden layers\n"
             "How does the number of hidden units change the results? Fill `train_err_per_hidden` and "
             "`test_err_per_hidden` below; everything written above can be reused.", id="md-2-3h"),
    deep_sweep("2.3h", "sigmoid", "edf.Sigmoid", width_head("sigmoid"), WIDTH_LOOP),
    sweep_plot("2.3h-sigmoid", "hidden", "hidden dimension", "num_hidden"),
    md(None, "Once more, with `ReLU` in place of `Sigmoid`.", id="md-2-3h-relu"),
    deep_sweep("2.3h", "relu", "ReLU", width_head("relu"), WIDTH_LOOP),
    sweep_plot("2.3h-relu", "hidden", "hidden dimension", "num_hidden"),
    md("2.3i", "### Inline Question 2 (2.3i)\n"
               "Suppose the train error keeps falling while the test error rises once the hidden layers are very "
               "wide (as in the plots above). What could cause this?\n\n"
               "**Your answer:**\n<!-- BEGIN ANSWER -->\nOverfitting: a very wide hidden layer has many more "
               "parameters (capacity) than the training data can constrain, so the model memorises the training "
               "images, including their noise, and generalises worse to unseen test images.\n<!-- END ANSWER -->"),
]


NOTEBOOKS = {"pcl_binary_classification.ipynb": PCL, "image_classification.ipynb": IMAGE}


def notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, tag, id, text in cells:
        cell = nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text)
        cell["id"] = id or tag.replace(".", "-")
        if tag:
            cell.metadata["tags"] = [tag]
        nb.cells.append(cell)
    ids = [c["id"] for c in nb.cells]
    if len(set(ids)) != len(ids):
        raise ValueError(f"cell ids repeat: {sorted(i for i in ids if ids.count(i) > 1)}")
    nbformat.validate(nb)
    return nb


if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        nbformat.write(notebook(cells), OUT / name)
        print(OUT / name)
