"""The tutors' workbench without a browser: grouping, the decisions store (concurrent tutors,
rubric entries, a killed server), the reports reading the store, `review import` landing in
it, the HTTP layer's guards, and the two follow-ups (Moodle's folder name, summary's "–")."""
import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from edf_autograder.reports import html
from edf_autograder.workbench import decide, grouping, overview, scores
from edf_autograder.workbench.app import create_app
from edf_autograder.workbench.batch import Batch
from edf_autograder.workbench.decide import ReviewError
from edf_autograder.workbench.publish import publish
from edf_autograder.workbench.store import Decisions, StoreError
from tests import workbench_batch

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graded_batch(tmp_path_factory) -> Path:
    return workbench_batch.with_flags(workbench_batch.graded(tmp_path_factory.mktemp("wb")))


@pytest.fixture
def out(graded_batch, tmp_path) -> Path:
    """A fresh copy of the graded batch for each test."""
    return Path(shutil.copytree(graded_batch, tmp_path / "out"))


def answers_to(out: Path, item: str) -> dict:
    return {a.safe_id: a for a in Batch(out).refresh().items[item].answers}


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


# ---- grouping ------------------------------------------------------------------------------

def A(safe_id, text, tag=""):
    return grouping.Answer(safe_id, safe_id, text, 0.5, 1, "manual", "", [], f"b-{safe_id}", tag)


def test_answers_group_identical_first_then_near_duplicates_numbers_by_value():
    groups = grouping.group("x", [A("a", "The loss increases: the rate is too high."),
                                  A("b", "the loss INCREASES - the rate is too high!"),
                                  A("c", "The loss increases; the rate is much too high"), A("d", "0.5"), A("e", ",50"),
                                  A("f", "5e-1"), A("g", "It decreases."), A("h", None), A("i", "0.5", tag="other")])
    found = {tuple(sorted(x.safe_id for x in g.answers)): g.kind for g in groups}
    assert found == {("a", "b", "c"): "near", ("d", "e", "f"): "number", ("g",): "same", ("h",): "alone",
                     ("i",): "number"}
    assert [g.kind for g in grouping.group("x", [A("a", "same"), A("b", "same")], apart={"b"})] == ["same", "split"]


def test_a_split_student_stands_alone_and_near_duplicates_never_chain():
    groups = grouping.group("x", [A("a", "alpha beta gamma"), A("b", "alpha beta gamma"), A("c", "alpha beta gamma")],
                            apart={"b"})
    assert [sorted(x.safe_id for x in g.answers) for g in groups] == [["a", "c"], ["b"]]
    words = "one two three four five six seven eight nine ten".split()
    chain = [" ".join(words[:10 - k] + ["x"] * k) for k in range(6)]  # each a small edit of the one before
    groups = grouping.group("x", [A(str(k), t) for k, t in enumerate(chain)])
    assert len(groups) > 1


def test_the_batch_groups_the_example_answers(out):
    groups = Batch(out).refresh().groups("2.1c-ii", set())
    members = [sorted(a.safe_id for a in g.answers) for g in groups]
    assert ["alice", "bob", "carol"] in members and ["dave", "erin"] in members
    assert ["frank"] in members  # handwritten: nothing to compare, its own group with its page
    frank = next(g for g in groups if g.leader.safe_id == "frank")
    assert frank.leader.text is None and frank.leader.files == ["students/frank/handwritten/pen_and_paper.png"]


# ---- the store -----------------------------------------------------------------------------

def test_a_group_decision_never_overwrites_a_newer_one_of_another_tutor(out):
    store, answers = Decisions(out), answers_to(out, "2.1c-ii")
    group = {s: answers[s].basis for s in ("alice", "bob", "carol")}
    seen = store.revision()  # both tutors opened the page now
    assert decide.decide(store, "2.1c-ii", {"bob": group["bob"]}, points=0.5, comment="half", max_points=1,
                         tutor="ben", seen=seen).written == ["bob"]
    done = decide.decide(store, "2.1c-ii", group, points=1, comment="right", max_points=1, tutor="ann", seen=seen)
    assert done.written == ["alice", "carol"] and done.kept == [("bob", "ben")]
    decided = store.all()
    assert {s: (d["2.1c-ii"].points, d["2.1c-ii"].tutor) for s, d in decided.items()} == {
        "alice": (1, "ann"), "bob": (0.5, "ben"), "carol": (1, "ann")}
    with store.read() as db:
        assert db.execute("SELECT COUNT(*) FROM history").fetchone()[0] == 3


