"""CI front doors: the Gradescope autograder zip run against a fake /autograder tree, the
GitHub Classroom workflow and its runner payload, the Markdown summary."""
import base64
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from edf_autograder import distribution
from edf_autograder.integrations import bundle, classroom
from edf_autograder.reports.gradescope import problems

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The grader as a wheel, built once (pip takes ~10 s); tests/test_wheel.py installs one."""
    return distribution.grader_wheel(tmp_path_factory.mktemp("wheel"))


def _fake_autograder(tmp_path, submission, wheel, **options):
    archive = bundle.gradescope(tmp_path / "edf_autograder.zip", wheel=wheel, **options)
    tree = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(["setup.sh", "run_autograder", wheel.name, "config.json"])
        assert f"pip install /autograder/source/{wheel.name}\n" in zf.read("setup.sh").decode()
        zf.extractall(tree / "source")
    shutil.copy(tree / "source" / "run_autograder", tree / "run_autograder")
    shutil.copytree(submission, tree / "submission")
    (tree / "results").mkdir()
    env = {**os.environ, "AUTOGRADER_ROOT": str(tree), "PYTHON": sys.executable}
    run = subprocess.run(["bash", str(tree / "run_autograder")], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads((tree / "results" / "results.json").read_text())


@pytest.mark.parametrize("example, full_marks", [("passes_all", True), ("fails_2_3e_one_sided_difference", False)])
def test_gradescope_bundle_grades_into_valid_results(tmp_path, wheel, example, full_marks):
    results = _fake_autograder(tmp_path, ROOT / "submissions" / example, wheel, quick=True,
                               hidden_until_due=["2.3e"])
    assert problems(results) == []
    by_id = {t["number"]: t for t in results["tests"]}
    assert by_id["2.3e"]["visibility"] == "after_due_date"
    assert (by_id["2.3e"]["status"] == "passed") is full_marks


def test_gradescope_bundle_survives_an_empty_submission(tmp_path, wheel):
    (tmp_path / "empty").mkdir()
    results = _fake_autograder(tmp_path, tmp_path / "empty", wheel, quick=True)
    assert problems(results) == [] and results["score"] == 0


def test_a_bundle_refuses_an_exercise_its_wheel_does_not_carry(tmp_path, wheel):
    with pytest.raises(bundle.BundleError, match=r"'tests.exercise_linreg:EXERCISE' lives in tests.exercise_linreg, "
                                                 r"outside the grader's packages \(edf_autograder, edf_ex2\)"):
        bundle.gradescope(tmp_path / "linreg.zip", exercise="tests.exercise_linreg:EXERCISE", wheel=wheel)


def test_classroom_workflow_is_valid_yaml_and_runs_our_commands(tmp_path):
    path = bundle.github(tmp_path / "classroom.yml")
    flow = yaml.safe_load(path.read_text())
    steps = flow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == classroom.RUNNER)
    assert "edf-selfcheck . --json result.json --junit junit.xml --format markdown --classroom payload.txt" in grade["run"]
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert "selfcheck/edf_selfcheck-" in install["run"] and "edf-autograder" not in install["run"]  # never the grader
    reporter = steps[-1]
    assert reporter["with"]["runners"] == classroom.RUNNER
    assert f"{classroom.RUNNER.upper()}_RESULTS" in reporter["env"]


def test_classroom_payload_carries_partial_points():
    record = {"max_score": 3, "items": [
        {"id": "a", "title": "A", "status": "pass", "points": 1, "max_points": 1, "message": ""},
        {"id": "b", "title": "B", "status": "fail", "points": 0.5, "max_points": 1, "message": "half"},
        {"id": "c", "title": "C", "status": "manual", "points": 1, "max_points": 1, "message": "tutor"}]}
    body = json.loads(base64.b64decode(classroom.payload(record)))
    assert body["status"] == "fail" and body["max_score"] == 3
    assert [t["score"] for t in body["tests"]] == [1, 0.5, 0]


def test_the_workflow_commands_run_here(tmp_path):
    """The grading step's commands, with `edf-grader` spelled `python -m edf_autograder`."""
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "submissions" / "fails_2_3e_one_sided_difference", work)
    check = subprocess.run([sys.executable, "-m", "edf_autograder", "check", ".", "--quick", "--json", "result.json",
                            "--junit", "junit.xml", "--format", "markdown"],
                           cwd=work, capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert check.returncode == 1  # 2.3e fails
    assert check.stdout.startswith("### Exercise 2: Image Classification:") and "| 2.3e | fail |" in check.stdout
    payload = subprocess.run([sys.executable, "-m", "edf_autograder.integrations.classroom", "result.json"], cwd=work,
                             capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    body = json.loads(base64.b64decode(payload.stdout))
    assert body["status"] == "fail" and len(body["tests"]) == len(json.loads((work / "result.json").read_text())["items"])
    assert (work / "junit.xml").read_text().startswith("<?xml")
