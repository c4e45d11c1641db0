"""2.3a, 2.3c and the trained MLPs of 2.3d: structure, and test error measured by the
grader on held-out images the notebooks never see."""
from __future__ import annotations

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import PASS, failed, passed
from edf_autograder.evidence.capture import graph_of
from edf_ex2.common import check_own_forward, error_percent, probabilities, structure
from edf_ex2.notebooks import ACTIVATIONS, MNIST_LOGREG, mnist_mlp


def heldout_error(ev, key: str, model: str):
    """Measure, in the grader, the trained graph's error on the held-out images."""
    from edf_ex2.thresholds import MAX_ERROR  # grader only: the students' kit skips these items (quick mode)

    images, labels = ev.dataset.arrays("heldout")
    cap = ev.capture(key)
    prob = probabilities(cap, "heldout", len(labels), 10)
    check_own_forward(graph_of(cap), images, prob)
    err = error_percent(prob, labels)
    limit = MAX_ERROR[ev.dataset.kind][model]
    msg = (f"the grader measured {err:.2f} % error on {len(labels):,} held-out images "
           f"(at most {limit:.1f} % on this data set)")
    measure = {"measured": round(err, 3), "limit": limit, "unit": "% error"}  # the class overview draws these
    if err <= limit:
        return passed(msg, **measure)
    hint = " — the model is untrained or barely trained" if err > 80 else ""
    return failed(msg + hint, **measure)


@check("2.3a-graph", "Logistic regression graph (784->10, Softmax, CrossEntropyLoss)", 1)
def logreg_graph(ev):
    return structure(graph_of(ev.capture("2.3a-train")), MNIST_LOGREG, "logistic regression")


@check("2.3a-error", "Logistic regression test error", 1, slow=True)
def logreg_error(ev):
    return heldout_error(ev, "2.3a-train", "logreg")


@check("2.3c-graph", "MLP graph (784->64 Sigmoid ->10 Softmax, CrossEntropyLoss)", 1)
def mlp_graph(ev):
    return structure(graph_of(ev.capture("2.3c-train")), mnist_mlp("Sigmoid"), "MLP")


@check("2.3c-error", "Sigmoid MLP test error", 1, slow=True)
def mlp_error(ev):
    return heldout_error(ev, "2.3c-train", "sigmoid")


def _act_mlp(act: str):
    def run(ev):
        key = f"2.3d-{act}-train"
        shape = structure(graph_of(ev.capture(key)), mnist_mlp(ACTIVATIONS[act]), f"{ACTIVATIONS[act]} MLP")
        if shape.status != PASS:
            return shape
        return heldout_error(ev, key, act)
    return run


for _act, _cls in ACTIVATIONS.items():
    check(f"2.3d-{_act}-mlp", f"MLP with {_cls}: structure and test error", 0.5, slow=True)(_act_mlp(_act))