def test_a_rubric_entry_changes_every_decision_that_used_it(out):
    store, answers = Decisions(out), answers_to(out, "2.1c-ii")
    entry = decide.add_entry(store, "2.1c-ii", 1, "The step overshoots: the rate is too high.", max_points=1,
                             tutor="ann")
    decide.decide(store, "2.1c-ii", {s: answers[s].basis for s in ("alice", "bob")}, points=None, max_points=1,
                  tutor="ann", rubric_id=entry.id)
    decide.decide(store, "2.1c-ii", {"dave": answers["dave"].basis}, points=0, comment="no", max_points=1, tutor="ann")
    assert sorted(decide.change_entry(store, entry.id, points=0.5, comment=None, max_points=1, tutor="ann")) == \
        ["alice", "bob"]
    decided = store.all()
    assert [decided[s]["2.1c-ii"].points for s in ("alice", "bob", "dave")] == [0.5, 0.5, 0]
    assert decided["alice"]["2.1c-ii"].comment == "The step overshoots: the rate is too high."
    with pytest.raises(ReviewError, match="between 0 and 1"):
        decide.change_entry(store, entry.id, points=3, comment=None, max_points=1, tutor="ann")
    with pytest.raises(ReviewError, match="needs a comment"):
        decide.add_entry(store, "2.1c-ii", 1, "  ", max_points=1, tutor="ann")


def test_a_decision_holds_only_for_the_answer_it_was_taken_for(out):
    store, answers = Decisions(out), answers_to(out, "2.1c-ii")
    decide.decide(store, "2.1c-ii", {"alice": answers["alice"].basis}, points=1, max_points=1, tutor="ann")
    record = json.loads((out / "students" / "alice" / "result.json").read_text())
    assert next(i for i in scores.reviewed_record(out, record)["items"] if i["id"] == "2.1c-ii")["status"] == "pass"
    changed = next(i for i in record["items"] if i["id"] == "2.1c-ii")
    changed["data"]["answer"] = "a new answer, handed in again"
    assert next(i for i in scores.reviewed_record(out, record)["items"] if i["id"] == "2.1c-ii")["status"] == "manual"


