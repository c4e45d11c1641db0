"""The second exercise's checks: the engine's registry, evidence and verdicts, nothing else."""
from __future__ import annotations

import numpy as np

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import failed, passed
from edf_autograder.errors import KernelCallError
from edf_autograder.evidence.assign import layers_text
from edf_autograder.evidence.capture import graph_of
from edf_autograder.kernel import exchange

MAX_RMSE = 0.2   # the noise is 0.1; an untrained model is off by about 2.5


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


@check("1b-error", "Error on held-out points", 1)
def error(ev):
    X, y = ev.dataset.part("heldout")
    out = ev.capture("1b-train").get("eval", {})
    if "heldout_0" not in out:
        return failed("the model could not be evaluated")
    pred = exchange.checked(out["heldout_0"], "prediction", shape=(len(y), 1))[:, 0]
    rmse = float(np.sqrt(np.mean((pred - y) ** 2)))
    msg = f"the grader measured a root mean square error of {rmse:.3f} on {len(y)} held-out points (at most {MAX_RMSE})"
    return passed(msg) if rmse <= MAX_RMSE else failed(msg)
