"""Handwritten 2.1: pages handed in instead of, or besides, pen_and_paper.toml are kept with
the student's outputs, linked from the feedback page and review_queue.csv, and every 2.1
item waits for a tutor; the summary counts how 2.1 was handed in."""
import csv
import json
import zipfile
from pathlib import Path

from edf_autograder.batch.run import grade_all
from edf_autograder.intake.stage import stage
from edf_ex2.data import resolve
from edf_ex2.exercise import EXERCISE, REFERENCE

PDF = (Path(__file__).parent / "answer_files" / "handwritten_pdf" / "pen_and_paper.pdf").read_bytes()
JPG = (Path(__file__).parent / "answer_files" / "handwritten_photo" / "pen_and_paper.jpg").read_bytes()
ANSWERS = (REFERENCE / "pen_and_paper.toml").read_text()


def test_staging_keeps_handwritten_pages_under_safe_names(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pen_and_paper.pdf").write_bytes(PDF)
    (sub / "Pen and Paper page 2 (1).JPG").write_bytes(JPG)
    (sub / "holiday.jpg").write_bytes(JPG)  # not 2.1
    staged = stage(sub, tmp_path / "work", EXERCISE, resolve(None), quick=True)
    assert sorted(p.name for p in staged.handwritten) == ["Pen_and_Paper_page_2_1_.JPG", "pen_and_paper.pdf"]
    assert all(p.read_bytes() in (PDF, JPG) and not p.is_relative_to(staged.workdir) for p in staged.handwritten)


def _course(root: Path) -> None:
    root.mkdir()
    (root / "paper_only").mkdir()
    (root / "paper_only" / "pen_and_paper.pdf").write_bytes(PDF)
    with zipfile.ZipFile(root / "zipped_both.zip", "w") as zf:
        zf.writestr("pen_and_paper.toml", ANSWERS)
        zf.writestr("scans/pen_and_paper.jpg", JPG)
    (root / "lms7_pen_and_paper.pdf").write_bytes(PDF)  # a flat export, both files
    (root / "lms7_pen_and_paper.toml").write_text(ANSWERS)
    (root / "typed").mkdir()
    (root / "typed" / "pen_and_paper.toml").write_text(ANSWERS)


def test_a_batch_links_handwritten_pages_and_queues_every_2_1_item(tmp_path):
    _course(tmp_path / "course")
    out = tmp_path / "out"
    assert grade_all(tmp_path / "course", out, jobs=2, quick=True) == 0
    student = out / "students" / "paper_only"
    assert (student / "handwritten" / "pen_and_paper.pdf").read_bytes() == PDF
    assert (out / "students" / "zipped_both" / "handwritten" / "pen_and_paper.jpg").read_bytes() == JPG
    record = json.loads((student / "result.json").read_text())
    assert record["answer_sheet"] == {"file": None, "handwritten": ["pen_and_paper.pdf"], "section": "2.1"}
    assert [i["status"] for i in record["items"] if i["section"] == "2.1"] == ["manual"] * 9
    assert 'href="handwritten/pen_and_paper.pdf"' in (student / "feedback.html").read_text()

    with open(out / "review_queue.csv", newline="", encoding="utf-8-sig") as fh:
        queue = [row for row in csv.DictReader(fh) if row["safe_id"] == "paper_only"]
    items = [row for row in queue if not row["item"].startswith("flag:")]
    assert len(items) == 9 and {row["file"] for row in items} == {"students/paper_only/handwritten/pen_and_paper.pdf"}
    # no notebook: no automatic grade at all, and a row says why (issue 19: nothing silently ungraded)
    assert [row["item"] for row in queue if row["item"].startswith("flag:")] == ["flag:ungraded"]

    summary = (out / "summary.html").read_text()
    assert 'href="students/paper_only/handwritten/pen_and_paper.pdf"' in summary
    counts = {label: summary.split(label)[1].split("</td>")[0].rsplit(">", 1)[1]
              for label in ("answer file only", "handwritten (PDF or photos) only", "both</th>")}
    assert counts == {"answer file only": "1", "handwritten (PDF or photos) only": "1", "both</th>": "2"}
