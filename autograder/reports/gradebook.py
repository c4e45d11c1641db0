"""The gradebook: `grades.csv` and `review_queue.csv` for spreadsheets and learning-management
systems, and `apply_overrides`, which reads the tutors' scores back in.

Every text cell goes through `neutralise`: a spreadsheet runs a cell that starts with
= + - @ (or a tab or carriage return before one) as a formula, and a student id or an answer
is student-controlled text. Such cells get a leading single quote; genuine numbers stay.

After review an item has the tutor's points and status "pass" (full points) or "fail", with
`override: {"score", "comment", "previous"}` beside it; totals are then recomputed with the
usual rule (autograder.checking.verdicts.Result): `score` sums every item that is not still waiting for
review, so reviewed items count, `manual_pending` is what still waits.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

from autograder.reports.text import write_atomic
from autograder.checking.verdicts import FAIL, MANUAL, PASS
from autograder.intake.stage import HANDWRITTEN_FOLDER

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


FLAG = "flag:"  # review-queue rows of integrity flags: read by a person, never imported as scores


def handwritten_files(record: dict) -> list[str]:
    """A student's handwritten 2.1 pages as the batch keeps them, relative to the output folder."""
    names = (record.get("pen_and_paper") or {}).get("handwritten") or []
    return [f"students/{record.get('safe_id', '')}/{HANDWRITTEN_FOLDER}/{name}" for name in names]


def review_rows(records: list[dict]) -> list[dict]:
    """Items waiting for a tutor (with the handwritten pages of 2.1), then each integrity
    flag (a row to read, with no points)."""
    rows = []
    for r in records:
        who = {"student": r.get("student", r["submission"]), "safe_id": r.get("safe_id", "")}
        files = handwritten_files(r)
        rows += [{**who, "item": i["id"], "title": i["title"], "suggested": i["points"],
                  "max_points": i["max_points"], "message": i["message"], "score": "", "comment": "",
                  "files": files if i["section"] == "2.1" else [],
                  "file": " ".join(files) if i["section"] == "2.1" else ""}
                 for i in r["items"] if i["status"] == MANUAL]
        rows += [{**who, "item": FLAG + f["kind"], "title": "integrity flag (no points)", "suggested": "",
                  "max_points": "", "message": (f"{f['notebook']}: " if f.get("notebook") else "") + f["message"],
                  "score": "", "comment": "", "files": [], "file": ""}
                 for f in r.get("flags", [])]
    return rows


def write_review_queue(path: Path, records: list[dict]) -> None:
    write_atomic(path, _csv(QUEUE, ([row[k] for k in QUEUE] for row in review_rows(records))))


def _score(text: str) -> float | None:
    text = text.strip().lstrip("'")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma from a European spreadsheet
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _apply(item: dict, score: float, comment: str) -> None:
    previous = item.get("override", {}).get("previous") or {"status": item["status"], "points": item["points"]}
    item["override"] = {"score": score, "comment": comment, "previous": previous}
    item["points"] = score
    item["status"] = PASS if score >= item["max_points"] else FAIL


def _find(row: dict, by_safe: dict, by_student: dict) -> dict | None:
    safe, student = (row.get("safe_id") or "").strip(), row.get("student") or ""
    if safe:
        return by_safe.get(safe)
    return by_student.get(student) or (by_student.get(student[1:]) if student.startswith("'") else None)


def apply_overrides(out: Path, overrides_csv: Path) -> list[str]:
    """Set the tutors' scores from `overrides_csv` (columns student or safe_id, item, score,
    optional comment; a filled-in review_queue.csv works) and rewrite every output that shows
    them. Nothing is executed again. Returns what was applied and what was skipped, and why."""
    from autograder.reports import html as outputs  # outputs writes the gradebook: import here, not in a cycle
    from autograder.batch.store import Store

    store = Store(out)
    records = store.all()
    by_safe = {r.get("safe_id"): r for r in records}
    by_student = {r.get("student", r["submission"]): r for r in records}
    messages, changed, blank, flags = [], {}, 0, 0
    with open(overrides_csv, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        if "item" not in fields or "score" not in fields or not {"student", "safe_id"} & set(fields):
            return [f"{overrides_csv}: expected columns student (or safe_id), item, score and optionally comment; "
                    f"found {', '.join(fields) or 'none'}"]
        for n, raw in enumerate(reader, start=2):
            row = {k: (raw.get(f) or "") for k, f in fields.items()}
            if row["item"].strip().startswith(FLAG):
                flags += 1
                continue
            if not row["score"].strip():
                blank += 1
                continue
            record = _find(row, by_safe, by_student)
            who = row.get("safe_id") or row.get("student")
            item = next((i for i in record["items"] if i["id"] == row["item"].strip()), None) if record else None
            score = _score(row["score"])
            if record is None:
                messages.append(f"row {n}: unknown student {who!r}; skipped")
            elif item is None:
                messages.append(f"row {n}: {who!r} has no item {row['item']!r}; skipped")
            elif score is None or not 0 <= score <= item["max_points"]:
                messages.append(f"row {n}: score {row['score']!r} for {who!r} {item['id']} is not a number "
                                f"between 0 and {item['max_points']:g}; skipped")
            else:
                _apply(item, score, row.get("comment", "").strip())
                changed[record["safe_id"]] = record
                messages.append(f"row {n}: {who!r} {item['id']} = {score:g}/{item['max_points']:g}")
    if blank:
        messages.append(f"{blank} rows without a score were left as they are")
    if flags:
        messages.append(f"{flags} integrity-flag rows are for reading only: no points were changed by them")
    for safe_id, record in changed.items():
        result = outputs.result_from_record(record)
        record.update({k: v for k, v in result.to_dict().items() if k in TOTALS})
        outputs.write_student(store.folder(safe_id), result, record)
    if changed:
        outputs.write_course(out, store.all(), load_problems(Path(out) / PROBLEMS), similarity=False)
    return messages


def load_problems(path: Path) -> list[str]:
    try:
        return list(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []
