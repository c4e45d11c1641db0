"""The per-task check from the INSTALLED kit, where students run it (issue 23, part 2(b)): the kit
released and installed offline into a fresh environment (no grader on its path), the course's
hand-out filled in run by nbclient in a kernel of that environment, as each front end starts it:
JupyterLab / Notebook 7 (JPY_SESSION_NAME names the notebook), VS Code (`__vsc_ipynb_file__` in
the namespace), Colab (nothing names it, the notebook is a "Copy of ..." elsewhere, the data in
the kernel's working folder). The import first, `check("<task>")` after every task; every
table is read back from the saved outputs (its JSON) and each item's status and message must
be the grader's quick verdict. A wrong ReLU backward fails in both.
Skipped when ../shared/course-handout is absent."""
import json
import os
import shutil
from pathlib import Path
from unittest import mock

import nbformat
import pytest
from nbclient import NotebookClient

from edf_autograder.selfcheck.show import MIMETYPE
from edf_ex2.exercise import EXERCISE
from tests.handout import course, write_submission
from tests.handout.selfcheck import ends, truncated
from tests.kit_runs import grader_quick, offline_env

IMPORT = "from edf_autograder.selfcheck import check, check_all"
WHERE = "import edf_autograder\nprint(edf_autograder.__file__)"  # last cell: whose engine the kernel ran
KERNEL = "edf-kit"
THREADS = {"MPLBACKEND": "Agg", **dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")}


@pytest.fixture(scope="module")
def kit_kernels(kit_python, tmp_path_factory) -> dict:
    """A kernel spec of the kit's environment (its own python and ipykernel): JUPYTER_PATH finds it."""
    folder = tmp_path_factory.mktemp("jupyter") / "kernels" / KERNEL
    folder.mkdir(parents=True)
    spec = {"argv": [str(kit_python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "kit", "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return {"JUPYTER_PATH": str(folder.parent.parent)}


def _student_folder(folder: Path) -> Path:
    """What a student's hand-out folder holds beside the notebooks: edf, the loader, the data
    slice the grader's quick check trains on (so that both measure the same training)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in EXERCISE.staged.items():
        shutil.copy(source, folder / name)
    EXERCISE.data().stage(folder, quick=True)
    return folder


def _with_check_cells(nb: dict, kind: str) -> dict:
    """The notebook as a student writes it: the import first, `check(task)` after each task."""
    nb = course.clone(nb)
    for index, task in reversed([(i, t) for i, t in ends(kind) if i < len(nb["cells"])]):
        nb["cells"].insert(index + 1, course.code_cell(f"check({task!r})"))
    nb["cells"].insert(0, course.code_cell(IMPORT))
    nb["cells"].append(course.code_cell(WHERE))
    return nb


def _run(kernels, path: Path, cwd: Path, *, session_name: str | None = None, vscode: str | None = None):
    """Execute the notebook at `path` in the kit's kernel, started in `cwd` as a front end
    starts it; (each check's record, in order; the cells' errors; the engine's file)."""
    executed = nbformat.read(path, 4)
    env = {k: v for k, v in offline_env(**THREADS).items() if k != "JPY_SESSION_NAME"}
    env |= {"JPY_SESSION_NAME": session_name} if session_name else {}
    extra = [f"--IPKernelApp.exec_lines={[f'__vsc_ipynb_file__ = {vscode!r}']!r}"] if vscode else []
    with mock.patch.dict(os.environ, kernels):
        NotebookClient(executed, kernel_name=KERNEL, timeout=300, allow_errors=True, extra_arguments=extra,
                       resources={"metadata": {"path": str(cwd)}}).execute(env=env)
    errors = [(c.source[:60], o.ename, o.evalue) for c in executed.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    checks = [o["data"][MIMETYPE] for c in executed.cells if c.cell_type == "code"
              for o in c.outputs if MIMETYPE in o.get("data", {})]
    engine = "".join(o.get("text", "") for o in executed.cells[-1].outputs).strip()
    return checks, errors, engine


def _latest(checks: list[dict]) -> dict:
    """Each item's (status, message) from the last check that judged it."""
    return {i["id"]: (i["status"], i["message"]) for record in checks for i in record["items"]}


def _assert_as_the_grader(run, graded: Path, kit_python: Path) -> dict:
    checks, errors, engine = run
    assert errors == []
    assert engine.startswith(str(kit_python.parent.parent)), engine  # the kit's engine, not the repository's
    not_recorded = [r for r in checks if not r["items"]]
    assert not_recorded == [], not_recorded  # every check judged something (nothing "could not record")
    mine, grader = _latest(checks), grader_quick(graded, whole_trainings=True)
    assert mine == {i: grader[i] for i in mine}
    return mine


@pytest.fixture(scope="module")
def correct(course_handout, tmp_path_factory):
    """The hand-out filled in correctly (the "given" style), as the grader's quick check grades it."""
    return write_submission("given", course_handout, tmp_path_factory.mktemp("graded-correct"))


def test_jupyterlab_checks_every_task_of_the_correct_handout_as_the_grader(correct, kit_python, kit_kernels,
                                                                           tmp_path):
    student = _student_folder(tmp_path / "student")
    judged = {}
    for kind in ("pcl", "image"):
        path = student / EXERCISE.files[kind]
        nb = _with_check_cells(json.loads((correct / EXERCISE.files[kind]).read_text(encoding="utf-8")), kind)
        path.write_text(course.dumps(nb), encoding="utf-8")
        judged |= _assert_as_the_grader(_run(kit_kernels, path, student, session_name=str(path)), correct, kit_python)
    public = {c.spec.id for c in EXERCISE.checks() if c.spec.students == "verdict" and not c.spec.hidden}
    assert set(judged) == public  # every public item, each judged after its task
    assert {s for s, _ in judged.values()} <= {"pass", "skipped"}


@pytest.fixture(scope="module")
def wrong_relu(course_handout, tmp_path_factory):
    """The image notebook with a wrong ReLU backward, up to 2.3e (what is checked), graded alone."""
    graded = write_submission("relu_backward", course_handout, tmp_path_factory.mktemp("graded-relu"))
    image = truncated(json.loads((graded / course.IMAGE).read_text(encoding="utf-8")), "image", "2.3e")
    (graded / course.IMAGE).write_text(course.dumps(image), encoding="utf-8")
    (graded / course.PCL).unlink()
    return graded


def test_vscode_fails_a_wrong_relu_backward_as_the_grader_does(wrong_relu, kit_python, kit_kernels, tmp_path):
    student = _student_folder(tmp_path / "student")
    path = student / f"{EXERCISE.files['image'].removesuffix('.ipynb')} (1).ipynb"  # a second download
    nb = _with_check_cells(json.loads((wrong_relu / course.IMAGE).read_text(encoding="utf-8")), "image")
    path.write_text(course.dumps(nb), encoding="utf-8")
    judged = _assert_as_the_grader(_run(kit_kernels, path, student, vscode=str(path)), wrong_relu, kit_python)
    assert judged["2.3d-relu"][0] == "fail" and "backward: at x=2" in judged["2.3d-relu"][1]
    assert grader_quick(wrong_relu)["2.3d-relu"][0] == "fail"


def test_colab_knows_a_copy_elsewhere_by_its_cells_and_finds_the_data_in_the_working_folder(wrong_relu, kit_python,
                                                                                           kit_kernels, tmp_path):
    data = _student_folder(tmp_path / "content")  # the kernel's folder, where the data was uploaded
    drive = tmp_path / "drive" / "Colab Notebooks"
    drive.mkdir(parents=True)
    path = drive / f"Copy of {course.IMAGE}"  # nothing names it to the kernel: its cells do
    nb = _with_check_cells(json.loads((wrong_relu / course.IMAGE).read_text(encoding="utf-8")), "image")
    path.write_text(course.dumps(nb), encoding="utf-8")
    judged = _assert_as_the_grader(_run(kit_kernels, path, data), wrong_relu, kit_python)
    assert judged["2.3d-relu"][0] == "fail" and {s for i, (s, _) in judged.items() if i != "2.3d-relu"} <= {"pass", "skipped"}
