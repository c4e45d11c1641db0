"""2.3b and 2.3i: answers written in the notebook, for a human to mark, with a score
suggested from keywords."""
from __future__ import annotations

import re

from autograder.errors import EvidenceMissing
from autograder.score import manual
from checks import check

QUESTIONS = {
    "2.3b": ("Inline Question 1", [r"\b9\d(\.\d+)?\s*%|\b0?\.9\b|ninety", r"random|chance|guess|1\s*/\s*10|10\s*class"]),
    "2.3i": ("Inline Question 2", [r"overfit|over-fit|memori[sz]", r"param|capacity|complex|generali[sz]"]),
}
PLACEHOLDER = re.compile(r"^\s*(\*?your answer( here)?\.?\*?|answer:?)\s*$", re.I)


def answer_text(nb, item: str) -> str:
    """The markdown cell tagged `<item>-answer`, else the first markdown cell after the
    question's heading that is not the question itself."""
    cells = nb.cells
    for cell in cells:
        if f"{item}-answer" in cell.get("metadata", {}).get("tags", []):
            return cell.source
    title = QUESTIONS[item][0]
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and title.lower() in cell.source.lower():
            after = cell.source.lower().split("your answer", 1)
            if len(after) == 2 and after[1].strip(" :*\n"):
                return after[1]
            nxt = next((c for c in cells[i + 1:] if c.cell_type == "markdown"), None)
            return nxt.source if nxt is not None else ""
    raise EvidenceMissing(f"no answer cell for {title} ({item}) found")


def _inline(item: str):
    def run(ev):
        run_ = ev.notebooks.get("image")
        if run_ is None:
            raise EvidenceMissing(ev.missing_notebook.get("image", "no image notebook"))
        text = answer_text(run_.nb, item)
        body = re.sub(r"<!--.*?-->|\*\*your answer:?\*\*:?", "", text, flags=re.S | re.I).strip()
        if not body or PLACEHOLDER.match(body):
            return manual("no answer written", 0.0)
        hits = sum(bool(re.search(p, body, re.I)) for p in QUESTIONS[item][1])
        return manual(f"answer to review ({hits} of {len(QUESTIONS[item][1])} expected ideas found): "
                      f"{' '.join(body.split())[:300]}",
                      hits / len(QUESTIONS[item][1]))
    return run


check("2.3b", "Inline question 1: error of an untrained model", 1)(_inline("2.3b"))
check("2.3i", "Inline question 2: why test error rises for very wide layers", 1)(_inline("2.3i"))
