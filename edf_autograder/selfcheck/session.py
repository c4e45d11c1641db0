"""The grader's kernel session as the self-check needs it, inside the student's own kernel.

`LocalSession.call(function, *args)` runs `probe.<function>(out_dir, *args)` in this
process, as `KernelSession.call` runs it in a grading kernel: the same probe code writes
the same files, which the grader's readers (`kernel.exchange`) then validate. What a call
does to the notebook's state is undone: EDF's graph lists, and what the probe prints.
"""
from __future__ import annotations

import contextlib
import io
import shutil
import sys
import traceback
from pathlib import Path

from edf_autograder.errors import KernelCallError
from edf_autograder.kernel import probe
from edf_autograder.kernel.cells import GLOBALS, last_line


@contextlib.contextmanager
def graph_kept():
    """EDF's global lists as they were: the grader's calls build and clear graphs of their
    own, and the student's next cell must find theirs (e.g. a graph built, not yet trained)."""
    edf = sys.modules.get("edf")
    kept = {name: list(getattr(edf, name)) for name in ("CompNodes", "Parameters")
            if isinstance(getattr(edf, name, None), list)}
    try:
        yield
    finally:
        for name, nodes in kept.items():
            getattr(edf, name)[:] = nodes


class LocalSession:
    """`call`, `exchange` and `dead_reason` of `kernel.session.KernelSession`, in-process."""

    dead_reason = ""  # the kernel is this process: while it answers, it is alive

    def __init__(self, namespace: dict, exchange: Path):
        self.namespace = namespace
        self.exchange = Path(exchange)
        self._calls = 0
        self._last: Path | None = None

    def call(self, function: str, *args, timeout: float = 0) -> Path:
        """Run `probe.<function>(out_dir, *args)` here (GLOBALS: the notebook's namespace); return out_dir.
        `timeout` is the grading kernel's; here the student can interrupt the kernel."""
        if self._last is not None:  # its files were read before this call was made
            shutil.rmtree(self._last, ignore_errors=True)
        self._calls += 1
        out = self._last = self.exchange / f"call{self._calls:05d}"
        out.mkdir(parents=True)
        values = [self.namespace if a is GLOBALS else a for a in args]
        quiet = io.StringIO()
        with graph_kept(), contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            try:
                getattr(probe, function)(str(out), *values)
            except Exception as exc:  # the student's code, called on grader inputs, raised
                raise KernelCallError(last_line("".join(traceback.format_exception_only(exc)))) from None
        return out

    def close(self) -> None:
        shutil.rmtree(self.exchange, ignore_errors=True)
