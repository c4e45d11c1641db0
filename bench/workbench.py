#!/usr/bin/env python3
"""The tutors' workbench on a synthetic course of 300 students, built from graded example
results (their records copied, the free-text answers reworded, measured values varied): the
time to group every item's answers, and each workbench page's response time through the real
server, as a ratio to the 1 s target (goal: every ratio below 1).

    python bench/workbench.py [--from OUT] [--students 300] [--seed 0]

--from takes a graded output folder (e.g. of `grader.py grade submissions --out OUT`);
without it the tests' small pen-and-paper batch is graded first (quick mode, seconds).
"""
import argparse
import copy
import json
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edf_autograder.batch.store import Store  # noqa: E402
from edf_autograder.exercise import load  # noqa: E402
from edf_autograder.reports import html  # noqa: E402
from edf_autograder.workbench.batch import Batch  # noqa: E402
from edf_autograder.workbench.server import Workbench  # noqa: E402

TARGET = 1.0  # seconds per page
PHRASES = {  # a few answers in different words, as a course writes them
    "2.1b": ["e^c cancels in numerator and denominator", "the common factor e^c cancels out",
             "multiply top and bottom by e^c, it cancels", "softmax is shift invariant", "no idea"],
    "2.1c-ii": ["No, the loss increases: the learning rate is too high", "the loss goes up because the step is too big",
                "No. It increases, learning rate too large", "yes it decreases", "the loss increases"],
    "2.1c-iii": ["dying ReLU: negative inputs get zero gradient", "points with negative pre-activation do not contribute",
                 "the gradient is zero for some points", "ReLU kills the gradient", "nothing special"],
    "2.3b": ["about 90 % error, random guessing over 10 classes", "90%: chance level", "around 0.9",
             "10 % accuracy, so 90 % error", "50 %"],
    "2.3i": ["overfitting: too many parameters", "the model memorises the training data", "overfitting",
             "more capacity than data, generalises worse", "the learning rate is too high"],
}


def _ideas() -> dict[str, list[str]]:
    """The patterns the checks look for (the key ideas the workbench shows and groups by)."""
    from edf_ex2 import key
    from edf_ex2.s2_3_inline_questions import QUESTIONS

    words = key.load()["keywords"]
    return {"2.1b": words["b"], "2.1c-ii": words["c_ii"], "2.1c-iii": words["c_iii"],
            "2.3b": QUESTIONS["2.3b"][1], "2.3i": QUESTIONS["2.3i"][1]}


IDEAS = _ideas()


def reword(text: str, rng: random.Random) -> str:
    """The same answer as another student types it: case, punctuation, a filler word, a typo."""
    roll = rng.random()
    if roll < 0.3:
        return text.upper() if rng.random() < 0.2 else text.capitalize() + rng.choice([".", "!", ""])
    if roll < 0.6:
        return rng.choice(["I think ", "Answer: ", "", "Well, "]) + text
    if roll < 0.8 and len(text) > 8:
        k = rng.randrange(len(text) - 1)
        return text[:k] + text[k + 1] + text[k] + text[k + 2:]  # two letters swapped
    return f"{text} ({rng.randrange(1000)})" if roll > 0.97 else text  # now and then something unlike any other


def synthesise(source: Path, out: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    templates = [r for r in Store(source).all()]
    if not templates:
        raise SystemExit(f"{source}: no graded students")
    store = Store(out)
    # the plots a batch run keeps beside each feedback page (a decision re-renders the page, not them)
    exercise = load((templates[0].get("exercise") or {}).get("name"))
    drawn = [html._figures(t, exercise, None) for t in templates]
    for k in range(n):
        record = copy.deepcopy(templates[k % len(templates)])
        record.update(safe_id=f"s{k:03d}", student=f"Student {k:03d}", submission=f"Student {k:03d}")
        cache = {"key": record.get("key"), "figures": drawn[k % len(templates)]}
        (store.folder(record["safe_id"]) / html.FIGURE_CACHE).parent.mkdir(parents=True, exist_ok=True)
        (store.folder(record["safe_id"]) / html.FIGURE_CACHE).write_text(json.dumps(cache))
        for item in record["items"]:
            data = item.get("data") or {}
            if item["status"] == "manual" and item["id"] in PHRASES and "answer" in data:
                data["answer"] = reword(rng.choice(PHRASES[item["id"]]), rng)
                data["ideas"] = [m.group(0) for p in IDEAS[item["id"]] if (m := re.search(p, data["answer"], re.I))]
            if isinstance(data.get("measured"), (int, float)) and isinstance(data.get("limit"), (int, float)):
                data["measured"] = round(max(0.0, rng.gauss(0.8, 0.2) * data["limit"]), 3)
        store.save(record["safe_id"], record)
    (out / "problems.json").write_text("[]")


def timed(url: str, data: bytes | None = None) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, data=data, timeout=120) as reply:
        reply.read()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="a graded output folder to build from")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source
        if source is None:
            from tests import workbench_batch
            source = workbench_batch.with_flags(workbench_batch.graded(Path(tmp) / "examples"))
        out = Path(tmp) / "course"
        synthesise(source, out, args.students, args.seed)
        start = time.perf_counter()
        batch = Batch(out).refresh()
        loaded = time.perf_counter() - start
        print(f"{args.students} students built from {source}; records read in {loaded:.2f} s")
        print(f"{'item':<12}{'answers':>8}{'groups':>8}{'grouping s':>12}")
        for item_id, item in batch.items.items():
            start = time.perf_counter()
            groups = batch.groups(item_id, set())
            print(f"{item_id:<12}{len(item.answers):>8}{len(groups):>8}{time.perf_counter() - start:>12.3f}")
        bench = Workbench(out, port=0).start()
        try:
            pages = ["", "attention", "class", "student/s000"] + [f"item/{i}" for i in batch.items]
            print(f"{'page':<22}{'median s':>10}{'max s':>8}{'ratio to 1 s':>14}")
            worst = 0.0
            for page in pages:
                times = [timed(bench.url + page) for _ in range(5)]
                worst = max(worst, max(times))
                print(f"/{page:<21}{statistics.median(times):>10.3f}{max(times):>8.3f}{max(times) / TARGET:>14.2f}")
            item_id = max(batch.items, key=lambda i: len(batch.items[i].answers))
            html = urllib.request.urlopen(bench.url + f"item/{item_id}", timeout=120).read().decode()
            csrf = re.search(r'name="csrf" value="([^"]+)"', html)[1]
            group = batch.groups(item_id, set())[0]
            body = urllib.parse.urlencode([("csrf", csrf), ("points", "1")]
                                          + [("student", a.safe_id) for a in group.answers]).encode()
            took = timed(bench.url + f"item/{item_id}/decide", body)
            worst = max(worst, took)
            print(f"decide a group of {group.size} ({item_id}), page answered again: {took:.3f} s, "
                  f"ratio {took / TARGET:.2f}")
            print(f"slowest response {worst:.3f} s: ratio to the 1 s target {worst / TARGET:.2f}")
        finally:
            start = time.perf_counter()
            bench.stop(timeout=None)
            print(f"after the server stopped: pages of the graded group written in {time.perf_counter() - start:.1f} s "
                  "(in the background while tutors work)")


if __name__ == "__main__":
    main()
