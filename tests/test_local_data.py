"""The in-notebook check reads a student's folder with the exercise's own hand-out files,
as the engine passes them (`Exercise.local_data(folder, handout_files)`): the kit's copy in
the kit, the grader's in the grader, never whichever exercise an entry-point lookup finds."""
import numpy as np
import pytest

from edf_autograder.errors import DataError
from edf_ex2.exercise import EXERCISE
from edf_ex2.local_data import LOADER

FAKE_LOADER = '''
import numpy as np
def load_mnist(section="training", path="MNIST"):
    n = {"training": 3, "testing": 2}[section]
    return np.full((n, 28, 28), 0.5), np.arange(n) % 10
'''


def test_the_folder_is_read_with_the_loader_the_exercise_hands_out(tmp_path):
    loader = tmp_path / "files" / LOADER
    loader.parent.mkdir()
    loader.write_text(FAKE_LOADER, encoding="utf-8")
    data = EXERCISE.local_data(tmp_path, {LOADER: loader})
    images, labels = data.arrays("train")
    assert images.shape == (3, 784) and np.all(images == 0.5) and labels.tolist() == [0, 1, 2]
    assert data.arrays("test")[0].shape == (2, 784)


def test_the_grader_reads_a_hand_out_folder_with_its_own_loader(tmp_path):
    with pytest.raises(DataError, match="MNIST/ beside it"):  # no MNIST/ in an empty folder
        EXERCISE.local_data(tmp_path, EXERCISE.handout_files).arrays("train")
    EXERCISE.data().stage(tmp_path, quick=True)  # the kit's data slice, as a student's folder holds it
    images, labels = EXERCISE.local_data(tmp_path, EXERCISE.handout_files).arrays("test")
    assert images.shape == (len(labels), 784) and 0 <= images.min() and images.max() <= 1


def test_an_exercise_without_a_loader_says_so_when_images_are_read(tmp_path):
    data = EXERCISE.local_data(tmp_path, {})
    with pytest.raises(DataError, match=f"hands out no {LOADER}"):
        data.arrays("test")
