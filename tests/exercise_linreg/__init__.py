"""A second exercise, declared the way any exercise is, to show that the engine grades one
it was not written for: "Exercise 1 – Linear Regression" on the course's EDF, one notebook.

1a: a `Square` node (forward and backward), called by the grader on its own inputs;
1b: a linear model Affine(3->1) trained with the hand-out's `MSELoss` (structure, and the
    error the grader measures on held-out points, a hidden item). No pen-and-paper part.
    Students' kit: `public` and `checks` (the declaration and `heldout` stay with the grader).

Graded with `--exercise tests.exercise_linreg:EXERCISE`; see tests/test_second_exercise.py.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edf_autograder.exercise import Exercise, Kit, Notebook
from tests.exercise_linreg.public import FILE, PLAN

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WEIGHTS, BIAS, NOISE = np.array([1.5, -2.0, 0.5]), 0.3, 0.1
SPLIT = (200, 50, 100)  # train, test (notebook), held-out (grader)


@dataclass(frozen=True)
class Points:
    """Noisy points of a known linear function; the held-out part only the grader sees."""

    description: str = f"synthetic regression data: {SPLIT[0]} train / {SPLIT[1]} test / {SPLIT[2]} held-out"
    kind: str = "synthetic"
    fingerprint: str = hashlib.sha256(repr((WEIGHTS.tolist(), BIAS, NOISE, SPLIT)).encode()).hexdigest()[:12]

    def part(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(0)
        X = rng.normal(size=(sum(SPLIT), 3))
        y = X @ WEIGHTS + BIAS + NOISE * rng.normal(size=sum(SPLIT))
        a, b = SPLIT[0], SPLIT[0] + SPLIT[1]
        start, end = {"train": (0, a), "test": (a, b), "heldout": (b, None)}[name]
        return X[start:end], y[start:end]

    def stage(self, dest: Path, *, quick: bool = False) -> None:
        (X, y), (Xt, yt) = self.part("train"), self.part("test")
        np.savez(Path(dest) / FILE, X_train=X, y_train=y, X_test=Xt, y_test=yt)

    def inputs(self, *, quick: bool) -> dict:
        return {"heldout": self.part("heldout")[0]}


def data() -> Points:
    return Points()


def kit_data(dest: Path) -> None:
    """The students' kit gets the notebook's file only: no held-out point."""
    Points().stage(dest)


EXERCISE = Exercise(
    name="linreg",
    title="Exercise 1: Linear Regression",
    sections={"1": "1 Linear regression"},
    check_modules=("tests.exercise_linreg.checks", "tests.exercise_linreg.heldout"),
    notebooks=(Notebook(PLAN, "linear_regression.ipynb", markers=("regression.npz",)),),
    reference=HERE / "reference",
    staged={"edf.py": ROOT / "edf_autograder" / "runtime" / "edf.py"},
    handout_files={"edf.py": ROOT / "reference" / "edf.py"},
    data=data,
    time_limits={"quick": (60, 300), "synthetic": (60, 300)},
    kit=Kit(modules=("tests.exercise_linreg.public", "tests.exercise_linreg.checks"), data=kit_data,
            dataset="tests.exercise_linreg.public:kit_dataset"),
)
