"""Which snapshot serves which subtask: by what each graph is, in notebook order.

A trained graph goes to the first subtask whose expected structure it has exactly;
a subtask no graph matches gets the unclaimed graph between its neighbours (so a wrong
model is graded as that student's attempt), and nothing at all when there is none: a
graph built for another subtask is never credited twice, so a failing cell cannot hand
an older graph to the next subtask. Sweeps are found by their named lists changing,
plots by a graph without a loss drawn after their model was trained.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from edf_autograder.errors import EvidenceMissing
from edf_autograder.evidence import causes
from edf_autograder.evidence.capture import NotebookEvidence, Snapshot
from edf_autograder.evidence.graph import Graph
from edf_autograder.evidence.plan import GraphSlot, NotebookPlan, Sweep
from edf_autograder.kernel.cells import cell_name


def layers_text(layers) -> str:
    return " -> ".join(t if s is None else f"{t}{s[0]}->{s[1]}" for t, s in layers) or "nothing"


def layers(graph: Graph | None) -> tuple:
    try:
        return tuple(graph.layers()) if graph is not None else ()
    except EvidenceMissing:
        return ()


@dataclass
class Record:
    """One graph, followed across the cells that built or trained it."""

    born: int                                   # first cell it was seen after
    snaps: list[Snapshot] = field(default_factory=list)   # cells after which it had changed

    @property
    def last(self) -> Snapshot:
        return self.snaps[-1]

    @property
    def graph(self) -> Graph:
        return self.last.graph

    def origin(self) -> str:
        text = cell_name(self.last.cell)
        if self.last.cell != self.born:
            text += f" (built in {cell_name(self.born)})"
        return text


def _between(cell: int, start: int, end: int | None) -> bool:
    """After `start` and before `end` (None: to the end of the notebook)."""
    return start < cell and (end is None or cell < end)


def _changed(before: dict | None, after: dict | None) -> bool:
    return (before or {}).get("uid") != (after or {}).get("uid") or \
        (before or {}).get("values") != (after or {}).get("values")


def _sweep_cells(plan: NotebookPlan, snaps: list[Snapshot]) -> dict[str, list[Snapshot]]:
    """Per sweep, the snapshots after which its test-error list changed and holds values."""
    found: dict[str, list[Snapshot]] = {s.key: [] for s in plan.sweeps}
    for sweep in plan.sweeps:
        name = sweep.lists[1]
        before = None
        for snap in snaps:
            info = snap.names.get(name)
            if info and info.get("kind") == "numbers" and info.get("values") and _changed(before, info):
                found[sweep.key].append(snap)
            before = info
    return found


def _records(snaps: list[Snapshot], skip: set[int]) -> list[Record]:
    records: dict[tuple, Record] = {}
    for snap in snaps:
        if snap.capture is None or snap.graph is None or snap.cell in skip:
            continue
        identity = snap.graph.identity()
        records.setdefault(identity, Record(born=snap.cell)).snaps.append(snap)
    return sorted(records.values(), key=lambda r: r.born)


def _record_capture(record: Record) -> dict:
    snap = record.last
    capture = dict(snap.capture or {})
    capture.update(cell=snap.cell, origin=record.origin(),
                   cell_status=snap.run.status, cell_error=snap.run.error)
    return capture


class _Assigner:
    def __init__(self, plan: NotebookPlan, evidence: NotebookEvidence):
        self.plan, self.ev = plan, evidence
        self.sweeps = _sweep_cells(plan, evidence.snapshots)
        sweep_cells = {s.cell for snaps in self.sweeps.values() for s in snaps}
        records = _records(evidence.snapshots, sweep_cells)
        self.trained = [r for r in records if r.graph.has_loss(plan.losses)]
        self.plots = [r for r in records if not r.graph.has_loss(plan.losses)]
        self.first_sweep = min(sweep_cells, default=None)
        self.owner: dict[int, str] = {}   # id(record) -> slot key

    # -- messages ----------------------------------------------------------------------
    def _region_story(self, start: int, end: int | None) -> str:
        """What happened between two cells: errors, and training of graphs that belong to
        other subtasks (so a student sees why nothing new came out)."""
        parts = []
        for run in self.ev.runs:
            if _between(run.index, start, end) and run.status not in ("ok", "not run"):
                parts.append(causes.story(run, self.ev.causes))
        for snap in self.ev.snapshots:
            if snap.problem and _between(snap.cell, start, end):
                parts.append(f"the grader could not read the kernel after {cell_name(snap.cell)} ({snap.problem})")
        for record in self.trained:
            key = self.owner.get(id(record))
            again = [s for s in record.snaps if s.cell != record.born][1:]  # after its own training
            for snap in again:
                if key and _between(snap.cell, start, end):
                    parts.append(f"{cell_name(snap.cell)} trained the graph built in {cell_name(record.born)}, "
                                 f"which is graded for {key}")
        if self.ev.dead:
            parts.append(self.ev.dead.removeprefix("not run: "))
        return "; ".join(dict.fromkeys(parts))

    def _missing(self, slot: GraphSlot, start: int, end: int | None) -> str:
        what = f"{slot.title} ({layers_text(slot.layers)})" if slot.title else layers_text(slot.layers)
        span = f" after {cell_name(start)}" if start >= 0 else ""
        story = self._region_story(start, end)
        return f"no trained {what} was found{span}" + (f": {story}" if story else "")

    # -- trained models ----------------------------------------------------------------
    def train_slots(self) -> dict[str, Record]:
        slots = [s for s in self.plan.slots if s.kind == "train"]
        chosen: dict[str, Record] = {}
        pos = 0
        for slot in slots:
            free = [i for i, r in enumerate(self.trained) if id(r) not in self.owner
                    and layers(r.graph) == tuple(slot.layers)]
            later = [i for i in free if i >= pos]
            pick = (later or free or [None])[0]
            if pick is not None:
                chosen[slot.key] = self.trained[pick]
                self.owner[id(self.trained[pick])] = slot.key
                pos = pick + 1
        # a subtask without an exact match gets the unclaimed graph between its neighbours
        for n, slot in enumerate(slots):
            if slot.key in chosen:
                continue
            before = [chosen[s.key].born for s in slots[:n] if s.key in chosen]
            after = [chosen[s.key].born for s in slots[n + 1:] if s.key in chosen]
            start = max(before, default=-1)
            end = min(after, default=self.first_sweep)
            record = next((r for r in self.trained if id(r) not in self.owner and _between(r.born, start, end)),
                          None)
            if record is None:
                self.ev.missing[slot.key] = self._missing(slot, start, end)
                continue
            chosen[slot.key] = record
            self.owner[id(record)] = slot.key
        return chosen

    def plot_slots(self, chosen: dict[str, Record]) -> dict[str, Record]:
        found = {}
        borns = sorted(r.born for r in chosen.values())
        for slot in (s for s in self.plan.slots if s.kind == "plot"):
            model = chosen.get(slot.of)
            if model is None:
                self.ev.missing[slot.key] = f"there is no trained model of {slot.of} to compare the plot with"
                continue
            end = next((b for b in borns if b > model.born), None)
            candidates = [r for r in self.plots if _between(r.born, model.last.cell, end)
                          and id(r) not in self.owner]
            exact = [r for r in candidates if layers(r.graph) == tuple(slot.layers)]
            pick = (exact or candidates or [None])[0]
            if pick is None:
                story = self._region_story(model.last.cell, end)
                self.ev.missing[slot.key] = (f"no graph drawn on the grid was found after {cell_name(model.last.cell)}, "
                                             f"where the {slot.of.split('-')[0]} model was trained"
                                             + (f": {story}" if story else ""))
                continue
            found[slot.key] = pick
            self.owner[id(pick)] = slot.key
        return found

    # -- sweeps ------------------------------------------------------------------------
    def _activation(self, sweep: Sweep, snap: Snapshot) -> str | None:
        kinds = {t for t, _ in layers(snap.graph)}
        hits = [act for act, node in sweep.activations.items() if node in kinds]
        return hits[0] if len(hits) == 1 else None

    def sweep_slots(self) -> None:
        for sweep in self.plan.sweeps:
            snaps = self.sweeps[sweep.key]
            by_act: dict[str, Snapshot] = {}
            unknown = []
            for snap in snaps:
                act = self._activation(sweep, snap)
                if act is None:
                    unknown.append(snap)
                else:
                    by_act[act] = snap  # the last run of that activation counts
            for act in sweep.activations:  # runs without a recognisable graph: in the hand-out's order
                if act not in by_act and unknown:
                    by_act[act] = unknown.pop(0)
            for act in sweep.activations:
                key = f"{sweep.key}-{act}"
                snap = by_act.get(act)
                if snap is None:
                    self.ev.missing[key] = self._sweep_missing(sweep, act)
                    continue
                self.ev.captures[key] = self._sweep_capture(sweep, act, snap, snaps)

    def _sweep_missing(self, sweep: Sweep, act: str) -> str:
        node = sweep.activations[act]
        text = f"no cell filled `{sweep.lists[1]}` with a {node} MLP"
        related = [run for run in self.ev.runs if run.status == "error"
                   and any(n in self.ev.nb.cells[run.index].source for n in sweep.lists)]
        story = "; ".join(dict.fromkeys(causes.story(r, self.ev.causes) for r in related))
        if self.ev.dead:
            story = "; ".join(filter(None, [story, self.ev.dead.removeprefix("not run: ")]))
        return text + (f": {story}" if story else "")

    def _sweep_capture(self, sweep: Sweep, act: str, snap: Snapshot, snaps: list[Snapshot]) -> dict:
        later = [s.cell for s in snaps if s.cell > snap.cell]
        window = [s for s in self.ev.snapshots if s.cell >= snap.cell and (not later or s.cell < later[0])]
        values = {}
        for name in (*sweep.lists, sweep.configs_name):
            info = snap.names.get(name) or {}
            if info.get("kind") == "numbers":
                values[name] = np.asarray(info["values"], dtype=np.float64).reshape(info.get("shape") or -1)
        best = sweep.best.get(act)
        if best:
            for s in window:  # the best value may be picked in the next cell
                info = s.names.get(best) or {}
                if info.get("kind") == "numbers":
                    values[best] = np.asarray(info["values"], dtype=np.float64)
        i = self.ev.snapshots.index(snap)
        before = self.ev.snapshots[i - 1].lists if i else {}
        produced = {name: v for name, v in snap.lists.items() if before.get(name) != v}
        capture = dict(snap.capture or {})
        capture.update(cell=snap.cell, origin=cell_name(snap.cell), values=values, produced=produced,
                       cell_status=snap.run.status, cell_error=snap.run.error)
        if snap.capture is None:
            capture.setdefault("problems", []).append("the cell left no trained graph in the kernel")
        return capture

    # -- classes and functions -----------------------------------------------------------
    def definitions(self) -> None:
        for key, name in self.plan.definitions.items():
            defined = [s for s in self.ev.snapshots
                       if (s.names.get(name) or {}).get("kind") in ("class", "function")]
            if defined:
                cells = [s.cell for s, prev in zip(defined, [None] + defined[:-1])
                         if prev is None or prev.names[name].get("uid") != s.names[name].get("uid")]
                self.ev.captures[key] = {"cell": cells[-1], "origin": cell_name(cells[-1]), "name": name}
                continue
            tried = [run for run in self.ev.runs if run.status != "ok"
                     and (f"class {name}" in self.ev.nb.cells[run.index].source
                          or f"def {name}" in self.ev.nb.cells[run.index].source)]
            why = "; ".join(dict.fromkeys(causes.story(r, self.ev.causes) for r in tried))
            self.ev.missing[key] = f"`{name}` is not defined in the notebook" + (f" ({why})" if why else "")

    def run(self) -> None:
        chosen = self.train_slots()
        plots = self.plot_slots(chosen)
        for key, record in {**chosen, **plots}.items():
            self.ev.captures[key] = _record_capture(record)
        self.sweep_slots()
        self.definitions()


def assign(plan: NotebookPlan, evidence: NotebookEvidence) -> None:
    """Fill `evidence.captures` and `evidence.missing` for every key of the plan."""
    evidence.captures.clear()
    evidence.missing.clear()
    evidence.causes = causes.find(evidence.nb, evidence.runs)
    _Assigner(plan, evidence).run()
