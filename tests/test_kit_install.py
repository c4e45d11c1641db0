"""The students' self-check kit as students and CI get it (issue 18, parts 4-6): `release
--wheels` writes it; it installs with no network into a fresh environment; it runs where
Linux-only modules and bubblewrap are missing; the Classroom workflow's steps install it from
the template folder and give the reporter its payload; its verdicts are the grader's quick ones.
"""
import base64
import json
import shutil
import subprocess

import pytest
import yaml

from edf_autograder.integrations import classroom
from edf_ex2.exercise import EXERCISE
from tests.kit_runs import ROOT, bin_dir, grader_quick, make_venv, offline_env, run_kit, verdicts

EXAMPLES = sorted(p for p in (ROOT / "submissions").iterdir() if p.is_dir() and "never_finishes" not in p.name)
DEFAULT = "fails_2_3d_relu_backward"  # the others' equality is `slow`
PUBLIC = {c.spec.id for c in EXERCISE.checks() if c.spec.students == "verdict" and not c.spec.hidden}


@pytest.fixture(scope="module")
def kit_results(kit_python, tmp_path_factory):
    """The installed kit's runs, one per example, made on first use (Linux-only modules blocked)."""
    runs = {}

    def run(name: str):
        if name not in runs:
            runs[name] = run_kit(kit_python, ROOT / "submissions" / name, tmp_path_factory.mktemp(name), blocked=True)
        return runs[name]
    return run


def test_the_kit_installs_offline_without_the_grader(kit_python):
    probe = ("import importlib.util as u, json; print(json.dumps({m: u.find_spec(m) is not None for m in "
             "['edf_selfcheck', 'edf_autograder.kit.cli', 'edf_autograder.kernel.sandbox', "
             "'edf_autograder.kernel.memory_cap', 'edf_autograder.batch', 'edf_ex2.key', 'edf_ex2.data', "
             "'edf_ex2.s2_1a_derivatives', 'jinja2', 'tqdm']}))")
    # -I: not the repository's modules from the working folder
    found = json.loads(subprocess.run([str(kit_python), "-I", "-c", probe], capture_output=True, text=True, check=True,
                                      env=offline_env()).stdout)
    assert found == {"edf_selfcheck": True, "edf_autograder.kit.cli": True,
                     "edf_autograder.kernel.sandbox": False, "edf_autograder.kernel.memory_cap": False,
                     "edf_autograder.batch": False, "edf_ex2.key": False, "edf_ex2.data": False,
                     "edf_ex2.s2_1a_derivatives": False, "jinja2": True, "tqdm": False}  # jinja2: the notebook table
    named = subprocess.run([str(kit_python), "-I", "-c", "from edf_autograder.exercise import load; "
                            "e = load('ex2'); print(type(e).__name__, len(e.checks()))"],
                           capture_output=True, text=True, check=True, env=offline_env()).stdout.split()
    assert named == ["KitExercise", str(len(EXERCISE.checks()))]  # found by name, as on the grader
    usage = subprocess.run([str(bin_dir(kit_python.parent.parent) / "edf-selfcheck"), "--help"],
                           capture_output=True, text=True, env=offline_env(), cwd=kit_python.parent)
    assert usage.returncode == 0 and "official grade" in usage.stdout
    # the per-task check of the hand-out's first cell imports from the kit alone
    notebook = subprocess.run([str(kit_python), "-I", "-c", "from edf_autograder.selfcheck import check, check_all; "
                               "print(callable(check) and callable(check_all))"],
                              capture_output=True, text=True, env=offline_env())
    assert notebook.stdout.strip() == "True", notebook.stderr[-2000:]


def test_the_kit_runs_without_linux_only_modules_or_bubblewrap(kit_results):
    result, done = kit_results(DEFAULT)
    assert done.returncode == 1, done.stderr[-2000:]  # 2.3d-relu fails
    assert "Isolation: none (the self-check runs your notebooks on your machine" in done.stdout
    tried = done.stderr.strip().splitlines()[-1].removeprefix("TRIED").split()
    assert not {t.split(".")[0] for t in tried} & {"jinja2", "matplotlib", "tqdm", "dask", "threadpoolctl"}, tried
    items = {i["id"]: i for i in result["items"]}
    assert items["2.3d-relu"]["status"] == "fail" and "backward: at x=2" in items["2.3d-relu"]["message"]
    assert items["2.1a-v"]["status"] == "read" and "reads as -y_i/p_i" in items["2.1a-v"]["message"]
    assert items["2.1b"]["status"] == "manual" and "graded by a tutor" in items["2.1b"]["message"]


@pytest.mark.parametrize("example", [pytest.param(e.name, marks=() if e.name == DEFAULT else pytest.mark.slow)
                                     for e in EXAMPLES])
def test_the_kits_verdicts_are_the_graders_quick_verdicts(example, kit_results):
    result, done = kit_results(example)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    kit, grader = verdicts(result), grader_quick(ROOT / "submissions" / example)
    assert {i: kit[i] for i in PUBLIC} == {i: grader[i] for i in PUBLIC}
    assert set(kit) == set(grader)  # every item listed; the others only read back or left to a tutor
    assert all(kit[i][0] in ("read", "manual") for i in set(kit) - PUBLIC)


def test_the_classroom_workflow_installs_the_kit_from_the_template_and_reports_public_items(kit_template, tmp_path):
    """The workflow's run steps, in a fresh environment, on the template as released (a student's
    first push: the hand-out's notebooks with their TO-DOs; graded submissions are tested above)."""
    steps = yaml.safe_load(classroom.workflow())["jobs"]["run-autograding-tests"]["steps"]
    commands = [s["run"] for s in steps if "run" in s]
    assert len(commands) == 2 and "selfcheck/" in commands[0] and "edf-autograder" not in commands[0]
    repo = tmp_path / "student-repo"
    shutil.copytree(kit_template, repo)
    python = make_venv(tmp_path / "runner")
    outputs, summary = tmp_path / "github_output", tmp_path / "step_summary"
    env = offline_env(PATH=f"{bin_dir(python.parent.parent)}:/usr/bin:/bin", GITHUB_OUTPUT=str(outputs),
                      GITHUB_STEP_SUMMARY=str(summary), HYPOTHESIS_PROFILE="ci")
    for command in commands:
        done = subprocess.run(["bash", "-e", "-c", command], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, (command, done.stderr[-2000:])
    body = json.loads(base64.b64decode(outputs.read_text().strip().removeprefix("result=")))
    tests = {t["name"].split()[0]: t for t in body["tests"]}
    assert set(tests) == PUBLIC
    assert body["max_score"] == sum(c.spec.points for c in EXERCISE.checks() if c.spec.id in PUBLIC)
    assert body["status"] == "fail" and tests["2.3e"]["status"] == "fail" and tests["2.3e"]["score"] == 0
    assert "TO-DO" in tests["2.3d-relu"]["message"] or "NotImplementedError" in tests["2.3d-relu"]["message"]
    assert "| 2.3e | fail |" in summary.read_text() and "| 2.1a-i | read |" in summary.read_text()
