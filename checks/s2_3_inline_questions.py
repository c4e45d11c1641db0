"""2.3b and 2.3i: answers written in the notebook, for a human to mark, with a score
suggested from keywords."""
from __future__ import annotations

import re

from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import manual
from edf_autograder.errors import EvidenceMissing

QUESTIONS = {
    "2.3b": ("Inline Question 1", [r"\b9\d(\.\d+)?\s*%|\b0?\.9\b|ninety", r"random|chance|guess|1\s*/\s*10|10\s*class"]),
    "2.3i": ("Inline Question 2", [r"overfit|over-fit|memori[sz]", r"param|capacity|complex|generali[sz]"]),
}
PLACEHOLDER = re.compile(r"^(your answer( here)?|answer|fill this in|todo|to-do)?[.:]?$", re.I)
MARKER = re.compile(r"\**\s*your answer\s*:?\s*\**\s*:?", re.I)
MARKUP = re.compile(r"<!--.*?-->|^[\s*_:>#-]+|[\s*_]+$", re.S)
EMPHASIS = re.compile(r"(\*{1,2})(?=\S)(.+?)(?<=\S)\1|(?<!\w)(_{1,2})(?=\S)(.+?)(?<=\S)\3(?!\w)")


def clean(text: str) -> str:
    """The answer as a tutor reads it: no 'Your answer:' label, comments or emphasis marks."""
    body = MARKER.sub(" ", re.sub(r"<!--.*?-->", " ", text, flags=re.S))
    body = EMPHASIS.sub(lambda m: m.group(2) or m.group(4), body)
    lines = [MARKUP.sub("", line) for line in body.splitlines()]
    return " ".join(" ".join(line for line in lines if line).split())


def answer_text(nb, item: str) -> tuple[str, int]:
    """(answer, cell index): the markdown cell tagged `<item>-answer`, else what follows
    'Your answer' in the question's cell (the hand-out's layout), else the next markdown cell."""
    cells = nb.cells
    for i, cell in enumerate(cells):
        if f"{item}-answer" in cell.get("metadata", {}).get("tags", []):
            return clean(cell.source), i
    title = QUESTIONS[item][0]
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and title.lower() in cell.source.lower():
            parts = re.split(r"your answer", cell.source, maxsplit=1, flags=re.I)
            if len(parts) == 2 and clean(parts[1]):
                return clean(parts[1]), i
            nxt = next(((j, c) for j, c in enumerate(cells[i + 1:], start=i + 1) if c.cell_type == "markdown"), None)
            return (clean(nxt[1].source), nxt[0]) if nxt else ("", i)
    raise EvidenceMissing(f"no answer cell for {title} ({item}) found")


def _inline(item: str):
    def run(ev):
        run_ = ev.notebooks.get("image")
        if run_ is None:
            raise EvidenceMissing(ev.missing_notebook.get("image", "no image notebook"))
        body, index = answer_text(run_.nb, item)
        ev.read[item] = f"{ev.files.get('image', 'image notebook')}, cell {index + 1}"
        if not body or PLACEHOLDER.match(body):
            return manual("no answer written", 0.0, answer="", ideas=[])
        # the phrases that matched go in the data: the tutors' workbench shows them beside the answer
        ideas = [m.group(0) for p in QUESTIONS[item][1] if (m := re.search(p, body, re.I))]
        return manual(f"answer to review ({len(ideas)} of {len(QUESTIONS[item][1])} expected ideas found): {body[:300]}",
                      len(ideas) / len(QUESTIONS[item][1]), answer=body, ideas=ideas)
    return run


check("2.3b", "Inline question 1: error of an untrained model", 1, students="nothing")(_inline("2.3b"))
check("2.3i", "Inline question 2: why test error rises for very wide layers", 1, students="nothing")(_inline("2.3i"))
