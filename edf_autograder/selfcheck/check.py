"""`check(task)`, `check_all()` and the hook that records cells: the self-check's calls.

Every failure of the self-check itself becomes one line in the notebook, never a
traceback: a student must be able to tell the checker's trouble from their own.
"""
from __future__ import annotations

import atexit
import contextlib
import random
import sys
from pathlib import Path

import numpy as np

from edf_autograder.checking.run import run_item
from edf_autograder.checking.verdicts import SKIPPED
from edf_autograder.errors import HarnessError
from edf_autograder.exercise import load
from edf_autograder.selfcheck import assemble, notebook_file, tasks
from edf_autograder.selfcheck.recorder import Recorder
from edf_autograder.selfcheck.show import Verdicts

ATTRIBUTE = "_edf_selfcheck"  # the recorder lives on the IPython shell it records


class SelfCheckError(HarnessError):
    """The self-check cannot run here (no notebook, nothing recorded yet)."""


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def install(shell=None) -> Recorder | None:
    """Record every later cell of this notebook's kernel (once per kernel). Under the
    grader (its probe is loaded) nothing is recorded: the grader records for itself."""
    shell = shell or _shell()
    if shell is None or "_grader_probe" in sys.modules or getattr(shell, "events", None) is None:
        return None
    if getattr(shell, ATTRIBUTE, None) is not None:
        return getattr(shell, ATTRIBUTE)
    try:
        exercise = load()
        exercise.checks()  # imported now, with the notebook's own imports: a task's check then takes its own time
        recorder = Recorder(shell, exercise, Path.cwd())
    except Exception as exc:  # the import cell must run whatever happens here
        print(f"self-check not available: {exc}")
        return None
    recorder.kind = notebook_file.kind_of(notebook_file.named(shell.user_ns), exercise.files)
    shell.events.register("pre_run_cell", recorder.pre_run_cell)
    shell.events.register("post_run_cell", recorder.post_run_cell)
    shell.register_magic_function(lambda line: check(line), magic_kind="line", magic_name="check")
    atexit.register(recorder.session.close)
    setattr(shell, ATTRIBUTE, recorder)
    return recorder


def _recorder() -> Recorder:
    if "_grader_probe" in sys.modules:
        raise SelfCheckError("this notebook is being graded: check() does nothing here (the grader judges every task)")
    shell = _shell()
    recorder = getattr(shell, ATTRIBUTE, None) if shell is not None else None
    if recorder is None:
        raise SelfCheckError("check() judges a notebook's kernel: run `from edf_autograder.selfcheck import check` "
                             "in the notebook's first cell, then the cells of the task")
    return recorder


@contextlib.contextmanager
def _random_kept():
    """The notebook's random streams as they were: its next cells draw what they would have."""
    state, np_state = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(state)
        np.random.set_state(np_state)


def _judge(task: str) -> Verdicts:
    recorder = _recorder()
    chosen = tasks.select(recorder.exercise, task)
    if recorder.kind is None or not recorder.executions:
        raise SelfCheckError(recorder.nothing_recorded())
    with _random_kept():
        ev, notes = assemble.build(recorder, recorder.data())
        items = [run_item(c, ev) for c in chosen]
    if any(i.status == SKIPPED for i in items):
        notes.append("skipped items need the full training data: the grader checks them in the notebooks you hand in")
    if (recorder.first_seen or 1) > 1:
        notes.append(f"cells run before the self-check was loaded (In [{recorder.first_seen}]) were not seen: "
                     "if a task's cells ran before it, run them again")
    return Verdicts(f"check({task!r})", items, notes)


def check(task: str) -> Verdicts:
    """Judge one task ("4.2d", a part "4.2d-relu", a section "4.2") on this kernel's state,
    as the grader's quick check does; shows a table and returns the items."""
    title = f"check({task!r})"
    try:
        return _judge(task).show()
    except HarnessError as exc:
        return Verdicts(title, notes=[str(exc)]).show()
    except Exception as exc:  # a bug of the self-check: one line, and a way to go on
        return Verdicts(title, notes=[f"the self-check itself failed, not your code ({type(exc).__name__}: {exc}); "
                                      "check_all() grades the saved notebook instead"]).show()


def check_all(folder: str | Path | None = None) -> Verdicts:
    """The grader's quick check (`grader.py check --quick`) of the notebooks SAVED in the
    notebook's folder (or `folder`): save first, unsaved cells are not seen."""
    title = "check_all()"
    try:
        recorder = getattr(_shell(), ATTRIBUTE, None)
        folder = Path(folder) if folder else (recorder.folder if recorder else Path.cwd())
        exercise = recorder.exercise if recorder else load()
        print(f"check_all() grades the files saved in {folder} (save the notebook first), in quick mode ...")
        from edf_autograder.pipeline import grade  # the grader's kernels: only this call needs them
        result = grade(folder, exercise=exercise, quick=True)
    except HarnessError as exc:
        return Verdicts(title, notes=[str(exc)]).show()
    except Exception as exc:
        return Verdicts(title, notes=[f"the self-check itself failed, not your work ({type(exc).__name__}: {exc})"]).show()
    shown = {c.spec.id for c in exercise.checks() if tasks.visible(c.spec)}
    notes = [f"Data: {result.dataset}"] + [n for n in result.notes if not n.startswith("Isolation:")]
    hidden = len([i for i in result.items if i.id not in shown])
    notes.append(f"{hidden} items (pen and paper, written answers) are marked by a tutor and not shown; {result.duration:.0f} s")
    return Verdicts(f"{title}: the saved notebooks in {folder}", [i for i in result.items if i.id in shown], notes).show()
