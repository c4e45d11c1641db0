"""Wall time of batch grading on a Dask LocalCluster of 1 worker against 2 workers.

    python bench/dask_speedup.py [--submissions 4] [--rounds 1] [--full]

Grades the first N example submissions (quick mode unless --full) end to end through
`grade_all(..., scheduler="local:W")`, cluster start included, into fresh folders; the
worker counts alternate within each round so that other load on the machine hits both.
Nothing is asserted: the script prints seconds per run and the ratio of the medians.
Measured figures: docs/scale-out.md.
"""
import argparse
import contextlib
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout; Dask's worker processes inherit the path

from edf_autograder.batch.run import grade_all  # noqa: E402

SUBMISSIONS = ROOT / "submissions"
SKIP = ("never_finishes",)  # waits for its time limit: it would time the limit, not the grading


def run(workers: int, students: list[str], quick: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="edf-bench-") as out, contextlib.redirect_stderr(io.StringIO()):
        started = time.perf_counter()
        grade_all(SUBMISSIONS, Path(out), only=students, quick=quick, scheduler=f"local:{workers}")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--full", action="store_true", help="grade on the full data, not the quick slice")
    args = parser.parse_args()
    students = sorted(p.name for p in SUBMISSIONS.iterdir()
                      if p.is_dir() and not p.name.endswith(SKIP))[:args.submissions]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{len(students)} submissions ({'full' if args.full else 'quick'}): {', '.join(students)}")
    seconds: dict[int, list[float]] = {1: [], 2: []}
    for r in range(args.rounds):
        for workers in (1, 2) if r % 2 == 0 else (2, 1):
            seconds[workers].append(run(workers, students, quick=not args.full))
            print(f"round {r + 1}, {workers} worker(s): {seconds[workers][-1]:6.1f} s")
    one, two = statistics.median(seconds[1]), statistics.median(seconds[2])
    print(f"median: 1 worker {one:.1f} s, 2 workers {two:.1f} s; speed-up {one / two:.2f}x; "
          f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
