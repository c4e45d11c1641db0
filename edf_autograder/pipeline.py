"""`grade(submission) -> Result`: the one call every user path shares.

The pipeline, in order: load the exercise -> resolve its data -> stage the submission ->
run its notebooks, capturing evidence -> read the answer sheet -> run every check (some
call into the still-running kernels) -> collect the figures -> the Result.
"""
from __future__ import annotations

import shutil
import tempfile
import time
import traceback
from contextlib import ExitStack
from pathlib import Path

import nbformat

from edf_autograder import __version__
from edf_autograder.answers.sheet import AnswerFile, load_answers
from edf_autograder.checking.evidence import Evidence
from edf_autograder.checking.verdicts import ERROR, FAIL, NOT_FOUND, ItemResult, Result, Verdict, skipped
from edf_autograder.errors import EvidenceMissing, HarnessError, Untrusted
from edf_autograder.evidence.capture import KernelCalls
from edf_autograder.evidence.integrity import Flag, tamper_note
from edf_autograder.evidence.notebooks import execute_all
from edf_autograder.exercise import Exercise, load
from edf_autograder.intake.stage import HANDWRITTEN_FOLDER, stage
from edf_autograder.kernel import launch


def grade(submission, *, exercise: Exercise | str | None = None, quick: bool = False, data: dict | None = None,
          dataset=None, cell_timeout: float | None = None,
          notebook_timeout: float | None = None, keep_notebooks: Path | None = None,
          parallel: bool = True) -> Result:
    """Grade one submission (folder, .zip, notebook(s) and answer file) -> Result.

    `data` holds the exercise's data options (e.g. {"data": a folder}); `dataset` is
    data already resolved. `parallel` runs the notebooks side by side (a batch runs
    students side by side instead). `keep_notebooks` receives the executed notebooks and
    handwritten pages."""
    started = time.monotonic()
    exercise = load(exercise)
    dataset = dataset or exercise.data(**(data or {}))
    cell, whole = exercise.limits(dataset.kind, quick=quick)
    limits = {"cell_timeout": cell_timeout or cell, "notebook_timeout": notebook_timeout or whole}
    with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
        staged = stage(submission, Path(tmp) / "work", exercise, dataset, quick=quick)
        ev = Evidence(quick=quick, dataset=dataset, plans=exercise.plans, files=exercise.files)
        notes = [f"Isolation: {launch.describe()}"] + list(staged.notes)
        with ExitStack() as kernels:
            present = [nb for nb in exercise.notebooks if nb.kind in staged.notebooks]
            ran = execute_all(present, staged, parallel=parallel, inputs=dataset.inputs(quick=quick), limits=limits)
            for notebook in exercise.notebooks:  # in the exercise's order, whichever finished first
                kind = notebook.kind
                if kind not in ran:
                    ev.notebooks[kind], ev.missing_notebook[kind] = None, staged.problems[kind]
                    ev.calls[kind] = KernelCalls(None, staged.problems[kind])
                    continue
                kernels.enter_context(ran[kind].kernels)
                ev.notebooks[kind], ev.calls[kind] = ran[kind].evidence, ran[kind].calls
                notes += ran[kind].notes
                ev.flags += ran[kind].flags
                if keep_notebooks is not None:
                    _keep(staged.notebooks[kind], keep_notebooks / notebook.filename)
            notes += _answers(ev, staged, exercise)
            items = [_item(chk, ev) for chk in exercise.checks()]
            figures = exercise.figures(ev) if exercise.figures else {}
        if keep_notebooks is not None:  # the batch links handwritten answers from the feedback page
            for path in staged.handwritten:
                _keep_file(path, keep_notebooks / HANDWRITTEN_FOLDER / path.name)
    return Result(str(submission), items, dataset.description, __version__, notes,
                  time.monotonic() - started, figures, [f.to_dict() for f in ev.flags],
                  {"file": staged.answers.name if staged.answers else None,
                   "handwritten": [p.name for p in staged.handwritten],
                   "section": exercise.answers.section if exercise.answers else None},
                  exercise.describe())


def unusable(submission: str, exercise: Exercise, dataset: str, why: str) -> Result:
    """Every item at zero with the reason: for input the grader cannot use at all."""
    items = [ItemResult(c.spec.id, c.spec.title, c.spec.section, 0.0, c.spec.points, ERROR, why, 0.0)
             for c in exercise.checks()]
    return Result(submission, items, dataset, __version__, [why], exercise=exercise.describe())


def _answers(ev: Evidence, staged, exercise: Exercise) -> list[str]:
    """Read the answer sheet into the evidence; returns what the report should note."""
    sheet = exercise.answers
    if sheet is None:
        return []
    handwritten = tuple(p.name for p in staged.handwritten)
    if staged.answers is None and not handwritten:
        ev.answer_problem = (f"no {sheet.filename} in the submission (nor handwritten answers, "
                             f"{sheet.handwritten}.pdf or a photo)")
        return []
    ev.answer_file = load_answers(staged.answers, sheet) if staged.answers else AnswerFile(sheet)
    ev.answer_file.handwritten = handwritten
    return [f"{ev.answer_file.name}: {entry}" for entry in ev.answer_file.ignored]


def _item(chk, ev: Evidence) -> ItemResult:
    started = time.monotonic()
    ev.read = {}
    verdict = _run_check(chk, ev)
    spec = chk.spec
    if kind := verdict.data.get("integrity"):  # a check that saw something a person should look at
        where = "; ".join(ev.read.values())
        ev.flags.append(Flag(kind, f"{spec.id}: {verdict.message}" + (f" ({where})" if where else "")))
    return ItemResult(spec.id, spec.title, spec.section, round(spec.points * verdict.fraction, 3), spec.points,
                      verdict.status, verdict.message, round(time.monotonic() - started, 3),
                      "; ".join(dict.fromkeys(ev.read.values())), dict(verdict.data))


def _run_check(chk, ev: Evidence) -> Verdict:
    if chk.spec.slow and ev.quick:
        return skipped("not checked in quick mode (needs the full training data); run without --quick")
    try:
        return chk.run(ev)
    except EvidenceMissing as exc:
        return Verdict(NOT_FOUND, 0.0, str(exc))
    except Untrusted as exc:  # the kernel's numbers disagree with the grader's: a person looks
        notes = [tamper_note(ev.flags, ev.files.get(kind, "")) for kind in ev.kinds_read()]
        message = "; ".join(filter(None, notes + [str(exc)]))
        where = "; ".join(ev.read.values())
        ev.flags.append(Flag("mismatch", f"{chk.spec.id}: {exc}" + (f" ({where})" if where else "")))
        return Verdict(FAIL, 0.0, message)
    except HarnessError as exc:  # the submission does not give what the item needs
        return Verdict(FAIL, 0.0, str(exc))
    except Exception:  # a grader bug: this item needs a human, the rest of the run goes on
        return Verdict(ERROR, 0.0, "internal grader error (the instructor will look at it):\n"
                       + traceback.format_exc(limit=4))


def _keep_file(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)


def _keep(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
