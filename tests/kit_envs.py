"""Students' Python environments for the kit's tests, built once and kept across runs: a virtual
environment per requirement set in $EDF_GRADER_ENVS/kit-test-envs/NAME-KEY (like the course's
environment), built under a file lock and marked ready last, so a killed build is built again."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from edf_autograder.kernel.course_env import locked, root
from tests.kit_runs import bin_dir, make_venv

READY = "kit-test-env.json"


def student_env(name: str, requirements: tuple[str, ...]) -> Path:
    """A venv of this Python with `requirements` installed by pip from the index; its python."""
    key = hashlib.sha256("\n".join([sys.version, *requirements]).encode()).hexdigest()[:12]
    folder = root() / "kit-test-envs" / f"{name}-{key}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with locked(folder.parent / f"{folder.name}.lock"):
        if not (folder / READY).exists():
            shutil.rmtree(folder, ignore_errors=True)
            python = make_venv(folder)
            done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                   *requirements], capture_output=True, text=True, timeout=1800)
            if done.returncode:
                raise RuntimeError(f"building the {name} environment failed: {done.stderr[-2000:]}")
            (folder / READY).write_text(json.dumps({"requirements": requirements}))
    return bin_dir(folder) / "python"


def installed(python: Path) -> dict[str, str]:
    """The environment's distributions: normalised name -> version."""
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"],
                            capture_output=True, text=True, check=True).stdout
    return {normalise(d["name"]): d["version"] for d in json.loads(listed)}


def would_install(python: Path, *args: str, report: Path) -> dict[str, str]:
    """What `pip install ARGS` would install into the environment (pip's --dry-run report): name -> version."""
    done = subprocess.run([str(python), "-m", "pip", "install", "--dry-run", "--quiet", "--disable-pip-version-check",
                           "--report", str(report), *args], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return {normalise(i["metadata"]["name"]): i["metadata"]["version"] for i in json.loads(report.read_text())["install"]}


def normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")
