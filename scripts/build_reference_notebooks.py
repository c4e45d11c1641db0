#!/usr/bin/env python3
"""Write reference/pcl_binary_classification.ipynb and reference/image_classification.ipynb.

The notebooks follow the course layout (shared/assignment/notebooks.md) cell for cell,
with every task solved and the course's `run_epoch` defect fixed (it uses the `data` and
`labels` it is given). Solution regions sit between `# BEGIN SOLUTION <what to do>` and
`# END SOLUTION`, answers between `<!-- BEGIN ANSWER -->` and `<!-- END ANSWER -->`;
`autograder/release.py` turns both into the hand-out's placeholders. Every cell a check
needs carries a tag naming its subtask (e.g. `2.3d-relu`); every cell has a fixed id
(its tag with dashes, or one given here), so ids do not shift when cells are added.

    python scripts/build_reference_notebooks.py
"""
from pathlib import Path

import nbformat

OUT = Path(__file__).resolve().parent.parent / "reference"


def md(tag, text, id=None):
    return ("markdown", tag, id, text)


def code(tag, text, id=None):
    return ("code", tag, id, text)


PCL = [
    md(None, "# Exercise 2.2: Binary Classification on a 2D Point Cloud\n\n"
             "Train logistic regression and an MLP with EDF on 100 labelled 2D points.", id="title"),
    code("2.2-load", """\
import numpy as np
import matplotlib.pyplot as plt
import edf

data = np.load('2d_pcl_dataset.npz')
X = data['X']
y = data['y']
X0 = X[y == 0]
X1 = X[y == 1]


def plot(X0, X1):
    plt.figure(figsize=(5, 5))
    plt.scatter(X0[:, 0], X0[:, 1], c='tab:blue', label='label 0')
    plt.scatter(X1[:, 0], X1[:, 1], c='tab:red', label='label 1')
    plt.xlim(-0.5, 0.5)
    plt.ylim(-0.5, 0.5)
    plt.legend()"""),
    code(None, "plot(X0, X1)\nplt.show()", id="show-data"),
    code("2.2-given-probvector", """\
class SingleProbToProbVector(edf.CompNode):
    \"\"\"Turns an (N, 1) probability p into the (N, 2) matrix [p, 1 - p] for CrossEntropyLoss.\"\"\"

    def __init__(self, p):
        edf.CompNodes.append(self)
        self.p = p

    def forward(self):
        self.value = np.hstack([self.p.value, 1 - self.p.value])

    def backward(self):
        self.p.addgrad(self.grad[:, :1] - self.grad[:, 1:])"""),
    md(None, "## Task 2.2a: logistic regression\n\nDefine `x_node`, `y_node`, `prob_node` and `loss_node`.",
       id="md-2-2a"),
    code("2.2a", """\
edf.clear_compgraph()
# BEGIN SOLUTION define x_node, y_node, prob_node (through SingleProbToProbVector) and loss_node
x_node = edf.Input()
y_node = edf.Input()
logreg_params = edf.AffineParams(2, 1)
prob_node = SingleProbToProbVector(edf.Sigmoid(edf.Affine(logreg_params, x_node)))
loss_node = edf.CrossEntropyLoss(prob_node, y_node)
# END SOLUTION"""),
    code("2.2-given-train", """\
def train(num_steps, x, y, x_node, y_node, prob_node, loss_node):
    x_node.value = x
    y_node.value = y
    for step in range(num_steps):
        edf.Forward()
        edf.Backward(loss_node)
        edf.UpdateParameters()
        if step % (num_steps // 5) == 0 or step == num_steps - 1:
            wrong = np.sum(np.argmax(prob_node.value, axis=1) != y)
            print('step %6d: %d of %d points wrong' % (step, wrong, len(y)))"""),
    code("2.2a-train", """\
np.random.seed(1234)
edf.learning_rate = 1
train(100000, X, y, x_node, y_node, prob_node, loss_node)"""),
    md(None, "## Task 2.2b: visualise the trained logistic regression", id="md-2-2b"),
    code("2.2b", """\
xs = np.arange(-0.5, 0.5, 0.002)
X_plot = np.array(np.meshgrid(xs, xs)).reshape(2, -1).T
edf.clear_compgraph()
input = edf.Parameter(X_plot)
# BEGIN SOLUTION output = the trained model applied to input (without SingleProbToProbVector)
output = edf.Sigmoid(edf.Affine(logreg_params, input))
# END SOLUTION
edf.Forward()
plot(X0, X1)
plt.contour(xs, xs, output.value.reshape(len(xs), len(xs)), levels=[0.5], colors='k')
plt.show()"""),
    md(None, "## Task 2.2c: an MLP with `nHiddens = 16`", id="md-2-2c"),
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
    code("2.2c-train", """\
np.random.seed(1234)
edf.learning_rate = 1
train(100000, X, y, x_node, y_node, prob_node, loss_node)"""),
    md(None, "## Task 2.2d: visualise the trained MLP", id="md-2-2d"),
    code("2.2d", """\
xs = np.arange(-0.5, 0.5, 0.002)
X_plot = np.array(np.meshgrid(xs, xs)).reshape(2, -1).T
edf.clear_compgraph()
input = edf.Parameter(X_plot)
# BEGIN SOLUTION output = the trained MLP applied to input (without SingleProbToProbVector)
output = edf.Sigmoid(edf.Affine(mlp_params_2, edf.Sigmoid(edf.Affine(mlp_params_1, input))))
# END SOLUTION
edf.Forward()
plot(X0, X1)
plt.contour(xs, xs, output.value.reshape(len(xs), len(xs)), levels=[0.5], colors='k')
plt.show()"""),
]


