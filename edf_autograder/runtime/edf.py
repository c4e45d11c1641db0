"""EDF for grading: the course framework's API and results, with faster hot paths.

The harness puts this file beside a student's notebook as `edf.py` in place of the
course copy (`reference/edf.py`). Every public name, the module state (`CompNodes`,
`Parameters`, `learning_rate`, `DT`) and the `addgrad` contracts are the course's:
`CompNode.addgrad` accumulates, `Input.addgrad` discards, `Parameter.addgrad` sums the
delta over axis 0. Students subclass `CompNode` and call `addgrad`; they see no change.

What differs is only how the built-in nodes compute:
- `Affine` adds the weight gradient as one product `x.T @ grad` instead of sending a
  (batch, in, out) tensor of per-sample outer products to `Parameter.addgrad`; the sum
  goes straight into `A.grad`. It keeps the course path whenever the weight's
  `addgrad` is not the stock one (a subclass or a patch must still see per-sample
  deltas) or the input is not a 2-D array.
- `Affine` skips the input gradient `grad @ A.T` when the input is a stock `Input`,
  whose `addgrad` would throw it away.
- On small arrays a step costs per numpy call, not per number (docs/performance.md), so
  the built-in nodes make fewer and cheaper calls for the same numbers: the scalars of
  the formulas are 0-d arrays of the operand's dtype (what numpy converts a Python
  number to, without the conversion's cost); Sigmoid's two bounds are one `clip`;
  `1 / t` is `reciprocal(t)`; sums over the batch call `np.add.reduce` as `np.sum` does,
  without its wrapper; CrossEntropyLoss picks and writes through flat indices, as the
  course's own edf.py does; a learning rate of 1 skips the product.
  These give the course's values bit for bit (only the weight gradient's sum runs in
  another order); anything not a float64/float32 ndarray, and every node or Parameter
  whose methods a student overrides, takes the course's path.
tests/test_runtime_equivalence.py holds the proof; docs/performance.md the timings.

In the grader's quick check only (EDF_GRADER_QUICK_UPDATES set in the kernel), a graph's
training stops updating after that many steps; see "quick mode" below.
"""
from os import environ as _environ

import numpy as np

DT = np.float32  # parameter dtype

CompNodes = []   # every CompNode, in creation order = a topological order
Parameters = []  # every Parameter, in creation order
learning_rate = .001  # read by UpdateParameters; notebooks set it (the course's default)


def clear_compgraph():
    global CompNodes, Parameters
    CompNodes = []
    Parameters = []


class CompNode:
    """A node with a `value` computed by `forward` and a `grad` filled by `backward`."""

    def addgrad(self, delta):
        self.grad += delta


class Input:
    """A leaf whose `.value` the caller sets; it takes no gradient (not a CompNode, as in the course)."""

    def __init__(self):
        pass

    def addgrad(self, delta):
        pass


class Parameter:
    """A trainable array; the gradient it receives is summed over the batch axis."""

    def __init__(self, value):
        Parameters.append(self)
        self.value = DT(value)

    def addgrad(self, delta):
        self.grad += np.sum(delta, axis=0)

    def UpdateParameters(self):
        self.value -= learning_rate * self.grad


class _Scalars:
    """The formulas' numbers as read-only 0-d arrays of one float dtype. numpy converts a
    Python number to the array operand's dtype (NEP 50), so the result is the same; a 0-d
    array of that dtype only skips the conversion, half the cost of a call on 100 numbers."""

    def __init__(self, dtype):
        for name, number in (("one", 1), ("low", -10), ("high", 10)):
            array = np.array(number, dtype)
            array.flags.writeable = False
            setattr(self, name, array)


_SCALARS = {np.dtype(t): _Scalars(t) for t in (np.float64, np.float32)}
_F32 = np.dtype(np.float32)
_clip = np.clip if not hasattr(np, "_core") else getattr(np._core.umath, "clip", np.clip)
_DISCARD = Input.addgrad
_SUM_OVER_BATCH = Parameter.addgrad
_STEP = Parameter.UpdateParameters
_offsets = {}  # (batch size, classes) -> read-only arange(batch size) * classes
_ones = {}   # shape of a loss -> read-only ones(shape) / len, the loss's gradient


