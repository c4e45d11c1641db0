"""Exercise 2's figures for the feedback page: plain data collected from the evidence
after the checks (`collect`), and the drawings made from it (`DRAWINGS`), beside the
reference solution's data when it was measured (reference/figures.json).

Everything is computed by the grader (grid evaluations of the captured parameters) or
returned by validated kernel calls; missing pieces are simply left out. Drawings use
matplotlib without pyplot (no global state in worker processes)."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from edf_autograder.errors import HarnessError
from edf_autograder.evidence.graph import forward
from edf_autograder.exercise import Drawing
from edf_ex2.common import NODES
from edf_ex2.notebooks import ACTIVATIONS, IMAGE, LEAKY_SLOPE

GRID = np.linspace(-0.5, 0.5, 61)


def _pcl(ev, out: dict) -> None:
    X, y = ev.dataset.pcl()
    out["pcl_points"] = {"X": X.tolist(), "y": y.tolist()}
    xx, yy = np.meshgrid(GRID, GRID)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    for key, name in (("2.2a-train", "pcl_logreg_grid"), ("2.2c-train", "pcl_mlp_grid")):
        try:
            p = forward(ev.capture(key)["graph"], grid, nodes=NODES)[:, 0]
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


# -- drawings -------------------------------------------------------------------------------
ANALYTIC = {  # value and derivative of the activations of 2.3d
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(0, x), lambda x: (x > 0) * 1.0),
    "leakyrelu": (lambda x: np.where(x > 0, x, LEAKY_SLOPE * x), lambda x: np.where(x > 0, 1.0, LEAKY_SLOPE)),
}
PCL_MODELS = {"pcl_logreg_grid": "logistic regression (2.2b)", "pcl_mlp_grid": "MLP (2.2d)"}
SWEEP_AXES = {sweep.key: {"lr": "learning rate", "depth": "depth", "hidden": "hidden units"}[sweep.what]
              for sweep in IMAGE.sweeps}


def _boundary(ax, grid: dict | None, points: dict | None, title: str) -> None:
    ax.set(title=title, aspect="equal")
    if grid is None:
        ax.text(0.5, 0.5, "not available", ha="center", va="center", transform=ax.transAxes)
        return
    xs, ys, p = (np.asarray(grid[k], dtype=float) for k in ("xs", "ys", "p"))
    ax.pcolormesh(xs, ys, p, cmap="RdBu", vmin=0, vmax=1, shading="nearest", alpha=0.45)
    if np.nanmin(p) < 0.5 < np.nanmax(p):
        ax.contour(xs, ys, p, levels=[0.5], colors="black", linewidths=1.5)
    else:
        ax.set_title(title + "\n(no 0.5 boundary in view)")
    if points:
        X, y = np.asarray(points["X"], dtype=float), np.asarray(points["y"]).ravel()
        ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 0, "tab:blue", "tab:red"), s=14,
                   edgecolors="black", linewidths=0.4)
    ax.set(xlim=(xs.min(), xs.max()), ylim=(ys.min(), ys.max()))


def boundaries(mine: dict, ref: dict) -> Figure | None:
    models = [k for k in PCL_MODELS if k in mine or k in ref]
    rows = [("yours", mine)] + ([("reference", ref)] if any(k in ref for k in models) else [])
    if not any(k in mine for k in models):
        return None
    fig = Figure(figsize=(4 * len(models), 4 * len(rows)), layout="constrained")
    axes = fig.subplots(len(rows), len(models), squeeze=False)
    for (who, data), row in zip(rows, axes, strict=True):
        for key, ax in zip(models, row, strict=True):
            points = data.get("pcl_points") or mine.get("pcl_points") or ref.get("pcl_points")
            _boundary(ax, data.get(key), points, f"{PCL_MODELS[key]}: {who}")
    return fig


def activations(mine: dict, ref: dict) -> Figure | None:
    curves = {k: v for k, v in (mine.get("activations") or {}).items() if k in ANALYTIC}
    if not curves:
        return None
    fig = Figure(figsize=(4 * len(curves), 3.4), layout="constrained")
    for ax, (name, c) in zip(fig.subplots(1, len(curves), squeeze=False)[0], curves.items(), strict=True):
        x = np.asarray(c["x"], dtype=float)
        value, grad = ANALYTIC[name]
        ax.plot(x, c["value"], color="tab:blue", lw=2.5, label="your forward")
        ax.plot(x, c["grad"], color="tab:orange", lw=2.5, label="your backward")
        ax.plot(x, value(x), "k--", lw=1, label="analytic value")
        ax.plot(x, grad(x), "k:", lw=1.2, label="analytic derivative")
        ax.set(title=name, xlabel="x")
        ax.grid(alpha=0.3)
    fig.axes[0].legend(fontsize=8)
    return fig


def sweeps(mine: dict, ref: dict) -> Figure | None:
    found = mine.get("sweeps") or {}
    if not found:
        return None
    keys = sorted(found, key=lambda k: ("relu" in k, k))  # a row of sigmoid sweeps, then ReLU
    ncols = min(3, len(keys))
    fig = Figure(figsize=(4.2 * ncols, 3.4 * -(-len(keys) // ncols)), layout="constrained")
    axes = fig.subplots(-(-len(keys) // ncols), ncols, squeeze=False).ravel()
    for ax, key in zip(axes, keys, strict=False):
        configs = [f"{c:g}" if isinstance(c, (int, float)) else str(c) for c in found[key]["configs"]]
        at = np.arange(len(configs))
        for data, who, style in ((found[key], "yours", "-o"), ((ref.get("sweeps") or {}).get(key), "reference", "--x")):
            if data:
                alpha = 1 if who == "yours" else 0.6
                ax.plot(at, data["train"], style, color="tab:blue", label=f"train ({who})", alpha=alpha)
                ax.plot(at, data["test"], style, color="tab:orange", label=f"test ({who})", alpha=alpha)
        ax.set(title=key, xticks=at, xticklabels=configs, xlabel=SWEEP_AXES.get(key.split("-")[0], ""), ylabel="error")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    return fig


DRAWINGS = (
    Drawing("Decision boundaries on the point cloud",
            "Background: the model's probability of label 0 (blue) or 1 (red); black line: probability 0.5. "
            "Points: the data set, coloured by label.", boundaries),
    Drawing("Your activations (2.3d) against the analytic curves",
            "Thick coloured lines: your forward and backward; thin black lines: the analytic value and derivative.",
            activations),
    Drawing("Training and test error of your sweeps (2.3f-h)",
            "Solid lines: your errors; dashed: the reference solution's, when available.", sweeps),
)
