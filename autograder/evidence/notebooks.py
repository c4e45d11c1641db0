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

from autograder.errors import KernelCallError
from autograder.evidence.capture import KernelCalls, NotebookEvidence, run_notebook, stash_definitions
from autograder.evidence.integrity import Flag, notebook_flags
from autograder.evidence.plan import NotebookPlan
from autograder.kernel import replay
from autograder.kernel.session import KernelSession


@dataclass
class Ran:
    """One notebook's run: its evidence, the calls checks make, and what the report says."""

    evidence: NotebookEvidence
    calls: KernelCalls
    notes: list[str]
    flags: list[Flag]
    kernels: ExitStack   # its kernels, kept until the checks are done


def _execute(notebook, staged, *, inputs: Mapping, limits: dict, live: list) -> Ran:
    """Run one notebook, capturing evidence; if its kernel died, re-run its definitions
    in a fresh kernel for the checks that call them."""
    plan, name = notebook.plan, notebook.filename
    with ExitStack() as kernels:
        session = kernels.enter_context(KernelSession(staged.notebooks[plan.kind], staged.workdir, **limits))
        live.append(session)
        evidence = run_notebook(session, plan, inputs)
        calls, notes = KernelCalls(session, stashed=evidence.stashed), []
        if session.dead_reason:
            notes.append(f"{name}: {session.dead_reason.removeprefix('not run: ')}")
            calls = _replay(evidence, staged, kernels, limits, plan, notes, name) or \
                KernelCalls(None, session.dead_reason)
        flags = notebook_flags(name, evidence, session.sandbox_events())
        return Ran(evidence, calls, notes, flags, kernels.pop_all())


def execute_all(notebooks: list, staged, *, parallel: bool, **kw) -> dict[str, Ran]:
    """The notebooks side by side (each kernel is its own process; the grader mostly waits),
    or one after the other; if one cannot start, the other's kernels are closed too, and
    Ctrl-C ends every kernel at once."""
    live: list[KernelSession] = []
    try:
        return _run_each(notebooks, staged, parallel=parallel, live=live, **kw)
    except KeyboardInterrupt:
        for session in live:
            session.kill()
        raise


def _run_each(notebooks: list, staged, *, parallel: bool, **kw) -> dict[str, Ran]:
    if not parallel or len(notebooks) < 2:
        done: dict[str, Ran] = {}
        try:
            for notebook in notebooks:
                done[notebook.kind] = _execute(notebook, staged, **kw)
        except BaseException:
            for ran in done.values():
                ran.kernels.close()
            raise
        return done
    with ThreadPoolExecutor(len(notebooks), thread_name_prefix="notebook") as pool:
        futures = {nb.kind: pool.submit(_execute, nb, staged, **kw) for nb in notebooks}
        wait(futures.values())
    failed = [f.exception() for f in futures.values() if f.exception() is not None]
    if failed:
        for f in futures.values():
            if f.exception() is None:
                f.result().kernels.close()
        raise failed[0]
    return {kind: f.result() for kind, f in futures.items()}


def _replay(evidence: NotebookEvidence, staged, stack: ExitStack, limits: dict, plan: NotebookPlan,
            notes: list[str], name: str) -> KernelCalls | None:
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
