"""Where the running notebook is saved, so that cells are numbered as the grader numbers
them (from 1, markdown included). Front ends say it differently: Jupyter's server sets
JPY_SESSION_NAME, VS Code sets `__vsc_ipynb_file__`; otherwise the exercise's notebook
in the kernel's folder. None is required: without a file, cells are numbered as they ran.
"""
from __future__ import annotations

import os
from pathlib import Path

import nbformat


def candidates(namespace: dict, folder: Path, filenames) -> list[Path]:
    named = [os.environ.get("JPY_SESSION_NAME"), namespace.get("__vsc_ipynb_file__")]
    found = [Path(p) for p in named if isinstance(p, str) and p.endswith(".ipynb")]
    found += [Path(folder) / name for name in filenames]
    return [p for p in dict.fromkeys(found) if p.is_file()]


def kind_of(paths: list[Path], files: dict[str, str]) -> str | None:
    """The notebook kind a front end names (files: kind -> file name)."""
    for path in paths[:1]:
        for kind, name in files.items():
            if path.name == name or path.name.endswith("_" + name):
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
