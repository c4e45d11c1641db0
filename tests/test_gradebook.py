"""Spreadsheet cells that cannot run as formulas, and the tutors' scores read back in."""
import csv
import json
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from edf_autograder.batch import review
from edf_autograder.reports import gradebook, gradescope
from edf_autograder.workbench.scores import reviewed_record
from tests.test_outputs import EVIL, FORMULA, course, read_csv


@pytest.mark.parametrize("cell, expected", [
    (FORMULA, "'" + FORMULA), ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("  =1", "'  =1"), ("-1.5", "-1.5"), ("+2e-3", "+2e-3"),
    ("bob", "bob"), ("a=b", "a=b"), (1.5, 1.5), (-2, -2), (None, ""),
])
def test_neutralise(cell, expected):
    assert gradebook.neutralise(cell) == expected


@given(st.text())
@example("=cmd|' /C calc'!A0")
def test_no_neutralised_cell_starts_a_formula(text):
    """Spreadsheets run a cell as a formula when it starts with = + - @ (also after spaces,
    a tab or a carriage return): OWASP's CSV-injection list, written here independently."""
    cell = gradebook.neutralise(text)
    starts_formula = cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))
    is_number = re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", cell) is not None
    assert not starts_formula or is_number
    assert cell in (text, "'" + text)


def write_overrides(path, rows, header=("student", "safe_id", "item", "score", "comment")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def student_files(out, safe_id):
    """The student's record as the reports see it (result.json with the decisions store laid
    over it) and the files written from it."""
    folder = out / "students" / safe_id
    record = reviewed_record(out, json.loads((folder / "result.json").read_text()))
    return (record, json.loads((folder / "results.json").read_text()),
            (folder / "feedback.html").read_text(), (folder / "junit.xml").read_text())


def test_overrides_set_points_recompute_totals_and_rewrite_every_output(tmp_path):
    course(tmp_path)
    overrides = write_overrides(tmp_path / "overrides.csv", [
        ("", "bob", "2.1c-iii", "2", f"good remark {EVIL}"),
        ("'" + FORMULA, "", "2.1c-iii", "1,5", ""),      # a neutralised id, a decimal comma
        ("nobody", "", "2.1c-iii", "1", ""),
        ("", "bob", "2.9z", "1", ""),
        ("", "bob", "2.2c-error", "5", ""),
        ("", "bob", "2.2c-error", "lots", ""),
        ("", "script_alert_1_script", "2.1c-iii", "", ""),
    ])
    messages = review.apply_overrides(tmp_path, overrides)
    assert messages[0] == "row 2: 'bob' 2.1c-iii = 2/2"
    for expected in ("row 4: unknown student 'nobody'", "row 5: 'bob' has no item '2.9z'",
                     "row 6: score '5'", "row 7: score 'lots'", "1 rows without a score"):
        assert any(m.startswith(expected) for m in messages), expected

    record, results, page, junit = student_files(tmp_path, "bob")
    item = next(i for i in record["items"] if i["id"] == "2.1c-iii")
    assert item["status"] == "pass" and item["points"] == 2
    assert {k: item["override"][k] for k in ("score", "comment", "previous", "source")} == {
        "score": 2.0, "comment": f"good remark {EVIL}", "previous": {"status": "manual", "points": 1.5},
        "source": "csv:overrides.csv"}
    assert record["score"] == 5 and record["manual_pending"] == 0 and record["suggested_score"] == 5
    assert gradescope.problems(results) == [] and results["score"] == 5
    test = next(t for t in results["tests"] if t["number"] == "2.1c-iii")
    assert test["status"] == "passed" and test["visibility"] == "visible"
    assert "reviewed" in page and "&lt;script&gt;" in page and "<script" not in page
    assert 'name="2.1c-iii' in junit and "<skipped" not in junit.split('name="2.1c-iii')[1].split("</testcase>")[0]

    formula, *_ = student_files(tmp_path, "HYPERLINK_http_x")
    assert formula["score"] == 4.5 and next(i for i in formula["items"] if i["id"] == "2.1c-iii")["status"] == "fail"

    grades = {r["safe_id"]: r for r in read_csv(tmp_path / "grades.csv")}
    assert grades["bob"]["2.1c-iii"] == "2.0" and grades["bob"]["score"] == "5.0"
    assert [(r["safe_id"], r["item"]) for r in read_csv(tmp_path / "review_queue.csv")] == [
        ("HYPERLINK_http_x", "2.3d-relu"), ("bob", "2.3d-relu"), ("script_alert_1_script", "2.1c-iii"),
        ("script_alert_1_script", "2.3d-relu")]  # an item in error waits for a person until one scores it
    assert "HYPERLINK_http_x" not in (tmp_path / "summary.html").read_text().split("Waiting for manual")[1] \
        .split("Failed submissions")[0]


def test_a_filled_in_review_queue_is_an_overrides_file(tmp_path):
    course(tmp_path)
    queue = tmp_path / "review_queue.csv"
    rows = read_csv(queue)
    for row in rows:
        row["score"] = row["suggested"]
    with open(queue, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    messages = review.apply_overrides(tmp_path, queue)  # the manual items at their suggestion, the errors at 0
    assert sorted(m.split(" = ")[1] for m in messages) == ["0/1.5"] * 3 + ["1.5/2"] * 3
    assert read_csv(tmp_path / "review_queue.csv") == []
    assert {r["score"] for r in read_csv(tmp_path / "grades.csv")} == {"4.5"}


def test_a_second_review_keeps_the_original_verdict(tmp_path):
    course(tmp_path)
    for score in ("0", "2"):
        review.apply_overrides(tmp_path, write_overrides(tmp_path / "o.csv", [("", "bob", "2.1c-iii", score, "")]))
    record, *_ = student_files(tmp_path, "bob")
    item = next(i for i in record["items"] if i["id"] == "2.1c-iii")
    assert item["override"]["previous"] == {"status": "manual", "points": 1.5} and item["points"] == 2


def test_a_file_without_the_needed_columns_is_refused(tmp_path):
    course(tmp_path)
    messages = review.apply_overrides(tmp_path, write_overrides(tmp_path / "o.csv", [("bob", "1")],
                                                                   header=("name", "points")))
    assert len(messages) == 1 and "expected columns" in messages[0]


def test_a_filled_in_flag_row_is_read_by_a_person_not_imported_as_points(tmp_path):
    course(tmp_path)
    overrides = write_overrides(tmp_path / "o.csv", [("", "bob", "flag:tamper", "0", "looked at it")])
    messages = review.apply_overrides(tmp_path, overrides)
    assert messages == ["1 integrity-flag rows are for reading only: no points were changed by them"]
    assert all("override" not in i for i in student_files(tmp_path, "bob")[0]["items"])


def test_a_submission_with_no_automatic_grade_gets_a_row_saying_why():
    def record(who, statuses):
        items = [{"id": f"x{k}", "title": "t", "section": "2.2", "points": 0.0, "max_points": 1.0, "status": s,
                  "message": f"no pcl_binary_classification.ipynb in the submission ({s})"}
                 for k, s in enumerate(statuses)]
        return {"submission": who, "student": who, "safe_id": who, "items": items, "flags": []}

    rows = gradebook.review_rows([record("empty", ["not found", "not found", "skipped"]),
                                  record("some", ["not found", "fail"])])
    assert [(r["student"], r["item"]) for r in rows] == [("empty", "flag:ungraded")]
    assert rows[0]["message"] == ("no item was graded automatically: no pcl_binary_classification.ipynb in the "
                                  "submission (not found)")
