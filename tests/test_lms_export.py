"""Grades back into Moodle, ILIAS and Canvas: each LMS's download of the example submissions
in, its grade sheet in, the filled sheet out and read again with the csv module: every
student's score is the one in grades.csv, every other cell is unchanged, students without a
submission are left empty and listed, and submissions no row is for are listed, not guessed."""
import csv
import io
import zipfile

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from edf_autograder.batch.run import save
from edf_autograder.batch.store import Store
from edf_autograder.cli import main
from edf_autograder.errors import HarnessError
from edf_autograder.integrations import lms
from edf_autograder.integrations.lms import sheet
from edf_ex2.exercise import EXERCISE
from tests.lms_course import (
    ABSENT,
    CANVAS_HEADER,
    EXAMPLES,
    MOODLE_HEADER,
    PEOPLE,
    _ascii,
    canvas_download,
    canvas_gradebook,
    canvas_id,
    canvas_slug,
    graded_course,
    grades,
    identities,
    ilias_download,
    ilias_id,
    ilias_login,
    ilias_status,
    moodle_download,
    moodle_id,
    moodle_worksheet,
    read_rows,
)

N = len(EXAMPLES)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _unchanged_except(before: list[list[str]], after: list[list[str]], filled: set[int]) -> None:
    assert len(after) == len(before)
    for old, new in zip(before, after):
        assert [c for i, c in enumerate(new) if i not in filled] == [c for i, c in enumerate(old) if i not in filled]


@pytest.fixture(scope="module")
def moodle_course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("moodle")
    graded_course(moodle_download(tmp / "EDF-Exercise 2-42.zip"), tmp / "out")
    return tmp


@pytest.mark.parametrize("scores, gradebook", [("reviewed", "grades.csv"), ("automatic", "grades_before_review.csv")])
def test_moodle_worksheet_round_trip(moodle_course, scores, gradebook):
    out = moodle_course / "out"
    worksheet = moodle_worksheet(moodle_course / "Grades-EDF-Exercise 2-42.csv")
    report = lms.export("moodle", out, worksheet, dest=moodle_course / scores, scores=scores)
    filled = moodle_course / scores / worksheet.name
    before, after = read_rows(worksheet), read_rows(filled)
    grade, comment = MOODLE_HEADER.index("Grade"), MOODLE_HEADER.index("Feedback comments")
    _unchanged_except(before, after, {grade, comment})
    expected, ids = grades(out / gradebook), identities(out)
    for old, new in zip(before[1:], after[1:]):
        safe_id = ids.get(("moodle", old[0].removeprefix("Participant ")))
        if safe_id:
            assert _number(new[grade]) == float(expected[safe_id]["score"])
            assert new[comment].startswith(f"Exercise 2: Image Classification: {float(expected[safe_id]['score']):g} "
                                           "of 40 points.")
        else:  # blank: Moodle keeps its grade; the comment stays as Moodle has it
            assert new[grade] == "" and new[comment] == old[comment]
    assert len(report.matched.rows) == N and report.rows == N + len(ABSENT)
    assert report.missing_names == [f"Participant {2001 + k} {first} {last}" for k, (first, last) in enumerate(ABSENT)]
    assert report.matched.unmatched == ["walk-in student: its download name is not Moodle's; no row can be told"]
    raw, original = filled.read_bytes(), worksheet.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r" not in raw
    assert raw.splitlines()[0] == original.splitlines()[0]
    assert b'"Participant 1001","Ada Lovelace",lovelace@example.edu,"Submitted for grading",' in raw  # quoting kept
    if scores == "reviewed":
        assert "Reviewed by a tutor: 2.1c-iii." in after[1][comment]
    waiting = [who for who, ids_, _ in report.pending]
    assert len(waiting) == N and "2.3i" in report.text() and "items waiting for review" in report.text()


def test_moodle_feedback_zip_has_the_folders_moodle_reads(moodle_course):
    out = moodle_course / "out"
    lms.export("moodle", out, moodle_worksheet(moodle_course / "worksheet.csv"), dest=moodle_course / "zip")
    with zipfile.ZipFile(moodle_course / "zip" / "feedback_files.zip") as zf:
        names = zf.namelist()
        page = zf.read(names[0]).decode()
    assert sorted(names) == sorted(f"{first} {last}_{moodle_id(k)}_assignfeedback_file_/feedback.html"
                                   for k, (first, last) in enumerate(PEOPLE[:N]))
    for name in names:
        # Moodle before 4.1 splits the whole path at underscores into five parts: name, participant id,
        # plugin type, plugin, file (the trailing underscore ends the plugin's name) ...
        parts = name.split("_", 4)
        assert parts[1].isdigit() and parts[2:4] == ["assignfeedback", "file"] and parts[4] == "/feedback.html"
        # ... 4.1 and later split the folder's name: the same participant id and plugin
        folder = name.split("/")[0].split("_")
        assert folder[1] == parts[1] and folder[2:4] == ["assignfeedback", "file"]
    assert "<html" in page.lower()


