"""The kit's dependency wheels for every system students use, for offline installs: one folder
holding, for each platform and CPython version, what `pip install --no-index --find-links FOLDER
edf-selfcheck` needs there (the pure-Python wheels are shared, so the folder dedupes).

pip downloads for another machine with `--platform/--python-version/--only-binary=:all:`. It
widens a macOS tag to the older macOS versions (and universal2) itself, but not a manylinux tag
to older glibc versions: those are listed. The macOS floor is 11 (the first on Apple silicon;
Intel Macs older than that are out of support), so a wheel needing macOS 14 is never chosen.

Downloads are kept in a cache keyed by the requirement set ($EDF_GRADER_ENVS/kit-wheels/KEY),
read first with `--no-index`: a second release (or test run) downloads nothing.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from edf_autograder.kernel.course_env import root
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
        list(pool.map(lambda target: _one(outdir, wheel, cache, target), targets))


def _one(outdir: Path, wheel: Path, cache: Path, target: str) -> None:
    if _pip(outdir, wheel, cache, target, offline=True).returncode == 0:
        return
    fetched = _pip(cache, wheel, cache, target, offline=False)
    if fetched.returncode:
        raise KitError(f"pip download of the kit's dependencies failed ({target}): {_last_line(fetched.stderr)}")
    copied = _pip(outdir, wheel, cache, target, offline=True)
    if copied.returncode:
        raise KitError(f"the kit's wheel cache {cache} lacks wheels for {target}: {_last_line(copied.stderr)}")


def _pip(dest: Path, wheel: Path, cache: Path, target: str, *, offline: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PIP_NO_INDEX", "PIP_FIND_LINKS")}
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--dest", str(dest),
               "--find-links", str(cache), *(["--no-index"] if offline else []), *pip_options(target), str(wheel)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=PIP_TIMEOUT)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if not line.startswith("WARNING: Location")]
    return lines[-1] if lines else "no message"
