"""Tasks as a student names them ("4.2d", "4.2d-relu", "4.2"): which of the exercise's
items a check of that task runs, and where each task ends in a notebook (for the
hand-out's check lines). Only items whose verdict students may see are ever run."""
from __future__ import annotations

from edf_autograder.errors import HarnessError


class UnknownTask(HarnessError):
    """The task asked for names no item the self-check can judge."""


def visible(spec) -> bool:
    return spec.students == "verdict" and not spec.hidden


def matches(item: str, task: str, sections) -> bool:
    return item == task or item.startswith(task + "-") or (task in sections and item.startswith(task))


def tasks(exercise) -> list[str]:
    """The tasks a student can check, as the items' ids start (4.2a, 4.2d, ...)."""
    return sorted({c.spec.id.split("-")[0] for c in exercise.checks() if visible(c.spec)})


def select(exercise, task: str) -> list:
    """The visible checks of `task`, or UnknownTask saying what the student can ask for."""
    task = str(task).strip()
    chosen = [c for c in exercise.checks() if matches(c.spec.id, task, exercise.sections)]
    shown = [c for c in chosen if visible(c.spec)]
    if not chosen:
        raise UnknownTask(f"there is no task {task!r}; the self-check knows {', '.join(tasks(exercise))} "
                          "(or a part of one: its items' ids start with it)")
    if not shown:
        raise UnknownTask(f"{task} is not judged in the notebook: pen-and-paper and written answers are read by "
                          "the grader from the files you hand in, or marked by a tutor")
    return shown


def _task_of(item: str, tags: list[str]) -> str | None:
    """The longest start of `item` (cut at a '-') that names cells: 4.2a-graph -> 4.2a."""
    parts = item.split("-")
    for n in range(len(parts), 0, -1):
        start = "-".join(parts[:n])
        if any(t == start or t.startswith(start + "-") for t in tags):
            return start
    return None


def task_ends(nb, exercise) -> list[tuple[int, str]]:
    """(index of the last code cell of a task, task) for each task of a tagged notebook,
    in notebook order: after that cell, the task is done and can be checked."""
    tagged = [(i, t) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for t in c.get("metadata", {}).get("tags", [])]
    tags = [t for _, t in tagged]
    found = {_task_of(c.spec.id, tags) for c in exercise.checks() if visible(c.spec)} - {None}
    ends = {task: max(i for i, t in tagged if t == task or t.startswith(task + "-")) for task in found}
    return sorted((end, task) for task, end in ends.items())
