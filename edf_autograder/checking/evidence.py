"""What the checks see of a run: captured evidence, grader data, and calls into the kernel.

Student code runs only in the student's kernel; everything here is plain data owned by
the grader (arrays validated on the way in). Every capture a check reads is noted, so
the report can say which cells an item's evidence came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from edf_autograder.errors import EvidenceMissing, TrainingStopped


@dataclass
class Evidence:
    quick: bool = False
    answer_file: Any = None               # answers.sheet.AnswerFile, None when nothing was handed in
    answer_problem: str = ""              # why it is None
    dataset: Any = None                   # the exercise's data (exercise.Dataset)
    plans: dict[str, Any] = field(default_factory=dict)       # kind -> plan.NotebookPlan
    files: dict[str, str] = field(default_factory=dict)       # kind -> notebook file name
    notebooks: dict[str, Any] = field(default_factory=dict)   # kind -> capture.NotebookEvidence
    missing_notebook: dict[str, str] = field(default_factory=dict)
    calls: dict[str, Any] = field(default_factory=dict)       # kind -> capture.KernelCalls
    flags: list = field(default_factory=list)                 # integrity.Flag
    read: dict[str, str] = field(default_factory=dict)        # key -> where, for the current check
    trained: bool = False                 # the current check judges a trained result (ItemSpec.trained)

    def _kind(self, key: str) -> str | None:
        for kind, run in self.notebooks.items():
            if run is not None and (key in run.captures or key in run.missing):
                return kind
        return next((kind for kind, plan in self.plans.items() if key in plan.keys()), None)

    def capture(self, key: str) -> dict[str, Any]:
        """The evidence captured for `key`, or EvidenceMissing saying why there is none."""
        kind = self._kind(key)
        run = self.notebooks.get(kind) if kind else None
        if run is None:
            raise EvidenceMissing(self.missing_notebook.get(kind, f"no notebook produced {key}"))
        if key in run.captures:
            capture = run.captures[key]
            if capture.get("origin"):
                self.read[key] = f"{self.files.get(kind, kind)}, {capture['origin']}"
            if self.quick and self.trained and capture.get("stopped"):
                made, asked = capture["stopped"]
                raise TrainingStopped(f"the quick check stops this training after {made:,} of its {asked:,} steps, "
                                      "so it cannot judge the trained model's errors")
            return capture
        raise EvidenceMissing(run.missing.get(key, f"no evidence was captured for {key}"))

    def kinds_read(self) -> set[str]:
        return {self._kind(key) for key in self.read}

    def answers(self):
        """The answer file (answers.sheet.AnswerFile), or EvidenceMissing saying why there is none."""
        if self.answer_file is None:
            raise EvidenceMissing(self.answer_problem or "no answer file was submitted")
        return self.answer_file
