"""The grader as files: which files make up its packages, wherever they lie (a checkout, an
editable or a regular install), and the grader as a wheel to ship to another machine.

One list serves the Dask workers' digest (two machines grade alike when these files are
equal), the sandbox (the kernel sees none of them) and the wheels the grader writes (the
Gradescope bundle ships one): each must see exactly what a wheel built from the repository
installs, which tests/test_wheel.py compares with a wheel built from a clean clone.
"""
from __future__ import annotations

import base64
import csv
import functools
import hashlib
import importlib
import io
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from edf_autograder.errors import HarnessError

DISTRIBUTION = "edf-autograder"
PACKAGES = ("edf_autograder", "edf_ex2")  # pyproject's top-level packages, the only names a wheel installs
INSTALLER_FILES = ("INSTALLER", "REQUESTED", "direct_url.json", "RECORD")  # written by pip, not in a wheel
NOT_SOURCE = (".git", ".venv*", ".tox", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", "out",
              ".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # equal files give equal wheels


class DistributionError(HarnessError):
    """The grader's own files cannot be found or packed."""


def package_files(package: str) -> dict[str, Path]:
    """Archive name ("edf_ex2/reference/edf.py") -> file, for every file a wheel installs for
    the top-level `package`, read where it lies now. A package whose data lies beside its
    folder in the repository names it in FOLDERS and finds it with folder(name) (edf_ex2:
    reference/ and data/); installed, that data lies inside the package folder."""
    files: dict[str, Path] = {}
    for prefix, root in _roots(package).items():
        for path in sorted(root.rglob("*")):
            inner = path.relative_to(root)
            if path.is_file() and "__pycache__" not in inner.parts and path.suffix != ".pyc":
                files.setdefault(f"{prefix}/{inner.as_posix()}", path)
    return dict(sorted(files.items()))


def _roots(package: str) -> dict[str, Path]:
    """Archive prefix -> the folder its files lie in now."""
    module = importlib.import_module(package)
    roots = {package: Path(module.__file__).resolve().parent}
    for name in getattr(module, "FOLDERS", ()):
        roots[f"{package}/{name}"] = Path(module.folder(name)).resolve()
    return roots


@functools.cache
def grader_folders() -> list[Path]:
    """The folders the grader's files lie in (installed: its package folders; in a checkout
    also the data folders beside them), none inside another."""
    found = sorted({root for package in PACKAGES for root in _roots(package).values()})
    return [f for f in found if not any(f != other and f.is_relative_to(other) for other in found)]


def grader_files() -> dict[str, Path]:
    """`package_files` of every package of the grader."""
    return {name: path for package in PACKAGES for name, path in package_files(package).items()}


def installed() -> metadata.Distribution | None:
    """The installed distribution, when the grader runs from its files (not editable, not a
    checkout on sys.path)."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    entry = f"{PACKAGES[0]}/__init__.py"
    if entry not in (dist.read_text("RECORD") or "").replace(",", "\n").splitlines():
        return None  # editable (RECORD names a finder) or a source tree's .egg-info (no RECORD)
    ours = Path(importlib.import_module(PACKAGES[0]).__file__).resolve()
    return dist if Path(str(dist.locate_file(entry))).resolve() == ours else None


@functools.cache
def checkout() -> Path | None:
    """The repository the grader runs from (its pyproject.toml beside the engine's folder),
    or None when it runs from an install."""
    root = Path(__file__).resolve().parents[1]
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None
    return root if project == DISTRIBUTION and installed() is None else None


def grader_wheel(dest: Path) -> Path:
    """The running grader as a wheel in `dest`: the installed one packed again file for file,
    else one built from the checkout it runs from."""
    dist = installed()
    if dist is not None:
        return repack(dist, dest)
    source = checkout()
    if source is None:
        raise DistributionError(f"the grader runs from {Path(__file__).resolve().parents[1]}, which is neither an "
                                f"install of {DISTRIBUTION} nor its repository; install it with pip and try again")
    return build(source, dest)


def build(source: Path, dest: Path) -> Path:
    """A wheel of the repository `source`, built by pip from a copy of it (an old build/ folder
    in the repository would otherwise slip into the wheel, and two builds would share it)."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="edf-build-") as tmp:
        copy = Path(tmp) / "source"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=True)
        out = Path(tmp) / "dist"
        run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out),
                              str(copy)], capture_output=True, text=True)
        wheels = sorted(out.glob("*.whl"))
        if run.returncode or len(wheels) != 1:
            lines = (run.stderr or run.stdout).strip().splitlines()[-5:]
            raise DistributionError(f"pip could not build a wheel of {source}: " + " / ".join(lines))
        return Path(shutil.copy2(wheels[0], dest / wheels[0].name))


def repack(dist: metadata.Distribution, dest: Path) -> Path:
    """The wheel `dist` was installed from, again: every file its RECORD lists but the
    installer's own (scripts, compiled files, INSTALLER, direct_url.json, RECORD)."""
    members: dict[str, Path] = {}
    for entry in dist.files or ():
        parts = entry.parts
        if parts[0] == ".." or "__pycache__" in parts or entry.suffix == ".pyc" or (
                parts[0].endswith(".dist-info") and entry.name in INSTALLER_FILES):
            continue
        members[entry.as_posix()] = Path(str(dist.locate_file(entry)))
    info = next(name.split("/")[0] for name in members if name.split("/")[0].endswith(".dist-info"))
    tags = [line.split(":", 1)[1].strip() for line in members[f"{info}/WHEEL"].read_text().splitlines()
            if line.startswith("Tag:")]
    dest.mkdir(parents=True, exist_ok=True)
    return write_wheel(dest / f"{info.removesuffix('.dist-info')}-{tags[0]}.whl", members)


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write_wheel(path: Path, members: Mapping[str, Path | bytes]) -> Path:
    """A wheel at `path` of `members` (archive name -> file or bytes; they include the
    .dist-info's METADATA and WHEEL), with the RECORD that lists them (PEP 376, 427)."""
    infos = {name.split("/")[0] for name in members if name.split("/")[0].endswith(".dist-info")}
    if len(infos) != 1 or not {f"{next(iter(infos))}/METADATA", f"{next(iter(infos))}/WHEEL"} <= set(members):
        raise DistributionError(f"{path.name}: a wheel needs exactly one .dist-info with METADATA and WHEEL; "
                                f"found {sorted(infos) or 'none'}")
    record = f"{infos.pop()}/RECORD"
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    ordered = sorted(members, key=lambda name: (name.startswith(record.split("/")[0]), name))  # .dist-info last
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ordered:
            content = members[name]
            data = content if isinstance(content, bytes) else content.read_bytes()
            _add(zf, name, data)
            writer.writerow([name, _record_hash(data), len(data)])
        writer.writerow([record, "", ""])
        _add(zf, record, rows.getvalue().encode())
    return path


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = 0o644 << 16
    zf.writestr(info, data, zipfile.ZIP_DEFLATED)
