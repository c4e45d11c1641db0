"""Who a submission belongs to, read from Moodle's, ILIAS's and Canvas's download names, and
course folders laid out as those downloads are found."""
import zipfile

import pytest

from edf_autograder.errors import SubmissionError
from edf_autograder.intake.discover import discover, unpack
from edf_autograder.intake.lms_names import Identity, flat_file, folder


@pytest.mark.parametrize("name, lms, lms_id, who, login", [
    ("Ada Lovelace_101_assignsubmission_file", "moodle", "101", "Ada Lovelace", ""),    # Moodle 4.1 on
    ("Ada Lovelace_101_assignsubmission_file_", "moodle", "101", "Ada Lovelace", ""),   # Moodle 3.1-4.0
    ("Ada Lovelace_101_assignsubmission_onlinetext_", "moodle", "101", "Ada Lovelace", ""),
    ("Participant_2077_assignsubmission_file", "moodle", "2077", "Participant", ""),   # blind marking
    ("Group A-José Núñez_7_assignsubmission_file", "moodle", "7", "Group A-José Núñez", ""),
    ("Lovelace_Ada_alovelace_6001", "ilias", "6001", "Lovelace_Ada", "alovelace"),
    ("van der Berg_Jan_jan_vdb_6002", "ilias", "6002", "van der Berg_Jan", "jan_vdb"),  # a login with _
])
def test_student_folders(name, lms, lms_id, who, login):
    identity = folder(name)
    assert (identity.lms, identity.lms_id, identity.name, identity.login) == (lms, lms_id, who, login)


@pytest.mark.parametrize("name", ["passes_all", "fails_2_3d_relu_backward", "Team 3", "alice", "Doe_Jane_jdoe",
                                  "Ada Lovelace_101_assignsubmission_file_notes.txt"])
def test_other_folders_have_no_identity(name):
    assert folder(name) is None


@pytest.mark.parametrize("name, lms, lms_id, who, late, files, original", [
    ("Ada Lovelace_101_assignsubmission_file_image_classification.ipynb",
     "moodle", "101", "Ada Lovelace", False, (), "image_classification.ipynb"),
    ("Ada Lovelace_101_assignsubmission_file_my_work.zip", "moodle", "101", "Ada Lovelace", False, (), "my_work.zip"),
    ("lovelaceada_6001_90001_image_classification.ipynb",
     "canvas", "6001", "lovelaceada", False, ("90001",), "image_classification.ipynb"),
    ("lovelaceada_6001_90002_image_classification-1.ipynb",   # submitted again
     "canvas", "6001", "lovelaceada", False, ("90002",), "image_classification.ipynb"),
    ("lovelaceada_LATE_6001_90003_pen_and_paper-12.toml",
     "canvas", "6001", "lovelaceada", True, ("90003",), "pen_and_paper.toml"),
    ("lovelaceadalate_6001_90003_pen_and_paper.toml",          # older Canvas
     "canvas", "6001", "lovelaceada", True, ("90003",), "pen_and_paper.toml"),
    ("obrien_mary_ann_6003_90004_a_1_2.ipynb", "canvas", "6003", "obrien_mary_ann", False, ("90004",), "a_1_2.ipynb"),
    ("anon_x7Qb2_90005_image_classification.ipynb",
     "canvas", "anon_x7Qb2", "", False, ("90005",), "image_classification.ipynb"),
    ("lovelaceada_6001_text.html", "canvas", "6001", "lovelaceada", False, (), "text.html"),
])
def test_flat_files(name, lms, lms_id, who, late, files, original):
    identity, own = flat_file(name)
    assert (identity.lms, identity.lms_id, identity.name, identity.late, identity.files) == (lms, lms_id, who, late, files)
    assert own == original


@pytest.mark.parametrize("name", ["carol_12_image_classification.ipynb", "lms01_pen_and_paper.toml",
                                  "image_classification.ipynb", "ex-2.ipynb", "notes.txt"])
def test_other_files_have_no_identity(name):
    assert flat_file(name) is None


def test_identity_survives_result_json():
    identity = Identity("canvas", "6001", "lovelaceada", late=True, files=("1", "2"))
    assert Identity.from_dict(identity.to_dict()) == identity
    assert Identity.from_dict(None) is None and Identity.from_dict({"lms": "moodle"}) is None


