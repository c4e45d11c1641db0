"""One fault, one deduction (issue 24, point 6), on hand-made evidence: a plot that draws the
trained parameters earns its point even when the trained model is wrong (that fault is graded
in the model's own item), a plot of anything else still fails; a sweep's graph that mixes in
another activation fails its own item."""
import numpy as np
import pytest

from edf_autograder.errors import EvidenceMissing
from edf_autograder.evidence.graph import Graph
from tests.test_checks_unit import RUN, Data, evidence, sweep_capture


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
