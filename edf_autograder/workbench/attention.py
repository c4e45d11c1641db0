"""Everything else a person must see in a batch: integrity flags of any kind with their
evidence (and the decision a tutor took on each), items the grader could not grade (status "error"), submissions with no automatic
grade at all, and handwritten answer pages."""
from __future__ import annotations

from dataclasses import dataclass, field

from edf_autograder.checking.verdicts import ERROR, FAIL, PASS
from edf_autograder.reports.gradebook import handwritten_files, ungraded
from edf_autograder.workbench import flags, scores

SHOWN_FLAG_KEYS = ("kind", "message", "notebook", "cell")  # every other key a flag has is shown as evidence


@dataclass
class Student:
    safe_id: str
    student: str
    flags: list[dict] = field(default_factory=list)   # {kind, message, where, evidence: [(key, value)], id, decision}
    errors: list[dict] = field(default_factory=list)  # the items in error
    ungraded: bool = False                            # not one item passed or failed automatically
    notes: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)    # handwritten pages, relative to the output folder
    targets: list[tuple[str, float]] = field(default_factory=list)  # (item, max points): what a flag's change may name
    stale: list[dict] = field(default_factory=list)   # items whose override was dropped: the answer changed


def describe_flag(flag: dict) -> dict:
    where = flag.get("notebook") or ""
    if flag.get("cell") is not None:
        where += f", cell {flag['cell'] + 1}"
    evidence = [(k, v) for k, v in flag.items() if k not in SHOWN_FLAG_KEYS and v not in (None, "", [], {})]
    return {"kind": str(flag.get("kind", "flag")), "message": str(flag.get("message", "")), "where": where,
            "evidence": evidence}


def flag_rows(record: dict, flagged: dict) -> list[dict]:
    """The student's flags as tutors see them, each with its id and the decision that holds for it
    (internal comments included)."""
    rows = []
    for flag in record.get("flags") or []:
        rows.append(describe_flag(flag) | {"id": flags.flag_id(flag), "decision": flags.holding(flag, flagged)})
    return rows


def stale(record: dict, decided: dict) -> list[dict]:
    """The student's items whose tutor's override no longer holds: the answer changed since."""
    if not decided:
        return []
    plain = scores.automatic(record)
    return [i | {"stale_override": scores.stale_note(d)} for i in plain["items"]
            if (d := decided.get(i["id"])) and scores.goes_back(i) and d.basis != scores.basis(plain, i)]


def students(records: list[dict], flagged: dict | None = None, decided: dict | None = None) -> list[Student]:
    """The students with anything to look at, flagged and ungraded first; `flagged` and `decided`
    are the tutors' decisions on flags and items (store.flags(), store.all())."""
    found = []
    for r in records:
        s = Student(r.get("safe_id", ""), r.get("student", r.get("submission", "")),
                    flags=flag_rows(r, (flagged or {}).get(r.get("safe_id", ""), {})),
                    errors=[i for i in r["items"] if i["status"] == ERROR],
                    ungraded=not any(i["status"] in (PASS, FAIL) for i in r["items"]),
                    pages=handwritten_files(r), targets=[(i["id"], i["max_points"]) for i in r["items"]])
        s.stale = stale(r, (decided or {}).get(s.safe_id, {}))
        if s.ungraded:
            # why (the gradebook's reason), then what the run noted beyond the machine's set-up
            s.notes = [ungraded(r)] + [n for n in r.get("notes", []) if not n.startswith(("Isolation:", "Environment:"))]
        if s.flags or s.errors or s.ungraded or s.pages or s.stale:
            found.append(s)
    return sorted(found, key=lambda s: (not s.ungraded, not s.flags, s.student))
