#!/usr/bin/env python3
"""Batch throughput: grading the same copies of example submissions with -j 1 and -j 2 in
one run; prints both times and the speed-up (goal: -j 2 at least 1.8x faster on 2 cores).

    python bench/batch_throughput.py [--copies 4] [--quick]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("passes_all", "fails_2_3e_one_sided_difference", "fails_2_3d_relu_backward", "fails_2_3a_label_leak")


def run(course: Path, out: Path, jobs: int, quick: bool) -> float:
    cmd = [sys.executable, str(ROOT / "grader.py"), "grade", str(course), "--out", str(out), "-j", str(jobs)]
    start = time.perf_counter()
    subprocess.run(cmd + (["--quick"] if quick else []), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        for k in range(args.copies):
            shutil.copytree(ROOT / "submissions" / EXAMPLES[k % len(EXAMPLES)], course / f"student{k}")
        one = run(course, Path(tmp) / "out1", 1, args.quick)
        two = run(course, Path(tmp) / "out2", 2, args.quick)
    print(f"nproc {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}; {args.copies} submissions"
          f"{' (quick)' if args.quick else ''}")
    print(f"-j 1: {one:7.1f} s   -j 2: {two:7.1f} s   speed-up {one / two:.2f}x")


if __name__ == "__main__":
    main()
