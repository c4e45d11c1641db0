"""A quick check stops the point cloud's given trainings early (issue 23, part 6: the plan's
`quick_updates`, the grading runtime's quick mode): the items that read a trained error skip
with the reason, the report notes which training stopped, and a full check trains and decides."""
import shutil

import nbformat
import pytest

from edf_autograder.pipeline import grade
from edf_ex2.exercise import EXERCISE
from tests.kit_runs import ROOT
from tests.test_course_handout import STOPPED_IN_QUICK

STEPS = 3000  # the notebook's 100,000, shortened so that the full run is quick too


@pytest.fixture(scope="module")
def point_cloud(tmp_path_factory):
    """The example's point-cloud notebook alone, each training cell at STEPS steps."""
    folder = tmp_path_factory.mktemp("pcl")
    name = EXERCISE.files["pcl"]
    nb = nbformat.read(ROOT / "submissions" / "passes_all" / name, 4)
    trainings = [c for c in nb.cells if c.cell_type == "code" and "num_steps = 100000" in c.source]
    assert len(trainings) == 2
    for cell in trainings:
        cell.source = cell.source.replace("num_steps = 100000", f"num_steps = {STEPS}")
    nbformat.write(nb, folder / name)
    shutil.copy(ROOT / "submissions" / "passes_all" / "pen_and_paper.toml", folder)
    return folder


def _items(result) -> dict:
    return {i.id: i for i in result.items}


def test_quick_mode_skips_the_trained_errors_of_a_stopped_training_and_says_so(point_cloud):
    assert STOPPED_IN_QUICK == {"2.2a-error", "2.2c-error"}  # the items declared trained=True
    result = grade(point_cloud, quick=True)
    items = _items(result)
    for item in STOPPED_IN_QUICK:
        assert items[item].status == "skipped", items[item].message
        assert f"after 1,000 of its {STEPS:,} steps" in items[item].message
    for item in ("2.2a-graph", "2.2c-graph", "2.2b", "2.2d"):  # read no trained error: decided as ever
        assert items[item].status == "pass", (item, items[item].message)
    stopped = [n for n in result.notes if "quick mode stopped" in n]
    assert len(stopped) == 2 and all(f"1,000 of its {STEPS:,} steps" in n for n in stopped), result.notes


def test_a_full_check_trains_every_step_and_decides(point_cloud):
    result = grade(point_cloud, quick=False)
    items = _items(result)
    for item in STOPPED_IN_QUICK:
        assert items[item].status in ("pass", "fail") and "the grader counts" in items[item].message
    assert not [n for n in result.notes if "quick mode stopped" in n]


def test_a_training_within_the_budget_is_decided_in_quick_mode(point_cloud, tmp_path):
    """Fewer steps than the budget: nothing stops, the quick check decides the errors."""
    folder = tmp_path / "short"
    shutil.copytree(point_cloud, folder)
    path = folder / EXERCISE.files["pcl"]
    path.write_text(path.read_text(encoding="utf-8").replace(f"num_steps = {STEPS}", "num_steps = 500"),
                    encoding="utf-8")
    items = _items(grade(folder, quick=True))
    for item in STOPPED_IN_QUICK:
        assert items[item].status in ("pass", "fail") and "the grader counts" in items[item].message
