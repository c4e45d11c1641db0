"""Time a small notebook in the grader's environment and in the course's, in the same run;
optionally time building the course's environment from scratch.

    python bench/course_env_cost.py [--rounds 5] [--build]

Each round runs the notebook once per interpreter (the grader's, then the course's), under
the sandbox as configured, so that bursts of other load hit both alike; prints the median
seconds for kernel start, cells and shutdown and the ratio of the totals. `--build` first
builds the environment into an empty temporary $EDF_GRADER_ENVS (pip's own cache stays as it
is: report whether it was empty). Nothing is asserted.
"""
import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edf_autograder.kernel import course_env, sandbox  # noqa: E402
from edf_autograder.kernel.interpreter import GRADERS, Interpreter, prepare  # noqa: E402
from edf_autograder.kernel.session import KernelSession  # noqa: E402
from edf_ex2.exercise import COURSE_ENVIRONMENT  # noqa: E402

CELLS = [
    "import numpy as np\nimport matplotlib.pyplot as plt",
    "x = np.random.default_rng(0).normal(size=(2000, 64))\nw = np.linalg.lstsq(x, x[:, 0], rcond=None)[0]",
    "plt.plot(w)\nplt.show()",
    "print(float(w[0]))",
]


def one_run(python: Interpreter) -> tuple[float, float, float]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        t0 = time.perf_counter()
        with KernelSession(nb, work, cell_timeout=60, notebook_timeout=300, interpreter=python) as session:
            t1 = time.perf_counter()
            runs = [session.run_cell(i) for i in range(len(CELLS))]
            t2 = time.perf_counter()
        t3 = time.perf_counter()
    if any(r.status != "ok" for r in runs):
        raise SystemExit(f"a cell did not run: {[(r.status, r.error) for r in runs]}")
    return t1 - t0, t2 - t1, t3 - t2


def build_from_scratch() -> None:
    with tempfile.TemporaryDirectory(prefix="edf-envs-") as tmp:
        os.environ[course_env.CACHE] = tmp
        started = time.perf_counter()
        built = course_env.build(COURSE_ENVIRONMENT)
        print(f"build into an empty {tmp}: {time.perf_counter() - started:.1f} s ({built.seconds:.1f} s inside)")
        del os.environ[course_env.CACHE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args()
    print(f"{platform.node()}, load average {os.getloadavg()[0]:.2f}, {args.rounds} rounds")
    if args.build:
        build_from_scratch()
    course = prepare(COURSE_ENVIRONMENT)
    if course.python is None:
        raise SystemExit(f"the course's environment is not in use: {course.note}")
    kinds = {"grader": (GRADERS, []), "course": (course, [])}
    for _ in range(args.rounds):
        for python, times in kinds.values():
            times.append(one_run(python))
    print(f"sandbox: {sandbox.describe()}\n")
    print(f"{'python':<7} {'start':>7} {'cells':>7} {'exit':>7} {'total':>7}   (median seconds)")
    totals = {}
    for kind, (_, times) in kinds.items():
        start, cells, stop = (statistics.median(t[i] for t in times) for i in range(3))
        totals[kind] = statistics.median(sum(t) for t in times)
        print(f"{kind:<7} {start:7.2f} {cells:7.2f} {stop:7.2f} {totals[kind]:7.2f}")
    print(f"\ncourse / grader: {totals['course'] / totals['grader']:.2f} "
          f"({totals['course'] - totals['grader']:+.2f} s per notebook)")


if __name__ == "__main__":
    main()
