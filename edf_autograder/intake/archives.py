"""Unpacking what students and learning-management systems hand in, safely: only plain
files with safe relative names, within one size and entry budget per submission; a zip
inside the submission (an LMS download's `Name_12345_.../submission.zip`) is unpacked too,
one level deep. An entry with an unsafe name (`../`, an absolute path, a drive) or a link is
skipped and reported, and the rest is graded; an archive over the limits is refused whole."""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from edf_autograder.errors import SubmissionError

MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 2000
MAX_NESTING = 1  # zips inside the submission's zip (or its folder's zips) are unpacked, not deeper


def files(submission: Path | list[Path], scratch: Path, *, level: int = 0,
          skipped: list[str] | None = None) -> list[Path]:
    """The submission's files, after unpacking archives safely: the submission's own zip or
    the zips in its folder (an LMS download's `Name_12345_.../submission.zip`), and the zips
    inside those; archives nested deeper are returned as files. One size budget for all.
    Unsafe entries are left out and described in `skipped` (given: else they are an error)."""
    paths = [Path(p) for p in submission] if isinstance(submission, list) else [Path(submission)]
    found_files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise SubmissionError(f"{path}: no such file or folder")
        if path.is_dir():
            inner, depth = tree(path), level
        elif path.suffix.lower() == ".zip" and level <= MAX_NESTING:
            scratch.mkdir(parents=True, exist_ok=True)
            dest = Path(tempfile.mkdtemp(prefix="unzipped-", dir=scratch))
            inner, depth = tree(unzip(path, dest, budget=_unpacked(scratch), skipped=skipped)), level + 1
        else:
            found_files.append(path)
            continue
        for found in inner:
            if found.suffix.lower() == ".zip" and depth <= MAX_NESTING:
                found_files += files(found, scratch, level=depth, skipped=skipped)
            else:
                found_files.append(found)
    return found_files


def tree(folder: Path) -> list[Path]:
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


def _unsafe(name: str, member: zipfile.ZipInfo) -> str:
    """Why an entry may not be unpacked, or "" when it may."""
    if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
        return f"unsafe path {name!r}"
    if ((member.external_attr >> 16) & 0o170000) == 0o120000:
        return f"symbolic link {name!r}"
    return ""


def unzip(archive: Path, dest: Path, *, budget: tuple[int, int] = (0, 0),
          max_bytes: int | None = None, max_members: int | None = None, skipped: list[str] | None = None) -> Path:
    """Extract only plain files with safe relative names, within size limits (a submission's
    unless given) that count what `budget` says is already unpacked for it (bytes, entries).
    An unsafe entry is appended to `skipped` as "archive: why" when it is given; else it
    refuses the archive."""
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
            if unsafe := _unsafe(name, m):
                if skipped is None:
                    raise SubmissionError(f"{archive.name}: {unsafe} in the archive")
                skipped.append(f"{archive.name}: {unsafe}")
                continue
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
