"""2.3f/g/h sweeps: one final error per configuration, in percent, `best_*` the argmin,
and the last configuration's test error equal to what the grader measures on the last
trained graph of the sweep (so hard-coded numbers do not pass)."""
from __future__ import annotations

import numpy as np

from autograder import exchange, locate
from autograder.capture import SWEEP_LISTS, graph_of
from autograder.errors import EvidenceMissing
from autograder.score import failed, passed
from checks import check
from checks.common import error_percent, probabilities

AGREE = 0.15  # percentage points between the reported and the measured last error
SWEEPS = {sweep: (what, locate.SWEEP_CONFIGS[what]) for sweep, what in locate.SWEEPS.items()}
ACT = {"sigmoid": "Sigmoid", "relu": "ReLU"}


def _value(ev, key: str, name: str):
    cap = ev.capture(key)
    for source in (cap, _end(ev)):
        if name in source.get("values", {}):
            return source["values"][name]
    raise EvidenceMissing(f"`{name}` is not defined after the {key} cell")


def _end(ev) -> dict:
    try:
        return ev.capture("end")
    except EvidenceMissing:
        return {}


def _last_graph_shape(graph, what: str, act: str, last) -> str:
    layers = graph.layers()
    acts = [t for t, _ in layers if t == ACT[act]]
    if not acts:
        return f"the last trained graph of the sweep has no {ACT[act]} layer"
    if what == "depth" and len(acts) != last:
        return f"the last graph of the depth sweep has {len(acts)} hidden layers, expected {last}"
    if what == "hidden":
        widths = [s[1] for t, s in layers if t == "Affine"][:-1]
        if any(w != last for w in widths):
            return f"the last graph of the width sweep has hidden widths {widths}, expected {last}"
    return ""


def _sweep(sweep: str, act: str):
    what, configs = SWEEPS[sweep]
    key = f"{sweep}-{act}"

    def run(ev):
        train = exchange.checked(_value(ev, key, f"train_err_per_{what}"), f"train_err_per_{what}").reshape(-1)
        test = exchange.checked(_value(ev, key, f"test_err_per_{what}"), f"test_err_per_{what}").reshape(-1)
        n = len(configs)
        if len(train) != n or len(test) != n:
            return failed(f"expected one final error per configuration ({n}); found {len(train)} train and "
                          f"{len(test)} test values (reset the lists before the loop, append once per run)")
        if np.any(test < 0) or np.any(test > 100) or np.any(train < 0) or np.any(train > 100):
            return failed(f"errors must be percentages in [0, 100]; found {test.tolist()}")
        images, labels = ev.dataset.arrays("test", quick=ev.quick)
        cap = ev.capture(key)
        problem = _last_graph_shape(graph_of(cap), what, act, configs[-1])
        if problem:
            return failed(problem)
        measured = error_percent(probabilities(cap, "test", len(labels), 10), labels)
        head = ev.dataset.arrays("train", quick=ev.quick, limit=len(labels))[1]
        defect = error_percent(probabilities(cap, "trainhead", len(labels), 10), head)
        last = float(test[-1])
        if abs(last - measured) > AGREE and abs(last - defect) > AGREE:
            scale = " (fractions, not percent?)" if np.all(test <= 1) and measured > 1 else ""
            return failed(f"your last test error is {last:.2f} but the grader measures {measured:.2f} % on the "
                          f"test images with the last trained graph{scale}: record the errors the runs produce")
        best_name = f"best_{act}_{what}"
        best = _value(ev, key, best_name)
        best = float(np.asarray(best).reshape(-1)[0]) if np.asarray(best).size == 1 else None
        want = configs[int(np.argmin(test))]
        if best is None or not np.isclose(best, want):
            return failed(f"{best_name} is {best}, but the lowest test error in your list is for {want}")
        note = " (your run_epoch evaluated training images: the course copy's defect)" \
            if abs(last - measured) > AGREE else ""
        return passed(f"{n} runs; last test error {last:.2f} % matches the grader's {measured:.2f} %{note}; "
                      f"{best_name} = {want}")
    return run


for _sweep_id, (_what, _) in SWEEPS.items():
    for _act in ACT:
        check(f"{_sweep_id}-{_act}", f"{_what} sweep with {ACT[_act]}", 1)(_sweep(_sweep_id, _act))
