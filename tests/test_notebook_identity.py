"""Which notebook is which (issue 19, part 1): a notebook is the exercise's notebook whose
hand-out cells it holds, whatever it is called; among several copies of one notebook, the
one with the student's work in it is graded, and a close call is flagged for a person.

The students' notebooks are the course's real hand-out filled in the "helpers" style (the
student's own helper functions: code not in the reference's style), tests/handout/.
"""
import json
import shutil

import nbformat
import pytest

from edf_autograder.intake.identify import original_name
from edf_autograder.intake.stage import stage
from edf_autograder.pipeline import grade
from edf_ex2.exercise import EXERCISE
from tests.handout import course, given, helpers, write_submission
from tests.test_course_handout import assert_graded_as_correct, correct_score


class NoData:
    def stage(self, dest, quick=False):
        pass


@pytest.fixture(scope="module")
def solved(course_handout):
    """The two notebooks, solved in the helpers style, as the text of their files."""
    pcl, image = helpers.build(course_handout)
    return {"pcl": course.dumps(pcl), "image": course.dumps(image)}


def staged_code(staged, kind) -> str:
    return "\n".join(c.source for c in staged.notebooks[kind].cells if c.cell_type == "code")


def code_of(text: str) -> str:
    return "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "code")


MNIST_NAMES = [
    "image_classification-1.ipynb",                                    # Canvas: a file submitted again
    "doejane_12345_67890_image_classification-1.ipynb",                # Canvas's download-all, flat
    "Jane Doe_12345_assignsubmission_file_image_classification.ipynb",  # Moodle, flat
    "image_classification (1).ipynb",                                  # a browser's second download
    "Copy of image_classification.ipynb",                              # Colab's copy in Drive
    "Kopie von image_classification.ipynb",                            # Colab, in German
    "Untitled1.ipynb",                                                 # Jupyter's new notebook
    "pcl_binary_classification.ipynb",                                 # named after the other one
    "ex2_mnist_final_v3.ipynb",
]


@pytest.mark.parametrize("name", MNIST_NAMES)
def test_the_mnist_notebook_is_found_by_content_under_any_name(tmp_path, solved, name):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / name).write_text(solved["image"], encoding="utf-8")
    pcl_name = "pcl_binary_classification-1.ipynb" if name == "pcl_binary_classification.ipynb" \
        else "pcl_binary_classification.ipynb"
    (sub / pcl_name).write_text(solved["pcl"], encoding="utf-8")
    staged = stage(sub, tmp_path / "work", EXERCISE, NoData())
    assert staged_code(staged, "image") == code_of(solved["image"])
    assert staged_code(staged, "pcl") == code_of(solved["pcl"])
    assert not staged.problems and not staged.flags
    assert f"found {name}; graded it as image_classification.ipynb" in staged.notes


@pytest.mark.parametrize("name, original", [
    ("image_classification-1.ipynb", "image_classification.ipynb"),
    ("doejane_LATE_12345_67890_image_classification-2.ipynb", "image_classification.ipynb"),
    ("Copy of pcl_binary_classification (2).ipynb", "pcl_binary_classification.ipynb"),
    ("Ada Lovelace_7_assignsubmission_file_my-work.ipynb", "my-work.ipynb"),
])
def test_original_names_undo_what_lms_browsers_and_colab_do(name, original):
    assert original_name(name) == original


@pytest.mark.parametrize("untouched, solved_as", [
    ("image_classification.ipynb", "image_classification (1).ipynb"),
    ("image_classification_original.ipynb", "image_classification.ipynb"),
    ("image_classification.ipynb", "image_classification-checkpoint.ipynb"),
])
def test_the_solved_copy_is_graded_not_the_untouched_hand_out_beside_it(tmp_path, course_handout, solved,
                                                                        untouched, solved_as):
    sub = tmp_path / "sub"
    sub.mkdir()
    shutil.copy(course_handout / course.IMAGE, sub / untouched)
    (sub / solved_as).write_text(solved["image"], encoding="utf-8")
    (sub / course.PCL).write_text(solved["pcl"], encoding="utf-8")
    staged = stage(sub, tmp_path / "work", EXERCISE, NoData())
    assert staged_code(staged, "image") == code_of(solved["image"])
    note = next(n for n in staged.notes if n.startswith("2 files are image_classification.ipynb"))
    assert f"graded {solved_as} (" in note and f"not graded: {untouched} (" in note
    assert not staged.flags


