"""What several checks share: graph structure against the sheet, and error measurement
on grader-chosen inputs with the label-leak test."""
from __future__ import annotations

import numpy as np

from edf_autograder.checking.verdicts import Verdict, failed, passed
from edf_autograder.errors import EvidenceMissing, KernelCallError, Untrusted
from edf_autograder.evidence.assign import layers_text
from edf_autograder.evidence.capture import cell_problem, graph_of
from edf_autograder.evidence.graph import KNOWN, Graph, forward
from edf_autograder.kernel import exchange

AGREE = 1e-3  # kernel vs grader probabilities; float32 parameters round at ~1e-7
# the node types the grader evaluates itself: EDF's, and the point-cloud notebook's given one
NODES = {**KNOWN, "SingleProbToProbVector": lambda p: np.hstack([p, 1 - p])}


def structure(graph: Graph, expected, what: str) -> Verdict:
    """Compare the chain input -> output with `expected`, and require a CrossEntropyLoss
    on the output."""
    try:
        got = graph.layers()
    except EvidenceMissing as exc:
        return failed(f"{what}: {exc}")
    if tuple(got) != tuple(expected):
        return failed(f"{what}: expected {layers_text(expected)}, found {layers_text(got)}")
    if not graph.has_loss():
        return failed(f"{what}: prob_node is not fed into a CrossEntropyLoss (loss_node)")
    return passed(f"{what}: {layers_text(got)}, CrossEntropyLoss")


def probabilities(capture: dict, name: str, n: int, k: int) -> np.ndarray:
    """The kernel's output for grader input `name`, validated, after the label-leak
    test: the two runs used different fake labels in y_node, so they must agree."""
    graph_of(capture)  # a capture without a graph explains itself
    ev = capture.get("eval")
    if ev is None or f"{name}_0" not in ev:
        raise KernelCallError(f"the model could not be evaluated: {cell_problem(capture)}")
    p0 = exchange.checked(ev[f"{name}_0"], "prob_node.value", shape=(n, k))
    p1 = exchange.checked(ev[f"{name}_1"], "prob_node.value", shape=(n, k))
    if np.max(np.abs(p0 - p1)) > 1e-9:
        raise Untrusted("your model's output changes when y_node holds different labels: "
                        "prob_node must not depend on the labels (label leak)")
    return p0


def error_percent(prob: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(prob, axis=1) != labels) * 100)


def check_own_forward(graph: Graph, x: np.ndarray, prob: np.ndarray) -> None:
    """Untrusted unless the grader's own forward pass of the captured parameters matches
    the kernel's output (graphs holding student classes are evaluated in the kernel only)."""
    try:
        mine = forward(graph, x, nodes=NODES)
    except EvidenceMissing:
        return
    if mine.shape != prob.shape or np.max(np.abs(mine - prob)) > AGREE:
        raise Untrusted("the probabilities your kernel returned differ from the grader's own forward pass of "
                        "your trained parameters (was edf or numpy changed inside the notebook?)")
