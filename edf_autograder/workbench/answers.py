"""What tutors grade: per item, every student's answer that waits for a person (status
"manual", or "error": a grader bug a person settles), read from the batch's records as the
grader left them (result.json: the decisions are laid over them elsewhere)."""
from __future__ import annotations

from dataclasses import dataclass

from edf_autograder.checking.verdicts import ERROR, MANUAL
from edf_autograder.reports.gradebook import handwritten_files
from edf_autograder.workbench import scores
from edf_autograder.workbench.grouping import Answer

FOR_A_PERSON = (MANUAL, ERROR)


@dataclass
class Item:
    id: str
    title: str
    section: str
    max_points: float
    answers: list[Answer]


def _tag(item: dict) -> str:
    """What must agree besides the text: a gradient scored apart from its remark (a verdict's data says which)."""
    data = item.get("data") or {}
    return str(data.get("c_iii", "")) if "c_iii" in data else ""


def answer(record: dict, item: dict) -> Answer:
    """One student's answer to `item` (both as the grader left them: `scores.automatic`)."""
    section = (record.get("answer_sheet") or {}).get("section")
    text = scores.answer_of(item) if item["status"] == MANUAL else None
    return Answer(safe_id=record.get("safe_id", ""), student=record.get("student", record.get("submission", "")),
                  text=text, suggested=item["points"], max_points=item["max_points"], status=item["status"],
                  message=item["message"], ideas=list((item.get("data") or {}).get("ideas") or []),
                  basis=scores.basis(record, item), tag=_tag(item),
                  files=handwritten_files(record) if item["section"] == section else [])


def items(records: list[dict]) -> dict[str, Item]:
    """Every item with at least one answer for a person, in the exercise's order."""
    found: dict[str, Item] = {}
    for record in map(scores.automatic, records):
        for item in record["items"]:
            if item["status"] in FOR_A_PERSON:
                entry = found.setdefault(item["id"], Item(item["id"], item["title"], item["section"],
                                                          item["max_points"], []))
                entry.answers.append(answer(record, item))
    return found
