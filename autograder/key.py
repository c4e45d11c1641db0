"""The numeric pen-and-paper key (sheet 2.1c), recomputed from the problem statement.

A one-layer network y = g(A X) with A = (3 2), the batch X of three 2D points, targets
t and L = 1/2 sum_j (y_j - t_j)^2; one SGD step at learning rate 1 with the gradient
averaged over the batch (the lecture's algorithm, as the sheet's solution uses it).
"""
from __future__ import annotations

import numpy as np

A = np.array([[3.0, 2.0]])
X = np.array([[2.0, 1.0, -1.0], [4.0, -2.0, 0.0]])
T = np.array([[15.0, 3.0, 1.0]])
LEARNING_RATE = 1.0


def loss(y: np.ndarray) -> float:
    return float(0.5 * np.sum((y - T) ** 2))


def linear() -> dict:
    """c-i: loss before and after one step, the (summed) gradient and the updated A."""
    y = A @ X
    gradient = (y - T) @ X.T
    updated = A - LEARNING_RATE * gradient / X.shape[1]
    return {"loss_before": loss(y), "loss_after": loss(updated @ X),
            "gradient": gradient.ravel().tolist(), "A_updated": updated.ravel().tolist()}


def relu_gradient() -> list[float]:
    """c-iii from first principles: ReLU passes no gradient where A x_j < 0."""
    pre = A @ X
    y = np.maximum(0, pre)
    return (((y - T) * (pre > 0)) @ X.T).ravel().tolist()


def relu_gradient_as_sheet() -> list[float]:
    """The sheet's value: it keeps x2's first component although A x2 = -1 < 0."""
    y = np.maximum(0, A @ X)
    jacobian = np.array([[2.0, 4.0], [1.0, 0.0], [0.0, 0.0]])
    return ((y - T) @ jacobian).ravel().tolist()
