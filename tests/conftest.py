"""Shared test setup: hypothesis profiles chosen by HYPOTHESIS_PROFILE, and the paths
of the course's own files (used only by tests that skip when they are absent)."""
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
COURSE_DATA = SHARED / "data" / "course"
COURSE_HANDOUT = SHARED / "course-handout"

settings.register_profile("quick", max_examples=10, deadline=None)
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_report_header(config):
    """The course's environment, which every kernel of the suite runs in: built here once, before
    xdist's workers start (they reuse it), or reused from an earlier session. $EDF_GRADER_ENVS
    points at an existing cache of them; EDF_GRADER_COURSE_ENV=off runs kernels in the grader's."""
    if hasattr(config, "workerinput"):
        return None
    from edf_autograder.kernel.interpreter import prepare
    from edf_ex2.exercise import EXERCISE

    started = time.monotonic()
    note = prepare(EXERCISE.environment).note
    return f"kernels' environment: {note}; {time.monotonic() - started:.1f} s in this session"


@pytest.fixture
def course_data() -> Path:
    if not COURSE_DATA.is_dir():
        pytest.skip(f"the course's own files are not at {COURSE_DATA}")
    return COURSE_DATA


@pytest.fixture(scope="session")
def course_handout() -> Path:
    """The course's own hand-out (its two notebooks, edf.py, mnist_loader.py), read in place."""
    if not COURSE_HANDOUT.is_dir():
        pytest.skip(f"the course's hand-out is not at {COURSE_HANDOUT}")
    return COURSE_HANDOUT


@pytest.fixture(scope="session")
def kit_template(tmp_path_factory) -> Path:
    """A released hand-out folder (`release --wheels`), as an assignment's template repository
    holds it: made once per session, shared by the kit's tests."""
    from tests.kit_runs import released

    folder = tmp_path_factory.mktemp("template") / "assignment"
    kit = released(folder)
    assert {p.name.split("-")[0].lower() for p in kit.glob("*.whl")} >= {"edf_selfcheck", "numpy", "nbclient", "lark"}
    return folder


@pytest.fixture(scope="session")
def kit_python(kit_template, tmp_path_factory) -> Path:
    """A fresh environment with the kit installed from the kit folder alone (`--no-index`):
    no grader on its path. Made once per session, shared by the kit's tests."""
    from tests.kit_runs import install_offline, make_venv

    python = make_venv(tmp_path_factory.mktemp("venv") / "env")
    done = install_offline(python, kit_template / "selfcheck")
    assert done.returncode == 0, done.stderr[-2000:]
    return python


@pytest.fixture(scope="module")
def browser():
    """The system's Chromium driven by Playwright, one per test module."""
    from tests.chromium import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()
