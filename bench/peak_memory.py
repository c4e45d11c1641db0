#!/usr/bin/env python3
"""Peak memory of one grading worker on full-size MNIST arrays: grades the reference with
`--data` pointing at a synthetic full-size MNIST (60,000 + 10,000 images of noise, the real
shapes and dtypes) and reports the peak resident memory of the grader process and of its
largest child (the kernel). Goal: <= 1 GiB per worker.

    python bench/peak_memory.py [--quick]
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.data import write_idx  # noqa: E402

PROBE = """
import resource, subprocess, sys
run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


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
        # the grader runs as a child of a small probe, so RUSAGE_CHILDREN sees the grader's and
        # (after they are reaped) its kernels' peaks; the largest of them is reported
        out = subprocess.run([sys.executable, "-c", PROBE, *cmd, *(["--quick"] if args.quick else [])],
                             capture_output=True, text=True, check=True)
    peak_mib = int(out.stdout.split()[-1]) / 1024
    print(f"nproc {os.cpu_count()}; full-size MNIST arrays (synthetic): peak RSS of the largest process of one "
          f"grading worker (grader or kernel): {peak_mib:.0f} MiB ({peak_mib / 1024:.2f} GiB; goal <= 1 GiB)")


if __name__ == "__main__":
    main()
