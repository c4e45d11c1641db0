"""The course's environment: the venv students' kernels run in, built once per lock.

An exercise declares the packages its notebooks may import and a lock pinning them with
everything they depend on (`exercise.Environment`). The venv is built from the lock by pip
(binary wheels, no resolving: `pip check` proves the lock complete) in a temporary folder
renamed into place, under a file lock, so that concurrent workers build it once and never
see half of it; later runs reuse it. It lives in $EDF_GRADER_ENVS (default
~/.cache/edf-autograder-envs), apart from the grader's data cache, which kernels must not see.

$EDF_GRADER_COURSE_ENV chooses what happens when it cannot be built (docs/course-environment.md):
auto (default) runs kernels in the grader's own environment and every report says so;
required stops with the reason; off never builds it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from edf_autograder.errors import HarnessError
from edf_autograder.exercise import Environment

log = logging.getLogger(__name__)

SWITCH = "EDF_GRADER_COURSE_ENV"
CACHE = "EDF_GRADER_ENVS"
RECORD = "course-env.json"   # written last, inside the folder before it is renamed into place
RETRY_AFTER = 3600           # s: after a failed build, grading does not try again for an hour (`env build` does)
PIP_TIMEOUT = 600            # s for the whole install: a hung index must not hang every worker


class CourseEnvError(HarnessError):
    """The course's environment cannot be built (no network, pip failed, the lock is incomplete)."""


@dataclass(frozen=True)
class Built:
    folder: Path
    seconds: float   # what building it took, whenever that was
    now: bool        # built by this call

    @property
    def python(self) -> Path:
        return self.folder / "bin" / "python"


def root() -> Path:
    return Path(os.environ.get(CACHE) or Path.home() / ".cache" / "edf-autograder-envs").expanduser()


def location(env: Environment) -> Path:
    """One folder per lock and base interpreter: a new lock or a new Python is a new environment."""
    if not env.lock.is_file():
        raise CourseEnvError(f"{env.lock}: the course environment's lock file is missing")
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    identity = env.lock.read_bytes() + f"|{base}|{sys.implementation.cache_tag}|{platform.machine()}".encode()
    return root() / f"course-{hashlib.sha256(identity).hexdigest()[:16]}"


def build(env: Environment, *, retry: bool = True) -> Built:
    """The built environment of `env`: reused when ready, else built now. With retry=False a
    build that failed within the last hour is not attempted again (its reason is raised)."""
    final = location(env)
    if found := _ready(final):
        return found
    final.parent.mkdir(parents=True, exist_ok=True)
    failed = final.with_suffix(".failed")
    with locked(final.with_suffix(".lock")):
        if found := _ready(final):  # another worker built it while this one waited
            return found
        if not retry and failed.is_file() and time.time() - failed.stat().st_mtime < RETRY_AFTER:
            raise CourseEnvError(failed.read_text().strip() + " (not retried for an hour; `grader.py env build` retries)")
        temp = final.with_name(f".build-{final.name}")  # the lock is held: whatever is there is a crashed build's
        shutil.rmtree(temp, ignore_errors=True)
        started = time.monotonic()
        try:
            _create(temp, env)
        except CourseEnvError as exc:
            shutil.rmtree(temp, ignore_errors=True)
            failed.write_text(f"{exc}\n")
            raise
        seconds = round(time.monotonic() - started, 1)
        (temp / RECORD).write_text(json.dumps({"seconds": seconds, "built": time.strftime("%Y-%m-%d %H:%M:%S"),
                                               "lock": str(env.lock), "packages": list(env.packages)}))
        os.rename(temp, final)
        failed.unlink(missing_ok=True)
    return Built(final, seconds, True)


def ready(env: Environment) -> Built | None:
    """The environment when it is built; None when it is not (yet)."""
    return _ready(location(env))


def _ready(folder: Path) -> Built | None:
    try:
        record = json.loads((folder / RECORD).read_text())
    except (OSError, ValueError):
        return None
    return Built(folder, float(record.get("seconds", 0)), False)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """flock: released by the kernel when its holder dies, so a killed build blocks no one."""
    import fcntl  # Unix only; the students' kit imports this module but never builds an environment

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _create(folder: Path, env: Environment) -> None:
    """A venv without pip (the grader's pip installs into it), the lock exactly, then proof
    that nothing is missing and every declared package is there."""
    python = folder / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check", "--no-input"]
    wanted = (*env.packages, *env.kernel)
    steps = [
        ("making the venv", [sys.executable, "-m", "venv", "--without-pip", str(folder)]),
        ("pip install", [*pip, "install", "-q", "--no-deps", "--only-binary=:all:", "--timeout", "60",
                         "--retries", "2", "-r", str(env.lock)]),
        ("pip check (the lock misses a dependency)", [*pip, "check"]),
        ("a declared package is not in the lock",
         [str(python), "-c", f"import importlib.metadata as m\nfor p in {wanted!r}: m.distribution(p)"]),
    ]
    for what, cmd in steps:
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CourseEnvError(f"the course's environment could not be built: {what}: {exc}") from None
        if run.returncode != 0:
            raise CourseEnvError(f"the course's environment could not be built from {env.lock.name}: {what} failed: "
                                 f"{pip_reason(run.stderr or run.stdout)}")


def pip_reason(text: str) -> str:
    """pip's reason, without the warnings it prints about its configuration."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("WARNING:")]
    return lines[-1] if lines else "no message"