def test_moodle_worksheet_in_a_decimal_comma_language(moodle_course):
    out = moodle_course / "out"
    worksheet = moodle_worksheet(moodle_course / "de.csv", decimal=",")
    lms.export("moodle", out, worksheet, dest=moodle_course / "de")
    after, expected, ids = read_rows(moodle_course / "de" / "de.csv"), grades(out / "grades.csv"), identities(out)
    for row in after[1:]:
        if safe_id := ids.get(("moodle", row[0].removeprefix("Participant "))):
            assert "," in row[4] and "." not in row[4]
            assert _number(row[4]) == float(expected[safe_id]["score"])


def test_ilias_status_file_round_trip(tmp_path):
    out = tmp_path / "out"
    graded_course(ilias_download(tmp_path / "Exercise_2.zip"), out)
    status = ilias_status(tmp_path / "status.csv")
    report = lms.export("ilias", out, status)
    filled = out / "export" / "ilias" / "status.csv"
    before, after = read_rows(status), read_rows(filled)
    col = {h: n for n, h in enumerate(before[0])}
    _unchanged_except(before, after, {col["update"], col["mark"], col["comment"]})
    expected, ids = grades(out / "grades.csv"), identities(out)
    for old, new in zip(before[1:], after[1:]):
        safe_id = ids.get(("ilias", old[col["usr_id"]]))
        if safe_id:
            assert new[col["update"]] == "1" and float(new[col["mark"]]) == float(expected[safe_id]["score"])
            assert "of 40 points" in new[col["comment"]]
        else:  # ILIAS applies only rows marked for update
            assert new[col["update"]] == "0" and new[col["mark"]] == "" and new[col["comment"]] == old[col["comment"]]
    assert all(line.startswith(b'"') and line.endswith(b'"') for line in filled.read_bytes().splitlines())
    assert report.missing_names == ["absent0 (Charles Babbage)", 'absent1 (=HYPERLINK("http://x") Mallory)']
    with zipfile.ZipFile(out / "export" / "ilias" / "multi_feedback.zip") as zf:
        names = zf.namelist()
    assert sorted(names) == sorted(f"multi_feedback_Exercise_2/{_ascii(PEOPLE[k][1])}_{_ascii(PEOPLE[k][0])}_"
                                   f"{ilias_login(k)}_{ilias_id(k)}/feedback.html" for k in range(N))
    for name in names:  # ILIAS: a top folder starting multi_feedback, the user id after the last underscore
        top, user, _ = name.split("/")
        assert top.startswith("multi_feedback") and int(user.rsplit("_", 1)[1]) in {ilias_id(k) for k in range(N)}


def test_ilias_row_whose_login_differs_from_the_download_is_left_empty(tmp_path):
    out = tmp_path / "out"
    graded_course(ilias_download(tmp_path / "Exercise_2.zip", EXAMPLES[:2]), out, extra_plain=False)
    status = ilias_status(tmp_path / "status.csv", n=2)
    status.write_bytes(status.read_bytes().replace(f'"{ilias_login(1)}"'.encode(), b'"someone_else"'))
    report = lms.export("ilias", out, status)
    assert len(report.matched.rows) == 1 and "'someone_else'" in report.matched.conflicts[0]


@pytest.mark.parametrize("delimiter, decimal, bom", [(",", ".", True), (";", ",", False)])
def test_canvas_gradebook_round_trip(tmp_path, delimiter, decimal, bom):
    out = tmp_path / "out"
    graded_course(canvas_download(tmp_path / "submissions.zip"), out)
    gradebook = canvas_gradebook(tmp_path / "2025-06-02T1015_Grades-EDF.csv", delimiter=delimiter, decimal=decimal, bom=bom)
    report = lms.export("canvas", out, gradebook, assignment="Exercise 2 – Image Classification")
    filled = out / "export" / "canvas" / gradebook.name
    before, after = read_rows(gradebook, delimiter), read_rows(filled, delimiter)
    column = CANVAS_HEADER.index("Exercise 2 – Image Classification (7302)")
    _unchanged_except(before, after, {column})
    original, raw = gradebook.read_bytes().splitlines(), filled.read_bytes().splitlines()
    assert raw[:2] == original[:2]  # the header and Points Possible rows, byte for byte
    assert raw[0].startswith("\ufeff".encode()) == bom
    expected, ids = grades(out / "grades.csv"), identities(out)
    for row in after[2:]:
        safe_id = ids.get(("canvas", row[1]))
        assert row[column] == (f"{float(expected[safe_id]['score']):.2f}".replace(".", decimal) if safe_id else "")
    assert report.missing_names == ["Student, Test (ID 9999)"]
    with zipfile.ZipFile(out / "export" / "canvas" / "submission_comments.zip") as zf:
        names = zf.namelist()
    assert len(names) == N
    for name in names:  # Canvas: the first two all-digit parts are the user id and one of their file ids
        user_id, file_id = [p for p in name.split("_") if p.isdigit()][:2]
        k = next(k for k in range(N) if str(canvas_id(k)) == user_id)
        assert name.startswith(canvas_slug(k)) and any(f"_{file_id}_" in p.name for p in
                                                       (out / "download" / "submissions").iterdir())


