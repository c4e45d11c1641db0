"""The per-task self-check where students run it (issue 23, part 2a): the kit from a release,
installed offline into a fresh environment with no grader in it, JupyterLab beside it, a real
Jupyter server, and the distribution's Chromium driven by Playwright. The course's hand-out filled
in (correctly, and with a wrong ReLU backward) with the hand-out's self-check lines uncommented,
Run > Run All Cells: every `check(...)` table the page shows must give each item the status of
the grader's quick check of the same notebooks.

One environment, one server and one browser for the module. Screenshots go to the test's folder.
Skipped when /usr/bin/chromium, playwright or ../shared/course-handout is absent."""
import subprocess

import pytest

from edf_autograder.integrations.release import KIT_FOLDER
from edf_autograder.selfcheck.show import MARKS
from edf_autograder.selfcheck.tasks import select
from edf_ex2.exercise import EXERCISE
from tests.chromium import needs_chromium
from tests.handout import write_submission
from tests.handout.selfcheck import ends
from tests.kit_lab import JUPYTERLAB, Lab, student_folder
from tests.kit_runs import grader_quick, install_offline, make_venv
from tests.lab_page import finish_run_all, start_run_all

FOLDERS = {"correct": "given", "relu": "relu_backward"}  # folder in the server's root -> tests/handout submission
RUNS = [("correct", "pcl"), ("correct", "image"), ("relu", "image")]  # the faulty pcl notebook is the correct one

pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def lab(course_handout, kit_template, tmp_path_factory):
    """A running JupyterLab over the students' folders, from a fresh venv holding the kit (installed offline
    from the session's release) and JupyterLab (from PyPI), not the kit tests' shared environment."""
    base = tmp_path_factory.mktemp("kitlab")
    python = make_venv(base / "env")
    done = install_offline(python, kit_template / KIT_FOLDER)
    assert done.returncode == 0, done.stderr[-2000:]
    front = subprocess.run([str(python), "-m", "pip", "install", "--quiet", JUPYTERLAB], capture_output=True, text=True,
                           timeout=900)
    assert front.returncode == 0, front.stderr[-2000:]
    for folder, submission in FOLDERS.items():
        filled = write_submission(submission, course_handout, base / "filled" / folder)
        student_folder(kit_template, filled, base / "root" / folder)
    server = Lab(python, base / "root", base / "home").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def graded(lab):
    """The grader's quick verdicts (its own environment) of each folder as the student saved it, before the run,
    with the trainings run to their end as the student's kernel runs them."""
    return {folder: grader_quick(lab.root / folder, whole_trainings=True) for folder in FOLDERS}


@pytest.fixture(scope="module")
def runs(lab, browser, graded, tmp_path_factory):
    """Run All of the three notebooks, at once (a page and a kernel each): (folder, kind) -> Run."""
    shots = tmp_path_factory.mktemp("screenshots")
    pages = {run: start_run_all(browser, lab, f"{run[0]}/{EXERCISE.files[run[1]]}") for run in RUNS}
    return {run: finish_run_all(page, shots / f"{run[0]}-{run[1]}.png") for run, page in pages.items()}


def _tables_are_the_graders(run, graded: dict, kind: str, lab) -> None:
    """Every cell ran; a table per check cell, each with its task's items and the grader's status of each."""
    assert all(any(ch.isdigit() for ch in p) for p in run.prompts), (run.prompts, run.errors, lab.tail())
    checked = [t.title for t in run.tables]
    assert checked == [f"check({task!r})" for _, task in ends(kind)], (checked, [t.notes for t in run.tables])
    for table, (_, task) in zip(run.tables, ends(kind)):
        mine = {c.spec.id for c in select(EXERCISE, task)}
        grader = {item: MARKS[graded[item][0]][0] for item in mine}
        assert table.rows == grader, (table.title, table.notes, {i: graded[i] for i in mine})


@pytest.mark.parametrize("kind", ["pcl", "image"])
def test_run_all_in_jupyterlab_shows_the_graders_verdicts_of_the_correct_handout(runs, graded, lab, kind):
    run = runs["correct", kind]
    _tables_are_the_graders(run, graded["correct"], kind, lab)
    shown = {status for table in run.tables for status in table.rows.values()}
    assert shown <= {"pass", "skipped"} and "pass" in shown, [(t.title, t.rows) for t in run.tables]


def test_a_wrong_relu_backward_fails_in_the_browser_as_in_the_grader(runs, graded, lab):
    run = runs["relu", "image"]
    _tables_are_the_graders(run, graded["relu"], "image", lab)
    relu = [t.rows["2.3d-relu"] for t in run.tables if "2.3d-relu" in t.rows]
    assert relu == ["fail"] and graded["relu"]["2.3d-relu"][0] == "fail", (relu, graded["relu"]["2.3d-relu"])
