"""Which kernels a run gets. Where the sandbox is installed (the grader), `sandbox` contains
every kernel as its EDF_GRADER_SANDBOX setting says; the students' self-check kit carries no
sandbox (it is Linux-only and reads /proc), and its kernels are `plain` ones.
"""
from __future__ import annotations

import importlib.util

SANDBOX = "edf_autograder.kernel.sandbox"


def _sandboxed() -> bool:
    return importlib.util.find_spec(SANDBOX) is not None


def kernel_manager(workdir, *, exchange, cpu_seconds: float, python=None):
    """`python`: the course environment's interpreter (the grader only), else the running one."""
    if _sandboxed():
        from edf_autograder.kernel import sandbox
        return sandbox.kernel_manager(workdir, exchange=exchange, cpu_seconds=cpu_seconds, python=python)
    from edf_autograder.kernel import plain
    return plain.kernel_manager(workdir, exchange=exchange, cpu_seconds=cpu_seconds)


def describe() -> str:
    """One line for every report: how this run's kernels are contained."""
    if _sandboxed():
        from edf_autograder.kernel import sandbox
        return sandbox.describe()
    from edf_autograder.kernel import plain
    return plain.describe()
