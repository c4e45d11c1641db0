"""Batch grading on a Dask cluster, behind the same `concurrent.futures.Executor` interface
as the local process pool.

Tasks only compute: each returns its record and notebooks to this process, which alone
writes the store. A worker lost mid-task makes the scheduler run that task again on
another worker (up to its `allowed-failures`); the future resolves once, so the student
is saved once. Workers read the submissions and the data by path: every worker must see
the same paths (a shared file system) and run the same grader code, checked on connect.
"""
from __future__ import annotations

import concurrent.futures as cf
import functools
import hashlib
import logging
import os
import threading

from edf_autograder import distribution
from edf_autograder.errors import HarnessError

CONNECT_TIMEOUT = 30   # seconds to reach the scheduler and to see a first worker
RETRIES = 1            # reruns of a task that raised (one that lost its worker reruns anyway)
# a one-thread worker is given one task at a time, not two (the default 1.1 rounds up):
# no submission waits behind another while a worker is idle at the end of the run
SCHEDULER_CONFIG = {"distributed.scheduler.worker-saturation": 1.0}


class ClusterError(HarnessError):
    """The Dask cluster cannot be reached, or its workers cannot grade."""


def dask_executor(scheduler: str) -> DaskExecutor:
    """`tcp://HOST:8786`: a running cluster; `local` or `local:N`: N worker processes here
    (one per core by default), one thread each, for a one-machine try."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--scheduler needs Dask: pip install 'edf-autograder[dask]'") from None
    cluster = None
    if scheduler == "local" or scheduler.startswith("local:"):
        with dask.config.set(SCHEDULER_CONFIG):
            # errors only: on Ctrl-C the workers' notes on cancelled tasks would bury our message
            cluster = LocalCluster(n_workers=_local_workers(scheduler), threads_per_worker=1,
                                   processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError) as exc:
            raise ClusterError(f"{scheduler}: cannot reach a Dask scheduler ({exc}); start one with "
                               "`dask scheduler` and pass its tcp://HOST:PORT") from None
    try:
        _check_workers(client, scheduler)
    except BaseException:
        client.close()
        if cluster is not None:
            cluster.close()
        raise
    return DaskExecutor(client, cluster)


class DaskExecutor(cf.Executor):
    """Submits to a `distributed.Client`; hands back plain `concurrent.futures.Future`s."""

    def __init__(self, client, cluster=None):
        self.client, self.cluster = client, cluster
        self._running: dict[cf.Future, object] = {}  # holds each Dask future until it settles
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        if self._closed:
            raise RuntimeError("cannot submit after shutdown")
        # the partial keeps fn's keywords apart from Client.submit's own
        task = self.client.submit(functools.partial(fn, *args, **kwargs), pure=False, retries=RETRIES)
        mirror: cf.Future = cf.Future()
        with self._lock:
            self._running[mirror] = task
        mirror.add_done_callback(lambda f: f.cancelled() and task.status != "cancelled" and task.cancel())
        task.add_done_callback(functools.partial(self._settle, mirror))
        return mirror

    def _settle(self, mirror: cf.Future, task) -> None:
        with self._lock:
            self._running.pop(mirror, None)
        try:
            if task.status == "finished":
                mirror.set_result(task.result())
            elif task.status == "cancelled":
                if mirror.cancel():
                    mirror.set_running_or_notify_cancel()  # wakes concurrent.futures.wait
            else:
                mirror.set_exception(task.exception())
        except cf.InvalidStateError:  # cancelled here meanwhile: nobody waits for it
            pass

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Close the client (and a `local` cluster); futures still running when it closes
        never settle, so `wait=False` without `cancel_futures` is for the end of a run only."""
        if self._closed:
            return
        self._closed = True
        with self._lock:
            running = dict(self._running)
        if cancel_futures:
            # tasks already started on a remote worker run to their end; their results are dropped
            self.client.cancel(list(running.values()))
            for mirror in running:
                mirror.cancel()
        elif wait:
            cf.wait(running)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()  # its worker processes end, and with them their kernels


def _local_workers(scheduler: str) -> int:
    count = scheduler.removeprefix("local").removeprefix(":") or str(os.cpu_count() or 1)
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--scheduler {scheduler}: expected `local` or `local:N` with N ≥ 1 worker processes")
    return int(count)


def code_digest() -> str:
    """A digest of the grader's files (code, reference, key, data) under the names a wheel
    installs them by: equal on two machines means equal grading, from a checkout or a wheel."""
    digest = hashlib.sha256()
    for name, path in distribution.grader_files().items():
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _check_workers(client, scheduler: str) -> None:
    """Workers that would grade wrongly are refused here rather than found in the grades."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError:
        raise ClusterError(f"{scheduler}: no worker joined within {CONNECT_TIMEOUT} s; start workers with "
                           f"`dask worker {scheduler} --nthreads 1 --nworkers N`") from None
    ours = code_digest()
    digests = client.run(code_digest, on_error="return")
    try:  # the scheduler unpickles each task, so it needs the grader too
        digests[f"the scheduler {scheduler}"] = client.run_on_scheduler(code_digest)
    except Exception as exc:
        digests[f"the scheduler {scheduler}"] = exc
    problems = []
    for machine, found in digests.items():
        if isinstance(found, BaseException):
            problems.append(f"{machine}: cannot run the grader ({found}); "
                            "install it there: pip install -e '.[dask]' in a checkout of the same commit")
        elif found != ours:
            problems.append(f"{machine}: its grader code (digest {found}) differs from this one ({ours}); "
                            "install the same commit on the scheduler and every worker")
    for worker, threads in client.nthreads().items():
        if threads != 1:
            problems.append(f"{worker}: runs {threads} threads; a worker grades one submission at a time: "
                            "start workers with --nthreads 1 --nworkers N")
    if problems:
        raise ClusterError("; ".join(problems))
