"""Find the submissions in a course folder: one sub-folder or one .zip per student, the flat
export of a learning-management system (files prefixed with a student id), or an LMS's
"download all" archive as it comes (`unpack`). Where the names follow Moodle's, ILIAS's or
Canvas's download naming (edf_autograder.intake.lms_names), the submission keeps who it belongs to, so
grades can go back into that LMS. Entries that are none of these are listed, not skipped in
silence."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from edf_autograder.errors import SubmissionError
from edf_autograder.exercise import load
from edf_autograder.intake import lms_names as names
from edf_autograder.intake.archives import unzip
from edf_autograder.intake.identify import original_name

UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
STUDENT_FILES = (".ipynb", ".zip", ".toml")
MAX_WRAPPERS = 5  # ILIAS nests the students' folders in <exercise>/<assignment>/Submissions/
MAX_DOWNLOAD_BYTES = 16 * 2**30
MAX_DOWNLOAD_MEMBERS = 200_000


@dataclass
class Submission:
    student: str          # as found (may hold anything: escape it wherever it is shown)
    paths: list[Path]     # a folder, a zip, or the student's files of a flat export
    safe_id: str = ""     # unique, safe for a file system path and a spreadsheet cell
    identity: names.Identity | None = None  # who the LMS download names, when it does


def _safe(name: str) -> str:
    return (UNSAFE.sub("_", name).lstrip("._-=+@") or "student")[:80]


def unpack(archive: Path, dest: Path) -> Path:
    """An LMS's "download all" zip, unpacked afresh under `dest` with the same rules as a
    student's zip (no ../, absolute paths or links) and course-sized limits."""
    dest = Path(dest) / _safe(Path(archive).stem)
    if dest.is_symlink():
        raise SubmissionError(f"{dest}: a symbolic link; remove it and run again")
    shutil.rmtree(dest, ignore_errors=True)
    return unzip(Path(archive), dest, max_bytes=MAX_DOWNLOAD_BYTES, max_members=MAX_DOWNLOAD_MEMBERS)


def _visible(folder: Path) -> list[Path]:
    return [e for e in sorted(folder.iterdir()) if not e.name.startswith(".") and e.name != "__MACOSX"]


def _is_lms(entry: Path) -> bool:
    return bool(names.folder(entry.name) if entry.is_dir() else names.flat_file(entry.name))


def _submissions_folder(root: Path, problems: list[str]) -> Path:
    """Where the students' entries are: `root`, or the folder that wrappers around them lead to
    (one sub-folder each, no student files), provided the students there have LMS names."""
    here, skipped = root, list[str]()
    for _ in range(MAX_WRAPPERS):
        entries = _visible(here)
        if here != root and any(_is_lms(e) for e in entries):
            problems += [f"{p}: beside the students' folders; ignored" for p in skipped]
            return here
        folders = [e for e in entries if e.is_dir() and not e.is_symlink()]
        if len(folders) != 1 or any(e.suffix.lower() in STUDENT_FILES for e in entries if e.is_file()):
            break
        skipped += [str(e.relative_to(root)) for e in entries if e not in folders]
        here = folders[0]
    return root


def known_files(exercise) -> tuple[str, ...]:
    """The file names a flat export prefixes with a student's name."""
    sheet = exercise.answers
    return tuple(exercise.files.values()) + ((sheet.filename, *sheet.handwritten_names) if sheet else ())


def discover(root: Path, exercise=None) -> tuple[list[Submission], list[str]]:
    """The submissions under `root` (what the exercise recognises as a student's files), and
    what is there but is none."""
    known = known_files(load(exercise))
    subs: dict[object, Submission] = {}
    problems: list[str] = []
    root = _submissions_folder(Path(root), problems)

    def add(key, student: str, path: Path, identity: names.Identity | None = None) -> None:
        sub = subs.setdefault(key, Submission(student, [], identity=identity))
        sub.paths.append(path)
        if identity and sub.identity:
            sub.identity = sub.identity.merge(identity)

    for entry in _visible(root):
        if entry.is_symlink():
            problems.append(f"{entry.name}: a symbolic link; not followed")
        elif entry.is_dir():
            who = names.folder(entry.name)
            add(who.key if who else entry.name, who.label if who else entry.name, entry, who)
        elif flat := names.flat_file(entry.name):
            add(flat[0].key, flat[0].label, entry, flat[0])
        elif entry.suffix.lower() == ".zip":
            add(entry.stem, entry.stem, entry)
        else:
            name = original_name(entry.name)  # carol_lab (1).ipynb: a second download
            suffix = next((k for k in known if name.endswith(k) and name != k), None)
            if suffix is None:
                problems.append(f"{entry.name}: not a folder, a .zip, or a file named <student>_"
                                f"{{{', '.join(known)}}}; ignored")
                continue
            student = name[: -len(suffix)].rstrip("_- ")
            add(student, student, entry)
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
