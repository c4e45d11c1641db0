"""Checks of 2.2 and 2.3 on hand-made evidence: realistic mistakes fail with a message
that says what was expected and what was measured (no kernel needed)."""
import numpy as np
import pytest

from edf_autograder.checking.evidence import Evidence
from edf_autograder.errors import KernelCallError, Untrusted
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
