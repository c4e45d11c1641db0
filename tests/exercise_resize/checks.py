"""The resized-images exercise's checks: the graph the notebook trained, and its error on
held-out images measured by the grader."""
from __future__ import annotations

import numpy as np

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import failed, passed
from edf_autograder.evidence.assign import layers_text
from edf_autograder.evidence.capture import graph_of
from edf_autograder.kernel import exchange

MAX_RMSE = 0.15   # the noise is 0.05; predicting the mean is off by about 0.6


@check("4a-graph", "Linear model Affine(16->1) on the resized images, trained with MSELoss", 1)
def graph(ev):
    found = graph_of(ev.capture("4a-train")).layers()
    want = [("Affine", (16, 1))]
    return passed(layers_text(found)) if found == want else failed(f"expected {layers_text(want)}, found {layers_text(found)}")


@check("4a-error", "Error on held-out images", 1)
def error(ev):
    _, y = ev.dataset.part("heldout")
    out = ev.capture("4a-train").get("eval", {})
    if "heldout_0" not in out:
        return failed("the model could not be evaluated")
    pred = exchange.checked(out["heldout_0"], "prediction", shape=(len(y), 1))[:, 0]
    rmse = float(np.sqrt(np.mean((pred - y) ** 2)))
    msg = f"the grader measured a root mean square error of {rmse:.3f} on {len(y)} held-out images (at most {MAX_RMSE})"
    return passed(msg) if rmse <= MAX_RMSE else failed(msg)
