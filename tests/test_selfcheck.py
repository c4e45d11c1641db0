"""The self-check inside a student's notebook (issue 18, part 3), in real kernels (nbclient):
the course's hand-out filled in correctly passes every public item after every task; the
faulty variants fail with the grader's own message (`grade(..., quick=True)`); the import
path is portable; the self-check's own trouble is one line, never a traceback.
Skipped when ../shared/course-handout is absent."""
import json
import os
import shutil
import subprocess
import sys
from types import SimpleNamespace
from unittest import mock

import nbformat
import pytest
from nbclient import NotebookClient

from edf_autograder.checking.verdicts import ERROR, FAIL, ItemResult
from edf_autograder.evidence.capture import Snapshot
from edf_autograder.kernel.cells import CellRun
from edf_autograder.pipeline import grade
from edf_autograder.selfcheck import assemble, check, check_all, notebook_file
from edf_autograder.selfcheck.recorder import Execution
from edf_autograder.selfcheck.show import Verdicts
from edf_autograder.selfcheck.tasks import UnknownTask, select, visible
from edf_ex2.exercise import EXERCISE
from tests.handout import course, write_submission
from tests.handout.selfcheck import read_verdicts, truncated, with_checks
from tests.test_course_handout import expected

THREADS = {"MPLBACKEND": "Agg", **dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")}
PUBLIC = [c.spec.id for c in EXERCISE.checks() if visible(c.spec)]
FAULTS = {"2.3d-relu": "backward: at x=2 with upstream gradient 1 the gradient added to the input was 2",
          "2.3e": "is the quotient symmetric",
          "2.3c-graph": "MLP: expected Affine784->64 -> Sigmoid -> Affine64->10 -> Softmax, found Affine784->10 -> Softmax"}


def _student_folder(folder):
    """What the kit's hand-out folder holds beside the notebooks: edf, the loader, the data slice."""
    for name, source in EXERCISE.staged.items():
        shutil.copy(source, folder / name)
    EXERCISE.data().stage(folder, quick=True)
    return folder


def _run(folder, kind: str, nb: dict, extra=()) -> tuple[dict, list]:
    """Execute the notebook with its check cells in `folder`: (verdicts by task, cell errors)."""
    nb, _ = with_checks(nb, kind)
    for index, source in extra:
        nb["cells"].insert(index, course.code_cell(source))
    path = folder / EXERCISE.files[kind]
    path.write_text(course.dumps(nb), encoding="utf-8")
    executed = nbformat.read(path, 4)
    with mock.patch.dict(os.environ, THREADS):  # one BLAS thread, as the grader's kernels have
        NotebookClient(executed, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
    errors = [(c.source[:60], o.ename, o.evalue) for c in executed.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    return read_verdicts(folder), errors


def _latest(verdicts: dict) -> dict:
    """Each item's verdict from the last check that judged it."""
    return {item["id"]: item for items in verdicts.values() for item in items}


# ---- in real kernels ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["pcl", "image"])
def test_correct_handout_passes_every_public_item_after_every_task(course_handout, tmp_path, kind):
    write_submission("given", course_handout, tmp_path)
    nb = json.loads((tmp_path / EXERCISE.files[kind]).read_text(encoding="utf-8"))
    verdicts, errors = _run(_student_folder(tmp_path), kind, nb)
    assert errors == []
    got = _latest(verdicts)
    mine = [i for i in PUBLIC if EXERCISE.section_of(i) == {"pcl": "2.2", "image": "2.3"}[kind]]
    assert sorted(got) == sorted(mine)
    # the student's kernel trains to the end: the in-notebook check decides what a quick grading skips
    wrong = {i: (v["status"], v["message"][:200]) for i, v in got.items()
             if v["status"] != expected(i, quick=True, whole_trainings=True)}
    assert wrong == {}


@pytest.fixture(scope="module")
def three_faults(course_handout, tmp_path_factory):
    """(the self-check's verdicts, the grader's quick result) of one image notebook with a
    wrong ReLU backward, a one-sided quotient and 2.3c without its hidden layer, up to 2.3e."""
    graded = write_submission("three_faults", course_handout, tmp_path_factory.mktemp("graded"))
    image = truncated(json.loads((graded / course.IMAGE).read_text(encoding="utf-8")), "image", "2.3e")
    (graded / course.IMAGE).write_text(course.dumps(image), encoding="utf-8")
    (graded / course.PCL).unlink()
    result = grade(graded, quick=True)
    student = _student_folder(tmp_path_factory.mktemp("student"))
    # after the import and the two loading cells: 2.3c not built yet, 2.2a in the other notebook
    early = [(4, "verdicts['early'] = check('2.3c')"), (5, "verdicts['other'] = check('2.2a')"),
             (6, "magic = %check 2.3a\nverdicts['magic'] = magic")]
    verdicts, errors = _run(student, "image", image, extra=early)
    return verdicts, result, errors, graded


def test_each_fault_fails_with_the_graders_message(three_faults):
    verdicts, result, errors, _ = three_faults
    assert errors == []
    mine = _latest({t: v for t, v in verdicts.items() if t not in ("early", "other", "magic")})
    grader = {i.id: i for i in result.items}
    for item, words in FAULTS.items():
        assert mine[item]["status"] == grader[item].status == FAIL, (mine[item], grader[item])
        assert mine[item]["message"] == grader[item].message and words in grader[item].message
    # never more lenient, never harsher: every item the self-check judged, as the grader did
    assert {i: (v["status"], v["message"]) for i, v in mine.items()} == \
        {i: (grader[i].status, grader[i].message) for i in mine}


def test_a_task_not_done_yet_or_of_the_other_notebook_says_what_is_missing(three_faults):
    verdicts = three_faults[0]
    early = {v["id"]: v for v in verdicts["early"]}["2.3c-graph"]
    assert early["status"] == "not found" and "no trained Sigmoid MLP" in early["message"], early
    other = {v["id"]: v for v in verdicts["other"]}["2.2a-graph"]
    assert other["status"] == "not found" and "pcl_binary_classification.ipynb" in other["message"], other
    magic = {v["id"]: v["status"] for v in verdicts["magic"]}
    assert magic == {"2.3a-graph": "not found", "2.3a-error": "skipped"}  # `%check 2.3a` before 2.3a ran


def test_check_all_gives_the_graders_quick_verdicts_of_the_saved_notebook(three_faults, capsys):
    result, folder = three_faults[1], three_faults[3]
    shown = check_all(folder)
    assert "saved" in capsys.readouterr().out
    assert {i.id: (i.status, i.message) for i in shown} == \
        {i.id: (i.status, i.message) for i in result.items if i.id in PUBLIC}


# ---- without a kernel ---------------------------------------------------------------------------

def test_the_selfcheck_imports_nothing_linux_only_nor_the_sandbox():
    code = ("import sys; import edf_autograder.selfcheck; "
            "print([m for m in ('resource', 'fcntl', 'termios', 'edf_autograder.kernel.sandbox', "
            "'edf_autograder.kernel.memory_cap', 'edf_autograder.kernel.process_tree', 'edf_autograder.pipeline', "
            "'nbclient') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_outside_a_notebook_check_explains_in_one_line(capsys):
    got = check("2.3a")
    printed = capsys.readouterr().out
    assert list(got) == [] and "first cell" in printed and "Traceback" not in printed


@pytest.mark.parametrize("task, words", [("2.9z", "2.2a, 2.2b"), ("2.3b", "tutor"), ("2.1a", "tutor")])
def test_a_task_the_selfcheck_cannot_judge_is_named(task, words):
    with pytest.raises(UnknownTask, match=words):
        select(EXERCISE, task)


def test_tasks_select_their_items():
    assert [c.spec.id for c in select(EXERCISE, "2.3d-relu")] == ["2.3d-relu-mlp", "2.3d-relu"]
    assert {c.spec.id for c in select(EXERCISE, "2.2")} == {i for i in PUBLIC if i.startswith("2.2")}


def test_the_table_escapes_student_text_and_shows_a_checker_bug_as_one_line():
    items = [ItemResult("2.3e", "<b>t</b>", "2.3", 0, 2, FAIL, "your <script>alert(1)</script>", 0.1, "cell 3"),
             ItemResult("2.3d-relu", "ReLU", "2.3", 0, 1.5, ERROR,
                        "internal grader error (the instructor will look at it):\nTraceback ...\n  File x\nKeyError: 'a'", 0.1)]
    table = Verdicts("check('2.3')", items)
    html = table._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;t&lt;/b&gt;" in html
    assert "not your code" in table.text() and "KeyError: 'a'" in table.text() and "Traceback" not in table.text()


# ---- cells run in any order, and again ----------------------------------------------------------

def _nb(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# title")])
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_cells_are_placed_by_id_else_by_text_as_the_saved_file_has_them():
    nb = _nb("a = 1", "plot()", "b = 2", "plot()")
    assert notebook_file.positions(nb, [(None, "b = 2"), (None, "plot()"), (None, "plot()")]) == [3, 2, 4]
    assert notebook_file.positions(nb, [(nb.cells[3].id, "b = 3")]) == [3]  # edited after saving: its id says where
    assert notebook_file.positions(nb, [(None, "c = 3")]) is None  # not in the file: numbered as they ran


def _execution(number, key, checksum, capture=None):
    graph = SimpleNamespace(identity=lambda: ("g",), weights_checksum=lambda: checksum)
    run = CellRun(number, "ok")
    return Execution(number, key, f"cell {key}", Snapshot(number, run, graph=graph, capture=capture))


def test_each_cell_counts_as_it_last_ran_and_keeps_the_capture_of_the_same_graph():
    trained = {"graph": "trained"}
    runs = [_execution(0, "build", 1, {"graph": "new"}), _execution(1, "train", 2, trained),
            _execution(2, "build", 1), _execution(3, "train", 2)]  # both run again, nothing changed
    latest = assemble._latest(runs)
    assert [(e.cell_id, e.number, e.snap.capture) for e in latest] == \
        [("build", 2, {"graph": "new"}), ("train", 3, trained)]
    retrained = assemble._latest(runs + [_execution(4, "train", 3)])
    assert retrained[1].number == 4 and retrained[1].snap.capture is None  # a new state: no old capture
