"""Capture cells are found by tag, and by content when students' editors drop metadata
or students insert and move cells."""
import nbformat
import pytest

from autograder.locate import IMAGE_KEYS, PCL_KEYS, locate
from autograder.pipeline import grade
from autograder.stage import NOTEBOOKS, REFERENCE


def _strip_metadata(nb):
    """As an older editor saves it: nbformat 4.4, no cell ids, no cell metadata."""
    nb.nbformat_minor = 4
    for cell in nb.cells:
        cell.metadata = {}
        cell.pop("id", None)
    return nb


@pytest.mark.parametrize("kind, keys", [("pcl", PCL_KEYS), ("image", IMAGE_KEYS)])
def test_content_rules_find_the_tagged_cells(kind, keys):
    nb = nbformat.read(REFERENCE / NOTEBOOKS[kind], 4)
    by_tag, missing = locate(nb, kind)
    assert missing == {} and set(by_tag) == set(keys)
    by_content, missing = locate(_strip_metadata(nb), kind)
    assert missing == {} and by_content == by_tag


def test_inserted_cells_do_not_confuse_the_rules():
    nb = _strip_metadata(nbformat.read(REFERENCE / NOTEBOOKS["image"], 4))
    expected, _ = locate(nb, "image")
    extra = nbformat.v4.new_code_cell("# my scratch work\nprint(train_images.shape)")
    nb.cells.insert(5, extra)
    nb.cells.insert(20, nbformat.v4.new_code_cell("x = 1"))
    found, missing = locate(nb, "image")
    assert missing == {}
    assert found == {k: i + (i >= 5) + (i + (i >= 5) >= 20) for k, i in expected.items()}


def test_a_missing_cell_is_named():
    nb = _strip_metadata(nbformat.read(REFERENCE / NOTEBOOKS["image"], 4))
    nb.cells = [c for c in nb.cells if "class LeakyReLU" not in c.source]
    _, missing = locate(nb, "image")
    assert "2.3d-leakyrelu" in missing and "could not find" in missing["2.3d-leakyrelu"]


def test_stripped_metadata_is_graded_the_same(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    for name in NOTEBOOKS.values():
        nbformat.write(_strip_metadata(nbformat.read(REFERENCE / name, 4)), sub / name)
    (sub / "pen_and_paper.toml").write_text((REFERENCE / "pen_and_paper.toml").read_text())
    plain = grade(REFERENCE, quick=True)
    stripped = grade(sub, quick=True)
    assert [(i.id, i.status, i.points) for i in stripped.items] == [(i.id, i.status, i.points) for i in plain.items]
