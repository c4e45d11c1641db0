"""The course's own hand-out, filled in by students of different styles (tests/handout/),
graded through `grade`: what a fair grader gives them (issue 11).

A correct notebook gets full automatic marks whatever its style; a fault costs the items it
touches and no others; integrity problems are flagged for a person without changing points.
Skipped when ../shared/course-handout is absent. The correct styles and the minimum-error variant
are graded in full mode (bundled data) in the default suite; the other full-mode grades are `slow`.
"""
import csv
import json
import os
import re
import uuid

import nbformat
import pytest

from edf_autograder.batch.run import grade_all
from edf_autograder.kernel import sandbox
from edf_autograder.pipeline import grade
from edf_ex2.exercise import EXERCISE
from tests.handout import ONE_LINE, STYLES, VARIANTS, course, given, write_submission
from tests.handout.one_line import ONE_LINE_FAULTS

# items that judge a trained result: a quick check skips them where it stopped the training
STOPPED_IN_QUICK = {c.spec.id for c in EXERCISE.checks() if c.spec.trained}

SLOW_ITEMS = {c.spec.id for c in EXERCISE.checks() if c.spec.slow}
QUICK_SKIPS = SLOW_ITEMS | set(STOPPED_IN_QUICK)  # a quick check stops the point cloud's trainings early
FREE_TEXT = {"2.1b", "2.1c-ii", "2.1c-iii", "2.3b", "2.3i"}  # wait for a tutor: 6 points
GRAPH_ITEMS = ("2.2a-graph", "2.2c-graph", "2.3a-graph", "2.3c-graph")
SWEEP_ITEMS = [f"{s}-{a}" for s in ("2.3f", "2.3g", "2.3h") for a in ("sigmoid", "relu")]
ACCUSING = re.compile(r"fabricat|invent|made[- ]up|hard-?coded|record the errors the runs produce"
                      r"|no run produced", re.I)


def expected(item: str, quick: bool, *, whole_trainings: bool = False) -> str:
    """The status of `item` for a correct submission; `whole_trainings`: quick, but with the
    trainings run to their end (the in-notebook check reads the student's own)."""
    if item in FREE_TEXT:
        return "manual"
    skips = SLOW_ITEMS if whole_trainings else QUICK_SKIPS
    return "skipped" if quick and item in skips else "pass"


def correct_score(quick: bool) -> float:
    """The automatic points of a correct submission (free text waits for a tutor)."""
    return sum(c.spec.points for c in EXERCISE.checks() if expected(c.spec.id, quick) == "pass")


def wrong_items(result, quick: bool, *, allowed=()) -> dict:
    """Items whose status differs from a correct submission's, except those in `allowed`."""
    return {i.id: (i.status, i.message[:300]) for i in result.items
            if i.id not in allowed and i.status != expected(i.id, quick)}


def assert_graded_as_correct(result, quick: bool, *, allowed=()) -> None:
    wrong = wrong_items(result, quick, allowed=allowed)
    assert not wrong, "graded otherwise than a correct submission:\n" + "\n".join(
        f"  {i} [{status}] {message}" for i, (status, message) in wrong.items())


def item(result, item_id: str):
    return next(i for i in result.items if i.id == item_id)


def flags(result, kind: str) -> list:
    """The messages of the integrity flags (issue 11, point 6) of one kind."""
    return [f["message"] for f in result.flags if f["kind"] == kind]


@pytest.fixture(scope="module")
def graded(course_handout, tmp_path_factory):
    """grade(name, quick=...) of a style or variant, each graded once per test module."""
    results = {}

    def run(name: str, *, quick: bool, **options):
        if (name, quick) not in results:
            folder = write_submission(name, course_handout, tmp_path_factory.mktemp(name) / name, **options)
            results[name, quick] = grade(folder, quick=quick)
        return results[name, quick]
    return run


# ---- the fixtures themselves (fast, no grading) --------------------------------------------

def test_given_style_changes_only_the_todo_cells(course_handout):
    pcl, image = given.build(course_handout)
    for name, filled, todo in ((course.PCL, pcl, given.PCL_FILLS), (course.IMAGE, image, given.IMAGE_FILLS)):
        original = course.load(course_handout, name)
        assert len(filled["cells"]) == len(original["cells"])
        answers = given.ANSWERS if name == course.IMAGE else {}
        changed = {i for i, (a, b) in enumerate(zip(original["cells"], filled["cells"])) if a != b}
        assert changed == set(todo) | set(answers)
        for i in todo:  # a fill only adds lines below the hand-out's
            new = iter(course.text(filled["cells"][i]).splitlines())
            assert all(line in new for line in course.text(original["cells"][i]).splitlines()), i


