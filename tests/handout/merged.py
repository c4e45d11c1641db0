"""Style "merged": the "given" solution as a student's saved notebook after some tidying.

Each graph-definition cell is merged with its training cell and each sweep with its plot;
the given helpers and the activation classes (with numerical_differentiation) moved up to
where they are first needed; the course's run_epoch defect fixed (it now evaluates the data
it is given); every cell's metadata stripped; stale outputs and execution counts left in,
as saved on the student's own machine (the full 60,000-image MNIST, errors, an interrupt).
"""
from __future__ import annotations

import random

from tests.handout import course, given

# hand-out cell indices in the student's order; a tuple is one merged cell
PCL_ORDER = [0, 1, 2, 5, 3, (4, 7), 8, 9, 10, (11, 12), 13, 14]  # 6 ("Now train your network") deleted
IMAGE_ORDER = [0, 1, 2, 5, 3, (4, 6), 7, 8, (9, 10), 11, 12, 18, 24, 30, 13, 14, (15, 16), 17, 19, 20,
               (21, 22), 23, 25, 26, (27, 28), 29, 31, 32, 33, 34, 35, 36, (37, 38), 39, (40, 41), 42, 43,
               (44, 45), 46, (47, 48), 49, (50, 51), 52, (53, 54), 55]
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==")


def stream(text: str) -> dict:
    return {"name": "stdout", "output_type": "stream", "text": text.splitlines(keepends=True)}


def figure() -> dict:
    return {"data": {"image/png": PNG, "text/plain": ["<Figure size 432x288 with 1 Axes>"]},
            "metadata": {"needs_background": "light"}, "output_type": "display_data"}


def error(ename: str, evalue: str) -> dict:
    return {"ename": ename, "evalue": evalue, "output_type": "error",
            "traceback": [f"\x1b[0;31m{ename}\x1b[0m: {evalue}"]}


EPOCHS = "".join(f"Epoch: {e}/10 (learning rate: 0.5)\n\t Training Error {9 - e / 2:.2f} %\n\t Test Error {8.1 - e / 3:.2f} %\n"
                 for e in range(1, 11))
# stale outputs by the hand-out index of a cell's first part
STALE = {
    "pcl": {1: [figure()], (4, 7): [stream("iter: 100, error: 48.000000\niter: 100000, error: 14.000000\n")],
            (11, 12): [stream("iter: 100, error: 50.000000\niter: 100000, error: 1.000000\n")],
            9: [figure()], 14: [figure()]},
    "image": {1: [figure(), stream("Train data shape:  (60000, 28, 28)\nTrain labels shape:  (60000,)\n"
                                   "Test data shape:  (10000, 28, 28)\nTest labels shape:  (10000,)\n")],
              (4, 6): [stream(EPOCHS), figure()], (9, 10): [stream(EPOCHS), figure()],
              12: [error("IndentationError", "expected an indented block after function definition on line 6")],
              (15, 16): [stream(EPOCHS)],
              (44, 45): [stream("Num Layers 2\nEpoch: 1/5 (learning rate: 1.0)\n"),
                         error("KeyboardInterrupt", "")],
              (53, 54): [stream("Hidden Dimension 32\n"), figure()]},
}


def fix_run_epoch(image: dict) -> None:
    cell = image["cells"][5]
    course.replace(cell, "x_node.value = train_images[start:end]", "x_node.value = data[start:end]")
    course.replace(cell, "y_node.value = train_labels[start:end]", "y_node.value = labels[start:end]")


def rearrange(nb: dict, order: list, stale: dict, seed: int) -> dict:
    out = course.clone(nb)
    cells = []
    for entry in order:
        parts = [nb["cells"][i] for i in (entry if isinstance(entry, tuple) else (entry,))]
        cell = course.clone(parts[0])
        course.set_text(cell, "\n\n".join(course.text(p).rstrip("\n") for p in parts))
        cell["metadata"] = {}
        if cell["cell_type"] == "code":
            cell["outputs"] = stale.get(entry, [])
        cells.append(cell)
    counts = iter(random.Random(seed).sample(range(1, 200), len(cells)))
    for cell in cells:  # run out of order, some never run, as a real session leaves them
        if cell["cell_type"] == "code":
            cell["execution_count"] = next(counts) if cell["outputs"] or next(counts) % 3 else None
    out["cells"] = cells
    return out


def build(handout) -> tuple[dict, dict]:
    pcl, image = given.build(handout)
    fix_run_epoch(image)
    return (rearrange(pcl, PCL_ORDER, STALE["pcl"], seed=1),
            rearrange(image, IMAGE_ORDER, STALE["image"], seed=2))
