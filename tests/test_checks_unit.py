"""Checks of 2.2 and 2.3 on hand-made evidence: realistic mistakes fail with a message
that says what was expected and what was measured (no kernel needed)."""
import numpy as np
import pytest

from edf_autograder.checking.evidence import Evidence
from edf_autograder.errors import EvidenceMissing, KernelCallError, Untrusted
from edf_autograder.evidence.capture import NotebookEvidence
from edf_autograder.evidence.graph import Graph
from edf_ex2.exercise import EXERCISE

RUN = {c.spec.id: c.run for c in EXERCISE.checks()}


class Data:
    kind = "bundled"

    def __init__(self, n=50):
        rng = np.random.default_rng(0)
        self.images = rng.random((n, 784))
        self.labels = rng.integers(0, 10, n)

    def arrays(self, part, quick=False, limit=None):
        return self.images[:limit], self.labels[:limit]

    def pcl(self):
        X = np.random.default_rng(1).uniform(-0.5, 0.5, (100, 2))
        return X, (X[:, 1] > 0).astype(np.int64)


def logreg_graph(A, b, out="Softmax", loss=True):
    nodes = [
        {"type": "Affine", "parents": [3], "params": {"w.A": 4, "w.b": 5}},
        {"type": out, "parents": [0], "params": {}},
        {"type": "CrossEntropyLoss", "parents": [1, 6], "params": {}} if loss else
        {"type": "Other", "parents": [], "params": {}},
        {"type": "Input", "parents": [], "params": {}},
        {"type": "Parameter", "parents": [], "params": {}},
        {"type": "Parameter", "parents": [], "params": {}},
        {"type": "Input", "parents": [], "params": {}},
    ]
    return Graph(nodes, {"x": 3, "y": 6, "prob": 1}, {"p4": A, "p5": b})


def evidence(captures, data=None):
    ev = Evidence(dataset=data or Data())
    ev.notebooks["image"] = NotebookEvidence("image", captures=captures)
    ev.notebooks["pcl"] = NotebookEvidence("pcl", captures=captures)
    return ev


def sweep_capture(data, reported, best, probs):
    p = np.eye(10)[probs]
    return {"cell": 3, "graph": logreg_graph(np.zeros((784, 10)), np.zeros(10)),
            "values": {"train_err_per_lr": np.array([5.0, 4.0, 3.0]), "test_err_per_lr": np.array(reported),
                       "best_sigmoid_lr": np.array(best)},
            "eval": {"test_0": p, "test_1": p, "trainhead_0": p, "trainhead_1": p}}


def test_sweep_checks_the_activation_of_the_last_graph():
    data = Data()
    measured = float(np.mean(data.labels != 0) * 100)
    ev = evidence({"2.3f-sigmoid": sweep_capture(data, [99.0, 98.0, measured], 1.0, np.zeros(50, int))}, data)
    # the last graph here has no Sigmoid layer: the structure of the last run is checked too
    assert "no Sigmoid layer" in RUN["2.3f-sigmoid"](ev).message


def test_sweep_of_one_activation_with_another_stacked_on_it_fails():
    """The ReLU width sweep's given first layer is ReLU; Sigmoid layers stacked on it are not its MLP."""
    data = Data()
    measured = float(np.mean(data.labels != 0) * 100)
    cap = sweep_capture(data, [99.0, 98.0, measured], 1.0, np.zeros(50, int))
    cap["graph"] = chain_graph(["Affine", "ReLU", "Affine", "Sigmoid", "Affine", "Softmax"],
                               [(np.zeros((784, 128)), np.zeros(128)), (np.zeros((128, 128)), np.zeros(128)),
                                (np.zeros((128, 10)), np.zeros(10))])
    cap["values"] = {"train_err_per_hidden": np.array([5.0, 4.0, 3.0]),
                     "test_err_per_hidden": np.array([99.0, 98.0, measured])}
    verdict = RUN["2.3h-relu"](evidence({"2.3h-relu": cap}, data))
    assert verdict.status == "fail" and "has Sigmoid hidden layers too" in verdict.message, verdict.message
    # all ReLU: this test's data then decides on the numbers alone
    next(n for n in cap["graph"].nodes if n["type"] == "Sigmoid")["type"] = "ReLU"
    assert "hidden layers too" not in RUN["2.3h-relu"](evidence({"2.3h-relu": cap}, data)).message


