"""What a batch run leaves behind.

Per student (`write_student`): results.json (Gradescope), junit.xml, feedback.html and,
last, result.json, whose presence marks the student as done. Everything is rendered from
the record alone, so a review import can re-render without grading again.

Per course (`write_course`): grades.csv, review_queue.csv, summary.html, similarity.html.
HTML comes from Jinja2 templates with autoescaping: student text is never glued into markup.
"""
from __future__ import annotations

import base64
import io
import json
import re
import time
from dataclasses import fields
from functools import cache
from pathlib import Path

import jinja2
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from autograder.reports import gradebook, gradescope, junit, similarity
from autograder.reports.text import SECTIONS, write_atomic
from autograder.checking.verdicts import ERROR, MANUAL, PASS, SKIPPED, STATUSES, ItemResult, Result
from autograder.intake.stage import HANDWRITTEN_FOLDER, REFERENCE

C_III = "2.1c-iii"
SLOWEST = 10
REFERENCE_FIGURES = REFERENCE / "figures.json"  # the reference solution's figure data, when produced
ANALYTIC = {  # value and derivative of the activations of 2.3d
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(0, x), lambda x: (x > 0) * 1.0),
    "leakyrelu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1.0, 0.01)),
}
PCL_MODELS = {"pcl_logreg_grid": "logistic regression (2.2b)", "pcl_mlp_grid": "MLP (2.2d)"}
SWEEP_NAMES = {"2.3f": "learning rate", "2.3g": "depth", "2.3h": "hidden units"}


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["pts"] = lambda x: "" if x in (None, "") else f"{x:g}"
    return env


def render(template: str, **context) -> str:
    return _env().get_template(template).render(**context)


def result_from_record(record: dict) -> Result:
    names = [f.name for f in fields(ItemResult)]
    items = [ItemResult(**{k: i[k] for k in names if k in i}) for i in record["items"]]
    return Result(record["submission"], items, record.get("dataset", ""), record.get("grader_version", ""),
                  list(record.get("notes", [])), record.get("duration", 0.0), record.get("figures", {}),
                  list(record.get("flags", [])), record.get("pen_and_paper", {}))


def _sections(items: list[dict]) -> list[dict]:
    order = list(SECTIONS) + sorted({i["section"] for i in items} - set(SECTIONS))
    out = []
    for section in order:
        rows = [i for i in items if i["section"] == section]
        if rows:
            out.append({"id": section, "title": SECTIONS.get(section, section), "items": rows,
                        "points": sum(i["points"] for i in rows if i["status"] != MANUAL),
                        "max_points": sum(i["max_points"] for i in rows)})
    return out


# Figures: matplotlib without pyplot (no global state in worker processes), as data URIs.

