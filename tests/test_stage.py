"""Staging: notebooks found by name or content, archives unpacked safely, broken
notebooks reported with the file and the problem."""
import json
import stat
import zipfile
from dataclasses import replace

import nbformat
import pytest

from edf_autograder.errors import SubmissionError
from edf_autograder.intake.stage import read_notebook, stage
from edf_ex2.exercise import EXERCISE


class NoData:
    def stage(self, dest, quick=False):
        (dest / "MNIST").mkdir(exist_ok=True)


def _nb(path, source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def reference_loader(tmp_path):
    """The exercise, with stand-ins for the course files that stage() copies and compares."""
    ref = tmp_path / "ref"
    ref.mkdir()
    (ref / "edf.py").write_text((EXERCISE.reference / "edf.py").read_text())
    (ref / "mnist_loader.py").write_text("# loader\n")
    return replace(EXERCISE, staged={**EXERCISE.staged, "mnist_loader.py": ref / "mnist_loader.py"},
                   handout_files={name: ref / name for name in ("edf.py", "mnist_loader.py")})


def test_notebooks_are_recognised_by_content_when_renamed(tmp_path, reference_loader):
    sub = tmp_path / "sub"
    sub.mkdir()
    _nb(sub / "my_mnist.ipynb", "import mnist_loader\ntrain_and_test(1)")
    _nb(sub / "pcl_binary_classification.ipynb", "np.load('2d_pcl_dataset.npz')")
    (sub / "edf.py").write_text("# a student's edf: not the course's\n")
    staged = stage(sub, tmp_path / "work", reference_loader, NoData())
    assert set(staged.notebooks) == {"pcl", "image"}
    assert any("my_mnist.ipynb" in n for n in staged.notes)
    assert staged.own_copies == {"edf.py": sub / "edf.py"}  # compared and reported by edf_autograder/own_files
    assert "a student's edf" not in (tmp_path / "work" / "edf.py").read_text()


@pytest.mark.parametrize("content, problem", [
    (b"", "empty"),
    (b"{not json", "not a readable Jupyter notebook"),
    (b'{"cells": [', "not a readable Jupyter notebook"),
])
def test_broken_notebooks_are_named(tmp_path, content, problem):
    path = tmp_path / "image_classification.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=f"image_classification.ipynb.*{problem}"):
        read_notebook(path)


def test_nbformat3_is_converted(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "x = 1", "language": "python", "outputs": [], "metadata": {}}]}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    nb = read_notebook(path)
    assert nb.nbformat == 4 and nb.cells[0].source == "x = 1"


def test_other_kernel_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "ir", "display_name": "R"}})
    nbformat.write(nb, tmp_path / "r.ipynb")
    with pytest.raises(SubmissionError, match="'ir'"):
        read_notebook(tmp_path / "r.ipynb")


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            zf.writestr(info, data)
    return path


HOSTILE = [
    ("../evil.ipynb", 0o100644, "unsafe path"),
    ("..\\evil.ipynb", 0o100644, "unsafe path"),
    ("/etc/evil.ipynb", 0o100644, "unsafe path"),
    ("C:/evil.ipynb", 0o100644, "unsafe path"),
    ("link.ipynb", stat.S_IFLNK | 0o777, "symbolic link"),
]


def _notebook_entries():
    return [(f"ex2/{name}", nbformat.writes(nbformat.v4.new_notebook()), 0o100644)
            for name in ("pcl_binary_classification.ipynb", "image_classification.ipynb")]


@pytest.mark.parametrize("name, mode, problem", HOSTILE)
def test_unsafe_entries_are_skipped_named_and_flagged_and_the_rest_is_graded(tmp_path, reference_loader,
                                                                            name, mode, problem):
    archive = _zip(tmp_path / "submission.zip", [*_notebook_entries(), (name, "{}", mode)])
    staged = stage(archive, tmp_path / "work", reference_loader, NoData())
    assert set(staged.notebooks) == {"pcl", "image"} and not staged.problems
    assert f"submission.zip: {problem} {name!r} was not unpacked (the rest of the archive was graded)" in staged.notes
    assert [(f.kind, problem in f.message) for f in staged.flags] == [("intake", True)]
    assert not list(tmp_path.rglob("evil.ipynb"))


