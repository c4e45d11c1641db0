"""Stage a submission: find its notebooks and answer file, and lay them out in a fresh
working folder beside the grader's own `edf.py`, `mnist_loader.py` and data.

A submission is a folder, a .zip, or notebook/answer files given directly. Its own copy
of `edf.py` or of the data is never used; the report says when it differs from ours.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.errors import SubmissionError

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference"
RUNTIME_EDF = Path(__file__).resolve().parents[1] / "runtime" / "edf.py"
NOTEBOOKS = {"pcl": "pcl_binary_classification.ipynb", "image": "image_classification.ipynb"}
ANSWERS = "pen_and_paper.toml"
# 2.1 on paper: pen_and_paper.pdf, or photos (pen_and_paper.jpg, pen_and_paper_2.png, ...)
HANDWRITTEN = re.compile(r"pen[ _-]?(and|&)[ _-]?paper[^/]*\.(pdf|png|jpe?g)$", re.IGNORECASE)
HANDWRITTEN_NAMES = tuple(f"pen_and_paper.{ext}" for ext in ("pdf", "png", "jpg", "jpeg"))
MAX_HANDWRITTEN_BYTES, MAX_HANDWRITTEN_FILES = 30 * 1024 * 1024, 10
HANDWRITTEN_FOLDER = "handwritten"  # where the batch keeps them, beside feedback.html
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 2000
MAX_NESTING = 1  # zips inside the submission's zip (or its folder's zips) are unpacked, not deeper


@dataclass
class Staged:
    workdir: Path
    notebooks: dict[str, nbformat.NotebookNode] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # kind -> why it is missing/unusable
    answers: Path | None = None
    handwritten: list[Path] = field(default_factory=list)  # kept copies, safe names
    notes: list[str] = field(default_factory=list)


def _files(submission: Path | list[Path], scratch: Path, *, level: int = 0) -> list[Path]:
    """The submission's files, after unpacking archives safely: the submission's own zip or
    the zips in its folder (an LMS download's `Name_12345_.../submission.zip`), and the zips
    inside those; archives nested deeper are returned as files. One size budget for all."""
    paths = [Path(p) for p in submission] if isinstance(submission, list) else [Path(submission)]
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise SubmissionError(f"{path}: no such file or folder")
        if path.is_dir():
            inner, depth = _tree(path), level
        elif path.suffix.lower() == ".zip" and level <= MAX_NESTING:
            scratch.mkdir(parents=True, exist_ok=True)
            dest = Path(tempfile.mkdtemp(prefix="unzipped-", dir=scratch))
            inner, depth = _tree(_unzip(path, dest, budget=_unpacked(scratch))), level + 1
        else:
            files.append(path)
            continue
        for found in inner:
            if found.suffix.lower() == ".zip" and depth <= MAX_NESTING:
                files += _files(found, scratch, level=depth)
            else:
                files.append(found)
    return files


def _tree(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()
            and not any(part.startswith(".") or part == "__MACOSX" for part in p.relative_to(folder).parts)]


def _unpacked(scratch: Path) -> tuple[int, int]:
    """Bytes and entries already unpacked for this submission."""
    sizes = [p.stat().st_size for p in scratch.rglob("*") if p.is_file()] if scratch.exists() else []
    return sum(sizes), len(sizes)


def _member_name(member: zipfile.ZipInfo) -> str:
    """The entry's name; zips written without the UTF-8 flag often hold UTF-8 names all the same."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        return member.filename


def _unzip(archive: Path, dest: Path, *, budget: tuple[int, int] = (0, 0),
           max_bytes: int | None = None, max_members: int | None = None) -> Path:
    """Extract only plain files with safe relative names, within size limits (a submission's
    unless given) that count what `budget` says is already unpacked for it (bytes, entries)."""
    max_bytes = MAX_ARCHIVE_BYTES if max_bytes is None else max_bytes
    max_members = MAX_ARCHIVE_MEMBERS if max_members is None else max_members
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{archive.name}: not a readable zip archive ({exc})") from None
    with zf:
        members = zf.infolist()
        if len(members) + budget[1] > max_members:
            raise SubmissionError(f"{archive.name}: {len(members) + budget[1]} entries, more than {max_members}")
        if sum(m.file_size for m in members) + budget[0] > max_bytes:
            raise SubmissionError(f"{archive.name}: unpacks to more than {max_bytes // 2**20} MB")
        for m in members:
            name = _member_name(m)
            mode = m.external_attr >> 16
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
                raise SubmissionError(f"{archive.name}: unsafe path {name!r} in the archive")
            if (mode & 0o170000) == 0o120000:
                raise SubmissionError(f"{archive.name}: symbolic link {name!r} in the archive")
            if m.is_dir():
                continue
            target = dest / name
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(m) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
                    if out.tell() > max_bytes:
                        raise SubmissionError(f"{archive.name}: {name!r} is larger than it claims")
            except (OSError, zipfile.BadZipFile) as exc:  # a file and a folder of one name; a corrupt entry
                raise SubmissionError(f"{archive.name}: cannot unpack {name!r} ({exc})") from None
    return dest


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
        raise SubmissionError(f"{path.name}: written for the kernel {kernel!r}; this exercise needs Python 3")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _kind(path: Path, nb) -> str | None:
    if kind := next((k for k, v in NOTEBOOKS.items() if path.name == v or path.name.endswith("_" + v)), None):
        return kind  # an LMS's flat download prefixes the student's name
    text = "\n".join(c.source for c in nb.cells)
    if "2d_pcl_dataset" in text or "SingleProbToProbVector" in text:
        return "pcl"
    if "mnist_loader" in text or "train_and_test" in text:
        return "image"
    return None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _keep_handwritten(path: Path, staged: Staged, folder: Path) -> None:
    """A copy of a handwritten 2.1 hand-in under a safe, unique name, for the tutor."""
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


def stage(submission, workdir: Path, dataset, *, quick: bool = False) -> Staged:
    workdir.mkdir(parents=True, exist_ok=True)
    staged = Staged(workdir)
    files = _files(submission, workdir.parent / (workdir.name + "-unpacked"))
    for path in files:
        if path.suffix == ".ipynb" and not path.name.endswith("-checkpoint.ipynb"):
            try:
                nb = read_notebook(path)
            except SubmissionError as exc:
                kind = next((k for k, v in NOTEBOOKS.items() if v == path.name), None)
                staged.problems[kind or path.name] = str(exc)
                continue
            kind = _kind(path, nb)
            if kind is None:
                staged.notes.append(f"{path.name}: not recognised as either notebook of the exercise; ignored")
            elif kind in staged.notebooks:
                staged.notes.append(f"{path.name}: a second {NOTEBOOKS[kind]}; the first one found is graded")
            else:
                if not path.name.endswith(NOTEBOOKS[kind]):
                    staged.notes.append(f"found {path.name}; graded it as {NOTEBOOKS[kind]} (rename it to be sure)")
                staged.notebooks[kind] = nb
                nbformat.write(nb, workdir / NOTEBOOKS[kind])
        elif path.name == ANSWERS or (path.suffix == ".toml" and staged.answers is None):
            if staged.answers is None or staged.answers.name != ANSWERS:
                staged.answers = path
        elif HANDWRITTEN.search(path.name):
            _keep_handwritten(path, staged, workdir.parent / (workdir.name + "-handwritten"))
        elif path.suffix.lower() == ".zip":
            staged.notes.append(f"{path.name}: a zip inside a zip inside the submission; not unpacked "
                                "(put the notebooks in one zip)")
        elif path.name in ("edf.py", "mnist_loader.py"):
            if _digest(path) != _digest(REFERENCE / path.name):
                staged.notes.append(f"your {path.name} differs from the course's; it was not used (the grader uses its own)")
    for kind, name in NOTEBOOKS.items():
        if kind not in staged.notebooks and kind not in staged.problems:
            staged.problems[kind] = f"no {name} in the submission"
    edf = RUNTIME_EDF if RUNTIME_EDF.exists() else REFERENCE / "edf.py"
    shutil.copy(edf, workdir / "edf.py")
    shutil.copy(REFERENCE / "mnist_loader.py", workdir / "mnist_loader.py")
    dataset.stage(workdir, quick=quick)
    return staged
