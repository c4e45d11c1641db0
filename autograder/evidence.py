"""What the checks see of a run: captured evidence, grader data, and calls into the kernel.

Student code runs only in the student's kernel; everything here is plain data owned by
the grader (arrays validated on the way in).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograder.errors import EvidenceMissing


@dataclass
class Evidence:
    quick: bool = False
    pen_and_paper: Any = None             # pen_and_paper.AnswerFile, None when nothing was handed in
    pen_and_paper_problem: str = ""       # why it is None
    dataset: Any = None                   # autograder.data.Dataset
    notebooks: dict[str, Any] = field(default_factory=dict)   # kind -> capture.NotebookEvidence
    missing_notebook: dict[str, str] = field(default_factory=dict)
    calls: dict[str, Any] = field(default_factory=dict)       # kind -> capture.KernelCalls

    def capture(self, key: str) -> dict[str, Any]:
        """The evidence captured for `key`, or EvidenceMissing saying why there is none."""
        kind = "pcl" if key.startswith("2.2") else "image"
        run = self.notebooks.get(kind)
        if run is None:
            raise EvidenceMissing(self.missing_notebook.get(kind, f"the {kind} notebook was not run"))
        if key in run.captures:
            return run.captures[key]
        raise EvidenceMissing(run.missing.get(key, f"no evidence was captured for {key}"))

    def answers(self) -> dict:
        if self.pen_and_paper is None:
            raise EvidenceMissing(self.pen_and_paper_problem or "no pen-and-paper answer file was submitted")
        return self.pen_and_paper