def _scalars(a):
    """The 0-d scalars for `a`'s dtype when `a` is a float64/float32 ndarray, else None."""
    return _SCALARS.get(a.dtype) if type(a) is np.ndarray else None


def _stock_addgrad(node, method):
    """Whether `node.addgrad` is exactly `method`: no subclass, instance or class patch."""
    return type(node).addgrad is method and "addgrad" not in getattr(node, "__dict__", ())


def _cached(cache, key, make):
    """cache[key], made read-only by `make()` on first use; a handful of shapes per notebook,
    so the cache is only emptied if a run goes through many."""
    array = cache.get(key)
    if array is None:
        if len(cache) > 64:
            cache.clear()
        array = cache[key] = make()
        array.flags.writeable = False
    return array


def _mean_weights(value):
    """ones(shape) / len, a loss's gradient: 1.0 / n in float64 at every entry."""
    if type(value) is not np.ndarray or not value.ndim:
        return np.ones(value.shape) / len(value)
    return _cached(_ones, value.shape, lambda: np.ones(value.shape) / len(value)).copy()


def Forward():
    if _QUICK_UPDATES and _budget.unchanged():
        return  # quick mode: the stopped graph's values are still what this would compute
    for c in CompNodes:
        c.forward()
    if _QUICK_UPDATES:
        _budget.forwarded()


def Backward(loss):
    if _QUICK_UPDATES and _budget.grads_of is loss and _budget.unchanged():
        return
    zeros = np.zeros
    for c in CompNodes:
        c.grad = zeros(c.value.shape, DT)
    for c in Parameters:
        c.grad = zeros(c.value.shape, DT)
    loss.grad = _mean_weights(loss.value)
    for c in CompNodes[::-1]:
        c.backward()
    if _QUICK_UPDATES:
        _budget.grads_of = loss if _budget.seen is not None else None


def UpdateParameters():
    if _QUICK_UPDATES and _budget.spent():
        return
    rate = learning_rate
    if type(rate) is int or type(rate) is float:  # a Python number: float32(rate) * grad
        scale = None if rate == 1 else np.array(rate, DT)  # 1 * grad is grad, bit for bit
        for p in Parameters:
            if (type(p).UpdateParameters is _STEP and "UpdateParameters" not in vars(p)
                    and type(p.grad) is np.ndarray and p.grad.dtype is _F32):
                p.value -= p.grad if scale is None else scale * p.grad
            else:
                p.UpdateParameters()
    else:
        for p in Parameters:
            p.UpdateParameters()


# -- quick mode ---------------------------------------------------------------------------
# The grader's quick check (and the students' kit) sets EDF_GRADER_QUICK_UPDATES=N in the
# kernel of a notebook whose long given trainings no quick item reads: the point cloud's
# two 100,000-step trainings, most of a quick check's time. After N UpdateParameters() of
# one graph its Parameters stay as they are, and Forward() and Backward() keep the values
# they last computed while the graph and the contents of every leaf it reads stay the same.
# The loop and every cell still run to their end, each further step costing only the
# notebook's own code. The grader's probe calls `_new_cell()` before every cell (values are
# recomputed at least once per cell), and reads `_stopped(parameters)` to say which
# training stopped, so that the items that read a trained result are not decided on it.
_QUICK = _environ.get("EDF_GRADER_QUICK_UPDATES", "").strip()
_QUICK_UPDATES = int(_QUICK) if _QUICK.isdigit() else 0
_LEAF_LIMIT = 100_000  # numbers in a leaf compared at every step; a larger leaf: no values kept
_stopped_at = {}  # id(Parameter) -> (the Parameter, [updates made, updates asked for])


def _stopped(parameters):
    """[updates made, updates asked for] of the stopped training any of `parameters` is in, else None."""
    for p in parameters:
        entry = _stopped_at.get(id(p))
        if entry is not None and entry[0] is p:
            return list(entry[1])
    return None


