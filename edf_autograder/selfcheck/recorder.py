"""After every cell the student runs, the snapshot the grader takes after every cell.

An IPython `post_run_cell` hook calls the grader's own step (`evidence.capture.after_cell`)
through an in-process session: the graph's structure, the names the sheet asks for, and,
when a graph is new or newly trained, its weights and outputs on grader inputs, taken
before the next cell changes them. Which notebook this kernel runs (and so which plan) is
read from the notebook's file name or from the text of the cells run so far.
"""
from __future__ import annotations

import dataclasses
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edf_autograder.errors import HarnessError
from edf_autograder.evidence.capture import Snapshot, after_cell
from edf_autograder.kernel.cells import CellRun, last_line
from edf_autograder.selfcheck.session import LocalSession

TRACE_LINES = 12  # as the grader keeps a student's traceback


@dataclass
class Execution:
    """One cell as it ran: the order it ran in, what identifies it, and the snapshot after it."""

    number: int
    cell_id: str | None
    source: str
    snap: Snapshot


def _error_text(result) -> tuple[str, str]:
    """(status, trimmed traceback) of a cell's result, as the grader records a cell's error."""
    exc = result.error_before_exec or result.error_in_exec
    if exc is None:
        return "ok", ""
    rows = "".join(traceback.format_exception(exc)).strip().splitlines()
    if len(rows) > TRACE_LINES:
        rows = rows[:3] + ["  ..."] + rows[-(TRACE_LINES - 4):]
    return "error", "\n".join(rows)


class Recorder:
    """The snapshots of one kernel, in the order its cells ran."""

    def __init__(self, shell, exercise, folder: Path):
        self.shell, self.exercise, self.folder = shell, exercise, Path(folder)
        self.session = LocalSession(shell.user_ns, Path(tempfile.mkdtemp(prefix="edf-selfcheck-")))
        self.first_seen: int | None = None  # the cell that loaded it: cells run before were not seen
        self.executions: list[Execution] = []
        self.kind: str | None = None
        self.problem = ""        # why recording failed, in one line (never raised into a student's cell)
        self._plan = None
        self._inputs: Any = None
        self._data: Any = None
        self._sources: list[str] = []  # every cell's text, until one says which notebook this is
        self._last_state = None
        self._pending: tuple[str | None, str, float] = (None, "", time.monotonic())

    # -- IPython events ------------------------------------------------------------------
    def pre_run_cell(self, info) -> None:
        self._pending = (getattr(info, "cell_id", None), info.raw_cell or "", time.monotonic())

    def post_run_cell(self, result) -> None:
        try:
            self._record(result)
        except Exception as exc:  # a recorder bug must never break the student's notebook
            self.problem = f"the self-check could not record a cell ({last_line(str(exc)) or type(exc).__name__})"

    # -- what it records -----------------------------------------------------------------
    def _record(self, result) -> None:
        if self.first_seen is None:
            self.first_seen = getattr(result, "execution_count", None) or 1
        cell_id, source, started = self._pending
        source = getattr(result.info, "raw_cell", None) or source
        status, error = _error_text(result)
        number = len(self.executions)
        run = CellRun(number, status, error, time.monotonic() - started)
        if self._plan is None:
            self._sources.append(source)
        plan = self.plan()
        if plan is None:  # no cell has said yet which notebook this is: before its first cells, no graph
            return
        snap, self._last_state = after_cell(self.session, plan, run, self._grader_inputs(), self._last_state)
        self.executions.append(Execution(number, cell_id, source, snap))

    def plan(self):
        """The plan of this kernel's notebook, once it is known, with the grader inputs the
        folder can give (held-out images stay with the grader)."""
        if self._plan is None:
            self.kind = self.kind or identify(self.exercise, self._sources)
            if self.kind is None:
                return None
            plan = self.exercise.plans[self.kind]
            self._plan = dataclasses.replace(plan, inputs=tuple(n for n in plan.inputs if self._has_input(n)))
        return self._plan

    def _has_input(self, name: str) -> bool:
        try:
            self._grader_inputs()[name]
            return True
        except (KeyError, HarnessError) as exc:
            if isinstance(exc, HarnessError):
                self.problem = f"the self-check cannot read the data: {exc}"
            return False

    def _grader_inputs(self):
        if self._inputs is None:
            self._inputs = self.data().inputs(quick=True)
        return self._inputs

    def data(self):
        """The folder's data, read once per kernel (a large data set takes a moment to read)."""
        if self.exercise.local_data is None:
            raise HarnessError(f"{self.exercise.title} declares no hand-out data (local_data): "
                               "use check_all(), which grades the saved notebook")
        if self._data is None:
            self._data = self.exercise.local_data(self.folder)
        return self._data


def identify(exercise, sources: list[str]) -> str | None:
    """Which notebook of the exercise these cells belong to: by the text only it holds."""
    text = "\n".join(sources)
    hits = [nb.kind for nb in exercise.notebooks if any(m in text for m in nb.markers)]
    return hits[0] if len(hits) == 1 else None
