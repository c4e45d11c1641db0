"""The second exercise's public checks (students see their verdicts): the engine's registry,
evidence and verdicts, nothing else. The held-out error is `heldout`'s, hidden from students."""
from __future__ import annotations

import numpy as np

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import failed, passed
from edf_autograder.errors import KernelCallError
from edf_autograder.evidence.assign import layers_text
from edf_autograder.evidence.capture import graph_of


@check("1a", "Square forward and backward", 2)
def square(ev):
    ev.capture("1a")
    calls = ev.calls["regression"]
    x = np.linspace(-2, 2, 9)[None, :] + 0.01
    try:
        value, grad = calls.activation("Square", x, np.full_like(x, 0.5), np.zeros_like(x))
    except KernelCallError as exc:
        return failed(f"calling your Square failed: {exc}")
    if not np.allclose(value, x ** 2):
        return failed(f"forward: Square({x[0, 0]:.3g}) gave {value[0, 0]:.6g}, expected {x[0, 0] ** 2:.6g}")
    if not np.allclose(grad, 0.5 * 2 * x):
        return failed(f"backward: at x={x[0, 0]:.3g} with upstream gradient 0.5 the gradient was {grad[0, 0]:.6g}, "
                      f"expected {x[0, 0]:.6g}")
    return passed("forward and backward agree with x^2 and 2x")


@check("1b-graph", "Linear model Affine(3->1) trained with MSELoss", 1)
def graph(ev):
    found = graph_of(ev.capture("1b-train")).layers()
    want = [("Affine", (3, 1))]
    return passed(layers_text(found)) if found == want else failed(f"expected {layers_text(want)}, found {layers_text(found)}")
