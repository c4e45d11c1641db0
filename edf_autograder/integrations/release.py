"""The student hand-out of an exercise: its reference notebooks with solutions stripped,
the course's files, the data and a blank answer file.

Placeholder convention (in the reference notebooks):

- A code solution region is the lines between `# BEGIN SOLUTION <what to do>` and
  `# END SOLUTION`, indented like the code around them. The hand-out keeps one line,
  `# TO-DO: <what to do>`, at the same indentation. Inside a function, method or loop
  body (an indented region) it also gets
  `raise NotImplementedError("TO-DO <cell tag>: <what to do>")`, so that the cell fails
  at the task instead of running on silently. A module-level region keeps only the
  comment: the names it should define are missing, so the first use raises NameError.
- A markdown answer between `<!-- BEGIN ANSWER -->` and `<!-- END ANSWER -->` becomes
  `*Your answer here.*`.

Regions do not nest; an unclosed or stray marker is an error, never a silent leak.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from edf_autograder.errors import HarnessError
from edf_autograder.exercise import load

BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\b\s*(.*)$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
ANSWER = re.compile(r"<!-- BEGIN ANSWER -->.*?<!-- END ANSWER -->", re.S)
ANSWER_PLACEHOLDER = "*Your answer here.*"


class MarkerError(HarnessError):
    """A reference cell's solution markers do not pair up."""


def _regions(source: str, where: str):
    """(line, region) per line of a code cell: region is None outside a solution, else
    the (indent, todo) of the region's BEGIN line (also for the BEGIN and END lines)."""
    region = None
    for number, line in enumerate(source.splitlines(), 1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin and region:
            raise MarkerError(f"{where}, line {number}: BEGIN SOLUTION inside an open region; "
                              "close the first with # END SOLUTION")
        if end and not region:
            raise MarkerError(f"{where}, line {number}: END SOLUTION without a BEGIN SOLUTION before it")
        if begin:
            region = (begin.group(1), begin.group(2).strip() or "your code here")
        yield line, region
        if end:
            region = None
    if region:
        raise MarkerError(f"{where}: BEGIN SOLUTION is never closed; add # END SOLUTION")


def _strip_code(source: str, tag: str) -> str:
    out = []
    for line, region in _regions(source, f"cell {tag}"):
        if region is None:
            out.append(line)
        elif BEGIN.match(line):
            indent, todo = region
            out.append(f"{indent}# TO-DO: {todo}")
            if indent:
                out.append(f"{indent}raise NotImplementedError({f'TO-DO {tag}: {todo}'!r})")
    return "\n".join(out)


def _name(cell) -> str:
    return (cell.metadata.get("tags") or [cell.get("id", "?")])[0]


def strip_notebook(nb):
    """A copy of `nb` without solutions, answers or outputs (tags and ids kept)."""
    nb = nbformat.reads(nbformat.writes(nb), 4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = _strip_code(cell.source, _name(cell))
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = ANSWER.sub(ANSWER_PLACEHOLDER, cell.source)
    return nb


def solution_lines(nb) -> set[str]:
    """The non-trivial lines (stripped, over 3 characters) that occur only inside
    solution and answer regions: none of them may appear in the hand-out."""
    inside: set[str] = set()
    outside: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for region in ANSWER.findall(cell.source):
                inside |= {line.strip() for line in region.splitlines()[1:-1]}
            outside |= {line.strip() for line in ANSWER.sub("", cell.source).splitlines()}
        elif cell.cell_type == "code":
            for line, region in _regions(cell.source, f"cell {_name(cell)}"):
                if not (BEGIN.match(line) or END.match(line)):
                    (outside if region is None else inside).add(line.strip())
    return {line for line in inside - outside if len(line) > 3}


SELF_CHECK = ("# Self-check, with the course kit installed: uncomment the import below and run the notebook from\n"
              "# the top; then uncomment a `check(...)` line after a task to see what the grader says about it.\n"
              "# check_all() grades the saved notebooks as `grader.py check --quick` does.\n"
              "# from edf_autograder.selfcheck import check, check_all")


def with_check_lines(nb, exercise):
    """The hand-out with the in-notebook self-check, commented out (the grader runs the notebook
    as it is): its import in a first cell, and `# check("<task>")` after each task's last cell,
    where the reference's tags say the task ends."""
    from edf_autograder.selfcheck.tasks import task_ends

    def cell(name: str, source: str):
        new = nbformat.v4.new_code_cell(source, metadata={"tags": ["selfcheck"]})
        new.id = "selfcheck-" + re.sub(r"[^A-Za-z0-9-]", "-", name)
        return new

    for index, task in reversed(task_ends(nb, exercise)):
        nb.cells.insert(index + 1, cell(task, f"# check({task!r})  # uncomment: the grader's quick check of {task}"))
    nb.cells.insert(0, cell("import", SELF_CHECK))
    return nb


KIT_FOLDER = "selfcheck"  # the students' self-check kit, beside the hand-out (and in a Classroom template)


def release(outdir: Path, *, exercise=None, dataset=None, quick: bool = False, kit: bool = True,
            wheels: bool = False, targets: tuple[str, ...] | None = None) -> list[Path]:
    """Write the exercise's hand-out into `outdir` (notebooks without solutions, the course's
    files, the data, a blank answer file) and, where the exercise declares one, its self-check
    kit into `outdir/selfcheck` (`wheels`: with its dependencies' wheels, for offline installs on
    each of `targets`, default every platform students use: edf_autograder.kit.platforms);
    return the paths written. `dataset` defaults to the exercise's data; `quick` stages its
    small slices (for tests)."""
    from edf_autograder.answers.sheet import blank_answer_file

    exercise = load(exercise)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in exercise.notebooks:
        reference = nbformat.read(exercise.reference / notebook.filename, as_version=4)
        nbformat.write(with_check_lines(strip_notebook(reference), exercise), outdir / notebook.filename)
        written.append(outdir / notebook.filename)
    for name, source in exercise.handout_files.items():
        shutil.copyfile(source, outdir / name)
        written.append(outdir / name)
    before = set(outdir.iterdir())
    (dataset or exercise.data()).stage(outdir, quick=quick)
    written += sorted(set(outdir.iterdir()) - before)
    if exercise.answers:
        (outdir / exercise.answers.filename).write_text(blank_answer_file(exercise.answers), encoding="utf-8")
        written.append(outdir / exercise.answers.filename)
    if kit and exercise.kit is not None:
        from edf_autograder.kit.build import build
        from edf_autograder.kit.platforms import TARGETS
        written += build(outdir / KIT_FOLDER, exercise=exercise, wheels=wheels, targets=targets or TARGETS)
    return written
