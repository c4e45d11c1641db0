"""Batch grading: a 40-submission synthetic course, resuming after a killed run, and
hostile student ids; counts in the course files match the per-student files."""
import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from edf_autograder.batch.run import grade_all
from edf_ex2.exercise import REFERENCE

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = (REFERENCE / "pen_and_paper.toml").read_text()
BUGS = [
    lambda t: t,
    lambda t: t.replace('iii = "1 - tanh(x)^2"', 'iii = "1 - tanh(x)"'),
    lambda t: t.replace("loss_after = 23.611", "loss_after = 30"),
    lambda t: t.replace("iii_gradient = [-5, -4]", "iii_gradient = [-2, -4]"),
    lambda t: t + "\n[[[ not toml",
]


def _course(root: Path, n: int = 40) -> None:
    """Pen-and-paper-only submissions (no kernels: fast), in every layout a course export has."""
    root.mkdir()
    for k in range(n):
        text = BUGS[k % len(BUGS)](ANSWERS)
        if k % 4 == 0:  # a zip per student
            with zipfile.ZipFile(root / f"zip{k:02d}.zip", "w") as zf:
                zf.writestr("pen_and_paper.toml", text)
        elif k % 4 == 1:  # a flat LMS export
            (root / f"lms{k:02d}_pen_and_paper.toml").write_text(text)
        else:
            (root / f"dir{k:02d}").mkdir()
            (root / f"dir{k:02d}" / "pen_and_paper.toml").write_text(text)
    (root / "=HYPERLINK(1)").mkdir()
    (root / "=HYPERLINK(1)" / "pen_and_paper.toml").write_text(ANSWERS)
    (root / "<script>alert(1)<").mkdir()
    (root / "<script>alert(1)<" / "pen_and_paper.toml").write_text(ANSWERS)
    (root / "stray.txt").write_text("not a submission")


def test_synthetic_course_of_40(tmp_path):
    _course(tmp_path / "course")
    out = tmp_path / "out"
    assert grade_all(tmp_path / "course", out, jobs=2, quick=True) == 0
    results = {p.parent.name: json.loads(p.read_text()) for p in (out / "students").glob("*/result.json")}
    assert len(results) == 42
    with open(out / "grades.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 42
    for row in rows:
        record = results[row["safe_id"]]
        assert float(row["score"]) == pytest.approx(record["score"])
        assert not row["student"].startswith(("=", "+", "-", "@"))
    broken = [r for r in results.values() if any("not valid TOML" in i["message"] for i in r["items"])]
    assert len(broken) == 8  # every fifth student's answer file is broken
    html = (out / "summary.html").read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "stray.txt" in json.dumps(json.loads((out / "problems.json").read_text()))


def test_rerun_skips_what_is_graded_and_regrades_what_changed(tmp_path):
    _course(tmp_path / "course", n=6)
    out = tmp_path / "out"
    grade_all(tmp_path / "course", out, jobs=2, quick=True)
    stamps = {p.parent.name: p.stat().st_mtime_ns for p in (out / "students").glob("*/result.json")}
    (tmp_path / "course" / "dir02" / "pen_and_paper.toml").write_text(BUGS[1](ANSWERS))
    grade_all(tmp_path / "course", out, jobs=2, quick=True)
    changed = {p.parent.name for p in (out / "students").glob("*/result.json") if p.stat().st_mtime_ns != stamps[p.parent.name]}
    assert changed == {"dir02"}


def _slow_submission(folder: Path, seconds: float) -> None:
    """A submission whose grading takes a few seconds: a notebook that sleeps."""
    import nbformat

    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})  # 2d_pcl_dataset")]
    nbformat.write(nb, folder / "pcl_binary_classification.ipynb")
    (folder / "pen_and_paper.toml").write_text(ANSWERS)


def test_killed_run_resumes_without_regrading(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for k in range(3):
        _slow_submission(course / f"student{k}", 4)
    out = tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "grader.py"), "grade", str(course), "--out", str(out), "-j", "1", "--quick"]
    run = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while not list((out / "students").glob("*/result.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)  # the machine dies: no clean-up at all
    run.wait()
    first = {p.parent.name: p.stat().st_mtime_ns for p in (out / "students").glob("*/result.json")}
    assert 1 <= len(first) < 3
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{len(first)} already graded" in again.stderr
    done = {p.parent.name: p.stat().st_mtime_ns for p in (out / "students").glob("*/result.json")}
    assert len(done) == 3
    assert all(done[name] == stamp for name, stamp in first.items())
