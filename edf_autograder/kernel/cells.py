"""How a cell's run is recorded and named, shared by the grader's kernel sessions and the
students' in-notebook self-check (`edf_autograder.selfcheck`). Nothing here starts or
contains a kernel, so importing it pulls in no sandbox and nothing platform-specific."""
from __future__ import annotations

import re
from dataclasses import dataclass

GLOBALS = object()  # stands for the kernel's globals() in a session's call arguments


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # colour codes in a traceback


def cell_name(index: int) -> str:
    """Cells as a student counts them in the notebook: from 1, markdown included."""
    return f"cell {index + 1}"


def last_line(text: str, default: str = "") -> str:
    """The last line of a traceback: the exception and its message."""
    return (text.strip().splitlines() or [default])[-1]


@dataclass
class CellRun:
    index: int
    status: str          # "ok", "error", "timeout", "dead kernel", "not run"
    error: str = ""      # trimmed traceback for a student
    duration: float = 0.0

    def outcome(self) -> str:
        """What went wrong in one line: the error's last line, else the status."""
        return last_line(self.error, self.status)
