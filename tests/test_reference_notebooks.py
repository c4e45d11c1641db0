"""The reference notebooks run end to end, as a student would run them: beside the
course's edf.py and mnist_loader.py on the full bundled data, with no grader involved.
Minutes of work (the course edf is slow), hence `slow`; the figures they print are
recorded in docs/reference-results.md."""
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import data
from autograder.stage import NOTEBOOKS, REFERENCE

TRAINING_CELLS = {
    "pcl": ["2.2a-train", "2.2c-train"],
    "image": ["2.3a-train", "2.3c-train", "2.3d-tanh-train", "2.3d-relu-train", "2.3d-leakyrelu-train",
              "2.3f-sigmoid", "2.3f-relu", "2.3g-sigmoid", "2.3g-relu", "2.3h-sigmoid", "2.3h-relu"],
}


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