def test_decompression_bomb_is_refused(tmp_path, reference_loader):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("image_classification.ipynb", b"0" * (201 * 2**20))
    with pytest.raises(SubmissionError, match="unpacks to more than"):
        stage(archive, tmp_path / "work", reference_loader, NoData())


def test_missing_notebook_is_reported(tmp_path, reference_loader):
    sub = tmp_path / "sub"
    sub.mkdir()
    staged = stage(sub, tmp_path / "work", reference_loader, NoData())
    assert "no image_classification.ipynb" in staged.problems["image"]


def _nested(path, name, inner: bytes):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(name, inner)
    return path


def _zip_bytes(entries) -> bytes:
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            zf.writestr(info, data)
    return buf.getvalue()


def test_a_zip_in_a_student_folder_and_a_zip_in_that_are_unpacked(tmp_path, reference_loader):
    """An LMS download: Name_12345_assignsubmission_file/submission.zip, itself holding a zip."""
    folder = tmp_path / "Ada Lovelace_101_assignsubmission_file"
    folder.mkdir()
    inner = _zip_bytes([("ex2/image_classification.ipynb", nbformat.writes(nbformat.v4.new_notebook()), 0o100644)])
    (folder / "submission.zip").write_bytes(_zip_bytes([
        ("MyWork/pcl_binary_classification.ipynb", nbformat.writes(nbformat.v4.new_notebook()), 0o100644),
        ("MyWork/image.zip", inner, 0o100644),
        ("MyWork/deeper.zip", _zip_bytes([("too_deep.zip", inner, 0o100644)]), 0o100644)]))
    staged = stage(folder, tmp_path / "work", reference_loader, NoData())
    assert set(staged.notebooks) == {"pcl", "image"}
    assert any("too_deep.zip: a zip inside a zip" in n for n in staged.notes)


@pytest.mark.parametrize("name, mode, problem", HOSTILE)
def test_unsafe_members_of_a_nested_zip_are_skipped(tmp_path, reference_loader, name, mode, problem):
    folder = tmp_path / "student"
    folder.mkdir()
    inner = _zip_bytes([(name, "{}", mode), *_notebook_entries()])
    (folder / "outer.zip").write_bytes(_zip_bytes([("inner.zip", inner, 0o100644)]))
    staged = stage(folder, tmp_path / "work", reference_loader, NoData())
    assert set(staged.notebooks) == {"pcl", "image"}
    assert any(n.startswith(f"inner.zip: {problem}") for n in staged.notes)
    assert [f.kind for f in staged.flags] == ["intake"]
    assert not list(tmp_path.rglob("evil.ipynb"))


def test_nested_zips_share_one_size_budget(tmp_path, reference_loader, monkeypatch):
    import edf_autograder.intake.archives as archives
    monkeypatch.setattr(archives, "MAX_ARCHIVE_BYTES", 3000)
    folder = tmp_path / "student"
    folder.mkdir()
    for k in range(3):  # each under the limit, together over it
        (folder / f"part{k}.zip").write_bytes(_zip_bytes([(f"f{k}.txt", "0" * 1200, 0o100644)]))
    with pytest.raises(SubmissionError, match="part2.zip: unpacks to more than"):
        stage(folder, tmp_path / "work", reference_loader, NoData())


def test_the_course_s_own_files_handed_back_draw_no_note(tmp_path, course_handout):
    """Students upload their whole folder: the course's edf.py and loader are not news."""
    sub = tmp_path / "sub"
    sub.mkdir()
    for name in ("edf.py", "mnist_loader.py"):
        (sub / name).write_bytes((course_handout / name).read_bytes())
    staged = stage(sub, tmp_path / "work", EXERCISE, NoData())
    assert not any("differs" in note for note in staged.notes), staged.notes
