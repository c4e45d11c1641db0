"""A kernel with no sandbox, as Jupyter itself starts one: for a student's own machine
(Linux, macOS or Windows), where the self-check kit runs the student's own notebooks.
Nothing here is Linux-only; the grader's machines contain their kernels with `sandbox`,
whose manager extends this one. `launch` chooses between the two.
"""
from __future__ import annotations

import os

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from traitlets import Type

from edf_autograder.kernel.output_cap import CELL_OUTPUT, CappedClient, MiB

# A kernel's environment is an allow-list, as the sandbox's: the grader's tokens stay out, and
# so do a machine's BLAS settings (OPENBLAS_CORETYPE picks other kernels, and a diverging
# training run then ends elsewhere): the kit's kernels see what the grader's see.
QUICK_UPDATES = "EDF_GRADER_QUICK_UPDATES"  # the quick check's training budget, read by runtime/edf.py
KEEP_ENV = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "MPLBACKEND", "PYTHONHASHSEED",
            "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING", "PYTHONPATH", "LD_LIBRARY_PATH", QUICK_UPDATES)
OWN = ("HOME", "TMPDIR", "MPLCONFIGDIR")
# what Python, ZMQ and matplotlib need on Windows (names there are upper case)
WINDOWS = ("SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "TEMP", "TMP", "USERPROFILE", "APPDATA", "LOCALAPPDATA",
           "PROGRAMDATA", "USERNAME", "HOMEDRIVE", "HOMEPATH")


class PlainKernelManager(AsyncKernelManager):
    """A kernel manager whose client keeps a bounded amount of output; it enforces nothing
    else, so it has no events to report and never kills the kernel itself."""

    client_factory = Type(CappedClient, klass=AsyncKernelClient)
    running = ""  # what the kernel runs now ("cell 4"): the sandbox's events name it

    def kernel_environ(self, env: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in env.items() if k in KEEP_ENV + OWN + WINDOWS or k.startswith("LC_")
                or k.endswith("_NUM_THREADS")}

    async def start_kernel(self, **kw) -> None:  # type: ignore[override]  # the async manager
        kw["env"] = self.kernel_environ(kw.get("env") or dict(os.environ))
        await super().start_kernel(**kw)

    def events(self) -> list[str]:
        return []

    def death_cause(self) -> str:
        return ""

    def release(self) -> None:
        """After shutdown: kill the kernel if it is still there."""
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(5)


def kernel_manager(workdir, *, exchange, cpu_seconds: float) -> PlainKernelManager:
    """A manager for one kernel; the arguments are the sandbox's, unused here."""
    return PlainKernelManager(kernel_name="python3")


def describe() -> str:
    return (f"none (the self-check runs your notebooks on your machine as Jupyter does); "
            f"output kept per cell <= {CELL_OUTPUT // MiB} MiB")
