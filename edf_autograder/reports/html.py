"""What a batch run leaves behind.

Per student (`write_student`): results.json (Gradescope), junit.xml, feedback.html and,
last, result.json, whose presence marks the student as done. Everything is rendered from
the record alone (and the exercise's drawings), so a review import can re-render without
grading again.

Per course (`write_course`): grades.csv, review_queue.csv, summary.html, similarity.html.
HTML comes from Jinja2 templates with autoescaping: student text is never glued into markup.
"""
from __future__ import annotations

import json
import time
from functools import cache
from pathlib import Path

import jinja2

from edf_autograder.checking.verdicts import ERROR, FAIL, MANUAL, PASS, SKIPPED, Status
from edf_autograder.intake.stage import HANDWRITTEN_FOLDER
from edf_autograder.reports import gradebook, gradescope, junit, plots, similarity
from edf_autograder.reports.text import decision_change, section_titles, write_atomic

SLOWEST = 10
FIGURES = "figures.json"  # the reference solution's figure data, in the exercise's reference folder
FIGURE_CACHE = ".feedback_figures.json"  # in a student's folder: the drawn plots, for pages written again


def pts(x) -> str:
    return "" if x in (None, "") else f"{x:g}"


# what every page's templates call, here and in the workbench
FILTERS = {"pts": pts}
GLOBALS = {"decision_change": decision_change}


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


def render(template: str, **context) -> str:
    return _env().get_template(template).render(**context)


def _sections(record: dict) -> list[dict]:
    titles = section_titles(record)
    items = record["items"]
    order = list(titles) + sorted({i["section"] for i in items} - set(titles))
    out = []
    for section in order:
        rows = [i for i in items if i["section"] == section]
        if rows:
            out.append({"id": section, "title": titles.get(section, section), "items": rows,
                        "points": sum(i["points"] for i in rows if i["status"] != MANUAL),
                        "max_points": sum(i["max_points"] for i in rows)})
    return out


