"""edf_ex2.data: which data a run uses, the held-out split, staging and the cache."""
import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from edf_autograder.errors import DataError
from edf_ex2 import data
from tests.modules import load_file

loader = data.mnist_loader  # reference/mnist_loader.py, the file the notebooks import
TRAIN, TEST = data.IDX_NAMES["train"], data.IDX_NAMES["test"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """A private cache folder and no data variables from the caller's environment."""
    monkeypatch.setenv("EDF_GRADER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.delenv("PCL_DATASET", raising=False)


def fake_mnist(folder: Path, seed: int, n_train: int = 30, n_test: int = 20) -> dict:
    """A tiny MNIST in the four IDX files; returns its arrays by section."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sets = {}
    for names, n in ((TRAIN, n_train), (TEST, n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        data.write_idx(folder / names[0], images)
        data.write_idx(folder / names[1], labels)
        sets[names[0][:4]] = (images.reshape(n, -1) / 255.0, labels.astype(np.int64))
    return sets


def rows(images: np.ndarray) -> set[bytes]:
    return {np.asarray(r).tobytes() for r in np.rint(images * 255).astype(np.uint8)}


def test_bundled_subset_split():
    ds = data.resolve()
    assert ds.kind == "bundled"
    assert ds.description == ("MNIST: bundled 10,000-digit subset (data/mnist-10k, seed 0): 8,000 train / "
                              "1,000 test / 1,000 held-out; point cloud: data/2d_pcl_dataset.npz (100 points)")
    parts = {part: ds.arrays(part) for part in data.PARTS}
    assert [len(parts[p][1]) for p in data.PARTS] == [8000, 1000, 1000]
    for images, labels in parts.values():
        assert images.dtype == np.float64 and images.shape[1] == 784 and 0 <= images.min() <= images.max() <= 1
        assert labels.dtype == np.int64
    # the three parts are a partition of the 10,000 digits (all distinct images)
    with np.load(data.BUNDLED) as f:
        everything = rows(f["images"].reshape(10000, -1) / 255.0)
    seen = [rows(parts[p][0]) for p in data.PARTS]
    assert set.union(*seen) == everything and sum(map(len, seen)) == 10000


def test_stage_round_trip_and_no_heldout(tmp_path):
    ds = data.resolve()
    ds.stage(tmp_path / "work")
    dashed = tuple(name.replace(".idx", "-idx") for name in TRAIN + TEST)
    assert sorted(p.name for p in (tmp_path / "work" / "MNIST").iterdir()) == sorted(TRAIN + TEST + dashed)
    for part, section in (("train", "training"), ("test", "testing")):
        images, labels = loader.load_mnist(section, str(tmp_path / "work" / "MNIST"))
        expected = ds.arrays(part)
        np.testing.assert_array_equal(images.reshape(len(images), -1), expected[0])
        np.testing.assert_array_equal(labels, expected[1])
    staged = rows(loader.load_mnist("training", str(tmp_path / "work" / "MNIST"))[0].reshape(8000, -1)) | \
        rows(loader.load_mnist("testing", str(tmp_path / "work" / "MNIST"))[0].reshape(1000, -1))
    assert len(staged) == 9000 and not staged & rows(ds.arrays("heldout")[0])
    assert (tmp_path / "work" / "2d_pcl_dataset.npz").read_bytes() == data.PCL.read_bytes()


def test_quick_slices(tmp_path):
    ds = data.resolve()
    sizes = {part: len(ds.arrays(part, quick=True)[1]) for part in data.PARTS}
    assert sizes == {"train": 1000, "test": 500, "heldout": 1000}
    for part in ("train", "test"):
        np.testing.assert_array_equal(ds.arrays(part, quick=True)[0], ds.arrays(part)[0][: sizes[part]])
    ds.stage(tmp_path, quick=True)
    assert len(loader.load_mnist("training", str(tmp_path / "MNIST"))[1]) == 1000
    assert len(loader.load_mnist("testing", str(tmp_path / "MNIST"))[1]) == 500


def test_staged_files_are_copies(tmp_path):
    ds = data.resolve()
    ds.stage(tmp_path / "a", quick=True)
    (tmp_path / "a" / "MNIST" / TRAIN[0]).write_bytes(b"scribbled on by a notebook")
    ds.stage(tmp_path / "b", quick=True)
    assert len(loader.load_mnist("training", str(tmp_path / "b" / "MNIST"))[1]) == 1000


def test_explicit_dir_beats_env_beats_bundled(tmp_path, monkeypatch):
    explicit, env = fake_mnist(tmp_path / "explicit", seed=1), fake_mnist(tmp_path / "env", seed=2)
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "env"))
    chosen = {
        "explicit": data.resolve(tmp_path / "explicit"),
        "env": data.resolve(),
    }
    monkeypatch.delenv("MNIST_DIR")
    chosen["bundled"] = data.resolve()
    for name, expected in (("explicit", explicit), ("env", env)):
        assert chosen[name].kind == "full"
        np.testing.assert_array_equal(chosen[name].arrays("train")[0], expected["trai"][0])
    assert "(--data)" in chosen["explicit"].description and "($MNIST_DIR)" in chosen["env"].description
    assert chosen["bundled"].kind == "bundled"
    assert len({ds.fingerprint for ds in chosen.values()}) == 3


def test_full_set_split(tmp_path):
    sets = fake_mnist(tmp_path / "mnist", seed=3, n_train=40, n_test=21)
    ds = data.resolve(tmp_path / "mnist")
    assert "40 train / 10 test / 11 held-out" in ds.description
    np.testing.assert_array_equal(ds.arrays("train")[1], sets["trai"][1])
    test, heldout = ds.arrays("test"), ds.arrays("heldout")
    # the official test set split in two: disjoint halves that together are the whole set
    assert not rows(test[0]) & rows(heldout[0])
    assert rows(test[0]) | rows(heldout[0]) == rows(sets["t10k"][0])
    assert len(ds.arrays("train", quick=True)[1]) == 40 and len(ds.arrays("test", quick=True)[1]) == 10


def test_gzipped_full_set(tmp_path):
    sets = fake_mnist(tmp_path / "mnist", seed=4)
    for path in (tmp_path / "mnist").iterdir():
        (path.parent / (path.name.replace(".idx", "-idx") + ".gz")).write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()
    ds = data.resolve(tmp_path / "mnist")
    np.testing.assert_array_equal(ds.arrays("train")[0], sets["trai"][0])
    ds.stage(tmp_path / "work")  # notebooks always get plain files
    dashed = tuple(name.replace(".idx", "-idx") for name in TRAIN + TEST)
    assert sorted(p.name for p in (tmp_path / "work" / "MNIST").iterdir()) == sorted(TRAIN + TEST + dashed)


def test_point_cloud_resolution(tmp_path, monkeypatch):
    for name, shift in (("explicit.npz", 1.0), ("env.npz", 2.0)):
        X, y = data.resolve().pcl()
        np.savez(tmp_path / name, X=X + shift, y=y)
    monkeypatch.setenv("PCL_DATASET", str(tmp_path / "env.npz"))
    assert data.resolve(pcl=tmp_path / "explicit.npz").pcl()[0].min() >= 0.5
    assert 1.5 <= data.resolve().pcl()[0].min() < 2
    monkeypatch.delenv("PCL_DATASET")
    X, y = data.resolve().pcl()
    assert X.shape == (100, 2) and X.dtype == np.float64 and y.dtype == np.int64 and np.bincount(y).tolist() == [50, 50]
    assert data.resolve().fingerprint != data.resolve(pcl=tmp_path / "env.npz").fingerprint


def test_cache_is_reused(tmp_path):
    first = data.resolve()
    done = first.folder / "done"
    stamp = done.stat().st_mtime_ns
    data._dataset.cache_clear()  # as a new process would
    second = data.resolve()
    assert second.folder == first.folder and done.stat().st_mtime_ns == stamp
    assert second.fingerprint == first.fingerprint and first.folder.parent == tmp_path / "cache"
    assert [p.name for p in first.folder.parent.iterdir()] == [first.folder.name]  # no temporary left over


def test_errors_name_the_file(tmp_path, monkeypatch):
    with pytest.raises(DataError, match=f"{tmp_path / 'nowhere'}: no such folder \\(--data\\)"):
        data.resolve(tmp_path / "nowhere")
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match=r"nowhere: no such folder \(\$MNIST_DIR\)"):
        data.resolve()
    monkeypatch.delenv("MNIST_DIR")

    fake_mnist(tmp_path / "mnist", seed=5)
    (tmp_path / "mnist" / TEST[1]).unlink()
    with pytest.raises(DataError, match=f"{tmp_path / 'mnist' / TEST[1]}: missing"):
        data.resolve(tmp_path / "mnist")
    data.write_idx(tmp_path / "mnist" / TEST[1], np.full(20, 12))
    with pytest.raises(DataError, match=f"{tmp_path / 'mnist' / TEST[1]}: labels must be digits 0..9, found 12"):
        data.resolve(tmp_path / "mnist")
    path = tmp_path / "mnist" / TRAIN[0]
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataError, match=f"{path}: truncated: header says 30 images of 28x28"):
        data.resolve(tmp_path / "mnist")

    with pytest.raises(DataError, match=f"{tmp_path / 'no.npz'}: point-cloud file not found"):
        data.resolve(pcl=tmp_path / "no.npz")
    np.savez(tmp_path / "bad.npz", X=np.zeros((4, 3)), y=np.array([0, 1, 0, 1]))
    with pytest.raises(DataError, match=f"{tmp_path / 'bad.npz'}: expected X of shape \\(N, 2\\)"):
        data.resolve(pcl=tmp_path / "bad.npz")
    (tmp_path / "junk.npz").write_text("not a zip")
    with pytest.raises(DataError, match=f"{tmp_path / 'junk.npz'}: not a point-cloud file"):
        data.resolve(pcl=tmp_path / "junk.npz")


def test_missing_bundled_subset(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "BUNDLED", tmp_path / "digits.npz")
    with pytest.raises(DataError, match=r"digits.npz: the bundled MNIST subset is missing"):
        data.resolve()
    (tmp_path / "digits.npz").write_bytes(b"\0" * 10)
    with pytest.raises(DataError, match=r"digits.npz: not the bundled MNIST subset"):
        data.resolve()


def test_write_idx_round_trip(tmp_path):
    array = np.arange(2 * 28 * 28).reshape(2, 28, 28) % 256
    data.write_idx(tmp_path / "x.idx3-ubyte", array)
    assert (tmp_path / "x.idx3-ubyte").read_bytes()[:16] == bytes.fromhex("00000803 00000002 0000001c 0000001c")
    np.testing.assert_array_equal(loader.read_idx(str(tmp_path / "x.idx3-ubyte"), 3), array)


@pytest.mark.course_data
def test_accepts_the_official_test_set(course_data, tmp_path):
    names = [TEST[0].replace(".idx", "-idx") + ".gz", TEST[1].replace(".idx", "-idx") + ".gz"]
    if not all((course_data / name).is_file() for name in names):
        pytest.skip("the official t10k files are not in the course folder")
    folder = tmp_path / "mnist"
    fake_mnist(folder, seed=6)
    for name in TEST:
        (folder / name).unlink()
    for name in names:
        shutil.copyfile(course_data / name, folder / name)
    ds = data.resolve(folder)
    assert ds.kind == "full" and "30 train / 5,000 test / 5,000 held-out" in ds.description
    test, heldout = ds.arrays("test"), ds.arrays("heldout")
    assert not rows(test[0]) & rows(heldout[0])
    ds.stage(tmp_path / "work", quick=True)
    assert len(loader.load_mnist("testing", str(tmp_path / "work" / "MNIST"))[1]) == 500


def test_the_other_handouts_loader_reads_the_staged_data_without_downloading(tmp_path, course_handout, monkeypatch):
    """The original hand-out's mnist_loader.py reads the dashed MNIST names and downloads when it
    finds none: staged data is there under its names too (two of three real hand-ins carry it)."""
    other = course_handout / "other-versions" / "mnist_loader.py"
    if not other.is_file():
        pytest.skip(f"the other hand-out's loader is not at {other}")
    import urllib.request

    def no_download(url, *args, **kwargs):
        raise AssertionError(f"the loader tried to download {url}")
    monkeypatch.setattr(urllib.request, "urlretrieve", no_download)
    their_loader = load_file("other_mnist_loader", other)
    ds = data.resolve()
    ds.stage(tmp_path, quick=True)
    for part, section in (("train", "training"), ("test", "testing")):
        images, labels = their_loader.load_mnist(section, path=str(tmp_path / "MNIST"))
        expected = ds.arrays(part, quick=True)
        np.testing.assert_array_equal(images.reshape(len(images), -1), expected[0])
        np.testing.assert_array_equal(labels, expected[1])
    assert not list((tmp_path / "MNIST").glob("*.gz"))
