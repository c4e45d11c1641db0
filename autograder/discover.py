"""Find the submissions in a course folder: one sub-folder or one .zip per student, or
the flat export of a learning-management system (files prefixed with a student id).
Entries that are neither are listed, not skipped in silence."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.stage import ANSWERS, HANDWRITTEN_NAMES, NOTEBOOKS

KNOWN_FILES = tuple(NOTEBOOKS.values()) + (ANSWERS,) + HANDWRITTEN_NAMES
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Submission:
    student: str          # as found (may hold anything: escape it wherever it is shown)
    paths: list[Path]     # a folder, a zip, or the student's files of a flat export
    safe_id: str = ""     # unique, safe for a file system path and a spreadsheet cell


def _safe(name: str) -> str:
    return (UNSAFE.sub("_", name).lstrip("._-=+@") or "student")[:80]


def discover(root: Path) -> tuple[list[Submission], list[str]]:
    subs: dict[str, Submission] = {}
    problems: list[str] = []
    for entry in sorted(Path(root).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            problems.append(f"{entry.name}: a symbolic link; not followed")
        elif entry.is_dir():
            subs[entry.name] = Submission(entry.name, [entry])
        elif entry.suffix.lower() == ".zip":
            subs[entry.stem] = Submission(entry.stem, [entry])
        else:
            suffix = next((k for k in KNOWN_FILES if entry.name.endswith(k) and entry.name != k), None)
            if suffix is None:
                problems.append(f"{entry.name}: not a folder, a .zip, or a file named <student>_"
                                f"{{{', '.join(KNOWN_FILES)}}}; ignored")
                continue
            student = entry.name[: -len(suffix)].rstrip("_- ")
            subs.setdefault(student, Submission(student, [])).paths.append(entry)
    out = list(subs.values())
    taken: set[str] = set()
    for sub in out:
        base = sub.safe_id = _safe(sub.student)
        n = 1
        while sub.safe_id in taken:
            n += 1
            sub.safe_id = f"{base}-{n}"
        if n > 1:
            problems.append(f"{sub.student!r}: its safe name {base!r} was taken; its results are under {sub.safe_id!r}")
        taken.add(sub.safe_id)
    return out, problems
