"""The data of a student's hand-out folder, as its notebooks read it: what the self-check
inside a notebook (`edf_autograder.selfcheck`) measures with. The notebook trained and
tested on these very files (`MNIST/`, `2d_pcl_dataset.npz`), so a reported error is
compared with the grader's measurement on the same images. Held-out images never leave
the grader: the items that need them are full-training items, skipped in quick mode.

A public module: the students' kit carries it (and `edf_ex2.dataset`), so it reads only what
a student's folder holds, with the hand-out's own MNIST loader.
"""
from __future__ import annotations

import functools
import importlib.util
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from edf_autograder.errors import DataError
from edf_ex2.dataset import PCL_FILE, load_pcl

LOADER = "mnist_loader.py"

SECTIONS = {"train": "training", "test": "testing"}  # the course loader's names


@functools.cache
def mnist_loader(path: Path):
    """The hand-out's MNIST loader at `path`, as the exercise hands it out (the grader's
    reference/ folder, the kit's copy of the hand-out files): the notebooks read MNIST/ with it."""
    spec = importlib.util.spec_from_file_location("_handout_mnist_loader", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FolderData:
    """The `Dataset` of the engine, read from a hand-out folder (see `edf_autograder.exercise`)
    with the exercise's own hand-out files (`handout_files`: its MNIST loader)."""

    kind = "handout"

    def __init__(self, folder: Path, handout_files: Mapping[str, Path]):
        self.loader = handout_files.get(LOADER)
        self.folder = Path(folder)
        self.pcl_path = self.folder / PCL_FILE
        self.fingerprint = f"folder:{self.folder}"
        self._read: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def description(self) -> str:
        return f"the data in {self.folder} (MNIST/, {self.pcl_path.name}), as your notebooks read it"

    def pcl(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.pcl_path.is_file():
            raise DataError(f"{self.pcl_path}: not found; the point-cloud notebook loads it from its own folder")
        return load_pcl(self.pcl_path)

    def _section(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        if part in self._read:
            return self._read[part]
        if self.loader is None:
            raise DataError(f"the exercise hands out no {LOADER}: the MNIST images cannot be read as the notebook does")
        try:
            images, labels = mnist_loader(Path(self.loader)).load_mnist(section=SECTIONS[part], path=str(self.folder / "MNIST"))
        except (OSError, ValueError) as exc:
            raise DataError(f"{exc} (the MNIST notebook loads its images from MNIST/ beside it)") from None
        self._read[part] = images.reshape(len(images), -1), labels
        return self._read[part]

    def arrays(self, part: str, *, quick: bool = False, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(images (N, 784) in [0, 1], labels) as the notebook loads them, all of them whatever
        `quick` says (the folder holds what the notebook trained on); `limit` keeps the first."""
        if part not in SECTIONS:
            raise DataError(f"the {part} images are the grader's own; a hand-out folder has only "
                            f"{' and '.join(SECTIONS)} images")
        images, labels = self._section(part)
        return images[:limit], labels[:limit]

    def inputs(self, *, quick: bool) -> FolderInputs:
        return FolderInputs(self)

    def stage(self, dest: Path, *, quick: bool = False) -> None:
        raise DataError("the self-check reads a hand-out folder in place; it stages nothing")


class FolderInputs(dict):
    """The grader inputs a folder can give, each made on first use (none held out)."""

    def __init__(self, data: FolderData):
        super().__init__()
        self._make = {
            "points": lambda: data.pcl()[0],
            "test": lambda: data.arrays("test")[0],
            "trainhead": lambda: data.arrays("train", limit=len(self["test"]))[0],
        }

    def __missing__(self, name: str) -> np.ndarray:
        self[name] = value = self._make[name]()
        return value

    def names(self) -> set[str]:
        return set(self._make)


def load(folder: Path, handout_files: Mapping[str, Path]) -> FolderData:
    return FolderData(folder, handout_files)
