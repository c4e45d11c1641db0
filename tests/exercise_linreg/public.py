"""What of the second exercise students may have: its notebook's plan and a reader of the
kit's data (the training and test points, no held-out ones)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edf_autograder.evidence.plan import GraphSlot, NotebookPlan

PLAN = NotebookPlan(
    kind="regression", classes=1, inputs=("heldout",),
    slots=(GraphSlot("1b-train", (("Affine", (3, 1)),), title="linear model"),),
    definitions={"1a": "Square"},
    losses=("MSELoss",),
)
FILE = "regression.npz"


@dataclass(frozen=True)
class KitPoints:
    """The kit's data: the notebook's file; the graphs are evaluated on the test points in
    place of the held-out ones (only the hidden item reads those)."""

    folder: Path
    description: str = "synthetic regression data: the notebook's training and test points"
    kind: str = "synthetic"
    fingerprint: str = "self-check"

    def stage(self, dest: Path, *, quick: bool = False) -> None:
        (Path(dest) / FILE).write_bytes((self.folder / FILE).read_bytes())

    def inputs(self, *, quick: bool) -> dict:
        with np.load(self.folder / FILE) as f:
            return {"heldout": f["X_test"]}


def kit_dataset(folder: Path) -> KitPoints:
    return KitPoints(Path(folder))
