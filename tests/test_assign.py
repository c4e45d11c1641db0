"""Which snapshot serves which subtask, on hand-made snapshots (no kernel): graphs are
matched by structure in notebook order, a failing cell never hands an older graph to the
next subtask, plots follow their model, sweeps are found by their lists."""
import itertools

import nbformat

from edf_autograder.evidence.assign import assign
from edf_autograder.evidence.capture import NotebookEvidence, Snapshot
from edf_autograder.evidence.graph import Graph
from edf_autograder.kernel.session import CellRun
from edf_ex2.notebooks import IMAGE, MNIST_LOGREG, PCL, PCL_LOGREG, PCL_MLP, mnist_mlp

UIDS = itertools.count(1)


def graph(layers, *, loss=True, checksum=0, x_shape=(64, 784), ids=None):
    """A graph description as the probe writes it: input, the chain, weights, label, loss."""
    ids = ids or {}
    nodes = [{"type": "Input", "parents": [], "params": {}, "uid": ids.get("x") or next(UIDS),
              "shape": list(x_shape), "leaf": "Input"}]
    weights = []
    for kind, shape in layers:
        nodes.append({"type": kind, "parents": [len(nodes) - 1], "params": {}, "uid": next(UIDS), "shape": None})
        if shape is not None:
            weights.append((len(nodes) - 1, "A", list(shape)))
            weights.append((len(nodes) - 1, "b", [shape[1]]))
    prob = len(nodes) - 1
    if ids.get("prob"):
        nodes[prob]["uid"] = ids["prob"]
    for owner, name, shape in weights:
        nodes[owner]["params"][f"w.{name}"] = len(nodes)
        nodes.append({"type": "Parameter", "parents": [], "params": {}, "uid": next(UIDS), "shape": shape,
                      "leaf": "Parameter", "checksum": checksum})
    roles = {"x": 0, "prob": prob, "y": None, "how": "names"}
    if loss:
        roles["y"] = len(nodes)
        nodes.append({"type": "Input", "parents": [], "params": {}, "uid": next(UIDS), "shape": [64], "leaf": "Input"})
        nodes.append({"type": "CrossEntropyLoss", "parents": [prob, roles["y"]], "params": {}, "uid": next(UIDS),
                      "shape": [64]})
    return Graph(nodes, roles)


def notebook(n):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass") for _ in range(n)])


def run(cell, status="ok", error=""):
    return CellRun(cell, status, error)


def snap(cell, g=None, *, captured=True, names=None, status="ok", error=""):
    s = Snapshot(cell, run(cell, status, error), g, names=names or {})
    if g is not None and captured:
        s.capture = {"graph": s.graph}
    return s


def evidence(plan, snaps, n=60):
    ev = NotebookEvidence(plan.kind, notebook(n), runs=[s.run for s in snaps], snapshots=snaps)
    assign(plan, ev)
    return ev


def test_graphs_are_assigned_by_structure_not_position():
    """Helper style: the MLP is built and trained before the logistic regression."""
    mlp, logreg = graph(mnist_mlp("Sigmoid"), checksum=1), graph(MNIST_LOGREG, checksum=1)
    ev = evidence(IMAGE, [snap(3, mlp), snap(5, logreg)])
    assert ev.captures["2.3a-train"]["cell"] == 5
    assert ev.captures["2.3c-train"]["cell"] == 3


def test_a_failing_definition_cell_gets_no_credit_from_the_previous_graph():
    """2.3c's definition raises; its training cell trains 2.3a's graph again."""
    ids = {"prob": 9001, "x": 9002}
    built, trained, again = (graph(MNIST_LOGREG, checksum=c, ids=ids) for c in (0, 1, 2))
    tanh = graph(mnist_mlp("Tanh"), checksum=1)
    ev = evidence(IMAGE, [snap(4, built), snap(6, trained),
                          snap(9, None, status="error", error="SyntaxError: invalid syntax"),
                          snap(10, again), snap(15, tanh)])
    assert ev.captures["2.3a-train"]["cell"] == 10  # its own graph, trained once more
    assert "2.3c-train" not in ev.captures
    why = ev.missing["2.3c-train"]
    assert why.startswith("no trained Sigmoid MLP") and "cell 10 raised SyntaxError: invalid syntax" in why
    assert "cell 11 trained the graph built in cell 5, which is graded for 2.3a-train" in why


def test_a_wrong_model_is_graded_as_the_students_attempt():
    """A Sigmoid MLP with 32 hidden units: 2.3c gets it (and its graph item will fail)."""
    wrong = graph((("Affine", (784, 32)), ("Sigmoid", None), ("Affine", (32, 10)), ("Softmax", None)), checksum=1)
    ev = evidence(IMAGE, [snap(4, graph(MNIST_LOGREG, checksum=1)), snap(9, wrong),
                          snap(15, graph(mnist_mlp("Tanh"), checksum=1))])
    assert ev.captures["2.3c-train"]["cell"] == 9


def test_plots_follow_their_model():
    plot_a = graph(PCL_LOGREG[:-1], loss=False, x_shape=(250000, 2))
    plot_c = graph(PCL_MLP[:-1], loss=False, x_shape=(250000, 2))
    ev = evidence(PCL, [snap(4, graph(PCL_LOGREG)), snap(7, graph(PCL_LOGREG, checksum=3)), snap(9, plot_a),
                        snap(11, graph(PCL_MLP)), snap(12, graph(PCL_MLP, checksum=5)), snap(14, plot_c)])
    assert (ev.captures["2.2b"]["cell"], ev.captures["2.2d"]["cell"]) == (9, 14)


def test_a_plot_without_a_trained_model_is_missing_and_says_why():
    ev = evidence(PCL, [snap(9, graph(PCL_LOGREG[:-1], loss=False, x_shape=(250000, 2)))])
    assert "no trained model" in ev.missing["2.2b"]


def _numbers(values, uid):
    return {"kind": "numbers", "uid": uid, "shape": [len(values)], "values": values}


def test_sweeps_are_found_by_their_lists_and_activation():
    lists = lambda uid, v: {"train_err_per_lr": _numbers(v, uid), "test_err_per_lr": _numbers(v, uid + 1)}  # noqa: E731
    sigmoid = snap(37, graph(mnist_mlp("Sigmoid"), checksum=7), names=lists(100, [9.0, 8.0, 7.0]))
    plot = snap(38, None, names=lists(100, [9.0, 8.0, 7.0]))  # the plotting cell changes nothing
    relu = snap(40, graph(mnist_mlp("ReLU"), checksum=8), names=lists(200, [6.0, 5.0, 4.0]))
    ev = evidence(IMAGE, [snap(10, graph(mnist_mlp("Sigmoid"), checksum=1)), sigmoid, plot, relu])
    assert ev.captures["2.3f-sigmoid"]["cell"] == 37 and ev.captures["2.3f-relu"]["cell"] == 40
    assert ev.captures["2.3f-relu"]["values"]["test_err_per_lr"].tolist() == [6.0, 5.0, 4.0]
    assert ev.captures["2.3c-train"]["cell"] == 10  # a sweep's graph is never a 2.3c graph


def test_definitions_come_from_the_last_cell_that_defined_them():
    tanh = lambda uid: {"Tanh": {"kind": "class", "uid": uid}}  # noqa: E731
    ev = evidence(IMAGE, [snap(12, names=tanh(1)), snap(13, names=tanh(1)), snap(20, names=tanh(2))])
    assert ev.captures["2.3d-tanh"]["cell"] == 20
    assert "`ReLU` is not defined" in ev.missing["2.3d-relu"]
