"""2.3e numerical_differentiation: the student's symmetric difference quotient against
the grader's analytic gradients, for Sigmoid, the student's activations and a node the
student has never seen. Inputs are float64 so that a one-sided or mis-scaled quotient
(errors ~h*f''/2 or 2x) lies far outside the symmetric quotient's error (~h^2*f'''/6)."""
from __future__ import annotations

import numpy as np

from autograder.errors import EvidenceMissing, KernelCallError
from autograder.score import failed, passed
from checks import check

TOLERANCE = 2e-6
GRID = (np.linspace(-3, 3, 41) + 0.0375)[None, :]   # avoids the kink at 0


def _sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


ANALYTIC = {
    "sigmoid": ("edf.Sigmoid", _sigmoid_grad),
    "cube": ("a grader node f(x) = x^3/3 + sin(2x)", lambda x: x ** 2 + 2 * np.cos(2 * x)),
    ("2.3d-tanh", "Tanh"): ("your Tanh", lambda x: 1 - np.tanh(x) ** 2),
    ("2.3d-relu", "ReLU"): ("your ReLU", lambda x: (x > 0).astype(float)),
    ("2.3d-leakyrelu", "LeakyReLU"): ("your LeakyReLU", lambda x: np.where(x > 0, 1.0, 0.01)),
}


def _diagnosis(numeric, analytic, x) -> str:
    ratio = np.median(numeric[np.abs(analytic) > 1e-3] / analytic[np.abs(analytic) > 1e-3]) \
        if np.any(np.abs(analytic) > 1e-3) else 1.0
    if abs(ratio - 2) < 0.05:
        return " — twice the derivative: divide by 2h, not h"
    if abs(ratio - 0.5) < 0.03:
        return " — half the derivative: the quotient spans 2h, divide by 2h"
    return " — is the quotient symmetric, (f(x+h) - f(x-h)) / (2h), with inputs kept in float64 (edf.Input)?"


def _stashed(ev, key: str) -> list:
    try:
        return ev.capture(key).get("stash", [])
    except EvidenceMissing:
        return []


@check("2.3e", "numerical_differentiation: symmetric difference quotient", 2)
def numerical_differentiation(ev):
    stash = ev.capture("2.3e").get("stash", [])
    if "numerical_differentiation" not in stash:
        return failed("numerical_differentiation is not defined after its cell")
    calls = ev.calls["image"]
    tested = []
    for which, (label, grad) in ANALYTIC.items():
        if not isinstance(which, str) and which[1] not in _stashed(ev, which[0]):
            continue
        try:
            numeric = calls.numdiff("2.3e", "numerical_differentiation", which, GRID)
        except KernelCallError as exc:
            return failed(f"numerical_differentiation({label}, x) failed: {exc}")
        analytic = grad(GRID)
        err = np.abs(numeric - analytic)
        if not np.all(np.isfinite(numeric)) or np.max(err) > TOLERANCE:
            i = int(np.nanargmax(np.where(np.isfinite(err), err, np.inf)))
            return failed(f"for {label} at x={GRID.flat[i]:.4f} your numeric gradient is {numeric.flat[i]:.8g}, "
                          f"the analytic one {analytic.flat[i]:.8g} (allowed error {TOLERANCE:g})"
                          + _diagnosis(numeric, analytic, GRID))
        tested.append(label)
    return passed("agrees with the analytic gradient within %g for %s" % (TOLERANCE, ", ".join(tested)))
