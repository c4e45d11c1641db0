"""The kit's dependency wheels for every system students use, for offline installs: one folder
holding, for each platform and CPython version, what `pip install --no-index --find-links FOLDER
edf-selfcheck` needs there (the pure-Python wheels are shared, so the folder dedupes).

pip downloads for another machine with `--platform/--python-version/--only-binary=:all:`. It
widens a macOS tag to the older macOS versions (and universal2) itself, but not a manylinux tag
to older glibc versions: those are listed. The macOS floor is 11 (the first on Apple silicon;
Intel Macs older than that are out of support), so a wheel needing macOS 14 is never chosen.

Downloads are kept in a cache keyed by the requirement set ($EDF_GRADER_ENVS/kit-wheels/KEY), a
folder per target, marked complete when pip succeeded: a second release (or test run) copies the
wheels and runs no pip (delete the folder to take newer versions).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from edf_autograder.kernel.course_env import locked, pip_reason, root
from edf_autograder.kit.manifest import KitError

PYTHONS = ("3.11", "3.12", "3.13")
_MANYLINUX = tuple(f"manylinux_2_{minor}" for minor in range(28, 16, -1)) + ("manylinux2014",)
SYSTEMS = {
    "windows-amd64": ("win_amd64",),
    "macos-arm64": ("macosx_11_0_arm64",),
    "macos-x86_64": ("macosx_11_0_x86_64",),
    "linux-x86_64": tuple(f"{tag}_x86_64" for tag in _MANYLINUX),
    "linux-aarch64": tuple(f"{tag}_aarch64" for tag in _MANYLINUX),
}
TARGETS = tuple(f"{system}/{python}" for system in SYSTEMS for python in PYTHONS)  # "linux-x86_64/3.12"
PIP_TIMEOUT = 1800  # s for one target's download: numpy, matplotlib and pillow are large
COMPLETE = "complete"  # written into a target's cache folder when its download succeeded


def this_machine() -> str:
    """The target of the running Python, where it is one of TARGETS (for tests and local releases)."""
    import platform
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = {"AMD64": "amd64" if system == "windows" else "x86_64", "arm64": "aarch64" if system == "linux" else "arm64"}
    target = f"{system}-{machine.get(platform.machine(), platform.machine())}/{sys.version_info[0]}.{sys.version_info[1]}"
    if target not in TARGETS:
        raise KitError(f"this machine ({target}) is none of the kit's platforms: {', '.join(TARGETS)}")
    return target


def pip_options(target: str) -> list[str]:
    """pip's options that choose `target`'s wheels ("windows-amd64/3.12")."""
    system, _, python = target.partition("/")
    if system not in SYSTEMS or python not in PYTHONS:
        raise KitError(f"unknown kit platform {target!r}: one of {', '.join(TARGETS)}")
    tags = [option for tag in SYSTEMS[system] for option in ("--platform", tag)]
    return [*tags, "--python-version", python, "--implementation", "cp", "--only-binary=:all:"]


def cache_folder(requirements: tuple[str, ...]) -> Path:
    key = hashlib.sha256("\n".join(sorted(requirements)).encode()).hexdigest()[:16]
    return root() / "kit-wheels" / key


def download(outdir: Path, wheel: Path, requirements: tuple[str, ...], targets: tuple[str, ...]) -> None:
    """Write into `outdir` the wheels `wheel` needs on each of `targets`, through the cache."""
    cache = cache_folder(requirements)
    cache.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=3) as pool:  # pip's downloads wait on the network, not the cores
        folders = list(pool.map(lambda target: _cached(wheel, cache, target), targets))
    for folder in folders:
        for path in folder.glob("*.whl"):
            if not path.name.startswith(wheel.name.split("-")[0] + "-") and not (outdir / path.name).exists():
                shutil.copyfile(path, outdir / path.name)


def _cached(wheel: Path, cache: Path, target: str) -> Path:
    """The cache's folder of `target`'s wheels, downloaded unless an earlier run completed it
    (the other targets' complete folders are searched first: pure-Python wheels are fetched once)."""
    folder = cache / target.replace("/", "-py")
    with locked(cache / f"{folder.name}.lock"):
        if not (folder / COMPLETE).exists():
            _fetch(wheel, cache, folder, target)
    return folder


def _fetch(wheel: Path, cache: Path, folder: Path, target: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)  # what a failed or killed download left
    found = [option for other in cache.iterdir() if (other / COMPLETE).exists() for option in ("--find-links", str(other))]
    env = {k: v for k, v in os.environ.items() if k not in ("PIP_NO_INDEX", "PIP_FIND_LINKS")}
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--dest", str(folder),
               *found, *pip_options(target), str(wheel)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=PIP_TIMEOUT)
    if done.returncode:
        raise KitError(f"pip download of the kit's dependencies failed ({target}): {pip_reason(done.stderr)}")
    (folder / COMPLETE).write_text(target)
