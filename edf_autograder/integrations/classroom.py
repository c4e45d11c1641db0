"""GitHub Classroom: the runner payload its grading reporter reads, and the workflow.

The reporter (classroom-resources/autograding-grading-reporter) reads, for each runner id,
`<ID>_RESULTS`: base64 of {"version": 1, "status", "max_score", "tests": [{name, status,
score, message}]}, and reports the sum of the tests' scores out of the sum of max_score.
One runner carrying every item therefore gives Classroom the exact points, partial credit
included, and its check fails when any automatic item fails.
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


def workflow(*, harness: str = "edf-autograder", python: str = "3.11", name: str | None = None) -> str:
    """The workflow for the students' assignment repositories (.github/workflows/classroom.yml).

    `harness` is what pip installs: a package name, a path or a VCS URL of this project."""
    total = sum(c.spec.points for c in exercise.load(name).checks())
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
    timeout-minutes: 60
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - name: Install the autograder
        run: python -m pip install "{harness}"
      - name: Build the course's environment the notebooks run in
        run: edf-grader --exercise "{exercise.load(name).name}" env build
      - name: Grade ({total:g} points; free-text items wait for a tutor)
        id: {RUNNER}
        run: |
          edf-grader check . --json result.json --junit junit.xml --format markdown > summary.md || true
          cat summary.md >> "$GITHUB_STEP_SUMMARY"
          echo "result=$(python -m edf_autograder.integrations.classroom result.json)" >> "$GITHUB_OUTPUT"
      - name: Keep the JUnit report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: autograder-report
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
