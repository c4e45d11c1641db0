"""Tutors' scores from a CSV into the decisions store (`edf_autograder.workbench.store`, the
same store the tutors' workbench writes): a filled-in review_queue.csv (or any CSV with the
columns student or safe_id, item, score and optionally comment, tutor) sets the items' points,
and every output that shows them is written again. Nothing is executed.

After review an item has the tutor's points and status "pass" (full points) or "fail", with
`override` beside it in the reports (`workbench.scores.reviewed`); result.json keeps the
grader's own result. A decision holds for the answer it was taken for: `--regrade` keeps it
when the answer is unchanged; importing the same CSV again changes nothing.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

from edf_autograder.batch.store import Store
from edf_autograder.reports.gradebook import FLAG
from edf_autograder.workbench.decide import decide
from edf_autograder.workbench.publish import publish
from edf_autograder.workbench.scores import automatic, basis
from edf_autograder.workbench.store import Decisions


def _score(text: str) -> float | None:
    text = text.strip().lstrip("'")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma from a European spreadsheet
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _find(row: dict, by_safe: dict, by_student: dict) -> dict | None:
    safe, student = (row.get("safe_id") or "").strip(), row.get("student") or ""
    if safe:
        return by_safe.get(safe)
    return by_student.get(student) or (by_student.get(student[1:]) if student.startswith("'") else None)


def apply_overrides(out: Path, overrides_csv: Path, *, tutor: str | None = None) -> list[str]:
    """Store the tutors' scores from `overrides_csv` (columns student or safe_id, item, score,
    optional comment and tutor; a filled-in review_queue.csv works) as decisions and rewrite
    every output that shows them. Returns what was applied and what was skipped, and why."""
    store = Store(out)
    records = store.all()
    by_safe = {r.get("safe_id"): r for r in records}
    by_student = {r.get("student", r["submission"]): r for r in records}
    decisions = Decisions(out)
    messages, blank, flags = [], 0, 0
    source = f"csv:{Path(overrides_csv).name}"
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
            item = next((i for i in automatic(record)["items"] if i["id"] == row["item"].strip()), None) \
                if record else None
            score = _score(row["score"])
            if record is None:
                messages.append(f"row {n}: unknown student {who!r}; skipped")
            elif item is None:
                messages.append(f"row {n}: {who!r} has no item {row['item']!r}; skipped")
            elif score is None or not 0 <= score <= item["max_points"]:
                messages.append(f"row {n}: score {row['score']!r} for {who!r} {item['id']} is not a number "
                                f"between 0 and {item['max_points']:g}; skipped")
            else:
                decide(decisions, item["id"], {record["safe_id"]: basis(record, item)}, points=score,
                       comment=row.get("comment", ""), max_points=item["max_points"], source=source,
                       tutor=(row.get("tutor") or "").strip() or tutor or source)
                messages.append(f"row {n}: {who!r} {item['id']} = {score:g}/{item['max_points']:g}")
    if blank:
        messages.append(f"{blank} rows without a score were left as they are")
    if flags:
        messages.append(f"{flags} integrity-flag rows are for reading only: no points were changed by them")
    publish(out)
    return messages
