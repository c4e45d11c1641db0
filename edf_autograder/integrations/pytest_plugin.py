"""`pytest --submission PATH`: the same checks as `grader.py check`, one test per item,
so that students who live in pytest or an IDE see each item pass or fail.

The submission is graded once per session; each item becomes a test that passes,
fails with the item's message, or is skipped (manual review, quick mode).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from edf_autograder.checking.verdicts import AUTOMATIC_DONE, PASS


def pytest_addoption(parser):
    group = parser.getgroup("edf-autograder")
    group.addoption("--submission", type=Path, default=None,
                    help="grade this submission (folder, .zip or notebooks) with one test per item")
    group.addoption("--submission-quick", action="store_true", help="small data slice (like grader.py --quick)")
    group.addoption("--submission-exercise", default=None, help="the exercise (name or module:NAME; default ex2)")


class ItemTest(pytest.Item):
    def __init__(self, *, item, **kwargs):
        super().__init__(**kwargs)
        self.item = item

    def runtest(self):
        status, message = self.item.status, self.item.message
        if status in AUTOMATIC_DONE:
            pytest.skip(f"{status}: {message[:200]}")
        if status != PASS:
            raise ItemFailed(f"[{status}] {self.item.points:g}/{self.item.max_points:g} points: {message}")

    def repr_failure(self, excinfo):
        return str(excinfo.value) if isinstance(excinfo.value, ItemFailed) else super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.item.id}: {self.item.title}"


class ItemFailed(AssertionError):
    pass


def pytest_collection_modifyitems(session, config, items):
    path = config.getoption("submission")
    if path is None:
        return
    from edf_autograder.pipeline import grade

    result = grade(path, exercise=config.getoption("submission_exercise"), quick=config.getoption("submission_quick"))
    items[:] = [ItemTest.from_parent(session, name=f"{i.id} {i.title}", item=i) for i in result.items]
