#!/usr/bin/env python3
"""The installed kit's `edf-selfcheck .` (issue 23, part 6: at most 10 s on the 2-core machine)
in a student's folder holding the course's hand-out filled in (tests/handout, style "given":
its notebooks, the course's edf.py and mnist_loader.py, the kit's data slice), against merely
executing both notebooks on the same slice (nbclient, one after the other, the python3 kernel),
in alternating rounds of one run. The kit is installed offline from `release --wheels` into a
fresh venv (a few minutes), or taken from `--venv` (an environment where it is installed).

    python bench/kit_selfcheck.py [--venv DIR] [--rounds 3]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HANDOUT = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared")) / "course-handout"
THREADS = {"MPLBACKEND": "Agg", **dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")}

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from edf_autograder.integrations.release import release  # noqa: E402
from edf_ex2.exercise import EXERCISE  # noqa: E402
from tests.handout import write_submission  # noqa: E402
from tests.kit_runs import bin_dir, install_offline, make_venv, offline_env, released  # noqa: E402


def kit_script(venv: Path | None, scratch: Path) -> Path:
    if venv is None:
        venv = scratch / "venv"
        done = install_offline(make_venv(venv), released(scratch / "assignment"))
        if done.returncode != 0:
            sys.exit(f"installing the kit failed: {done.stderr[-2000:]}")
    return bin_dir(venv) / "edf-selfcheck"


def student_folder(folder: Path) -> Path:
    """The hand-out as released (with the kit's quick data slice), filled in by a student."""
    release(folder, quick=True, kit=False)
    write_submission("given", HANDOUT, folder)
    for name in ("edf.py", "mnist_loader.py"):
        shutil.copyfile(HANDOUT / name, folder / name)
    return folder


def selfcheck(script: Path, folder: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(script), "."], cwd=folder, capture_output=True, text=True,
                          env=offline_env(PATH=f"{script.parent}:/usr/bin:/bin", **THREADS))
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"edf-selfcheck failed: {done.stderr[-2000:]}")
    return seconds


def execute(folder: Path) -> float:
    os.environ.update(THREADS)
    started = time.perf_counter()
    for kind in ("pcl", "image"):
        nb = nbformat.read(folder / EXERCISE.files[kind], 4)
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--venv", type=Path, help="an environment with the kit installed (default: a fresh one)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not HANDOUT.is_dir():
        sys.exit(f"the course's hand-out is not at {HANDOUT} (set SHARED_DIR)")
    with tempfile.TemporaryDirectory(prefix="edf-kit-bench-") as tmp:
        scratch = Path(tmp)
        script = kit_script(args.venv, scratch)
        folder = student_folder(scratch / "student")
        kit, plain, loads = [], [], []
        for round_ in range(args.rounds):
            kit.append(selfcheck(script, folder))
            copy = scratch / f"executed{round_}"
            shutil.copytree(folder, copy)
            plain.append(execute(copy))
            loads.append(os.getloadavg()[0])
            print(f"round {round_ + 1}: edf-selfcheck . {kit[-1]:6.1f} s   both notebooks executed {plain[-1]:6.1f} s"
                  f"   load {loads[-1]:.1f}", flush=True)
    k, p = statistics.median(kit), statistics.median(plain)
    print(f"nproc {os.cpu_count()}; load average {min(loads):.1f}-{max(loads):.1f}")
    print(f"median edf-selfcheck . (installed kit, course hand-out filled in): {k:6.1f} s (target 10 s: {k / 10:.2f})")
    print(f"median both notebooks executed on the same slice (nbclient):       {p:6.1f} s")
    print(f"ratio self-check / executing: {k / p:.2f}")


if __name__ == "__main__":
    main()
