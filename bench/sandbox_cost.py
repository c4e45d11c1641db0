"""Time a small notebook with and without the kernel sandbox, in the same run.

    python bench/sandbox_cost.py [--rounds 5]

Each round runs the notebook once per mode (EDF_GRADER_SANDBOX=off, then auto), so that
bursts of other load hit both alike; prints the median seconds for kernel start, cells and
shutdown per mode and the ratio of the totals. Nothing is asserted.
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

from edf_autograder.kernel import sandbox  # noqa: E402
from edf_autograder.kernel.session import KernelSession  # noqa: E402

CELLS = [
    "import numpy as np\nimport matplotlib.pyplot as plt",
    "x = np.random.default_rng(0).normal(size=(2000, 64))\nw = np.linalg.lstsq(x, x[:, 0], rcond=None)[0]",
    "plt.plot(w)\nplt.show()",
    "print(float(w[0]))",
]


def one_run(mode: str) -> tuple[float, float, float]:
    os.environ[sandbox.SWITCH] = mode
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        t0 = time.perf_counter()
        session = KernelSession(nb, work, cell_timeout=60, notebook_timeout=300)
        with session:
            t1 = time.perf_counter()
            runs = [session.run_cell(i) for i in range(len(CELLS))]
            t2 = time.perf_counter()
        t3 = time.perf_counter()
    if any(r.status != "ok" for r in runs):
        raise SystemExit(f"{mode}: a cell did not run: {[(r.status, r.error) for r in runs]}")
    return t1 - t0, t2 - t1, t3 - t2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    modes = {"off": [], "auto": []}
    for _ in range(args.rounds):
        for mode, times in modes.items():
            times.append(one_run(mode))
    print(f"{platform.node()}, load average {os.getloadavg()[0]:.2f}, {args.rounds} rounds")
    os.environ[sandbox.SWITCH] = "auto"
    print(f"sandbox: {sandbox.describe()}\n")
    print(f"{'mode':<6} {'start':>7} {'cells':>7} {'exit':>7} {'total':>7}   (median seconds)")
    totals = {}
    for mode, times in modes.items():
        start, cells, stop = (statistics.median(t[i] for t in times) for i in range(3))
        totals[mode] = statistics.median(sum(t) for t in times)
        print(f"{mode:<6} {start:7.2f} {cells:7.2f} {stop:7.2f} {totals[mode]:7.2f}")
    print(f"\nsandboxed / plain: {totals['auto'] / totals['off']:.2f} "
          f"({totals['auto'] - totals['off']:+.2f} s per notebook)")


if __name__ == "__main__":
    main()
