"""Evidence capture: run a notebook cell by cell and record, after every cell, what the
kernel holds: the EDF graph (its structure and a checksum of its weights), the names the
sheet asks for, replaced functions and refused operations. When a cell leaves a new or
newly trained graph, the grader also takes its weights and its output on grader-chosen
inputs right then, before later cells overwrite them. Which snapshot serves which subtask
is decided afterwards, by what the graphs are (`assign.py`), not by where the code stands.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from edf_autograder.errors import KernelCallError
from edf_autograder.evidence.graph import Graph, from_files
from edf_autograder.evidence.plan import NotebookPlan
from edf_autograder.kernel import exchange
from edf_autograder.kernel.cells import GLOBALS, CellRun, cell_name, last_line

if TYPE_CHECKING:  # only run_notebook starts cells; the rest works with any Session
    from edf_autograder.kernel.session import KernelSession


class Session(Protocol):
    """What capture needs of a kernel: `kernel.session.KernelSession`, or the self-check's
    in-process stand-in (`selfcheck.session.LocalSession`)."""

    exchange: Path
    dead_reason: str

    def call(self, function: str, *args, timeout: float = ...) -> Path: ...

DEFINITIONS = "definitions"  # the stash key of the classes and functions checks call


@dataclass
class Snapshot:
    """The kernel's state right after one code cell."""

    cell: int                       # index in the notebook's cells
    run: CellRun
    graph: Graph | None = None      # structure only; the arrays are in `capture`
    names: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)   # name -> short list of numbers in the namespace
    tampered: list = field(default_factory=list)
    audit: list = field(default_factory=list)
    capture: dict | None = None     # weights and outputs, taken when the graph changed
    problem: str = ""               # why the snapshot is incomplete


@dataclass
class NotebookEvidence:
    kind: str
    nb: Any = None                  # the executed notebook (nbformat.NotebookNode)
    runs: list[CellRun] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    captures: dict[str, dict] = field(default_factory=dict)   # capture key -> evidence
    missing: dict[str, str] = field(default_factory=dict)     # capture key -> why there is none
    dead: str = ""                                            # why the kernel stopped early
    replay: str = ""                                          # what was re-run after it stopped
    stashed: list[str] = field(default_factory=list)          # definitions kept for later calls
    causes: list = field(default_factory=list)                # causes.RootCause: failures others follow from


def _read_snapshot(session: Session, plan: NotebookPlan, run: CellRun) -> Snapshot:
    snap = Snapshot(run.index, run)
    try:
        report = exchange.read_json(session.call("snapshot", GLOBALS, plan.watched(), list(plan.losses))
                                    / "snapshot.json")
        snap.names = dict(report.get("names") or {})
        snap.lists = {str(k): v for k, v in dict(report.get("lists") or {}).items() if isinstance(v, list)}
        snap.tampered = [str(t) for t in report.get("tampered") or []]
        snap.audit = [list(map(str, a))[:2] for a in report.get("audit") or []]
        if report.get("graph"):
            snap.graph = from_files(report["graph"])
    except (KernelCallError, AttributeError, TypeError, ValueError) as exc:
        snap.problem = str(exc)
    return snap


def _capture(session: Session, plan: NotebookPlan, graph: Graph, inputs: Mapping) -> dict:
    """Weights, and the graph's output on grader inputs (a trained model) or the values it
    drew (a plot), taken now: later cells rebind and retrain."""
    plot = not graph.has_loss(plan.losses)
    record: dict = {}
    try:
        out = session.call("describe_graph", GLOBALS, plot, list(plan.losses))
        arrays = exchange.read_arrays(out / "params.npz")
        desc = exchange.read_json(out / "graph.json")
        record["graph"] = from_files(desc, {k: v for k, v in arrays.items() if k.startswith("p")})
        if stopped := _stopped(desc):
            record["stopped"] = stopped
        if plot:
            record["plot"] = {k: arrays[k] for k in ("x_value", "out_value") if k in arrays}
            return record
        feed = session.exchange / "inputs.npz"
        exchange.write_arrays(feed, **{n: inputs[n] for n in plan.inputs})
        try:
            out = session.call("evaluate", str(feed), GLOBALS, plan.classes, list(plan.losses))
        finally:
            feed.unlink(missing_ok=True)
        record["eval"] = exchange.read_arrays(out / "eval.npz")
    except (KernelCallError, LookupError) as exc:
        record.setdefault("problems", []).append(str(exc))
    return record


def _stopped(desc) -> tuple[int, int] | None:
    """(updates made, updates asked for) when the quick check's runtime stopped this
    training early (`runtime/edf.py`, quick mode); None for a training run to its end."""
    value = desc.get("stopped") if isinstance(desc, dict) else None
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value) and 0 <= value[0] < value[1]:
        return value[0], value[1]
    return None


