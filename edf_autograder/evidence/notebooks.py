"""Run an exercise's notebooks, each in its own kernel, and gather their evidence: side by
side (each kernel is its own process; the grader mostly waits) or one after the other.

If a kernel dies, the classes and functions of the cells that ran are re-run in a fresh
kernel for the checks that call them (`kernel/replay.py`); if a kernel cannot start, the
others are closed too; Ctrl-C ends every kernel at once.
"""
from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass

from edf_autograder.evidence.assign import assign
from edf_autograder.evidence.capture import KernelCalls, NotebookEvidence, run_notebook, stash_definitions
from edf_autograder.evidence.integrity import Flag, notebook_flags
from edf_autograder.evidence.plan import NotebookPlan
from edf_autograder.kernel import replay
from edf_autograder.kernel.plain import QUICK_UPDATES
from edf_autograder.kernel.session import KernelSession


@dataclass
class Ran:
    """One notebook's run: its evidence, the calls checks make, and what the report says."""

    evidence: NotebookEvidence
    calls: KernelCalls
    notes: list[str]
    flags: list[Flag]
    kernels: ExitStack   # its kernels, kept until the checks are done


def _execute(notebook, staged, *, inputs: Mapping, limits: dict, live: list, quick: bool = False) -> Ran:
    """Run one notebook, capturing evidence; if its kernel died, re-run its definitions
    in a fresh kernel for the checks that call them. In quick mode the grading runtime
    stops the trainings the plan says no quick item reads (`NotebookPlan.quick_updates`)."""
    plan, name = notebook.plan, notebook.filename
    env = {QUICK_UPDATES: str(plan.quick_updates)} if quick and plan.quick_updates else {}
    with ExitStack() as kernels:
        session = kernels.enter_context(KernelSession(staged.notebooks[plan.kind], staged.workdir, env=env, **limits))
        live.append(session)
        evidence = run_notebook(session, plan, inputs)
        assign(plan, evidence)
        calls, notes = KernelCalls(session, stashed=evidence.stashed), _stopped_notes(name, plan, evidence)
        if session.dead_reason:
            notes.append(f"{name}: {session.dead_reason.removeprefix('not run: ')}")
            calls = _replay(evidence, staged, kernels, limits, plan, notes, name) or \
                KernelCalls(None, session.dead_reason)
        flags = notebook_flags(name, evidence, session.sandbox_events())
        return Ran(evidence, calls, notes, flags, kernels.pop_all())


def _stopped_notes(name: str, plan: NotebookPlan, evidence: NotebookEvidence) -> list[str]:
    """What a reader of the executed notebook must know: which trainings quick mode stopped."""
    notes = []
    for slot in plan.slots:
        stopped = (evidence.captures.get(slot.key) or {}).get("stopped") if slot.kind == "train" else None
        if stopped:
            made, asked = stopped
            notes.append(f"{name}: quick mode stopped the {slot.title or slot.key} training after {made:,} of its "
                         f"{asked:,} steps (the errors it printed after that are the {made:,}-step model's)")
    return notes


def execute_all(notebooks: list, staged, *, parallel: bool, **kw) -> dict[str, Ran]:
    """Each notebook's run, by kind."""
    live: list[KernelSession] = []
    try:
        if parallel and len(notebooks) > 1:
            return _side_by_side(notebooks, staged, live=live, **kw)
        return _one_by_one(notebooks, staged, live=live, **kw)
    except KeyboardInterrupt:
        _kill(live)
        raise


def _kill(sessions: list[KernelSession]) -> None:
    for session in sessions:
        session.kill()


def _one_by_one(notebooks: list, staged, **kw) -> dict[str, Ran]:
    done: dict[str, Ran] = {}
    try:
        for notebook in notebooks:
            done[notebook.kind] = _execute(notebook, staged, **kw)
    except BaseException:
        _close(done.values())
        raise
    return done


def _side_by_side(notebooks: list, staged, *, live: list, **kw) -> dict[str, Ran]:
    with ThreadPoolExecutor(len(notebooks), thread_name_prefix="notebook") as pool:
        futures = {nb.kind: pool.submit(_execute, nb, staged, live=live, **kw) for nb in notebooks}
        try:
            wait(futures.values())
        except BaseException:
            _kill(live)  # Ctrl-C: end the kernels first, or the pool waits for the cells they run
            raise
    ran = {kind: f.result() for kind, f in futures.items() if f.exception() is None}
    failed = [f.exception() for f in futures.values() if f.exception() is not None]
    if failed:
        _close(ran.values())
        raise failed[0]
    return ran


def _close(runs) -> None:
    for ran in runs:
        ran.kernels.close()


def _replay(evidence: NotebookEvidence, staged, stack: ExitStack, limits: dict, plan: NotebookPlan,
            notes: list[str], name: str) -> KernelCalls | None:
    nb = replay.notebook(evidence.nb, evidence.runs) if plan.definitions else None
    if nb is None:
        return None
    session = stack.enter_context(KernelSession(nb, staged.workdir, **limits))
    for index in range(len(nb.cells)):
        session.run_cell(index)
    stashed = stash_definitions(session, plan)
    if stashed:
        last = max((r.index for r in evidence.runs if r.status != "not run"), default=0)
        evidence.replay = (f"the definitions of cells 1-{last + 1} ({', '.join(stashed)}) were re-run in a "
                           "fresh kernel for the checks that call them")
        notes.append(f"{name}: {evidence.replay}")
    return KernelCalls(session, stashed=stashed)