def test_a_store_of_another_schema_or_no_sqlite_is_refused_with_its_name(tmp_path):
    db = sqlite3.connect(tmp_path / "review.sqlite")
    db.executescript("CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('schema_version', '99');")
    db.close()
    with pytest.raises(StoreError, match=r"review\.sqlite: decisions schema version 99"):
        Decisions(tmp_path)
    (tmp_path / "review.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="review.sqlite"):
        Decisions(tmp_path)


# ---- the reports read the store ------------------------------------------------------------

def test_decisions_reach_grades_feedback_gradescope_and_junit(out):
    store, answers = Decisions(out), answers_to(out, "2.1c-ii")
    comment = "Right: <script>alert(2)</script> the rate is too high."
    decide.decide(store, "2.1c-ii", {"alice": answers["alice"].basis}, points=1, comment=comment, max_points=1,
                  tutor="ann")
    assert publish(out) == ["alice"] and store.dirty() == {}
    grades = {r["safe_id"]: r for r in read_csv(out / "grades.csv")}
    assert grades["alice"]["2.1c-ii"] == "1.0" and grades["bob"]["2.1c-ii"] == ""
    folder = out / "students" / "alice"
    page = (folder / "feedback.html").read_text()
    assert "the rate is too high" in page and "&lt;script&gt;alert(2)" in page and "<script>alert(2)" not in page
    test = next(t for t in json.loads((folder / "results.json").read_text())["tests"] if t["number"] == "2.1c-ii")
    assert test["status"] == "passed" and test["score"] == 1 and "the rate is too high" in test["output"]
    assert 'name="2.1c-ii' in (folder / "junit.xml").read_text()
    assert "override" not in json.dumps(json.loads((folder / "result.json").read_text())["items"])
    assert "alice" not in {r["safe_id"] for r in read_csv(out / "review_queue.csv") if r["item"] == "2.1c-ii"}


def test_review_import_lands_in_the_same_store(out):
    path = out / "scores.csv"
    path.write_text("safe_id,item,score,comment,tutor\nbob,2.1c-ii,0.5,too short,carl\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "grader.py"), "review", "import", str(path), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "row 2: 'bob' 2.1c-ii = 0.5/1" in done.stderr
    decision = Decisions(out).all()["bob"]["2.1c-ii"]
    assert (decision.points, decision.tutor, decision.source) == (0.5, "carl", "csv:scores.csv")
    assert {r["safe_id"]: r for r in read_csv(out / "grades.csv")}["bob"]["2.1c-ii"] == "0.5"


# ---- the HTTP layer ------------------------------------------------------------------------

def test_posts_need_the_servers_form_secret_and_remote_binds_a_token(out):
    client = create_app(out).test_client()
    answers = answers_to(out, "2.1c-ii")
    assert client.post("/item/2.1c-ii/decide", data={"student": "alice", "points": "1"}).status_code == 400
    page = client.get("/item/2.1c-ii").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    reply = client.post("/item/2.1c-ii/decide", data={"student": "alice", "points": "1", "csrf": csrf})
    assert reply.status_code == 303 and Decisions(out).all()["alice"]["2.1c-ii"].basis == answers["alice"].basis
    locked = create_app(out, token="s3cret").test_client()
    assert locked.get("/").status_code == 403
    assert locked.get("/?token=s3cret").status_code == 302 and locked.get("/").status_code == 200
    with client.get("/file/frank/pen_and_paper.png") as photo:
        assert photo.headers["Content-Type"] == "image/png" and photo.data.startswith(b"\x89PNG")
        assert "sandbox" in photo.headers["Content-Security-Policy"]
    assert client.get("/file/frank/..%2Fresult.json").status_code == 404
    assert client.get("/file/alice/result.json").status_code == 404


def _serve(out: Path) -> tuple[subprocess.Popen, str]:
    """`grader.py review serve OUT` on a free port; its log goes to a file (a pipe could fill)."""
    log = out.parent / f"serve-{time.monotonic_ns()}.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, str(ROOT / "grader.py"), "review", "serve", str(out), "--port", "0"],
                                stderr=fh, text=True)
    deadline = time.monotonic() + 120
    while not (url := re.search(r"open (http://\S+/)", log.read_text())) and time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        time.sleep(0.2)
    assert url, log.read_text()
    return proc, url[1]


def test_killing_the_server_loses_no_acknowledged_decision(out):
    proc, url = _serve(out)
    try:
        page = urllib.request.urlopen(url + "item/2.1c-ii", timeout=60).read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
        body = urllib.parse.urlencode([("csrf", csrf), ("student", "dave"), ("student", "erin"), ("points", "0"),
                                       ("comment", "it increases")]).encode()
        reply = urllib.request.urlopen(url + "item/2.1c-ii/decide", data=body, timeout=60)
        assert reply.status == 200 and "2 answers graded" in reply.read().decode()  # acknowledged
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    decided = Decisions(out).all()
    assert decided["dave"]["2.1c-ii"].points == 0 and decided["erin"]["2.1c-ii"].comment == "it increases"
    proc, url = _serve(out)  # the next start writes the pages the killed server may not have written
    try:
        deadline = time.monotonic() + 120
        while Decisions(out).dirty() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "it increases" in (out / "students" / "dave" / "feedback.html").read_text()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)


# ---- follow-ups ----------------------------------------------------------------------------

