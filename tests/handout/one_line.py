"""One-line faults in the TO-DOs of the course's hand-out filled in correctly ("given" style),
each with the items of its own subtask: the only ones it may cost (issue 24: one fault, one
deduction; a tutor does not deduct a consequence twice). Cell indices are the hand-out's."""
from __future__ import annotations

import functools

from tests.handout import course, faulty


# Faults of the point-cloud notebook: a one-line mistake in a model's TO-DO, with the
# hand-out's own plotting lines left as they are (they draw the trained parameters).
def logreg_without_sigmoid(pcl) -> None:
    """2.2a's logistic regression forgets its Sigmoid (the course's plotting line still has it)."""
    course.replace(pcl["cells"][4], "SingleProbToProbVector(edf.Sigmoid(edf.Affine(affine_params, x_node)))",
                   "SingleProbToProbVector(edf.Affine(affine_params, x_node))")


def mlp_without_output_sigmoid(pcl) -> None:
    """2.2c's MLP forgets its output Sigmoid (its plot, 2.2d, keeps it, as the hand-out's hint says)."""
    course.replace(pcl["cells"][11], "SingleProbToProbVector(edf.Sigmoid(edf.Affine(output_params, hidden)))",
                   "SingleProbToProbVector(edf.Affine(output_params, hidden))")


with_pcl_faults = functools.partial(faulty.with_faults, notebook="pcl")  # the same builder, on the point cloud


no_sigmoid_2_2a = with_pcl_faults(logreg_without_sigmoid)               # (k)
no_output_sigmoid_2_2c = with_pcl_faults(mlp_without_output_sigmoid)    # (l)


def one_line(notebook: str, cell: int, old: str, new: str, doc: str):
    """A builder: the "given" style with `old` replaced by `new` in one cell of `notebook`."""
    def edit(nb) -> None:
        course.replace(nb["cells"][cell], old, new)
    edit.__doc__ = doc
    return faulty.with_faults(edit, notebook=notebook)


ONE_LINE_FAULTS = {  # name -> (builder, the items of the fault's own subtask)
    "no_sigmoid_2_2a": (no_sigmoid_2_2a, {"2.2a-graph", "2.2a-error"}),
    "no_output_sigmoid_2_2c": (no_output_sigmoid_2_2c, {"2.2c-graph", "2.2c-error"}),
    "linear_hidden_2_2c": (one_line(
        "pcl", 11, "hidden = edf.Sigmoid(edf.Affine(hidden_params, x_node))", "hidden = edf.Affine(hidden_params, x_node)",
        "2.2c's MLP has no hidden Sigmoid (its plot keeps it)"), {"2.2c-graph", "2.2c-error"}),
    "plot_on_x_node_2_2d": (one_line(
        "pcl", 14, "edf.Affine(hidden_params, input)", "edf.Affine(hidden_params, x_node)",
        "2.2d's plot applies the MLP to x_node, not to the grid `input`"), {"2.2d"}),
    "sigmoid_output_2_3a": (one_line(
        "image", 4, "prob_node = edf.Softmax(edf.Affine(params, x_node))", "prob_node = edf.Sigmoid(edf.Affine(params, x_node))",
        "2.3a's logistic regression ends in a Sigmoid, not a Softmax"), {"2.3a-graph", "2.3a-error"}),
    "syntax_error_2_3c": (faulty.syntax_error_2_3c, {"2.3c-graph", "2.3c-error"}),
    "no_hidden_2_3c": (faulty.no_hidden_2_3c, {"2.3c-graph", "2.3c-error"}),
    "tanh_forward": (one_line(
        "image", 12, "self.value = np.tanh(self.x.value)", "self.value = np.sinh(self.x.value)",
        "Tanh's forward computes sinh"), {"2.3d-tanh", "2.3d-tanh-mlp"}),
    "tanh_backward": (one_line(
        "image", 12, "self.x.addgrad(self.grad * (1 - self.value ** 2))", "self.x.addgrad(self.grad * (1 - self.value))",
        "Tanh's backward forgets the square"), {"2.3d-tanh", "2.3d-tanh-mlp"}),
    "relu_backward": (faulty.relu_backward, {"2.3d-relu", "2.3d-relu-mlp"}),
    "leaky_backward": (one_line(
        "image", 24, "np.where(self.x.value > 0, 1.0, self.c)", "np.where(self.x.value > 0, 1.0, 0.0)",
        "LeakyReLU's backward passes no gradient below 0 (ReLU's)"), {"2.3d-leakyrelu", "2.3d-leakyrelu-mlp"}),
    "one_sided_numdiff": (faulty.one_sided_numdiff, {"2.3e"}),
    "first_epoch_2_3f": (one_line(
        "image", 37, "test_err_per_lr.append(test_err_log[-1])", "test_err_per_lr.append(test_err_log[0])",
        "2.3f's Sigmoid sweep records the first epoch's test error, not the last one's"), {"2.3f-sigmoid"}),
    "extra_layer_2_3g": (one_line(
        "image", 47, "for i in range(nLayers-1):\n        h = ReLU", "for i in range(nLayers):\n        h = ReLU",
        "2.3g's ReLU depth sweep builds one hidden layer too many"), {"2.3g-relu"}),
    "leaky_forward": (one_line(
        "image", 24, "self.value = np.where(self.x.value > 0, self.x.value, self.c * self.x.value)",
        "self.value = np.where(self.x.value > 0, self.x.value, 0.0)",
        "LeakyReLU's forward forgets the leak (ReLU's)"), {"2.3d-leakyrelu", "2.3d-leakyrelu-mlp"}),
    "sigmoid_in_relu_width_sweep_2_3h": (one_line(
        "image", 53, "h = ReLU(edf.Affine(edf.AffineParams(nHiddens, nHiddens), h))",
        "h = edf.Sigmoid(edf.Affine(edf.AffineParams(nHiddens, nHiddens), h))",
        "2.3h's ReLU width sweep stacks Sigmoid layers on the given ReLU one"), {"2.3h-relu"}),
}


def plots_not_of_the_trained_models(handout):
    """Both models without their output Sigmoid, and plots that do not draw them: 2.2b a fresh,
    untrained logistic regression, 2.2d the logistic regression's parameters, not the MLP's."""
    pcl, image = with_pcl_faults(logreg_without_sigmoid, mlp_without_output_sigmoid)(handout)
    course.replace(pcl["cells"][9], "output = edf.Sigmoid(edf.Affine(affine_params, input))",
                   "output = edf.Sigmoid(edf.Affine(edf.AffineParams(2, 1), input))")
    mlp_plot = "output = edf.Sigmoid(edf.Affine(output_params, edf.Sigmoid(edf.Affine(hidden_params, input))))"
    course.replace(pcl["cells"][14], mlp_plot, "output = edf.Sigmoid(edf.Affine(affine_params, input))")
    return pcl, image
