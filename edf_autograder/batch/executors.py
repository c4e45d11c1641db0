"""Where batch grading runs: a local process pool (default) or a Dask cluster.

Both are `concurrent.futures.Executor`s, so the batch code does not know which runs it.
"""
from __future__ import annotations

from concurrent.futures import Executor, ProcessPoolExecutor


def make(scheduler: str | None, jobs: int) -> Executor:
    if scheduler is None:
        return ProcessPoolExecutor(max_workers=jobs)
    from edf_autograder.batch.dask import dask_executor

    return dask_executor(scheduler)
