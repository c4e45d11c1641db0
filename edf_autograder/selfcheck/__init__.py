"""The grader's check of one task, inside the student's notebook.

    from edf_autograder.selfcheck import check, check_all   # in the notebook's first cell
    ...
    check("4.2d")      # after a task (or: %check 4.2d)
    check_all()        # the quick check of the saved notebooks, as `grader.py check --quick`

Importing this in a notebook (or `%load_ext edf_autograder.selfcheck`) records, after every
cell, the snapshot the grader takes after every cell; `check` builds the grader's Evidence
from them and runs the grader's own checks of that task on this kernel's state and the
data in the notebook's folder, in quick mode. Only items whose verdict students may see
are shown. Nothing here is Linux-only and nothing is sandboxed: it is the student's kernel.
"""
from __future__ import annotations

from edf_autograder.selfcheck.check import check, check_all, install

__all__ = ["check", "check_all", "load_ipython_extension"]


def load_ipython_extension(shell) -> None:
    install(shell)


install()
