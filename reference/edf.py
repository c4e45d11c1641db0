"""EDF, the course's "Educational Framework": a tiny numpy autodiff library.

Behaves as the course copy does (see shared/assignment/notebooks.md): float32
parameters, gradients averaged over the batch by `Backward`, per-sample outer
products in `Affine`'s weight gradient (summed over the batch by `Parameter.addgrad`).
Student notebooks `import edf` and run unchanged against this file.
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


def Forward():
    for c in CompNodes:
        c.forward()


def Backward(loss):
    for c in CompNodes + Parameters:
        c.grad = np.zeros(c.value.shape, dtype=DT)
    loss.grad = np.ones(loss.value.shape) / len(loss.value)
    for c in CompNodes[::-1]:
        c.backward()


def UpdateParameters():
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
        self.x.addgrad(np.matmul(self.grad, self.w.A.value.transpose()))
        self.w.b.addgrad(self.grad)
        # one outer product per sample: (batch, in, out); Parameter.addgrad sums the batch
        self.w.A.addgrad(self.x.value[:, :, np.newaxis] * self.grad[:, np.newaxis, :])


class Sigmoid(CompNode):
    def __init__(self, x):
        CompNodes.append(self)
        self.x = x

    def forward(self):
        bounded = np.maximum(-10, np.minimum(10, self.x.value))
        self.value = 1 / (1 + np.exp(-bounded))

    def backward(self):
        self.x.addgrad(self.grad * self.value * (1 - self.value))


class Softmax(CompNode):
    def __init__(self, s):
        CompNodes.append(self)
        self.s = s

    def forward(self):
        shifted = self.s.value - np.max(self.s.value, axis=1, keepdims=True)
        es = np.exp(np.maximum(-10, shifted))
        self.value = es / np.sum(es, axis=1, keepdims=True)

    def backward(self):
        # Jacobian-vector product of softmax: p * (g - <g, p>)
        inner = np.sum(self.grad * self.value, axis=1, keepdims=True)
        self.s.addgrad(self.value * (self.grad - inner))


class CrossEntropyLoss(CompNode):
    """Per-sample -log p[i, y[i]] for probabilities p (N, K) and integer labels y (N,)."""

    def __init__(self, p, y):
        if not isinstance(p, CompNode):
            raise ValueError(f"CrossEntropyLoss expects a CompNode of probabilities, got {type(p).__name__!r}")
        CompNodes.append(self)
        self.p = p
        self.y = y

    def forward(self):
        rows = np.arange(len(self.y.value))
        self.value = -np.log(self.p.value[rows, self.y.value])

    def backward(self):
        rows = np.arange(len(self.y.value))
        delta = np.zeros(self.p.value.shape)
        delta[rows, self.y.value] = -self.grad / self.p.value[rows, self.y.value]
        self.p.addgrad(delta)