def test_summary_shows_a_dash_for_a_manual_item_nobody_decided(out):
    records = scores.reviewed_records(out)
    for r in records:  # every 2.3b row "not found" but one waiting for a tutor, as in a course batch
        item = next(i for i in r["items"] if i["id"] == "2.3b")
        item["status"] = "manual" if r["safe_id"] == "alice" else "not found"
    stats = {s["id"]: s for s in html._item_stats(records)}
    assert stats["2.3b"]["pass_rate"] is None and stats["2.3b"]["mean"] is None
    assert stats["2.1a-i"]["pass_rate"] is not None


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_cli_serve_refuses_a_folder_that_was_not_graded(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "grader.py"), "review", "serve", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no graded students here" in done.stderr


def test_an_override_an_older_grader_wrote_into_result_json_counts_until_a_tutor_decides(out):
    path = out / "students" / "bob" / "result.json"
    record = json.loads(path.read_text())
    item = next(i for i in record["items"] if i["id"] == "2.1c-ii")
    item.update(points=0.25, status="fail", override={"score": 0.25, "comment": "old import",
                                                      "previous": {"status": "manual", "points": item["points"]}})
    shown = next(i for i in scores.reviewed(record, {})["items"] if i["id"] == "2.1c-ii")
    assert (shown["points"], shown["override"]["comment"]) == (0.25, "old import")
    path.write_text(json.dumps(record))
    answer = answers_to(out, "2.1c-ii")["bob"]  # grouped by the grader's own result, not the old override
    assert answer.status == "manual"
    decide.decide(Decisions(out), "2.1c-ii", {"bob": answer.basis}, points=1, max_points=1, tutor="ann")
    shown = next(i for i in scores.reviewed_record(out, record)["items"] if i["id"] == "2.1c-ii")
    assert (shown["points"], shown["override"]["tutor"]) == (1, "ann")


def test_class_overview_draws_the_limit_and_lists_the_students_near_it():
    def record(name, value):
        return {"safe_id": name, "student": name, "items": [
            {"id": "2.3a-error", "title": "test error", "data": {"measured": value, "limit": 12.9, "unit": "% error"}},
            {"id": "2.3b", "title": "free text", "data": {"answer": "90 %"}}]}
    measures = overview.measures([record("a", 5.0), record("b", 12.0), record("c", 14.0), record("d", 30.0)])
    assert [m.item for m in measures] == ["2.3a-error"]
    m = measures[0]
    assert [who for _, who, _ in m.near] == ["b", "c"]  # within 10 % of 12.9, either side
    bars = m.histogram()
    assert sum(bars["counts"]) == 4 and 0 < bars["limit_at"] < 1


def test_near_duplicates_must_share_ideas_numbers_and_negation():
    def said(safe_id, text, ideas=()):
        return grouping.Answer(safe_id, safe_id, text, 0.5, 1, "manual", "", list(ideas), f"b-{safe_id}")
    groups = grouping.group("x", [
        said("a", "The loss increases here", ["increas"]), said("b", "The loss decreases here"),  # a few letters apart
        said("c", "about 90 % error by chance"), said("d", "about 10 % error by chance"),
        said("e", "it does converge in the end"), said("f", "it does not converge in the end"),
        said("g", "it does converge in the end!"), said("h", "it does converge at the end")])
    together = sorted(tuple(sorted(a.safe_id for a in g.answers)) for g in groups)
    assert together == [("a",), ("b",), ("c",), ("d",), ("e", "g", "h"), ("f",)]


# ---- flags, appeals, the one-line race message (issue 24) ----------------------------------

def _client(out: Path, tutor: str):
    client = create_app(out).test_client()
    client.set_cookie("wb_tutor", tutor)
    page = client.get("/").get_data(as_text=True)
    return client, re.search(r'name="csrf" value="([^"]+)"', page)[1]


def _forms(page: str, action: str) -> list[str]:
    """The bodies of the page's forms posting to an action matching `action` (a regex)."""
    return re.findall(r'<form method="post" action="(' + action + r')"(.*?)</form>', page, re.S)


