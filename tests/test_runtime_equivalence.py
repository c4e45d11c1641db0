"""The grading runtime (autograder/runtime/edf.py) computes what the course's edf.py computes.

Both files are loaded under their own module names, so each keeps its own module state,
and every graph is built twice, the notebook way, from the same seed and data.

Tolerances, measured against each array's largest entry (a gradient entry that cancels to
near zero carries the rounding of the terms it sums, not a rounding of its own):
- gradients after one Backward: 1e-6 for float64 inputs, 1e-4 for float32 inputs. Only the
  weight gradients are computed differently (one matrix product instead of a sum of
  per-sample outer products), so every other value is equal bit for bit;
- losses and parameters after a few SGD steps: 1e-5 (float64) and 1e-3 (float32), since
  the last-bit differences of the weights then travel through the whole network; error
  counts may differ only by samples whose top two probabilities are that close.
"""
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

ROOT = Path(__file__).resolve().parents[1]


def _load(name, relative):
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COURSE = _load("edf_course", "reference/edf.py")
RUNTIME = _load("edf_runtime", "autograder/runtime/edf.py")
BOTH = pytest.mark.parametrize("edf", [COURSE, RUNTIME], ids=["course", "runtime"])

GRAD_RTOL = {np.float64: 1e-6, np.float32: 1e-4}
TRAIN_RTOL = {np.float64: 1e-5, np.float32: 1e-3}
STEPS = 5


def student_activations(edf):
    """Tanh and ReLU as a student writes them in 2.3d, on this module's CompNode."""

    class Tanh(edf.CompNode):
        def __init__(self, x):
            edf.CompNodes.append(self)
            self.x = x

        def forward(self):
            self.value = np.tanh(self.x.value)

        def backward(self):
            self.x.addgrad(self.grad * (1 - self.value ** 2))

    class ReLU(edf.CompNode):
        def __init__(self, x):
            edf.CompNodes.append(self)
            self.x = x

        def forward(self):
            self.value = np.maximum(0, self.x.value)

        def backward(self):
            self.x.addgrad(self.grad * (self.x.value > 0))

    return {"Sigmoid": edf.Sigmoid, "Tanh": Tanh, "ReLU": ReLU}


ACTIVATIONS = {edf: student_activations(edf) for edf in (COURSE, RUNTIME)}


@dataclass(frozen=True)
class Mlp:
    n_inputs: int
    hidden: tuple
    activations: tuple
    n_classes: int
    batch: int
    dtype: type
    seed: int
    scale: float  # input spread: 30 drives Sigmoid and Softmax into their clipping
    learning_rate: float


@st.composite
def mlps(draw, scales=(1.0, 30.0)):
    depth = draw(st.integers(1, 3))
    return Mlp(
        n_inputs=draw(st.integers(1, 32)),
        hidden=tuple(draw(st.lists(st.integers(1, 32), min_size=depth, max_size=depth))),
        activations=tuple(draw(st.lists(st.sampled_from(["Sigmoid", "Tanh", "ReLU"]),
                                        min_size=depth, max_size=depth))),
        n_classes=draw(st.integers(2, 10)),
        batch=draw(st.integers(1, 64)),
        dtype=draw(st.sampled_from([np.float64, np.float32])),
        seed=draw(st.integers(0, 2**32 - 1)),
        scale=draw(st.sampled_from(scales)),
        learning_rate=draw(st.sampled_from([0.1, 0.5, 1.0])),
    )


SHEET_MLP = Mlp(784, (64,), ("Sigmoid",), 10, 64, np.float64, 1234, 1.0, 0.5)  # 2.3c


