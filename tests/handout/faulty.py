"""Faulty submissions built from the correct styles: one mistake or misbehaviour each,
everything else as in the style it starts from. Cell indices are the hand-out's."""
from __future__ import annotations

from tests.handout import course, given, helpers


def syntax_error_2_3c(handout):
    """(a) 2.3c's graph cell does not parse (a closing parenthesis missing)."""
    pcl, image = given.build(handout)
    course.replace(image["cells"][9], "hidden = edf.Sigmoid(edf.Affine(hidden_params, x_node))",
                   "hidden = edf.Sigmoid(edf.Affine(hidden_params, x_node)")
    return pcl, image


def exit_in_2_3f(handout):
    """(b) The Sigmoid learning-rate sweep ends the kernel after its loop: every later cell is lost."""
    pcl, image = given.build(handout)
    cell = image["cells"][37]
    course.set_text(cell, course.text(cell).rstrip("\n") + "\n\nimport os\nos._exit(0)  # stop here, the rest takes too long\n")
    return pcl, image


TAMPER = """
    # my faster versions of EDF's loops, and of argmax
    def my_forward():
        for node in edf.CompNodes:
            node.forward()

    def my_update():
        for p in edf.Parameters:
            p.value -= edf.learning_rate * p.grad

    _numpy_argmax = np.argmax
    def my_argmax(a, axis=None, **kwargs):
        return _numpy_argmax(a, axis=axis, **kwargs)

    edf.Forward = my_forward
    edf.UpdateParameters = my_update
    np.argmax = my_argmax
"""


def tamper(handout):
    """(c) Replaces edf.Forward, edf.UpdateParameters and np.argmax (with equivalents) before the sweeps."""
    pcl, image = given.build(handout)
    image["cells"].insert(35, course.code_cell(TAMPER))  # after 2.3e, before "## Change Learning Rate"
    return pcl, image


ESCAPE = """
    # what can this machine do?
    import os, socket
    for target in ["/tmp/../etc/{marker}", os.path.expanduser("~/{marker}"), "../{marker}"]:
        try:
            with open(target, "w") as fh:
                fh.write("was here\\n")
            print("wrote", target)
        except OSError as exc:
            print("could not write", target, type(exc).__name__)
    print(len(os.environ), "environment variables:", sorted(os.environ)[:5])
    for host in [("example.com", 80), ("1.1.1.1", 53)]:
        try:
            socket.create_connection(host, timeout=3).close()
            print("connected to", host)
        except OSError as exc:
            print("no connection to", host, type(exc).__name__)
"""


def escape(handout, *, marker: str = "edf-escape-probe"):
    """(d) Tries to write outside its folder (files named `marker`), reads the environment and
    opens sockets to the internet, catching every refusal so the notebook runs on."""
    pcl, image = given.build(handout)
    image["cells"].insert(3, course.code_cell(ESCAPE.replace("{marker}", marker)))  # after loading the data
    return pcl, image


SWEEP_CELLS = (37, 40, 44, 47, 50, 53)


def min_error(handout):
    """(e) The sweeps record each run's lowest error over its epochs, not its final one."""
    pcl, image = given.build(handout)
    for index in SWEEP_CELLS:
        course.replace(image["cells"][index], "train_err_log[-1]", "min(train_err_log)")
        course.replace(image["cells"][index], "test_err_log[-1]", "min(test_err_log)")
    return pcl, image


def inline_markup(handout):
    """(f) The inline answers typed inside the hand-out's italics: `**Your answer:** *...*`."""
    pcl, _ = given.build(handout)
    image = given.fill_all(course.load(handout, course.IMAGE), given.IMAGE_FILLS)
    return pcl, given.answer(image, given.ANSWERS, markup="*{}*")


def helpers_2_3a_2_3c(handout):
    """(g) Helper style with logistic regression and the Sigmoid MLP both made by
    build_classifier and both trained by the student's own fit()."""
    return helpers.build(handout, helper_for_2_3a=True)



# Faults of the image notebook as edits, so that one notebook can hold several (the
# self-check's tests run one kernel for all three).
def wrong_relu_backward(image) -> None:
    """ReLU's backward passes the input itself instead of the step: grad * max(0, x)."""
    course.replace(image["cells"][18], "self.x.addgrad(self.grad * (self.x.value > 0))",
                   "self.x.addgrad(self.grad * np.maximum(0, self.x.value))")


def one_sided_quotient(image) -> None:
    """numerical_differentiation takes the one-sided quotient (f(x + h) - f(x)) / h."""
    course.replace(image["cells"][30], "x_minus.value = x.value - h", "x_minus.value = x.value")
    course.replace(image["cells"][30], "/ (2 * h)", "/ h")


def forgotten_hidden_layer(image) -> None:
    """2.3c's MLP forgets its hidden layer: the output layer reads the input directly."""
    course.replace(image["cells"][9], "prob_node = edf.Softmax(edf.Affine(output_params, hidden))",
                   "prob_node = edf.Softmax(edf.Affine(edf.AffineParams(nInputs, nOutputs), x_node))")


def with_faults(*edits, notebook: str = "image"):
    """A builder: the "given" style with these edits to one of its notebooks ("image" or "pcl")."""
    def build(handout):
        notebooks = dict(zip(("pcl", "image"), given.build(handout)))
        for edit in edits:
            edit(notebooks[notebook])
        return notebooks["pcl"], notebooks["image"]
    build.__doc__ = "; ".join(e.__doc__ for e in edits)
    return build


relu_backward = with_faults(wrong_relu_backward)            # (h)
one_sided_numdiff = with_faults(one_sided_quotient)         # (i)
no_hidden_2_3c = with_faults(forgotten_hidden_layer)        # (j)
three_faults = with_faults(wrong_relu_backward, one_sided_quotient, forgotten_hidden_layer)
