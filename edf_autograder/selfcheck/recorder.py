"""After every cell the student runs, the snapshot the grader takes after every cell.

An IPython `post_run_cell` hook calls the grader's own step (`evidence.capture.after_cell`)
through an in-process session: the graph's structure, the names the sheet asks for, and,
when a graph is new or newly trained, its weights and outputs on grader inputs, taken
before the next cell changes them. Which notebook this kernel runs (and so which plan) is
read from the notebook's file name or from the text of the cells run so far; the data it
measures with (the exercise's `local_data`) from the kernel's working folder, else the
notebook's own folder. What stops it recording is kept in `problem`, for `check` to say.
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
from edf_autograder.selfcheck import notebook_file
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
        self.seen = 0            # cells run since it was loaded, recorded or not
        self.kind: str | None = None
        self.problem = ""        # why recording failed, in one line (never raised into a student's cell)
        self._plan = None
        self._inputs: Any = None
        self._data: Any = None
        self._tried: dict[Path, Any] = {}  # folder -> its data, kept between tries (what it read stays read)
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
        self.seen += 1
        cell_id, source, started = self._pending
        source = getattr(result.info, "raw_cell", None) or source
        status, error = _error_text(result)
        number = len(self.executions)
        run = CellRun(number, status, error, time.monotonic() - started)
        if self._plan is None:
            self._sources.append(source)
        plan = self.plan()
        if plan is None:  # not known yet which notebook this is (before its first cells: no graph), or no data
            return
        snap, self._last_state = after_cell(self.session, plan, run, self._inputs, self._last_state)
        self.executions.append(Execution(number, cell_id, source, snap))

    def plan(self):
        """The plan of this kernel's notebook, once it is known and its data found, with the
        grader inputs the folder can give (held-out images stay with the grader)."""
        if self._plan is None:
            self.kind = self.kind or identify(self.exercise, self._sources)
            if self.kind is None:
                return None
            plan = self.exercise.plans[self.kind]
            found = self._find_data(plan)
            if found is None:  # `problem` says why; tried again after the next cell
                return None
            self._plan = dataclasses.replace(plan, inputs=tuple(n for n in plan.inputs if n in found))
        return self._plan

    def data_folders(self) -> list[Path]:
        """Where the notebook's data may be: the kernel's working folder (where a notebook's
        relative paths point), then the folder of the notebook file the front end names."""
        return list(dict.fromkeys([self.folder] + [p.parent for p in notebook_file.named(self.shell.user_ns)]))

    def _find_data(self, plan) -> set[str] | None:
        """The inputs of `plan` the first data folder can give (it is kept), or None (`problem` says why)."""
        if self.exercise.local_data is None:
            self.problem = (f"{self.exercise.title} declares no hand-out data (local_data), so the per-task check "
                            "cannot measure anything: use check_all(), which grades the saved notebook")
            return None
        tried = []
        for folder in self.data_folders():
            if folder not in self._tried:
                self._tried[folder] = self.exercise.local_data(folder, self.exercise.handout_files)
            data = self._tried[folder]
            inputs = data.inputs(quick=True)
            try:
                found = {name for name in plan.inputs if _gives(inputs, name)}
            except HarnessError as exc:
                tried.append(last_line(str(exc)))
                continue
            self._data, self._inputs, self.problem = data, inputs, ""
            return found
        self.problem = (f"the self-check cannot read the data your notebook uses, so it has recorded nothing: "
                        f"{'; '.join(tried)}. It looks in the kernel's working folder ({self.folder}) and beside "
                        "the notebook. Put the hand-out's data there (or os.chdir() to where it is), then run "
                        "the notebook's cells again from the one that loads the data")
        return None

    def data(self):
        """The data the recorded cells were measured with (found by `plan`)."""
        if self._data is None:
            raise HarnessError(self.problem or "the self-check has not found the notebook's data yet")
        return self._data

    def nothing_recorded(self) -> str:
        """Why no cell has been recorded, and what to do: the real reason, for `check` to say."""
        files = " or ".join(self.exercise.files.values())
        if self.seen <= 1:  # at most the cell that loaded the self-check
            return (f"no cell of {files} has run since the self-check was loaded: run the notebook's cells "
                    "from the top, then check again")
        if self.problem:
            return self.problem
        if self.kind is None:
            names = [p.name for p in notebook_file.named(self.shell.user_ns)][:1]
            said = f"its file name {names[0]!r} is neither {files}" if names else "the front end does not name its file"
            return (f"the self-check cannot tell which notebook this is: {said}, and none of the {self.seen} cells "
                    f"run so far holds text only one of {files} has. Run the cell that imports or loads the "
                    "notebook's data, or save the notebook under its hand-out name, then check again")
        return f"no cell of {self.exercise.files[self.kind]} has been recorded yet: run the task's cells, then check again"


def _gives(inputs, name: str) -> bool:
    """Whether the data gives the input `name` (False: it is the grader's own, e.g. held out);
    a HarnessError (the data is missing or unreadable) is the caller's."""
    try:
        inputs[name]
        return True
    except KeyError:
        return False


def identify(exercise, sources: list[str]) -> str | None:
    """Which notebook of the exercise these cells belong to: by the text only it holds."""
    text = "\n".join(sources)
    hits = [nb.kind for nb in exercise.notebooks if any(m in text for m in nb.markers)]
    return hits[0] if len(hits) == 1 else None