def train(edf, mlp, steps):
    """Build `mlp` in `edf` as a notebook does, take `steps` SGD steps, then Forward and Backward."""
    edf.clear_compgraph()
    np.random.seed(mlp.seed)
    x, y = edf.Input(), edf.Input()
    h, width = x, mlp.n_inputs
    for n, name in zip(mlp.hidden, mlp.activations):
        h, width = ACTIVATIONS[edf][name](edf.Affine(edf.AffineParams(width, n), h)), n
    prob = edf.Softmax(edf.Affine(edf.AffineParams(width, mlp.n_classes), h))
    loss = edf.CrossEntropyLoss(prob, y)
    rng = np.random.default_rng(mlp.seed)
    x.value = (mlp.scale * rng.uniform(-1, 1, (mlp.batch, mlp.n_inputs))).astype(mlp.dtype)
    y.value = rng.integers(0, mlp.n_classes, mlp.batch)
    edf.learning_rate = mlp.learning_rate
    for _ in range(steps):
        edf.Forward()
        edf.Backward(loss)
        edf.UpdateParameters()
    edf.Forward()
    edf.Backward(loss)
    return edf.CompNodes, edf.Parameters, prob, loss, y.value


def assert_close(actual, expected, rtol):
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * np.max(np.abs(expected)))


@given(mlps())
@example(SHEET_MLP)
@settings(deadline=None)
def test_gradients_match_the_course(mlp):
    nodes, params, _, loss, _ = train(COURSE, mlp, steps=0)
    fast_nodes, fast_params, _, fast_loss, _ = train(RUNTIME, mlp, steps=0)
    assert [n.value.dtype for n in fast_nodes] == [n.value.dtype for n in nodes]
    assert [n.grad.dtype for n in fast_nodes] == [n.grad.dtype for n in nodes]
    np.testing.assert_array_equal(fast_loss.value, loss.value)  # the forward pass is the course's
    for fast, course in zip(fast_params, params, strict=True):
        assert_close(fast.grad, course.grad, GRAD_RTOL[mlp.dtype])


def near_ties(prob, rtol):
    top2 = np.sort(prob, axis=1)[:, -2:]
    return int(np.sum(top2[:, 1] - top2[:, 0] <= rtol * top2[:, 1]))


# saturated units (scale 30) make a few float32 steps chaotic, and can overflow; the
# gradient test covers them
@given(mlps(scales=(1.0,)))
@example(SHEET_MLP)
@settings(deadline=None)
def test_short_training_runs_end_at_the_course_errors(mlp):
    _, params, prob, loss, labels = train(COURSE, mlp, steps=STEPS)
    _, fast_params, fast_prob, fast_loss, _ = train(RUNTIME, mlp, steps=STEPS)
    rtol = TRAIN_RTOL[mlp.dtype]
    assert_close(fast_loss.value, loss.value, rtol)
    for fast, course in zip(fast_params, params, strict=True):
        assert_close(fast.value, course.value, rtol)
    errors = np.sum(np.argmax(prob.value, axis=1) != labels)
    fast_errors = np.sum(np.argmax(fast_prob.value, axis=1) != labels)
    assert abs(int(fast_errors) - int(errors)) <= near_ties(prob.value, rtol)


def public_names(namespace):
    return {name for name in dir(namespace) if not name.startswith("_")}


def test_the_runtime_has_the_course_api():
    assert public_names(RUNTIME) == public_names(COURSE)
    for name in public_names(COURSE):
        if isinstance(getattr(COURSE, name), type):
            assert public_names(getattr(RUNTIME, name)) == public_names(getattr(COURSE, name)), name


@BOTH
def test_module_state_behaves_as_the_course_describes(edf):
    assert edf.DT is np.float32
    edf.clear_compgraph()
    nodes, params = edf.CompNodes, edf.Parameters
    edf.clear_compgraph()  # rebinds, as notebooks that read `edf.CompNodes` rely on
    assert edf.CompNodes is not nodes and edf.Parameters is not params
    x = edf.Input()
    weights = edf.AffineParams(3, 2)
    out = edf.Affine(weights, x)
    assert edf.CompNodes == [out] and edf.Parameters == [weights.A, weights.b]
    assert weights.A.value.dtype == weights.b.value.dtype == np.float32
    with pytest.raises(ValueError):
        edf.CrossEntropyLoss(weights.A, x)

    x.value = np.ones((4, 3))
    edf.Forward()
    edf.Backward(out)
    before = weights.A.value.copy()
    edf.learning_rate = 0.25  # set after the graph was built: read when updating
    edf.UpdateParameters()
    np.testing.assert_array_equal(weights.A.value, before - np.float32(0.25) * weights.A.grad)