def _decide_every_group(client, csrf: str, out: Path) -> int:
    """Grade every group of every item through the item pages' forms; returns the answers graded."""
    graded = 0
    for item_id in sorted(Batch(out).refresh().items):
        page = client.get(f"/item/{item_id}").get_data(as_text=True)
        for action, body in _forms(page, r"/item/[^\"]+/decide"):
            students = re.findall(r'name="student" value="([^"]+)"', body)
            top = float(re.search(r'name="points" type="number" min="0" max="([^"]+)"', body)[1])
            data = {"csrf": csrf, "seen": re.search(r'name="seen" value="(\d+)"', body)[1], "student": students,
                    "points": str(top / 2), "comment": "graded in the test"}
            reply = client.post(action, data=data)
            assert reply.status_code == 303
            graded += len(students)
    return graded


def _decide_every_flag(client, csrf: str) -> dict[str, str]:
    """Decide every flag shown on "Needs a look": alice's tamper confirmed (-1 on the total),
    carol's label leak confirmed on an item with an internal note, everything else cleared."""
    page = client.get("/attention").get_data(as_text=True)
    decided = {}
    for action, body in _forms(page, r"/student/[^/\"]+/flag"):
        flag = re.search(r'name="flag" value="([^"]+)"', body)[1]
        data = {"csrf": csrf, "flag": flag, "verdict": "cleared", "comment": "nothing wrong"}
        if flag.startswith("tamper"):
            data.update(verdict="confirmed", points="-1", comment="<script>alert(3)</script> replaced Sigmoid")
        elif flag.startswith("mismatch"):
            data.update(verdict="confirmed", points="-0.5", target="2.1a-i", comment="seen the labels", internal="1")
        assert client.post(action, data=data).status_code == 303
        decided[flag] = data["verdict"]
    return decided


def test_every_group_and_flag_decided_in_the_app_leaves_the_review_queue_empty(out):
    before = {r["safe_id"]: r for r in read_csv(out / "grades.csv")}
    assert any(r["item"].startswith("flag:tamper") for r in read_csv(out / "review_queue.csv"))
    client, csrf = _client(out, "ann")
    assert _decide_every_group(client, csrf, out) > 20
    decided = _decide_every_flag(client, csrf)
    assert sorted(decided.values()) == ["cleared", "cleared", "confirmed", "confirmed"]
    publish(out, everyone=True)
    assert read_csv(out / "review_queue.csv") == []
    grades = {r["safe_id"]: r for r in read_csv(out / "grades.csv")}
    alice_before = float(before["alice"]["score"]) + sum(  # her items a tutor graded count now
        float(grades["alice"][i]) for i in ("2.1b", "2.1c-ii", "2.1c-iii"))
    assert float(grades["alice"]["score"]) == pytest.approx(alice_before - 1)  # the tamper flag, on the total
    assert float(grades["carol"]["2.1a-i"]) == 0.5  # the label leak, on one item
    page = (out / "students" / "alice" / "feedback.html").read_text()
    assert "confirmed, -1 points on the total" in page and "&lt;script&gt;alert(3)" in page
    assert "<script>alert(3)" not in page
    carol = (out / "students" / "carol" / "feedback.html").read_text()
    assert "confirmed, -0.5 points on 2.1a-i" in carol and "seen the labels" not in carol  # internal
    assert "seen the labels" in client.get("/student/carol").get_data(as_text=True)  # tutors see it
    from edf_autograder.integrations.lms import match
    exported = {g.record["safe_id"]: g for g in match.graded(out, "reviewed")}
    assert exported["alice"].score == pytest.approx(float(grades["alice"]["score"]))
    assert "tamper confirmed (-1 points)" in match.comment(exported["alice"])
    results = json.loads((out / "students" / "alice" / "results.json").read_text())
    assert "tutor: confirmed, -1 points on the total" in results["output"]
    assert results["score"] == pytest.approx(float(grades["alice"]["score"]))
    history = client.get("/student/alice").get_data(as_text=True)
    assert "flag:tamper" in history and "confirmed on the total" in history


