"""The workbench in a real browser (Playwright on the distribution's Chromium) against the real
server: grade a group, split a student out, apply a rubric entry and change its points, two
tutors in two browser contexts at once, and hostile student text that must not run.

Screenshots go to the test's folder (and to $WORKBENCH_SHOTS when set, to look at them).
Skipped when /usr/bin/chromium or playwright is absent."""
import os
import shutil
import time
from pathlib import Path

import pytest

from edf_autograder.workbench.server import Workbench
from edf_autograder.workbench.store import Decisions
from tests import workbench_batch
from tests.chromium import needs_chromium

WAIT = 60_000  # ms: a bound for every wait on a shared, slow machine

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def graded_batch(tmp_path_factory) -> Path:
    return workbench_batch.with_flags(workbench_batch.graded(tmp_path_factory.mktemp("wb")))


@pytest.fixture
def server(graded_batch, tmp_path):
    """The workbench over a fresh copy of the batch on a free port, stopped after the test."""
    out = Path(shutil.copytree(graded_batch, tmp_path / "out"))
    bench = Workbench(out, port=0).start()
    yield bench, out
    bench.stop()


def page_of(browser, tutor: str, base: str):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(WAIT)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base)
    page.fill("#tutor-name", tutor)
    page.click("form.tutor button")
    page.dialogs = dialogs
    return page


def shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("WORKBENCH_SHOTS"):
        Path(os.environ["WORKBENCH_SHOTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(os.environ["WORKBENCH_SHOTS"]) / path.name)


def group_of(page, student: str):
    return page.locator("section[data-group]", has=page.locator(".student", has_text=student))


def decision(out: Path, safe_id: str, item: str = "2.1c-ii"):
    return Decisions(out).all().get(safe_id, {}).get(item)


def test_grade_a_group_split_a_student_and_use_the_rubric(server, browser, tmp_path):
    bench, out = server
    page = page_of(browser, "ann", bench.url)
    page.goto(bench.url + "item/2.1c-ii")
    group = group_of(page, "alice")
    assert group.locator(".size").inner_text() == "3 answers"
    shot(page, tmp_path, "item-before")

    group.locator("button[data-split]").nth(1).click()  # bob (alphabetical: alice, bob, carol) out
    page.wait_for_selector("text=Back into its group")
    assert group_of(page, "alice").locator(".size").inner_text() == "2 answers"

    group = group_of(page, "alice")
    group.locator("input[name=points]").fill("1")
    group.locator("input[name=comment]").fill("Right: the step overshoots.")
    group.locator("form[data-decide] button[type=submit]").first.click()
    page.wait_for_selector("text=2 answers graded")
    assert decision(out, "alice").points == 1 and decision(out, "carol").tutor == "ann"
    assert decision(out, "bob") is None

    page.fill("input[aria-label='new entry points']", "0.5")
    page.fill("input[aria-label='new entry comment']", "Says it rises, not why.")
    page.click("text=Add rubric entry")
    page.wait_for_selector("text=rubric entry added")
    group_of(page, "bob").locator("button.entry").click()
    page.wait_for_selector("text=1 answer graded")
    assert decision(out, "bob").points == 0.5

    page.fill("input[aria-label^='points of entry']", "0.75")
    page.click("form.inline >> text=Change")
    page.wait_for_selector("text=1 decisions follow it")
    assert decision(out, "bob").points == 0.75
    assert "0.75 by ann" in group_of(page, "bob").inner_text()
    shot(page, tmp_path, "item-after")


def test_keyboard_grades_the_current_group(server, browser, tmp_path):
    bench, out = server
    page = page_of(browser, "kim", bench.url)
    page.goto(bench.url + "item/2.1c-ii")
    page.keyboard.press("n")  # second group: dave and erin ("it decreases")
    assert "dave" in page.locator("section.current").inner_text()
    page.keyboard.press("0")
    page.wait_for_selector("text=2 answers graded")
    assert decision(out, "dave").points == 0 and decision(out, "erin").tutor == "kim"
    page.fill("input[aria-label='new entry points']", "1")
    page.fill("input[aria-label='new entry comment']", "Right, and why.")
    page.click("text=Add rubric entry")
    page.wait_for_selector("text=rubric entry added")
    page.keyboard.press("a")  # the first rubric entry, for the first group (alice, bob, carol)
    page.wait_for_selector("text=3 answers graded")
    assert decision(out, "carol").points == 1 and decision(out, "carol").comment == "Right, and why."


def test_two_tutors_grading_the_same_item_at_once_lose_nothing(server, browser, tmp_path):
    bench, out = server
    ann, ben = page_of(browser, "ann", bench.url), page_of(browser, "ben", bench.url)
    for page in (ann, ben):
        page.goto(bench.url + "item/2.1c-ii")
    group_of(ben, "dave").locator("input[name=points]").fill("0")  # ben grades one group ...
    group_of(ben, "dave").locator("form[data-decide] button[type=submit]").first.click()
    group_of(ann, "alice").locator("input[name=points]").fill("1")  # ... while ann grades another
    group_of(ann, "alice").locator("form[data-decide] button[type=submit]").first.click()
    ben.wait_for_selector("text=2 answers graded")
    ann.wait_for_selector("text=3 answers graded")
    # both open the same group from pages loaded before either decided it: the later one keeps
    # the other's decision instead of silently overwriting it
    for page in (ann, ben):
        page.goto(bench.url + "item/2.1c-ii")
    group_of(ann, "javascript").locator("input[name=points]").fill("1")
    group_of(ann, "javascript").locator("form[data-decide] button[type=submit]").first.click()
    ann.wait_for_selector("text=1 answer graded")
    group_of(ben, "javascript").locator("input[name=points]").fill("0")
    group_of(ben, "javascript").locator("form[data-decide] button[type=submit]").first.click()
    ben.wait_for_selector("text=0 answers graded; 1 answer kept the newer decision of ann")
    decided = Decisions(out).all()
    assert {s: d["2.1c-ii"].tutor for s, d in decided.items()} == {
        "alice": "ann", "bob": "ann", "carol": "ann", "dave": "ben", "erin": "ben", "javascript_alert_1_": "ann"}
    ann.goto(bench.url)
    shot(ann, tmp_path, "progress")
    assert "ann: 4" in ann.inner_text("body") and "ben: 2" in ann.inner_text("body")


def test_student_text_cannot_run_script_in_any_page(server, browser, tmp_path):
    bench, out = server
    page = page_of(browser, "ann", bench.url)
    for path in ("", "item/2.1c-ii", "item/2.1b", "attention", "class", "student/script_alert_1_"):
        page.goto(bench.url + path)
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("document.scripts.length") == 1  # the workbench's own file only
        assert page.evaluate("[...document.querySelectorAll('a[href]')].filter(a => a.href.startsWith('javascript'))"
                             ".length") == 0
        assert page.evaluate("document.querySelectorAll('[onerror], img[src=x]').length") == 0
    page.goto(bench.url + "item/2.1c-ii")
    body = page.inner_text("body")
    assert "<script>window.__pwned = 1</script>" in body and "<script>alert(1)<" in body  # shown as text
    assert page.dialogs == []
    shot(page, tmp_path, "hostile")


def test_needs_a_look_shows_the_handwritten_page_inline(server, browser, tmp_path):
    bench, out = server
    page = page_of(browser, "ann", bench.url)
    page.goto(bench.url + "attention")
    image = page.locator("#s-frank img.page")
    image.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) == 8
    frame = page.locator("#s-paula iframe.page")
    reply = page.request.get(bench.url.rstrip("/") + frame.get_attribute("src"))
    assert reply.headers["content-type"] == "application/pdf" and reply.body().startswith(b"%PDF")
    page.wait_for_timeout(2000)  # the browser's PDF viewer draws the page
    shot(page, tmp_path, "attention")


def test_a_confirmed_flag_with_a_points_change_reaches_the_students_feedback_page(server, browser, tmp_path):
    bench, out = server
    page = page_of(browser, "ann", bench.url)
    page.goto(bench.url + "attention")
    flag = page.locator("#s-alice li.flag-entry", has_text="tampering")
    assert "not decided" in flag.inner_text()
    flag.locator("input[value=confirmed]").check()
    flag.locator("input[name=points]").fill("-1")
    flag.locator("input[name=comment]").fill("Cell 7 replaced Sigmoid.forward: 2.3 was graded on the grader's code.")
    flag.locator("button[type=submit]").click()
    page.wait_for_selector("text=tamper flag confirmed with -1 points on the total")
    assert "confirmed by ann" in page.locator("li.flag-entry").inner_text()
    shot(page, tmp_path, "flag-decided")
    deadline = time.monotonic() + WAIT / 1000  # the server writes the student's pages a few seconds later
    while Decisions(out).dirty() and time.monotonic() < deadline:
        time.sleep(0.5)
    page.goto((out / "students" / "alice" / "feedback.html").as_uri())
    text = page.locator("div.flags").inner_text()
    assert "Tutor: confirmed, -1 points on the total: Cell 7 replaced Sigmoid.forward" in text
    shot(page, tmp_path, "feedback-flag")
