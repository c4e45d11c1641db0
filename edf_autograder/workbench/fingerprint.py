"""What an automatic item was graded on, as a digest: the source of the notebook cells its
evidence came from (the item's `where`, e.g. "graph.ipynb, cell 5 (built in cell 3)").

A tutor's override of an automatic item (an appeal) holds while this digest is unchanged, so
it survives a re-grade (another grader version, other data) and is dropped when the student
changed those cells. An item with no cells named falls back to every code cell of the
submission's notebooks with its message: any change asks the tutor again.
"""
from __future__ import annotations

import hashlib
import json
import re

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


def item_digests(record: dict, notebooks: dict) -> dict[str, str]:
    """Item id -> digest of what it was graded on, for a record and its executed notebooks
    (file name -> notebook JSON text; handwritten pages, as bytes, are left out)."""
    sources = {name: _sources(text) for name, text in notebooks.items() if isinstance(text, str)}
    everything = [src for name in sorted(sources) for src in sources[name]]
    digests = {}
    for item in record.get("items", []):
        cells = _cells(item.get("where") or "", sources)
        seen = ["cells", *cells] if cells is not None else ["all", item.get("message", ""), *everything]
        digests[item["id"]] = hashlib.sha256(json.dumps(seen).encode()).hexdigest()[:16]
    return digests
