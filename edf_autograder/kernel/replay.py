"""After a kernel died or hung: the notebook's definitions, re-run in a fresh kernel.

Checks call the student's classes and functions after the notebook has run. When the
kernel is gone, the imports, functions, classes and plain assignments of every cell that
had run are executed again (each statement on its own, training and other calls left
out), so work done before the crash is still graded. The source is only parsed here;
it runs, as always, in the sandboxed kernel.
"""
from __future__ import annotations

import ast

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from edf_autograder.kernel.cells import CellRun

KEEP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _plain(node: ast.AST) -> bool:
    """An assignment whose value calls nothing (constants, names, arithmetic)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    return not any(isinstance(n, (ast.Call, ast.Lambda, ast.comprehension, ast.Await, ast.Yield))
                   for n in ast.walk(node.value))


def definitions(source: str) -> list[str]:
    """The statements of one cell worth replaying, as source; [] when it does not parse."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return []
    return [ast.unparse(node) for node in tree.body if isinstance(node, KEEP) or _plain(node)]


def notebook(nb, runs: list[CellRun]) -> nbformat.NotebookNode | None:
    """A notebook of the definitions of every cell that started before the kernel stopped,
    each statement guarded so that one failing line costs nothing else."""
    cells = []
    for run in runs:
        if run.status == "not run":
            break
        guarded = [f"try:\n    exec({statement!r}, globals())\nexcept Exception:\n    pass"
                   for statement in definitions(nb.cells[run.index].source)]
        if guarded:
            cells.append(nbformat.v4.new_code_cell("\n".join(guarded)))
    if not cells:
        return None
    replay = nbformat.v4.new_notebook(cells=cells)
    replay.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return replay
