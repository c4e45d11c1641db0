"""What a report says about a submission's own copy of a course file (issue 19): the
student's one line to act on, a note when the change does no harm, and, when a second run
with the student's file made failing cells run, that run's result as a tutor's suggestion
with a `framework` flag that shows the diff. The automatic score is always the first run's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from edf_autograder.checking.verdicts import MANUAL
from edf_autograder.evidence.integrity import Flag
from edf_autograder.intake import own_files
from edf_autograder.intake.course_files import Change, OwnCopy

FAILED = ("error", "timeout", "dead kernel")


@dataclass
class Told:
    advice: list[str] = field(default_factory=list)   # one line each, at the top of a report
    notes: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)   # OwnCopy.to_dict() of each copy that differs
    own_run: dict = field(default_factory=dict)       # the run with the student's files, for a tutor


def _scores(run) -> dict:
    automatic = [i for i in run.items if i.status != MANUAL]
    return {"score": round(sum(i.points for i in automatic), 3),
            "suggested_score": round(sum(i.points for i in run.items), 3),
            "max_score": sum(i.max_points for i in run.items)}


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
    """For a tutor: the diff, the cells it decides, and both scores."""
    diff = "; ".join(c.summary("the student's") for c in changed)
    return Flag("framework", (
        f"{diff}. With the course's file {sum(map(len, fixed.values()))} cells fail that run with the "
        f"student's ({_cells(fixed)}). Graded with the student's file: {own_run['score']:g}/{own_run['max_score']:g} "
        f"automatic points (suggested total {own_run['suggested_score']:g}), against {first['score']:g} with the "
        "course's: the suggestion for a tutor; the automatic score stays the course file's."),
        suggested=own_run["score"])


def _cause(copy: OwnCopy, run, hits: dict) -> tuple[Change, str]:
    """The change that the failing cells use, and how a cell calls it."""
    for change in copy.changes:
        top = change.name.split(".")[0]
        for kind, cells in hits.items():
            for index in cells:
                call = own_files.call_in(run.evidence[kind].nb.cells[index].source, top)
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
        line += (f", or leave it to your tutor (graded with your {name}: {own_run['score']:g}/{own_run['max_score']:g} "
                 "automatic points, a suggestion; your score is the one with the course's file)")
    elif policy == "course":
        line += f" (the grader uses only the course's {name})"
    return line


def tell(own, run, own_run, used: dict, exercise) -> Told:
    """`own`: own_files.OwnFiles; `run`/`own_run`: the pipeline's runs (the second may be None);
    `used`: the failing cells that use what the student changed, by notebook kind."""
    told = Told(files=[c.to_dict() for c in own.copies])
    if not own.changed or own.policy == "trust":
        return told
    hits = used or own_files.suspects(own.names(), run.evidence)
    if not hits:
        told.notes += [f"{c.summary()}; the grader runs the course's, and your notebooks run with it"
                       for c in own.changed]
        return told
    fixed = _fixed(run, own_run, exercise.files) if own_run is not None else {}
    if own_run is not None and fixed:
        told.own_run = {"files": [c.name for c in own.changed], **_scores(own_run), "fixed_cells": fixed,
                        "root_causes": [c.to_dict() for c in own_run.causes],
                        "items": [{"id": i.id, "status": str(i.status), "points": i.points, "max_points": i.max_points,
                                   "message": i.message} for i in own_run.items]}
        told.flags.append(_flag(own.changed, fixed, told.own_run, _scores(run)))
    elif own_run is not None:  # the change is not why they fail: nothing to blame it for
        told.notes.append("the notebooks were graded with your own " + ", ".join(c.name for c in own.changed)
                          + " too: the cells that fail with the course's fail with yours as well")
        return told
    for copy in own.changed:  # a line for each copy whose changes the failing cells use
        mine = own_files.suspects(copy.changed_names(), run.evidence)
        if mine:
            change, call = _cause(copy, run, mine)
            told.advice.append(_advice(copy, change, call, told.own_run, own.policy))
    return told
