"""Style "given": every TO-DO written in its own cell, below the hand-out's TO-DO line;
every other cell untouched. The course's `run_epoch` defect stays (its cell is given).

`FILLS` and `ANSWERS` are the whole solution: (cell index, the TO-DO line, the code).
"""
from __future__ import annotations

import textwrap

from tests.handout import course

GRAPH_TODO = "# TO-DO: Define the computation graph here"
SWEEP_TRAINING = """
train_err_log, test_err_log = train_and_test(num_epochs, batch_size, x_node, y_node, prob_node, loss_node)
train_err_per_{what}.append(train_err_log[-1])
test_err_per_{what}.append(test_err_log[-1])
"""


def mlp(activation: str) -> str:
    """A two-layer MLP with `activation` in the hidden layer, as x_node ... loss_node."""
    return textwrap.dedent(f"""
        x_node = edf.Input()
        y_node = edf.Input()
        hidden_params = edf.AffineParams(nInputs, nHiddens)
        output_params = edf.AffineParams(nHiddens, nOutputs)
        hidden = {activation}(edf.Affine(hidden_params, x_node))
        prob_node = edf.Softmax(edf.Affine(output_params, hidden))
        loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    """)


def deeper(activation: str, what: str) -> str:
    """The body of a depth or width sweep below the hand-out's first hidden layer `h`."""
    return textwrap.dedent(f"""
        for i in range(nLayers-1):
            h = {activation}(edf.Affine(edf.AffineParams(nHiddens, nHiddens), h))
        prob_node = edf.Softmax(edf.Affine(edf.AffineParams(nHiddens, nOutputs), h))
        loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    """) + SWEEP_TRAINING.format(what=what)


def activation(forward: str, backward: str) -> list[tuple[str, str]]:
    return [("# To-DO: implement the forward pass", forward), ("# To-DO: implement the backward pass", backward)]


PCL_FILLS = {
    4: [("# TO-DO: add your code below", """
        x_node = edf.Input()
        y_node = edf.Input()
        affine_params = edf.AffineParams(2, 1)
        prob_node = SingleProbToProbVector(edf.Sigmoid(edf.Affine(affine_params, x_node)))
        loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    """)],
    # 9: the hand-out's plotting cell already holds `output = edf.Sigmoid(edf.Affine(affine_params, input))`
    11: [("# TO-DO: add your code below", """
        x_node = edf.Input()
        y_node = edf.Input()
        hidden_params = edf.AffineParams(2, nHiddens)
        output_params = edf.AffineParams(nHiddens, 1)
        hidden = edf.Sigmoid(edf.Affine(hidden_params, x_node))
        prob_node = SingleProbToProbVector(edf.Sigmoid(edf.Affine(output_params, hidden)))
        loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    """)],
    14: [("# output = ...", "output = edf.Sigmoid(edf.Affine(output_params, edf.Sigmoid(edf.Affine(hidden_params, input))))")],
}

IMAGE_FILLS = {
    4: [(GRAPH_TODO, """
        x_node = edf.Input()
        y_node = edf.Input()
        params = edf.AffineParams(nInputs, nOutputs)
        prob_node = edf.Softmax(edf.Affine(params, x_node))
        loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    """)],
    9: [(GRAPH_TODO, mlp("edf.Sigmoid"))],
    12: activation("self.value = np.tanh(self.x.value)",
                   "self.x.addgrad(self.grad * (1 - self.value ** 2))"),
    15: [(GRAPH_TODO, mlp("Tanh"))],
    18: activation("self.value = np.maximum(0, self.x.value)",
                   "self.x.addgrad(self.grad * (self.x.value > 0))"),
    21: [(GRAPH_TODO, mlp("ReLU"))],
    24: activation("self.value = np.where(self.x.value > 0, self.x.value, self.c * self.x.value)",
                   "self.x.addgrad(self.grad * np.where(self.x.value > 0, 1.0, self.c))"),
    27: [(GRAPH_TODO, mlp("LeakyReLU"))],
    30: [("# numeric_grad = ...", """
        x_plus = edf.Input()
        x_plus.value = x.value + h
        x_minus = edf.Input()
        x_minus.value = x.value - h
        f_plus = f(x_plus)
        f_minus = f(x_minus)
        f_plus.forward()
        f_minus.forward()
        numeric_grad = (f_plus.value - f_minus.value) / (2 * h)
    """)],
    37: [("# test_err_per_lr", mlp("edf.Sigmoid") + SWEEP_TRAINING.format(what="lr"))],
    40: [("# test_err_per_lr", mlp("ReLU") + SWEEP_TRAINING.format(what="lr"))],
    44: [("# test_err_per_depth", deeper("edf.Sigmoid", "depth"))],
    47: [("# test_err_per_depth", deeper("ReLU", "depth"))],
    50: [("# test_err_per_hidden", deeper("edf.Sigmoid", "hidden"))],
    53: [("# test_err_per_hidden", deeper("ReLU", "hidden"))],
}

ANSWERS = {
    7: "About 90 %: an untrained model with random weights guesses one of the 10 classes, "
       "so it is right about one time in ten, as by chance.",
    55: "Overfitting: a very wide hidden layer has many more parameters, enough capacity to memorise "
        "the training images, so it fits their noise and generalises worse to the test images.",
}
PLACEHOLDER = "*Fill this in*"


def fill_all(nb: dict, fills: dict) -> dict:
    nb = course.clone(nb)
    for index, todos in fills.items():
        for anchor, code in todos:
            course.fill(nb["cells"][index], anchor, code)
    return nb


def answer(nb: dict, answers: dict, markup: str = "{}") -> dict:
    """Write the inline answers where the hand-out says `*Fill this in*`; `markup` wraps them."""
    nb = course.clone(nb)
    for index, words in answers.items():
        course.replace(nb["cells"][index], PLACEHOLDER, markup.format(words))
    return nb


def build(handout) -> tuple[dict, dict]:
    pcl = fill_all(course.load(handout, course.PCL), PCL_FILLS)
    image = answer(fill_all(course.load(handout, course.IMAGE), IMAGE_FILLS), ANSWERS)
    return pcl, image
