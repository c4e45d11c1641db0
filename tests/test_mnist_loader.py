"""The course loader (reference/mnist_loader.py) on good, renamed, gzipped and broken IDX files."""
import gzip
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from edf_ex2.data import write_idx
from tests.modules import load_file

ROOT = Path(__file__).resolve().parents[1]
loader = load_file("course_mnist_loader", ROOT / "reference" / "mnist_loader.py")

TRAIN = ("train-images.idx3-ubyte", "train-labels.idx1-ubyte")
TEST = ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte")


def make_set(folder: Path, n: int = 7, names=TRAIN, seed: int = 0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    folder.mkdir(parents=True, exist_ok=True)
    write_idx(folder / names[0], images)
    write_idx(folder / names[1], labels)
    return images, labels


def gzip_file(path: Path, target: Path) -> None:
    target.write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()


@pytest.mark.parametrize("names, section", [(TRAIN, "training"), (TEST, "testing")])
def test_reads_plain_files(tmp_path, names, section):
    images, labels = make_set(tmp_path, names=names)
    got_images, got_labels = loader.load_mnist(section, str(tmp_path))
    assert got_images.dtype == np.float64 and got_images.shape == (7, 28, 28)
    assert got_labels.dtype == np.int64 and got_labels.shape == (7,)
    np.testing.assert_array_equal(got_images, images / 255.0)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_images.min() >= 0 and got_images.max() <= 1


@pytest.mark.parametrize("spelling", ["{}.gz", "{dashed}", "{dashed}.gz"])
def test_reads_gzipped_and_dashed_names(tmp_path, spelling):
    images, labels = make_set(tmp_path)
    for name in TRAIN:
        target = tmp_path / spelling.format(name, dashed=name.replace(".idx", "-idx"))
        if spelling.endswith(".gz"):
            gzip_file(tmp_path / name, target)
        else:
            (tmp_path / name).rename(target)
    got_images, got_labels = loader.load_mnist("training", str(tmp_path))
    np.testing.assert_array_equal(got_images, images / 255.0)
    np.testing.assert_array_equal(got_labels, labels)


def test_gzip_data_under_a_plain_name(tmp_path):
    images, _ = make_set(tmp_path)
    path = tmp_path / TRAIN[0]
    path.write_bytes(gzip.compress(path.read_bytes()))
    np.testing.assert_array_equal(loader.load_mnist("training", str(tmp_path))[0], images / 255.0)


def test_count_comes_from_the_header(tmp_path):
    make_set(tmp_path, n=3)
    with open(tmp_path / TRAIN[0], "ab") as fh:
        fh.write(b"\0" * 784)  # trailing bytes are ignored
    assert loader.load_mnist("training", str(tmp_path))[0].shape == (3, 28, 28)


def test_truncated_images_name_file_and_sizes(tmp_path):
    make_set(tmp_path)
    path = tmp_path / TRAIN[0]
    path.write_bytes(struct.pack(">4I", 0x0803, 8000, 28, 28) + b"\0" * 1000)
    with pytest.raises(loader.MNISTFileError) as err:
        loader.load_mnist("training", str(tmp_path))
    assert str(err.value) == (f"{path}: truncated: header says 8000 images of 28x28 (6272000 bytes), "
                              "file has 1000 bytes after the 16-byte header")


def test_truncated_labels_and_header(tmp_path):
    make_set(tmp_path)
    (tmp_path / TRAIN[1]).write_bytes(struct.pack(">2I", 0x0801, 7) + b"\1\2")
    with pytest.raises(ValueError, match=r"train-labels.idx1-ubyte: truncated: header says 7 labels \(7 bytes\)"):
        loader.load_mnist("training", str(tmp_path))
    (tmp_path / TRAIN[1]).write_bytes(b"\0\0\x08")
    with pytest.raises(ValueError, match="train-labels.idx1-ubyte: truncated: 3 bytes, shorter than the 8-byte header"):
        loader.load_mnist("training", str(tmp_path))


def test_truncated_gzip_is_unreadable(tmp_path):
    make_set(tmp_path)
    gzip_file(tmp_path / TRAIN[0], tmp_path / (TRAIN[0] + ".gz"))
    data = (tmp_path / (TRAIN[0] + ".gz")).read_bytes()
    (tmp_path / (TRAIN[0] + ".gz")).write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"train-images.idx3-ubyte.gz: unreadable"):
        loader.load_mnist("training", str(tmp_path))


def test_wrong_magic(tmp_path):
    make_set(tmp_path)
    shutil.copyfile(tmp_path / TRAIN[0], tmp_path / TRAIN[1])  # an image file where the labels belong
    with pytest.raises(ValueError, match=r"labels.idx1-ubyte: wrong magic number 0x00000803, expected 0x00000801"):
        loader.load_mnist("training", str(tmp_path))


def test_images_must_be_28x28(tmp_path):
    make_set(tmp_path)
    write_idx(tmp_path / TRAIN[0], np.zeros((7, 32, 32)))
    with pytest.raises(ValueError, match="header says 7 images of 32x32, expected 28x28 images"):
        loader.load_mnist("training", str(tmp_path))


def test_missing_file_names_it(tmp_path):
    make_set(tmp_path, names=TRAIN)
    with pytest.raises(FileNotFoundError, match=r"t10k-images.idx3-ubyte: missing \(also looked for"):
        loader.load_mnist("testing", str(tmp_path))


def test_count_mismatch(tmp_path):
    make_set(tmp_path)
    write_idx(tmp_path / TRAIN[1], np.zeros(5))
    with pytest.raises(ValueError, match=r"images.idx3-ubyte has 7 images but .*labels.idx1-ubyte has 5 labels"):
        loader.load_mnist("training", str(tmp_path))


def test_unknown_section(tmp_path):
    with pytest.raises(ValueError, match="section must be 'training' or 'testing'"):
        loader.load_mnist("validation", str(tmp_path))


@pytest.mark.course_data
def test_reads_the_official_test_set(course_data):
    if not (course_data / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip("the official t10k files are not in the course folder")
    images, labels = loader.load_mnist("testing", str(course_data))
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    assert images.max() == 1.0 and set(np.unique(labels)) == set(range(10))
