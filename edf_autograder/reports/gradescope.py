"""`results.json` in the schema of Gradescope's autograder specification
(gradescope-autograders.readthedocs.io, "Autograder Specifications"), built from a
result record, and `problems(results)`, the schema rules the tests hold it to.

Choices the specification leaves to us:
- one test per item: `number` is the item id, `name` its title;
- the top-level `score` is always the sum of the tests' scores, so Gradescope shows the
  same total whether it reads one or the other;
- an item waiting for manual review scores 0 (the keyword suggestion is a hint for the
  tutor, not a grade), has no `status` (the specification's status is optional, and
  "failed" would be wrong before anyone has read the answer), says "Pending manual
  review" in its output and is `after_published`: students see it once grades are
  published, i.e. after review; a reviewed item is an ordinary passed/failed test;
- skipped, not found and error items are failed tests with 0 points and the reason;
- the grader's stdout is hidden (kernel logs are for the instructor).
"""
from __future__ import annotations

from edf_autograder.checking.verdicts import FAIL, MANUAL, PASS
from edf_autograder.reports.text import flag_decision, headlines

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
STATUSES = ("passed", "failed")
TOP_KEYS = {"score": (int, float), "execution_time": (int, float), "output": str, "visibility": str,
            "stdout_visibility": str, "extra_data": dict, "tests": list}
TEST_KEYS = {"name": str, "number": str, "score": (int, float), "max_score": (int, float),
             "status": str, "output": str, "visibility": str, "tags": list}


def _test(item: dict) -> dict:
    message = item["message"] + (f"\n(evidence: {item['where']})" if item.get("where") else "")
    test = {"name": item["title"], "number": item["id"], "score": item["points"],
            "max_score": item["max_points"], "output": message, "visibility": "visible",
            "tags": [f"section {item['section']}"]}
    if item["status"] == MANUAL:
        test.update(score=0.0, visibility="after_published", tags=test["tags"] + ["manual review"],
                    output="Pending manual review (a tutor grades this item).\n\n" + message)
        return test
    test["status"] = "passed" if item["status"] == PASS else "failed"
    if item["status"] not in (PASS, FAIL):
        test["output"] = f"[{item['status']}] {message}"
    if override := item.get("override"):
        test["output"] = f"Reviewed by a tutor: {override.get('comment') or 'no comment'}\n\n{message}"
        test["tags"].append("reviewed")
    return test


def results_json(record: dict) -> dict:
    tests = [_test(item) for item in record["items"]]
    lines = [f"Data: {record.get('dataset', '')}", *headlines(record)] + [f"Note: {n}" for n in record.get("notes", [])]
    lines += [f"Flagged for a person ({f['kind']}): {f['message']}" + flag_decision(f) for f in record.get("flags", [])]
    pending = record.get("manual_pending", 0)
    if pending:
        lines.append(f"{pending:g} points wait for manual review; they are added when grades are published.")
    return {
        "score": round(sum(t["score"] for t in tests), 3),
        "execution_time": round(record.get("duration", 0.0)),
        "output": "\n".join(lines),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"grader_version": record.get("grader_version", ""), "max_score": record.get("max_score"),
                       "manual_pending": pending},
        "tests": tests,
    }


def _typed(where: str, data: dict, keys: dict) -> list[str]:
    return [f"{where}: {k} is {type(data[k]).__name__}, expected {kind}"
            for k, kind in keys.items() if k in data and not isinstance(data[k], kind)]


def problems(results: dict) -> list[str]:
    """What breaks the specification's rules (empty when `results` is valid)."""
    found = _typed("top level", results, TOP_KEYS)
    tests = results.get("tests") if isinstance(results.get("tests"), list) else []
    if "score" not in results and not all("score" in t for t in tests):
        found.append("no top-level score and not every test has one")
    for key in ("visibility", "stdout_visibility"):
        if results.get(key, "visible") not in VISIBILITIES:
            found.append(f"top level: {key} {results[key]!r} is not one of {VISIBILITIES}")
    for n, test in enumerate(tests):
        where = f"test {test.get('number', n)}"
        found += _typed(where, test, TEST_KEYS)
        if test.get("status", "passed") not in STATUSES:
            found.append(f"{where}: status {test['status']!r} is not one of {STATUSES}")
        if test.get("visibility", "visible") not in VISIBILITIES:
            found.append(f"{where}: visibility {test['visibility']!r} is not one of {VISIBILITIES}")
        if isinstance(test.get("score"), (int, float)) and isinstance(test.get("max_score"), (int, float)) \
                and not 0 <= test["score"] <= test["max_score"]:
            found.append(f"{where}: score {test['score']} outside [0, {test['max_score']}]")
    if tests and isinstance(results.get("score"), (int, float)) \
            and abs(results["score"] - sum(t.get("score", 0) for t in tests)) > 1e-6:
        found.append("top-level score is not the sum of the tests' scores")
    return found
