"""Stage a submission: find the exercise's notebooks and answer sheet in it, and lay them
out in a fresh working folder beside the grader's own files and the data.

A submission is a folder, a .zip, or notebook/answer files given directly. Its own copies
of the files the course hands out (the framework, a loader) are kept aside when they differ
from the course's; the exercise's policy says whether a run uses them (`edf_autograder/own_files`).
"""
from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from edf_autograder.errors import SubmissionError
from edf_autograder.evidence.integrity import Flag
from edf_autograder.intake import notebooks
from edf_autograder.intake.archives import files as submission_files

MAX_HANDWRITTEN_BYTES, MAX_HANDWRITTEN_FILES = 30 * 1024 * 1024, 10
HANDWRITTEN_FOLDER = "handwritten"  # where the batch keeps them, beside feedback.html
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


@dataclass
class Staged:
    workdir: Path
    notebooks: dict[str, nbformat.NotebookNode] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # kind -> why it is missing/unusable
    answers: Path | None = None
    handwritten: list[Path] = field(default_factory=list)  # kept copies, safe names
    notes: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)  # for a person: unsafe entries, a close call between copies
    own_copies: dict[str, Path] = field(default_factory=dict)  # hand-out file name -> the submission's changed copy


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A version-4 notebook, or SubmissionError saying what is wrong with the file."""
    size = path.stat().st_size
    if size == 0:
        raise SubmissionError(f"{path.name}: the file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"{path.name}: {size // 2**20} MB, larger than the {MAX_NOTEBOOK_BYTES // 2**20} MB limit "
                              "(clear the outputs and save again)")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises JSON, validation and version errors alike
        raise SubmissionError(f"{path.name}: not a readable Jupyter notebook ({str(exc).splitlines()[0][:200]})") from None
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    if kernel and not str(kernel).startswith("python"):
        raise SubmissionError(f"{path.name}: written for the kernel {kernel!r}; the grader runs Python 3")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _keep_handwritten(path: Path, staged: Staged, folder: Path) -> None:
    """A copy of a handwritten hand-in under a safe, unique name, for the tutor."""
    if len(staged.handwritten) >= MAX_HANDWRITTEN_FILES:
        staged.notes.append(f"{path.name}: more than {MAX_HANDWRITTEN_FILES} handwritten files; not kept")
        return
    if path.stat().st_size > MAX_HANDWRITTEN_BYTES:
        staged.notes.append(f"{path.name}: larger than {MAX_HANDWRITTEN_BYTES // 2**20} MB; not kept (scan it "
                            "at a lower resolution)")
        return
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", path.name)
    while (folder / name).exists():
        name = f"{Path(name).stem}-{len(staged.handwritten) + 1}{Path(name).suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, folder / name)
    staged.handwritten.append(folder / name)


def _skipped(unsafe: list[str], staged: Staged) -> None:
    """Unsafe archive entries: left out, named for the student, flagged for a person."""
    for entry in unsafe:
        staged.notes.append(f"{entry} was not unpacked (the rest of the archive was graded)")
    if unsafe:
        staged.flags.append(Flag("intake", f"{len(unsafe)} archive entries skipped as unsafe: "
                                           + "; ".join(unsafe[:5]) + (" ..." if len(unsafe) > 5 else "")))


def stage(submission, workdir: Path, exercise, dataset, *, quick: bool = False) -> Staged:
    """The work folder of one submission: its notebooks (by content, else by name), its
    answer sheet and handwritten pages, the exercise's staged files and the data."""
    workdir.mkdir(parents=True, exist_ok=True)
    staged = Staged(workdir)
    names = exercise.files
    sheet = exercise.answers
    found: list[Path] = []
    unsafe: list[str] = []
    for path in submission_files(submission, workdir.parent / (workdir.name + "-unpacked"), skipped=unsafe):
        if path.suffix == ".ipynb":
            found.append(path)
        elif sheet and (path.name == sheet.filename or (path.suffix == ".toml" and staged.answers is None)):
            if staged.answers is None or staged.answers.name != sheet.filename:
                staged.answers = path
        elif sheet and sheet.handwritten_pattern.search(path.name):
            _keep_handwritten(path, staged, workdir.parent / (workdir.name + "-handwritten"))
        elif path.suffix.lower() == ".zip":
            staged.notes.append(f"{path.name}: a zip inside a zip inside the submission; not unpacked "
                                "(put the notebooks in one zip)")
        elif path.name in exercise.handout_files:
            known = {_digest(exercise.handout_files[path.name]), *exercise.known_copies.get(path.name, ())}
            if _digest(path) not in known:  # what differs, and whether it is used: own_files/
                staged.own_copies.setdefault(path.name, path)
    _skipped(unsafe, staged)
    notebooks.place(found, staged, exercise, read_notebook)
    for kind, name in names.items():
        if kind not in staged.notebooks and kind not in staged.problems:
            staged.problems[kind] = f"no {name} in the submission"
    for name, source in exercise.staged.items():
        shutil.copy(source, workdir / name)
    dataset.stage(workdir, quick=quick)
    return staged
