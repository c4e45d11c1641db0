"""Which failing cell the other failures follow from (issue 19): named once at the top of a
report, so items that lack evidence because of it say so in one line instead of repeating
a chain of twenty cells.

A later failure follows from an earlier one when it raises the same error (the same
mistake made again, e.g. every graph cell calling `edf.Input(data)`), when it reads a name
whose last assignment was in a failed cell of the chain (what that cell should have made
is missing or half-made: `NameError`, an empty list), or when the kernel died and it never
ran. The names a cell assigns and reads come from the standard library's `ast`.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from edf_autograder.kernel.cells import ANSI, CellRun, cell_name, last_line

FAILED = ("error", "timeout", "dead kernel")
CELL_LINE = re.compile(r"Cell In\[\d*\], line (\d+)")
MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)
ASSIGNED = re.compile(r"^\s*(?:def|class)?\s*([A-Za-z_]\w*)\s*(?:=[^=]|\()", re.MULTILINE)


@dataclass(frozen=True)
class RootCause:
    """A failing cell and the later failures that follow from it."""

    cell: int                      # index in the notebook's cells
    error: str                     # the exception's line: "TypeError: Input.__init__() takes ..."
    line: str = ""                 # the student's line that raised, as written
    followers: tuple[int, ...] = ()
    notebook: str = ""             # the notebook's file name (set by the pipeline)
    status: str = "error"          # or "dead kernel", "timeout" (session.CellRun.status)

    @property
    def exception(self) -> str:
        return self.error.split(":")[0].strip() or "an error"

    def cells(self) -> set[int]:
        return {self.cell, *self.followers}

    def what(self, *, short: bool) -> str:
        """"raised TypeError" (short) or "raised TypeError: ..." ; a dead kernel or a time limit as such."""
        if self.status == "dead kernel":
            return "ended the kernel" + ("" if short else f" ({self.error})")
        if self.status == "timeout":
            return "did not finish in time" + ("" if short else f" ({self.error})")
        return f"raised {self.exception if short else self.error}"

    def pointer(self) -> str:
        """What an item that lacks evidence because of it says: one line."""
        return f"it needed {cell_name(self.cell)}, which {self.what(short=True)} (the root cause, at the top of this report)"

    def to_dict(self) -> dict:
        return {"notebook": self.notebook, "cell": self.cell + 1, "cell_index": self.cell, "status": self.status,
                "error": self.error, "exception": self.exception, "what": self.what(short=False), "line": self.line,
                "followers": [c + 1 for c in self.followers]}


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names the cell assigns, names it reads); a cell that does not parse assigns what its
    `name = ...` and `def name(` lines say and reads nothing we can tell."""
    try:
        tree = ast.parse(MAGIC.sub("", source))
    except SyntaxError:
        return set(ASSIGNED.findall(source)), set()
    assigned: set[str] = set()
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else assigned).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            assigned.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            assigned.update((a.asname or a.name).split(".")[0] for a in node.names)
    return assigned, read


def _student_line(cell) -> str:
    """The line of the cell the traceback points at (IPython's `Cell In[n], line L`)."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            text = ANSI.sub("", "\n".join(out.get("traceback", [])))
            hit = CELL_LINE.search(text)
            lines = cell.source.splitlines()
            if hit and 0 < int(hit.group(1)) <= len(lines):
                return lines[int(hit.group(1)) - 1].strip()[:200]
    return ""


@dataclass
class _Chain:
    root: CellRun
    followers: list[int] = field(default_factory=list)


def find(nb, runs: list[CellRun]) -> list[RootCause]:
    """Every failing cell that at least one later failure follows from, in notebook order."""
    if nb is None:
        return []
    chains: list[_Chain] = []
    last_set: dict[str, _Chain | None] = {}   # name -> the chain of the failed cell that last assigned it
    for run in runs:
        assigned, read = _names(nb.cells[run.index].source)
        chain = None
        if run.status == "not run" and chains and chains[-1].root.status in ("dead kernel", "timeout"):
            chain = chains[-1]  # the kernel stopped there: nothing after it ran
            chain.followers.append(run.index)
        elif run.status in FAILED:
            chain = _followed(run, read, chains, last_set)
            if chain is None:
                chain = _Chain(run)
                chains.append(chain)
            else:
                chain.followers.append(run.index)
        for name in assigned:
            last_set[name] = chain
    return [RootCause(c.root.index, last_line(c.root.error, c.root.status), _student_line(nb.cells[c.root.index]),
                      tuple(c.followers), status=c.root.status) for c in chains if c.followers]


def _followed(run: CellRun, read: set[str], chains: list[_Chain], last_set: dict) -> _Chain | None:
    error = last_line(run.error)
    for chain in chains:
        if run.status == "error" and error == last_line(chain.root.error):
            return chain
    return next((last_set[name] for name in sorted(read) if last_set.get(name) is not None), None)


def story(run: CellRun, causes: list[RootCause]) -> str:
    """One failed cell as an item's message tells it: its own error, or the root cause's pointer."""
    for cause in causes:
        if run.index in cause.cells():
            return cause.pointer()
    verb = "raised" if run.status == "error" else "ended:"
    return f"{cell_name(run.index)} {verb} {run.outcome()}"
