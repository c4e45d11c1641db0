"""Style "helpers": a student who writes their own helpers. `build_classifier(x, sizes,
activation)` stacks Affine + activation layers and returns the output node; `fit(...)`
is their own training function (EDF's Forward/Backward/UpdateParameters, the final errors
kept per epoch, measured on the real test images); the sweeps are their own loops, some
through a function that keeps the graph's nodes local. Parameters get their own names.
Given cells that read a student's name (the plots, `train_and_test` calls kept) still find it.
"""
from __future__ import annotations

import textwrap

from tests.handout import course
from tests.handout.given import GRAPH_TODO, answer

# ---- point cloud ---------------------------------------------------------------------
PCL_CELLS = {
    4: ("fill", "# TO-DO: add your code below", """
        def sigmoid_stack(inp, layers):
            \"\"\"Affine followed by Sigmoid for each parameter package in `layers`.\"\"\"
            out = inp
            for layer in layers:
                out = edf.Sigmoid(edf.Affine(layer, out))
            return out

        x_node, y_node = edf.Input(), edf.Input()
        lr_layers = [edf.AffineParams(2, 1)]
        prob_node = SingleProbToProbVector(sigmoid_stack(x_node, lr_layers))
        loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    """),
    9: ("replace", "output = edf.Sigmoid(edf.Affine(affine_params, input))", "output = sigmoid_stack(input, lr_layers)"),
    11: ("fill", "# TO-DO: add your code below", """
        x_node, y_node = edf.Input(), edf.Input()
        mlp_layers = [edf.AffineParams(2, nHiddens), edf.AffineParams(nHiddens, 1)]
        prob_node = SingleProbToProbVector(sigmoid_stack(x_node, mlp_layers))
        loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    """),
    12: ("cell", """
        # my own loop instead of train(): full-batch gradient descent
        np.random.seed(1234)
        edf.learning_rate = 1
        x_node.value, y_node.value = X, y
        for step in range(1, 100001):
            edf.Forward()
            edf.Backward(loss_node)
            edf.UpdateParameters()
            if step % 20000 == 0:
                wrong = np.sum(np.argmax(prob_node.value, axis=1) != y)
                print(f"step {step}: {wrong} of {len(y)} points misclassified")
    """),
    14: ("fill", "# output = ...", "output = sigmoid_stack(input, mlp_layers)"),
}

# ---- MNIST ---------------------------------------------------------------------------
BUILD_CLASSIFIER = """
    def build_classifier(x, sizes, activation):
        \"\"\"Affine layers through `sizes` (e.g. [784, 64, 10]), `activation` after each hidden
        layer and Softmax after the last; returns the output node.\"\"\"
        node = x
        for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
            node = activation(edf.Affine(edf.AffineParams(n_in, n_out), node))
        return edf.Softmax(edf.Affine(edf.AffineParams(sizes[-2], sizes[-1]), node))
"""
LOGREG_BY_HAND = BUILD_CLASSIFIER + """
    x_node, y_node = edf.Input(), edf.Input()
    weights = edf.AffineParams(nInputs, nOutputs)
    prob_node = edf.Softmax(edf.Affine(weights, x_node))
    loss_node = edf.CrossEntropyLoss(prob_node, y_node)
"""
LOGREG_BY_HELPER = BUILD_CLASSIFIER + """
    x_node, y_node = edf.Input(), edf.Input()
    prob_node = build_classifier(x_node, [nInputs, nOutputs], edf.Sigmoid)
    loss_node = edf.CrossEntropyLoss(prob_node, y_node)
"""
FIT = """
    def error_rate(x_node, y_node, prob_node, images, labels):
        \"\"\"Error (%) of the current model on `images`.\"\"\"
        x_node.value, y_node.value = images, labels
        edf.Forward()
        return 100 * np.mean(np.argmax(prob_node.value, axis=1) != labels)

    def fit(x_node, y_node, prob_node, loss_node, epochs, lr, batch_size=64):
        \"\"\"Mini-batch SGD on the training images; the train and test error (%) after each epoch.\"\"\"
        edf.learning_rate = lr
        train_errors, test_errors = [], []
        for epoch in range(epochs):
            wrong = 0
            for start in range(0, len(train_images) - batch_size + 1, batch_size):
                x_node.value = train_images[start:start + batch_size]
                y_node.value = train_labels[start:start + batch_size]
                edf.Forward()
                wrong += np.sum(np.argmax(prob_node.value, axis=1) != y_node.value)
                edf.Backward(loss_node)
                edf.UpdateParameters()
            train_errors.append(100 * wrong / len(train_images))
            test_errors.append(error_rate(x_node, y_node, prob_node, test_images, test_labels))
            print(f"epoch {epoch + 1}/{epochs}: train {train_errors[-1]:.2f} %, test {test_errors[-1]:.2f} %")
        return train_errors, test_errors
"""
FIT_AND_PLOT = """
    num_epochs = 10
    train_err_log, test_err_log = fit(x_node, y_node, prob_node, loss_node, num_epochs, lr=0.5)
    plot(train_err_log, test_err_log)
"""


