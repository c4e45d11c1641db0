"""The Evidence the grader would build, from what the recorder saw in this kernel.

The grader runs a notebook once, top to bottom. A student runs cells in any order and
again: each cell counts as it last ran, in the notebook's order (its saved file's), so a
model trained again is the one judged. Then the grader's own steps: `assign` gives each
subtask its graph, `stash_definitions` keeps the classes and functions the checks call,
and `KernelCalls` calls them, here through the in-process session.
"""
from __future__ import annotations

import dataclasses

import nbformat

from edf_autograder.checking.evidence import Evidence
from edf_autograder.evidence.assign import assign
from edf_autograder.evidence.capture import KernelCalls, NotebookEvidence, graph_state, stash_definitions
from edf_autograder.selfcheck import notebook_file
from edf_autograder.selfcheck.recorder import Execution, Recorder

BY_RUN = "cells are numbered in the order they last ran (save the notebook to number them as the file does)"


def _latest(executions: list[Execution]) -> list[Execution]:
    """Each cell once, as it last ran, in the order cells first ran; a re-run that left the
    same graph keeps the capture the earlier run took."""
    groups: dict[str, list[Execution]] = {}
    for ex in executions:
        groups.setdefault(ex.cell_id or ex.source, []).append(ex)
    latest = []
    for runs in groups.values():
        last = runs[-1]
        if last.snap.capture is None and last.snap.graph is not None:
            state = graph_state(last.snap.graph)
            earlier = [r.snap.capture for r in runs[:-1]
                       if r.snap.capture is not None and graph_state(r.snap.graph) == state]
            if earlier:
                last = dataclasses.replace(last, snap=dataclasses.replace(last.snap, capture=earlier[-1]))
        latest.append(last)
    return latest


def _notebook(recorder: Recorder, cells: list[Execution]):
    """(notebook, position of each cell, note): the saved file's layout when every cell is
    found in it, else the cells as they ran."""
    files = notebook_file.candidates(recorder.shell.user_ns, recorder.folder,
                                     [recorder.exercise.files[recorder.kind]])
    executed = [(ex.cell_id, ex.source) for ex in cells]
    for path in files:
        nb = notebook_file.read(path)
        found = notebook_file.positions(nb, executed) if nb is not None else None
        if found is not None:
            for ex, at in zip(cells, found):
                nb.cells[at].source = ex.source
            return nb, found, ""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ex.source) for ex in cells])
    return nb, list(range(len(cells))), BY_RUN


def build(recorder: Recorder, dataset) -> tuple[Evidence, list[str]]:
    """(the Evidence of this kernel's notebook, notes for the student)."""
    exercise, kind = recorder.exercise, recorder.kind
    plan = recorder.plan()
    cells = _latest(recorder.executions)
    nb, where, note = _notebook(recorder, cells)
    evidence = NotebookEvidence(kind, nb)
    for ex, at in sorted(zip(cells, where), key=lambda pair: pair[1]):
        run = dataclasses.replace(ex.snap.run, index=at)
        evidence.runs.append(run)
        evidence.snapshots.append(dataclasses.replace(ex.snap, cell=at, run=run))
    evidence.stashed = stash_definitions(recorder.session, plan)
    assign(plan, evidence)
    ev = Evidence(quick=True, dataset=dataset, plans=exercise.plans, files=exercise.files)
    for other in exercise.plans:
        ev.notebooks[other], ev.calls[other] = None, KernelCalls(None, "not this kernel's notebook")
        ev.missing_notebook[other] = (f"this kernel runs {exercise.files[kind]}; the task belongs to "
                                      f"{exercise.files[other]}: check it there, or run check_all()")
    ev.notebooks[kind], ev.calls[kind] = evidence, KernelCalls(recorder.session, stashed=evidence.stashed)
    return ev, [n for n in (note, recorder.problem) if n]
