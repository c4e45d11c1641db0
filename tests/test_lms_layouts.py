"""Submissions as instructors receive them grade like the plain folder: a Moodle download-all
zip given to `grade` as it is, holding a student folder with the student's own zip inside and a
student's flat files, next to the same example as a plain folder (quick mode, real kernels);
then the grades go back into the Moodle worksheet."""
import json

from edf_autograder.batch.run import grade_all
from edf_autograder.integrations import lms
from tests.lms_course import ROOT, _zip_bytes, files, grades, moodle_worksheet, read_rows, write_zip


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
