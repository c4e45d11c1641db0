"""2.2 Binary classification on the 2D point cloud (8 points)."""
from __future__ import annotations

import numpy as np

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import failed, passed
from edf_autograder.errors import EvidenceMissing
from edf_autograder.evidence.capture import graph_of
from edf_autograder.evidence.graph import Graph, forward
from edf_autograder.kernel import exchange
from edf_autograder.kernel.cells import last_line
from edf_ex2.common import NODES, check_own_forward, error_percent, probabilities, structure
from edf_ex2.notebooks import PCL_LOGREG as LOGREG
from edf_ex2.notebooks import PCL_MLP as MLP

PCL_MLP_MAX_WRONG = 2      # of 100 points
PCL_LOGREG_SLACK = 3       # wrong points allowed beyond the grader's own logistic regression
PLOT_AGREE = 1e-3  # what the cell drew vs the grader's evaluation of the trained model


def logistic_errors(X: np.ndarray, y: np.ndarray) -> int:
    """Points the cross-entropy-optimal line gets wrong: the grader's own logistic
    regression, fitted by Newton's method (a linear model cannot do better by training)."""
    Z = np.column_stack([X, np.ones(len(X))])
    t = (y == 0).astype(float)  # the notebook's column 0 is the probability of label 0
    w = np.zeros(3)
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(Z @ w, -30, 30)))
        hessian = Z.T @ (Z * (p * (1 - p))[:, None]) + 1e-9 * np.eye(3)
        w -= np.linalg.solve(hessian, Z.T @ (p - t))
    return int(np.sum(((Z @ w) > 0) != (y == 0)))


def _wrong(ev, key: str) -> int:
    X, y = ev.dataset.pcl()
    cap = ev.capture(key)
    prob = probabilities(cap, "points", len(y), 2)
    check_own_forward(graph_of(cap), X, prob)
    return int(round(error_percent(prob, y) * len(y) / 100))


@check("2.2a-graph", "Logistic regression graph (2->1, Sigmoid, CrossEntropyLoss)", 1)
def logreg_graph(ev):
    return structure(graph_of(ev.capture("2.2a-train")), LOGREG, "logistic regression")


@check("2.2a-error", "Logistic regression reaches what a line can on the point cloud", 1, trained=True)
def logreg_error(ev):
    X, y = ev.dataset.pcl()
    wrong = _wrong(ev, "2.2a-train")
    limit = logistic_errors(X, y) + PCL_LOGREG_SLACK
    msg = f"the grader counts {wrong} of {len(y)} points wrong with your trained parameters (limit {limit})"
    measure = {"measured": wrong, "limit": limit, "unit": "points wrong"}  # the class overview draws these
    return passed(msg, **measure) if wrong <= limit else \
        failed(msg + "; is the model trained (train cell run after the graph)?", **measure)


@check("2.2c-graph", "MLP graph (2->16->1, Sigmoid hidden and output, CrossEntropyLoss)", 2)
def mlp_graph(ev):
    return structure(graph_of(ev.capture("2.2c-train")), MLP, "MLP")


@check("2.2c-error", "MLP classifies (nearly) all points", 2, trained=True)
def mlp_error(ev):
    wrong = _wrong(ev, "2.2c-train")
    msg = f"the grader counts {wrong} of 100 points wrong with your trained MLP (at most {PCL_MLP_MAX_WRONG} allowed)"
    measure = {"measured": wrong, "limit": PCL_MLP_MAX_WRONG, "unit": "points wrong"}
    return passed(msg, **measure) if wrong <= PCL_MLP_MAX_WRONG else failed(msg, **measure)


def _drawn(cap: dict) -> tuple[np.ndarray, np.ndarray]:
    """(the grid, the values drawn on it) of a plotting cell, validated."""
    drawn = cap.get("plot", {})
    if "x_value" not in drawn or "out_value" not in drawn:
        raise EvidenceMissing("the plotting cell's graph has no values: is edf.Forward() run after `output = ...`?")
    X_plot = exchange.checked(drawn["x_value"], "the grid (input)", shape=(None, 2))
    return X_plot, exchange.checked(drawn["out_value"], "output.value", finite=False)


