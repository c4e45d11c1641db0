"""The notebooks of a submission, each placed as the exercise's notebook it is (intake.identify),
and when several files are one notebook, the one with the student's work in it.

A student's folder often holds the untouched hand-out beside the solved copy, a checkpoint,
or an earlier upload (`lab-1.ipynb`). The graded one is the copy with the
most code of its own: code lines that neither the hand-out gives nor every candidate shares.
A checkpoint's work counts half: it is graded only when no other copy holds much work. The
notes say which file was graded and why; when two different copies both hold work, a flag
asks a person to check the choice. A file never takes another notebook's place; a notebook
holding parts of two is graded as each that has no notebook of its own.
"""
from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from edf_autograder.errors import SubmissionError
from edf_autograder.evidence.integrity import Flag
from edf_autograder.intake.identify import Template, by_name, code_lines, identify, templates

CHECKPOINT = 0.5  # a checkpoint's work counts half: the file beside it is normally the newer save
# a runner-up with this share of the graded copy's own code (and at least RIVAL_LINES) holds work
# too: which one the student meant is a close call for a person (an untouched hand-out has a few)
RIVAL_SHARE, RIVAL_LINES = 0.25, 5


@dataclass
class Candidate:
    path: Path
    nb: object
    digest: str
    checkpoint: bool
    work: int = 0   # code lines of its own (see the module's docstring)


def is_checkpoint(path: Path) -> bool:
    return path.name.endswith("-checkpoint.ipynb") or ".ipynb_checkpoints" in path.parts


def place(paths: list[Path], staged, exercise, read) -> None:
    """Identify every notebook in `paths` and stage one per notebook of the exercise, with
    notes, problems and flags on `staged`; `read(path)` reads a notebook or raises SubmissionError."""
    found = templates(exercise)
    candidates: dict[str, list[Candidate]] = {t.kind: [] for t in found}
    spare: dict[str, list[Candidate]] = {t.kind: [] for t in found}  # a notebook holding parts of several
    broken: dict[str, str] = {}
    for path in paths:
        try:
            nb = read(path)
        except SubmissionError as exc:
            kind = by_name(path.name, found)
            broken[kind or path.name] = str(exc) if kind not in broken else broken[kind] + f"; {exc}"
            continue
        who = identify(path.name, nb, found)
        if who.kind is None:
            staged.notes.append(f"{path.name}: not recognised as a notebook of the exercise; ignored")
            continue
        if who.unclear:
            staged.flags.append(Flag("intake", f"{who.unclear}; check how it was graded (the notes say)"))
        named = by_name(path.name, found)
        if named and named != who.kind and who.how == "content":
            staged.notes.append(f"{path.name} holds the notebook {exercise.files[who.kind]} (by its content, "
                                f"not {exercise.files[named]})")
        candidates[who.kind].append(Candidate(path, nb, _digest(nb), is_checkpoint(path)))
        for other in who.also:
            spare[other].append(Candidate(path, nb, _digest(nb), is_checkpoint(path)))
    for template in found:
        kind = template.kind
        if not candidates[kind] and spare[kind]:  # no notebook of its own: the one holding parts of it
            candidates[kind] = [replace(c, nb=copy.deepcopy(c.nb)) for c in spare[kind]]  # two kernels, two copies
            staged.notes.append(f"no notebook is only {template.filename}; {spare[kind][0].path.name} holds "
                                "parts of it and was graded as it too")
        if candidates[kind]:
            chosen = _choose(candidates[kind], template, staged)
            if len(candidates[kind]) == 1 and chosen.path.name != template.filename:  # else _choose said so
                staged.notes.append(f"found {chosen.path.name}; graded it as {template.filename}")
            _stage(chosen, template, staged)
            if kind in broken:
                staged.notes.append(f"not graded: {broken.pop(kind)}")
    for kind, why in broken.items():
        staged.problems[kind] = why


def _digest(nb) -> str:
    return hashlib.sha256("\n".join(code_lines(nb)).encode()).hexdigest()


def _choose(found: list[Candidate], template: Template, staged) -> Candidate:
    """The copy with the student's work; notes say which and why, a close call is flagged."""
    if len(found) == 1:
        return found[0]
    common = set.intersection(*(set(code_lines(c.nb)) for c in found))
    for c in found:
        c.work = len(set(code_lines(c.nb)) - template.given - common)
    exact = [c.path.name == template.filename for c in found]
    order = sorted(range(len(found)), key=lambda i: (found[i].work * (CHECKPOINT if found[i].checkpoint else 1),
                                                    not found[i].checkpoint, exact[i], -i), reverse=True)
    best, others = found[order[0]], [found[i] for i in order[1:]]
    what = template.filename
    staged.notes.append(f"{len(found)} files are {what}: graded {best.path.name} ({_describe(best)}); "
                        + "; ".join(f"not graded: {c.path.name} ({_describe(c, best)})" for c in others))
    rival = next((c for c in others if c.digest != best.digest and not c.checkpoint), None)
    if rival and rival.work >= max(RIVAL_LINES, RIVAL_SHARE * best.work):
        staged.flags.append(Flag("intake", f"two different copies of {what} hold work: {best.path.name} ({best.work} "
                                           f"lines of code beyond what every copy has) was graded, {rival.path.name} "
                                           f"({rival.work} lines) was not; check which one the student meant"))
    return best


def _describe(c: Candidate, best: Candidate | None = None) -> str:
    if best is not None and c.digest == best.digest:
        return "the same code as the graded one"
    what = "a checkpoint, " if c.checkpoint else ""
    if c.work == 0:
        return what + "no code beyond what every copy has" + ("" if c.checkpoint else ": the hand-out as given")
    return f"{what}{c.work} lines of code beyond what every copy has"


def _stage(chosen: Candidate, template: Template, staged) -> None:
    staged.notebooks[template.kind] = chosen.nb
    nbformat.write(chosen.nb, staged.workdir / template.filename)
