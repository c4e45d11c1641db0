#!/usr/bin/env python3
"""`grader.py check --quick SUBMISSION` of this checkout against another checkout (e.g. last
week's commit in a worktree of its own, with its own .venv), in alternating runs of one session:
each run's wall time and CPU time (user + system of the whole process tree, kernels included,
sampled every 0.1 s: steadier than wall time on a shared machine), the medians and their ratios. `--variant
NAME=VAR=VALUE` adds this checkout run with an environment variable set (e.g. the course's
environment off: `--variant own-env=EDF_GRADER_COURSE_ENV=off`).

    python bench/check_cost.py --against /work/wt/old [--rounds 3] [--full] [SUBMISSION]
"""
import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil  # ipykernel's dependency

ROOT = Path(__file__).resolve().parent.parent


def tree_cpu(process: subprocess.Popen) -> float:
    """CPU seconds (user + system) of the process and every descendant, sampled until it ends:
    a killed kernel is never waited for by its parent, so rusage would miss it."""
    seen: dict[int, float] = {}
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            for proc in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    seen[proc.pid] = times.user + times.system
        except psutil.Error:
            pass
        time.sleep(0.1)
    return sum(seen.values())


def timed(checkout: Path, submission: str, full: bool, extra: dict) -> tuple[float, float]:
    python = checkout / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "grader.py", "check", submission]
    if not full:
        command.insert(3, "--quick")
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=checkout, env={**os.environ, **extra}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    cpu = tree_cpu(process)
    return time.perf_counter() - start, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("submission", nargs="?", default="submissions/passes_all")
    parser.add_argument("--against", type=Path, help="another checkout (its own .venv) to alternate with")
    parser.add_argument("--variant", action="append", default=[], help="NAME=VAR=VALUE: this checkout with VAR set")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="the full check, not --quick")
    args = parser.parse_args()
    runs = {"this": (ROOT, {})}
    if args.against:
        runs["against"] = (args.against.resolve(), {})
    for variant in args.variant:
        name, var, value = variant.split("=", 2)
        runs[name] = (ROOT, {var: value})
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    loads = []
    for round_ in range(args.rounds):
        for name, (checkout, extra) in runs.items():
            times[name].append(timed(checkout, args.submission, args.full, extra))
            loads.append(os.getloadavg()[0])
            print(f"round {round_ + 1} {name:<10} wall {times[name][-1][0]:6.1f} s  cpu {times[name][-1][1]:6.1f} s"
                  f"  load {loads[-1]:.1f}", flush=True)
    print(f"nproc {os.cpu_count()}; load average {min(loads):.1f}-{max(loads):.1f} during the runs")
    median = {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for name, t in times.items()}
    for name, (wall, cpu) in median.items():
        ratio = "" if name == "this" else (f"  this/{name}: wall {median['this'][0] / wall:.2f}x"
                                           f"  cpu {median['this'][1] / cpu:.2f}x")
        print(f"median {name:<10} wall {wall:6.1f} s  cpu {cpu:6.1f} s{ratio}")


if __name__ == "__main__":
    main()
