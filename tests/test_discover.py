"""Submissions are found as folders, zips or flat LMS exports; odd entries are listed."""
from edf_autograder.intake.discover import discover


def test_folders_zips_and_flat_exports(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "bob.zip").write_bytes(b"PK")
    (tmp_path / "carol_12_pcl_binary_classification.ipynb").write_text("{}")
    (tmp_path / "carol_12_image_classification.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("hello")
    subs, problems = discover(tmp_path)
    found = {s.student: len(s.paths) for s in subs}
    assert found == {"alice": 1, "bob": 1, "carol_12": 2}
    assert any("notes.txt" in p for p in problems)


def test_hostile_ids_get_safe_unique_names(tmp_path):
    for name in ("=cmd", "+cmd", "<script>x", "a\tb"):
        (tmp_path / name).mkdir()
    subs, _ = discover(tmp_path)
    safe = [s.safe_id for s in subs]
    assert len(set(safe)) == len(safe)
    assert all(s[0] not in "=+-@" and "<" not in s and "\t" not in s and "/" not in s for s in safe)


def test_flat_files_renamed_by_a_browser_or_an_lms_still_belong_to_their_student(tmp_path):
    for name in ("carol_pcl_binary_classification (1).ipynb", "carol_image_classification-2.ipynb",
                 "dave_image_classification.ipynb", "Copy of dave_pen_and_paper.toml"):
        (tmp_path / name).write_text("{}")
    subs, problems = discover(tmp_path)
    assert {s.student: len(s.paths) for s in subs} == {"carol": 2, "dave": 2} and not problems
