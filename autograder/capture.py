"""Evidence capture: run a notebook cell by cell and, right after the cell that completes
a subtask, ask the kernel for what the checks need, before later cells overwrite it.

PLAN lists, per capture key, the probes to send: the trained graph ("graph"), its
output on grader-chosen inputs ("eval"), plain values ("values") and references to the
student's classes for later calls ("stash").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder import exchange
from autograder.errors import KernelCallError
from autograder.execute import GLOBALS, CellRun, KernelSession
from autograder.graph import Graph, from_files
from autograder.locate import ACT_CLASS, SWEEPS, locate

N_CLASSES = {"pcl": 2, "image": 10}
SWEEP_NAMES = {
    what: [f"train_err_per_{what}", f"test_err_per_{what}", f"best_sigmoid_{what}", f"best_relu_{what}"]
    for what in SWEEPS.values()
}
SWEEP_LISTS = {"lr": "learning_rates", "depth": "num_layers", "hidden": "num_hidden"}

PLAN: dict[str, list[tuple]] = {
    "2.2a-train": [("graph",), ("eval", ("points",))],
    "2.2b": [("values", ("X_plot", "output.value"))],
    "2.2c-train": [("graph",), ("eval", ("points",))],
    "2.2d": [("values", ("X_plot", "output.value"))],
    "2.3a-train": [("graph",), ("eval", ("heldout",))],
    "2.3c-train": [("graph",), ("eval", ("heldout",))],
    "2.3e": [("stash", ("numerical_differentiation",))],
}
for _act, _cls in ACT_CLASS.items():
    PLAN[f"2.3d-{_act}"] = [("stash", (_cls,))]
    PLAN[f"2.3d-{_act}-train"] = [("graph",), ("eval", ("heldout",))]
for _sweep, _what in SWEEPS.items():
    for _act in ("sigmoid", "relu"):
        PLAN[f"{_sweep}-{_act}"] = [
            ("values", tuple(SWEEP_NAMES[_what]) + (SWEEP_LISTS[_what],)),
            ("graph",), ("eval", ("test", "trainhead")),
        ]
END_VALUES = {"image": tuple(n for names in SWEEP_NAMES.values() for n in names)}


@dataclass
class NotebookEvidence:
    kind: str
    nb: object = None
    runs: list[CellRun] = field(default_factory=list)
    captures: dict[str, dict] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    located: dict[str, int] = field(default_factory=dict)


class GraderInputs(dict):
    """The arrays the grader sends into kernels, by the names PLAN uses, each made on first use."""

    def __init__(self, dataset, quick: bool):
        super().__init__()
        self._make = {
            "points": lambda: dataset.pcl()[0],
            "heldout": lambda: dataset.arrays("heldout")[0],
            "test": lambda: dataset.arrays("test", quick=quick)[0],
            # the course's run_epoch defect evaluates the first training images instead
            "trainhead": lambda: dataset.arrays("train", quick=quick, limit=len(self["test"]))[0],
        }

    def __missing__(self, name: str) -> np.ndarray:
        self[name] = value = self._make[name]()
        return value


def _probe(session: KernelSession, kind: str, action: tuple, inputs) -> dict:
    name = action[0]
    if name == "graph":
        out = session.call("describe_graph", GLOBALS)
        return {"graph": from_files(exchange.read_json(out / "graph.json"),
                                    exchange.read_arrays(out / "params.npz"))}
    if name == "eval":
        feed = session.exchange / "inputs.npz"
        exchange.write_arrays(feed, **{n: inputs[n] for n in action[1]})
        try:
            out = session.call("evaluate", str(feed), GLOBALS, N_CLASSES[kind])
        finally:
            feed.unlink(missing_ok=True)
        return {"eval": exchange.read_arrays(out / "eval.npz")}
    if name == "values":
        out = session.call("values", GLOBALS, list(action[1]))
        report = exchange.read_json(out / "values.json")
        return {"values": exchange.read_arrays(out / "values.npz"), "absent": report}
    if name == "stash":
        return {"stash": exchange.read_json(session.call("stash", GLOBALS, action[-1][0], list(action[1])) / "stash.json")}
    raise ValueError(name)


def _capture(session, kind, key, inputs, run: CellRun) -> dict:
    record: dict = {"cell": run.index, "cell_status": run.status, "cell_error": run.error}
    for action in PLAN[key]:
        if action[0] == "stash":
            action = action + ((key,),)
        try:
            record.update(_probe(session, kind, action, inputs))
        except (KernelCallError, LookupError) as exc:
            record.setdefault("problems", []).append(f"{action[0]}: {exc}")
    return record


def run_notebook(session: KernelSession, kind: str, dataset, *, quick: bool) -> NotebookEvidence:
    """Execute every cell, capturing evidence after the located cells."""
    nb = session.nb
    evidence = NotebookEvidence(kind, nb)
    evidence.located, evidence.missing = locate(nb, kind)
    at = {index: key for key, index in evidence.located.items()}
    inputs = GraderInputs(dataset, quick)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        run = session.run_cell(index)
        evidence.runs.append(run)
        key = at.get(index)
        if key is None:
            continue
        if run.status in ("not run", "dead kernel", "timeout") and session.dead_reason:
            evidence.missing[key] = f"cell {index} ({key}): {run.status}: {run.error}"
            continue
        evidence.captures[key] = _capture(session, kind, key, inputs, run)
    if kind in END_VALUES and not session.dead_reason:
        try:
            evidence.captures["end"] = _probe(session, kind, ("values", END_VALUES[kind]), inputs)
        except KernelCallError as exc:
            evidence.missing["end"] = str(exc)
    return evidence


class KernelCalls:
    """Calls that checks make into a live kernel, with grader inputs and validated outputs."""

    def __init__(self, session: KernelSession | None, reason: str = ""):
        self.session = session
        self.reason = reason

    def _session(self) -> KernelSession:
        if self.session is None or self.session.dead_reason:
            raise KernelCallError(self.reason or (self.session.dead_reason if self.session else "no kernel"))
        return self.session

    def _feed(self, **arrays) -> Path:
        feed = self._session().exchange / "call-inputs.npz"
        exchange.write_arrays(feed, **arrays)
        return feed

    def activation(self, key: str, cls: str, x, upstream, grad0) -> tuple[np.ndarray, np.ndarray]:
        """(forward value, gradient accumulated into the input) of the student's class."""
        feed = self._feed(x=x, upstream=upstream, grad0=grad0)
        out = self._session().call("call_activation", str(feed), key, cls, timeout=30)
        got = exchange.read_arrays(out / "act.npz")
        if "value" not in got or "grad" not in got:
            raise KernelCallError("the activation call returned no value/gradient")
        value = exchange.checked(got["value"], f"{cls}.forward output", shape=x.shape, finite=False)
        grad = exchange.checked(got["grad"], f"{cls}.backward gradient", shape=x.shape, finite=False)
        return value, grad

    def numdiff(self, key: str, fname: str, which, x) -> np.ndarray:
        """The student's numerical gradient of `which` ("sigmoid", "cube" or a stash
        (key, class name)) at `x`."""
        feed = self._feed(x=x)
        arg = which if isinstance(which, str) else tuple(which)
        out = self._session().call("call_numdiff", str(feed), key, fname, arg, timeout=30)
        got = exchange.read_arrays(out / "numdiff.npz")
        return exchange.checked(got.get("numeric", np.zeros(0)), "numeric_grad", shape=x.shape, finite=False)


def cell_problem(capture: dict) -> str:
    """Why a capture is incomplete: the student's own error where their cell raised one,
    else what the probe found (cells are counted from 1, as a student counts them)."""
    where = f"cell {capture.get('cell', -1) + 1}"
    if capture.get("cell_error"):
        return f"{where} raised {capture['cell_error'].strip().splitlines()[-1]}"
    problems = list(dict.fromkeys(p.split(": ", 1)[-1] for p in capture.get("problems", [])))
    return f"after {where}: " + ("; ".join(problems) or "nothing usable was found")


def graph_of(capture: dict) -> Graph:
    if "graph" not in capture:
        raise KernelCallError(f"no trained graph: {cell_problem(capture)}")
    return capture["graph"]