def activation_cells(act, cls, forward, backward, extra_init=""):
    init = "        edf.CompNodes.append(self)\n        self.x = x\n" + extra_init
    return [
        md(None, f"### Task 2.3d: {cls}", id=f"md-2-3d-{act}"),
        code(f"2.3d-{act}", f"""\
class {cls}(edf.CompNode):
    def __init__(self, x):
{init}
    def forward(self):
        # BEGIN SOLUTION compute self.value from self.x.value
        {forward}
        # END SOLUTION

    def backward(self):
        # BEGIN SOLUTION add the gradient to self.x with self.x.addgrad(...)
        {backward}
        # END SOLUTION"""),
        code(f"2.3d-{act}-plot", f"""\
# Sanity check: the output and the analytic gradient of {cls} over [-3, 3]
edf.clear_compgraph()
x = edf.Parameter(np.linspace(-3, 3, 200)[None, :])
y = {cls}(x)
edf.Forward()
edf.Backward(y)
plt.figure()
plt.plot(x.value[0], y.value[0], label='{cls}(x)')
plt.plot(x.value[0], x.grad[0], label='gradient')
plt.legend()
plt.show()"""),
        code(f"2.3d-{act}-graph", f"""\
np.random.seed(1234)
edf.clear_compgraph()
nHiddens = 64
# BEGIN SOLUTION define an MLP with a {cls} hidden layer and a Softmax output
x_node = edf.Input()
y_node = edf.Input()
hidden = {cls}(edf.Affine(edf.AffineParams(nInputs, nHiddens), x_node))
prob_node = edf.Softmax(edf.Affine(edf.AffineParams(nHiddens, nOutputs), hidden))
loss_node = edf.CrossEntropyLoss(prob_node, y_node)
# END SOLUTION"""),
        code(f"2.3d-{act}-train", """\
num_epochs = 10
batch_size = 64
edf.learning_rate = 0.5
train_err_log, test_err_log = train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node)
plot(train_err_log, test_err_log)"""),
    ]


def sweep_cell(sweep, act, what, values_name, values, cls, body_config, best):
    act_node = "edf.Sigmoid" if cls == "Sigmoid" else cls
    return code(f"{sweep}-{act}", f"""\
{values_name} = {values}
train_err_per_{what} = []
test_err_per_{what} = []
for i in range(len({values_name})):
    np.random.seed(1234)
    edf.clear_compgraph()
{body_config}
    # BEGIN SOLUTION build a {cls} MLP (nLayers hidden layers of nHiddens units), train 5 epochs, append its final errors
    x_node = edf.Input()
    y_node = edf.Input()
    h = x_node
    n_in = nInputs
    for layer in range(nLayers):
        h = {act_node}(edf.Affine(edf.AffineParams(n_in, nHiddens), h))
        n_in = nHiddens
    prob_node = edf.Softmax(edf.Affine(edf.AffineParams(n_in, nOutputs), h))
    loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    train_err_log, test_err_log = train_and_test(5, 64, x_node, y_node, prob_node, loss_node)
    train_err_per_{what}.append(train_err_log[-1])
    test_err_per_{what}.append(test_err_log[-1])
    # END SOLUTION
    print('{what} = %s: train error %.2f %%, test error %.2f %%' % ({values_name}[i], train_err_per_{what}[-1], test_err_per_{what}[-1]))
# BEGIN SOLUTION {best} = the value with the lowest test error
{best} = {values_name}[int(np.argmin(test_err_per_{what}))]
# END SOLUTION
print('{best} =', {best})""")


