"""GitHub Classroom: the runner payload its grading reporter reads, and the workflow.

The reporter (classroom-resources/autograding-grading-reporter) reads, for each runner id,
`<ID>_RESULTS`: base64 of {"version": 1, "status", "max_score", "tests": [{name, status,
score, message}]}, and reports the sum of the tests' scores out of the sum of max_score.
One runner carrying every public item (the students' self-check kit writes it: `edf-selfcheck
--classroom`) gives Classroom the exact points of those items, partial credit included, and its
check fails when any of them fails.
"""
from __future__ import annotations

import base64
import json

from edf_autograder import exercise
from edf_autograder.checking.verdicts import MANUAL, PASS, SKIPPED, automatic_passed

RUNNER = "edf-autograder"


def payload(result: dict) -> str:
    """The base64 runner payload for a result dict (Result.to_dict())."""
    tests = [{"name": f"{i['id']} {i['title']}", "status": "pass" if i["status"] in (PASS, SKIPPED) else "fail",
              "score": i["points"] if i["status"] != MANUAL else 0, "max_score": i["max_points"],
              "message": i["message"][:1000], "line_no": 0, "test_code": ""}
             for i in result["items"]]
    status = "pass" if automatic_passed(i["status"] for i in result["items"]) else "fail"
    body = {"version": 1, "status": status, "max_score": result["max_score"], "tests": tests}
    return base64.b64encode(json.dumps(body).encode()).decode()


KIT = "selfcheck"  # the kit's folder in the assignment's template repository (what `release` writes)


def workflow(*, python: str = "3.11", name: str | None = None, kit: str = KIT) -> str:
    """The workflow for the students' assignment repositories (.github/workflows/classroom.yml).

    It installs the self-check kit from the template repository's `kit` folder (committed there
    with the hand-out that `release` writes), never the grader, and reports the items whose
    verdicts students see; the official grade (hidden items, full data) is the instructor's."""
    public = [c.spec for c in exercise.load(name).checks() if c.spec.students == "verdict" and not c.spec.hidden]
    total = sum(spec.points for spec in public)
    return f"""\
name: Autograding Tests
"on":
  - push
  - workflow_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 30
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - name: Install the self-check kit (from this repository's {kit}/ folder)
        run: python -m pip install --find-links {kit} {kit}/edf_selfcheck-*.whl
      - name: Self-check ({total:g} points of public items; the official grade is your instructor's)
        id: {RUNNER}
        run: |
          edf-selfcheck . --json result.json --junit junit.xml --format markdown --classroom payload.txt > summary.md || true
          cat summary.md >> "$GITHUB_STEP_SUMMARY"
          echo "result=$(cat payload.txt)" >> "$GITHUB_OUTPUT"
      - name: Keep the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: selfcheck-report
          path: |
            result.json
            junit.xml
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          {RUNNER.upper()}_RESULTS: "${{{{steps.{RUNNER}.outputs.result}}}}"
        with:
          runners: {RUNNER}
"""


if __name__ == "__main__":
    import sys

    print(payload(json.loads(open(sys.argv[1], encoding="utf-8").read())))