def test_a_flag_decided_again_keeps_every_earlier_decision_in_its_history(out):
    client, csrf = _client(out, "ann")
    page = client.get("/student/alice").get_data(as_text=True)
    flag = re.search(r'name="flag" value="(tamper-[^"]+)"', page)[1]
    client.post("/student/alice/flag", data={"csrf": csrf, "flag": flag, "verdict": "confirmed", "points": "-2"})
    client.set_cookie("wb_tutor", "ben")
    client.post("/student/alice/flag", data={"csrf": csrf, "flag": flag, "verdict": "cleared", "comment": "fine"})
    reply = client.post("/student/alice/flag", data={"csrf": csrf, "flag": flag, "verdict": "confirmed", "points": "-99"})
    assert "more than the total holds" in urllib.parse.unquote_plus(reply.headers["Location"])
    assert Decisions(out).flags()["alice"][flag].verdict == "cleared"
    rows = [(h["tutor"], h["verdict"], h["points"]) for h in Decisions(out).history("alice")]
    assert rows == [("ben", "cleared", 0), ("ann", "confirmed", -2)]


def test_an_override_survives_a_regrade_unless_the_answer_changed(out, graded_batch, tmp_path):
    from edf_autograder.batch.run import grade_all
    course = Path(shutil.copytree(graded_batch.parent / "course", tmp_path / "course"))
    client, csrf = _client(out, "ann")
    refused = client.post("/student/alice/override", data={"csrf": csrf, "item": "2.1a-i", "points": "0"})
    assert "needs a reason" in urllib.parse.unquote_plus(refused.headers["Location"])
    client.post("/student/alice/override", data={"csrf": csrf, "item": "2.1a-i", "points": "0",
                                                  "reason": "appeal: <b>x > c</b> was copied from the board"})
    publish(out)

    def shown() -> dict:
        return next(i for i in scores.reviewed_records(out)[0:] if i["safe_id"] == "alice")

    def item(record: dict) -> dict:
        return next(i for i in record["items"] if i["id"] == "2.1a-i")

    assert item(shown())["points"] == 0 and item(shown())["override"]["tutor"] == "ann"
    page = (out / "students" / "alice" / "feedback.html").read_text()
    assert "appeal: &lt;b&gt;x &gt; c&lt;/b&gt; was copied" in page
    assert "appeal: " in client.get("/student/alice").get_data(as_text=True)  # the history shows it
    grade_all(course, out, quick=True, regrade=True, only=["alice"])  # the same answer, graded again
    assert item(shown())["points"] == 0 and "stale_override" not in item(shown())
    assert not any(r["safe_id"] == "alice" and r["item"] == "2.1a-i" for r in read_csv(out / "review_queue.csv"))
    toml = course / "alice" / "pen_and_paper.toml"
    toml.write_text(toml.read_text().replace('i = "1 if x > c else 0"', 'i = "1 if x >= c else 0"'))
    grade_all(course, out, quick=True, regrade=True, only=["alice"])  # a changed answer
    assert item(shown())["points"] == 1 and item(shown())["stale_override"]["score"] == 0
    row = next(r for r in read_csv(out / "review_queue.csv") if r["safe_id"] == "alice" and r["item"] == "2.1a-i")
    assert "the answer changed since ann set 0 points" in row["message"]
    assert "override dropped: the answer changed" in client.get("/student/alice").get_data(as_text=True)
    assert "Overrides to decide again" in client.get("/attention").get_data(as_text=True)


