"""The grading runtime (edf_autograder/runtime/edf.py) computes what the course's edf.py computes.

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
- the point-cloud notebook (2.2): the printed error lines equal, parameters within 1e-5 after
  5,000 steps (default suite) and 100,000 steps (`-m slow`), against reference/edf.py and the
  course's own edf.py (../shared/course-handout/edf.py, skipped when absent); and the same for
  what students do around a graph between steps (rebuild it, append to or edit CompNodes, set
  inputs, batch sizes, rates and values by hand, keep earlier arrays, override updates).
"""
import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.modules import load_file

ROOT = Path(__file__).resolve().parents[1]


def _load(name, relative):
    return load_file(name, ROOT / relative)


COURSE = _load("edf_course", "reference/edf.py")
RUNTIME = _load("edf_runtime", "edf_autograder/runtime/edf.py")
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


# --- the point-cloud notebook (2.2): long runs, and what students do around the graph -------

from bench.pcl_steps import PRINTED, build, prob_vector_class, train_steps  # noqa: E402

HANDOUT_EDF = (Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared")) / "course-handout" / "edf.py").resolve()
HANDOUT = _load("edf_handout", HANDOUT_EDF) if HANDOUT_EDF.exists() else None
COURSES = [pytest.param(COURSE, id="reference"),
           pytest.param(HANDOUT, id="handout", marks=pytest.mark.skipif(
               HANDOUT is None, reason=f"the course's own edf.py is not at {HANDOUT_EDF}"))]
with np.load(ROOT / "data" / "2d_pcl_dataset.npz") as _pcl:
    PCL_X, PCL_Y = _pcl["X"], _pcl["y"]
PCL_RTOL = 1e-5  # float32 parameters; so far the runtime has ended bit for bit where the course does


def pcl_graph(edf, hidden, seed=1234):
    """The notebook's graph (the 2-16-1 MLP when `hidden`, else logistic regression), fed the point cloud."""
    np.random.seed(seed)
    x_node, y_node, prob_node, loss_node = build(edf, hidden)
    x_node.value, y_node.value = PCL_X, PCL_Y
    return x_node, y_node, prob_node, loss_node


def pcl_training(edf, hidden, steps):
    """The notebook's cells: build, `edf.learning_rate = 1`, the given train loop. Returns its
    printed lines and the final parameters."""
    _, y_node, prob_node, loss_node = pcl_graph(edf, hidden)
    edf.learning_rate = 1
    printed = []
    train_steps(edf, 1, steps, y_node, prob_node, loss_node, printed)
    return printed, [p.value.copy() for p in edf.Parameters]


@functools.cache
def runtime_pcl_training(hidden, steps):
    return pcl_training(RUNTIME, hidden, steps)


@pytest.mark.parametrize("steps", [pytest.param(5000, id="5k"),
                                   pytest.param(100_000, id="100k", marks=pytest.mark.slow)])
@pytest.mark.parametrize("hidden", [0, 16], ids=["logistic", "mlp"])
@pytest.mark.parametrize("course", COURSES)
def test_point_cloud_training_prints_and_ends_as_the_course(course, hidden, steps):
    printed, params = pcl_training(course, hidden, steps)
    fast_printed, fast_params = runtime_pcl_training(hidden, steps)
    assert len(printed) == len([i for i in range(1, steps + 1) if i in PRINTED or i % 10000 == 0])
    assert fast_printed == printed
    for fast, slow in zip(fast_params, params, strict=True):
        assert_close(fast, slow, PCL_RTOL)


def student_nodes(edf):
    """Nodes a student writes on `edf`: Tanh (2.3d) and a node with two parents."""

    class Mix(edf.CompNode):  # a * u + (1 - a) * v
        def __init__(self, u, v, a):
            edf.CompNodes.append(self)
            self.u, self.v, self.a = u, v, a

        def forward(self):
            self.value = self.a * self.u.value + (1 - self.a) * self.v.value

        def backward(self):
            self.u.addgrad(self.a * self.grad)
            self.v.addgrad((1 - self.a) * self.grad)

    return student_activations(edf)["Tanh"], Mix


def steps(edf, n, loss_node, record):
    for _ in range(n):
        edf.Forward()
        edf.Backward(loss_node)
        edf.UpdateParameters()
    record.extend(np.array(p.value) for p in edf.Parameters)


def rebuilt_graphs(edf):
    """clear_compgraph and a new graph between trainings: logistic regression, the MLP, and
    an MLP whose hidden layer is a student's two-parent node."""
    Tanh, Mix = student_nodes(edf)
    record = []
    for hidden in (0, 16, "mix"):
        edf.clear_compgraph()
        if hidden == "mix":
            np.random.seed(5)
            x_node, y_node = edf.Input(), edf.Input()
            first = edf.Affine(edf.AffineParams(2, 8), x_node)
            mixed = Mix(edf.Sigmoid(first), Tanh(first), 0.25)
            prob_node = prob_vector_class(edf)(edf.Sigmoid(edf.Affine(edf.AffineParams(8, 1), mixed)))
            loss_node = edf.CrossEntropyLoss(prob_node, y_node)
            x_node.value, y_node.value = PCL_X, PCL_Y
        else:
            *_, loss_node = pcl_graph(edf, hidden)
        edf.learning_rate = 1
        steps(edf, 50, loss_node, record)
    return record


def nodes_appended_and_replaced(edf):
    """A student appends nodes to CompNodes after training began (one of them twice), then
    swaps the hidden Sigmoid for a Tanh in place: same length, another node, a rewired parent."""
    Tanh, _ = student_nodes(edf)
    record = []
    x_node, y_node, prob_node, loss_node = pcl_graph(edf, 16)
    edf.learning_rate = 1
    steps(edf, 30, loss_node, record)
    first_affine, sigmoid, second_affine = edf.CompNodes[:3]
    extra = Tanh(sigmoid)  # after the loss: its backward runs first, on a zero grad
    edf.CompNodes.append(extra)
    steps(edf, 30, loss_node, record)
    record.append(np.array(extra.value))
    tanh = Tanh(first_affine)
    edf.CompNodes.pop()
    edf.CompNodes[1] = tanh
    second_affine.x = tanh
    steps(edf, 30, loss_node, record)
    return record


def inputs_batches_and_rates(edf):
    """Forward after mutating x_node.value in place, another batch size, and learning rates
    set between steps as Python and numpy numbers."""
    x_node, y_node, prob_node, loss_node = pcl_graph(edf, 16)
    record = []
    for rate, rows in ((1, 100), (0.5, 37), (np.float64(0.3), 100), (2, 1), (np.float32(0.1), 64), (1.0, 100)):
        edf.learning_rate = rate
        x_node.value, y_node.value = PCL_X[:rows], PCL_Y[:rows]
        steps(edf, 20, loss_node, record)
        record.append(np.array(loss_node.value))
    x_node.value = PCL_X.copy()
    edf.Forward()
    record.append(np.array(prob_node.value))
    x_node.value *= 0.5  # in place: the next Forward must read it
    edf.Forward()
    record.append(np.array(prob_node.value))
    return record


def values_replaced_by_hand(edf):
    """A student replaces parameter values (float32 and float64 arrays) and a node's value
    between Forward and Backward, and keeps arrays of earlier steps."""
    x_node, y_node, prob_node, loss_node = pcl_graph(edf, 16)
    edf.learning_rate = 1
    record, kept = [], []
    steps(edf, 20, loss_node, record)
    first, last = edf.Parameters[0], edf.Parameters[-1]
    first.value = first.value * np.float32(0.5)
    last.value = np.array(last.value, dtype=np.float64)
    for _ in range(20):
        edf.Forward()
        prob_node.value = np.clip(prob_node.value, 0.01, 0.99)
        loss_node.forward()
        edf.Backward(loss_node)
        kept.append((first.grad, prob_node.grad, loss_node.grad, prob_node.value))
        edf.UpdateParameters()
    record.extend(np.array(p.value) for p in edf.Parameters)
    return record + [a for arrays in kept[:3] for a in arrays]


def own_parameter_updates(edf):
    """A student's Parameter subclass with its own update (momentum), beside stock ones."""

    class Momentum(edf.Parameter):
        def UpdateParameters(self):
            self.velocity = 0.5 * getattr(self, "velocity", 0) + self.grad
            self.value -= edf.learning_rate * self.velocity

    x_node, y_node, prob_node, loss_node = pcl_graph(edf, 16)
    edf.Parameters[0].__class__ = Momentum
    edf.learning_rate = 0.5
    record = []
    steps(edf, 40, loss_node, record)
    return record


SCENARIOS = [rebuilt_graphs, nodes_appended_and_replaced, inputs_batches_and_rates,
             values_replaced_by_hand, own_parameter_updates]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
@pytest.mark.parametrize("course", COURSES)
def test_what_students_do_around_the_graph_gives_the_course_results(course, scenario):
    """Whatever the runtime keeps between steps must follow the graph as students change it:
    CompNodes and Parameters rebuilt, appended to, edited in place; inputs, batch sizes,
    learning rates and values set by hand; arrays of earlier steps kept."""
    expected = scenario(course)
    actual = scenario(RUNTIME)
    assert len(actual) == len(expected)
    for fast, slow in zip(actual, expected, strict=True):
        assert_close(np.asarray(fast), np.asarray(slow), PCL_RTOL)


@pytest.mark.skipif(HANDOUT is None, reason=f"the course's own edf.py is not at {HANDOUT_EDF}")
@pytest.mark.parametrize("edf", [COURSE, RUNTIME], ids=["reference", "runtime"])
def test_every_name_of_the_course_file_is_there_with_its_signature(edf):
    """A student's notebook may use anything the course's edf.py defines: `Xavier`,
    `ParameterPackage`, an Affine's `.w`, `Input` not being a CompNode, the default rate."""
    import inspect

    for name in public_names(HANDOUT) - {"np"}:
        theirs, ours = getattr(HANDOUT, name), getattr(edf, name, None)
        assert ours is not None, name
        if callable(theirs):
            assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters), name
        if isinstance(theirs, type):
            assert [c.__name__ for c in theirs.__mro__] == [c.__name__ for c in ours.__mro__], name
    fresh = _load(f"{edf.__name__}_fresh", Path(edf.__file__))  # other tests set the rate
    assert fresh.learning_rate == _load("edf_handout_fresh", HANDOUT_EDF).learning_rate
    edf.clear_compgraph()
    HANDOUT.clear_compgraph()
    for module in (edf, HANDOUT):
        layer = module.Affine(module.AffineParams(2, 3), module.Input())
        assert set(vars(layer)) == {"x", "w"}
