"""Reports of a Result: a terminal summary, JSON, and Markdown for CI job summaries."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from edf_autograder.checking.verdicts import ERROR, FAIL, MANUAL, NOT_FOUND, PASS, READ, SKIPPED, Result
from edf_autograder.own_files.told import STUDENT

MARK = {PASS: "PASS", FAIL: "FAIL", ERROR: "ERR ", MANUAL: "REVW", NOT_FOUND: "MISS", SKIPPED: "SKIP", READ: "READ"}


def _points(x: float) -> str:
    return f"{x:g}"


def section_titles(record: dict) -> dict[str, str]:
    """The exercise's sections (id prefix -> title) as a result record keeps them, then any
    section an item names that the record does not."""
    titles = dict((record.get("exercise") or {}).get("sections") or {})
    for item in record.get("items", []):
        titles.setdefault(item["section"], item["section"])
    return titles


def headlines(record: dict) -> list[str]:
    """What a student reads first: a line to act on per changed course file, then each root
    cause once (the items it took down point here instead of repeating it)."""
    lines = [f"Course file: {line}" for line in record.get("advice") or []]
    for cause in record.get("root_causes") or []:
        followers = len(cause["followers"])
        what = cause.get("what") or f"raised {cause['error']}"
        lines.append(f"Root cause: {cause['notebook']}, cell {cause['cell']} {what}")
        if cause.get("line"):
            lines.append(f"    at: {cause['line']}")
        lines.append(f"    {followers} later cell{'s' if followers != 1 else ''} failed because of it; "
                     "the items below that it left without evidence say so")
    return lines


def suggestion(own_run: dict) -> str:
    """The run with the student's own course files, for a tutor: which items it decides."""
    theirs = [f"{i['id']} ({_points(i['points'])}/{_points(i['max_points'])})" for i in own_run.get("items", [])
              if i.get("run") == STUDENT]
    return (f"\nGraded with your own {', '.join(own_run['files'])} as well; item by item the better of the two runs: "
            f"{_points(own_run['score'])}/{_points(own_run['max_score'])} automatic points, a suggestion for a tutor. "
            f"From the run with your files: {', '.join(theirs) or 'none'}; every other item from the course's.")


def decision_change(verdict: str, points: float, target: str) -> str:
    """How a tutor's decision on a flag changes the points ("-1 points on the total"), or ""."""
    return f"{points:+g} points on {target or 'the total'}" if verdict == "confirmed" and points else ""


def flag_decision(flag: dict) -> str:
    """A tutor's decision on a flag, as the student may read it ("" when undecided)."""
    d = flag.get("decision")
    if not d:
        return ""
    change = decision_change(d["verdict"], d["points"], d["target"])
    return f" -- tutor: {d['verdict']}" + (f", {change}" if change else "") + (f": {d['comment']}" if d.get("comment") else "")


def text(result: Result, *, verbose: bool = True) -> str:
    lines = [f"Data: {result.dataset}", *headlines(result.to_dict())]
    lines += [f"Note: {n}" for n in result.notes]
    for section, title in section_titles(result.to_dict()).items():
        items = [i for i in result.items if i.section == section]
        earned = sum(i.points for i in items if i.status not in (MANUAL, READ))
        # a read-back answer (the students' kit) has no points yet: "-", never a zero
        read = sum(i.max_points for i in items if i.status == READ)
        lines.append(f"\n{title}  ({_points(earned)}/{_points(sum(i.max_points for i in items) - read)}"
                     + (f"; {_points(read)} points read back, decided in the official grading)" if read else ")"))
        for i in items:
            mark, got, top = MARK.get(i.status, i.status), _points(i.points), _points(i.max_points)
            got = "-" if i.status == READ else got
            lines.append(f"  [{mark}] {i.id:<19} {got:>4}/{top:<4} {i.title}")
            if verbose and i.message and i.status != PASS:
                lines += ["        " + row for row in i.message.splitlines()[:8]]
                if i.where:
                    lines.append(f"        (evidence: {i.where})")
    if result.own_run:
        lines.append(suggestion(result.own_run))
    if result.flags:
        lines.append("\nFlags for a person (no points change unless a tutor confirms one with a change):")
        lines += [f"  [{f['kind']}] {f['notebook'] + ': ' if f.get('notebook') else ''}{f['message']}{flag_decision(f)}"
                  for f in result.flags]
    read = sum(i.max_points for i in result.items if i.status == READ)  # the self-check's read-back answers
    lines.append(f"\nTotal: {_points(result.score)}/{_points(result.max_score)} automatic points; "
                 f"{_points(result.manual_pending)} points wait for manual review "
                 + (f"and {_points(read)} points are decided in the official grading " if read else "")
                 + f"(suggested total {_points(result.suggested_score)}); {result.duration:.0f} s")
    return "\n".join(lines)


def markdown(result: Result) -> str:
    rows = ["| item | status | points | message |", "|---|---|---|---|"]
    for i in result.items:
        msg = i.message.replace("|", "\\|").replace("\n", " ")[:200]
        got = "-" if i.status == READ else _points(i.points)
        rows.append(f"| {i.id} | {i.status} | {got}/{_points(i.max_points)} | {msg} |")
    title = result.exercise.get("title", "Autograder")
    head = (f"### {title}: {_points(result.score)}/{_points(result.max_score)}\n\n"
            f"{_points(result.manual_pending)} points wait for manual review. Data: {result.dataset}\n")
    top = headlines(result.to_dict())
    if top:  # a quote block, a hard line break ("  ") after each line
        head += "\n" + "  \n".join(f"> {line.strip()}" for line in top) + "\n"
    return head + "\n" + "\n".join(rows) + "\n"


def write_json(result: Result, path: Path) -> None:
    write_atomic(path, json.dumps(result.to_dict(), indent=2))


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; tutors sharing the output folder must read it
    os.replace(tmp, path)
