"""`grade(submission) -> Result`: the one call every user path shares.

The pipeline, in order: resolve data -> stage -> execute each notebook, capturing
evidence -> run every check (some call into the still-running kernels) -> score.
"""
from __future__ import annotations

import shutil
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import checks
from autograder import __version__
from checks import data
from autograder.kernel import replay, sandbox
from autograder.evidence.capture import KernelCalls, run_notebook, stash_definitions
from autograder.errors import EvidenceMissing, HarnessError, KernelCallError, SubmissionError, Untrusted
from autograder.checking.evidence import Evidence
from autograder.kernel.session import KernelSession
from checks.figures import collect as collect_figures
from autograder.evidence.integrity import Flag, notebook_flags, tamper_note
from autograder.answers.sheet import AnswerFile, load_answers
from autograder.checking.verdicts import ERROR, FAIL, NOT_FOUND, ItemResult, Result, Verdict, skipped
from autograder.intake.stage import HANDWRITTEN_FOLDER, NOTEBOOKS, stage
from checks.notebooks import PLANS

# Time limits in seconds (cell, notebook), by what the notebooks train on. The reference's
# longest cell takes a few seconds on the bundled data (docs/reference-results.md).
TIME_LIMITS = {"quick": (60, 300), "bundled": (120, 1200), "full": (900, 5400)}


def _answers(ev: Evidence, staged) -> None:
    handwritten = tuple(p.name for p in staged.handwritten)
    if staged.answers is None and not handwritten:
        ev.pen_and_paper_problem = ("no pen_and_paper.toml in the submission (nor handwritten answers, "
                                    "pen_and_paper.pdf or a photo)")
        return
    ev.pen_and_paper = load_answers(staged.answers) if staged.answers else AnswerFile()
    ev.pen_and_paper.handwritten = handwritten
    staged.notes += [f"{ev.pen_and_paper.name}: {entry}" for entry in ev.pen_and_paper.ignored]


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


@dataclass
class _Ran:
    """One notebook's run: its evidence, the calls checks make, and what the report says."""

    evidence: object
    calls: KernelCalls
    notes: list[str]
    flags: list[Flag]
    kernels: ExitStack   # its kernels, kept until the checks are done


def _execute(kind: str, staged, *, quick: bool, dataset, limits: dict, live: list) -> _Ran:
    """Run one notebook, capturing evidence; if its kernel died, re-run its definitions
    in a fresh kernel for the checks that call them."""
    plan, name = PLANS[kind], NOTEBOOKS[kind]
    with ExitStack() as kernels:
        session = kernels.enter_context(KernelSession(staged.notebooks[kind], staged.workdir, **limits))
        live.append(session)
        evidence = run_notebook(session, plan, dataset, quick=quick)
        calls, notes = KernelCalls(session, stashed=evidence.stashed), []
        if session.dead_reason:
            notes.append(f"{name}: {session.dead_reason.removeprefix('not run: ')}")
            calls = _replay(evidence, staged, kernels, limits, plan, notes, name) or \
                KernelCalls(None, session.dead_reason)
        flags = notebook_flags(name, evidence, session.sandbox_events())
        return _Ran(evidence, calls, notes, flags, kernels.pop_all())


def _execute_all(kinds: list[str], staged, *, parallel: bool, **kw) -> dict[str, _Ran]:
    """The notebooks side by side (each kernel is its own process; the grader mostly waits),
    or one after the other; if one cannot start, the other's kernels are closed too, and
    Ctrl-C ends every kernel at once."""
    live: list[KernelSession] = []
    try:
        return _run_each(kinds, staged, parallel=parallel, live=live, **kw)
    except KeyboardInterrupt:
        for session in live:
            session.kill()
        raise


def _run_each(kinds: list[str], staged, *, parallel: bool, **kw) -> dict[str, _Ran]:
    if not parallel or len(kinds) < 2:
        done: dict[str, _Ran] = {}
        try:
            for kind in kinds:
                done[kind] = _execute(kind, staged, **kw)
        except BaseException:
            for ran in done.values():
                ran.kernels.close()
            raise
        return done
    with ThreadPoolExecutor(len(kinds), thread_name_prefix="notebook") as pool:
        futures = {kind: pool.submit(_execute, kind, staged, **kw) for kind in kinds}
        wait(futures.values())
    failed = [f.exception() for f in futures.values() if f.exception() is not None]
    if failed:
        for f in futures.values():
            if f.exception() is None:
                f.result().kernels.close()
        raise failed[0]
    return {kind: f.result() for kind, f in futures.items()}


