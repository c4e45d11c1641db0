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
"""
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
    for c in CompNodes:
        c.forward()


def Backward(loss):
    zeros = np.zeros
    for c in CompNodes:
        c.grad = zeros(c.value.shape, DT)
    for c in Parameters:
        c.grad = zeros(c.value.shape, DT)
    loss.grad = _mean_weights(loss.value)
    for c in CompNodes[::-1]:
        c.backward()


def UpdateParameters():
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