def _touch(path, text="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_moodle_download_folders_flat_files_and_zips(tmp_path):
    _touch(tmp_path / "Ada Lovelace_101_assignsubmission_file" / "submission.zip")
    _touch(tmp_path / "Ada Lovelace_101_assignsubmission_onlinetext" / "onlinetext.html")
    _touch(tmp_path / "Alan Turing_102_assignsubmission_file_image_classification.ipynb")
    _touch(tmp_path / "Alan Turing_102_assignsubmission_file_pen_and_paper.toml")
    _touch(tmp_path / "Grace Hopper_103_assignsubmission_file_" / "MyWork" / "ex2" / "image_classification.ipynb")
    _touch(tmp_path / "plain_student" / "image_classification.ipynb")
    subs, problems = discover(tmp_path)
    found = {s.student: (s.identity and s.identity.key, len(s.paths)) for s in subs}
    assert found == {"Ada Lovelace_101": (("moodle", "101"), 2), "Alan Turing_102": (("moodle", "102"), 2),
                     "Grace Hopper_103": (("moodle", "103"), 1), "plain_student": (None, 1)}
    assert problems == []


def test_ilias_download_nested_in_exercise_and_assignment_folders(tmp_path):
    submissions = tmp_path / "Exercise_2" / "Image_Classification" / "Submissions"
    _touch(submissions / "Lovelace_Ada_alovelace_6001" / "image_classification.ipynb")
    _touch(submissions / "Turing_Alan_aturing_6002" / "Late Submission - image_classification.ipynb")
    _touch(tmp_path / "Exercise_2" / "Image_Classification" / "Image_Classification.xlsx")
    subs, problems = discover(tmp_path)
    assert sorted((s.student, s.identity.login) for s in subs) == [
        ("Lovelace_Ada_alovelace_6001", "alovelace"), ("Turing_Alan_aturing_6002", "aturing")]
    assert problems == ["Exercise_2/Image_Classification/Image_Classification.xlsx: beside the students' folders; ignored"]


def test_canvas_flat_files_group_by_user_and_keep_every_file_id(tmp_path):
    for name in ("lovelaceada_6001_90001_image_classification.ipynb", "lovelaceada_6001_90002_pen_and_paper.toml",
                 "lovelaceada_6001_90004_image_classification-1.ipynb", "turingalan_LATE_6002_90003_work.zip",
                 "anon_x7Qb2_90005_image_classification.ipynb"):
        _touch(tmp_path / name)
    subs, _ = discover(tmp_path)
    by_id = {s.identity.lms_id: s for s in subs}
    assert set(by_id) == {"6001", "6002", "anon_x7Qb2"}
    assert by_id["6001"].identity.files == ("90001", "90002", "90004") and len(by_id["6001"].paths) == 3
    assert by_id["6002"].identity.late and by_id["6002"].student == "turingalan_6002"


def test_a_single_plain_student_is_not_taken_for_a_wrapper(tmp_path):
    _touch(tmp_path / "alice" / "MyWork" / "image_classification.ipynb")
    subs, _ = discover(tmp_path)
    assert [(s.student, s.paths) for s in subs] == [("alice", [tmp_path / "alice"])]


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def test_a_download_all_zip_is_unpacked_with_the_archive_rules(tmp_path):
    good = _zip(tmp_path / "course.zip", [("Ada Lovelace_101_assignsubmission_file/submission.zip", b"PK"),
                                          ("Ada Lovelace_101_assignsubmission_file/ü.txt", b"")])
    root = unpack(good, tmp_path / "out")
    assert (root / "Ada Lovelace_101_assignsubmission_file" / "submission.zip").is_file()
    for hostile in ("../escape.ipynb", "/etc/escape.ipynb", "..\\escape.ipynb", "C:/escape.ipynb"):
        with pytest.raises(SubmissionError, match="unsafe path"):
            unpack(_zip(tmp_path / "bad.zip", [(hostile, b"{}")]), tmp_path / "out")
    assert not (tmp_path / "escape.ipynb").exists() and not (tmp_path / "out" / "escape.ipynb").exists()


def test_utf8_names_without_the_zip_flag_are_read_as_utf8(tmp_path):
    name = "José Núñez_7_assignsubmission_file/x.ipynb".encode()
    placeholder = b"J" * len(name)  # an ASCII name of the same length, replaced by UTF-8 bytes below:
    archive = _zip(tmp_path / "course.zip", [(placeholder.decode(), b"{}")])  # no UTF-8 flag, as old zippers do
    archive.write_bytes(archive.read_bytes().replace(placeholder, name))
    root = unpack(archive, tmp_path / "out")
    assert (root / "José Núñez_7_assignsubmission_file" / "x.ipynb").is_file()


def test_a_download_with_a_file_and_a_folder_of_one_name_is_refused_with_a_message(tmp_path):
    archive = _zip(tmp_path / "course.zip", [("a", b"x"), ("a/b.ipynb", b"{}")])
    with pytest.raises(SubmissionError, match="cannot unpack 'a/b.ipynb'"):
        unpack(archive, tmp_path / "out")


def test_a_rerun_gives_results_graded_before_names_were_read_their_identity(tmp_path):
    import json

    from edf_autograder.batch.run import grade_all

    course = tmp_path / "course"
    _touch(course / "Ada Lovelace_1001_assignsubmission_file" / "pen_and_paper.toml", "x = 1")
    grade_all(course, tmp_path / "out", jobs=1, quick=True)
    result = tmp_path / "out" / "students" / "Ada_Lovelace_1001" / "result.json"
    result.write_text(json.dumps(json.loads(result.read_text()) | {"identity": None}))
    grade_all(course, tmp_path / "out", jobs=1, quick=True)
    assert json.loads(result.read_text())["identity"]["lms_id"] == "1001"