def _gap(graph: Graph, X_plot: np.ndarray, out: np.ndarray, upto: int | None = None) -> float:
    """How far the drawn values are from the grader's own forward pass of `graph` on the grid."""
    return float(np.max(np.abs(forward(graph, X_plot, upto=upto, nodes=NODES)[:, 0] - out)))


def _same_weights(plot: Graph, trained: Graph) -> bool:
    """The plot computes with the trained model's parameters: the same arrays, in chain order."""
    mine, theirs = plot.chain_weights(), trained.chain_weights()
    return len(mine) == len(theirs) > 0 and all(
        a is not None and b is not None and a.shape == b.shape and np.array_equal(a, b)
        for a, b in zip(mine, theirs, strict=True))


def _draws_trained_parameters(plot: Graph | None, trained: Graph, course_model: tuple,
                              X_plot: np.ndarray, out: np.ndarray) -> bool:
    """The plot is the hand-out's model with the parameters the notebook trained, and drew
    that graph's output: it draws the trained model, even where the trained graph itself is
    wrong (the course's plotting line keeps the Sigmoid a student left out of training).
    Graded once, in the model's own item; a plot of other parameters or layers is not this."""
    if plot is None:
        return False
    try:
        return tuple(plot.layers()) == tuple(course_model) and _same_weights(plot, trained) \
            and _gap(plot, X_plot, out) <= PLOT_AGREE
    except EvidenceMissing:
        return False


def _plot_check(ev, plot_key: str, train_key: str, course_model: tuple):
    """What the plotting cell drew (the output of the graph it built on the grid, read in
    the kernel right after the cell, whatever the cell then did with `output`) against the
    grader's own evaluation of the trained model on the same grid, or else against the
    hand-out's model (`course_model`) with the trained parameters."""
    graph = graph_of(ev.capture(train_key))
    cap = ev.capture(plot_key)
    if cap.get("cell_status") == "timeout":
        return failed(f"the plotting cell did not finish: {cap.get('cell_error') or 'time limit'} (nothing was drawn)")
    if cap.get("cell_status") == "error":  # its graph was evaluated, but on what, and was anything drawn?
        return failed(f"the plotting cell raised {last_line(cap.get('cell_error') or '', 'an error')}: the plot was not "
                      "drawn (the model goes on the grid `input`, and the cell runs to its end)")
    X_plot, out = _drawn(cap)
    if out.ndim == 2 and out.shape[1] == 2:
        return failed("output has two columns: apply the trained model without SingleProbToProbVector")
    out = out.reshape(-1)
    if out.shape[0] != X_plot.shape[0]:
        return failed(f"output has {out.shape[0]} values for {X_plot.shape[0]} grid points")
    model = graph.layers()
    upto = len(model) - (model[-1][0] == "SingleProbToProbVector")  # the plot draws p, not [p, 1 - p]
    try:
        gap: float | None = _gap(graph, X_plot, out, upto)
    except EvidenceMissing as exc:  # the trained graph has a student's own node class
        gap, unknown = None, exc
    if gap is not None and gap <= PLOT_AGREE:
        return passed(f"the plotted output matches the grader's evaluation of your trained model on "
                      f"{len(out):,} grid points (max difference {gap:.1e})")
    if _draws_trained_parameters(cap.get("graph"), graph, course_model, X_plot, out):
        return passed(f"the plot draws the trained model (its trained parameters, on {len(out):,} grid points); "
                      f"the model's own fault is graded in {train_key.split('-')[0]}")
    if gap is None:
        raise unknown
    return failed(f"the plotted output differs from your trained model on the grid by up to {gap:.3g} "
                  "(use the trained parameters, and `input` as the model's input)")


@check("2.2b", "Decision boundary plot of the logistic regression uses the trained model", 1)
def logreg_plot(ev):
    return _plot_check(ev, "2.2b", "2.2a-train", LOGREG[:-1])


@check("2.2d", "Decision boundary plot of the MLP uses the trained model", 1)
def mlp_plot(ev):
    return _plot_check(ev, "2.2d", "2.2c-train", MLP[:-1])
