"""2.3d Tanh, ReLU, LeakyReLU: forward against the definition and backward against the
grader's own central difference, over generated batches, magnitudes and dtypes; the
gradient must be accumulated into the input (addgrad), not written over it."""
from __future__ import annotations

import numpy as np
from hypothesis import example, given

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import failed, passed
from edf_autograder.errors import KernelCallError
from edf_ex2.notebooks import ACTIVATIONS, LEAKY_SLOPE
from edf_ex2.properties import activation_inputs, central_difference, grading_settings

FUNCTIONS = {
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(0.0, x),
    "leakyrelu": lambda x: np.where(x > 0, x, LEAKY_SLOPE * x),
}
SHEET_POINTS = np.array([[-2.0, -0.5, 0.5, 2.0]])


class Mismatch(AssertionError):
    pass


def _tolerances(dtype) -> tuple[float, float]:
    return (1e-4, 1e-5) if dtype == np.float32 else (1e-7, 1e-9)


def _verify(calls, cls, f, case):
    x, upstream, grad0 = case
    value, grad = calls.activation(cls, x, upstream, grad0)
    rtol, atol = _tolerances(x.dtype)
    want = f(x.astype(np.float64))
    if not np.allclose(value, want, rtol=rtol, atol=atol):
        i = np.unravel_index(np.argmax(np.abs(value - want)), x.shape)
        raise Mismatch(f"forward: {cls}({x[i]:.6g}) gave {value[i]:.6g}, expected {want[i]:.6g}")
    delta = upstream * central_difference(f, x)
    expected = grad0 + delta
    if np.allclose(grad, expected, rtol=1e-3, atol=1e-5):
        return
    if np.allclose(grad, delta, rtol=1e-3, atol=1e-5):
        raise Mismatch("backward overwrites the input's gradient instead of adding to it: "
                       "call self.x.addgrad(...) rather than assigning self.x.grad")
    i = np.unravel_index(np.argmax(np.abs(grad - expected)), x.shape)
    raise Mismatch(f"backward: at x={x[i]:.6g} with upstream gradient {upstream[i]:.4g} the gradient "
                   f"added to the input was {grad[i] - grad0[i]:.6g}, expected {delta[i]:.6g} "
                   "(the grader's central difference)")


def _activation(act: str):
    cls, f = ACTIVATIONS[act], FUNCTIONS[act]
    key = f"2.3d-{act}"

    def run(ev):
        ev.capture(key)  # where it was defined, or why it is not
        calls = ev.calls["image"]
        if cls not in calls.stashed:
            return failed(f"class {cls} could not be read from the kernel: {calls.reason or 'it is gone'}")

        @grading_settings(ev.quick)
        @example(case=(SHEET_POINTS, np.ones_like(SHEET_POINTS), np.zeros_like(SHEET_POINTS)))
        @given(case=activation_inputs())
        def prop(case):
            _verify(calls, cls, f, case)

        try:
            prop()
        except Mismatch as exc:
            return failed(str(exc))
        except KernelCallError as exc:
            return failed(f"calling your {cls} on the grader's inputs failed: {exc}")
        return passed(f"{cls} forward and backward agree with the definition and the grader's "
                      "central differences on generated inputs (float32 and float64)")
    return run


for _act, _cls in ACTIVATIONS.items():
    check(f"2.3d-{_act}", f"{_cls} forward and backward", 1.5)(_activation(_act))
