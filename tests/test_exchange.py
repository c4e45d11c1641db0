"""What the kernel writes is read as regular files only and validated."""
import os

import numpy as np
import pytest

from edf_autograder.errors import KernelCallError
from edf_autograder.kernel import exchange


def test_arrays_round_trip(tmp_path):
    np.savez(tmp_path / "a.npz", x=np.arange(6).reshape(2, 3))
    assert exchange.read_arrays(tmp_path / "a.npz")["x"].shape == (2, 3)


def test_symlink_planted_by_the_kernel_is_not_followed(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"score": 40}')
    (tmp_path / "eval.json").symlink_to(secret)
    with pytest.raises(KernelCallError, match="eval.json"):
        exchange.read_json(tmp_path / "eval.json")


def test_fifo_does_not_hang_the_grader(tmp_path):
    os.mkfifo(tmp_path / "values.json")
    with pytest.raises(KernelCallError, match="not a regular file"):
        exchange.read_json(tmp_path / "values.json")


def test_pickled_objects_are_refused(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([object()], dtype=object), allow_pickle=True)
    os.rename(tmp_path / "obj.npy", tmp_path / "obj.npz")
    with pytest.raises(KernelCallError):
        exchange.read_arrays(tmp_path / "obj.npz")


@pytest.mark.parametrize("array, shape, problem", [
    (np.zeros((3, 2)), (3, 10), "shape"),
    (np.array([1.0, np.nan]), (2,), "NaN"),
    (np.array(["a", "b"]), (2,), "dtype"),
])
def test_checked_rejects_bad_arrays(array, shape, problem):
    with pytest.raises(KernelCallError, match=problem):
        exchange.checked(array, "prob_node.value", shape=shape)


def test_checked_accepts_any_length_for_none():
    assert exchange.checked(np.ones((7, 2), np.float32), "x", shape=(None, 2)).dtype == np.float64


def test_inputs_are_not_written_through_a_planted_link(tmp_path):
    victim = tmp_path / "grader-file"
    victim.write_text("precious")
    (tmp_path / "inputs.npz").symlink_to(victim)
    exchange.write_arrays(tmp_path / "inputs.npz", x=np.ones(3))
    assert victim.read_text() == "precious"
    assert not (tmp_path / "inputs.npz").is_symlink()
    assert exchange.read_arrays(tmp_path / "inputs.npz")["x"].sum() == 3
