"""What the per-task check says when it cannot record (issue 23): the real reason and what to do,
never "run the cells from the top" when cells ran; which notebook a copy's name or the course
hand-out's cells say it is; the data found beside the notebook when the kernel runs elsewhere.
No kernel: a recorder fed cells as IPython's events would."""
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import nbformat
import pytest

from edf_autograder.selfcheck import check, notebook_file
from edf_autograder.selfcheck.recorder import Recorder, identify
from edf_ex2.exercise import EXERCISE


def _recorder(folder, namespace=None) -> Recorder:
    return Recorder(SimpleNamespace(user_ns=namespace or {}), EXERCISE, folder)


def _ran(recorder: Recorder, *sources: str) -> None:
    for n, source in enumerate(sources, 1):
        info = SimpleNamespace(raw_cell=source, cell_id=None)
        recorder.pre_run_cell(info)
        recorder.post_run_cell(SimpleNamespace(info=info, execution_count=n, error_before_exec=None,
                                               error_in_exec=None))


def _said(recorder: Recorder, capsys) -> str:
    with mock.patch("edf_autograder.selfcheck.check._shell", return_value=SimpleNamespace(_edf_selfcheck=recorder)):
        shown = check("2.3a")
    capsys.readouterr()
    assert list(shown) == []
    return " ".join(shown.notes)


def test_nothing_run_since_loading_says_to_run_the_cells(tmp_path, capsys):
    recorder = _recorder(tmp_path)
    _ran(recorder, "from edf_autograder.selfcheck import check")
    assert "run the notebook's cells from the top" in _said(recorder, capsys)


def test_a_notebook_neither_named_nor_recognised_says_so_not_run_from_the_top(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    recorder = _recorder(tmp_path)
    _ran(recorder, "from edf_autograder.selfcheck import check", "x = 1", "y = 2")
    said = _said(recorder, capsys)
    assert "cannot tell which notebook" in said and "does not name its file" in said and "3 cells" in said
    assert "from the top" not in said
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "notes.ipynb"))
    assert "'notes.ipynb' is neither" in _said(recorder, capsys)


def test_missing_data_names_the_file_and_where_it_looked(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    elsewhere = tmp_path / "notebooks"
    recorder = _recorder(tmp_path, {"__vsc_ipynb_file__": str(elsewhere / "Copy of image_classification.ipynb")})
    recorder.kind = notebook_file.kind_of(notebook_file.named(recorder.shell.user_ns), EXERCISE.files)
    assert recorder.kind == "image"
    _ran(recorder, "from edf_autograder.selfcheck import check", "import mnist_loader", "x = 1")
    said = _said(recorder, capsys)
    assert "cannot read the data" in said and str(tmp_path / "MNIST") in said and str(elsewhere / "MNIST") in said
    assert f"working folder ({tmp_path})" in said and "from the top" not in said and recorder.executions == []


def test_the_data_beside_the_notebook_is_found_when_the_kernel_runs_elsewhere(tmp_path, monkeypatch):
    beside = tmp_path / "notebooks"
    EXERCISE.data().stage(beside, quick=True)
    monkeypatch.setenv("JPY_SESSION_NAME", str(beside / "image_classification.ipynb"))
    recorder = _recorder(tmp_path / "kernel")
    assert recorder._find_data(EXERCISE.plans["image"]) and recorder.problem == ""
    assert recorder.data().folder == beside


@pytest.mark.parametrize("name, kind", [
    ("image_classification.ipynb", "image"), ("Copy of image_classification.ipynb", "image"),
    ("image_classification (1).ipynb", "image"), ("image_classification-1.ipynb", "image"),
    ("Copy of pcl_binary_classification (2).ipynb", "pcl"), ("alice_pcl_binary_classification.ipynb", "pcl"),
    ("pcl_binary_classification copy.ipynb", "pcl"), ("notes.ipynb", None), ("Untitled1.ipynb", None)])
def test_copies_names_say_which_notebook_it_is(name, kind):
    assert notebook_file.kind_of([Path(name)], EXERCISE.files) == kind


@pytest.mark.parametrize("kind", ["pcl", "image"])
def test_the_course_handouts_cells_say_which_notebook_it_is(course_handout, kind):
    nb = nbformat.read(course_handout / EXERCISE.files[kind], 4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert identify(EXERCISE, sources) == kind
    # known before the first task's cells: every cell that can build a graph is recorded
    first = next(i for i, s in enumerate(sources) if "edf." in s and "import" not in s)
    assert identify(EXERCISE, sources[:first]) == kind, sources[:first]


def test_a_recorder_bug_is_said_as_such(tmp_path, capsys, monkeypatch):
    recorder = _recorder(tmp_path)
    monkeypatch.setattr(recorder, "plan", mock.Mock(side_effect=RuntimeError("boom")))
    _ran(recorder, "from edf_autograder.selfcheck import check", "import mnist_loader")
    said = _said(recorder, capsys)
    assert "could not record a cell (boom)" in said and "from the top" not in said
