"""What an automatic item was graded on, as a digest: the source of the notebook cells its
evidence came from (the item's `where`, e.g. "graph.ipynb, cell 5 (built in cell 3)").

A tutor's override of an automatic item (an appeal) holds while this digest is unchanged, so
it survives a re-grade (another grader version, other data) and is dropped when the student
changed those cells. An item of the answer sheet's section (pen and paper) is known by the
answer file and handwritten pages handed in; any other item with no cells named by every cell
of the submission's notebooks. Both with the item's message: any change asks the tutor again.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

PART = re.compile(r"^\s*(?P<file>[^,;]+\.ipynb),\s*(?P<cells>.*)$")
CELL = re.compile(r"cell (\d+)")


def _sources(text: str) -> list[str]:
    """Every cell's source (markdown too: cells are counted as a student counts them)."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return []
    return ["".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
            for c in cells if isinstance(c, dict)]


def _cells(where: str, notebooks: dict[str, list[str]]) -> list[str] | None:
    """The sources of the cells `where` names, or None when it names none we have."""
    found = []
    for part in where.split(";"):
        m = PART.match(part)
        sources = notebooks.get(m["file"].strip()) if m else None
        if sources is None:
            return None
        for number in CELL.findall(m["cells"]):
            index = int(number) - 1
            found.append(sources[index] if 0 <= index < len(sources) else "")
    return found or None


def answer_file(paths: list[Path], record: dict) -> bytes | None:
    """The answer file the record says was handed in, found among the submission's paths."""
    name = (record.get("answer_sheet") or {}).get("file")
    for root in paths if name else []:
        found = [root] if root.is_file() and root.name == name else sorted(root.rglob(name)) if root.is_dir() else []
        if found:
            return found[0].read_bytes()
    return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def item_digests(record: dict, notebooks: dict, sheet: bytes | None = None) -> dict[str, str]:
    """Item id -> digest of what it was graded on, for a record, its executed notebooks (file
    name -> notebook JSON text; handwritten pages as bytes) and the answer file's bytes."""
    sources = {name: _sources(text) for name, text in notebooks.items() if isinstance(text, str)}
    everything = [src for name in sorted(sources) for src in sources[name]]
    handed_in = [_digest(sheet or b"")] + [_digest(v) for _, v in sorted(notebooks.items()) if isinstance(v, bytes)]
    section = (record.get("answer_sheet") or {}).get("section")
    digests = {}
    for item in record.get("items", []):
        cells = _cells(item.get("where") or "", sources)
        seen = ["cells", *cells] if cells is not None else \
            ["sheet", item.get("message", ""), *handed_in] if section and item.get("section") == section else \
            ["all", item.get("message", ""), *everything]
        digests[item["id"]] = hashlib.sha256(json.dumps(seen).encode()).hexdigest()[:16]
    return digests
