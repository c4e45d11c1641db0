"""Which data a run uses, and the files the notebooks and the grader see.

MNIST, in order: an explicit `--data DIR` (the full MNIST as IDX files), `$MNIST_DIR`,
then the bundled 10,000-digit subset. The notebooks get training and test IDX files in
the course loader's layout; a held-out part goes to the grader only. Parsed arrays are
prepared once and cached on disk, so workers and kernels do not parse them again.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.errors import DataError

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "mnist-10k" / "digits.npz"
PCL = ROOT / "data" / "2d_pcl_dataset.npz"
SEED = 0
BUNDLED_SPLIT = (8000, 1000, 1000)   # train, test (notebooks), held-out (grader)
QUICK = (1000, 500)                  # what notebooks see in quick mode
IDX_NAMES = {"train": ("train-images.idx3-ubyte", "train-labels.idx1-ubyte"),
             "test": ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte")}
CACHE = Path(os.environ.get("EDF_GRADER_CACHE", Path(tempfile.gettempdir()) / "edf-autograder-cache"))

sys.path.insert(0, str(ROOT / "reference"))
import mnist_loader  # noqa: E402  (the course loader reads user-supplied full MNIST)

sys.path.pop(0)


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array as an IDX file (magic 0x08 = unsigned byte)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    with open(path, "wb") as fh:
        fh.write(struct.pack(">I", 0x0800 | array.ndim))
        fh.write(struct.pack(f">{array.ndim}I", *array.shape))
        fh.write(array.tobytes())


def _sha(paths) -> str:
    digest = hashlib.sha256()
    for p in paths:
        digest.update(Path(p).read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Dataset:
    """The data of one run. `parts` holds uint8 images (N, 28, 28) and labels per part."""

    description: str
    kind: str                # "full" or "bundled"
    fingerprint: str
    pcl_path: Path
    parts: dict

    def pcl(self) -> tuple[np.ndarray, np.ndarray]:
        return _load_pcl(self.pcl_path)

    def arrays(self, part: str, *, quick: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(images float64 (N, 784) in [0, 1], labels int64) as the notebooks load them."""
        images, labels = self.parts[part]
        if quick and part in ("train", "test"):
            n = QUICK[0] if part == "train" else QUICK[1]
            images, labels = images[:n], labels[:n]
        return images.reshape(len(images), -1).astype(np.float64) / 255.0, labels.astype(np.int64)

    def stage(self, dest: Path, *, quick: bool = False) -> None:
        """Lay out MNIST/ (training and test parts only) and 2d_pcl_dataset.npz in dest."""
        cached = self._cached_idx(quick)
        (Path(dest) / "MNIST").mkdir(parents=True, exist_ok=True)
        for name in os.listdir(cached):
            _link_or_copy(cached / name, Path(dest) / "MNIST" / name)
        shutil.copyfile(self.pcl_path, Path(dest) / "2d_pcl_dataset.npz")

    def _cached_idx(self, quick: bool) -> Path:
        folder = CACHE / f"{self.fingerprint}-{'quick' if quick else 'full'}"
        if (folder / "done").exists():
            return folder
        tmp = Path(tempfile.mkdtemp(dir=_mkdir(CACHE)))
        for part, (image_name, label_name) in IDX_NAMES.items():
            images, labels = self.parts[part]
            if quick:
                n = QUICK[0] if part == "train" else QUICK[1]
                images, labels = images[:n], labels[:n]
            write_idx(tmp / image_name, images)
            write_idx(tmp / label_name, labels)
        (tmp / "done").write_text("ok")
        try:
            os.replace(tmp, folder)  # atomic: another worker may have won the race
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
        return folder


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _link_or_copy(src: Path, dst: Path) -> None:
    if src.name == "done":
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


