"""Hand-ins that carry their own copy of a file the course hands out (issues 19, 24), and one
whose first cell fails and takes every later cell down. Built from the "given" style and the
course's own `edf.py`, edited the way a student edits it.
"""
from __future__ import annotations

import re
from pathlib import Path

from tests.handout import course, given

GRAPH_CELLS = (4, 9, 15, 21, 27, 37, 40, 44, 47, 50, 53)  # every MNIST graph cell (hand-out indices)
COURSE_INPUT = "class Input:\n    def __init__(self):\n        pass\n"
STUDENT_INPUT = ("class Input:\n    def __init__(self, value=None):\n"
                 "        # so I can write edf.Input(train_images) and skip a line\n"
                 "        self.value = value\n")
REQUIRED_INPUT = "class Input:\n    def __init__(self, value):\n        self.value = value\n"
PCL_GRAPH_CELLS = (4, 11)
NUMDIFF_CELL = 30
OTHER_LOADER = Path("other-versions") / "mnist_loader.py"  # the original hand-out's: dashed MNIST names


def course_edf(handout) -> str:
    return (Path(handout) / "edf.py").read_text(encoding="utf-8")


def input_takes_value(handout):
    """`Input.__init__` takes a value in the student's edf.py, and every MNIST graph cell
    calls `edf.Input(train_images)` / `edf.Input(train_labels)`: the course's file raises
    TypeError in each of them; the student's runs them all."""
    source = course_edf(handout)
    if COURSE_INPUT not in source:
        raise course.HandoutChanged("the course's edf.py no longer defines Input as these fixtures expect")
    pcl, image = given.build(handout)
    for index in GRAPH_CELLS:
        cell = image["cells"][index]
        text = course.text(cell)
        text = re.sub(r"x_node = edf\.Input\(\)", "x_node = edf.Input(train_images)", text)
        text = re.sub(r"y_node = edf\.Input\(\)", "y_node = edf.Input(train_labels)", text)
        course.set_text(cell, text)
    return pcl, image, {"edf.py": source.replace(COURSE_INPUT, STUDENT_INPUT)}


def cosmetic_edf(handout):
    """The "given" notebooks with an edf.py the student reformatted: a docstring, comments,
    other spacing and line breaks; the same code."""
    source = course_edf(handout)
    tidy = '"""EDF, with my notes."""\n' + "\n".join(
        line.rstrip() + ("  # a parameter: learns" if line.startswith("class Parameter") else "")
        for line in source.splitlines()).replace("def Xavier(nInputs):", "def Xavier( nInputs ):")
    pcl, image = given.build(handout)
    return pcl, image, {"edf.py": tidy + "\n"}


def data_path_fails(handout):
    """The first code cell of the MNIST notebook loads the data from the student's own folder
    (`path = '../MNIST'`): FileNotFoundError, and every later cell of that notebook fails for it."""
    pcl, image = given.build(handout)
    cell = image["cells"][1]
    course.set_text(cell, course.text(cell).replace("path = 'MNIST'", "path = '../MNIST'"))
    return pcl, image


def input_required_other_loader(handout):
    """As a real 2022/23 hand-in: `Input.__init__(self, value)` requires the value, every graph
    cell of both notebooks passes it (`edf.Input(X)`, `edf.Input(x.value + h)`), and the
    submission carries the original hand-out's mnist_loader.py (it reads the dashed MNIST
    names and downloads when it finds none). Fixed by hand, it is the "given" style."""
    source, loader = course_edf(handout), (Path(handout) / OTHER_LOADER).read_text(encoding="utf-8")
    if COURSE_INPUT not in source:
        raise course.HandoutChanged("the course's edf.py no longer defines Input as these fixtures expect")
    pcl, image, _ = input_takes_value(handout)
    for index in PCL_GRAPH_CELLS:
        cell = pcl["cells"][index]
        text = course.text(cell).replace("x_node = edf.Input()", "x_node = edf.Input(X)")
        course.set_text(cell, text.replace("y_node = edf.Input()", "y_node = edf.Input(y)"))
    cell = image["cells"][NUMDIFF_CELL]
    text = course.text(cell)
    for name, shift in (("x_plus", "+"), ("x_minus", "-")):  # the lines are indented in the hand-out's function
        text = re.sub(rf"{name} = edf\.Input\(\)\n(\s*){name}\.value = x\.value \{shift} h",
                      rf"{name} = edf.Input(x.value {shift} h)", text)
    course.set_text(cell, text)
    return pcl, image, {"edf.py": source.replace(COURSE_INPUT, REQUIRED_INPUT), "mnist_loader.py": loader}
