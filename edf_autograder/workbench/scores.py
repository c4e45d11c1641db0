"""The tutors' scores as every report sees them: a student's record (result.json, the grader's
automatic result) with the decisions of the store laid over it.

`reviewed(record, decisions)` is the one function the reports go through (grades.csv, the
feedback pages, Gradescope's results.json, junit.xml, the LMS exports): a decided item gets
the tutor's points and status "pass" (full points) or "fail", with `override` = {score,
comment, tutor, decided_at, previous} beside it, and the totals are recomputed. A decision
applies only to the answer it was taken for (`basis`): a re-submitted answer waits again,
and a tutor's override of an automatic item (an appeal) whose answer changed is dropped and
marked `stale_override`, which puts it in the review queue. Flags' decisions are laid over
the items last (`flags.apply`).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from edf_autograder.batch.store import Store
from edf_autograder.checking.verdicts import ERROR, FAIL, MANUAL, PASS, result_from_record
from edf_autograder.workbench import flags
from edf_autograder.workbench.store import Decision, Decisions, FlagDecision

TOTALS = ("score", "max_score", "manual_pending", "suggested_score")


def answer_of(item: dict) -> str | None:
    """The student's own text for an item, when its check recorded it."""
    answer = (item.get("data") or {}).get("answer")
    return answer if isinstance(answer, str) else None


def basis(record: dict, item: dict) -> str:
    """A fingerprint of what the tutor judged: the answer's text where the check recorded it,
    else the submission itself (its content key) and the item's message."""
    answer = answer_of(item)
    digest = (record.get("evidence") or {}).get(item["id"])  # the cells it was graded on (fingerprint.py)
    seen = f"text|{answer}" if answer is not None else f"cells|{digest}" if digest \
        else f"key|{record.get('key', '')}|{item.get('message', '')}"
    return hashlib.sha256(f"{item['id']}|{seen}".encode()).hexdigest()[:16]


def automatic(record: dict) -> dict:
    """The record without any override an older grader wrote into result.json."""
    items = [{k: v for k, v in (i | i["override"].get("previous", {})).items() if k != "override"}
             if i.get("override") else i for i in record["items"]]
    return record | {"items": items}


def goes_back(item: dict) -> bool:
    """Whether an override that no longer holds goes back to a tutor: a person's item waits in the queue anyway."""
    return item["status"] not in (MANUAL, ERROR)


def stale_note(decision: Decision) -> dict:
    """What a tutor sees of an override that no longer holds (the answer changed since)."""
    return {"score": decision.points, "comment": decision.comment, "tutor": decision.tutor,
            "decided_at": decision.decided_at}


def reviewed(record: dict, decisions: dict[str, Decision], flagged: dict[str, FlagDecision] | None = None) -> dict:
    """`record` with its student's `decisions` (item id -> Decision) and decisions on flags
    (`flagged`, flag id -> FlagDecision) applied; see the module doc.
    An override an older grader's `review import` wrote into result.json stays until a decision
    in the store replaces it."""
    plain = automatic(record)
    items = []
    for item, kept in zip(plain["items"], record["items"]):
        decision = decisions.get(item["id"])
        if decision is None:
            item = kept
        elif decision.basis != basis(plain, item):
            item = kept | ({"stale_override": stale_note(decision)} if goes_back(item) else {})
        else:
            item = item | {"points": decision.points, "status": PASS if decision.points >= item["max_points"] else FAIL,
                           "override": {"score": decision.points, "comment": decision.comment, "tutor": decision.tutor,
                                        "decided_at": decision.decided_at, "source": decision.source,
                                        "previous": {"status": item["status"], "points": item["points"]}}}
        items.append(item)
    record = flags.apply(record | {"items": items}, flagged or {})
    totals = result_from_record(record).to_dict()
    return record | {k: totals[k] for k in TOTALS}


def reviewed_records(out: Path) -> list[dict]:
    """Every graded student of `out` with the tutors' decisions applied."""
    store = Decisions(out, create=False)
    decisions, flagged = store.all(), store.flags()
    return [reviewed(r, decisions.get(r.get("safe_id", ""), {}), flagged.get(r.get("safe_id", ""), {}))
            for r in Store(out).all()]


def reviewed_record(out: Path, record: dict) -> dict:
    """One student's record with the tutors' decisions applied."""
    store, safe_id = Decisions(out, create=False), record.get("safe_id", "")
    return reviewed(record, store.all(safe_id).get(safe_id, {}), store.flags(safe_id).get(safe_id, {}))
