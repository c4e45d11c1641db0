"""Reading the course's hand-out and editing its cells the way a student's editor would.

Notebooks are kept as the plain JSON dicts of the files (nbformat 4.4, no cell ids), so a
cell nobody touched is written back byte for byte. Cells are addressed by their index in
the hand-out; `HANDOUT_SHA256` pins the files those indices belong to.
"""
from __future__ import annotations

import copy
import hashlib
import json
import textwrap
from pathlib import Path

PCL = "pcl_binary_classification.ipynb"
IMAGE = "image_classification.ipynb"
HANDOUT_SHA256 = {  # from the hand-out's PROVENANCE.md
    PCL: "65a18a9193d78900582f67ee3fce4d98371a07b2c1bf1cc517036ed017127e80",
    IMAGE: "58cfd9fff1773998313219868715bd3ee332fd5471fa965f54c6a6397f79a2d0",
}


class HandoutChanged(Exception):
    """The folder does not hold the hand-out these fixtures were written against."""


def load(handout: Path, name: str) -> dict:
    raw = (Path(handout) / name).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != HANDOUT_SHA256[name]:
        raise HandoutChanged(f"{Path(handout) / name}: sha256 {digest}, expected {HANDOUT_SHA256[name]} "
                             "(the cell indices in tests/handout/ refer to that version)")
    return json.loads(raw)


def dumps(nb: dict) -> str:
    """The notebook as Jupyter writes it (the hand-out's own files round-trip through this)."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def text(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def set_text(cell: dict, new: str) -> None:
    cell["source"] = new.splitlines(keepends=True)


def fill(cell: dict, anchor: str, code: str) -> None:
    """Write `code` on the lines after the hand-out's line `anchor` (a TO-DO comment), at
    that line's indentation, leaving every other line of the cell as it was."""
    lines = text(cell).splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.strip() == anchor), None)
    if at is None:
        raise HandoutChanged(f"no line {anchor!r} in the cell:\n{text(cell)}")
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    if not lines[at].endswith("\n"):
        lines[at] += "\n"
    body = textwrap.indent(textwrap.dedent(code).strip("\n") + "\n", indent)
    lines[at + 1:at + 1] = [body]
    set_text(cell, "".join(lines))


def replace(cell: dict, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the cell's text."""
    src = text(cell)
    if src.count(old) != 1:
        raise HandoutChanged(f"{old!r} occurs {src.count(old)} times in the cell:\n{src}")
    set_text(cell, src.replace(old, new))


def code_cell(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": textwrap.dedent(source).strip("\n").splitlines(keepends=True)}


def markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source.splitlines(keepends=True)}


def clone(nb: dict) -> dict:
    return copy.deepcopy(nb)
