"""Issue 19, graded through `grade` (quick mode) on the course's hand-out filled in by students
who changed the course's files, or whose first cell takes the rest down (tests/handout/own_files.py):

- an `edf.py` whose `Input` takes a value, with every MNIST graph cell calling `edf.Input(data)`:
  the automatic score is the course file's, the run with the student's file is the tutor's
  suggestion (a `framework` flag with the diff), one line for the student and one root cause on top;
- an `edf.py` changed only in comments and formatting: no effect, no flag;
- a data-loading cell that fails and takes the notebook down: one root cause, short items;
- (issue 24) a hand-in as a real one: `Input(value)` required in edf.py and passed in every graph
  cell, and the original hand-out's dash-named mnist_loader.py: the suggestion is within a point
  of the same notebooks fixed by hand (the "given" style).
"""
import csv
import io
import json
import re

import pytest

from edf_autograder.exercise import load
from edf_autograder.pipeline import grade
from edf_autograder.reports import gradebook
from edf_autograder.reports.html import feedback_html
from edf_autograder.reports.text import markdown, text
from edf_ex2.exercise import EXERCISE
from tests.handout import write_submission
from tests.handout.own_files import OTHER_LOADER
from tests.kit_runs import whole
from tests.test_course_handout import assert_graded_as_correct, expected, item, wrong_items

CELL = re.compile(r"\bcells? \d+")
ROOT_CAUSE = "the root cause, at the top of this report"


@pytest.fixture(scope="module")
def graded(course_handout, tmp_path_factory):
    results = {}

    def run(name: str, *, whole_trainings: bool = False):
        """`whole_trainings`: every training run to its end, as a student's own edf.py runs it
        (quick mode stops only the grading runtime's)."""
        if (name, whole_trainings) not in results:
            folder = write_submission(name, course_handout, tmp_path_factory.mktemp(name) / name)
            results[name, whole_trainings] = grade(folder, quick=True,
                                                   exercise=whole(load(None)) if whole_trainings else None)
        return results[name, whole_trainings]
    return run


def lacking(result) -> list:
    """Items that did not pass and are not waiting for a tutor or skipped."""
    return [i for i in result.items if i.status in ("fail", "not found")]


def test_input_with_a_value_is_graded_with_the_course_file_and_suggested_with_the_students(graded):
    result = graded("own_edf_input_value")
    own = result.own_run
    assert own["files"] == ["edf.py"] and own["score"] > result.score
    # the run with the student's file is graded as a correct submission would be
    statuses = {i["id"]: i["status"] for i in own["items"]}
    # the student's own edf.py trains every step (quick mode stops only the grading runtime's)
    assert {i: s for i, s in statuses.items() if s != expected(i, quick=True, whole_trainings=True)} == {}
    assert own["root_causes"] == []
    # the automatic score is the course file's: every MNIST graph item lacks evidence there
    assert {i.id for i in lacking(result)} >= {"2.3a-graph", "2.3c-graph", "2.3f-sigmoid", "2.3h-relu"}
    [flag] = [f for f in result.flags if f["kind"] == "framework"]
    assert "`Input(value=None)` where the course's has `Input()`" in flag["message"]
    assert flag["suggested"] == own["score"] and f"{own['score']:g}/40" in flag["message"]
    assert result.own_files[0]["changes"] == [{"what": "signature", "name": "Input.__init__",
                                               "student": "Input(value=None)", "course": "Input()"}]


def test_the_student_reads_one_line_to_act_on_and_the_root_cause_once(graded):
    result = graded("own_edf_input_value")
    [advice] = result.advice
    assert advice.startswith("your notebooks call `edf.Input(train_images)`; the course's `edf.py` has `Input()`"), advice
    assert "restore the course's file" in advice and f"{result.own_run['score']:g}/40" in advice
    [cause] = result.root_causes
    assert (cause["notebook"], cause["cell"], cause["exception"], cause["line"]) == \
        ("image_classification.ipynb", 5, "TypeError", "x_node = edf.Input(train_images)")
    assert len(cause["followers"]) >= 20  # the graph cells, their training cells, the sweeps' plots
    report = text(result)
    head = report.split("\n\n")[0]  # before the first section
    assert f"Course file: {advice}" in head and "Root cause: image_classification.ipynb, cell 5 raised TypeError" in head
    assert report.count("Input.__init__() takes 1 positional argument") == 1
    for i in lacking(result):  # one line pointing up, no chain of cells
        assert ROOT_CAUSE in i.message and len(CELL.findall(i.message)) == 1 and "\n" not in i.message, i.message