def _new_cell():
    """A cell starts: what the nodes hold is recomputed by its first Forward and Backward."""
    _budget.seen = _budget.grads_of = None


class _Budget:
    """The updates of the graph being trained, and what its last Forward and Backward saw."""

    def __init__(self):
        self.graph = None      # (CompNodes, its length, Parameters, its length) being counted
        self.updates = 0
        self.stopped = None    # [updates made, updates asked for], once the graph stopped
        self.seen = None       # (the nodes, each leaf with its value) when the stopped graph's Forward ran
        self.grads_of = None   # the loss whose gradients are current, once stopped

    def _same_graph(self):
        g = self.graph
        return g is not None and g[0] is CompNodes and g[1] == len(CompNodes) \
            and g[2] is Parameters and g[3] == len(Parameters)

    def spent(self):
        """Count one update of the current graph; True when the quick budget for it is spent."""
        if not self._same_graph():
            self.graph = (CompNodes, len(CompNodes), Parameters, len(Parameters))
            self.updates, self.stopped, self.seen, self.grads_of = 0, None, None, None
        self.updates += 1
        if self.updates <= _QUICK_UPDATES:
            self.seen = self.grads_of = None  # the parameters change: values computed so far are stale
            return False
        if self.stopped is None:
            self.stopped = [_QUICK_UPDATES, 0]
            for p in Parameters:
                _stopped_at[id(p)] = (p, self.stopped)
        self.stopped[1] = self.updates
        return True

    def forwarded(self):
        """After a Forward that ran: keep what it read, when the graph has stopped training."""
        self.grads_of = None
        leaves = _leaf_values() if self.stopped is not None and self._same_graph() else None
        self.seen = (list(CompNodes), leaves) if leaves is not None else None

    def unchanged(self):
        """Whether a Forward now would compute what the nodes hold: the graph stopped, the
        same nodes, and every leaf holding what it held at the last Forward."""
        seen = self.seen
        if seen is None or not self._same_graph() or seen[0] != CompNodes:
            return False
        for leaf, value, dtype, shape, data in seen[1]:
            now = getattr(leaf, "value", None)
            if dtype is None:
                if now is not value:
                    return False
            elif type(now) is not np.ndarray or now.dtype != dtype or now.shape != shape or now.tobytes() != data:
                return False  # replaced, or changed in place
        return True


def _leaf_values():
    """(leaf, its value, and for an array its dtype, shape and bytes) of what Forward reads
    but does not compute: the Parameters and every Input, Parameter or unregistered node the
    graph's nodes refer to (also through a list or a parameter package such as AffineParams).
    None when a leaf is too large to compare at every step."""
    nodes = {id(c) for c in CompNodes}
    found = {id(p): p for p in Parameters}
    for c in CompNodes:
        for value in vars(c).values():
            for obj in (value if type(value) in (list, tuple) else (value,)):
                inner = vars(obj).values() if isinstance(obj, ParameterPackage) else (obj,)
                for leaf in inner:
                    if isinstance(leaf, (Input, Parameter, CompNode)) and id(leaf) not in nodes:
                        found[id(leaf)] = leaf
    kept = []
    for leaf in found.values():
        value = getattr(leaf, "value", None)
        if type(value) is not np.ndarray:
            kept.append((leaf, value, None, None, None))
        elif value.size > _LEAF_LIMIT:
            return None
        else:
            kept.append((leaf, value, value.dtype, value.shape, value.tobytes()))
    return tuple(kept)


_budget = _Budget()


class ParameterPackage:
    """A group of Parameters (the course's base class of AffineParams)."""


class AffineParams(ParameterPackage):
    """Weight A (uniform Xavier init) and bias b (zeros) of an affine layer."""

    def __init__(self, nInputs, nOutputs):
        X = Xavier(nInputs)
        self.A = Parameter(np.random.uniform(-X, X, (nInputs, nOutputs)))
        self.b = Parameter(np.zeros(nOutputs))


def Xavier(nInputs):
    return np.sqrt(3.0 / nInputs)