@pytest.mark.parametrize("name", list(dict.fromkeys([*STYLES, *VARIANTS, *ONE_LINE])))
def test_every_submission_is_a_valid_notebook_pair(course_handout, tmp_path, name):
    folder = write_submission(name, course_handout, tmp_path / name)
    for notebook in (course.PCL, course.IMAGE):
        nb = nbformat.read(folder / notebook, as_version=4)
        nbformat.validate(nb)
        assert (nb.nbformat, nb.nbformat_minor) == (4, 4)
    assert (folder / "pen_and_paper.toml").is_file()


# ---- correct styles: full automatic marks ------------------------------------------------

@pytest.mark.parametrize("style", STYLES)
def test_correct_style_gets_every_automatic_item_in_quick_mode(graded, style):
    assert_graded_as_correct(graded(style, quick=True), quick=True)


@pytest.mark.parametrize("style", STYLES)  # full mode in the default suite: the contract itself
def test_correct_style_gets_full_automatic_marks(graded, style):
    result = graded(style, quick=False)
    assert_graded_as_correct(result, quick=False)
    assert (result.score, result.manual_pending) == (34, 6)


def test_the_courses_plotting_cells_earn_their_points(graded):
    """2.2b/2.2d: the course's cells turn `output` into an array after edf.Forward()."""
    result = graded("given", quick=True)
    got = {i: (item(result, i).status, item(result, i).points) for i in ("2.2b", "2.2d")}
    assert got == {"2.2b": ("pass", 1), "2.2d": ("pass", 1)}, [item(result, i).message for i in got]


def test_helper_built_logistic_regression_and_mlp_get_every_graph_item(graded):
    result = graded("helpers_2_3a_2_3c", quick=True)
    assert {i: item(result, i).status for i in GRAPH_ITEMS} == dict.fromkeys(GRAPH_ITEMS, "pass"), \
        {i: item(result, i).message for i in GRAPH_ITEMS}
    assert_graded_as_correct(result, quick=True)


@pytest.mark.parametrize("name", ["given", "inline_markup"])
def test_inline_answers_are_shown_without_the_handouts_markup(graded, name):
    result = graded(name, quick=True)
    for item_id, words in (("2.3b", "About 90 %"), ("2.3i", "Overfitting")):
        message = item(result, item_id).message
        assert item(result, item_id).status == "manual"
        assert words in message and "*" not in message, message


# ---- faults cost what they touch, and nothing else ------------------------------------------

@pytest.mark.parametrize("quick", [True, pytest.param(False, marks=pytest.mark.slow)], ids=["quick", "full"])
def test_syntax_error_in_2_3c_costs_2_3c_only(graded, quick):
    result = graded("syntax_error_2_3c", quick=quick)
    mine = [i for i in ("2.3c-graph", "2.3c-error") if expected(i, quick) != "skipped"]
    for item_id in mine:  # never credited from the logistic regression still in the kernel
        got = item(result, item_id)
        assert got.points == 0 and got.status in ("fail", "not found"), (item_id, got.message)
        # cells counted from 1 over all cells, as the engine counts them: the graph cell is cell 10
        assert "SyntaxError" in got.message and re.search(r"\bcell 10\b", got.message), got.message
    assert_graded_as_correct(result, quick, allowed=mine)


@pytest.mark.parametrize("quick", [True, pytest.param(False, marks=pytest.mark.slow)], ids=["quick", "full"])
def test_kernel_killed_in_2_3f_keeps_the_work_done_before(graded, quick):
    result = graded("exit_in_2_3f", quick=quick)
    later = set(SWEEP_ITEMS)  # 2.3f-sigmoid's cell is the one that ended the kernel
    assert_graded_as_correct(result, quick, allowed=later)
    assert not [i for i in SWEEP_ITEMS[1:] if item(result, i).status == "pass"]  # never ran
    assert any(re.search(r"kernel", n, re.I) and re.search(r"\bcell 38\b", n) for n in result.notes), result.notes


def test_min_error_sweeps_get_one_verdict_in_quick_and_full_mode(graded):
    """The sweeps record each run's minimum error, not the final one: whatever the verdict,
    the same in both modes (a quick slice that cannot decide skips), and never worded as if
    the numbers were invented: the minimum is something the runs did produce."""
    quick, full = graded("min_error", quick=True), graded("min_error", quick=False)
    verdicts = {i: (item(quick, i).status, item(full, i).status) for i in SWEEP_ITEMS}
    assert {i: v for i, v in verdicts.items() if v[0] not in (v[1], "skipped")} == {}
    for result in (quick, full):
        for i in SWEEP_ITEMS:
            message = item(result, i).message
            assert not ACCUSING.search(message), message
            if item(result, i).status == "fail":
                assert re.search(r"minimum|lowest|smallest|best epoch", message, re.I), message
    assert_graded_as_correct(full, quick=False, allowed=SWEEP_ITEMS)