def test_the_tutor_sees_the_suggestion_in_the_review_queue_and_the_feedback_page(graded):
    record = {**graded("own_edf_input_value").to_dict(), "student": "ada", "safe_id": "ada"}
    rows = [r for r in gradebook.review_rows([record]) if r["item"] == "flag:framework"]
    assert [(r["suggested"], r["max_points"]) for r in rows] == [(record["own_run"]["score"], 40)]
    queue = io.StringIO()
    csv.writer(queue).writerow([rows[0][k] for k in gradebook.QUEUE])
    assert "Input(value=None)" in queue.getvalue()
    page = feedback_html(record, EXERCISE)
    assert "Root cause:" in page and "x_node = edf.Input(train_images)" in page
    assert "Graded with your own edf.py as well" in page
    assert "the course&#39;s `edf.py` has `Input()`" in page
    assert "> Course file: your notebooks call" in markdown(graded("own_edf_input_value"))


def test_a_cosmetic_edf_changes_nothing(graded):
    result = graded("own_edf_cosmetic")
    assert_graded_as_correct(result, quick=True)
    assert (result.flags, result.advice, result.own_run, result.root_causes) == ([], [], {}, [])
    assert result.own_files[0]["cosmetic"] is True
    assert not [n for n in result.notes if "edf.py" in n]


def test_a_failing_first_cell_is_named_once_and_items_point_to_it(graded):
    result = graded("data_path_fails")
    [cause] = result.root_causes
    assert (cause["cell"], cause["exception"]) == (2, "FileNotFoundError")
    assert "path = '../MNIST'" in cause["line"]
    down = lacking(result)
    assert {i.id for i in down} >= {"2.3a-graph", "2.3c-graph", "2.3f-sigmoid", "2.3g-relu", "2.3h-sigmoid"}
    for i in down:
        assert i.message.endswith(f"it needed cell 2, which raised FileNotFoundError ({ROOT_CAUSE})"), i.message
        assert "NameError" not in i.message
    # what does not depend on the data keeps its points
    assert wrong_items(result, quick=True, allowed={i.id for i in down}) == {}
    assert item(result, "2.3d-tanh").status == "pass" and result.own_run == {} and result.advice == []


@pytest.mark.slow
def test_a_real_style_hand_in_is_suggested_what_it_earns_when_fixed_by_hand(graded, course_handout):
    """Issue 24: the data under the other loader's names, probes that make the student's Input,
    and the better run per item: the suggestion is what a tutor gives the work."""
    if not (course_handout / OTHER_LOADER).is_file():
        pytest.skip(f"the other hand-out's loader is not at {course_handout / OTHER_LOADER}")
    # the student's run trains every step: compare with the hand-fixed work trained the same way
    result, fixed = graded("own_edf_input_required_other_loader"), graded("given", whole_trainings=True)
    own = result.own_run
    assert sorted(own["files"]) == ["edf.py", "mnist_loader.py"]
    assert result.score < fixed.score - 10  # with the course's files every graph cell fails
    assert abs(own["score"] - fixed.score) <= 1, (own["score"], fixed.score)
    assert own["student_run_score"] >= fixed.score - 1  # the student's run alone: its loader and its Input work
    runs = {i["id"]: i["run"] for i in own["items"]}
    assert runs["2.3a-graph"] == runs["2.2a-graph"] == runs["2.3e"] == "student's files"
    assert "missing 1 required positional argument" not in json.dumps(own)
    assert "urllib" not in json.dumps(own)
    [flag] = [f for f in result.flags if f["kind"] == "framework"]
    assert "from the student's files: " in flag["message"] and "2.3a-graph" in flag["message"]
    page = feedback_html({**result.to_dict(), "student": "ada", "safe_id": "ada"}, EXERCISE)
    assert "From the run with your files:" in page and "2.3a-graph (" in page
    assert "From the run with your files: " in text(result)
