"""Run a notebook's cells one by one in a fresh kernel, and call into that kernel.

nbclient executes; this module adds what grading needs on top: errors in one cell do
not stop the next, a per-cell and a per-notebook time limit, a dead kernel detected
and reported, the student's traceback kept (trimmed), and probes sent into the kernel
after chosen cells. Results of probes are files in a per-run exchange folder that the
grader opens as regular files only and validates (`exchange.py`).
"""
from __future__ import annotations

import asyncio
import functools
import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from edf_autograder.errors import KernelCallError
from edf_autograder.kernel import launch
from edf_autograder.kernel.cells import ANSI, GLOBALS, CellRun, cell_name, last_line
from edf_autograder.kernel.interpreter import GRADERS, Interpreter

__all__ = ["GLOBALS", "CellRun", "KernelSession", "cell_name", "kernel_env", "last_line"]

PROBE_SOURCE = (Path(__file__).parent / "probe.py").read_text()
TRACE_LINES = 12  # lines of a student's traceback kept for the feedback


def _on_own_thread(method):
    """Run the method on the session's own thread: nbclient's client, its sockets and its
    event loop belong to the thread that made them, and two notebooks run side by side."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        if threading.get_ident() == self._thread_id:
            return method(self, *args, **kwargs)
        return self._thread.submit(method, self, *args, **kwargs).result()
    return run


def _close_thread_loop() -> None:
    """The event loop nbclient made for this session's thread goes with the thread."""
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()
    asyncio.set_event_loop(None)


