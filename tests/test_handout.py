"""The hand-out: no solution survives, the layout matches the reference cell for cell,
and the notebooks run until the first unfilled task fails with a clear TO-DO error."""
import nbformat
import pytest
from nbclient import NotebookClient

from autograder import data
from autograder.release import release, solution_lines, strip_notebook
from autograder.stage import NOTEBOOKS, REFERENCE

FIRST_TASK = {"pcl": "2.2a", "image": "2.3a"}


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    release(out)
    return out


@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_no_solution_line_survives(handout, kind):
    reference = nbformat.read(REFERENCE / NOTEBOOKS[kind], 4)
    secret = solution_lines(reference)
    assert len(secret) > 5
    text = "\n".join(c.source for c in nbformat.read(handout / NOTEBOOKS[kind], 4).cells)
    leaked = [line for line in secret if line in text]
    assert leaked == []


@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_layout_matches_reference_cell_for_cell(handout, kind):
    reference = nbformat.read(REFERENCE / NOTEBOOKS[kind], 4)
    stripped = nbformat.read(handout / NOTEBOOKS[kind], 4)
    assert [(c.cell_type, c.get("id"), c.metadata.get("tags")) for c in stripped.cells] == \
           [(c.cell_type, c.get("id"), c.metadata.get("tags")) for c in reference.cells]
    for ref, got in zip(reference.cells, stripped.cells):
        if "BEGIN SOLUTION" not in ref.source and "BEGIN ANSWER" not in ref.source:
            assert got.source == ref.source


def test_handout_has_every_file(handout):
    for name in ("edf.py", "mnist_loader.py", "2d_pcl_dataset.npz", "pen_and_paper.toml",
                 "MNIST/train-images.idx3-ubyte", "MNIST/t10k-labels.idx1-ubyte"):
        assert (handout / name).exists(), name


@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_handout_runs_until_the_first_task(tmp_path, kind, monkeypatch):
    """Executed top to bottom (quick data), the first error is a NameError or a TO-DO
    NotImplementedError, raised at or after the first task's cell."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    data.resolve().stage(tmp_path, quick=True)
    for name in ("edf.py", "mnist_loader.py"):
        (tmp_path / name).write_text((REFERENCE / name).read_text())
    nb = strip_notebook(nbformat.read(REFERENCE / NOTEBOOKS[kind], 4))
    first_task = next(i for i, c in enumerate(nb.cells) if FIRST_TASK[kind] in c.metadata.get("tags", []))
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors, "the hand-out ran through: a task is not stripped"
    index, first = errors[0]
    assert index >= first_task
    assert first.ename == "NameError" or (first.ename == "NotImplementedError" and "TO-DO" in first.evalue)
