"""Exercise 2 (Image Classification): its declaration (`edf_ex2.exercise.EXERCISE`), what
its notebooks must produce (`notebooks`), its data (`data`), the pen-and-paper key (`key`),
one module of checks per section of the sheet (`s2_*`), and its feedback figures.

Each check declares its item id, title and points next to its code
(`edf_autograder.checking.registry.check`); the 40 points are derived, never typed.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent
FOLDERS = ("reference", "data")  # package data (pyproject.toml), beside checks/ in the repository


def folder(name: str) -> Path:
    """The exercise's `reference` or `data` folder: inside the package when installed from a
    wheel (package data), beside `checks/` in the repository."""
    if name not in FOLDERS:
        raise ValueError(f"the exercise has no folder {name!r}; it has {', '.join(FOLDERS)}")
    for base in (_HERE, _HERE.parent):
        if (base / name).is_dir():
            return base / name
    raise FileNotFoundError(f"the exercise's {name}/ folder is neither in {_HERE} nor beside it")