def _replay(evidence, staged, stack, limits, plan, notes, name) -> KernelCalls | None:
    nb = replay.notebook(evidence.nb, evidence.runs) if plan.definitions else None
    if nb is None:
        return None
    session = stack.enter_context(KernelSession(nb, staged.workdir, **limits))
    for index in range(len(nb.cells)):
        session.run_cell(index)
    try:
        stashed = stash_definitions(session, plan) if not session.dead_reason else []
    except KernelCallError:
        stashed = []
    if stashed:
        last = max((r.index for r in evidence.runs if r.status != "not run"), default=0)
        evidence.replay = (f"the definitions of cells 1-{last + 1} ({', '.join(stashed)}) were re-run in a "
                           "fresh kernel for the checks that call them")
        notes.append(f"{name}: {evidence.replay}")
    return KernelCalls(session, stashed=stashed)


def grade(submission, *, quick: bool = False, data_dir=None, pcl=None, threads: int = 1,
          cell_timeout: float | None = None, notebook_timeout: float | None = None,
          dataset=None, keep_notebooks: Path | None = None, parallel: bool = True) -> Result:
    """Grade one submission (folder, .zip, notebook(s) and answer file) -> Result.
    `parallel` runs the notebooks side by side (a batch runs students side by side instead)."""
    started = time.monotonic()
    dataset = dataset or data.resolve(data_dir, pcl=pcl)
    default = TIME_LIMITS["quick" if quick else dataset.kind]
    limits = {"cell_timeout": cell_timeout or default[0], "notebook_timeout": notebook_timeout or default[1],
              "threads": threads}
    with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
        staged = stage(submission, Path(tmp) / "work", dataset, quick=quick)
        ev = Evidence(quick=quick, dataset=dataset, plans=PLANS, files=dict(NOTEBOOKS))
        _answers(ev, staged)
        notes = [f"Isolation: {sandbox.describe()}"] + list(staged.notes)
        with ExitStack() as stack:
            ran = _execute_all([k for k in NOTEBOOKS if k in staged.notebooks], staged, parallel=parallel,
                               quick=quick, dataset=dataset, limits=limits)
            for kind in NOTEBOOKS:  # in a fixed order, whichever finished first
                if kind not in ran:
                    ev.notebooks[kind] = None
                    ev.missing_notebook[kind] = staged.problems[kind]
                    ev.calls[kind] = KernelCalls(None, staged.problems[kind])
                    continue
                stack.enter_context(ran[kind].kernels)
                ev.notebooks[kind], ev.calls[kind] = ran[kind].evidence, ran[kind].calls
                notes += ran[kind].notes
                ev.flags += ran[kind].flags
                if keep_notebooks is not None:
                    _keep(staged.notebooks[kind], keep_notebooks / NOTEBOOKS[kind])
            items = []
            for chk in checks.all_checks():
                t0 = time.monotonic()
                ev.read = {}
                verdict = _run_check(chk, ev)
                spec = chk.spec
                items.append(ItemResult(
                    spec.id, spec.title, spec.section, round(spec.points * verdict.fraction, 3),
                    spec.points, verdict.status, verdict.message, round(time.monotonic() - t0, 3),
                    "; ".join(dict.fromkeys(ev.read.values()))))
            figures = collect_figures(ev)
        if keep_notebooks is not None:  # the batch links handwritten 2.1 answers from the feedback page
            for path in staged.handwritten:
                _keep_file(path, keep_notebooks / HANDWRITTEN_FOLDER / path.name)
    return Result(str(submission), items, dataset.description, __version__, notes,
                  time.monotonic() - started, figures, [f.to_dict() for f in ev.flags],
                  _handed_in(staged))


def _handed_in(staged) -> dict:
    return {"file": staged.answers.name if staged.answers else None,
            "handwritten": [p.name for p in staged.handwritten]}


def _keep_file(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)


def _keep(nb, path: Path) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
