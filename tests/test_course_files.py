"""A student's own copy of a course file, compared by `ast` (issue 19 part 2), the exercise's
policy for it, and root causes found in a run's failures (part 3): fast, nothing executed."""
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from edf_autograder.evidence import causes
from edf_autograder.exercise import ExerciseError
from edf_autograder.intake.course_files import compare, forms
from edf_autograder.intake.stage import Staged
from edf_autograder.kernel.session import CellRun
from edf_autograder.own_files import copies as own_files
from edf_ex2.exercise import EXERCISE

COURSE = '''import numpy as np
learning_rate = .001

class Input:
    def __init__(self):
        pass

def Xavier(nInputs):
    return np.sqrt(3.0/nInputs)
'''


def copy_of(tmp_path: Path, text: str, name: str = "edf.py") -> Path:
    path = tmp_path / "student" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def course(tmp_path) -> Path:
    path = tmp_path / "course.py"
    path.write_text(COURSE)
    return path


def test_a_constructor_that_takes_a_value_reads_as_the_call_a_notebook_makes(tmp_path, course):
    mine = copy_of(tmp_path, COURSE.replace("def __init__(self):\n        pass",
                                            "def __init__(self, value=None):\n        self.value = value"))
    got = compare("edf.py", course, mine)
    assert not got.cosmetic and [(c.what, c.course, c.student) for c in got.changes] == \
        [("signature", "Input()", "Input(value=None)")]
    assert got.summary() == "your edf.py has `Input(value=None)` where the course's has `Input()`"
    assert got.changed_names() == {"Input"}


def test_comments_docstrings_and_spacing_are_cosmetic(tmp_path, course):
    tidy = '"""my notes"""\n' + COURSE.replace("def Xavier(nInputs):", "def Xavier( nInputs ):  # Glorot\n    'uniform'")
    got = compare("edf.py", course, copy_of(tmp_path, tidy + "\n\n# the end\n"))
    assert got.cosmetic and got.changes == ()
    assert "only in comments" in got.summary()


def test_added_removed_and_changed_definitions_are_each_named_once(tmp_path, course):
    mine = (COURSE.replace("learning_rate = .001", "learning_rate = .01")
            .replace("def Xavier(nInputs):\n    return np.sqrt(3.0/nInputs)\n", "")
            .replace("pass", "self.value = None")
            + "\nclass ReLU:\n    def __init__(self, x):\n        self.x = x\n    def forward(self):\n        pass\n")
    got = {(c.what, c.name) for c in compare("edf.py", course, copy_of(tmp_path, mine)).changes}
    assert got == {("signature", "learning_rate"), ("removed", "Xavier"), ("code", "Input.__init__"),
                   ("added", "ReLU")}


def test_a_copy_that_does_not_parse_says_where(tmp_path, course):
    got = compare("edf.py", course, copy_of(tmp_path, COURSE.replace("def Xavier(nInputs):", "def Xavier(nInputs:")))
    assert not got.cosmetic and got.unreadable.startswith("line 8") and "does not parse" in got.summary()


def test_the_courses_own_copy_is_known_by_its_fingerprint(tmp_path, course):
    """Exercise 2 compares with reference/edf.py; the course's own original differs from it in
    code, and a tidied copy of the original is still only cosmetic."""
    original = COURSE.replace("return np.sqrt(3.0/nInputs)", "return (3.0/nInputs) ** 0.5")
    tidied = copy_of(tmp_path, "# my copy\n" + original.replace("learning_rate = .001", "learning_rate = 0.001"))
    assert not compare("edf.py", course, tidied).cosmetic
    assert compare("edf.py", course, tidied, forms(original)).cosmetic
    changed = copy_of(tmp_path, original.replace("def __init__(self):", "def __init__(self, value):"))
    assert [c.name for c in compare("edf.py", course, changed, forms(original)).changes] == ["Input.__init__"]


def test_exercise_2_declares_the_courses_copies(course_handout):
    for name in ("edf.py", "mnist_loader.py"):
        got = compare(name, EXERCISE.handout_files[name], course_handout / name, EXERCISE.known_forms[name])
        assert got.cosmetic, got.summary()


# ---- the policy ---------------------------------------------------------------------------

