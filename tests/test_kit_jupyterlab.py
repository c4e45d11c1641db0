"""The per-task self-check where students run it (issue 23, part 2a): the kit from a release,
installed offline into a fresh environment with no grader in it, JupyterLab beside it, a real
Jupyter server, and the distribution's Chromium driven by Playwright. The course's hand-out filled
in (correctly, and with a wrong ReLU backward) with the hand-out's self-check lines uncommented,
Run > Run All Cells: every `check(...)` table the page shows must give each item the status of
the grader's quick check of the same notebooks.

One environment, one server and one browser for the module. Screenshots go to the test's folder.
Skipped when /usr/bin/chromium, playwright or ../shared/course-handout is absent."""
import subprocess
from pathlib import Path

import pytest

from edf_autograder.selfcheck.show import MARKS
from edf_autograder.selfcheck.tasks import select
from edf_ex2.exercise import EXERCISE
from tests.handout import write_submission
from tests.handout.selfcheck import ends
from tests.kit_lab import JUPYTERLAB, Lab, student_folder
from tests.kit_runs import grader_quick, install_offline, make_venv, released
from tests.lab_page import run_all

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
FOLDERS = {"correct": "given", "relu": "relu_backward"}  # folder in the server's root -> tests/handout submission

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def lab(course_handout, tmp_path_factory):
    """A running JupyterLab over the students' folders, from a fresh venv holding the kit and JupyterLab."""
    base = tmp_path_factory.mktemp("kitlab")
    release = base / "assignment"
    kit = released(release, quick=True)
    python = make_venv(base / "env")
    done = install_offline(python, kit)
    assert done.returncode == 0, done.stderr[-2000:]
    front = subprocess.run([str(python), "-m", "pip", "install", "--quiet", JUPYTERLAB], capture_output=True, text=True,
                           timeout=900)
    assert front.returncode == 0, front.stderr[-2000:]
    for folder, submission in FOLDERS.items():
        student_folder(release, write_submission(submission, course_handout, base / "filled" / folder), base / "root" / folder)
    server = Lab(python, base / "root", base / "home").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def graded(lab):
    """The grader's quick verdicts (its own environment) of each folder as the student saved it, before the run."""
    return {folder: grader_quick(lab.root / folder) for folder in FOLDERS}


def _browser_run(lab, browser, graded, tmp_path, folder: str, kind: str):
    """The tables of one notebook's Run All; each must show its task's items with the grader's statuses."""
    run = run_all(browser, lab, f"{folder}/{EXERCISE.files[kind]}", tmp_path / f"{folder}-{kind}.png")
    assert all(any(ch.isdigit() for ch in p) for p in run.prompts), (run.prompts, run.errors, lab.tail())
    checked = [t.title for t in run.tables]
    assert checked == [f"check({task!r})" for _, task in ends(kind)], (checked, [t.notes for t in run.tables])
    for table, (_, task) in zip(run.tables, ends(kind)):
        mine = {c.spec.id for c in select(EXERCISE, task)}
        grader = {item: MARKS[graded[folder][item][0]][0] for item in mine}
        assert table.rows == grader, (table.title, table.notes, {i: graded[folder][i] for i in mine})
    return run


@pytest.mark.parametrize("kind", ["pcl", "image"])
def test_run_all_in_jupyterlab_shows_the_graders_verdicts_of_the_correct_handout(lab, browser, graded, tmp_path, kind):
    run = _browser_run(lab, browser, graded, tmp_path, "correct", kind)
    shown = {status for table in run.tables for status in table.rows.values()}
    assert shown <= {"pass", "skipped"} and "pass" in shown, [(t.title, t.rows) for t in run.tables]


def test_a_wrong_relu_backward_fails_in_the_browser_as_in_the_grader(lab, browser, graded, tmp_path):
    run = _browser_run(lab, browser, graded, tmp_path, "relu", "image")
    relu = [t.rows["2.3d-relu"] for t in run.tables if "2.3d-relu" in t.rows]
    assert relu == ["fail"] and graded["relu"]["2.3d-relu"][0] == "fail", (relu, graded["relu"]["2.3d-relu"])
