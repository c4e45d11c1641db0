"""What a notebook must produce, as data: the exercise declares it, capture and assignment
read it. The engine knows only these shapes, not any sheet's names or numbers.

- A `GraphSlot` is a subtask whose evidence is an EDF graph: a trained model with a loss
  ("train") or a graph evaluated on a grid to draw it ("plot", the model of slot `of`).
- A `Sweep` is a subtask whose evidence is named lists filled over configurations, with
  the last trained graph of the run; one per hidden activation.
- `definitions` are classes and functions that checks call later (by name).
"""
from __future__ import annotations

from dataclasses import dataclass, field

Layers = tuple[tuple[str, tuple[int, int] | None], ...]


@dataclass(frozen=True)
class GraphSlot:
    key: str                     # capture key the checks read, e.g. "4.2a-train"
    layers: Layers               # the expected chain from input (excluded) to output
    kind: str = "train"          # "train": a graph with a loss; "plot": a graph on a grid
    of: str | None = None        # plot: the train slot whose model it draws
    title: str = ""              # how a message names it ("logistic regression")


@dataclass(frozen=True)
class Sweep:
    key: str                     # "4.2f": capture keys are "<key>-<activation id>"
    lists: tuple[str, str]       # (train errors, test errors), one value per configuration
    configs_name: str            # the list of configurations the notebook loops over
    configs: tuple               # its values, as the hand-out gives them
    activations: dict[str, str]  # activation id -> node type, e.g. {"sigmoid": "Sigmoid"}
    best: dict[str, str] = field(default_factory=dict)  # activation id -> name of the best value
    what: str = ""               # "lr", "depth", "hidden"


@dataclass(frozen=True)
class NotebookPlan:
    kind: str                              # which notebook, e.g. "regression"
    classes: int                           # width of the model's output
    inputs: tuple[str, ...]                # grader inputs evaluated on every trained graph
    slots: tuple[GraphSlot, ...] = ()
    sweeps: tuple[Sweep, ...] = ()
    definitions: dict[str, str] = field(default_factory=dict)  # capture key -> name
    losses: tuple[str, ...] = ("CrossEntropyLoss",)  # node classes that make a graph a trained model
    # quick mode: SGD steps a graph takes before the grading runtime stops updating it (the
    # rest of the loop still runs); for notebooks whose long given trainings no quick item reads
    quick_updates: int | None = None

    def watched(self) -> list[str]:
        """Every name the snapshots record after each cell."""
        names = list(self.definitions.values())
        for sweep in self.sweeps:
            names += [*sweep.lists, sweep.configs_name, *sweep.best.values()]
        return list(dict.fromkeys(names))

    def keys(self) -> set[str]:
        """Every capture key this notebook's evidence can fill."""
        keys = {s.key for s in self.slots} | set(self.definitions)
        return keys | {f"{s.key}-{act}" for s in self.sweeps for act in s.activations}