@pytest.mark.parametrize("reported, best, problem", [
    ([12.0, 9.0, 8.5], 1.0, "no other error of the run"),       # hard-coded numbers
    ([0.12, 0.09, 0.085], 1.0, "percentages|fractions"),        # fractions, not percent
    ([12.0, 9.0], 1.0, "one final error per configuration"),    # a run missing
])
def test_sweep_mistakes_fail(reported, best, problem):
    data = Data()
    cap = sweep_capture(data, reported, best, np.zeros(50, int))
    cap["graph"].nodes[1]["type"] = "Sigmoid"  # the last run's graph has the sweep's activation
    ev = evidence({"2.3f-sigmoid": cap}, data)
    verdict = RUN["2.3f-sigmoid"](ev)
    assert verdict.status == "fail"
    assert any(word in verdict.message for word in problem.split("|")), verdict.message


def test_label_leak_is_caught():
    data = Data()
    A, b = np.zeros((784, 10)), np.zeros(10)
    leak0, leak1 = np.eye(10)[np.zeros(50, int)], np.eye(10)[np.arange(50) % 10]
    capture = {"cell": 5, "graph": logreg_graph(A, b), "eval": {"heldout_0": leak0, "heldout_1": leak1}}
    ev = evidence({"2.3a-train": capture}, data)
    with pytest.raises(KernelCallError, match="label leak"):
        RUN["2.3a-error"](ev)


def test_patched_kernel_output_disagrees_with_the_graders_forward_pass():
    data = Data()
    rng = np.random.default_rng(3)
    A, b = rng.normal(size=(784, 10)), np.zeros(10)
    perfect = np.eye(10)[data.labels]  # what a patched numpy/edf might return
    capture = {"cell": 5, "graph": logreg_graph(A, b), "eval": {"heldout_0": perfect, "heldout_1": perfect}}
    ev = evidence({"2.3a-train": capture}, data)
    with pytest.raises(Untrusted, match="grader's own forward pass"):  # the pipeline fails the item and flags it
        RUN["2.3a-error"](ev)


def test_wrong_structure_is_named():
    ev = evidence({"2.3a-train": {"cell": 5, "graph": logreg_graph(np.zeros((784, 10)), np.zeros(10), out="Sigmoid")}})
    verdict = RUN["2.3a-graph"](ev)
    assert verdict.status == "fail" and "expected Affine784->10 -> Softmax, found Affine784->10 -> Sigmoid" in verdict.message


def test_plot_of_an_untrained_model_fails():
    rng = np.random.default_rng(0)
    A, b = rng.normal(size=(2, 1)), np.zeros(1)
    graph = logreg_graph(A, b, out="Sigmoid")
    X_plot = rng.uniform(-0.5, 0.5, (400, 2))
    untrained = 1 / (1 + np.exp(-(X_plot @ rng.normal(size=(2, 1)))))
    ev = evidence({"2.2a-train": {"cell": 7, "graph": graph},
                   "2.2b": {"cell": 9, "plot": {"x_value": X_plot, "out_value": untrained}}})
    verdict = RUN["2.2b"](ev)
    assert verdict.status == "fail" and "differs from your trained model" in verdict.message



# ---- 2.2b/2.2d: one fault, one deduction (issue 24, point 6) ----------------------------------

def chain_graph(layers, weights, *, loss=True):
    """x -> layers (-> CrossEntropyLoss), as the kernel describes a graph: `weights` holds
    (A, b) of each Affine in order. A trained graph has a loss; a plot's graph has none."""
    nodes, arrays, weights = [{"type": "Input", "parents": [], "params": {}}], {}, iter(weights)
    last = 0
    for kind in layers:
        nodes.append({"type": kind, "parents": [last], "params": {}})
        last = len(nodes) - 1
        if kind == "Affine":
            nodes[last]["params"] = {"w.A": last + 1, "w.b": last + 2}
            for name, value in zip(("A", "b"), next(weights), strict=True):
                arrays[f"p{len(nodes)}"] = value
                nodes.append({"type": "Parameter", "parents": [], "params": {}, "name": name})
    roles = {"x": 0, "prob": last}
    if loss:
        nodes += [{"type": "Input", "parents": [], "params": {}},
                  {"type": "CrossEntropyLoss", "parents": [last, len(nodes)], "params": {}}]
        roles["y"] = len(nodes) - 2
    return Graph(nodes, roles, arrays)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


LOGREG_WEIGHTS = [(np.array([[3.0], [-2.0]]), np.array([0.5]))]
MLP_WEIGHTS = [(np.random.default_rng(4).normal(size=(2, 16)), np.zeros(16)),
               (np.random.default_rng(5).normal(size=(16, 1)), np.array([0.1]))]
GRID = np.random.default_rng(6).uniform(-0.5, 0.5, (400, 2))


def course_logreg(weights, x=GRID):
    (A, b), = weights
    return sigmoid(x @ A + b)


def course_mlp(weights, x=GRID):
    (A1, b1), (A2, b2) = weights
    return sigmoid(sigmoid(x @ A1 + b1) @ A2 + b2)


