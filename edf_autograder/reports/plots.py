"""Figures as data URIs (matplotlib without pyplot: no global state in worker processes):
the exercise's drawings for a feedback page, and the score histogram of the summary."""
from __future__ import annotations

import base64
import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def uri(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def feedback_figures(drawings, mine: dict, ref: dict) -> list[dict]:
    """The plots of a feedback page; a figure whose data cannot be drawn says why instead."""
    out = []
    for drawing in drawings:
        try:
            fig = drawing.draw(mine, ref)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            out.append({"title": drawing.title, "caption": "", "uri": None,
                        "error": f"could not be drawn ({type(exc).__name__}: {exc})"})
            continue
        if fig is not None:
            out.append({"title": drawing.title, "caption": drawing.caption, "uri": uri(fig), "error": None})
    return out


def histogram(records: list[dict]) -> str:
    top = max(r.get("max_score") or 0 for r in records) or 1
    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.hist([[r["score"] for r in records], [r.get("suggested_score", r["score"]) for r in records]],
            bins=np.linspace(0, top, min(25, int(top) + 1) + 1).tolist(), label=["automatic", "suggested (with review)"])
    ax.set(xlabel="points", ylabel="students", xlim=(0, top))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return uri(fig)
