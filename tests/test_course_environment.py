"""Kernels run in the course's environment (numpy, matplotlib, scikit-image; the lock in
checks/course_environment.txt), built once per lock apart from the grader's packages: a
notebook that resizes with scikit-image passes (the grader itself has no scikit-image), an
import of a package outside it fails with a message that names the course's environment,
the grader's own packages are not importable, and a failed build falls back loudly or
refuses. The environment itself is built once per session (conftest's report header)."""
import importlib.util
import threading
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from edf_autograder.exercise import Environment
from edf_autograder.kernel import course_env, sandbox
from edf_autograder.kernel.course_env import CourseEnvError
from edf_autograder.kernel.interpreter import prepare
from edf_autograder.kernel.session import KernelSession
from edf_autograder.pipeline import grade
from edf_ex2.exercise import COURSE_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
RESIZE = "tests.exercise_resize:EXERCISE"
SUBMISSIONS = ROOT / "tests" / "exercise_resize" / "submissions"
OUTSIDE = "is not part of the course's environment (numpy, matplotlib, scikit-image"


@pytest.fixture
def course_python():
    python = prepare(COURSE_ENVIRONMENT)
    assert python.python is not None, f"the course's environment is not in use: {python.note}"
    return python


def test_the_grader_itself_has_no_scikit_image():
    assert importlib.util.find_spec("skimage") is None  # else the passing notebook below proves nothing


def test_a_notebook_that_resizes_with_scikit_image_passes(course_python):
    result = grade(SUBMISSIONS / "passes", exercise=RESIZE)
    assert {i.id: i.status for i in result.items} == {"4a-graph": "pass", "4a-error": "pass"}
    assert any(n.startswith("Environment: the course's (numpy, matplotlib, scikit-image") for n in result.notes)


def test_an_import_outside_the_environment_fails_with_a_clear_message(course_python):
    result = grade(SUBMISSIONS / "fails_imports_seaborn", exercise=RESIZE)
    assert result.score == 0
    # told once, at the top (the root cause); every item points there in one line
    (cause,) = result.root_causes
    assert cause["cell"] == 2 and f"No module named 'seaborn': `seaborn` {OUTSIDE}" in cause["error"]
    for item in result.items:
        assert "cell 2, which raised ModuleNotFoundError (the root cause" in item.message


CELLS = [
    "import sys, os; print(sys.executable)",
    "from skimage.transform import resize",
    "import tqdm",
    "import jinja2",
    "import edf_autograder",
    "try:\n    import dask\nexcept ImportError as exc:\n    print('caught', exc.name)",
    "import numpy.not_a_module",
]


def test_kernels_run_the_courses_python_without_the_graders_packages(course_python, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    with KernelSession(nb, tmp_path, cell_timeout=60, notebook_timeout=300, interpreter=course_python) as kernel:
        runs = [kernel.run_cell(i) for i in range(len(CELLS))]
    assert nb.cells[0].outputs[0]["text"].strip() == str(course_python.python)
    assert [r.status for r in runs] == ["ok", "ok", "error", "error", "error", "ok", "error"], [r.error for r in runs]
    for run, name in zip(runs[2:5], ("tqdm", "jinja2", "edf_autograder")):
        assert run.outcome() == f"ModuleNotFoundError: No module named '{name}': `{name}` {OUTSIDE} and what they " \
                                "depend on, from the course's environment.yml), nor a file beside the notebook"
        assert "grader-probe" not in run.error  # the student's traceback only
    assert nb.cells[5].outputs[0]["text"] == "caught dask\n"  # a caught import is left as it was
    assert runs[6].outcome() == "ModuleNotFoundError: No module named 'numpy.not_a_module'"


@pytest.mark.skipif(not sandbox.mechanism().contained, reason=f"needs bubblewrap; here: {sandbox.describe()}")
def test_a_contained_kernel_sees_the_course_environment_but_not_the_graders_data_cache(course_python, tmp_path):
    data_cache = Path.home() / ".cache" / "edf-autograder"
    code = (f"import os, sys\nprint(os.path.exists({str(data_cache)!r}), os.path.exists({str(course_python.prefix)!r}),"
            f" os.path.exists({sys_prefix()!r}))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    with KernelSession(nb, tmp_path, cell_timeout=60, notebook_timeout=120, interpreter=course_python) as kernel:
        assert kernel.run_cell(0).status == "ok"
    assert nb.cells[0].outputs[0]["text"] == "False True False\n"  # nor the grader's own venv


def sys_prefix() -> str:
    import sys
    return sys.prefix


# -- building: once, atomically, and what happens when it fails ----------------------------
def broken(tmp_path: Path) -> Environment:
    lock = tmp_path / "lock.txt"
    lock.write_text("this is not a requirement\n")  # pip refuses it without going online
    return replace(COURSE_ENVIRONMENT, lock=lock)


def test_a_failed_build_falls_back_loudly_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv(course_env.CACHE, str(tmp_path / "envs"))
    monkeypatch.delenv(course_env.SWITCH, raising=False)
    python = prepare(broken(tmp_path))
    assert python.python is None
    assert python.note.startswith("the grader's own, NOT the course's (the course's environment could not be built "
                                  "from lock.txt: pip install failed: ")
    left = sorted(p.suffix or "folder" for p in (tmp_path / "envs").iterdir())
    assert left == [".failed", ".lock"]  # no environment, nor half of one
    again = prepare(broken(tmp_path))  # not retried by every grade of a batch
    assert "not retried for an hour" in again.note


def test_a_failed_build_is_refused_when_required(tmp_path, monkeypatch):
    monkeypatch.setenv(course_env.CACHE, str(tmp_path / "envs"))
    monkeypatch.setenv(course_env.SWITCH, "required")
    with pytest.raises(CourseEnvError, match="could not be built from lock.txt: pip install failed"):
        prepare(broken(tmp_path))


def test_off_never_builds_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv(course_env.CACHE, str(tmp_path / "envs"))
    monkeypatch.setenv(course_env.SWITCH, "off")
    python = prepare(broken(tmp_path))
    assert python.python is None and "EDF_GRADER_COURSE_ENV=off" in python.note
    assert not (tmp_path / "envs").exists()


def test_concurrent_workers_build_once_and_never_see_half_an_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(course_env.CACHE, str(tmp_path / "envs"))
    env = replace(COURSE_ENVIRONMENT, lock=tmp_path / "lock.txt")
    env.lock.write_text("numpy==2.4.6\n")
    final, calls = course_env.location(env), []

    def slow_create(folder: Path, _env) -> None:
        calls.append(folder)
        assert course_env.ready(env) is None and not final.exists()
        folder.mkdir()
        time.sleep(0.5)  # the other workers wait on the lock meanwhile

    monkeypatch.setattr(course_env, "_create", slow_create)
    results: list = []
    workers = [threading.Thread(target=lambda: results.append(course_env.build(env))) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(calls) == 1 and calls[0] != final
    assert sorted(r.now for r in results) == [False, False, True]
    assert {r.folder for r in results} == {final} and course_env.ready(env) is not None
