"""The hand-out: no solution survives, the layout matches the reference cell for cell,
and the notebooks run until the first unfilled task fails with a clear TO-DO error."""
import ast

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient

from edf_autograder.answers.sheet import blank_answer_file
from edf_autograder.integrations.release import MarkerError, release, solution_lines, strip_notebook
from edf_ex2.exercise import ANSWER_SHEET, EXERCISE, REFERENCE

NOTEBOOKS = EXERCISE.files

FIRST_TASK = {"pcl": "2.2a", "image": "2.3a"}


def _reference(kind):
    return nbformat.read(REFERENCE / NOTEBOOKS[kind], 4)


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    release(out, quick=True)
    return out


def _notebook(*sources):
    nb = nbformat.v4.new_notebook()
    for i, (kind, text) in enumerate(sources):
        cell = nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
        cell.id, cell.metadata["tags"] = f"cell-{i}", [f"t{i}"]
        nb.cells.append(cell)
    return nb


def test_module_level_region_leaves_only_the_todo_comment():
    nb = _notebook(("code", "a = 1\n# BEGIN SOLUTION define b\nb = a + 1\n# END SOLUTION\nprint(b)"))
    assert strip_notebook(nb).cells[0].source == "a = 1\n# TO-DO: define b\nprint(b)"


def test_indented_region_raises_a_todo_naming_the_cell():
    nb = _notebook(("code", "def f(x):\n    # BEGIN SOLUTION square x\n    return x * x\n    # END SOLUTION"))
    assert strip_notebook(nb).cells[0].source == (
        "def f(x):\n    # TO-DO: square x\n    raise NotImplementedError('TO-DO t0: square x')")


def test_answer_outputs_tags_and_ids():
    nb = _notebook(("md", "Q?\n<!-- BEGIN ANSWER -->\nforty-two\n<!-- END ANSWER -->"), ("code", "1 + 1"))
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="2\n")]
    nb.cells[1].execution_count = 3
    stripped = strip_notebook(nb)
    assert stripped.cells[0].source == "Q?\n*Your answer here.*"
    assert stripped.cells[1].outputs == [] and stripped.cells[1].execution_count is None
    assert [(c.id, c.metadata.tags) for c in stripped.cells] == [(c.id, c.metadata.tags) for c in nb.cells]
    assert solution_lines(nb) == {"forty-two"}
    assert nb.cells[1].outputs, "strip_notebook must not change its argument"


@pytest.mark.parametrize("source", [
    "# BEGIN SOLUTION\nx = 1",
    "x = 1\n# END SOLUTION",
    "# BEGIN SOLUTION\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION",
])
def test_unpaired_markers_are_an_error(source):
    with pytest.raises(MarkerError, match="t0"):
        strip_notebook(_notebook(("code", source)))


@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_no_solution_line_survives(handout, kind):
    secret = solution_lines(_reference(kind))
    assert len(secret) > 5
    text = "\n".join(c.source for c in nbformat.read(handout / NOTEBOOKS[kind], 4).cells)
    assert [line for line in secret if line in text] == []


@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_layout_matches_reference_cell_for_cell(handout, kind):
    reference = _reference(kind)
    stripped = _without_self_check(nbformat.read(handout / NOTEBOOKS[kind], 4))
    assert [(c.cell_type, c.get("id"), c.metadata.get("tags")) for c in stripped.cells] == \
           [(c.cell_type, c.get("id"), c.metadata.get("tags")) for c in reference.cells]
    for ref, got in zip(reference.cells, stripped.cells):
        if "BEGIN SOLUTION" not in ref.source and "BEGIN ANSWER" not in ref.source:
            assert got.source == ref.source
        if got.cell_type == "code":
            assert got.outputs == [] and got.execution_count is None
            ast.parse(TransformerManager().transform_cell(got.source))  # an emptied block would not compile


def _without_self_check(nb):
    nb.cells = [c for c in nb.cells if "selfcheck" not in c.metadata.get("tags", [])]
    return nb


@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_a_commented_check_line_follows_each_task(handout, kind):
    nb = nbformat.read(handout / NOTEBOOKS[kind], 4)
    assert nb.cells[0].source.endswith("# from edf_autograder.selfcheck import check, check_all")
    lines = [(i, c.source) for i, c in enumerate(nb.cells) if c.source.startswith("# check(")]
    after = {src.split("'")[1]: nb.cells[i - 1].metadata.get("tags", [""])[0] for i, src in lines}
    want = {"pcl": {"2.2a": "2.2a-train", "2.2b": "2.2b", "2.2c": "2.2c-train", "2.2d": "2.2d"},
            "image": {"2.3a": "2.3a-train", "2.3c": "2.3c-train", "2.3d-tanh": "2.3d-tanh-train",
                      "2.3d-relu": "2.3d-relu-train", "2.3d-leakyrelu": "2.3d-leakyrelu-train", "2.3e": "2.3e-plot-activations",
                      "2.3f-sigmoid": "2.3f-sigmoid-plot", "2.3f-relu": "2.3f-relu-plot", "2.3g-sigmoid": "2.3g-sigmoid-plot",
                      "2.3g-relu": "2.3g-relu-plot", "2.3h-sigmoid": "2.3h-sigmoid-plot", "2.3h-relu": "2.3h-relu-plot"}}
    assert after == want[kind]


def test_handout_has_every_file(handout):
    for name in ("edf.py", "mnist_loader.py", "2d_pcl_dataset.npz", "pen_and_paper.toml",
                 "MNIST/train-images.idx3-ubyte", "MNIST/train-labels.idx1-ubyte",
                 "MNIST/t10k-images.idx3-ubyte", "MNIST/t10k-labels.idx1-ubyte"):
        assert (handout / name).is_file(), name
    assert (handout / "edf.py").read_bytes() == (REFERENCE / "edf.py").read_bytes()
    assert (handout / "pen_and_paper.toml").read_text(encoding="utf-8") == blank_answer_file(ANSWER_SHEET)


# The rate sweeps' plots draw the student's error lists; an unfilled sweep leaves them empty
# and matplotlib refuses to plot them against the three rates (as in the course's hand-out).
EMPTY_SWEEP_PLOTS = {"2-3f-sigmoid-plot", "2-3f-relu-plot"}


def _is_todo(error, cell) -> bool:
    return (error.ename == "NameError" or (error.ename == "NotImplementedError" and "TO-DO" in error.evalue)
            or (cell.id in EMPTY_SWEEP_PLOTS and error.ename == "ValueError"))


@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_handout_runs_until_the_first_task(handout, kind, monkeypatch):
    """Executed top to bottom in the hand-out folder (quick data), the first error is a
    NameError or a TO-DO NotImplementedError at or after the first task's cell, and no
    given cell fails in any other way."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(handout / NOTEBOOKS[kind], 4)
    first_task = next(i for i, c in enumerate(nb.cells) if FIRST_TASK[kind] in c.metadata.get("tags", []))
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(handout)}})
    client.execute()
    errors = [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors, "the hand-out ran through: a task is not stripped"
    index, first = errors[0]
    assert index >= first_task, (nb.cells[index].metadata.get("tags"), first.ename, first.evalue)
    assert _is_todo(first, nb.cells[index]), (first.ename, first.evalue)
    assert [(nb.cells[i].id, e.ename, e.evalue) for i, e in errors if not _is_todo(e, nb.cells[i])] == []
