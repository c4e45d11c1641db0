"""A submission's own copies of the files the course hands out: which differ from the course's
(`intake.course_files`), the work folder each policy runs them in, and which failing cells
use what a copy changes. The steps that use these are in `own_files/__init__.py`.
"""
from __future__ import annotations

import re
import shutil
from copy import deepcopy
from dataclasses import dataclass, field, replace
from pathlib import Path

from edf_autograder.intake.course_files import OwnCopy, compare

MAX_BYTES = 1024 * 1024  # a hand-out file is a few kB; anything larger is not compared


@dataclass
class OwnFiles:
    policy: str
    copies: list[OwnCopy] = field(default_factory=list)   # the copies that differ from every good copy
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[OwnCopy]:
        """Copies that change code (not only comments and formatting) and parse."""
        return [c for c in self.copies if not c.cosmetic and not c.unreadable]

    def names(self) -> set[str]:
        return {name for c in self.changed for name in c.changed_names()}


def review(staged, exercise) -> OwnFiles:
    """Compare each of the submission's own hand-out files with the course's."""
    own = OwnFiles(exercise.own_files)
    for name, path in sorted(staged.own_copies.items()):
        if path.stat().st_size > MAX_BYTES:
            own.notes.append(f"your {name} is larger than {MAX_BYTES // 1024} kB; it was not compared nor used "
                             "(the grader uses the course's)")
            continue
        copy = compare(name, exercise.handout_files[name], path, tuple(exercise.known_forms.get(name, ())))
        own.copies.append(copy)
        if copy.unreadable:
            own.notes.append(f"{copy.summary()}; the grader uses the course's")
    return own


def _put(copies: list[OwnCopy], workdir: Path) -> None:
    for copy in copies:
        shutil.copyfile(copy.path, workdir / copy.name)


def prepare(own: OwnFiles, staged, folder: Path):
    """Lay out what the policy asks for before the first run: "trust" puts the student's
    files in the work folder; "suggest" makes a second work folder with them (returned,
    run only if the first run needs it); else None."""
    if not own.changed or own.policy == "course":
        return None
    if own.policy == "trust":
        _put(own.changed, staged.workdir)
        own.notes.append("graded with your own " + ", ".join(c.name for c in own.changed)
                         + " (this exercise trusts students' copies)")
        return None
    shutil.copytree(staged.workdir, folder, symlinks=True)
    _put(own.changed, folder)
    # a run fills its notebooks' outputs in place: the second gets its own, the first keeps its evidence
    return replace(staged, workdir=folder, notebooks={k: deepcopy(nb) for k, nb in staged.notebooks.items()})


def _word(names: set[str]) -> re.Pattern | None:
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b") if names else None


def suspects(names: set[str], evidence: dict) -> dict[str, list[int]]:
    """Per notebook kind, the failing cells that use one of `names` (what a student's copy changed)."""
    pattern = _word(names)
    found: dict[str, list[int]] = {}
    if pattern is None:
        return found
    for kind, ev in evidence.items():
        hits = [r.index for r in ev.runs if r.status == "error"
                and (pattern.search(ev.nb.cells[r.index].source) or pattern.search(r.error))]
        if hits:
            found[kind] = hits
    return found


def call_in(source: str, name: str) -> str:
    """How a cell calls `name` ("edf.Input(train_images)"), or ""."""
    hit = re.search(r"(?:\b[A-Za-z_]\w*\.)?\b" + re.escape(name) + r"\((?:[^()\n]|\([^()\n]*\))*\)", source)
    return hit.group(0) if hit else ""
