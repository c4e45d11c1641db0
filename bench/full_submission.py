#!/usr/bin/env python3
"""One full submission: merely executing the reference notebooks with the course's `edf.py`
(`jupyter nbconvert --execute`, what a student's own run costs; the course's own file from
../shared/course-handout when it is there, else reference/edf.py) against `grader.py check`
of the same submission, all checks included, on the bundled data. Prints both times and
their ratio, measured in one run (issue 15's goal: grading <= 0.15x executing).

    python bench/full_submission.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COURSE_EDF = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared")) / "course-handout" / "edf.py"

from edf_ex2 import data  # noqa: E402


def timed(cmd, cwd) -> float:
    env = {**os.environ, "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data.resolve().stage(work)
        for name in ("mnist_loader.py", "pcl_binary_classification.ipynb", "image_classification.ipynb"):
            shutil.copy(ROOT / "reference" / name, work / name)
        edf = COURSE_EDF if COURSE_EDF.is_file() else ROOT / "reference" / "edf.py"
        shutil.copy(edf, work / "edf.py")
        execute = timed([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                         "--ExecutePreprocessor.timeout=-1", "--output-dir", str(work / "out"),
                         "pcl_binary_classification.ipynb", "image_classification.ipynb"], work)
    grade = timed([sys.executable, str(ROOT / "grader.py"), "check", str(ROOT / "reference")], ROOT)
    print(f"nproc {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}; course edf: {edf}")
    print(f"execute both reference notebooks, course edf.py (nbconvert): {execute:7.1f} s")
    print(f"grader.py check reference/ (runtime edf, every check):       {grade:7.1f} s")
    print(f"ratio grading / executing: {grade / execute:.2f}")


if __name__ == "__main__":
    main()
