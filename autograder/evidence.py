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
    pen_and_paper: dict | None = None     # parsed answer file, None when absent
    pen_and_paper_problem: str = ""       # why it is None (file missing / unreadable)
    captures: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # capture key -> why it is absent
    dataset: Any = None                   # autograder.data.Dataset
    kernel: Any = None                    # autograder.execute.KernelCalls, or None

    def capture(self, key: str) -> dict[str, Any]:
        """The evidence captured for `key`, or EvidenceMissing saying why there is none."""
        if key in self.captures:
            return self.captures[key]
        raise EvidenceMissing(self.missing.get(key, f"no evidence was captured for {key}"))

    def answers(self) -> dict:
        if self.pen_and_paper is None:
            raise EvidenceMissing(self.pen_and_paper_problem or "no pen-and-paper answer file was submitted")
        return self.pen_and_paper