def kernel_env(threads: int = 1, *, course: bool = False) -> dict[str, str]:
    """The kernel's environment: headless plots, a fixed hash seed, bounded BLAS threads; in the
    course's environment none of the grader's import paths (also where no sandbox filters them)."""
    grader_paths = ("PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "VIRTUAL_ENV") if course else ()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "JUPYTER_TOKEN")) and k not in grader_paths}
    env.update(MPLBACKEND="Agg", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = str(threads)
    return env


def _error_text(outputs) -> str:
    for out in outputs:
        if out.get("output_type") == "error":
            lines = [ANSI.sub("", line) for line in out.get("traceback", [])]
            text = "\n".join(lines).strip() or f"{out.get('ename')}: {out.get('evalue')}"
            rows = text.splitlines()
            if len(rows) > TRACE_LINES:
                rows = rows[:3] + ["  ..."] + rows[-(TRACE_LINES - 4):]
            return "\n".join(rows)
    return ""


class KernelSession:
    """One notebook's kernel, from its first cell to the last check that calls into it."""

    def __init__(self, nb: nbformat.NotebookNode, workdir: Path, *, cell_timeout: float,
                 notebook_timeout: float, threads: int = 1, seed: int = 0, interpreter: Interpreter = GRADERS,
                 env: dict[str, str] | None = None):
        self.nb = nb
        self.workdir = Path(workdir)
        # one exchange folder per notebook: both notebooks share the working folder
        self.exchange = self.workdir / ".grader" / f"{time.monotonic_ns():x}"
        self.cell_timeout = cell_timeout
        self.deadline: float | None = None
        self.notebook_timeout = notebook_timeout
        self.seed = seed
        self.interpreter = interpreter
        self.env = kernel_env(threads, course=interpreter.python is not None) | (env or {})
        self.dead_reason = ""
        self._calls = 0
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="kernel-session")
        self._thread_id = self._thread.submit(threading.get_ident).result()
        self.client = NotebookClient(
            nb, timeout=int(cell_timeout), kernel_name="python3", allow_errors=True,
            interrupt_on_timeout=True, record_timing=False,
            error_on_timeout={"ename": "CellTimeoutError", "evalue": "time limit", "traceback": []},
            resources={"metadata": {"path": str(self.workdir)}},
        )

    # -- life cycle ------------------------------------------------------------------
    def __enter__(self) -> KernelSession:
        try:
            return self._start()
        except BaseException:
            self._thread.shutdown(wait=False)
            raise

    @_on_own_thread
    def _start(self) -> KernelSession:
        self.exchange.mkdir(parents=True, exist_ok=True)
        # CPU seconds are a backstop for runaway processes; wall-clock limits come first
        cpu = (2 * self.notebook_timeout + 600) * int(self.env.get("OMP_NUM_THREADS", "1"))
        self.client.km = self._km = launch.kernel_manager(self.workdir, exchange=self.exchange, cpu_seconds=cpu,
                                                          python=self.interpreter.python)
        # the kernel's own log lines (e.g. its TCP warning) are not the student's business,
        # nor may it write to the grader's terminal
        try:
            self.client.start_new_kernel(env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.client.start_new_kernel_client()
        except BaseException:
            self._km.release()
            raise
        self.deadline = time.monotonic() + self.notebook_timeout
        self._inject()
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self.kill()  # the session's thread may be inside a long cell: end the kernel under it
        try:
            self._stop()
        finally:
            self._thread.shutdown(wait=True)

    def kill(self) -> None:
        """End the kernel now, from any thread (its own may be busy in a cell)."""
        process = getattr(getattr(getattr(self, "_km", None), "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    @_on_own_thread
    def _stop(self) -> None:
        # nothing in a student's kernel needs a graceful end, and a stuck one would take a minute
        self.client.shutdown_kernel = "immediate"
        try:
            self.client._cleanup_kernel()
        except Exception:  # the kernel may be long dead; shutting down is best effort
            pass
        self._km.release()
        _close_thread_loop()

    def sandbox_events(self) -> list[str]:
        """What the sandbox enforced on this kernel (e.g. its memory cap), a line each; also after exit."""
        return self._km.events()

    def _inject(self) -> None:
        """Seed the kernel (hand-outs seed only some cells themselves) and load the probe module."""
        notice = self.interpreter.import_notice()  # a failed import names the course's environment
        code = (
            "import sys as __s, types as __t, random as __r\n"
            "import numpy as __n\n"
            f"__n.random.seed({self.seed}); __r.seed({self.seed})\n"
            "__m = __t.ModuleType('_grader_probe')\n"
            f"exec(compile({PROBE_SOURCE!r}, '<grader-probe>', 'exec'), __m.__dict__)\n"
            "__s.modules['_grader_probe'] = __m\n"
            f"__m.install({str(self.workdir)!r})\n"
            + (f"__m.name_missing_packages({notice!r})\n" if notice else "")
            + "del __s, __t, __r, __n, __m\n"
        )
        self._run_code(code, timeout=60)

    # -- student cells ---------------------------------------------------------------
    @_on_own_thread
    def run_cell(self, index: int) -> CellRun:
        cell = self.nb.cells[index]
        if self.dead_reason:
            return CellRun(index, "not run", self.dead_reason)
        remaining = self.deadline - time.monotonic()
        if remaining <= 1:
            self.dead_reason = f"not run: the notebook exceeded its time limit of {self.notebook_timeout:.0f} s"
            return CellRun(index, "not run", self.dead_reason)
        limit = max(1, int(min(self.cell_timeout, remaining)))
        self.client.timeout = limit
        start = time.monotonic()
        self._km.running = cell_name(index)  # names the cell in the sandbox's events (counted from 1)
        try:
            self.client.execute_cell(cell, index)
        except DeadKernelError:
            killed = self._km.death_cause()  # e.g. the memory cap on the kernel's processes
            self.dead_reason = f"not run: the kernel died in {cell_name(index)}" + (f" ({killed})" if killed else "")
            return CellRun(index, "dead kernel", "the kernel died while running this cell "
                           f"({killed or 'a crash, os._exit, or memory exhausted'})", time.monotonic() - start)
        except CellTimeoutError:
            self.dead_reason = f"not run: {cell_name(index)} timed out and the kernel did not recover"
            return CellRun(index, "timeout", f"cell did not finish within {limit} s", time.monotonic() - start)
        duration = time.monotonic() - start
        if duration >= limit - 0.5 and not self._responsive():
            self.dead_reason = f"not run: {cell_name(index)} timed out and the kernel did not recover"
            return CellRun(index, "timeout", f"cell did not finish within {limit} s", duration)
        if duration >= limit - 0.5:
            return CellRun(index, "timeout", f"cell did not finish within {limit} s and was interrupted", duration)
        error = _error_text(cell.get("outputs", []))
        return CellRun(index, "error" if error else "ok", error, duration)

    def _responsive(self) -> bool:
        try:
            self._run_code("pass", timeout=15)
            return True
        except KernelCallError:
            return False

    # -- grader calls ----------------------------------------------------------------
    def _run_code(self, code: str, *, timeout: float):
        if self.dead_reason:
            raise KernelCallError(f"the kernel is gone ({self.dead_reason})")
        cell = nbformat.v4.new_code_cell(code)
        self._km.running = "a grader probe"
        self.client.timeout = max(1, int(timeout))
        # nbclient stores the executed cell at its index: give it a slot of its own
        self.nb.cells.append(cell)
        started = time.monotonic()
        try:
            self.client.execute_cell(cell, len(self.nb.cells) - 1, store_history=False)
        except DeadKernelError:
            self.dead_reason = "not run: the kernel died during a grader probe"
            raise KernelCallError("the kernel died while the grader was reading evidence") from None
        except CellTimeoutError:
            raise KernelCallError(f"a grader probe did not finish within {timeout:.0f} s") from None
        finally:
            self.nb.cells.pop()
        if time.monotonic() - started >= max(1, int(timeout)) - 0.5:
            # nbclient answers a timeout with a made-up error reply and no outputs
            raise KernelCallError(f"a grader probe did not finish within {timeout:.0f} s")
        error = _error_text(cell.get("outputs", []))
        if error:
            raise KernelCallError(last_line(error))
        return cell

    @_on_own_thread
    def call(self, function: str, *args, timeout: float = 120) -> Path:
        """Run `_grader_probe.<function>(out_dir, *args)` in the kernel; return out_dir.

        Arguments are literals (repr) or the marker GLOBALS for the kernel's namespace."""
        self._calls += 1
        out = self.exchange / f"call{self._calls:05d}"
        out.mkdir()
        rendered = ", ".join("globals()" if a is GLOBALS else repr(a) for a in args)
        code = f"__import__('sys').modules['_grader_probe'].{function}({str(out)!r}, {rendered})"
        self._run_code(code, timeout=timeout)
        return out

