"""What a report says about a submission's own copy of a course file (issues 19, 24): the
student's one line to act on, a note when the change does no harm, and, when a second run
with the student's files made failing cells run, the tutor's suggestion: item by item the
better of the two runs, each item saying which run it came from, with a `framework` flag
that shows the diff. The automatic score is always the first run's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from edf_autograder.checking.verdicts import MANUAL
from edf_autograder.evidence.integrity import Flag
from edf_autograder.intake.course_files import Change, OwnCopy
from edf_autograder.own_files import copies

FAILED = ("error", "timeout", "dead kernel")
COURSE, STUDENT = "course's files", "student's files"   # the run an item of the suggestion comes from


@dataclass
class Told:
    advice: list[str] = field(default_factory=list)   # one line each, at the top of a report
    notes: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)   # OwnCopy.to_dict() of each copy that differs
    own_run: dict = field(default_factory=dict)       # the run with the student's files, for a tutor


def _scores(items) -> dict:
    automatic = [i for i in items if i.status != MANUAL]
    return {"score": round(sum(i.points for i in automatic), 3),
            "suggested_score": round(sum(i.points for i in items), 3),
            "max_score": sum(i.max_points for i in items)}


def best_items(run, own_run) -> list[tuple]:
    """Item by item, (the better of the two runs' results, the run it came from): an item that
    passed with the course's file is not lost to the student's, nor the reverse. On a tie the
    course's (the automatic grade's)."""
    theirs = {i.id: i for i in own_run.items}
    out = []
    for mine in run.items:
        other = theirs.get(mine.id)
        out.append((other, STUDENT) if other is not None and other.points > mine.points else (mine, COURSE))
    return out


def _suggestion(run, own_run) -> dict:
    best = best_items(run, own_run)
    return {**_scores([i for i, _ in best]), "student_run_score": _scores(own_run.items)["score"],
            "items": [{"id": i.id, "status": str(i.status), "points": i.points, "max_points": i.max_points,
                       "message": i.message, "run": source} for i, source in best]}


def from_students(own_run: dict) -> list[str]:
    """The suggestion's items that come from the run with the student's files."""
    return [i["id"] for i in own_run.get("items", []) if i.get("run") == STUDENT]


def _fixed(run, own_run, files: dict) -> dict[str, list[int]]:
    """Per notebook file, the cells that failed with the course's files and ran with the student's."""
    out = {}
    for kind, ev in run.evidence.items():
        theirs = {r.index: r.status for r in own_run.evidence[kind].runs} if kind in own_run.evidence else {}
        cells = [r.index + 1 for r in ev.runs if r.status in FAILED and theirs.get(r.index) == "ok"]
        if cells:
            out[files.get(kind, kind)] = cells
    return out


def _cells(fixed: dict[str, list[int]], shown: int = 4) -> str:
    return "; ".join(f"{name}: cells {', '.join(map(str, cells[:shown]))}"
                     + (f" and {len(cells) - shown} more" if len(cells) > shown else "") for name, cells in fixed.items())


def _flag(changed: list[OwnCopy], fixed: dict, own_run: dict, first: dict) -> Flag:
    """For a tutor: the diff, the cells it decides, both scores and where each item comes from."""
    diff = "; ".join(c.summary("the student's") for c in changed)
    theirs = from_students(own_run)
    return Flag("framework", (
        f"{diff}. With the course's file {sum(map(len, fixed.values()))} cells fail that run with the "
        f"student's ({_cells(fixed)}). Item by item the better of the two runs: {own_run['score']:g}/"
        f"{own_run['max_score']:g} automatic points (suggested total {own_run['suggested_score']:g}; "
        f"from the student's files: {', '.join(theirs) or 'none'}; the rest from the course's), against "
        f"{first['score']:g} with the course's and {own_run['student_run_score']:g} with the student's alone: "
        "the suggestion for a tutor; the automatic score stays the course file's."),
        suggested=own_run["score"])


def _cause(copy: OwnCopy, run, hits: dict) -> tuple[Change, str]:
    """The change that the failing cells use, and how a cell calls it."""
    for change in copy.changes:
        top = change.name.split(".")[0]
        for kind, cells in hits.items():
            for index in cells:
                call = copies.call_in(run.evidence[kind].nb.cells[index].source, top)
                if call:
                    return change, call
    return copy.changes[0], ""


def _advice(copy: OwnCopy, change: Change, call: str, own_run: dict, policy: str) -> str:
    name, top = copy.name, change.name.split(".")[0]
    used = f"your notebooks call `{call}`" if call else f"cells of your notebooks use `{top}`"
    if change.what == "signature":
        what, fix = f"the course's `{name}` has `{change.course}` (yours: `{change.student}`)", f"call `{change.course}`"
    elif change.what == "added":
        what, fix = f"the course's `{name}` has no `{top}` (yours adds it)", f"define `{top}` in your notebook"
    else:
        what, fix = f"your `{name}` changes `{change.name}`", "undo the change"
    line = f"{used}; {what}: restore the course's file and {fix}"
    if own_run:
        line += (f", or leave it to your tutor (graded with your {name} too, each item the better of the two: "
                 f"{own_run['score']:g}/{own_run['max_score']:g} automatic points, a suggestion; your score is "
                 "the one with the course's file)")
    elif policy == "course":
        line += f" (the grader uses only the course's {name})"
    return line


def tell(own, run, own_run, used: dict, exercise) -> Told:
    """`own`: copies.OwnFiles; `run`/`own_run`: the pipeline's runs (the second may be None);
    `used`: the failing cells that use what the student changed, by notebook kind."""
    told = Told(files=[c.to_dict() for c in own.copies])
    if not own.changed or own.policy == "trust":
        return told
    hits = used or copies.suspects(own.names(), run.evidence)
    if not hits:
        told.notes += [f"{c.summary()}; the grader runs the course's, and your notebooks run with it"
                       for c in own.changed]
        return told
    fixed = _fixed(run, own_run, exercise.files) if own_run is not None else {}
    if own_run is not None and fixed:
        told.own_run = {"files": [c.name for c in own.changed], **_suggestion(run, own_run), "fixed_cells": fixed,
                        "root_causes": [c.to_dict() for c in own_run.causes]}
        told.flags.append(_flag(own.changed, fixed, told.own_run, _scores(run.items)))
    elif own_run is not None:  # the change is not why they fail: nothing to blame it for
        told.notes.append("the notebooks were graded with your own " + ", ".join(c.name for c in own.changed)
                          + " too: the cells that fail with the course's fail with yours as well")
        return told
    for copy in own.changed:  # a line for each copy whose changes the failing cells use
        mine = copies.suspects(copy.changed_names(), run.evidence)
        if mine:
            change, call = _cause(copy, run, mine)
            told.advice.append(_advice(copy, change, call, told.own_run, own.policy))
    return told