# ---- one fault, one deduction (issue 24, point 6) -----------------------------------------------

PLOT_FAULTS = {"no_sigmoid_2_2a": ("2.2b", "2.2a"), "no_output_sigmoid_2_2c": ("2.2d", "2.2c")}
FULL_MODE_ONLY = {"first_epoch_2_3f"}  # quick mode's small data cannot decide it: the item skips


@pytest.mark.parametrize("name", [n if n in PLOT_FAULTS else pytest.param(n, marks=pytest.mark.slow)
                                  for n in ONE_LINE_FAULTS])
def test_a_one_line_fault_costs_its_own_item_and_no_other(graded, name):
    """Caught (an item of its own subtask fails), and nothing else lost: a tutor does not
    deduct a consequence twice."""
    quick = name not in FULL_MODE_ONLY
    result = graded(name, quick=quick)
    own = ONE_LINE_FAULTS[name][1]
    lost = wrong_items(result, quick=quick)
    assert any(status in ("fail", "not found") for status, _ in lost.values()), f"{name} was not caught: {lost}"
    assert set(lost) <= own, "lost beyond its own item:\n" + "\n".join(
        f"  {i} [{status}] {message}" for i, (status, message) in lost.items() if i not in own)


@pytest.mark.parametrize("name", PLOT_FAULTS)
def test_the_plot_of_a_wrong_model_earns_its_point_and_says_where_the_fault_is_graded(graded, name):
    """The course's plotting line keeps the Sigmoid the student left out of training: the
    plot draws the trained parameters, so the plot item passes and names the model's item."""
    plot, model = PLOT_FAULTS[name]
    got = item(graded(name, quick=True), plot)
    assert (got.status, got.points) == ("pass", 1), got.message
    assert "the plot draws the trained model" in got.message and f"graded in {model}" in got.message, got.message
    assert item(graded(name, quick=True), f"{model}-graph").status == "fail"


@pytest.mark.slow
def test_plots_that_do_not_draw_the_trained_models_still_fail(graded):
    result = graded("plots_not_of_the_trained_models", quick=True)
    for plot in ("2.2b", "2.2d"):  # a fresh logistic regression; the MLP's plot of the other model's parameters
        got = item(result, plot)
        assert (got.status, got.points) == ("fail", 0) and "differs from your trained model" in got.message, got.message
    assert_graded_as_correct(result, quick=True, allowed={*ONE_LINE_FAULTS["no_sigmoid_2_2a"][1],
                                                          *ONE_LINE_FAULTS["no_output_sigmoid_2_2c"][1], "2.2b", "2.2d"})


# ---- integrity: flagged for a person, graded as usual ----------------------------------------

def test_tampering_with_edf_and_numpy_is_flagged_and_graded_as_usual(graded):
    result = graded("tamper", quick=True)
    messages = flags(result, "tamper")
    assert messages and all(re.search(r"tamper", m, re.I) for m in messages), messages
    for replaced in ("Forward", "UpdateParameters", "argmax"):
        assert any(replaced in m for m in messages), (replaced, messages)
    assert_graded_as_correct(result, quick=True)  # its replacements compute what the originals do


@pytest.mark.skipif(not sandbox.mechanism().contained,
                    reason=f"runs a notebook that writes outside its folder: needs bubblewrap; here {sandbox.describe()}")
def test_escape_attempt_is_contained_flagged_and_graded_as_usual(graded):
    marker = f"edf-escape-{uuid.uuid4().hex[:12]}"
    result = graded("escape", quick=True, marker=marker)
    landed = [p for p in (f"/etc/{marker}", os.path.expanduser(f"~/{marker}")) if os.path.lexists(p)]
    for path in landed:
        os.remove(path)
    assert landed == []
    assert flags(result, "sandbox"), json.dumps(result.flags)
    assert_graded_as_correct(result, quick=True)


def test_a_batch_puts_the_flags_in_the_review_queue_and_on_the_summary_page(course_handout, tmp_path):
    """What a person reads after `grade`: a row per flag in review_queue.csv, and the summary."""
    course = tmp_path / "course"
    write_submission("tamper", course_handout, course / "tamper")
    write_submission("given", course_handout, course / "honest")
    assert grade_all(course, tmp_path / "out", jobs=2, quick=True) == 0
    with open(tmp_path / "out" / "review_queue.csv", newline="", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["item"].startswith("flag:")]
    assert {(r["safe_id"], r["item"]) for r in rows} == {("tamper", "flag:tamper")}
    assert "tampering" in rows[0]["message"] and "edf.Forward" in rows[0]["message"]
    summary = (tmp_path / "out" / "summary.html").read_text()
    assert "Integrity flags (1 students)" in summary and "edf.Forward" in summary
