"""Grading on Dask: a cluster of two workers, one killed in the middle of a submission,
still gives every submission exactly one result, equal to the local pool's."""
import operator
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

import dask  # noqa: E402  (after the skip: dask is an optional extra)

from edf_autograder.batch import run as batch  # noqa: E402
from edf_autograder.batch.dask import SCHEDULER_CONFIG, ClusterError, dask_executor  # noqa: E402
from edf_autograder.batch.store import Store  # noqa: E402

SUBMISSIONS = Path(__file__).resolve().parents[1] / "submissions"
EXAMPLES = ["passes_all", "fails_2_2c_missing_task", "fails_broken_image_notebook"]
BUSY_FOR = 4.0  # seconds a task must have run on a worker before that worker is killed


def verdicts(out: Path) -> dict:
    """Per student, per item: status and points (durations and paths differ between runs)."""
    return {r["student"]: {i["id"]: (i["status"], i["points"]) for i in r["items"]} for r in Store(out).all()}


def kill_busy_worker(cluster, stop: threading.Event) -> list:
    """Wait until a worker has been grading for BUSY_FOR seconds, then SIGKILL its process;
    returns the keys it held."""
    with distributed.Client(cluster) as client:
        first_seen: dict = {}
        while not stop.wait(0.2):
            for worker, keys in client.processing().items():
                for key in keys:
                    if time.monotonic() - first_seen.setdefault((worker, key), time.monotonic()) > BUSY_FOR:
                        nanny = next(n for n in cluster.workers.values() if n.worker_address == worker)
                        os.kill(nanny.pid, signal.SIGKILL)
                        return list(keys)
    return []


@pytest.fixture
def cluster():
    with dask.config.set(SCHEDULER_CONFIG):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=":0") as cluster:
            yield cluster


def test_worker_killed_mid_run_loses_and_doubles_nothing(tmp_path, cluster, monkeypatch, capsys):
    batch.grade_all(SUBMISSIONS, tmp_path / "local", jobs=2, quick=True, only=EXAMPLES)
    local = verdicts(tmp_path / "local")
    assert sorted(local) == sorted(EXAMPLES)

    saved = []
    real_save = batch.save
    monkeypatch.setattr(batch, "save", lambda store, record, nbs, exercise: (
        saved.append(record["student"]), real_save(store, record, nbs, exercise)))
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=lambda: killed.extend(kill_busy_worker(cluster, stop)))
    killer.start()
    try:
        batch.grade_all(SUBMISSIONS, tmp_path / "dask", quick=True, only=EXAMPLES,
                        scheduler=cluster.scheduler_address)
    finally:
        stop.set()
        killer.join()

    assert killed, "no worker was killed: the run ended before a task had run for BUSY_FOR seconds"
    for key in killed:  # the scheduler sent each of the killed worker's tasks out again
        assert sum(t[2] == "processing" for t in cluster.scheduler.story(key)) >= 2
    assert sorted(saved) == sorted(EXAMPLES)  # one write per student: none lost, none doubled
    assert verdicts(tmp_path / "dask") == local
    assert "worker died" not in capsys.readouterr().err


def test_local_scheduler_is_an_executor_whose_workers_start_kernels():
    """`local:N`: N one-thread worker processes; plain futures for `wait`, errors raised by
    `result()`; a Jupyter kernel starts in a worker, with one BLAS thread."""
    with dask_executor("local:2") as pool:
        assert sorted(pool.client.nthreads().values()) == [1, 1]
        futures = [pool.submit(operator.truediv, 1, d) for d in (0, 4)]
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        assert done and all(isinstance(f, Future) for f in futures)
        with pytest.raises(ZeroDivisionError):
            futures[0].result()
        assert futures[1].result() == 0.25
        assert pool.submit(_kernel_threads).result() == "1"


def _kernel_threads() -> str:
    import tempfile

    import nbformat

    from edf_autograder.kernel.session import KernelSession

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; os.environ['OPENBLAS_NUM_THREADS']")])
    with tempfile.TemporaryDirectory() as tmp, KernelSession(nb, Path(tmp), cell_timeout=60, notebook_timeout=120) as k:
        k.run_cell(0)
        return nb.cells[0].outputs[0]["data"]["text/plain"].strip("'")


def test_unreachable_scheduler_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("edf_autograder.batch.dask.CONNECT_TIMEOUT", 1)
    with pytest.raises(ClusterError, match="cannot reach a Dask scheduler"):
        dask_executor("tcp://127.0.0.1:9")


@pytest.mark.parametrize("scheduler", ["local:0", "local:two"])
def test_bad_local_worker_count(scheduler):
    with pytest.raises(ClusterError, match="local:N"):
        dask_executor(scheduler)


def test_worker_without_the_coordinators_files_refuses_to_grade(tmp_path):
    """A node with other data (its own $MNIST_DIR, another file at the same path) or without
    the course folder must fail the task, not store a grade that a re-run would keep."""
    from edf_autograder.errors import DataError
    from edf_autograder.intake.discover import Submission, discover

    sub = next(s for s in discover(SUBMISSIONS)[0] if s.student == "passes_all")
    with pytest.raises(DataError, match="other data"):
        batch.grade_one(sub, "key", exercise="ex2", data={}, quick=True, fingerprint="not-these-data")
    elsewhere = Submission("ann", [tmp_path / "not-mounted" / "ann"], "ann")
    with pytest.raises(DataError, match="not found on this worker"):
        batch.grade_one(elsewhere, "key", exercise="ex2", data={}, quick=True)
