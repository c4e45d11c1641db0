"""The second exercise's hidden item: the error on held-out points, graded by the instructor
only (never in the students' kit, which has no held-out points)."""
from __future__ import annotations

import numpy as np

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import failed, passed
from edf_autograder.kernel import exchange

MAX_RMSE = 0.2   # the noise is 0.1; an untrained model is off by about 2.5


@check("1b-error", "Error on held-out points", 1, hidden=True)
def error(ev):
    X, y = ev.dataset.part("heldout")
    out = ev.capture("1b-train").get("eval", {})
    if "heldout_0" not in out:
        return failed("the model could not be evaluated")
    pred = exchange.checked(out["heldout_0"], "prediction", shape=(len(y), 1))[:, 0]
    rmse = float(np.sqrt(np.mean((pred - y) ** 2)))
    msg = f"the grader measured a root mean square error of {rmse:.3f} on {len(y)} held-out points (at most {MAX_RMSE})"
    return passed(msg) if rmse <= MAX_RMSE else failed(msg)
