"""A kernel with no sandbox, as Jupyter itself starts one: for a student's own machine
(Linux, macOS or Windows), where the self-check kit runs the student's own notebooks.
Nothing here is Linux-only; the grader's machines contain their kernels with `sandbox`,
whose manager extends this one. `launch` chooses between the two.
"""
from __future__ import annotations

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from traitlets import Type

from edf_autograder.kernel.output_cap import CELL_OUTPUT, CappedClient, MiB


class PlainKernelManager(AsyncKernelManager):
    """A kernel manager whose client keeps a bounded amount of output; it enforces nothing
    else, so it has no events to report and never kills the kernel itself."""

    client_factory = Type(CappedClient, klass=AsyncKernelClient)
    running = ""  # what the kernel runs now ("cell 4"): the sandbox's events name it

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