def test_a_checkpoint_is_graded_only_when_nothing_else_holds_work(tmp_path, course_handout, solved):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "image_classification-checkpoint.ipynb").write_text(solved["image"], encoding="utf-8")
    edited = json.loads(solved["image"])
    edited["cells"].append(course.code_cell("print(test_err_per_hidden)"))
    (sub / "image_classification.ipynb").write_text(course.dumps(edited), encoding="utf-8")
    staged = stage(sub, tmp_path / "work", EXERCISE, NoData())
    assert "print(test_err_per_hidden)" in staged_code(staged, "image")
    assert any("not graded: image_classification-checkpoint.ipynb (a checkpoint" in n for n in staged.notes)


def test_two_different_solved_copies_are_a_close_call_for_a_person(tmp_path, course_handout, solved):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "image_classification.ipynb").write_text(solved["image"], encoding="utf-8")
    _, given_image = given.build(course_handout)
    (sub / "image_classification-1.ipynb").write_text(course.dumps(given_image), encoding="utf-8")
    staged = stage(sub, tmp_path / "work", EXERCISE, NoData())
    assert [f.kind for f in staged.flags] == ["intake"]
    assert "two different copies of image_classification.ipynb hold work" in staged.flags[0].message
    assert "check which one the student meant" in staged.flags[0].message


def test_a_broken_copy_beside_a_good_one_does_not_cost_the_notebook(tmp_path, solved):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "image_classification.ipynb").write_text("{not json", encoding="utf-8")
    (sub / "image_classification (1).ipynb").write_text(solved["image"], encoding="utf-8")
    staged = stage(sub, tmp_path / "work", EXERCISE, NoData())
    assert "image" in staged.notebooks and "image" not in staged.problems
    assert any(n.startswith("not graded: image_classification.ipynb: not a readable Jupyter notebook")
               for n in staged.notes)


def test_a_canvas_reupload_beside_the_untouched_hand_out_grades_as_the_solved_work(tmp_path, course_handout):
    """Issue 19's student: the MNIST notebook as image_classification-1.ipynb, the untouched
    hand-out notebooks kept beside the solved ones; graded like the solved folder (quick mode)."""
    sub = write_submission("helpers", course_handout, tmp_path / "sub")
    (sub / course.IMAGE).rename(sub / "image_classification-1.ipynb")
    shutil.copy(course_handout / course.IMAGE, sub / course.IMAGE)
    shutil.copy(course_handout / course.PCL, sub / "pcl_binary_classification (1).ipynb")
    result = grade(sub, quick=True)
    assert_graded_as_correct(result, quick=True)
    assert result.score == correct_score(quick=True) and not result.flags, result.flags
    assert any("graded image_classification-1.ipynb" in n for n in result.notes)


def test_one_notebook_holding_both_is_graded_as_both_and_flagged(tmp_path, solved):
    both = json.loads(solved["pcl"])
    both["cells"] += json.loads(solved["image"])["cells"]
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "exercise2.ipynb").write_text(course.dumps(both), encoding="utf-8")
    staged = stage(sub, tmp_path / "work", EXERCISE, NoData())
    assert set(staged.notebooks) == {"pcl", "image"} and not staged.problems
    assert [f.kind for f in staged.flags] == ["intake"]
    assert "exercise2.ipynb holds parts of several notebooks of the hand-out" in staged.flags[0].message
    assert any("exercise2.ipynb holds parts of it and was graded as it too" in n for n in staged.notes)


@pytest.mark.slow
def test_one_notebook_holding_both_grades_like_the_two(tmp_path, course_handout):
    """Both notebooks' cells in one file: each notebook's items from its own run (quick mode)."""
    pcl, image = helpers.build(course_handout)
    pcl["cells"] += image["cells"]
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "exercise2.ipynb").write_text(course.dumps(pcl), encoding="utf-8")
    shutil.copy(EXERCISE.reference / "pen_and_paper.toml", sub / "pen_and_paper.toml")
    result = grade(sub, quick=True)
    assert_graded_as_correct(result, quick=True)
    assert [f["kind"] for f in result.flags] == ["intake"]
