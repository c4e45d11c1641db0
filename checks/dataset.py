"""A run's data as the checks read it: the prepared MNIST parts (memory-mapped .npy files and
the IDX files staged beside the notebooks) and the point cloud. `edf_ex2.data` prepares them
on the grader; the students' self-check kit carries a quick slice of them, read by
`kit_dataset` (this module is public: it knows no held-out labels, only how to read parts).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from edf_autograder.errors import DataError

QUICK = {"train": 1000, "test": 500}  # what notebooks see in quick mode
PARTS = ("train", "test", "heldout")
IDX_NAMES = {"train": ("train-images.idx3-ubyte", "train-labels.idx1-ubyte"),
             "test": ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte")}
PCL_FILE = "2d_pcl_dataset.npz"


@dataclass(frozen=True)
class Dataset:
    """The data of one run; the MNIST parts live in `folder` (a prepared cache folder)."""

    description: str
    kind: str          # "full" or "bundled"
    fingerprint: str   # data identity, part of result cache keys
    pcl_path: Path
    folder: Path
    points: tuple = field(repr=False, compare=False)  # (X, y), read once

    def pcl(self) -> tuple[np.ndarray, np.ndarray]:
        return self.points[0].copy(), self.points[1].copy()

    def arrays(self, part: str, *, quick: bool = False, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(images float64 (N, 784) in [0, 1], labels int64 (N,)) as the notebooks load them;
        `limit` keeps the first images only (converted after slicing the memory map)."""
        if part not in PARTS:
            raise ValueError(f"part must be one of {PARTS}, not {part!r}")
        n = QUICK.get(part) if quick else None
        n = limit if n is None else (n if limit is None else min(n, limit))
        images = np.load(self.folder / f"{part}-images.npy", mmap_mode="r")[:n]
        labels = np.load(self.folder / f"{part}-labels.npy", mmap_mode="r")[:n]
        return images.reshape(len(images), -1) / 255.0, labels.astype(np.int64)

    def inputs(self, *, quick: bool) -> GraderInputs:
        """The arrays the grader feeds every trained graph (plans name them), made on first use."""
        return GraderInputs(self, quick)

    def stage(self, dest: Path, *, quick: bool = False) -> None:
        """Write MNIST/ (training and test parts only, never held-out) and 2d_pcl_dataset.npz into dest."""
        (Path(dest) / "MNIST").mkdir(parents=True, exist_ok=True)
        source = self.folder / ("quick" if quick else "full")
        for image_name, label_name in IDX_NAMES.values():
            for name in (image_name, label_name):
                # copied, not hard-linked: a kernel writing to its MNIST/ must not change the cache
                shutil.copyfile(source / name, Path(dest) / "MNIST" / name)
        shutil.copyfile(self.pcl_path, Path(dest) / "2d_pcl_dataset.npz")


def load_pcl(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as f:
            X, y = np.asarray(f["X"]), np.asarray(f["y"])
    except (OSError, KeyError, ValueError, EOFError) as exc:
        raise DataError(f"{path}: not a point-cloud file with arrays X and y ({exc})") from None
    if (X.ndim != 2 or X.shape[1:] != (2,) or y.shape != X.shape[:1] or not np.isin(y, (0, 1)).all()
            or len(np.unique(y)) != 2 or not np.isfinite(X).all()):
        raise DataError(f"{path}: expected X of shape (N, 2) (finite) and labels y of shape (N,) with both 0 "
                        f"and 1; found X {X.shape} {X.dtype}, y {y.shape} with values {np.unique(y)[:5]}")
    return X.astype(np.float64), y.astype(np.int64)


class GraderInputs(dict):
    """Grader inputs by name, each made on first use: the point cloud, held-out images the
    notebooks never see, the notebooks' test images, and the first training images (what the
    course's `run_epoch` defect evaluates instead of the test images)."""

    def __init__(self, dataset: Dataset, quick: bool):
        super().__init__()
        self._make = {
            "points": lambda: dataset.pcl()[0],
            "heldout": lambda: dataset.arrays("heldout")[0],
            "test": lambda: dataset.arrays("test", quick=quick)[0],
            "trainhead": lambda: dataset.arrays("train", quick=quick, limit=len(self["test"]))[0],
        }

    def __missing__(self, name: str) -> np.ndarray:
        self[name] = value = self._make[name]()
        return value


class KitDataset(Dataset):
    """The self-check kit's data: the quick slice only. It has no held-out part: the items
    that measure on it need full training and are skipped in quick mode; the kernel's
    trained graphs are evaluated on the test images in its place, so capture runs as on the grader."""

    def arrays(self, part: str, *, quick: bool = False, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        if part == "heldout":
            raise DataError("the self-check has no held-out images: this item is graded in the official grading")
        return super().arrays(part, quick=True, limit=limit)

    def inputs(self, *, quick: bool) -> GraderInputs:
        inputs = GraderInputs(self, quick=True)
        inputs._make["heldout"] = inputs._make["test"]
        return inputs

    def stage(self, dest: Path, *, quick: bool = False) -> None:
        super().stage(dest, quick=True)


def kit_dataset(folder: Path) -> Dataset:
    """The kit's data, from the folder `edf_ex2.data.kit_data` wrote."""
    folder = Path(folder)
    with np.load(folder / PCL_FILE, allow_pickle=False) as f:
        points = (np.asarray(f["X"], dtype=np.float64), np.asarray(f["y"], dtype=np.int64))
    n = {part: len(np.load(folder / f"{part}-labels.npy", mmap_mode="r")) for part in ("train", "test")}
    description = (f"MNIST: the self-check's slice of the bundled subset: {n['train']:,} train / {n['test']:,} test "
                   f"(the official grading trains on more and measures on held-out images); "
                   f"point cloud: {PCL_FILE} ({len(points[1])} points)")
    return KitDataset(description, "bundled", "self-check", folder / PCL_FILE, folder, points)
