"""A third exercise, in the style of the course's sheet 4 (earlier-sheets/logistic_regression.ipynb):
its notebook shrinks images with `from skimage.transform import resize`, a package of the
course's environment that the grader itself does not install. Its kernels run in the
course's environment (Exercise 2's, the same course), so the import works there and only there.

4a: a linear model Affine(16->1), trained with the notebook's `MSELoss` on 8x8 images resized
    to 4x4 and flattened; the grader measures its error on held-out images, which it shrinks
    itself (2x2 block means: what `resize(..., anti_aliasing=False)` computes for a halving).

Graded with `--exercise tests.exercise_resize:EXERCISE`; see tests/test_course_environment.py.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edf_autograder.evidence.plan import GraphSlot, NotebookPlan
from edf_autograder.exercise import Exercise, Notebook
from edf_ex2.exercise import COURSE_ENVIRONMENT

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SIDE, SHRUNK = 8, 4
SPLIT = (300, 50, 100)  # train, test (notebook), held-out (grader)
NOISE = 0.05

PLAN = NotebookPlan(
    kind="images", classes=1, inputs=("heldout",),
    slots=(GraphSlot("4a-train", (("Affine", (SHRUNK * SHRUNK, 1)),), title="linear model on resized images"),),
    losses=("MSELoss",),
)


def shrink(images: np.ndarray) -> np.ndarray:
    """The grader's own resize to half the side, flattened: the mean of each 2x2 block."""
    n = len(images)
    return images.reshape(n, SHRUNK, SIDE // SHRUNK, SHRUNK, SIDE // SHRUNK).mean(axis=(2, 4)).reshape(n, -1)


@dataclass(frozen=True)
class Images:
    """Random 8x8 images whose target is a linear function of their 4x4 version."""

    description: str = f"synthetic {SIDE}x{SIDE} images: {SPLIT[0]} train / {SPLIT[1]} test / {SPLIT[2]} held-out"
    kind: str = "synthetic"
    fingerprint: str = hashlib.sha256(repr((SIDE, SHRUNK, SPLIT, NOISE)).encode()).hexdigest()[:12]

    def part(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(0)
        images = rng.random((sum(SPLIT), SIDE, SIDE))
        weights = rng.normal(size=SHRUNK * SHRUNK)
        y = shrink(images) @ weights + NOISE * rng.normal(size=sum(SPLIT))
        a, b = SPLIT[0], SPLIT[0] + SPLIT[1]
        start, end = {"train": (0, a), "test": (a, b), "heldout": (b, None)}[name]
        return images[start:end], y[start:end]

    def stage(self, dest: Path, *, quick: bool = False) -> None:
        (X, y), (Xt, yt) = self.part("train"), self.part("test")
        np.savez(Path(dest) / "images.npz", images_train=X, y_train=y, images_test=Xt, y_test=yt)

    def inputs(self, *, quick: bool) -> dict:
        return {"heldout": shrink(self.part("heldout")[0])}


def data() -> Images:
    return Images()


EXERCISE = Exercise(
    name="resize",
    title="Exercise 4: a linear model on resized images",
    sections={"4": "4 Resized images"},
    check_modules=("tests.exercise_resize.checks",),
    notebooks=(Notebook(PLAN, "resized_images.ipynb", markers=("images.npz",)),),
    reference=HERE / "reference",
    staged={"edf.py": ROOT / "edf_autograder" / "runtime" / "edf.py"},
    handout_files={"edf.py": ROOT / "reference" / "edf.py"},
    data=data,
    time_limits={"quick": (60, 300), "synthetic": (60, 300)},
    environment=COURSE_ENVIRONMENT,
)
