"""A submission's own copies of the course's files (issues 19, 24), in one place: the
pipeline calls `runs` once and gets the graded run and what to tell about the copies.

The exercise's `own_files` policy decides: "course" grades with the course's files only;
"suggest" (the default) also grades a second run with the student's files when the course's
make cells fail that use what the student changed: the automatic score stays the course's,
and item by item the better of the two runs is a tutor's suggestion (a `framework` flag);
"trust" grades with the student's files. The student's files run as they are, in the same
sandbox as always.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edf_autograder.own_files import copies, told
from edf_autograder.own_files.told import Told


@dataclass
class Runs:
    run: Any      # the graded run (pipeline.Run), with the course's files unless the policy trusts
    told: Told    # the student's line, notes, the framework flag and the suggestion


def runs(staged, exercise, grade_run: Callable[..., Any], folder: Path, **first) -> Runs:
    """Grade `staged` with `grade_run(staged, **options)` as the policy says; `folder` receives
    the second run's work folder; `first` goes to the first (graded) run only."""
    own = copies.review(staged, exercise)                  # 1. which copies differ from the course's, and how
    second = copies.prepare(own, staged, folder)           # 2. the policy's work folders ("trust": the first)
    run = grade_run(staged, **first)                       # 3. the graded run
    used = copies.suspects(own.names(), run.evidence) if second is not None else {}
    own_run = grade_run(second) if used else None          # 4. failing cells use a change: the student's files too
    said = told.tell(own, run, own_run, used, exercise)    # 5. the line, the notes, the suggestion item by item
    said.notes[:0] = own.notes
    return Runs(run, said)
