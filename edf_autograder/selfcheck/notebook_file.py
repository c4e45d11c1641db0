"""Where the running notebook is saved, so that cells are numbered as the grader numbers
them (from 1, markdown included). Front ends say it differently: Jupyter's server (JupyterLab,
Notebook 7) sets JPY_SESSION_NAME, VS Code sets `__vsc_ipynb_file__`; Colab and a plain
IPython say nothing (the recorder then knows the notebook by its cells' text). Otherwise the
exercise's notebook in the kernel's folder. None is required: without a file, cells are
numbered as they ran.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat

# what people and front ends make of a name: "Copy of X", "X (1)", "X-1", "X copy", "alice_X"
COPY_PREFIX = re.compile(r"^(copy of |kopie von |copie de )+", re.IGNORECASE)
COPY_SUFFIX = re.compile(r"([ _-]*\(\d+\)|[ _-]\d+|[ _-]copy)+$", re.IGNORECASE)


def named(namespace: dict) -> list[Path]:
    """The notebook file the front end names, if any: JPY_SESSION_NAME (an absolute path, or
    one relative to the server's root on older servers), `__vsc_ipynb_file__`."""
    names = [os.environ.get("JPY_SESSION_NAME"), namespace.get("__vsc_ipynb_file__")]
    found = []
    for name in names:
        if isinstance(name, str) and name.endswith(".ipynb"):
            path = Path(name)
            found += [path] if path.is_absolute() else [Path.cwd() / path, Path.cwd() / path.name]
    return list(dict.fromkeys(found))


def candidates(namespace: dict, folder: Path, filenames) -> list[Path]:
    found = named(namespace) + [Path(folder) / name for name in filenames]
    return [p for p in dict.fromkeys(found) if p.is_file()]


def kind_of(paths: list[Path], files: dict[str, str]) -> str | None:
    """The notebook kind a front end names (files: kind -> file name), through the copies'
    names people and front ends make ("Copy of X", "X (1)", "X-1", "alice_X"); None when the
    name says nothing (the cells' text then does)."""
    for path in paths[:1]:
        stem = COPY_SUFFIX.sub("", COPY_PREFIX.sub("", Path(path).stem))
        for kind, name in files.items():
            wanted = Path(name).stem
            if stem == wanted or stem.endswith("_" + wanted):
                return kind
    return None


def read(path: Path):
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # unreadable or half-saved: cells are then numbered as they ran
        return None


def positions(nb, executed: list[tuple[str | None, str]]) -> list[int] | None:
    """The position in `nb` of each executed cell, (cell id, source), or None unless every
    one is found: by its id, else by its text (cells with the same text in their order)."""
    by_id = {c.get("id"): i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("id")}
    taken: dict[str, int] = {}
    found = []
    for cell_id, source in executed:
        if cell_id and cell_id in by_id:
            found.append(by_id[cell_id])
            continue
        start = taken.get(source, -1) + 1
        at = next((i for i in range(start, len(nb.cells))
                   if nb.cells[i].cell_type == "code" and nb.cells[i].source == source), None)
        if at is None:
            return None
        taken[source] = at
        found.append(at)
    return found if len(set(found)) == len(found) else None
