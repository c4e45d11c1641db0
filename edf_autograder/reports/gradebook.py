"""The gradebook: `grades.csv` and `review_queue.csv` for spreadsheets and learning-management
systems (the tutors' scores come back through `batch.review`).

Every text cell goes through `neutralise`: a spreadsheet runs a cell that starts with
= + - @ (or a tab or carriage return before one) as a formula, and a student id or an answer
is student-controlled text. Such cells get a leading single quote; genuine numbers stay.

After review an item has the tutor's points (`override` beside them); `score` sums every
item that is not still waiting for review, `manual_pending` is what still waits.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from edf_autograder.checking.verdicts import ERROR, FAIL, MANUAL, NOT_FOUND, PASS
from edf_autograder.intake.stage import HANDWRITTEN_FOLDER
from edf_autograder.reports.text import write_atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
TOTALS = ("score", "manual_pending", "suggested_score", "max_score")
PROBLEMS = "problems.json"  # discover()'s list, kept so a review import can rewrite summary.html
QUEUE = ("student", "safe_id", "item", "title", "suggested", "max_points", "message", "score", "comment", "file")


def neutralise(value):
    """A cell a spreadsheet shows as text, never runs: quote text that would start a formula."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_START) and not NUMBER.fullmatch(text.strip()):
        return "'" + text
    return text


def _csv(header, rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return "\ufeff" + buf.getvalue()  # the byte-order mark makes Excel read UTF-8


def item_ids(records: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        seen.update(dict.fromkeys(i["id"] for i in record["items"]))
    return list(seen)


def write_grades(path: Path, records: list[dict]) -> None:
    ids = item_ids(records)
    rows = []
    for r in records:
        points = {i["id"]: i["points"] if i["status"] != MANUAL else "" for i in r["items"]}
        rows.append([r.get("student", r["submission"]), r.get("safe_id", ""), *(points.get(i, "") for i in ids),
                     *(r.get(t, "") for t in TOTALS)])
    write_atomic(path, _csv(["student", "safe_id", *ids, *TOTALS], rows))


FLAG = "flag:"  # review-queue rows to read (integrity flags, no automatic grade), never imported as scores
TITLES = {"framework": "graded with the student's own course file: the suggested score (not imported)"}


def handwritten_files(record: dict) -> list[str]:
    """A student's handwritten answer pages as the batch keeps them, relative to the output folder."""
    names = (record.get("answer_sheet") or {}).get("handwritten") or []
    return [f"students/{record.get('safe_id', '')}/{HANDWRITTEN_FOLDER}/{name}" for name in names]


def review_rows(records: list[dict]) -> list[dict]:
    """Items waiting for a tutor (with the handwritten pages of the answer sheet's section),
    items the grader met an error on, a row for a submission that got no automatic grade at
    all, then each integrity flag no tutor decided yet (a row to read, with no points), and
    every tutor's override whose answer changed since (to decide again). Nothing ends ungraded
    without a row saying why."""
    rows = []
    for r in records:
        who = {"student": r.get("student", r["submission"]), "safe_id": r.get("safe_id", "")}
        files = handwritten_files(r)
        section = (r.get("answer_sheet") or {}).get("section")
        rows += [{**who, "item": i["id"], "title": i["title"], "suggested": i["points"],
                  "max_points": i["max_points"], "message": i["message"], "score": "", "comment": "",
                  "files": files if i["section"] == section else [],
                  "file": " ".join(files) if i["section"] == section else "", "status": i["status"]}
                 for i in r["items"] if i["status"] in (MANUAL, ERROR)]
        rows += [{**who, "item": i["id"], "title": i["title"], "suggested": i["points"], "max_points": i["max_points"],
                  "message": _stale(i["stale_override"]) + i["message"], "score": "", "comment": "", "files": [],
                  "file": "", "status": "stale override"} for i in r["items"] if i.get("stale_override")]
        if why := ungraded(r):
            rows.append(_reading_row(who, "ungraded", "no automatic grade (no points)", why))
        # a framework flag suggests the score graded with the student's own course file
        rows += [{**_reading_row(who, f["kind"], TITLES.get(f["kind"], "integrity flag (no points)"),
                                 (f"{f['notebook']}: " if f.get("notebook") else "") + f["message"]),
                  **({} if f.get("suggested") is None else {"suggested": f["suggested"],
                                                            "max_points": r.get("max_score", "")})}
                 for f in r.get("flags", []) if not f.get("decision")]  # a decided flag needs nobody
    return rows


def _stale(override: dict) -> str:
    return (f"the answer changed since {override.get('tutor') or 'a tutor'} set {override['score']:g} points "
            f"({override.get('comment') or 'no reason given'}); decide again. The grader: ")


def ungraded(record: dict) -> str:
    """Why no item of the submission was decided automatically, or "" when some were."""
    items = record["items"]
    if any(i["status"] in (PASS, FAIL) for i in items):
        return ""
    reasons = dict.fromkeys(i["message"].splitlines()[0] for i in items if i["status"] in (ERROR, NOT_FOUND)
                            and i["message"])
    return "no item was graded automatically: " + ("; ".join(list(reasons)[:5]) or "every item waits for a tutor")


def _reading_row(who: dict, kind: str, title: str, message: str) -> dict:
    return {**who, "item": FLAG + kind, "title": title, "suggested": "", "max_points": "", "message": message,
            "score": "", "comment": "", "files": [], "file": "", "status": ""}


def write_review_queue(path: Path, records: list[dict]) -> None:
    write_atomic(path, _csv(QUEUE, ([row[k] for k in QUEUE] for row in review_rows(records))))


def load_problems(path: Path) -> list[str]:
    try:
        return list(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []
