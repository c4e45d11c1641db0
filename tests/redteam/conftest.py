"""Hostile notebooks run through KernelSession directly (no MNIST, no checks): each test
asserts the verdict the grader reaches and that the harm was not done.

`hostile(*cells)` runs the cells in a fresh work folder laid out like the pipeline's
(`<tmp>/work`) and returns what the grader saw. Kernels run where students' kernels run:
in the course's environment (the grader's own where it cannot be built; the report says so).
"""
import time
from pathlib import Path

import nbformat
import pytest

from edf_autograder.kernel.interpreter import prepare
from edf_autograder.kernel.session import KernelSession
from edf_ex2.exercise import COURSE_ENVIRONMENT

from .harness import Ran, stream_text


@pytest.fixture
def workdir(tmp_path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "edf.py").write_text("# the grader's copy\n")
    return work


@pytest.fixture
def hostile(workdir):
    def run(*cells: str, cell_timeout: float = 20, notebook_timeout: float = 120, during=None) -> Ran:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        session = KernelSession(nb, workdir, cell_timeout=cell_timeout, notebook_timeout=notebook_timeout,
                                interpreter=prepare(COURSE_ENVIRONMENT))
        with session:
            runs = [session.run_cell(i) for i in range(len(cells))]
            if during is not None:
                during(session)
            started = time.monotonic()
        exit_seconds = time.monotonic() - started
        texts = [stream_text(nb.cells[i].outputs) for i in range(len(cells))]
        return Ran(runs, texts, session.dead_reason, exit_seconds, session.sandbox_events())
    return run

