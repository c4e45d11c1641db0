"""Tutors' decisions on flags (tamper, label leak, sandbox, intake, framework, ...): "cleared",
or "confirmed" with a points change on one item or on the total, and a comment the student
reads or that stays internal.

A flag is known by its kind and where it was raised (`flag_id`); a decision holds for the
evidence it was taken on (`flag_basis`): a re-graded submission raising the same flag keeps
it, a flag whose evidence changed waits for a tutor again.

A change on the total is taken from (or given to) the items in the exercise's order, each kept
between 0 and its maximum, so that every report, which sums items, shows the same total.
"""
from __future__ import annotations

import hashlib
import json

from edf_autograder.checking.verdicts import FAIL, MANUAL, PASS
from edf_autograder.workbench.decide import ReviewError
from edf_autograder.workbench.store import Decisions, FlagDecision, now

CLEARED, CONFIRMED = "cleared", "confirmed"
TOTAL = ""  # the target of a change on the total


def flag_id(flag: dict) -> str:
    where = json.dumps([flag.get("kind"), flag.get("notebook"), flag.get("cell"), flag.get("message")], default=str)
    return f"{flag.get('kind', 'flag')}-{hashlib.sha256(where.encode()).hexdigest()[:8]}"


def flag_basis(flag: dict) -> str:
    """A digest of everything the flag carries (its evidence included)."""
    shown = {k: v for k, v in flag.items() if k != "decision"}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()[:16]


def decide_flag(store: Decisions, safe_id: str, flag: dict, *, verdict: str, tutor: str, points: float | str = 0,
                target: str = TOTAL, comment: str = "", internal: bool = False, items: dict[str, float]) -> FlagDecision:
    """Store a decision on one of a student's flags; `items` maps the student's item ids to
    their maximum points (a change may name one of them). Every earlier decision stays in history."""
    if verdict not in (CLEARED, CONFIRMED):
        raise ReviewError(f"a flag is either {CLEARED!r} or {CONFIRMED!r}, not {verdict!r}")
    change = _change(points, target, items) if verdict == CONFIRMED else 0.0
    target = target if verdict == CONFIRMED else TOTAL
    fid, basis, stamp = flag_id(flag), flag_basis(flag), now()
    with store.write() as db:
        rev = db.execute("INSERT INTO history (safe_id, item, points, comment, rubric_id, tutor, decided_at, source, "
                         "verdict, target, internal) VALUES (?, ?, ?, ?, NULL, ?, ?, 'workbench', ?, ?, ?)",
                         (safe_id, "flag:" + fid, change, comment.strip(), tutor, stamp, verdict, target,
                          int(internal))).lastrowid
        row = (safe_id, fid, verdict, change, target, comment.strip(), int(internal), tutor, stamp, basis, rev)
        db.execute("INSERT OR REPLACE INTO flag_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        db.execute("INSERT OR REPLACE INTO dirty VALUES (?, ?)", (safe_id, rev))
    return FlagDecision(*row)


def _change(points: float | str, target: str, items: dict[str, float]) -> float:
    try:
        value = float(points or 0)
    except (TypeError, ValueError):
        raise ReviewError(f"a points change must be a number (e.g. -2), not {points!r}") from None
    top = items.get(target) if target else sum(items.values())
    if top is None:
        raise ReviewError(f"no item {target!r} to change; name one of the student's items, or none for the total")
    if abs(value) > top:
        raise ReviewError(f"a change of {value:g} points is more than {'item ' + target if target else 'the total'} "
                          f"holds ({top:g})")
    return value


def holding(flag: dict, decided: dict[str, FlagDecision]) -> FlagDecision | None:
    """The decision that holds for `flag`: one taken on the same evidence (a changed flag waits again)."""
    d = decided.get(flag_id(flag))
    return d if d is not None and d.basis == flag_basis(flag) else None


def apply(record: dict, decided: dict[str, FlagDecision]) -> dict:
    """`record` (items already reviewed) with its flags' decisions: each flag carries `decision`
    when one holds for it, and a confirmed change is laid over the items."""
    flags, items = [], [dict(i) for i in record["items"]]
    for flag in record.get("flags") or []:
        d = holding(flag, decided)
        if d is None:
            flags.append(flag)
            continue
        flags.append(flag | {"decision": {"verdict": d.verdict, "points": d.points, "target": d.target,
                                          "comment": "" if d.internal else d.comment, "tutor": d.tutor,
                                          "decided_at": d.decided_at}})
        if d.verdict == CONFIRMED and d.points:
            _spread(items, d, str(flag.get("kind", "flag")), _named(flag, items))
    return record | {"flags": flags, "items": items}


def _named(flag: dict, items: list[dict]) -> list[str]:
    """The items a flag is about: those whose id its message starts with ("<item id>: ...")."""
    head = str(flag.get("message", "")).split(":", 1)[0].strip()
    return [i["id"] for i in items if i["id"] == head]


def _spread(items: list[dict], d: FlagDecision, kind: str, named: list[str]) -> None:
    """Lay a confirmed change over the items: its target; on the total, the flag's own items
    first (a deduction for a copied sweep lands on the sweep), then the rest in the sheet's order."""
    left = d.points
    for item in sorted(items, key=lambda i: i["id"] not in named):
        if left == 0 or (d.target and item["id"] != d.target) or item["status"] == MANUAL:
            continue
        new = min(max(item["points"] + left, 0.0), item["max_points"])
        if new == item["points"]:
            continue
        left -= new - item["points"]
        note = {"score": new, "tutor": d.tutor, "decided_at": d.decided_at, "source": f"flag:{kind}",
                "comment": f"{kind} flag confirmed: {new - item['points']:+g} points"
                           + ("" if d.internal or not d.comment else f". {d.comment}"),
                "previous": {"status": item["status"], "points": item["points"]}}
        if item.get("override"):  # a tutor's decision already stands: the change goes on top of it
            note = item["override"] | {"score": new, "comment": "; ".join(filter(None, [item["override"].get("comment"),
                                                                                         note["comment"]]))}
        item.update(points=new, status=PASS if new >= item["max_points"] else FAIL, override=note)
