#!/usr/bin/env python3
"""The in-notebook self-check, per task, in a live kernel (issue 18, part 3): the reference
notebooks run top to bottom (nbclient) in a folder laid out like the students' kit (the
quick data slice), with `check("<task>")` after every task, each call timed inside the
kernel. Prints each task's time against its target (a node, graph or numerical-
differentiation task: 1 s, issue 23; every task: 5 s) and the whole quick run (`grade(quick=True)`)
of the same notebooks for comparison, all measured in this run.

    python bench/selfcheck_tasks.py
"""
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from edf_autograder.pipeline import grade  # noqa: E402
from edf_autograder.selfcheck.tasks import task_ends  # noqa: E402
from edf_ex2.exercise import EXERCISE, REFERENCE  # noqa: E402

FAST = {"2.2a", "2.2c", "2.3a", "2.3c", "2.3e"}  # graph and numerical-differentiation tasks; 2.3d-*: nodes
TIMED = ("import time\n_t = time.perf_counter()\nverdicts[{task!r}] = check({task!r})\n"
         "seconds[{task!r}] = time.perf_counter() - _t")
SETUP = "from edf_autograder.selfcheck import check\nverdicts, seconds = {}, {}"
DUMP = ("import json\njson.dump({t: [seconds[t], [str(i.status) for i in v]] for t, v in verdicts.items()}, "
        "open('bench.json', 'w'))")


def target(task: str) -> float:
    return 1.0 if task in FAST or task.startswith("2.3d-") else 5.0


def run(folder: Path, kind: str) -> dict:
    nb = nbformat.read(REFERENCE / EXERCISE.files[kind], 4)
    for index, task in reversed(task_ends(nb, EXERCISE)):
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(TIMED.format(task=task)))
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    nb.cells.append(nbformat.v4.new_code_cell(DUMP))
    nbformat.write(nb, folder / EXERCISE.files[kind])
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return json.loads((folder / "bench.json").read_text())


def main() -> None:
    # the kernels inherit this: one BLAS thread each, as the grader's kernels have (on a shared
    # machine, threads that outnumber the cores make a notebook several times slower)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, source in EXERCISE.staged.items():
            shutil.copy(source, folder / name)
        EXERCISE.data().stage(folder, quick=True)
        started = time.perf_counter()
        timings = {**run(folder, "pcl"), **run(folder, "image")}
        notebooks_s = time.perf_counter() - started
    started = time.perf_counter()
    whole = grade(REFERENCE, quick=True)
    whole_s = time.perf_counter() - started
    print(f"nproc {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}")
    print(f"{'task':<16} {'check s':>8} {'target s':>9} {'ratio':>6}  statuses")
    for task, (seconds, statuses) in timings.items():
        print(f"{task:<16} {seconds:8.2f} {target(task):9.0f} {seconds / target(task):6.2f}  {', '.join(statuses)}")
    worst = max(s / target(t) for t, (s, _) in timings.items())
    print(f"worst ratio to its target: {worst:.2f}")
    print(f"both notebooks run with a check after every task (nbclient, one after the other): {notebooks_s:.1f} s")
    print(f"whole quick run, grade(reference, quick=True): {whole_s:.1f} s ({whole.score:g}/{whole.max_score:g})")


if __name__ == "__main__":
    main()