def test_two_tutors_on_one_group_get_one_line_saying_whose_decision_was_kept(out):
    client, csrf = _client(out, "ann")
    page = client.get("/item/2.1c-ii").get_data(as_text=True)
    seen = re.search(r'name="seen" value="(\d+)"', page)[1]
    answers = answers_to(out, "2.1c-ii")
    decide.decide(Decisions(out), "2.1c-ii", {s: answers[s].basis for s in ("bob", "carol")}, points=0.5,
                  max_points=1, tutor="ben")  # after ann's page was loaded
    reply = client.post("/item/2.1c-ii/decide", data={"csrf": csrf, "seen": seen, "points": "1",
                                                     "student": ["alice", "bob", "carol"]}, follow_redirects=True)
    page = reply.get_data(as_text=True)
    message = re.findall(r'<p class="message" role="status">(.*?)</p>', page, re.S)
    assert message == ["1 answer graded; 2 answers kept the newer decision of ben (taken after this page was opened)"]
    many = decide.Outcome(written=["a"], kept=[(f"s{n}", "ben" if n % 2 else "carl") for n in range(22)])
    assert many.note() == "1 answer graded; 22 answers kept the newer decision of ben, carl (taken after this page " \
                          "was opened)"


def test_student_text_and_comments_are_escaped_on_the_workbenchs_pages(out):
    client, csrf = _client(out, "<script>alert(4)</script>")
    flag = re.search(r'name="flag" value="(intake-[^"]+)"',
                     client.get("/student/script_alert_1_").get_data(as_text=True))[1]
    client.post("/student/script_alert_1_/flag", data={"csrf": csrf, "flag": flag, "verdict": "cleared",
                                                       "comment": "<script>alert(5)</script>"})
    for path in ("/student/script_alert_1_", "/attention"):
        page = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page  # the flag's message, a student's text
        assert "&lt;script&gt;alert(5)&lt;/script&gt;" in page and "&lt;script&gt;alert(4)" in page
        assert len(re.findall(r"<script", page)) == 1  # the workbench's own file


def test_a_version_1_store_is_upgraded_and_keeps_its_decisions(out):
    answers = answers_to(out, "2.1c-ii")
    decide.decide(Decisions(out), "2.1c-ii", {"alice": answers["alice"].basis}, points=1, max_points=1, tutor="ann")
    db = sqlite3.connect(out / "review.sqlite")
    db.executescript("DROP TABLE flag_decisions; ALTER TABLE history DROP COLUMN verdict;"
                     "ALTER TABLE history DROP COLUMN target; ALTER TABLE history DROP COLUMN internal;"
                     "UPDATE meta SET value='1' WHERE key='schema_version';")
    db.close()
    store = Decisions(out)
    assert store.all()["alice"]["2.1c-ii"].points == 1 and store.flags() == {}
    with store.read() as db:
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "2"


def test_an_items_fingerprint_follows_the_cells_it_was_graded_on():
    from edf_autograder.workbench.fingerprint import item_digests

    def notebook(*sources):
        return json.dumps({"cells": [{"cell_type": "code", "source": s} for s in sources]})
    record = {"items": [{"id": "x", "where": "nb.ipynb, cell 2 (built in cell 1)", "message": "ok"},
                        {"id": "y", "where": "", "message": "not found"}]}
    first = item_digests(record, {"nb.ipynb": notebook("a = 1", "b = a", "c = 3")})
    same = item_digests(record, {"nb.ipynb": notebook("a = 1", "b = a", "c = 4")})
    changed = item_digests(record, {"nb.ipynb": notebook("a = 2", "b = a", "c = 3")})
    assert first["x"] == same["x"] != changed["x"]
    assert first["y"] != same["y"]  # no cells named: any change of the notebooks asks again


def test_a_pen_and_paper_items_fingerprint_follows_the_files_handed_in():
    from edf_autograder.workbench.fingerprint import item_digests
    record = {"answer_sheet": {"section": "2.1"}, "items": [{"id": "2.1a-i", "section": "2.1", "where": "",
                                                              "message": "right"}]}
    typed = item_digests(record, {}, b"[a]\ni = '1'")
    assert typed == item_digests(record, {"nb.ipynb": "{}"}, b"[a]\ni = '1'")  # a notebook is not its evidence
    assert typed != item_digests(record, {}, b"[a]\ni = '2'")
    drawn = item_digests(record, {"handwritten/p.png": b"one"})
    assert drawn != item_digests(record, {"handwritten/p.png": b"two"})  # a new photo asks again
