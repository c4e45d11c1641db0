"""Tutors' scores back into a graded output folder: a filled-in review_queue.csv (or any
CSV with the columns student or safe_id, item, score and optionally comment) sets the
items' points, and every output that shows them is written again. Nothing is executed.

After review an item has the tutor's points and status "pass" (full points) or "fail",
with `override: {"score", "comment", "previous"}` beside it; totals are recomputed with the
usual rule (`checking.verdicts.Result`). `--regrade` or a new grader version discards
overrides; importing the same CSV again restores them.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

from edf_autograder.batch.store import Store
from edf_autograder.checking.verdicts import FAIL, PASS, result_from_record
from edf_autograder.exercise import load
from edf_autograder.reports import html
from edf_autograder.reports.gradebook import FLAG, PROBLEMS, TOTALS, load_problems


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
        result = result_from_record(record)
        record.update({k: v for k, v in result.to_dict().items() if k in TOTALS})
        html.write_student(store.folder(safe_id), record, _exercise(record))
    if changed:
        records = store.all()
        html.write_course(out, records, load_problems(Path(out) / PROBLEMS), _exercise(records[0]), similarity=False)
    return messages




def _exercise(record: dict):
    """The exercise a record was graded for (its figures and tables are drawn again)."""
    return load((record.get("exercise") or {}).get("name"))
