"""Reading what the kernel wrote, without trusting it.

Files are opened as regular files only (no symlink, FIFO or device planted by the
student can redirect or hang the grader), capped in size, loaded without pickle, and
every array is checked for shape, dtype and finiteness before a check sees it.
"""
from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import numpy as np

from edf_autograder.errors import KernelCallError

MAX_BYTES = 256 * 1024 * 1024
# flags Windows lacks are 0 there (no symlinks planted in a student's own folder to fear);
# O_BINARY keeps Windows from translating line ends in the arrays read
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def read_bytes(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | NONBLOCK)
    except OSError as exc:
        raise KernelCallError(f"the kernel did not write {path.name} ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise KernelCallError(f"{path.name} is not a regular file")
        if info.st_size > MAX_BYTES:
            raise KernelCallError(f"{path.name} is {info.st_size} bytes, over the {MAX_BYTES} limit")
        return fh.read(MAX_BYTES + 1)


def read_json(path: Path):
    try:
        return json.loads(read_bytes(path))
    except ValueError as exc:
        raise KernelCallError(f"{path.name} is not valid JSON: {exc}") from None


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(io.BytesIO(read_bytes(path)), allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (ValueError, OSError) as exc:
        raise KernelCallError(f"{path.name} is not a valid array file: {exc}") from None


def write_arrays(path: Path, **arrays) -> None:
    """Write grader inputs for the kernel without following anything planted at `path`:
    whatever is there is removed (unlink does not follow links), then created exclusively."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as fh:
        np.savez(fh, **arrays)


def checked(array, name: str, *, shape: tuple | None = None, finite: bool = True) -> np.ndarray:
    """A float64 copy of `array` after checking it is numeric, of `shape` (None = any
    size in that axis), and finite."""
    arr = np.asarray(array)
    if arr.dtype.kind not in "biuf":
        raise KernelCallError(f"{name} has dtype {arr.dtype}, expected numbers")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("N" if s is None else str(s) for s in shape) + ")"
            raise KernelCallError(f"{name} has shape {arr.shape}, expected {want}")
    arr = arr.astype(np.float64)
    if finite and not np.all(np.isfinite(arr)):
        raise KernelCallError(f"{name} contains NaN or infinite values")
    return arr
