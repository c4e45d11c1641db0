"""Which data a run uses, and the files the notebooks and the grader see.

MNIST, in order: an explicit `--data DIR` (the full MNIST as IDX files), `$MNIST_DIR`,
then the bundled 10,000-digit subset. The notebooks get training and test IDX files in
the course loader's layout; a held-out part goes to the grader only. A run's `Dataset`
(edf_ex2.dataset) reads the prepared folder; `kit_data` writes the students' self-check slice. The split is made
once per data identity and kept in a cache folder (`$EDF_GRADER_CACHE`, else
~/.cache/edf-autograder): parts as .npy files that every process memory-maps, and the IDX
files that `stage` copies beside the notebooks.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np

from edf_autograder.errors import DataError
from edf_ex2 import folder
from edf_ex2.dataset import IDX_NAMES, PARTS, QUICK, Dataset, GraderInputs, load_pcl  # noqa: F401  (imported from here too)

DATA = folder("data")
ROOT = DATA.parent  # paths under it are shown relative to it
BUNDLED = DATA / "mnist-10k" / "digits.npz"
PCL = DATA / "2d_pcl_dataset.npz"
SEED = 0
BUNDLED_SPLIT = (8000, 1000, 1000)   # train, test (notebooks), held-out (grader)
LAYOUT = 1  # bump when the split or the cache layout changes: old cache folders are then ignored

# the course loader reads a user's full MNIST, so the grader parses it exactly as the notebooks do
_spec = importlib.util.spec_from_file_location("_course_mnist_loader", folder("reference") / "mnist_loader.py")
mnist_loader = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mnist_loader)


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write an array as an IDX file of unsigned bytes (magic 0x08 then the number of dimensions)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    with open(path, "wb") as fh:
        fh.write(struct.pack(f">I{array.ndim}I", 0x0800 | array.ndim, *array.shape))
        fh.write(array.tobytes())


def resolve(data: str | Path | None = None, *, pcl: str | Path | None = None) -> Dataset:
    """The run's data: the MNIST folder `data`, else $MNIST_DIR, else the bundled subset; the
    point cloud from `pcl`, else $PCL_DATASET, else the project's own file."""
    folder, how = (data, "--data") if data else (os.environ.get("MNIST_DIR"), "$MNIST_DIR")
    if folder:
        sources, origin = _idx_files(Path(folder), how), f"{folder} ({how})"
    else:
        if not BUNDLED.is_file():
            raise DataError(f"{BUNDLED}: the bundled MNIST subset is missing; rebuild it with "
                            "scripts/rebuild_mnist10k.py or pass --data")
        sources, origin = (BUNDLED,), None
    pcl_path = Path(pcl or os.environ.get("PCL_DATASET") or PCL).resolve()
    if not pcl_path.is_file():
        raise DataError(f"{pcl_path}: point-cloud file not found (expected an .npz with arrays X and y)")
    return _dataset(_stat(sources), origin, _stat([pcl_path])[0], str(_cache_root()))


def _idx_files(folder: Path, how: str) -> tuple[Path, ...]:
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder ({how}); expected the four MNIST IDX files in it")
    try:
        return tuple(Path(mnist_loader.find(str(folder), name)) for pair in IDX_NAMES.values() for name in pair)
    except FileNotFoundError as exc:
        raise DataError(str(exc)) from None


def _stat(paths) -> tuple:
    """Paths with size and mtime: a per-process cache key that notices a replaced file."""
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in map(Path, paths))


def _digest(paths, salt: str) -> str:
    digest = hashlib.sha256(salt.encode())
    for path in paths:
        with open(path, "rb") as fh:
            digest.update(hashlib.file_digest(fh, "sha256").digest())
    return digest.hexdigest()


