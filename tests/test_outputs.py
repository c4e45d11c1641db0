"""Per-student and course outputs from hand-made results: the Gradescope schema, JUnit,
escaped HTML, neutralised spreadsheet cells, and the figures."""
import csv
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from edf_autograder.checking.verdicts import ERROR, FAIL, MANUAL, NOT_FOUND, PASS, SKIPPED, ItemResult, Result
from edf_autograder.reports import gradescope, plots
from edf_autograder.reports import html as outputs
from edf_ex2.exercise import EXERCISE

ROOT = Path(__file__).resolve().parents[1]
EVIL = '<script>alert(1)</script>'
FORMULA = '=HYPERLINK("http://x")'


def make_result(student: str, *, c_iii: str = "gradient [-5, -4] matches the sheet's official value [-5, -4]",
                figures: dict | None = None) -> Result:
    items = [
        ItemResult("2.1a-i", "a-i: derivative of ReLU_c", "2.1", 1.0, 1.0, PASS, "", 0.01),
        ItemResult("2.1c-iii", "c-iii: gradient with g = ReLU", "2.1", 1.5, 2.0, MANUAL,
                   f"{c_iii}. The remark is read by a tutor: {EVIL}", 0.01),
        ItemResult("2.2a-graph", "Logistic regression graph", "2.2", 1.0, 1.0, PASS, "", 0.2),
        ItemResult("2.2c-error", "MLP classifies all points", "2.2", 1.0, 2.0, FAIL, f"error 0.2 > 0.05 {EVIL}", 3.0),
        ItemResult("2.3a-graph", "Logistic regression graph", "2.3", 0.0, 1.0, NOT_FOUND, "no x_node", 0.1),
        ItemResult("2.3a-error", "Logistic regression test error", "2.3", 0.0, 1.0, SKIPPED, "quick mode", 0.0),
        ItemResult("2.3d-relu", "ReLU forward and backward", "2.3", 0.0, 1.5, ERROR, "Traceback ...\n<b>x</b>", 0.3),
    ]
    return Result(student, items, "bundled MNIST subset", "0.1.0", [f"note {EVIL}"], 12.5, figures or {})


def make_record(student: str, safe_id: str, **kw) -> tuple[Result, dict]:
    result = make_result(student, **kw)
    return result, result.to_dict() | {"key": "k", "student": student, "safe_id": safe_id}