def staged_with(tmp_path: Path, text: str) -> Staged:
    work = tmp_path / "work"
    work.mkdir()
    (work / "edf.py").write_text("# the grader's runtime\n")
    return Staged(work, own_copies={"edf.py": copy_of(tmp_path, text)})


@pytest.mark.parametrize("policy", ["course", "suggest", "trust"])
def test_the_policy_decides_which_folder_holds_the_students_file(tmp_path, policy):
    exercise = replace(EXERCISE, own_files=policy)
    staged = staged_with(tmp_path, "def Input(value):\n    return value\n")
    own = own_files.review(staged, exercise)
    second = own_files.prepare(own, staged, tmp_path / "second")
    runtime = (staged.workdir / "edf.py").read_text()
    if policy == "course":
        assert second is None and runtime == "# the grader's runtime\n"
    elif policy == "suggest":
        assert runtime == "# the grader's runtime\n" and "def Input(value)" in (second.workdir / "edf.py").read_text()
    else:
        assert second is None and "def Input(value)" in runtime and any("own edf.py" in n for n in own.notes)


def test_an_unknown_policy_is_refused_with_the_choices():
    with pytest.raises(ExerciseError, match="own_files = 'mine'.*course, suggest, trust"):
        replace(EXERCISE, own_files="mine")


def test_a_call_is_quoted_as_the_student_wrote_it():
    source = "x_node = edf.Input(train_images[:, idx(3)])\ny = Inputs(1)"
    assert own_files.call_in(source, "Input") == "edf.Input(train_images[:, idx(3)])"
    assert own_files.call_in(source, "Sigmoid") == ""


# ---- root causes --------------------------------------------------------------------------