def classifier(activation: str) -> str:
    return f"""
        x_node, y_node = edf.Input(), edf.Input()
        prob_node = build_classifier(x_node, [nInputs, nHiddens, nOutputs], {activation})
        loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    """


def sweep(values: str, sizes: str, act: str, lr: str, what: str, best: str = "") -> str:
    """A sweep through final_errors(); `best` names the best_* variable to set, if any."""
    pick = f"best_{act.lower().removeprefix('edf.')}_{what} = {values}[int(np.argmin(test_err_per_{what}))]" if best else ""
    return textwrap.dedent(f"""
        train_err_per_{what}, test_err_per_{what} = [], []
        for value in {values}:
            print("{what} =", value)
            train_err, test_err = final_errors({sizes}, {act}, {lr})
            train_err_per_{what}.append(train_err)
            test_err_per_{what}.append(test_err)
        {pick}
    """)


IMAGE_CELLS = {
    9: ("fill", GRAPH_TODO, classifier("edf.Sigmoid")),
    10: ("cell", FIT_AND_PLOT),
    12: [("fill", "# To-DO: implement the forward pass",
          "self.value = 2 / (1 + np.exp(-2 * np.clip(self.x.value, -20, 20))) - 1"),
         ("fill", "# To-DO: implement the backward pass", "self.x.addgrad(self.grad * (1 - np.square(self.value)))")],
    15: ("fill", GRAPH_TODO, classifier("Tanh")),
    18: [("fill", "# To-DO: implement the forward pass", """
             self.mask = self.x.value > 0
             self.value = self.x.value * self.mask
         """),
         ("fill", "# To-DO: implement the backward pass", "self.x.addgrad(self.grad * self.mask)")],
    21: ("fill", GRAPH_TODO, classifier("ReLU")),
    22: ("cell", """
        # training loop written out
        num_epochs, batch_size = 10, 64
        edf.learning_rate = 0.5
        train_err_log, test_err_log = [], []
        for epoch in range(num_epochs):
            wrong = 0
            for b in range(len(train_images) // batch_size):
                x_node.value = train_images[b * batch_size:(b + 1) * batch_size]
                y_node.value = train_labels[b * batch_size:(b + 1) * batch_size]
                edf.Forward()
                wrong += np.sum(np.argmax(prob_node.value, axis=1) != y_node.value)
                edf.Backward(loss_node)
                edf.UpdateParameters()
            train_err_log.append(100 * wrong / len(train_images))
            test_err_log.append(error_rate(x_node, y_node, prob_node, test_images, test_labels))
            print("epoch", epoch + 1, "train", train_err_log[-1], "test", test_err_log[-1])
        plot(train_err_log, test_err_log)
    """),
    24: [("fill", "# To-DO: implement the forward pass", "self.value = np.maximum(self.c * self.x.value, self.x.value)"),
         ("fill", "# To-DO: implement the backward pass",
          "self.x.addgrad(np.where(self.x.value >= 0, self.grad, self.c * self.grad))")],
    27: ("fill", GRAPH_TODO, classifier("LeakyReLU")),
    28: ("cell", FIT_AND_PLOT),
    30: ("fill", "# numeric_grad = ...", """
        def value_at(v):
            node = edf.Input()
            node.value = v
            out = f(node)
            out.forward()
            return out.value
        numeric_grad = (value_at(x.value + h) - value_at(x.value - h)) / (2 * h)
    """),
    37: ("cell", """
        num_epochs = 5
        learning_rates = [0.1, 0.5, 1.0]
        train_err_per_lr, test_err_per_lr = [], []
        for lr in learning_rates:
            np.random.seed(1234)
            edf.clear_compgraph()
            x_node, y_node = edf.Input(), edf.Input()
            prob_node = build_classifier(x_node, [nInputs, nHiddens, nOutputs], edf.Sigmoid)
            loss_node = edf.CrossEntropyLoss(prob_node, y_node)
            errors = fit(x_node, y_node, prob_node, loss_node, num_epochs, lr)
            train_err_per_lr.append(errors[0][-1])
            test_err_per_lr.append(errors[1][-1])
        best_sigmoid_idx = int(np.argmin(test_err_per_lr))
        best_sigmoid_lr = learning_rates[best_sigmoid_idx]
        print("best learning rate (Sigmoid):", best_sigmoid_lr)
    """),
    40: ("cell", """
        def final_errors(sizes, activation, lr, epochs=5):
            \"\"\"Final train and test error of a fresh classifier (seed 1234).\"\"\"
            np.random.seed(1234)
            edf.clear_compgraph()
            x, y = edf.Input(), edf.Input()
            prob = build_classifier(x, sizes, activation)
            train_errors, test_errors = fit(x, y, prob, edf.CrossEntropyLoss(prob, y), epochs, lr)
            return train_errors[-1], test_errors[-1]

        learning_rates = [0.1, 0.5, 1.0]
        runs = [final_errors([nInputs, nHiddens, nOutputs], ReLU, lr) for lr in learning_rates]
        train_err_per_lr = [train for train, test in runs]
        test_err_per_lr = [test for train, test in runs]
        best_relu_idx = int(np.argmin(test_err_per_lr))
        best_relu_lr = learning_rates[best_relu_idx]
    """),
    44: ("cell", "num_layers = [2, 4, 6]\n" + sweep(
        "num_layers", "[nInputs] + [nHiddens] * value + [nOutputs]", "edf.Sigmoid", "best_sigmoid_lr", "depth", best="yes")),
    47: ("cell", sweep("num_layers", "[nInputs] + [nHiddens] * value + [nOutputs]", "ReLU", "best_relu_lr",
                       "depth", best="yes")),
    50: ("cell", "num_hidden = [32, 64, 128]\n" + sweep(
        "num_hidden", "[nInputs] + [value] * best_sigmoid_depth + [nOutputs]", "edf.Sigmoid", "best_sigmoid_lr", "hidden")),
    53: ("cell", sweep("num_hidden", "[nInputs] + [value] * best_relu_depth + [nOutputs]", "ReLU", "best_relu_lr",
                       "hidden")),
}
ANSWERS = {
    7: "Roughly 90 % error. Untrained random weights carry no information about the digits, so the "
       "prediction is as good as a random guess among 10 classes (10 % right).",
    55: "The model overfits: with so many hidden units it has the capacity to memorise the training set "
        "instead of learning patterns that generalise to new images.",
}


def edit(nb: dict, cells: dict) -> dict:
    nb = course.clone(nb)
    for index, edits in cells.items():
        cell = nb["cells"][index]
        for how, *args in edits if isinstance(edits, list) else [edits]:
            if how == "fill":
                course.fill(cell, *args)
            elif how == "replace":
                course.replace(cell, *args)
            else:
                cell["source"] = course.code_cell(args[0])["source"]
    return nb


def build(handout, *, helper_for_2_3a: bool = False) -> tuple[dict, dict]:
    """`helper_for_2_3a`: logistic regression too is built by build_classifier and trained by fit."""
    pcl = edit(course.load(handout, course.PCL), PCL_CELLS)
    image_cells = dict(IMAGE_CELLS)
    image_cells[4] = ("fill", GRAPH_TODO, LOGREG_BY_HELPER if helper_for_2_3a else LOGREG_BY_HAND)
    if helper_for_2_3a:
        image_cells[6] = ("cell", FIT_AND_PLOT)
    image = answer(edit(course.load(handout, course.IMAGE), image_cells), ANSWERS)
    image["cells"].insert(6, course.code_cell(FIT))  # the student's own training function, after the given ones
    return pcl, image
