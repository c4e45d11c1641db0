#!/usr/bin/env python3
"""Peak memory of one grading worker on full-size MNIST arrays: grades the reference with
`--data` pointing at a synthetic full-size MNIST (60,000 + 10,000 images of noise, the real
shapes and dtypes) and reports the peak resident memory of the grader process and of its
largest child (the kernel). Goal: <= 1 GiB per worker.

    python bench/peak_memory.py [--quick]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edf_ex2.data import write_idx  # noqa: E402


def _tree_rss(root: int) -> dict[int, int]:
    """RSS in KiB of `root` and all its descendants, read from /proc."""
    parent, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/status") as fh:
                vm = next((line for line in fh if line.startswith("VmRSS:")), "VmRSS: 0 kB")
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        rss[int(entry)] = int(vm.split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        kids = [p for p, pp in parent.items() if pp in frontier and p not in tree]
        tree.update(kids)
        frontier = kids
    return {p: rss.get(p, 0) for p in tree}


def fake_full_mnist(folder: Path) -> None:
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 60000), ("t10k", 10000)):
        write_idx(folder / f"{prefix}-images.idx3-ubyte", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(folder / f"{prefix}-labels.idx1-ubyte", rng.integers(0, 10, n, dtype=np.uint8))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fake_full_mnist(Path(tmp))
        cmd = [sys.executable, str(ROOT / "grader.py"), "check", str(ROOT / "reference"), "--data", tmp]
        run = subprocess.Popen(cmd + (["--quick"] if args.quick else []), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
        largest = total = 0
        while run.poll() is None:  # sample the worker's whole process tree (grader + kernels)
            sizes = _tree_rss(run.pid)
            largest, total = max(largest, max(sizes.values())), max(total, sum(sizes.values()))
            time.sleep(0.5)
        report = run.stdout.read()
    print(f"nproc {os.cpu_count()}; full-size MNIST arrays (synthetic 60,000 + 10,000 images); "
          f"{report.strip().splitlines()[-1]}")
    print(f"peak RSS of one grading worker: largest process {largest / 1024:.0f} MiB, whole tree "
          f"{total / 1024:.0f} MiB ({total / 2**20:.2f} GiB; goal <= 1 GiB)")


if __name__ == "__main__":
    main()