def notebook(*sources: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def failed(nb, index: int, error: str, line: int = 1) -> CellRun:
    nb.cells[index].outputs = [nbformat.v4.new_output("error", ename=error.split(":")[0], evalue="",
                                                      traceback=[f"\x1b[0;31mCell In[7], line {line}\x1b[0m", error])]
    return CellRun(index, "error", f"Cell In[7], line {line}\n{error}")


def test_one_mistake_repeated_and_what_it_took_down_make_one_root_cause():
    nb = notebook("import edf", "n = 3\nx = edf.Input(data)", "train(x)", "def tanh(v):\n    return v",
                  "y = edf.Input(labels)\nerrs = []\nfor i in range(n): errs.append(i)", "plot(errs)",
                  "best = min(errs)", "1 / 0")
    error = "TypeError: Input.__init__() takes 1 positional argument but 2 were given"
    runs = [CellRun(0, "ok"), failed(nb, 1, error, line=2), failed(nb, 2, "NameError: name 'x' is not defined"),
            CellRun(3, "ok"), failed(nb, 4, error), failed(nb, 5, "ValueError: x and y must have same first dimension"),
            CellRun(6, "ok"), failed(nb, 7, "ZeroDivisionError: division by zero")]
    found = causes.find(nb, runs)
    assert [(c.cell, c.error, c.line, c.followers) for c in found] == [(1, error, "x = edf.Input(data)", (2, 4, 5))]
    assert causes.story(runs[5], found) == causes.story(runs[2], found) == found[0].pointer()
    assert causes.story(runs[7], found) == "cell 8 raised ZeroDivisionError: division by zero"  # its own cause


def test_a_dead_kernel_is_the_root_cause_of_the_cells_it_never_ran():
    nb = notebook("a = 1", "import os; os._exit(0)", "b = a", "c = b")
    runs = [CellRun(0, "ok"), CellRun(1, "dead kernel", "the kernel died while running this cell"),
            CellRun(2, "not run", "not run: the kernel died in cell 2"), CellRun(3, "not run", "")]
    assert [(c.cell, c.followers) for c in causes.find(nb, runs)] == [(1, (2, 3))]


def test_a_lone_failure_and_an_unparsable_cell_are_no_root_causes():
    nb = notebook("x = 1", "y = (x", "print(x)")
    runs = [CellRun(0, "ok"), failed(nb, 1, "SyntaxError: '(' was never closed"), CellRun(2, "ok")]
    assert causes.find(nb, runs) == []


# ---- what the report says (own_files.told.tell), on runs made up of plain data -------------------

def made_up_run(statuses: list[str], sources: list[str], score: float = 10, *more: float):
    """A run whose item "1" earns `score` of 40 and items "2", "3"... `more` of 10 each."""
    from types import SimpleNamespace

    from edf_autograder.checking.verdicts import FAIL, PASS, ItemResult

    nb = notebook(*sources)
    evidence = SimpleNamespace(nb=nb, runs=[CellRun(i, s, "TypeError: boom" if s == "error" else "")
                                            for i, s in enumerate(statuses)])
    items = [ItemResult("1", "one", "1", score, 40, PASS, "", 0.0)]
    items += [ItemResult(str(n), "more", "1", p, 10, PASS if p else FAIL, "", 0.0) for n, p in enumerate(more, 2)]
    return SimpleNamespace(evidence={"image": evidence}, items=items, causes=[])


def told_for(tmp_path, policy: str, first, second=None):
    from edf_autograder.own_files import told

    exercise = replace(EXERCISE, own_files=policy)
    own = own_files.review(staged_with(tmp_path, COURSE.replace("def __init__(self):", "def __init__(self, v):")),
                           exercise)
    return told.tell(own, first, second, {}, exercise)


def test_a_change_the_failing_cells_do_not_use_is_a_note_only(tmp_path):
    told = told_for(tmp_path, "suggest", made_up_run(["ok", "error"], ["x = 1", "1 / 0"]))
    assert (told.advice, told.flags, told.own_run) == ([], [], {})
    [note] = told.notes  # (this made-up edf.py lacks the rest of the course's: each is named)
    assert note.startswith("your edf.py has `Input(v)` where the course's has `Input()`; has no `DT = np.float32`")
    assert note.endswith("; the grader runs the course's, and your notebooks run with it")


def test_a_second_run_that_fixes_nothing_blames_nothing(tmp_path):
    cells = ["x = edf.Input(data)", "y = x"]
    told = told_for(tmp_path, "suggest", made_up_run(["error", "error"], cells), made_up_run(["error", "error"], cells))
    assert (told.advice, told.flags, told.own_run) == ([], [], {})
    assert "fail with yours as well" in told.notes[0]


def test_course_policy_tells_the_student_the_course_file_is_the_only_one(tmp_path):
    told = told_for(tmp_path, "course", made_up_run(["error"], ["x = edf.Input(data)"]))
    assert told.advice == ["your notebooks call `edf.Input(data)`; the course's `edf.py` has `Input()` (yours: "
                           "`Input(v)`): restore the course's file and call `Input()` (the grader uses only the "
                           "course's edf.py)"]
    assert told.flags == [] and told.own_run == {}


def test_a_fixing_second_run_is_the_suggestion_with_both_scores(tmp_path):
    cells = ["x = edf.Input(data)", "y = x"]
    told = told_for(tmp_path, "suggest", made_up_run(["error", "error"], cells, score=10),
                    made_up_run(["ok", "ok"], cells, score=34))
    [flag] = told.flags
    assert (flag.kind, flag.suggested, told.own_run["score"]) == ("framework", 34, 34)
    assert "cells 1, 2" in flag.message and "34/40" in flag.message and "against 10" in flag.message
    assert told.advice[0].endswith("graded with your edf.py too, each item the better of the two: 34/40 automatic "
                                   "points, a suggestion; your score is the one with the course's file)")
    assert [(i["id"], i["run"]) for i in told.own_run["items"]] == [("1", "student's files")]


def test_the_suggestion_is_item_by_item_the_better_run_and_says_which(tmp_path):
    """Items that passed with the course's file are not lost to the student's run (issue 24)."""
    cells = ["x = edf.Input(data)", "y = x"]
    told = told_for(tmp_path, "suggest", made_up_run(["error", "error"], cells, 10, 10, 0, 4),
                    made_up_run(["ok", "ok"], cells, 30, 0, 10, 4))
    own = told.own_run
    assert [(i["id"], i["points"], i["run"]) for i in own["items"]] == [
        ("1", 30, "student's files"), ("2", 10, "course's files"), ("3", 10, "student's files"), ("4", 4, "course's files")]
    assert (own["score"], own["student_run_score"]) == (54, 44)
    [flag] = told.flags
    assert flag.suggested == 54
    assert "from the student's files: 1, 3; the rest from the course's" in flag.message
    assert "against 24 with the course's and 44 with the student's alone" in flag.message
