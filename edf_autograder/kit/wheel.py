"""A pure-Python wheel (PEP 427) from files in memory: the kit is a handful of modules and
data files, so it is written directly, with no build backend needed at release time (and
none that could pick up files beyond the allow-list). Timestamps are fixed: the same kit
gives the same bytes. Metadata 1.2 holds every field the kit needs (PEP 345)."""
from __future__ import annotations

from pathlib import Path

from edf_autograder.distribution import write_wheel as write_members  # the zip and its RECORD


def write_wheel(folder: Path, name: str, version: str, files: dict[str, bytes], *, summary: str,
                requires: tuple[str, ...], entry_points: dict[str, dict[str, str]], python: str = ">=3.11") -> Path:
    """Write `<name>-<version>-py3-none-any.whl` into `folder`; `files` maps paths in the wheel to bytes."""
    stem = f"{name.replace('-', '_')}-{version}"
    info = f"{stem}.dist-info"
    metadata = "".join([f"Metadata-Version: 1.2\nName: {name}\nVersion: {version}\nSummary: {summary}\n",
                        f"Requires-Python: {python}\n", *(f"Requires-Dist: {r}\n" for r in requires)])
    points = "".join(f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in named.items()) + "\n"
                     for group, named in entry_points.items())
    wheel = "Wheel-Version: 1.0\nGenerator: edf_autograder.kit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    folder.mkdir(parents=True, exist_ok=True)
    return write_members(folder / f"{stem}-py3-none-any.whl",
                         {**files, f"{info}/METADATA": metadata.encode(), f"{info}/WHEEL": wheel.encode(),
                          f"{info}/entry_points.txt": points.encode()})
