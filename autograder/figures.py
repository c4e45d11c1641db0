"""Plain data for the feedback page's plots, collected from the evidence after the checks.

Everything is computed by the grader (grid evaluations of the captured parameters) or
returned by validated kernel calls; missing pieces are simply left out."""
from __future__ import annotations

import numpy as np

from autograder.errors import HarnessError
from autograder.graph import forward
from checks.notebooks import ACTIVATIONS, IMAGE

GRID = np.linspace(-0.5, 0.5, 61)


def _pcl(ev, out: dict) -> None:
    X, y = ev.dataset.pcl()
    out["pcl_points"] = {"X": X.tolist(), "y": y.tolist()}
    xx, yy = np.meshgrid(GRID, GRID)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    for key, name in (("2.2a-train", "pcl_logreg_grid"), ("2.2c-train", "pcl_mlp_grid")):
        try:
            p = forward(ev.capture(key)["graph"], grid)[:, 0]
        except (HarnessError, KeyError, ValueError):
            continue
        out[name] = {"xs": GRID.tolist(), "ys": GRID.tolist(), "p": p.reshape(xx.shape).round(4).tolist()}


def _activations(ev, out: dict) -> None:
    x = np.linspace(-3, 3, 121)[None, :] + 1e-3
    curves = {}
    for act, cls in ACTIVATIONS.items():
        try:
            value, grad = ev.calls["image"].activation(cls, x, np.ones_like(x), np.zeros_like(x))
        except (HarnessError, KeyError):
            continue
        curves[act] = {"x": x[0].round(4).tolist(), "value": value[0].tolist(), "grad": grad[0].tolist()}
    if curves:
        out["activations"] = curves


def _sweeps(ev, out: dict) -> None:
    sweeps = {}
    for sweep in IMAGE.sweeps:
        for act in sweep.activations:
            try:
                values = ev.capture(f"{sweep.key}-{act}").get("values", {})
            except HarnessError:
                continue
            train, test = (values.get(name) for name in sweep.lists)
            if train is not None and test is not None and train.size == test.size == len(sweep.configs):
                sweeps[f"{sweep.key}-{act}"] = {"configs": list(sweep.configs), "train": train.ravel().tolist(),
                                                "test": test.ravel().tolist()}
    if sweeps:
        out["sweeps"] = sweeps


def collect(ev) -> dict:
    out: dict = {}
    for part in (_pcl, _activations, _sweeps):
        part(ev, out)
    return out
