"""2.3e numerical_differentiation: the student's symmetric difference quotient against
the grader's gradients: analytic ones for Sigmoid and for a node the student has never
seen, and, for the student's own activations, the grader's central difference of their
forward pass. Inputs are float64 so that a one-sided or mis-scaled quotient (errors
~h*f''/2 or 2x) lies far outside the symmetric quotient's error (~h^2*f'''/6)."""
from __future__ import annotations

import numpy as np

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import failed, passed
from edf_autograder.errors import KernelCallError
from edf_ex2.notebooks import ACTIVATIONS

TOLERANCE = 2e-6
GRID = (np.linspace(-3, 3, 41) + 0.0375)[None, :]   # avoids the kink at 0


def _sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


H = 1e-4
ANALYTIC = {  # the grader's nodes -> (how a message names it, its derivative)
    "sigmoid": ("edf.Sigmoid", _sigmoid_grad),
    "cube": ("a grader node f(x) = x^3/3 + sin(2x)", lambda x: x ** 2 + 2 * np.cos(2 * x)),
}


def _expected(calls, which: str):
    """(label, expected gradient on GRID, or None when it cannot be computed). The
    student's own activations are differentiated by the grader, from their forward pass:
    a wrong activation is 2.3d's business, not this item's."""
    if which in ANALYTIC:
        label, grad = ANALYTIC[which]
        return label, grad(GRID)
    ones, zeros = np.ones_like(GRID), np.zeros_like(GRID)
    try:
        up = calls.activation(which, GRID + H, ones, zeros)[0]
        down = calls.activation(which, GRID - H, ones, zeros)[0]
    except KernelCallError:
        return f"your {which}", None
    return f"your {which}", (up - down) / (2 * H)


def _diagnosis(numeric, analytic, x) -> str:
    ratio = np.median(numeric[np.abs(analytic) > 1e-3] / analytic[np.abs(analytic) > 1e-3]) \
        if np.any(np.abs(analytic) > 1e-3) else 1.0
    if abs(ratio - 2) < 0.05:
        return " — twice the derivative: divide by 2h, not h"
    if abs(ratio - 0.5) < 0.03:
        return " — half the derivative: the quotient spans 2h, divide by 2h"
    return " — is the quotient symmetric, (f(x+h) - f(x-h)) / (2h), with inputs kept in float64 (edf.Input)?"


@check("2.3e", "numerical_differentiation: symmetric difference quotient", 2)
def numerical_differentiation(ev):
    ev.capture("2.3e")  # where it was defined, or why it is not
    calls = ev.calls["image"]
    if "numerical_differentiation" not in calls.stashed:
        return failed(f"numerical_differentiation could not be read from the kernel: {calls.reason or 'it is gone'}")
    tested = []
    own = [name for name in ACTIVATIONS.values() if name in calls.stashed]
    for which in (*ANALYTIC, *own):
        label, analytic = _expected(calls, which)
        if analytic is None or not np.all(np.isfinite(analytic)):
            continue
        try:
            numeric = calls.numdiff("numerical_differentiation", which, GRID)
        except KernelCallError as exc:
            return failed(f"numerical_differentiation({label}, x) failed: {exc}")
        err = np.abs(numeric - analytic)
        if not np.all(np.isfinite(numeric)) or np.max(err) > TOLERANCE:
            i = int(np.nanargmax(np.where(np.isfinite(err), err, np.inf)))
            return failed(f"for {label} at x={GRID.flat[i]:.4f} your numeric gradient is {numeric.flat[i]:.8g}, "
                          f"the analytic one {analytic.flat[i]:.8g} (allowed error {TOLERANCE:g})"
                          + _diagnosis(numeric, analytic, GRID))
        tested.append(label)
    return passed("agrees with the analytic gradient within {:g} for {}".format(TOLERANCE, ", ".join(tested)))
