"""Declaring checks: `@check(id, title, points)` beside the code that grades the item, so
there is one place to change a point value; an exercise's totals are derived, never typed.

A check is a function `fn(ev) -> Verdict`; it may raise `EvidenceMissing` ("not found") and
any `HarnessError` (a failed item). Declarations are kept per module, so that two exercises
can be loaded in one process; an exercise lists its modules in the sheet's order.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from edf_autograder.checking.verdicts import STUDENTS_SEE, ItemSpec, Verdict
from edf_autograder.errors import HarnessError

_BY_MODULE: dict[str, list[Check]] = {}


@dataclass(frozen=True)
class Check:
    spec: ItemSpec
    run: Callable[..., Verdict]


def check(id: str, title: str, points: float, *, slow: bool = False, students: str = "verdict",
          hidden: bool = False, trained: bool = False):
    """Declare a graded item: `@check("4.2d-relu", "ReLU forward and backward", 1.5)`.
    `slow` items need full training: quick mode reports them as skipped. `trained` items judge
    a trained result: skipped when the capture they read is of a training a quick check
    stopped early (`NotebookPlan.quick_updates`). `students` is what
    a student's self-check shows of it ("verdict", "readable" or "nothing"); `hidden` items
    are graded by the instructor only and never reach the students' kit."""
    if students not in STUDENTS_SEE:
        raise HarnessError(f"check {id}: students={students!r}; expected one of {STUDENTS_SEE}")

    def register(fn):
        declared = _BY_MODULE.setdefault(fn.__module__, [])
        if any(c.spec.id == id for c in declared):
            raise HarnessError(f"{fn.__module__}: check {id} declared twice")
        declared.append(Check(ItemSpec(id, title, points, "", slow, students, hidden, trained), fn))
        return fn
    return register


def checks_of(modules: tuple[str, ...]) -> list[Check]:
    """Every check of these modules, in their order and in the order of declaration."""
    found: list[Check] = []
    for name in modules:
        importlib.import_module(name)
        found += _BY_MODULE.get(name, [])
    ids = [c.spec.id for c in found]
    if len(ids) != len(set(ids)):
        raise HarnessError(f"item ids declared twice: {sorted({i for i in ids if ids.count(i) > 1})}")
    return found