def _wanted(plan: NotebookPlan, graph: Graph) -> bool:
    """Trained models always; graphs without a loss only where the plan draws plots."""
    if graph.has_loss(plan.losses):
        return True
    shape = graph.input_shape()
    return any(s.kind == "plot" for s in plan.slots) and shape is not None and len(shape) == 2


def graph_state(graph: Graph | None):
    """What tells a new or newly trained graph from the one a cell before left."""
    return (graph.identity(), graph.weights_checksum()) if graph is not None else None


def after_cell(session: Session, plan: NotebookPlan, run: CellRun, inputs: Mapping,
               last_state) -> tuple[Snapshot, Any]:
    """The snapshot after one cell, with its graph captured when it is new or newly trained
    since `last_state`; returns (snapshot, the state the next cell is compared with)."""
    snap = _read_snapshot(session, plan, run)
    state = graph_state(snap.graph)
    if snap.graph is not None and state != last_state and _wanted(plan, snap.graph):
        snap.capture = _capture(session, plan, snap.graph, inputs)
    return snap, state


def run_notebook(session: KernelSession, plan: NotebookPlan, inputs: Mapping) -> NotebookEvidence:
    """Execute every cell, snapshotting after each; capture graphs when they change, with
    their output on the grader `inputs` (arrays by the names the plan uses)."""
    evidence = NotebookEvidence(plan.kind, session.nb)
    last_state = None
    for index, cell in enumerate(session.nb.cells):
        if cell.cell_type != "code":
            continue
        run = session.run_cell(index)
        evidence.runs.append(run)
        if session.dead_reason:
            continue
        snap, last_state = after_cell(session, plan, run, inputs, last_state)
        evidence.snapshots.append(snap)
    evidence.dead = session.dead_reason
    evidence.stashed = stash_definitions(session, plan)
    return evidence


def stash_definitions(session: Session, plan: NotebookPlan) -> list[str]:
    """Keep the classes and functions checks call, as the notebook left them; none when
    the kernel is gone or cannot say (the checks that call them say the names are not there)."""
    if not plan.definitions or session.dead_reason:
        return []
    try:
        out = session.call("stash", GLOBALS, DEFINITIONS, list(plan.definitions.values()))
        return list(exchange.read_json(out / "stash.json"))
    except KernelCallError:
        return []


class KernelCalls:
    """Calls that checks make into a live kernel, with grader inputs and validated outputs."""

    def __init__(self, session: Session | None, reason: str = "", stashed=()):
        self.session = session
        self.reason = reason
        self.stashed = set(stashed)

    def _session(self) -> Session:
        if self.session is None or self.session.dead_reason:
            raise KernelCallError(self.reason or (self.session.dead_reason if self.session else "no kernel"))
        return self.session

    def _feed(self, **arrays) -> Path:
        feed = self._session().exchange / "call-inputs.npz"
        exchange.write_arrays(feed, **arrays)
        return feed

    def activation(self, cls: str, x, upstream, grad0) -> tuple[np.ndarray, np.ndarray]:
        """(forward value, gradient accumulated into the input) of the student's class."""
        feed = self._feed(x=x, upstream=upstream, grad0=grad0)
        out = self._session().call("call_activation", str(feed), DEFINITIONS, cls, timeout=30)
        got = exchange.read_arrays(out / "act.npz")
        if "value" not in got or "grad" not in got:
            raise KernelCallError("the activation call returned no value/gradient")
        value = exchange.checked(got["value"], f"{cls}.forward output", shape=x.shape, finite=False)
        grad = exchange.checked(got["grad"], f"{cls}.backward gradient", shape=x.shape, finite=False)
        return value, grad

    def numdiff(self, fname: str, which, x) -> np.ndarray:
        """The student's numerical gradient of `which` ("sigmoid", "cube" or the name of a
        stashed class) at `x`."""
        feed = self._feed(x=x)
        arg = which if which in ("sigmoid", "cube") else (DEFINITIONS, which)
        out = self._session().call("call_numdiff", str(feed), DEFINITIONS, fname, arg, timeout=30)
        got = exchange.read_arrays(out / "numdiff.npz")
        return exchange.checked(got.get("numeric", np.zeros(0)), "numeric_grad", shape=x.shape, finite=False)


def cell_problem(capture: dict) -> str:
    """Why a capture is incomplete: the student's own error where their cell raised one,
    else what the probe found (cells are counted from 1, as a student counts them)."""
    where = cell_name(capture.get("cell", -1))
    if capture.get("cell_error"):
        return f"{where} raised {last_line(capture['cell_error'])}"
    problems = list(dict.fromkeys(capture.get("problems", [])))
    return f"after {where}: " + ("; ".join(problems) or "nothing usable was found")


def graph_of(capture: dict) -> Graph:
    if "graph" not in capture:
        raise KernelCallError(f"no trained graph: {cell_problem(capture)}")
    return capture["graph"]