def plot_evidence(item, trained, plot, drawn):
    """Evidence of a trained model and of the plotting cell that drew `drawn` with graph `plot`."""
    train_key = {"2.2b": "2.2a-train", "2.2d": "2.2c-train"}[item]
    plot_capture = {"cell": 9, "plot": {"x_value": GRID, "out_value": drawn}}
    if plot is not None:
        plot_capture["graph"] = plot
    return evidence({train_key: {"cell": 7, "graph": trained}, item: plot_capture})


# The course's own plotting line keeps the Sigmoid that the student left out of training: the
# plot draws the trained parameters, and only 2.2a / 2.2c lose the point.
FAULTY_MODELS = {
    "2.2b": (["Affine", "SingleProbToProbVector"], ["Affine", "Sigmoid"], LOGREG_WEIGHTS, course_logreg, "2.2a"),
    "2.2d": (["Affine", "Sigmoid", "Affine", "SingleProbToProbVector"], ["Affine", "Sigmoid", "Affine", "Sigmoid"],
             MLP_WEIGHTS, course_mlp, "2.2c"),
}


@pytest.mark.parametrize("item", FAULTY_MODELS)
def test_a_plot_of_the_trained_parameters_earns_its_point_when_the_model_itself_is_wrong(item):
    trained_layers, plot_layers, weights, draw, own = FAULTY_MODELS[item]
    trained = chain_graph(trained_layers, weights)
    verdict = RUN[item](plot_evidence(item, trained, chain_graph(plot_layers, weights, loss=False), draw(weights)))
    assert verdict.status == "pass", verdict.message
    assert "the plot draws the trained model" in verdict.message and f"graded in {own}" in verdict.message
    # the same trained graph fails its own structure item: the fault costs that item, once
    graph_item = f"{own}-graph"
    assert RUN[graph_item](evidence({f"{own}-train": {"cell": 7, "graph": trained}})).status == "fail"


def other_weights(weights):
    return [(A + 1.0, b) for A, b in weights]


@pytest.mark.parametrize("item", FAULTY_MODELS)
@pytest.mark.parametrize("plot", ["fresh parameters", "other layers", "values not from its graph", "no graph"])
def test_a_plot_that_does_not_draw_the_trained_parameters_still_fails(item, plot):
    trained_layers, plot_layers, weights, draw, _ = FAULTY_MODELS[item]
    trained = chain_graph(trained_layers, weights)
    graph, drawn = {
        "fresh parameters": (chain_graph(plot_layers, other_weights(weights), loss=False), draw(other_weights(weights))),
        "other layers": (chain_graph([*plot_layers, "Sigmoid"], weights, loss=False), sigmoid(draw(weights))),
        "values not from its graph": (chain_graph(plot_layers, weights, loss=False), 1 - draw(weights)),
        "no graph": (None, draw(weights)),
    }[plot]
    verdict = RUN[item](plot_evidence(item, trained, graph, drawn))
    assert verdict.status == "fail" and "differs from your trained model" in verdict.message, verdict.message


@pytest.mark.parametrize("item", FAULTY_MODELS)
def test_a_correct_model_and_its_plot_pass_without_mentioning_a_fault(item):
    _, plot_layers, weights, draw, _ = FAULTY_MODELS[item]
    trained = chain_graph([*plot_layers, "SingleProbToProbVector"], weights)
    verdict = RUN[item](plot_evidence(item, trained, chain_graph(plot_layers, weights, loss=False), draw(weights)))
    assert verdict.status == "pass" and "matches the grader's evaluation" in verdict.message, verdict.message
    assert "fault" not in verdict.message


def test_no_plot_at_all_is_evidence_missing():
    trained = chain_graph(["Affine", "SingleProbToProbVector"], LOGREG_WEIGHTS)
    ev = evidence({"2.2a-train": {"cell": 7, "graph": trained}})
    ev.notebooks["pcl"].missing["2.2b"] = "no graph drawn on the grid was found after cell 8"
    with pytest.raises(EvidenceMissing, match="no graph drawn"):
        RUN["2.2b"](ev)


def test_a_plotting_cell_that_raised_drew_nothing():
    """The MLP applied to x_node (100 points) on the grid's reshape: the values agree with
    the trained model, but the cell stopped before its contour."""
    _, plot_layers, weights, draw, _ = FAULTY_MODELS["2.2d"]
    trained = chain_graph([*plot_layers, "SingleProbToProbVector"], weights)
    ev = evidence({"2.2c-train": {"cell": 7, "graph": trained},
                   "2.2d": {"cell": 14, "cell_status": "error", "plot": {"x_value": GRID, "out_value": draw(weights)},
                            "cell_error": "Traceback ...\nValueError: cannot reshape array of size 100 into shape (500,500)"}})
    verdict = RUN["2.2d"](ev)
    assert verdict.status == "fail" and "raised ValueError: cannot reshape" in verdict.message, verdict.message