class Affine(CompNode):
    def __init__(self, w, x):
        CompNodes.append(self)
        self.x = x
        self.w = w

    def forward(self):
        self.value = np.matmul(self.x.value, self.w.A.value) + self.w.b.value

    def backward(self):
        x, A, b, grad = self.x, self.w.A, self.w.b, self.grad
        if not _stock_addgrad(x, _DISCARD):
            weights = A.value.transpose()
            if type(grad) is np.ndarray and grad.ndim == weights.ndim == 2 and grad.shape[1] == weights.shape[0] == 1:
                x.addgrad(grad * weights)  # one product per entry: what the matmul gives, cheaper
            else:
                x.addgrad(np.matmul(grad, weights))
        if type(grad) is np.ndarray and _stock_addgrad(b, _SUM_OVER_BATCH):
            b.grad += np.add.reduce(grad, 0)  # what np.sum(grad, axis=0) calls
        else:
            b.addgrad(grad)
        x = x.value
        if _stock_addgrad(A, _SUM_OVER_BATCH) and type(x) is np.ndarray and x.ndim == 2 and grad.ndim == 2:
            # sum over the batch of the outer products x[i] grad[i]^T, in the dtype numpy
            # promotes the two to (float64 for float64 images), cast once into A.grad
            A.grad += np.matmul(x.transpose(), grad)
        else:
            A.addgrad(x[:, :, np.newaxis] * grad[:, np.newaxis, :])


class Sigmoid(CompNode):
    def __init__(self, x):
        CompNodes.append(self)
        self.x = x

    def forward(self):
        x = self.x.value
        k = _scalars(x)
        if k is None:
            bounded = np.maximum(-10, np.minimum(10, x))
            self.value = 1 / (1 + np.exp(-bounded))
        else:  # max(-10, min(10, x)) is clip(x, -10, 10) for every float, NaN included
            self.value = np.reciprocal(np.exp(-_clip(x, k.low, k.high)) + k.one)

    def backward(self):
        v = self.value
        k = _scalars(v)
        self.x.addgrad(self.grad * v * ((1 if k is None else k.one) - v))


class Softmax(CompNode):
    def __init__(self, s):
        CompNodes.append(self)
        self.s = s

    def forward(self):
        s = self.s.value
        k = _scalars(s)
        shifted = s - np.max(s, axis=1, keepdims=True)
        es = np.exp(np.maximum(-10 if k is None else k.low, shifted))
        self.value = es / np.sum(es, axis=1, keepdims=True)

    def backward(self):
        # Jacobian-vector product of softmax: p * (g - <g, p>)
        inner = np.sum(self.grad * self.value, axis=1, keepdims=True)
        self.s.addgrad(self.value * (self.grad - inner))


class CrossEntropyLoss(CompNode):
    """Per-sample -log p[i, y[i]] for probabilities p (N, K) and integer labels y (N,).

    As in the course's edf.py, forward keeps `picker`, the flat index i * K + y[i] of each
    picked probability, and backward subtracts grad / p at those entries of `p.grad` itself
    (not through `p.addgrad`: what it would add is zero elsewhere)."""

    def __init__(self, p, y):
        if not isinstance(p, CompNode):
            raise ValueError(f"CrossEntropyLoss expects a CompNode of probabilities, got {type(p).__name__!r}")
        CompNodes.append(self)
        self.p = p
        self.y = y

    def forward(self):
        p, labels = self.p.value, self.y.value
        n, k = len(labels), p.shape[1]
        self.picker = _cached(_offsets, (n, k), lambda: np.arange(n) * k) + labels
        self.value = -np.log(p.take(self.picker) if type(p) is np.ndarray else p.reshape((-1,))[self.picker])

    def backward(self):
        p = self.p
        grad = p.grad
        if type(grad) is np.ndarray and grad.flags.c_contiguous:  # the course's edf.py, line for line
            flat = grad.reshape((-1,))
            flat[self.picker] -= self.grad / p.value.reshape((-1,))[self.picker]
        else:  # a gradient it cannot write into in place: the same delta through addgrad
            delta = np.zeros(p.value.shape)
            delta.reshape((-1,))[self.picker] = -self.grad / p.value.reshape((-1,))[self.picker]
            p.addgrad(delta)
