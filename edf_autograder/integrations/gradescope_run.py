"""What Gradescope's `run_autograder` calls: grade /autograder/submission and write
/autograder/results/results.json, whatever the submission holds.

AUTOGRADER_ROOT moves the tree (tests use a fake one). Items the instructor lists in the
bundle's config.json under "hidden_until_due" are shown only after the due date.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from edf_autograder.errors import HarnessError
from edf_autograder.exercise import load
from edf_autograder.pipeline import grade, unusable
from edf_autograder.reports.gradescope import results_json
from edf_autograder.reports.text import write_atomic


def main() -> int:
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    config_file = root / "source" / "config.json"
    config = json.loads(config_file.read_text()) if config_file.exists() else {}
    started = time.monotonic()
    why = ""
    exercise = load(config.get("exercise"))
    try:
        record = grade(root / "submission", exercise=exercise, quick=bool(config.get("quick"))).to_dict()
        record.pop("figures", None)
    except HarnessError as exc:  # an unusable submission: a readable zero, not a crash
        why = str(exc)
        record = unusable("submission", exercise, "", why).to_dict() | {"duration": time.monotonic() - started}
    results = results_json(record)
    hidden = set(config.get("hidden_until_due", []))
    for test in results["tests"]:
        if test.get("number") in hidden and test.get("visibility") == "visible":
            test["visibility"] = "after_due_date"
    if why:
        results["output"] = f"The submission could not be graded: {why}"
    write_atomic(root / "results" / "results.json", json.dumps(results, indent=1))
    print(results["output"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
