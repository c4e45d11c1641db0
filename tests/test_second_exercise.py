"""One harness, any exercise: a second exercise (tests/exercise_linreg, a linear-regression
sheet on the course's EDF) is graded end to end — check, the command line, a batch with its
feedback pages and Gradescope results, the hand-out — by the same engine, which names none
of Exercise 2's notebooks, items or data."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from edf_autograder.batch.run import grade_all
from edf_autograder.exercise import ExerciseError, load
from edf_autograder.integrations.release import release
from edf_autograder.pipeline import grade
from edf_ex2.exercise import EXERCISE as EX2

ROOT = Path(__file__).resolve().parents[1]
SECOND = "tests.exercise_linreg:EXERCISE"
HERE = ROOT / "tests" / "exercise_linreg"
PASSES, FAILS = HERE / "submissions" / "passes", HERE / "submissions" / "fails_1a_square_backward"


def statuses(result) -> dict:
    return {i.id: i.status for i in result.items}


def test_check_grades_the_second_exercise_with_its_own_items_and_points():
    good, bad = grade(PASSES, exercise=SECOND), grade(FAILS, exercise=SECOND)
    assert statuses(good) == {"1a": "pass", "1b-graph": "pass", "1b-error": "pass"}
    assert (good.score, good.max_score) == (4, 4)
    assert statuses(bad) == {"1a": "fail", "1b-graph": "pass", "1b-error": "pass"}
    assert "expected -1.99" in next(i.message for i in bad.items if i.id == "1a")
    assert good.exercise["title"] == "Exercise 1: Linear Regression"


def test_the_command_line_takes_the_exercise_and_exits_by_its_verdicts(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.run([sys.executable, "grader.py", "--exercise", SECOND, "check", str(folder),
                            "--json", str(tmp_path / f"{folder.name}.json")],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
            for folder in (PASSES, FAILS)]
    assert [r.returncode for r in runs] == [0, 1], [r.stderr[-500:] for r in runs]
    assert "1 Linear regression" in runs[0].stdout and "2.1" not in runs[0].stdout
    record = json.loads((tmp_path / "fails_1a_square_backward.json").read_text())
    assert record["exercise"]["name"] == SECOND and record["max_score"] == 4


def test_a_batch_writes_its_gradebook_feedback_and_gradescope_results(tmp_path):
    assert grade_all(HERE / "submissions", tmp_path / "out", exercise=SECOND, jobs=2) == 0
    grades = (tmp_path / "out" / "grades.csv").read_text(encoding="utf-8-sig").splitlines()
    assert grades[0].startswith("student,safe_id,1a,1b-graph,1b-error,score")
    page = (tmp_path / "out" / "students" / "fails_1a_square_backward" / "feedback.html").read_text()
    assert "Exercise 1: Linear Regression" in page and "Square forward and backward" in page
    results = json.loads((tmp_path / "out" / "students" / "passes" / "results.json").read_text())
    assert [t["number"] for t in results["tests"]] == ["1a", "1b-graph", "1b-error"] and results["score"] == 4
    assert "Exercise 1: Linear Regression" in (tmp_path / "out" / "summary.html").read_text()


def test_its_hand_out_is_released_without_solutions(tmp_path):
    written = release(tmp_path, exercise=SECOND)
    assert {p.name for p in written if p.parent == tmp_path} == {"linear_regression.ipynb", "edf.py", "regression.npz"}
    assert {p.name for p in written if p.parent != tmp_path} == {"edf_selfcheck-0.1.0-py3-none-any.whl", "README.md"}
    handout = (tmp_path / "linear_regression.ipynb").read_text()
    assert "TO-DO" in handout and "self.x.value ** 2" not in handout


def test_an_unknown_exercise_is_an_error_for_people():
    with pytest.raises(ExerciseError, match="no exercise named 'ex9'"):
        load("ex9")


def test_the_engine_names_none_of_exercise_2s_notebooks_items_or_data():
    names = set(EX2.files.values()) | {c.spec.id for c in EX2.checks()} | set(EX2.sections)
    names |= {"2d_pcl_dataset", "mnist", "pen_and_paper", "SingleProbToProbVector", "train_and_test"}
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.IGNORECASE)
    found = [f"{path.relative_to(ROOT)}:{n + 1}: {line.strip()}"
             for path in sorted((ROOT / "edf_autograder").rglob("*")) if path.suffix in (".py", ".html", ".lark")
             and "runtime" not in path.parts
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()) if pattern.search(line)]
    assert found == []
