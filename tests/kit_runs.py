"""Shared by the kit's tests: a released template folder with the kit and its dependency wheels,
a fresh virtual environment with the kit installed offline, and runs of the kit (installed, in a
subprocess) and of the grader's quick check, each made once per test session."""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import venv
from dataclasses import replace
from pathlib import Path

from edf_autograder.exercise import Exercise, load
from edf_autograder.integrations.release import KIT_FOLDER, release
from edf_autograder.kit.platforms import this_machine
from edf_autograder.pipeline import grade

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": "", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
# Windows and macOS have none of these; a student's machine runs the kit without a sandbox
BLOCKER = '''
import sys
BLOCKED = {"resource", "fcntl", "jinja2", "matplotlib", "tqdm", "dask", "distributed", "threadpoolctl"}
TRIED = set()
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            TRIED.add(name)
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: not on every system)", name=name)
        return None
assert not BLOCKED & set(sys.modules), BLOCKED & set(sys.modules)
sys.meta_path.insert(0, Blocker())
from edf_autograder.kit.cli import main
code = main(sys.argv[1:])
print("TRIED " + " ".join(sorted(TRIED)), file=sys.stderr)
sys.exit(code)
'''


def bin_dir(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


def make_venv(folder: Path) -> Path:
    """A fresh virtual environment (pip included, no site packages); its python."""
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    return bin_dir(folder) / "python"


def offline_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHONPATH", "VIRTUAL_ENV"))}
    return {**env, **OFFLINE, **extra}


def released(folder: Path) -> Path:
    """`release folder --wheels`: the hand-out, with the kit and its dependencies in folder/selfcheck
    (for this machine: tests/test_kit_platforms.py resolves the others)."""
    release(folder, wheels=True, targets=(this_machine(),))
    return folder / KIT_FOLDER


def install_offline(python: Path, kit: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(kit),
                           "edf-selfcheck"], capture_output=True, text=True, env=offline_env(), timeout=900)


def run_kit(python: Path, submission: Path, out: Path, *, blocked: bool = False) -> tuple[dict, subprocess.CompletedProcess]:
    """The installed kit's check of `submission` (a copy, in `out`); (its JSON result, the process)."""
    work = out / submission.name
    shutil.copytree(submission, work)
    args = [str(work), "--json", str(out / f"{submission.name}.json")]
    script = bin_dir(python.parent.parent) / "edf-selfcheck"
    command = [str(python), "-I", "-c", BLOCKER, *args] if blocked else [str(script), *args]
    # only the environment's own programs: no bubblewrap, unshare or prlimit on the PATH
    done = subprocess.run(command, capture_output=True, text=True, cwd=out, timeout=900,
                          env=offline_env(PATH=str(bin_dir(python.parent.parent)), HYPOTHESIS_PROFILE="ci"))
    result = json.loads((out / f"{submission.name}.json").read_text()) if done.returncode in (0, 1) else {}
    return result, done


@functools.cache
def grader_quick(submission: Path, *, whole_trainings: bool = False) -> dict:
    """The grader's quick verdicts: item -> (status, message). `whole_trainings`: with every
    training run to its end, as a student's own kernel runs it (what the in-notebook check
    reads), not stopped early as the quick check stops some (`NotebookPlan.quick_updates`)."""
    exercise = whole(load(None)) if whole_trainings else None
    return verdicts(grade(submission, exercise=exercise, quick=True).to_dict())


def whole(exercise: Exercise) -> Exercise:
    """`exercise` with no training stopped early in quick mode."""
    notebooks = tuple(replace(nb, plan=replace(nb.plan, quick_updates=None)) for nb in exercise.notebooks)
    return replace(exercise, notebooks=notebooks)


def verdicts(record: dict) -> dict:
    return {i["id"]: (str(i["status"]), i["message"]) for i in record["items"]}
