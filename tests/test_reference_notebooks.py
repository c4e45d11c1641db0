"""The reference notebooks: written by scripts/build_reference_notebooks.py, tagged for
every cell the grader locates, and run end to end as a student would run them (beside the
course's edf.py and mnist_loader.py on the full bundled data, no grader involved). The
run takes minutes (the course edf is slow), hence `slow`; the figures it prints are
recorded in docs/reference-results.md."""
import importlib.util
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import data
from autograder.stage import NOTEBOOKS, REFERENCE

ROOT = REFERENCE.parent

TRAINING_CELLS = {
    "pcl": ["2.2a-train", "2.2c-train"],
    "image": ["2.3a-train", "2.3c-train", "2.3d-tanh-train", "2.3d-relu-train", "2.3d-leakyrelu-train",
              "2.3f-sigmoid", "2.3f-relu", "2.3g-sigmoid", "2.3g-relu", "2.3h-sigmoid", "2.3h-relu"],
}



def _generator():
    spec = importlib.util.spec_from_file_location("build_reference_notebooks",
                                                  ROOT / "scripts" / "build_reference_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_is_what_the_generator_writes():
    generator = _generator()
    for name, cells in generator.NOTEBOOKS.items():
        assert nbformat.writes(generator.notebook(cells)) == nbformat.writes(nbformat.read(REFERENCE / name, 4)), \
            f"{name} differs from its generator: run python scripts/build_reference_notebooks.py"


@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_tags_are_unique(kind):
    """Tags name subtasks for a reader (the grader finds evidence without them)."""
    tags = [t for c in nbformat.read(REFERENCE / NOTEBOOKS[kind], 4).cells for t in c.metadata.get("tags", [])]
    assert len(tags) == len(set(tags))


@pytest.mark.slow
@pytest.mark.parametrize("kind", NOTEBOOKS)
def test_reference_notebook_runs_end_to_end(tmp_path, kind, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    data.resolve().stage(tmp_path)
    for name in ("edf.py", "mnist_loader.py"):
        shutil.copyfile(REFERENCE / name, tmp_path / name)
    nb = nbformat.read(REFERENCE / NOTEBOOKS[kind], 4)
    NotebookClient(nb, timeout=1800, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [(c.id, o.ename, o.evalue) for c in nb.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors == []
    silent = [tag for tag in TRAINING_CELLS[kind]
              if not any(o.output_type == "stream" for c in nb.cells if tag in c.metadata.get("tags", [])
                         for o in c.outputs)]
    assert silent == [], "training cells that printed nothing"