def _cache_root() -> Path:
    if os.environ.get("EDF_GRADER_CACHE"):
        return Path(os.environ["EDF_GRADER_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "edf-autograder"


@functools.lru_cache(maxsize=8)
def _dataset(sources: tuple, origin: str | None, pcl: tuple, cache_root: str) -> Dataset:
    paths = [Path(s[0]) for s in sources]
    kind = "full" if origin else "bundled"
    mnist_id = _digest(paths, f"{LAYOUT}|{kind}|{SEED}|{BUNDLED_SPLIT}")[:12]
    points = load_pcl(Path(pcl[0]))
    folder = _prepared(Path(cache_root) / mnist_id, paths, kind)
    n = {part: len(np.load(folder / f"{part}-labels.npy", mmap_mode="r")) for part in PARTS}
    counts = f"{n['train']:,} train / {n['test']:,} test / {n['heldout']:,} held-out"
    if origin:
        mnist = f"MNIST: full set from {origin}: {counts} (the official test set split with seed {SEED})"
    else:
        mnist = f"MNIST: bundled 10,000-digit subset ({_shown(BUNDLED.parent)}, seed {SEED}): {counts}"
    return Dataset(f"{mnist}; point cloud: {_shown(Path(pcl[0]))} ({len(points[1])} points)", kind,
                   f"{mnist_id}-{_digest([pcl[0]], '')[:8]}", Path(pcl[0]), folder, points)


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _prepared(folder: Path, paths: list[Path], kind: str) -> Path:
    """The cache folder of these sources, made once: written to a temporary folder, then renamed."""
    if (folder / "done").exists():
        return folder
    parts = _split_bundled(paths[0]) if kind == "bundled" else _split_full(paths)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    except OSError as exc:
        raise DataError(f"{folder.parent}: cannot write the data cache ({exc}); "
                        "set EDF_GRADER_CACHE to a writable folder") from None
    try:
        for part, (images, labels) in parts.items():
            np.save(tmp / f"{part}-images.npy", images)
            np.save(tmp / f"{part}-labels.npy", labels)
        for mode in ("full", "quick"):
            (tmp / mode).mkdir()
            for part, (image_name, label_name) in IDX_NAMES.items():
                n = QUICK[part] if mode == "quick" else None
                write_idx(tmp / mode / image_name, parts[part][0][:n])
                write_idx(tmp / mode / label_name, parts[part][1][:n])
        (tmp / "done").write_text("complete\n")
        os.chmod(tmp, 0o755)
        if folder.exists() and not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)  # left half-deleted by hand
        os.replace(tmp, folder)
    except OSError as exc:
        if not (folder / "done").exists():  # unless another process has just made it
            raise DataError(f"{folder}: cannot write the data cache ({exc})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _split_bundled(path: Path) -> dict:
    try:
        with np.load(path, allow_pickle=False) as f:
            images, labels = f["images"], f["labels"]
    except (OSError, KeyError, ValueError, EOFError) as exc:
        raise DataError(f"{path}: not the bundled MNIST subset ({exc}); "
                        "rebuild it with scripts/rebuild_mnist10k.py") from None
    if images.shape != (sum(BUNDLED_SPLIT), 28, 28) or labels.shape != images.shape[:1]:
        raise DataError(f"{path}: expected {sum(BUNDLED_SPLIT)} images of 28x28 and as many labels, "
                        f"found images {images.shape} and labels {labels.shape}")
    order = np.random.default_rng(SEED).permutation(len(labels))  # stored sorted by label
    a, b, _ = np.cumsum(BUNDLED_SPLIT)
    return {"train": (images[order[:a]], labels[order[:a]]),
            "test": (images[order[a:b]], labels[order[a:b]]),
            "heldout": (images[order[b:]], labels[order[b:]])}


def _split_full(paths: list[Path]) -> dict:
    """All training images; the test set split in halves: notebooks' test part and held-out."""
    sections = {}
    for section, (image_file, label_file) in (("train", paths[:2]), ("test", paths[2:])):
        try:
            images, labels = mnist_loader.read_idx(str(image_file), 3), mnist_loader.read_idx(str(label_file), 1)
        except ValueError as exc:
            raise DataError(str(exc)) from None
        if len(images) != len(labels):
            raise DataError(f"{image_file} has {len(images)} images but {label_file} has {len(labels)} labels")
        if labels.size and labels.max() > 9:
            raise DataError(f"{label_file}: labels must be digits 0..9, found {labels.max()}")
        sections[section] = (images, labels)
    train, (images, labels) = sections["train"], sections["test"]
    if len(train[1]) == 0 or len(labels) < 2:
        raise DataError(f"{paths[0]}, {paths[2]}: need training images and at least 2 test images, "
                        f"found {len(train[1])} and {len(labels)}")
    order = np.random.default_rng(SEED).permutation(len(labels))
    half = len(order) // 2
    return {"train": train, "test": (images[order[:half]], labels[order[:half]]),
            "heldout": (images[order[half:]], labels[order[half:]])}


def kit_data(dest: Path) -> None:
    """The self-check kit's data (Kit.data): the quick slice of the bundled subset, as the
    grader's quick mode serves it (training and test parts only: no held-out image or label),
    and the point cloud. `edf_ex2.dataset.kit_dataset` reads it back."""
    dataset = resolve(None, pcl=PCL)
    dest = Path(dest)
    (dest / "quick").mkdir(parents=True, exist_ok=True)
    for part in ("train", "test"):
        for kind in ("images", "labels"):
            np.save(dest / f"{part}-{kind}.npy", np.load(dataset.folder / f"{part}-{kind}.npy", mmap_mode="r")[:QUICK[part]])
        for name in IDX_NAMES[part]:
            shutil.copyfile(dataset.folder / "quick" / name, dest / "quick" / name)
    shutil.copyfile(PCL, dest / PCL.name)