def sweeps():
    cells = []
    specs = [
        ("2.3f", "lr", "learning_rates", [0.1, 0.5, 1.0],
         "    edf.learning_rate = learning_rates[i]\n    nLayers = 1\n    nHiddens = 64", "best_{a}_lr",
         "### Task 2.3f: learning rate", "md-2-3f"),
        ("2.3g", "depth", "num_layers", [2, 4, 6],
         "    edf.learning_rate = best_{a}_lr\n    nLayers = num_layers[i]\n    nHiddens = 64", "best_{a}_depth",
         "### Task 2.3g: depth", "md-2-3g"),
        ("2.3h", "hidden", "num_hidden", [32, 64, 128],
         "    edf.learning_rate = best_{a}_lr\n    nLayers = best_{a}_depth\n    nHiddens = num_hidden[i]",
         "best_{a}_hidden", "### Task 2.3h: width", "md-2-3h"),
    ]
    for sweep, what, name, values, config, best, title, md_id in specs:
        cells.append(md(None, title, id=md_id))
        for act, cls in (("sigmoid", "Sigmoid"), ("relu", "ReLU")):
            cells.append(sweep_cell(sweep, act, what, name, values, cls, config.format(a=act), best.format(a=act)))
    return cells


IMAGE = [
    md(None, "# Exercise 2.3: Image Classification on MNIST", id="title"),
    code("2.3-load", """\
import numpy as np
import matplotlib.pyplot as plt
import edf
import mnist_loader

train_images, train_labels = mnist_loader.load_mnist(section='training')
test_images, test_labels = mnist_loader.load_mnist(section='testing')
train_images = train_images.reshape(len(train_images), -1)
test_images = test_images.reshape(len(test_images), -1)
print(train_images.shape, test_images.shape)"""),
    md(None, "## Task 2.3a: logistic regression with Softmax", id="md-2-3a"),
    code("2.3a", """\
edf.clear_compgraph()
nInputs = 784
nOutputs = 10
# BEGIN SOLUTION define x_node, y_node, prob_node (Softmax output) and loss_node
x_node = edf.Input()
y_node = edf.Input()
prob_node = edf.Softmax(edf.Affine(edf.AffineParams(nInputs, nOutputs), x_node))
loss_node = edf.CrossEntropyLoss(prob_node, y_node)
# END SOLUTION"""),
    code("2.3-given-helpers", """\
def run_epoch(batch_size, data, labels, x_node, y_node, prob_node, loss_node=None):
    \"\"\"One pass over data in mini-batches; trains when loss_node is given. Returns the error in percent.\"\"\"
    num_samples = len(data)
    num_batches = int(np.ceil(num_samples / batch_size))
    wrong = 0
    for b in range(num_batches):
        start, end = b * batch_size, min(num_samples, (b + 1) * batch_size)
        x_node.value = data[start:end]
        y_node.value = labels[start:end]
        edf.Forward()
        wrong += np.sum(np.argmax(prob_node.value, axis=1) != labels[start:end])
        if loss_node is not None:
            edf.Backward(loss_node)
            edf.UpdateParameters()
    return 100.0 * wrong / num_samples


def train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node):
    train_err_log, test_err_log = [], []
    for epoch in range(num_epochs):
        train_err = run_epoch(batch_size, train_images, train_labels, x_node, y_node, prob_node, loss_node)
        test_err = run_epoch(len(test_images), test_images, test_labels, x_node, y_node, prob_node)
        train_err_log.append(train_err)
        test_err_log.append(test_err)
        print('epoch %d: train error %.2f %%, test error %.2f %%' % (epoch, train_err, test_err))
    return train_err_log, test_err_log


def plot(train_err_log, test_err_log):
    plt.figure()
    plt.plot(train_err_log, label='train error')
    plt.plot(test_err_log, label='test error')
    plt.xlabel('epoch')
    plt.ylabel('error (%)')
    plt.legend()
    plt.show()"""),
    code("2.3a-train", """\
num_epochs = 10
batch_size = 64
edf.learning_rate = 0.5
train_err_log, test_err_log = train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node)
plot(train_err_log, test_err_log)"""),
    md(None, "## Inline Question 1 (2.3b)\n\nIf the weights of your logistic regression model are randomly "
             "initialised and no training is performed, what test error do you expect?", id="md-2-3b"),
    md("2.3b-answer", "**Your answer:**\n<!-- BEGIN ANSWER -->\nAbout 90 %: an untrained model's prediction is "
                      "unrelated to the digit, so it is right about 1 time in 10 by chance (10 classes), i.e. "
                      "close to 90 % error.\n<!-- END ANSWER -->"),
    md(None, "## Task 2.3c: MLP with a Sigmoid hidden layer", id="md-2-3c"),
    code("2.3c", """\
edf.clear_compgraph()
nHiddens = 64
# BEGIN SOLUTION define the MLP: Affine -> Sigmoid -> Affine -> Softmax, then loss_node
x_node = edf.Input()
y_node = edf.Input()
hidden = edf.Sigmoid(edf.Affine(edf.AffineParams(nInputs, nHiddens), x_node))
prob_node = edf.Softmax(edf.Affine(edf.AffineParams(nHiddens, nOutputs), hidden))
loss_node = edf.CrossEntropyLoss(prob_node, y_node)
# END SOLUTION"""),
    code("2.3c-train", """\
num_epochs = 10
batch_size = 64
edf.learning_rate = 0.5
train_err_log, test_err_log = train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node)
plot(train_err_log, test_err_log)"""),
    md(None, "## Task 2.3d: activation functions\n\n"
             "Implement `forward` and `backward` of each activation; a given plot shows its output and "
             "gradient, then build and train an MLP with it.", id="md-2-3d"),
    *activation_cells("tanh", "Tanh",
                      "self.value = np.tanh(self.x.value)",
                      "self.x.addgrad(self.grad * (1 - self.value ** 2))"),
    *activation_cells("relu", "ReLU",
                      "self.value = np.maximum(0, self.x.value)",
                      "self.x.addgrad(self.grad * (self.x.value > 0))"),
    *activation_cells("leakyrelu", "LeakyReLU",
                      "self.value = np.where(self.x.value > 0, self.x.value, self.c * self.x.value)",
                      "self.x.addgrad(self.grad * np.where(self.x.value > 0, 1.0, self.c))",
                      extra_init="        self.c = 0.01\n"),
    md(None, "## Task 2.3e: numerical differentiation", id="md-2-3e"),
    code("2.3e", """\
def numerical_differentiation(f, x):
    \"\"\"Symmetric difference quotient of the CompNode class f at the edf.Parameter x,
    compared with the analytic gradient in x.grad.\"\"\"
    h = 1e-4
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
    max_error = np.max(np.abs(numeric_grad - x.grad))
    mean_error = np.mean(np.abs(numeric_grad - x.grad))
    return numeric_grad, max_error, mean_error"""),
    code("2.3e-plot", """\
def plot_gradient_difference(f):
    edf.clear_compgraph()
    x = edf.Parameter(np.linspace(-3, 3, 200)[None, :])
    y = f(x)
    edf.Forward()
    edf.Backward(y)
    numeric_grad, max_error, mean_error = numerical_differentiation(f, x)
    plt.figure()
    plt.plot(x.value[0], x.grad[0], label='analytic')
    plt.plot(x.value[0], numeric_grad[0], '--', label='numeric')
    plt.title('%s: max error %.2e, mean error %.2e' % (f.__name__, max_error, mean_error))
    plt.legend()
    plt.show()


for f in (edf.Sigmoid, Tanh, ReLU, LeakyReLU):
    plot_gradient_difference(f)"""),
    *sweeps(),
    md(None, "## Inline Question 2 (2.3i)\n\nThe train error keeps decreasing while the test error increases "
             "when the hidden layer is very wide. What might be the reason?", id="md-2-3i"),
    md("2.3i-answer", "**Your answer:**\n<!-- BEGIN ANSWER -->\nOverfitting: a very wide hidden layer has many "
                      "more parameters (capacity) than the training data can constrain, so the model memorises "
                      "the training images, including their noise, and generalises worse to unseen test "
                      "images.\n<!-- END ANSWER -->"),
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
