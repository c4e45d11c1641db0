"""The grading runtime's quick mode (EDF_GRADER_QUICK_UPDATES=N, set by the grader's quick
check in the point-cloud notebook's kernel): a graph stops updating after N steps, the loop
runs on, and whatever a notebook reads afterwards is what the course's edf.py gives with the
parameters of those N steps; a new graph, a new input, a value changed in place are computed.
"""
import os
from pathlib import Path

import numpy as np
import pytest

from bench.pcl_steps import build
from tests.test_runtime_equivalence import (
    COURSE,
    PCL_RTOL,
    PCL_X,
    PCL_Y,
    RUNTIME,
    SCENARIOS,
    _load,
    assert_close,
    pcl_graph,
    pcl_training,
)

STOP = 300


def quick_runtime(monkeypatch, updates: int, name: str):
    """The runtime as a quick check's kernel imports it: a fresh module that read the variable."""
    monkeypatch.setenv("EDF_GRADER_QUICK_UPDATES", str(updates))
    return _load(f"edf_quick_{name}", Path("edf_autograder/runtime/edf.py"))


@pytest.fixture
def quick(monkeypatch, request):
    return quick_runtime(monkeypatch, STOP, request.node.name.replace("[", "_").replace("]", ""))


def course_after(hidden: int, steps: int, X=PCL_X):
    """The course's graph after `steps` updates, then one Forward on X: (printed lines, parameters, probabilities)."""
    printed, params = pcl_training(COURSE, hidden, steps)
    COURSE.CompNodes[0].x.value, COURSE.CompNodes[-1].y.value = X, np.zeros(len(X), dtype=np.int64)
    COURSE.Forward()
    return printed, params, np.array(COURSE.CompNodes[-2].value)


def error_count(prob: np.ndarray) -> int:
    return int(np.sum(np.argmax(prob, axis=1) != PCL_Y))


@pytest.mark.parametrize("hidden", [0, 16], ids=["logistic", "mlp"])
def test_a_stopped_training_prints_and_ends_as_its_first_steps(quick, hidden):
    printed, params = pcl_training(quick, hidden, 2000)
    first, expected, prob = course_after(hidden, STOP)
    assert printed[:2] == first  # iterations 100 and 200, before the stop
    later = [int(float(line.rsplit(" ", 1)[1])) for line in printed[2:]]
    assert later == [error_count(prob)] * 2  # 500 and 1000: the graph as its 300 steps left it
    for mine, theirs in zip(params, expected, strict=True):
        assert_close(mine, theirs, PCL_RTOL)
    assert quick._stopped(quick.Parameters) == [STOP, 2000]


def test_after_the_stop_new_inputs_and_changes_in_place_are_computed(quick):
    x_node, y_node, prob_node, loss_node = pcl_graph(quick, 16)
    quick.learning_rate = 1
    for _ in range(STOP + 50):
        quick.Forward()
        quick.Backward(loss_node)
        quick.UpdateParameters()
    grid = np.random.default_rng(0).uniform(-0.5, 0.5, (30, 2))
    for X in (grid, PCL_X, PCL_X * 0.5):
        x_node.value = X if X is not PCL_X else PCL_X.copy()
        y_node.value = np.zeros(len(X), dtype=np.int64)
        quick.Forward()
        assert_close(prob_node.value, course_after(16, STOP, X)[2], PCL_RTOL)
    x_node.value *= 0.5  # in place: the next Forward reads it
    quick.Forward()
    assert_close(prob_node.value, course_after(16, STOP, PCL_X * 0.25)[2], PCL_RTOL)
    quick._new_cell()  # what the grader's probe calls before every cell
    quick.Forward()
    assert_close(prob_node.value, course_after(16, STOP, PCL_X * 0.25)[2], PCL_RTOL)


def test_a_new_graph_trains_its_own_steps_and_the_stopped_one_stays_told(quick):
    _, mlp = pcl_training(quick, 16, STOP + 1)
    stopped_mlp = list(quick.Parameters)
    _, logistic = pcl_training(quick, 0, STOP)  # clear_compgraph and a new graph: not stopped
    for mine, theirs in zip(logistic, pcl_training(COURSE, 0, STOP)[1], strict=True):
        assert_close(mine, theirs, PCL_RTOL)
    assert quick._stopped(quick.Parameters) is None
    assert quick._stopped(stopped_mlp) == [STOP, STOP + 1]
    # a layer added to the graph (Parameters grow): its training starts over
    quick.Affine(quick.AffineParams(2, 1), quick.CompNodes[0].x)
    before = [p.value.copy() for p in quick.Parameters]
    quick.Forward()
    quick.Backward(quick.CompNodes[-2])
    quick.UpdateParameters()
    assert any(not np.array_equal(a, p.value) for a, p in zip(before, quick.Parameters, strict=True))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_before_the_stop_every_scenario_gives_the_course_results(monkeypatch, scenario):
    """The bookkeeping changes nothing while the budget lasts (rebuilt graphs, appended and
    replaced nodes, inputs and rates set by hand, own updates)."""
    roomy = quick_runtime(monkeypatch, 10**9, scenario.__name__)
    expected, actual = scenario(COURSE), scenario(roomy)
    assert len(actual) == len(expected)
    for fast, slow in zip(actual, expected, strict=True):
        assert_close(np.asarray(fast), np.asarray(slow), PCL_RTOL)


def test_without_the_variable_nothing_stops():
    assert "EDF_GRADER_QUICK_UPDATES" not in os.environ
    assert RUNTIME._QUICK_UPDATES == 0
    pcl_training(RUNTIME, 0, STOP + 10)
    assert RUNTIME._stopped(RUNTIME.Parameters) is None


@pytest.mark.parametrize("value", ["", "abc", "-5", " 12 "])
def test_a_strange_value_never_breaks_the_import(monkeypatch, value):
    monkeypatch.setenv("EDF_GRADER_QUICK_UPDATES", value)
    module = _load("edf_quick_odd_value", Path("edf_autograder/runtime/edf.py"))
    assert module._QUICK_UPDATES == (12 if value.strip() == "12" else 0)


def test_a_large_leaf_keeps_nothing(monkeypatch):
    """Inputs too large to compare each step: every Forward computes (only the updates stop)."""
    quick = quick_runtime(monkeypatch, 2, "large")
    x_node, y_node, prob_node, loss_node = build(quick, 0)
    x_node.value = np.random.default_rng(1).uniform(-1, 1, (60_000, 2))
    y_node.value = np.zeros(60_000, dtype=np.int64)
    for _ in range(4):
        quick.Forward()
        quick.Backward(loss_node)
        quick.UpdateParameters()
    assert quick._budget.seen is None and quick._stopped(quick.Parameters) == [2, 4]
