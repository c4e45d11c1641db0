"""`grade(submission) -> Result`: the one call every user path shares.

The pipeline, in order: load the exercise -> resolve its data -> stage the submission ->
run its notebooks, capturing evidence -> read the answer sheet -> run every check (some
call into the still-running kernels) -> collect the figures -> the Result. `own_files.runs`
wraps the run: it compares the submission's own copies of the course's files and, when
the policy asks, runs the same again with the student's files, for a tutor.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat

from edf_autograder import __version__, own_files
from edf_autograder.answers.sheet import AnswerFile, load_answers
from edf_autograder.checking.evidence import Evidence
from edf_autograder.checking.run import run_item
from edf_autograder.checking.verdicts import ERROR, ItemResult, Result
from edf_autograder.evidence.capture import KernelCalls
from edf_autograder.evidence.causes import RootCause
from edf_autograder.evidence.integrity import Flag
from edf_autograder.evidence.notebooks import execute_all
from edf_autograder.exercise import Exercise, load
from edf_autograder.intake.stage import HANDWRITTEN_FOLDER, stage
from edf_autograder.kernel import interpreter, launch


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
    python = interpreter.prepare(exercise.environment)  # builds the course's environment the first time
    limits = {"cell_timeout": cell_timeout or cell, "notebook_timeout": notebook_timeout or whole, "interpreter": python}
    options = {"quick": quick, "dataset": dataset, "limits": limits, "parallel": parallel}
    with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
        staged = stage(submission, Path(tmp) / "work", exercise, dataset, quick=quick)
        runs = own_files.runs(staged, exercise, lambda work, **first: _run(work, exercise, **options, **first),
                              Path(tmp) / "work-own", keep_notebooks=keep_notebooks)
        run, told = runs.run, runs.told
        if keep_notebooks is not None:  # the batch links handwritten answers from the feedback page
            for path in staged.handwritten:
                _keep_file(path, keep_notebooks / HANDWRITTEN_FOLDER / path.name)
    notes = ([f"Isolation: {launch.describe()}", f"Environment: {python.note}"] + list(staged.notes)
             + told.notes + run.notes)
    result = Result(str(submission), run.items, dataset.description, __version__, notes,
                    time.monotonic() - started, run.figures, [f.to_dict() for f in staged.flags + run.flags + told.flags],
                    {"file": staged.answers.name if staged.answers else None,
                     "handwritten": [p.name for p in staged.handwritten],
                     "section": exercise.answers.section if exercise.answers else None},
                    exercise.describe())
    result.root_causes = [c.to_dict() for c in run.causes]
    result.advice, result.own_files, result.own_run = told.advice, told.files, told.own_run
    return result


@dataclass
class Run:
    """One graded run of a submission's notebooks: what a Result is made of."""

    items: list[ItemResult]
    figures: dict
    flags: list[Flag]
    notes: list[str]
    causes: list[RootCause]
    evidence: dict = field(default_factory=dict)   # kind -> NotebookEvidence of the notebooks that ran


def _run(staged, exercise: Exercise, *, quick: bool, dataset, limits: dict, parallel: bool,
         keep_notebooks: Path | None = None) -> Run:
    """Run the notebooks of a staged folder, read the answer sheet, run every check."""
    ev = Evidence(quick=quick, dataset=dataset, plans=exercise.plans, files=exercise.files)
    notes: list[str] = []
    causes: list[RootCause] = []
    with ExitStack() as kernels:
        present = [nb for nb in exercise.notebooks if nb.kind in staged.notebooks]
        ran = execute_all(present, staged, parallel=parallel, inputs=dataset.inputs(quick=quick), limits=limits,
                          quick=quick)
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
            causes += [replace(c, notebook=notebook.filename) for c in ran[kind].evidence.causes]
            if keep_notebooks is not None:
                _keep(staged.notebooks[kind], keep_notebooks / notebook.filename)
        notes += _answers(ev, staged, exercise)
        items = [run_item(chk, ev) for chk in exercise.checks()]
        figures = exercise.figures(ev) if exercise.figures else {}
    return Run(items, figures, ev.flags, notes, causes, {k: r.evidence for k, r in ran.items()})


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


def _keep_file(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)


def _keep(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