def sample_figures() -> dict:
    rng = np.random.default_rng(0)
    X = rng.uniform(-0.5, 0.5, (40, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    xs = np.linspace(-0.5, 0.5, 21)
    xx, yy = np.meshgrid(xs, xs)
    p = 1 / (1 + np.exp(10 * (xx + yy)))
    x = np.linspace(-3, 3, 31)
    return {"pcl_points": {"X": X.tolist(), "y": y.tolist()},
            "pcl_logreg_grid": {"xs": xs.tolist(), "ys": xs.tolist(), "p": p.tolist()},
            "pcl_mlp_grid": {"xs": xs.tolist(), "ys": xs.tolist(), "p": np.full_like(p, 0.9).tolist()},
            "activations": {"tanh": {"x": x.tolist(), "value": np.tanh(x).tolist(),
                                     "grad": (1 - np.tanh(x) ** 2).tolist()},
                            "relu": {"x": x.tolist(), "value": np.maximum(x, 0).tolist(), "grad": (x > 0).tolist()}},
            "sweeps": {"2.3f-sigmoid": {"configs": [0.1, 0.5, 1.0], "train": [0.2, 0.1, 0.08],
                                        "test": [0.22, 0.12, 0.1]}}}


@pytest.fixture
def student(tmp_path):
    result, record = make_record(EVIL, "script_alert_1_script", figures=sample_figures())
    folder = tmp_path / "students" / record["safe_id"]
    outputs.write_student(folder, record, EXERCISE)
    return folder, record


def test_results_json_follows_the_gradescope_schema(student):
    folder, record = student
    results = json.loads((folder / "results.json").read_text())
    assert gradescope.problems(results) == []
    assert {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests"} <= set(results)
    tests = {t["number"]: t for t in results["tests"]}
    assert list(tests) == [i["id"] for i in record["items"]]
    assert results["score"] == pytest.approx(record["score"]) == pytest.approx(sum(t["score"] for t in tests.values()))
    pending = tests["2.1c-iii"]
    assert pending["score"] == 0 and "status" not in pending and pending["visibility"] == "after_published"
    assert pending["output"].startswith("Pending manual review")
    assert tests["2.1a-i"]["status"] == "passed"
    assert {tests[k]["status"] for k in ("2.2c-error", "2.3a-graph", "2.3a-error", "2.3d-relu")} == {"failed"}


def test_the_schema_rules_catch_broken_results():
    broken = {"score": 3, "visibility": "sometimes",
              "tests": [{"number": "x", "score": 2, "max_score": 1, "status": "pending"}, {"name": 5, "score": 0}]}
    found = "\n".join(gradescope.problems(broken))
    for expected in ("visibility 'sometimes'", "status 'pending'", "outside [0, 1]", "name is int",
                     "not the sum"):
        assert expected in found


def test_junit_has_one_testcase_per_item(student):
    folder, record = student
    suite = ET.parse(folder / "junit.xml").getroot()
    cases = suite.findall("testcase")
    assert [c.get("name").split(":")[0] for c in cases] == [i["id"] for i in record["items"]]
    kinds = {c.get("name").split(":")[0]: [e.tag for e in c if e.tag != "system-out"] for c in cases}
    assert kinds == {"2.1a-i": [], "2.1c-iii": ["skipped"], "2.2a-graph": [], "2.2c-error": ["failure"],
                     "2.3a-graph": ["failure"], "2.3a-error": ["skipped"], "2.3d-relu": ["error"]}
    assert cases[3].get("classname") == "section 2.2"
    assert suite.get("tests") == "7" and suite.get("failures") == "2" and suite.get("errors") == "1"
    assert EVIL in cases[3].find("failure").text  # escaped in the file, the same text once parsed
    assert EVIL not in (folder / "junit.xml").read_text()


def test_feedback_escapes_student_text_and_shows_figures(student):
    folder, record = student
    page = (folder / "feedback.html").read_text()
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page
    assert page.count("data:image/png;base64,") == 3
    assert "waits for a tutor" in page and record["dataset"] in page


def test_feedback_renders_without_figures(tmp_path):
    result, record = make_record("anna", "anna")
    del record["figures"]
    outputs.write_student(tmp_path, record, EXERCISE)
    page = (tmp_path / "feedback.html").read_text()
    assert "data:image/png" not in page and "2.3d-relu" in page


def test_broken_figure_data_is_reported_not_raised(tmp_path):
    result, record = make_record("anna", "anna", figures={"activations": {"tanh": {"x": [1, 2], "value": [1]}}})
    outputs.write_student(tmp_path, record, EXERCISE)
    assert "could not be drawn" in (tmp_path / "feedback.html").read_text()


def test_reference_figures_are_drawn_beside_the_students(tmp_path):
    (tmp_path / "figures.json").write_text(json.dumps(sample_figures()))
    mine = {k: v for k, v in sample_figures().items() if k != "pcl_mlp_grid"}
    with_ref = plots.feedback_figures(EXERCISE.drawings, mine, outputs.reference_figures(
        replace(EXERCISE, reference=tmp_path)))
    without = plots.feedback_figures(EXERCISE.drawings, mine, {})
    assert [f["error"] for f in with_ref] == [None] * 3
    assert len(with_ref[0]["uri"]) > len(without[0]["uri"])  # two more panels


def test_result_json_is_written_last_and_holds_the_record(tmp_path, monkeypatch):
    written = []
    real = outputs.write_atomic
    monkeypatch.setattr(outputs, "write_atomic", lambda path, content: (written.append(path.name), real(path, content)))
    _, record = make_record("anna", "anna", figures=sample_figures())
    outputs.write_student(tmp_path, record, EXERCISE)
    assert written[-1] == "result.json"  # its presence marks the student as done
    assert sorted(written) == [".feedback_figures.json", "feedback.html", "junit.xml", "result.json", "results.json"]
    assert json.loads((tmp_path / "result.json").read_text()) == json.loads(json.dumps(record))


def course(tmp_path):
    records = []
    for n, (student, safe, c_iii) in enumerate([
            (FORMULA, "HYPERLINK_http_x", "gradient [-5, -4] matches the sheet's official value [-5, -4]"),
            (EVIL, "script_alert_1_script", "gradient [-2, -4] matches the recomputed alternative [-2, -4]"),
            ("bob", "bob", "gradient [1, 2] is not right")]):
        result, record = make_record(student, safe, c_iii=c_iii)
        result.duration = record["duration"] = 10.0 * n
        outputs.write_student(tmp_path / "students" / safe, record, EXERCISE)
        records.append(record)
    outputs.write_course(tmp_path, records, [f"{EVIL}.txt: not a folder; ignored"], EXERCISE)
    return records


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_grades_csv_has_a_row_per_student_and_neutralised_cells(tmp_path):
    records = course(tmp_path)
    rows = read_csv(tmp_path / "grades.csv")
    assert [r["student"] for r in rows] == ["'" + FORMULA, EVIL, "bob"]
    assert [r["safe_id"] for r in rows] == [r["safe_id"] for r in records]
    assert rows[0]["2.1a-i"] == "1.0" and rows[0]["2.1c-iii"] == "" and rows[0]["score"] == "3.0"
    assert float(rows[0]["suggested_score"]) == 4.5 and float(rows[0]["manual_pending"]) == 2.0


def test_review_queue_lists_each_manual_and_each_error_item_with_an_empty_score(tmp_path):
    course(tmp_path)
    rows = read_csv(tmp_path / "review_queue.csv")
    assert [(r["safe_id"], r["item"], r["suggested"], r["max_points"], r["score"]) for r in rows] == [
        (s, item, suggested, most, "") for s in ("HYPERLINK_http_x", "script_alert_1_script", "bob")
        for item, suggested, most in (("2.1c-iii", "1.5", "2.0"), ("2.3d-relu", "0.0", "1.5"))]
    assert EVIL in rows[2]["message"] and rows[1]["message"].startswith("Traceback")


def test_summary_escapes_links_and_counts_the_c_iii_dispute(tmp_path):
    course(tmp_path)
    page = (tmp_path / "summary.html").read_text()
    assert "<script" not in page and "&lt;script&gt;" in page
    assert 'href="students/HYPERLINK_http_x/feedback.html"' in page
    assert "data:image/png;base64," in page and (tmp_path / "similarity.html").exists()
    assert "the disputed key of 2.1c-iii" in page


def test_the_c_iii_table_counts_the_verdicts_data_not_their_wording():
    given = ["sheet", "sheet", "recomputed", "neither", "no answer", None]
    records = [{"items": [{"id": "2.1c-iii", "message": "wording that says nothing",
                           "data": {} if g is None else {"c_iii": g}}]} for g in given]
    (table,) = outputs.tallies(records, EXERCISE)
    assert [n for _, n in table["rows"]] == [2, 1, 1, 1] and table["unknown"] == 1


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() and not shutil.which("chromium"),
                    reason="no Chromium for the screenshot script")
def test_screenshot_script_renders_the_feedback_page(student, tmp_path):
    folder, _ = student
    png = tmp_path / "feedback.png"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot_html.py"), str(folder / "feedback.html"),
                           str(png), "--height", "900"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[:2] == (900, 1280) and png.stat().st_size > 20_000
    assert pixels[..., :3].std() > 0.05  # not a blank page


def test_flags_reach_the_feedback_the_review_queue_and_the_summary(tmp_path):
    flag = {"kind": "tamper", "message": f"tampering: cell 36 replaced edf.Forward {EVIL}",
            "notebook": "image_classification.ipynb", "cell": 35}
    result, record = make_record("mallory", "mallory")
    result.flags = record["flags"] = [flag]
    outputs.write_student(tmp_path / "students" / "mallory", record, EXERCISE)
    _, clean = make_record("bob", "bob")
    outputs.write_student(tmp_path / "students" / "bob", clean, EXERCISE)
    outputs.write_course(tmp_path, [record, clean], [], EXERCISE)
    feedback = (tmp_path / "students" / "mallory" / "feedback.html").read_text()
    assert "Flagged for a person" in feedback and "replaced edf.Forward" in feedback and "<script" not in feedback
    rows = [r for r in read_csv(tmp_path / "review_queue.csv") if r["item"].startswith("flag:")]
    assert [(r["safe_id"], r["item"], r["max_points"]) for r in rows] == [("mallory", "flag:tamper", "")]
    summary = (tmp_path / "summary.html").read_text()
    assert "Integrity flags (1 students)" in summary and "replaced edf.Forward" in summary
    assert "Waiting for manual review (2)" in summary  # the flag is not a manual item
