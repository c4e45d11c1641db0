"""The pen-and-paper key (sheet 2.1): the sheet's problem statement in code, and the key file.

The functions of 2.1a are the ones the grader differentiates numerically. The numbers of 2.1c
are recomputed here from the network, the data and the loss, so that the key file's numbers
are derived, not typed (tests/test_key.py compares them): a one-layer network y = g(A X) with
A = (3 2), a batch X of three 2D points, targets t, L = 1/2 sum_j (y_j - t_j)^2, and one SGD
step at learning rate 1 with the gradient averaged over the batch, as the sheet's solution does.
"""
from __future__ import annotations

import functools
import math
import tomllib

import numpy as np

from edf_ex2 import folder

KEY_FILE = folder("reference") / "pen_and_paper_key.toml"
POLICIES = ("sheet-only", "accept-both", "recomputed-only")

# 2.1a: the sheet's functions. ReLU_c is printed "max(0, x c)"; its official derivative
# (1 for x > c, 0 for x <= c) shows the lost minus sign: ReLU_c(x) = max(0, x - c).


def relu_c(x: float, c: float) -> float:
    return max(0.0, x - c)


def elu(x: float, c: float) -> float:
    return x if x >= 0 else c * (math.exp(x) - 1)


def tanh(x: float) -> float:
    return 2 / (1 + math.exp(-2 * x)) - 1


def softmax(xs: list[float]) -> list[float]:
    top = max(xs)  # shifted by the maximum (2.1b) so that exp never overflows
    exps = [math.exp(v - top) for v in xs]
    return [v / sum(exps) for v in exps]


def cross_entropy(y: list[float], p: list[float]) -> float:
    return -sum(yi * math.log(pi) for yi, pi in zip(y, p))


# 2.1c: the network, its data and the update rule.
A = np.array([[3.0, 2.0]])
X = np.array([[2.0, 1.0, -1.0], [4.0, -2.0, 0.0]])  # one column per point
T = np.array([[15.0, 3.0, 1.0]])
LEARNING_RATE = 1.0


def loss(y: np.ndarray) -> float:
    return float(0.5 * np.sum((y - T) ** 2))


def linear(*, averaged: bool = True) -> dict:
    """c-i with g linear: the losses before and after one step, dL/dA (L sums over the
    batch) and the updated A. `averaged=False` steps with the summed gradient instead,
    a mistake the checks recognise."""
    y = A @ X
    gradient = (y - T) @ X.T
    step = gradient / X.shape[1] if averaged else gradient
    updated = A - LEARNING_RATE * step
    return {"loss_before": loss(y), "loss_after": loss(updated @ X),
            "gradient": gradient.ravel().tolist(), "A_updated": updated.ravel().tolist()}


def relu_gradient() -> list[float]:
    """c-iii from first principles: ReLU passes no gradient where A x_j <= 0."""
    pre = A @ X
    return (((np.maximum(0, pre) - T) * (pre > 0)) @ X.T).ravel().tolist()


def relu_gradient_as_sheet() -> list[float]:
    """The sheet's c-iii value: its dy/dA masks only x2's second component (row (1, 0)),
    although A x2 = -1 < 0 makes ReLU's derivative zero for the whole point."""
    pre = A @ X
    mask = np.repeat(pre.T > 0, 2, axis=1)
    mask[1, 0] = True  # the sheet's slip
    return ((np.maximum(0, pre) - T) @ (X.T * mask)).ravel().tolist()


def derived() -> dict:
    """Every number of the key's [c] table, recomputed."""
    return {**linear(), "iii_gradient": relu_gradient_as_sheet(), "iii_gradient_recomputed": relu_gradient()}


@functools.lru_cache(maxsize=1)
def load() -> dict:
    """The key file; a ValueError (a grader configuration problem, not the student's) when
    its policy is not one of POLICIES."""
    key = tomllib.loads(KEY_FILE.read_text(encoding="utf-8"))
    if key.get("c_iii_policy") not in POLICIES:
        raise ValueError(f"{KEY_FILE.name}: c_iii_policy is {key.get('c_iii_policy')!r}; "
                         f"expected one of {', '.join(POLICIES)}")
    return key


def c_iii_accepted(key: dict) -> dict[str, list[float]]:
    """The c-iii gradients that earn the point under the key's policy, by name."""
    official = ("the sheet's official value", key["c"]["iii_gradient"])
    recomputed = ("the recomputed alternative", key["c"]["iii_gradient_recomputed"])
    chosen = {"sheet-only": [official], "accept-both": [official, recomputed],
              "recomputed-only": [recomputed]}[key["c_iii_policy"]]
    return dict(chosen)


def c_iii_values() -> dict[str, list[float]]:
    """The two gradients of the c-iii dispute: the sheet's and the recomputed one."""
    c = load()["c"]
    return {"sheet": c["iii_gradient"], "recomputed": c["iii_gradient_recomputed"]}