def reference_figures(exercise) -> dict:
    try:
        return json.loads((exercise.reference / FIGURES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def feedback_html(record: dict, exercise, *, folder: Path | None = None) -> str:
    return render("feedback.html", r=record, student=record.get("student", record["submission"]),
                  title=exercise.title, answer_section=exercise.answers.section if exercise.answers else None,
                  handwritten=[(name, f"{HANDWRITTEN_FOLDER}/{name}")
                               for name in (record.get("answer_sheet") or {}).get("handwritten") or []],
                  sections=_sections(record), figures=_figures(record, exercise, folder))


def _figures(record: dict, exercise, folder: Path | None) -> list[dict]:
    """The feedback page's plots, kept in the student's folder under the record's key: a tutor's
    decision changes points, not plots, and drawing them is most of a page's cost."""
    cache = Path(folder) / FIGURE_CACHE if folder is not None and record.get("key") else None
    try:
        kept = json.loads(cache.read_text(encoding="utf-8")) if cache else {}
        if kept.get("key") == record["key"]:
            return kept["figures"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    figures = plots.feedback_figures(exercise.drawings, record.get("figures") or {}, reference_figures(exercise))
    if cache:
        write_atomic(cache, json.dumps({"key": record["key"], "figures": figures}))
    return figures


def write_student(folder: Path, record: dict, exercise, *, shown: dict | None = None) -> None:
    """The student's four files, all from `record` (Result.to_dict() and the batch's keys):
    result.json is the grader's own result; the pages people read show `shown`, the record
    with the tutors' decisions laid over it (edf_autograder.workbench.scores.reviewed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shown = shown or record
    write_atomic(folder / "results.json", json.dumps(gradescope.results_json(shown), indent=2))
    write_atomic(folder / "junit.xml", junit.junit_xml(shown))
    write_atomic(folder / "feedback.html", feedback_html(shown, exercise, folder=folder))
    write_atomic(folder / "result.json", json.dumps(record, indent=2))  # last: marks the student done


def tallies(records: list[dict], exercise) -> list[dict]:
    """The exercise's summary tables: per tally, how many students' verdicts of its item
    carried each value (read from the verdicts' structured data, never their wording)."""
    out = []
    for tally in exercise.tallies():
        counts = dict.fromkeys(tally.labels, 0)
        for r in records:
            item = next((i for i in r["items"] if i["id"] == tally.item), None)
            value = (item or {}).get("data", {}).get(tally.key)
            if value in counts:
                counts[value] += 1
        out.append({"title": tally.title, "note": tally.note, "item": tally.item,
                    "rows": [(tally.labels[v], n) for v, n in counts.items()],
                    "unknown": sum(1 for r in records) - sum(counts.values())})
    return out


def hand_ins(records: list[dict]) -> dict[str, int]:
    """How many students handed in the answer sheet as a file, as handwritten pages, both, or neither."""
    counts = dict.fromkeys(("answer file", "handwritten", "both", "neither"), 0)
    for r in records:
        given = r.get("answer_sheet") or {}
        typed, drawn = bool(given.get("file")), bool(given.get("handwritten"))
        counts["both" if typed and drawn else "answer file" if typed else "handwritten" if drawn else "neither"] += 1
    return counts


def _item_stats(records: list[dict]) -> list[dict]:
    stats: dict[str, dict] = {}
    for r in records:
        for i in r["items"]:
            s = stats.setdefault(i["id"], {"id": i["id"], "title": i["title"], "max_points": i["max_points"],
                                          "n": 0, "points": 0.0, "status": dict.fromkeys(Status, 0)})
            s["n"] += 1
            s["points"] += i["points"] if i["status"] != MANUAL else 0
            s["status"][Status(i["status"])] += 1
    for s in stats.values():
        graded = s["n"] - s["status"][MANUAL] - s["status"][SKIPPED]
        if s["status"][MANUAL] and not s["status"][PASS] + s["status"][FAIL]:
            graded = 0  # a tutor's item nobody has decided yet: its "not found" rows alone are no pass rate
        s["pass_rate"] = s["status"][PASS] / graded if graded else None
        s["mean"] = s["points"] / graded if graded else None
    return list(stats.values())


def summary_html(records: list[dict], problems: list[str], exercise, *, similarity_written: bool) -> str:
    records = [{"student": r["submission"], "safe_id": "", **r} for r in records]
    failed = [r for r in records if r.get("notes") or any(i["status"] == ERROR for i in r["items"])]
    return render(
        "summary.html", title=exercise.title, records=records, problems=problems, items=_item_stats(records),
        statuses=[s for s in Status if s != Status.READ], histogram=plots.histogram(records) if records else None,
        slowest=sorted(records, key=lambda r: -r.get("duration", 0.0))[:SLOWEST],
        failed=[{"r": r, "errors": [i["id"] for i in r["items"] if i["status"] == ERROR]} for r in failed],
        queue=[q for q in gradebook.review_rows(records) if q["status"] == MANUAL],  # errors: "Failed submissions"
        tallies=tallies(records, exercise), flagged=[r for r in records if r.get("flags")],
        hand_ins=hand_ins(records) if exercise.answers else None,
        similarity_written=similarity_written, generated=time.strftime("%Y-%m-%d %H:%M"))


def write_course(out: Path, records: list[dict], problems: list[str], exercise, *, similarity: bool = True) -> None:
    """The course files; `similarity=False` keeps the existing similarity.html (a review
    import changes scores, not code)."""
    out = Path(out)
    gradebook.write_grades(out / "grades.csv", records)
    gradebook.write_review_queue(out / "review_queue.csv", records)
    write_atomic(out / gradebook.PROBLEMS, json.dumps(list(problems), indent=2))
    if similarity:
        folders = [(r.get("student", r["submission"]), out / "students" / r["safe_id"]) for r in records]
        write_atomic(out / "similarity.html", similarity_html(folders, exercise))
    write_atomic(out / "summary.html", summary_html(records, problems, exercise,
                                                    similarity_written=(out / "similarity.html").exists()))


def similarity_html(folders: list[tuple[str, Path]], exercise) -> str:
    pairs, skipped = similarity.similar_pairs_report(folders, exercise)
    return render("similarity.html", title=exercise.title, pairs=pairs, skipped=skipped,
                  threshold=similarity.THRESHOLD, compared=len(folders) - len(skipped))
