"""The student hand-out: the reference notebooks with solutions stripped, the course
files, the data and a blank pen-and-paper answer file.

Convention (in the reference notebooks): a code solution region is the lines between
`# BEGIN SOLUTION <what to do>` and `# END SOLUTION`; it becomes `# TO-DO: <what to do>`,
plus a `raise NotImplementedError` where the region is inside a function or loop body
(so the cell fails at the task, not silently later). A markdown answer between
`<!-- BEGIN ANSWER -->` and `<!-- END ANSWER -->` becomes `*Your answer here.*`.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from autograder.stage import NOTEBOOKS, REFERENCE

BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*(.*)$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
ANSWER = re.compile(r"<!-- BEGIN ANSWER -->.*?<!-- END ANSWER -->", re.S)


def _strip_code(source: str, tag: str) -> str:
    out, inside = [], False
    for line in source.splitlines():
        begin = BEGIN.match(line)
        if begin:
            indent, todo = begin.groups()
            todo = todo or "your code here"
            out.append(f"{indent}# TO-DO: {todo}")
            if indent:
                out.append(f"{indent}raise NotImplementedError({f'TO-DO {tag}: {todo}'!r})")
            inside = True
        elif END.match(line):
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def strip_notebook(nb):
    """A copy of `nb` without solutions, answers or outputs (tags and ids kept)."""
    nb = nbformat.reads(nbformat.writes(nb), 4)
    for cell in nb.cells:
        tag = (cell.metadata.get("tags") or [cell.get("id", "")])[0]
        if cell.cell_type == "code":
            cell.source = _strip_code(cell.source, tag)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = ANSWER.sub("*Your answer here.*", cell.source)
    return nb


def solution_lines(nb) -> set[str]:
    """The non-trivial lines that occur only inside solution and answer regions."""
    inside_lines: set[str] = set()
    outside_lines: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for region in ANSWER.findall(cell.source):
                inside_lines |= {l.strip() for l in region.splitlines()[1:-1]}
            continue
        inside = False
        for line in cell.source.splitlines():
            if BEGIN.match(line):
                inside = True
            elif END.match(line):
                inside = False
            else:
                (inside_lines if inside else outside_lines).add(line.strip())
    return {l for l in inside_lines - outside_lines if len(l) > 3}


def _blank_answers() -> str:
    try:
        from autograder.pen_and_paper import blank_answer_file
        return blank_answer_file()
    except ImportError:
        return (REFERENCE / "pen_and_paper_template.toml").read_text()


def release(outdir: Path, *, dataset=None) -> list[Path]:
    """Write the hand-out into `outdir`; returns the files written."""
    from autograder import data

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in NOTEBOOKS.values():
        nbformat.write(strip_notebook(nbformat.read(REFERENCE / name, as_version=4)), outdir / name)
        written.append(outdir / name)
    for name in ("edf.py", "mnist_loader.py"):
        shutil.copy(REFERENCE / name, outdir / name)
        written.append(outdir / name)
    (dataset or data.resolve()).stage(outdir)
    written += [outdir / "MNIST", outdir / "2d_pcl_dataset.npz"]
    (outdir / "pen_and_paper.toml").write_text(_blank_answers())
    written.append(outdir / "pen_and_paper.toml")
    return written