@functools.lru_cache(maxsize=4)
def _load_pcl(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as f:
            X, y = np.asarray(f["X"], dtype=np.float64), np.asarray(f["y"]).astype(np.int64)
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"{path}: not a point-cloud file with arrays X and y ({exc})") from None
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(y) or not set(np.unique(y)) <= {0, 1}:
        raise DataError(f"{path}: expected X of shape (N, 2) and labels y in {{0, 1}}; found X {X.shape}, y {y.shape}")
    return X, y


def _bundled() -> tuple[dict, str]:
    if not BUNDLED.exists():
        raise DataError(f"{BUNDLED}: the bundled MNIST subset is missing (run scripts/rebuild_mnist10k.py)")
    with np.load(BUNDLED, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    order = np.random.default_rng(SEED).permutation(len(labels))  # stored sorted by label
    a, b, _ = np.cumsum(BUNDLED_SPLIT)
    parts = {"train": (images[order[:a]], labels[order[:a]]),
             "test": (images[order[a:b]], labels[order[a:b]]),
             "heldout": (images[order[b:]], labels[order[b:]])}
    desc = (f"MNIST: bundled 10,000-digit subset ({BUNDLED.relative_to(ROOT)}, seed {SEED}): "
            f"{BUNDLED_SPLIT[0]:,} train / {BUNDLED_SPLIT[1]:,} test / {BUNDLED_SPLIT[2]:,} held-out")
    return parts, desc


def _full(folder: Path, origin: str) -> tuple[dict, str]:
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder ({origin}); expected the four MNIST IDX files in it")
    try:
        train = mnist_loader.load_mnist("training", str(folder))
        test = mnist_loader.load_mnist("testing", str(folder))
    except (OSError, ValueError) as exc:
        raise DataError(str(exc)) from None
    to_u8 = lambda im: np.rint(im * 255).astype(np.uint8)  # noqa: E731
    order = np.random.default_rng(SEED).permutation(len(test[1]))
    half = len(order) // 2
    parts = {"train": (to_u8(train[0]), train[1]),
             "test": (to_u8(test[0][order[:half]]), test[1][order[:half]]),
             "heldout": (to_u8(test[0][order[half:]]), test[1][order[half:]])}
    desc = (f"MNIST: full set from {folder} ({origin}): {len(train[1]):,} train / {half:,} test / "
            f"{len(order) - half:,} held-out (the official test set split with seed {SEED})")
    return parts, desc


@functools.lru_cache(maxsize=4)
def _resolve(data_dir: str | None, env_dir: str | None, pcl: str) -> Dataset:
    if data_dir:
        parts, desc, kind = *_full(Path(data_dir), "--data"), "full"
    elif env_dir:
        parts, desc, kind = *_full(Path(env_dir), "$MNIST_DIR"), "full"
    else:
        parts, desc, kind = *_bundled(), "bundled"
    pcl_path = Path(pcl)
    if not pcl_path.is_file():
        raise DataError(f"{pcl_path}: point-cloud file not found")
    _load_pcl(pcl_path)
    digest = hashlib.sha256(desc.encode())
    for images, labels in parts.values():
        digest.update(images[:: max(1, len(images) // 500)].tobytes() + labels.tobytes())
    fingerprint = f"{digest.hexdigest()[:12]}-{_sha([pcl_path])[:8]}"
    shown = pcl_path.relative_to(ROOT) if pcl_path.is_relative_to(ROOT) else pcl_path
    return Dataset(f"{desc}; point cloud: {shown}", kind, fingerprint, pcl_path, parts)


def resolve(data_dir: str | Path | None = None, *, pcl: str | Path | None = None) -> Dataset:
    """The run's data: --data, else $MNIST_DIR, else the bundled subset; the point cloud
    from `pcl`, else $PCL_DATASET, else the project's own file."""
    pcl = pcl or os.environ.get("PCL_DATASET") or PCL
    return _resolve(str(data_dir) if data_dir else None, os.environ.get("MNIST_DIR") or None,
                    str(Path(pcl).resolve()))
