"""Nothing left behind (issue 23, part 5): the grader's check and the in-notebook self-check
write nothing into a student's folder except the reports asked for: no `.hypothesis/` (its
example database is off, its storage in the user's cache folder), no exchange files, no executed
copies, no caches. (The installed kit's `edf-selfcheck .` is tested the same way in
test_kit_install.py, in its fresh environment.)"""
import json
import os
import shutil
import subprocess
import sys

from edf_ex2.exercise import EXERCISE
from tests.handout import course, write_submission
from tests.handout.selfcheck import truncated
from tests.kit_runs import ROOT
from tests.left_behind import changes, snapshot
from tests.test_selfcheck import _run, _student_folder


def test_the_graders_quick_check_writes_only_its_reports_into_the_folder(tmp_path):
    folder = tmp_path / "passes_all"
    shutil.copytree(ROOT / "submissions" / "passes_all", folder)
    before = snapshot(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS")}
    # run from inside the folder, as a student runs it: hypothesis's storage defaults to ./.hypothesis
    done = subprocess.run([sys.executable, str(ROOT / "grader.py"), "check", "--quick", ".", "--json", "result.json",
                           "--junit", "result.xml"], cwd=folder, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert json.loads((folder / "result.json").read_text())["items"]  # the report asked for is there
    assert changes(before, snapshot(folder), asked={"result.json", "result.xml"}) == {}


def test_the_in_notebook_check_writes_nothing_into_the_notebooks_folder(course_handout, tmp_path):
    """The image notebook up to 2.3d's ReLU (its activations' checks run hypothesis) with a check
    after every task, in a kernel whose working folder is the student's."""
    graded = write_submission("given", course_handout, tmp_path / "filled")
    nb = json.loads((graded / course.IMAGE).read_text(encoding="utf-8"))
    (tmp_path / "student").mkdir()
    folder = _student_folder(tmp_path / "student")
    # what the notebook itself writes: the file run (written by _run), the test's verdicts, its imports' bytecode
    own = {EXERCISE.files["image"], "selfcheck.json", "__pycache__",
           *(f"__pycache__/{m}.{sys.implementation.cache_tag}.pyc" for m in ("edf", "mnist_loader"))}
    before = snapshot(folder)
    verdicts, errors = _run(folder, "image", truncated(nb, "image", "2.3d-relu"))
    assert errors == [] and "2.3d-relu" in verdicts
    assert changes(before, snapshot(folder), asked=own) == {}


def test_loading_the_course_files_writes_no_bytecode_beside_them(tmp_path, monkeypatch):
    """Tests and benches load ../shared/course-handout's edf.py and loaders as modules: a
    `__pycache__` must not appear in the course's folder, even where Python writes bytecode."""
    from tests.modules import load_file  # also what bench/pcl_steps.py loads the course's edf.py with

    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as under tox (PYTHONDONTWRITEBYTECODE unset)

    for name in ("edf.py", "mnist_loader.py"):
        shutil.copyfile(ROOT / "reference" / name, tmp_path / name)
    before = snapshot(tmp_path)
    load_file("copied_edf", tmp_path / "edf.py")
    assert load_file("copied_loader", tmp_path / "mnist_loader.py").load_mnist
    assert changes(before, snapshot(tmp_path)) == {}


def test_hypothesis_keeps_its_storage_out_of_the_working_folder(tmp_path):
    """Directly, in a fresh process started in the folder: its default is ./.hypothesis."""
    code = ("import hypothesis.configuration as c\n"
            "from edf_autograder.checking.hypothesis_storage import keep_out_of_the_working_folder\n"
            "keep_out_of_the_working_folder()\n"
            "print(c.storage_directory('x', intent_to_write=False).path)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS")} | {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    (tmp_path / "work").mkdir()
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "work", env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(tmp_path / "cache" / "edf-autograder" / "hypothesis" / "x")