def student_graph(edf, A_class=None, x_class=None):
    """A student's own node fed by a Parameter (as in 2.2b and 2.3e) next to an Affine layer
    whose weight or input may be the student's own subclass; returns the Parameters' grads."""

    class Square(edf.CompNode):
        def __init__(self, x):
            edf.CompNodes.append(self)
            self.x = x

        def forward(self):
            self.value = self.x.value ** 2

        def backward(self):
            self.x.addgrad(self.grad * 2 * self.x.value)  # per-sample deltas into a Parameter

    edf.clear_compgraph()
    np.random.seed(7)
    rng = np.random.default_rng(7)
    points = edf.Parameter(rng.uniform(-1, 1, (5, 3)))
    x = (x_class or edf.Input)()
    x.value = rng.uniform(-1, 1, (5, 3))
    weights = edf.AffineParams(3, 3)
    if A_class is not None:
        weights.A = A_class(weights.A.value)
    total = edf.Affine(weights, x)
    features = edf.Sigmoid(edf.Affine(edf.AffineParams(3, 4), Square(points)))
    plotted = edf.Affine(edf.AffineParams(3, 2), points)  # a Parameter as input, as in 2.2b
    edf.Forward()
    edf.Backward(plotted)
    edf.Backward(total)  # each Backward starts again from zero
    edf.Backward(features)
    return [p.grad for p in edf.Parameters]


def test_student_nodes_get_the_course_gradients():
    for fast, course in zip(student_graph(RUNTIME), student_graph(COURSE), strict=True):
        assert_close(fast, course, GRAD_RTOL[np.float64])


def test_parameter_addgrad_sums_per_sample_deltas():
    deltas = np.random.default_rng(0).normal(size=(6, 3, 2))
    grads = []
    for edf in (COURSE, RUNTIME):
        p = edf.Parameter(np.zeros((3, 2)))
        p.grad = np.zeros((3, 2), dtype=edf.DT)
        p.addgrad(deltas)
        grads.append(p.grad)
    np.testing.assert_array_equal(grads[1], grads[0])
    np.testing.assert_array_equal(grads[0], np.sum(deltas, axis=0).astype(np.float32))


def recording(base):
    class Recording(base):
        received = []

        def addgrad(self, delta):
            Recording.received.append(np.array(delta))
            super().addgrad(delta)

    return Recording


def test_overridden_addgrad_receives_the_course_deltas():
    """A subclass that overrides addgrad sees what the course sends it: the weight gets
    per-sample outer products (batch, in, out), an input gets grad @ A.T."""
    for base in ("Parameter", "Input"):
        seen = []
        for edf in (COURSE, RUNTIME):
            cls = recording(getattr(edf, base))
            key = "A_class" if base == "Parameter" else "x_class"
            student_graph(edf, **{key: cls})
            seen.append(cls.received)
        assert [d.shape for d in seen[1]] == [d.shape for d in seen[0]]
        for fast, course in zip(seen[1], seen[0]):
            np.testing.assert_array_equal(fast, course)


@BOTH
def test_a_patched_parameter_addgrad_still_sees_per_sample_deltas(edf, monkeypatch):
    shapes = []
    summing = edf.Parameter.addgrad

    def patched(self, delta):
        shapes.append(np.shape(delta))
        summing(self, delta)

    monkeypatch.setattr(edf.Parameter, "addgrad", patched)
    student_graph(edf)
    assert (5, 3, 3) in shapes and (5, 3, 4) in shapes
