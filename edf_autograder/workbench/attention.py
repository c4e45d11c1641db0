"""Everything else a person must see in a batch: integrity flags of any kind with their
evidence, items the grader could not grade (status "error"), submissions with no automatic
grade at all, and handwritten answer pages."""
from __future__ import annotations

from dataclasses import dataclass, field

from edf_autograder.checking.verdicts import ERROR, FAIL, PASS
from edf_autograder.reports.gradebook import handwritten_files, ungraded

SHOWN_FLAG_KEYS = ("kind", "message", "notebook", "cell")  # every other key a flag has is shown as evidence


@dataclass
class Student:
    safe_id: str
    student: str
    flags: list[dict] = field(default_factory=list)   # {kind, message, where, evidence: [(key, value)]}
    errors: list[dict] = field(default_factory=list)  # the items in error
    ungraded: bool = False                            # not one item passed or failed automatically
    notes: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)    # handwritten pages, relative to the output folder


def _flag(flag: dict) -> dict:
    where = flag.get("notebook") or ""
    if flag.get("cell") is not None:
        where += f", cell {flag['cell'] + 1}"
    evidence = [(k, v) for k, v in flag.items() if k not in SHOWN_FLAG_KEYS and v not in (None, "", [], {})]
    return {"kind": str(flag.get("kind", "flag")), "message": str(flag.get("message", "")), "where": where,
            "evidence": evidence}


def students(records: list[dict]) -> list[Student]:
    """The students with anything to look at, flagged and ungraded first."""
    found = []
    for r in records:
        s = Student(r.get("safe_id", ""), r.get("student", r.get("submission", "")),
                    flags=[_flag(f) for f in r.get("flags") or []],
                    errors=[i for i in r["items"] if i["status"] == ERROR],
                    ungraded=not any(i["status"] in (PASS, FAIL) for i in r["items"]),
                    pages=handwritten_files(r))
        if s.ungraded:
            # why (the gradebook's reason), then what the run noted beyond the machine's set-up
            s.notes = [ungraded(r)] + [n for n in r.get("notes", []) if not n.startswith(("Isolation:", "Environment:"))]
        if s.flags or s.errors or s.ungraded or s.pages:
            found.append(s)
    return sorted(found, key=lambda s: (not s.ungraded, not s.flags, s.student))