def test_canvas_needs_the_assignment_when_the_gradebook_has_several(tmp_path):
    out = tmp_path / "out"
    graded_course(canvas_download(tmp_path / "submissions.zip", EXAMPLES[:1]), out)
    with pytest.raises(HarnessError, match="2 assignment columns and no --assignment .*'Exercise 1 \\(7301\\)'"):
        lms.export("canvas", out, canvas_gradebook(tmp_path / "g.csv", n=1))
    report = lms.export("canvas", out, canvas_gradebook(tmp_path / "g.csv", n=1), assignment="7302")
    assert len(report.matched.rows) == 1


def test_two_submissions_for_one_student_are_not_guessed_between(tmp_path):
    """E.g. two downloads graded into one folder after a student's name changed in Moodle."""
    out = tmp_path / "out"
    graded_course(moodle_download(tmp_path / "d.zip", EXAMPLES[:2]), out, extra_plain=False)
    store = Store(out)
    record = store.load("Ada_Lovelace_1001") | {"safe_id": "Ada_King_1001", "student": "Ada King_1001"}
    save(store, record | {"score": 0.0}, {}, EXERCISE)
    report = lms.export("moodle", out, moodle_worksheet(tmp_path / "w.csv", n=2))
    assert set(report.matched.rows) == {2} and "Moodle id 1001: 1 rows" in report.matched.conflicts[0]
    assert "Ada King_1001" in report.text() and "Ada Lovelace_1001" in report.text()


def test_export_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "out"
    graded_course(moodle_download(tmp_path / "d.zip", EXAMPLES[:2]), out)
    worksheet = moodle_worksheet(tmp_path / "w.csv", n=2)
    assert main(["export", "moodle", "--worksheet", str(worksheet), "--out", str(out), "--scores", "automatic"]) == 0
    printed = capsys.readouterr().out
    assert "Moodle: 2 of 4 students of w.csv filled; scores: automatic only" in printed
    assert (out / "export" / "moodle" / "report.txt").read_text().startswith(printed.splitlines()[0])
    assert main(["export", "moodle", "--worksheet", str(tmp_path / "missing.csv"), "--out", str(out)]) == 2
    assert main(["export", "canvas", "--sheet", str(worksheet), "--out", str(out)]) == 2
    assert "no ID column" in capsys.readouterr().err


# The sheet module: what it does not set, it writes back byte for byte.

CELL = st.text(alphabet=st.sampled_from('ab ,;"\n\tä=+-1.'), max_size=6)  # csv leaves a lone CR unquoted
HEADER = st.lists(st.text(alphabet="abc (1)", min_size=1, max_size=5), min_size=2, max_size=4)  # as LMSs name columns


@given(header=HEADER, rows=st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=5),
       delimiter=st.sampled_from([",", ";"]), end=st.sampled_from(["\n", "\r\n"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), bom=st.booleans(), last_end=st.booleans())
@example(header=["a", "b"], rows=[[""], ["x", "y\n;z"]], delimiter=";", end="\n", quoting=csv.QUOTE_MINIMAL,
         bom=False, last_end=False)
def test_a_sheet_is_written_back_as_it_was_read(tmp_path_factory, header, rows, delimiter, end, quoting, bom, last_end):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=end, quoting=quoting).writerows([header, *rows])
    text = ("\ufeff" if bom else "") + (buf.getvalue() if last_end else buf.getvalue()[:-len(end)])
    path = tmp_path_factory.mktemp("sheet") / "s.csv"
    path.write_bytes(text.encode())
    read = sheet.read(path)
    assert read.text() == text
    assert [[c.value for c in r.cells] for r in read.rows] == [header, *rows]


def test_cells_set_by_the_export_cannot_run_as_formulas(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"name,comment\nx,\n")
    read = sheet.read(path)
    read.set(read.rows[1], 1, '=HYPERLINK("http://x")')
    read.set(read.rows[1], 0, "-1.5", number=True)
    assert read.text() == 'name,comment\n-1.5,"\'=HYPERLINK(""http://x"")"\n'


@pytest.mark.parametrize("name, content, problem", [
    ("status.xlsx", b"PK", "a spreadsheet workbook; download the CSV version"),
    ("w.csv", b'a,b\n"x,y\n', "a quoted cell is never closed \\(row 2\\)"),
    ("w.csv", "a,b\nä,x\n".encode("latin-1"), "not UTF-8 text"),
    ("w.csv", b"", "empty"),
])
def test_unusable_sheets_are_named_with_what_to_do(tmp_path, name, content, problem):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(sheet.SheetError, match=problem):
        sheet.read(tmp_path / name)