def _uri(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def reference_figures() -> dict:
    try:
        return json.loads(REFERENCE_FIGURES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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


def _pcl_figure(mine: dict, ref: dict) -> str | None:
    models = [k for k in PCL_MODELS if k in mine or k in ref]
    rows = [("yours", mine)] + ([("reference", ref)] if any(k in ref for k in models) else [])
    if not any(k in mine for k in models):
        return None
    fig = Figure(figsize=(4 * len(models), 4 * len(rows)), layout="constrained")
    axes = fig.subplots(len(rows), len(models), squeeze=False)
    for (who, data), row in zip(rows, axes):
        for key, ax in zip(models, row):
            points = data.get("pcl_points") or mine.get("pcl_points") or ref.get("pcl_points")
            _boundary(ax, data.get(key), points, f"{PCL_MODELS[key]}: {who}")
    return _uri(fig)


def _activation_figure(mine: dict) -> str | None:
    curves = {k: v for k, v in (mine.get("activations") or {}).items() if k in ANALYTIC}
    if not curves:
        return None
    fig = Figure(figsize=(4 * len(curves), 3.4), layout="constrained")
    for ax, (name, c) in zip(fig.subplots(1, len(curves), squeeze=False)[0], curves.items()):
        x = np.asarray(c["x"], dtype=float)
        value, grad = ANALYTIC[name]
        ax.plot(x, c["value"], color="tab:blue", lw=2.5, label="your forward")
        ax.plot(x, c["grad"], color="tab:orange", lw=2.5, label="your backward")
        ax.plot(x, value(x), "k--", lw=1, label="analytic value")
        ax.plot(x, grad(x), "k:", lw=1.2, label="analytic derivative")
        ax.set(title=name, xlabel="x")
        ax.grid(alpha=0.3)
    fig.axes[0].legend(fontsize=8)
    return _uri(fig)


def _sweep_figure(mine: dict, ref: dict) -> str | None:
    sweeps = mine.get("sweeps") or {}
    if not sweeps:
        return None
    keys = sorted(sweeps, key=lambda k: ("relu" in k, k))  # a row of sigmoid sweeps, then ReLU
    ncols = min(3, len(keys))
    fig = Figure(figsize=(4.2 * ncols, 3.4 * -(-len(keys) // ncols)), layout="constrained")
    axes = fig.subplots(-(-len(keys) // ncols), ncols, squeeze=False).ravel()
    for ax, key in zip(axes, keys):
        configs = [f"{c:g}" if isinstance(c, (int, float)) else str(c) for c in sweeps[key]["configs"]]
        at = np.arange(len(configs))
        for data, who, style in ((sweeps[key], "yours", "-o"), ((ref.get("sweeps") or {}).get(key), "reference", "--x")):
            if data:
                ax.plot(at, data["train"], style, color="tab:blue", label=f"train ({who})", alpha=1 if who == "yours" else 0.6)
                ax.plot(at, data["test"], style, color="tab:orange", label=f"test ({who})", alpha=1 if who == "yours" else 0.6)
        ax.set(title=key, xticks=at, xticklabels=configs, xlabel=SWEEP_NAMES.get(key.split("-")[0], ""),
               ylabel="error")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    return _uri(fig)


FIGURES = (  # title, caption, drawing function of (student's data, reference data)
    ("Decision boundaries on the point cloud",
     "Background: the model's probability of label 0 (blue) or 1 (red); black line: probability 0.5. "
     "Points: the data set, coloured by label.", _pcl_figure),
    ("Your activations (2.3d) against the analytic curves",
     "Thick coloured lines: your forward and backward; thin black lines: the analytic value and derivative.",
     lambda mine, ref: _activation_figure(mine)),
    ("Training and test error of your sweeps (2.3f-h)",
     "Solid lines: your errors; dashed: the reference solution's, when available.", _sweep_figure),
)


def feedback_figures(mine: dict, ref: dict) -> list[dict]:
    """The plots of the feedback page; a figure whose data cannot be drawn says why instead."""
    out = []
    for title, caption, draw in FIGURES:
        try:
            uri = draw(mine, ref)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            out.append({"title": title, "caption": "", "uri": None,
                        "error": f"could not be drawn ({type(exc).__name__}: {exc})"})
            continue
        if uri:
            out.append({"title": title, "caption": caption, "uri": uri, "error": None})
    return out


def _histogram(records: list[dict]) -> str:
    top = max(r.get("max_score") or 0 for r in records) or 1
    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.hist([[r["score"] for r in records], [r.get("suggested_score", r["score"]) for r in records]],
            bins=np.linspace(0, top, min(25, int(top) + 1) + 1), label=["automatic", "suggested (with review)"])
    ax.set(xlabel="points", ylabel="students", xlim=(0, top))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return _uri(fig)


def feedback_html(record: dict) -> str:
    return render("feedback.html", r=record, student=record.get("student", record["submission"]),
                  handwritten=[(name, f"{HANDWRITTEN_FOLDER}/{name}")
                               for name in (record.get("pen_and_paper") or {}).get("handwritten") or []],
                  sections=_sections(record["items"]),
                  figures=feedback_figures(record.get("figures") or {}, reference_figures()))


def write_student(folder: Path, result: Result, record: dict) -> None:
    """The student's four files; `record` (result.to_dict() and the batch's keys) is the
    source of all of them, `result` is the same grading as an object."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "results.json", json.dumps(gradescope.results_json(record), indent=2))
    write_atomic(folder / "junit.xml", junit.junit_xml(record))
    write_atomic(folder / "feedback.html", feedback_html(record))
    write_atomic(folder / "result.json", json.dumps(record, indent=2))  # last: marks the student done


def c_iii_dispute(records: list[dict]) -> dict:
    """Which c-iii gradient each student gave: the sheet's [-5, -4], the recomputed [-2, -4],
    neither, or none. Read from record["pen_and_paper_c_iii"] when the pipeline provides it,
    else from the item's message ("matches the sheet's official value" / "the recomputed
    alternative", or else the gradient it quotes compared with both values)."""
    counts = dict.fromkeys(("sheet", "recomputed", "neither", "no answer"), 0)
    sources = {"record": 0, "message": 0}
    for r in records:
        given = r.get("pen_and_paper_c_iii")
        if isinstance(given, dict):
            given = given.get("matched")
        if isinstance(given, str) and given in counts:
            counts[given] += 1
            sources["record"] += 1
            continue
        item = next((i for i in r["items"] if i["id"] == C_III), None)
        if item is None:
            continue
        sources["message"] += 1
        counts[_c_iii_from_message(item["message"])] += 1
    values = {k: "[" + ", ".join(f"{v:g}" for v in value) + "]" for k, value in _c_iii_values().items()}
    return {"counts": counts, "sources": sources, "values": values}


def _c_iii_values() -> dict[str, list[float]]:
    try:
        from checks import key
        c = key.load()["c"]
        return {"sheet": c["iii_gradient"], "recomputed": c["iii_gradient_recomputed"]}
    except (ImportError, OSError, KeyError, ValueError):  # the key's values when it was written
        return {"sheet": [-5.0, -4.0], "recomputed": [-2.0, -4.0]}


def _c_iii_from_message(message: str) -> str:
    if "the sheet's official value" in message:
        return "sheet"
    if "the recomputed alternative" in message:
        return "recomputed"
    quoted = re.search(r"gradient \[([^\]]*)\]", message)
    if quoted is None:
        return "no answer"
    try:
        got = [float(v) for v in quoted.group(1).split(",")]
    except ValueError:
        return "neither"
    for label, value in _c_iii_values().items():
        if len(got) == len(value) and all(abs(g - v) <= 0.01 for g, v in zip(got, value)):
            return label
    return "neither"


def hand_ins(records: list[dict]) -> dict[str, int]:
    """How many students handed in 2.1 as the answer file, as handwritten pages, both, or neither."""
    counts = dict.fromkeys(("answer file", "handwritten", "both", "neither"), 0)
    for r in records:
        given = r.get("pen_and_paper") or {}
        typed, drawn = bool(given.get("file")), bool(given.get("handwritten"))
        counts["both" if typed and drawn else "answer file" if typed else "handwritten" if drawn else "neither"] += 1
    return counts


def _item_stats(records: list[dict]) -> list[dict]:
    stats = {}
    for r in records:
        for i in r["items"]:
            s = stats.setdefault(i["id"], {"id": i["id"], "title": i["title"], "max_points": i["max_points"],
                                          "n": 0, "points": 0.0, "status": dict.fromkeys(STATUSES, 0)})
            s["n"] += 1
            s["points"] += i["points"] if i["status"] != MANUAL else 0
            s["status"][i["status"]] = s["status"].get(i["status"], 0) + 1
    for s in stats.values():
        graded = s["n"] - s["status"][MANUAL] - s["status"][SKIPPED]
        s["pass_rate"] = s["status"][PASS] / graded if graded else None
        s["mean"] = s["points"] / graded if graded else None
    return list(stats.values())


def summary_html(records: list[dict], problems: list[str], *, similarity_written: bool) -> str:
    records = [{"student": r["submission"], "safe_id": "", **r} for r in records]
    failed = [r for r in records if r.get("notes") or any(i["status"] == ERROR for i in r["items"])]
    return render(
        "summary.html", records=records, problems=problems, items=_item_stats(records),
        histogram=_histogram(records) if records else None,
        slowest=sorted(records, key=lambda r: -r.get("duration", 0.0))[:SLOWEST],
        failed=[{"r": r, "errors": [i["id"] for i in r["items"] if i["status"] == ERROR]} for r in failed],
        queue=[q for q in gradebook.review_rows(records) if not q["item"].startswith(gradebook.FLAG)], dispute=c_iii_dispute(records), c_iii=C_III,
        flagged=[r for r in records if r.get("flags")], hand_ins=hand_ins(records),
        similarity_written=similarity_written, generated=time.strftime("%Y-%m-%d %H:%M"))


def write_course(out: Path, records: list[dict], problems: list[str], *, similarity: bool = True) -> None:
    """The course files; `similarity=False` keeps the existing similarity.html (a review
    import changes scores, not code)."""
    out = Path(out)
    gradebook.write_grades(out / "grades.csv", records)
    gradebook.write_review_queue(out / "review_queue.csv", records)
    write_atomic(out / gradebook.PROBLEMS, json.dumps(list(problems), indent=2))
    if similarity:
        folders = [(r.get("student", r["submission"]), out / "students" / r["safe_id"]) for r in records]
        write_atomic(out / "similarity.html", similarity_html(folders))
    write_atomic(out / "summary.html", summary_html(records, problems,
                                                    similarity_written=(out / "similarity.html").exists()))


def similarity_html(folders: list[tuple[str, Path]]) -> str:
    pairs, skipped = similarity.similar_pairs_report(folders)
    return render("similarity.html", pairs=pairs, skipped=skipped, threshold=similarity.THRESHOLD,
                  compared=len(folders) - len(skipped))
