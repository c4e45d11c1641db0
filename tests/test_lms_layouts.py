"""Submissions as instructors receive them grade like the plain folder: a Moodle download-all
zip given to `grade` as it is, holding a student folder with the student's own zip inside and a
student's flat files, next to the same example as a plain folder (quick mode, real kernels);
then the grades go back into the Moodle worksheet."""
import json

from edf_autograder.batch.run import grade_all
from edf_autograder.integrations import lms
from tests.lms_course import ROOT, _zip_bytes, files, grades, moodle_worksheet, read_rows, write_zip
from tests.test_course_handout import correct_score


def test_a_moodle_download_grades_like_the_plain_folder_and_goes_back_into_moodle(tmp_path):
    own = files(ROOT / "submissions" / "passes_all")
    archive = write_zip(tmp_path / "EDF-Exercise 2-42.zip", {
        **{f"passes_all/{name}": data for name, data in own.items()},
        "Ada Lovelace_1001_assignsubmission_file/submission.zip": _zip_bytes({f"ex2/{n}": d for n, d in own.items()}),
        **{f"Alan Turing_1002_assignsubmission_file_{name}": data for name, data in own.items()},
    })
    out = tmp_path / "out"
    assert grade_all(archive, out, jobs=2, quick=True) == 0
    records = {p.parent.name: json.loads(p.read_text()) for p in (out / "students").glob("*/result.json")}
    assert set(records) == {"passes_all", "Ada_Lovelace_1001", "Alan_Turing_1002"}
    verdicts = {name: {i["id"]: (i["status"], i["points"]) for i in r["items"]} for name, r in records.items()}
    assert verdicts["Ada_Lovelace_1001"] == verdicts["passes_all"] == verdicts["Alan_Turing_1002"]
    assert records["passes_all"]["score"] > 0 and not any("rename" in n for r in records.values() for n in r["notes"])
    assert records["Ada_Lovelace_1001"]["identity"]["lms_id"] == "1001" and records["passes_all"]["identity"] is None

    worksheet = moodle_worksheet(tmp_path / "worksheet.csv", n=2)
    report = lms.export("moodle", out, worksheet)
    filled, expected = read_rows(out / "export" / "moodle" / "worksheet.csv"), grades(out / "grades.csv")
    assert [float(row[4]) for row in filled[1:3]] == [float(expected[s]["score"]) for s in ("Ada_Lovelace_1001",
                                                                                           "Alan_Turing_1002")]
    assert report.matched.unmatched == ["passes_all: its download name is not Moodle's; no row can be told"]


def test_unsafe_entries_are_skipped_and_nothing_ends_ungraded_without_a_review_row(tmp_path, course_handout):
    """Issue 19: a submission.zip with unsafe entries beside the student's correct notebooks (the
    course's hand-out solved in the helpers style) is graded from the rest and flagged; a zip that
    cannot be read at all gets no automatic grade and a review row that says why."""
    import stat
    import zipfile

    from tests.handout import write_submission
    from tests.test_outputs import read_csv

    solved = write_submission("helpers", course_handout, tmp_path / "solved")
    course_folder = tmp_path / "course"
    ada = course_folder / "Ada Lovelace_1001_assignsubmission_file"
    ada.mkdir(parents=True)
    with zipfile.ZipFile(ada / "submission.zip", "w") as zf:
        for path in sorted(solved.iterdir()):
            zf.writestr(f"ex2/{path.name}", path.read_bytes())
        zf.writestr("../escape.py", "print('outside')")
        link = zipfile.ZipInfo("ex2/edf.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    alan = course_folder / "Alan Turing_1002_assignsubmission_file"
    alan.mkdir()
    (alan / "submission.zip").write_bytes(b"PK\x03\x04 cut off in the upload")
    out = tmp_path / "out"
    grade_all(course_folder, out, jobs=1, quick=True)

    ada_record = json.loads((out / "students" / "Ada_Lovelace_1001" / "result.json").read_text())
    # every automatic item but those a quick check skips
    assert ada_record["score"] == correct_score(quick=True) and ada_record["manual_pending"] == 6
    assert any("submission.zip: unsafe path '../escape.py' was not unpacked" in n for n in ada_record["notes"])
    assert [f["kind"] for f in ada_record["flags"]] == ["intake"]
    assert "symbolic link 'ex2/edf.py'" in ada_record["flags"][0]["message"]
    assert not list(tmp_path.rglob("escape.py"))

    queue = read_csv(out / "review_queue.csv")
    ada_rows = {r["item"]: r["message"] for r in queue if r["safe_id"] == "Ada_Lovelace_1001"}
    assert "unsafe path '../escape.py'" in ada_rows["flag:intake"]
    alan_rows = {r["item"]: r["message"] for r in queue if r["safe_id"] == "Alan_Turing_1002"}
    assert "submission.zip: not a readable zip archive" in alan_rows["flag:ungraded"]
    assert all("not a readable zip archive" in alan_rows[i] for i in ("2.2a-graph", "2.3e"))  # errors: one row each
    summary = (out / "summary.html").read_text()
    assert "unsafe path" in summary and "Alan Turing_1002" in summary
    feedback = (out / "students" / "Ada_Lovelace_1001" / "feedback.html").read_text()
    assert "Flagged for a person" in feedback and "../escape.py" in feedback
