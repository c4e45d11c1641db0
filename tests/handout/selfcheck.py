"""A filled-in hand-out notebook with the self-check in it, as a student would run it: the
import in a first cell, and a check cell after every task. Where tasks end comes from the
reference notebooks' tags (their cells match the course's hand-out one for one)."""
from __future__ import annotations

import json

import nbformat

from edf_autograder.selfcheck.tasks import task_ends
from edf_ex2.exercise import EXERCISE, REFERENCE
from tests.handout import course

IMPORT = "from edf_autograder.selfcheck import check, check_all\nverdicts = {}"
DUMP = ("import dataclasses, json\n"
        "with open('selfcheck.json', 'w') as fh:\n"
        "    json.dump({t: [dataclasses.asdict(i) for i in v] for t, v in verdicts.items()}, fh)")


def ends(kind: str) -> list[tuple[int, str]]:
    return task_ends(nbformat.read(REFERENCE / EXERCISE.files[kind], 4), EXERCISE)


def with_checks(nb: dict, kind: str, *, upto: str | None = None) -> tuple[dict, list[str]]:
    """(notebook with check cells, the tasks checked); `upto` drops the cells after that task."""
    nb = course.clone(nb)
    tasks = ends(kind)
    if upto is not None:
        last = dict((t, i) for i, t in tasks)[upto]
        nb["cells"] = nb["cells"][:last + 1]
        tasks = [(i, t) for i, t in tasks if i <= last]
    for index, task in reversed(tasks):
        nb["cells"].insert(index + 1, course.code_cell(f"verdicts[{task!r}] = check({task!r})"))
    nb["cells"].insert(0, course.code_cell(IMPORT))
    nb["cells"].append(course.code_cell(DUMP))
    return nb, [t for _, t in tasks]


def truncated(nb: dict, kind: str, upto: str) -> dict:
    """The notebook without the cells after task `upto` (what the grader is given to compare)."""
    nb = course.clone(nb)
    nb["cells"] = nb["cells"][:dict((t, i) for i, t in ends(kind))[upto] + 1]
    return nb


def read_verdicts(folder) -> dict:
    return json.loads((folder / "selfcheck.json").read_text())
