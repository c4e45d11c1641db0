"""The kit's command, `edf-selfcheck SUBMISSION`: the grader's quick check (`grade(...,
quick=True)`) of the kit's exercise, reported as `grader.py check --quick` reports it.

Exit codes as `check`: 0 every item the self-check decides passed, 1 some failed, 2
unusable input or usage. `--classroom FILE` writes GitHub Classroom's runner payload of
the items whose verdicts students see.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from edf_autograder.errors import HarnessError

KIT_PACKAGE = "edf_selfcheck"


def _root() -> Path:
    spec = importlib.util.find_spec(KIT_PACKAGE)
    if spec is None or spec.origin is None:
        raise HarnessError(f"the self-check kit ({KIT_PACKAGE}) is not installed: pip install it from the "
                           "selfcheck folder of your hand-out")
    return Path(spec.origin).parent


def classroom_payload(record: dict, exercise) -> str:
    """The runner payload of the items whose verdicts students see (points out of theirs)."""
    from edf_autograder.integrations.classroom import payload

    shown = {item["id"] for item in exercise.listed if item["students"] == "verdict"}
    items = [i for i in record["items"] if i["id"] in shown]
    return payload({**record, "items": items, "max_score": sum(i["max_points"] for i in items)})


def check(*submission, root: Path | None = None, json_path=None, junit=None, markdown: bool = False,
          classroom=None, echo: bool = True):
    """Check `submission` (a folder, a .zip, or notebooks and the answer file) with the kit in `root`."""
    from edf_autograder.kit.manifest import load
    from edf_autograder.pipeline import grade
    from edf_autograder.reports import text as report

    exercise = load(root or _root())
    target = Path(submission[0]) if len(submission) == 1 else [Path(s) for s in submission]
    result = grade(target, exercise=exercise, quick=True)
    if echo:
        print(report.markdown(result) if markdown else report.text(result))
    if json_path:
        report.write_json(result, Path(json_path))
    if junit:
        from edf_autograder.reports.junit import junit_xml
        report.write_atomic(Path(junit), junit_xml(result.to_dict()))
    if classroom:
        report.write_atomic(Path(classroom), classroom_payload(result.to_dict(), exercise))
    return result


def _unusable_payload(path: Path, why: str) -> None:
    from edf_autograder.kit.manifest import load
    from edf_autograder.pipeline import unusable
    from edf_autograder.reports.text import write_atomic

    exercise = load(_root())
    write_atomic(path, classroom_payload(unusable("submission", exercise, "", why).to_dict(), exercise))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="edf-selfcheck", description="Self-check of an exercise (quick check, "
                                     "public checks only; the official grade is your instructor's)")
    parser.add_argument("submission", nargs="*", default=["."], help="folder, .zip, or the notebook(s) and answer file")
    parser.add_argument("--json", type=Path, help="write the full result as JSON")
    parser.add_argument("--junit", type=Path, help="write a JUnit XML report (one test case per item)")
    parser.add_argument("--format", choices=("text", "markdown"), default="text")
    parser.add_argument("--classroom", type=Path, help="write GitHub Classroom's runner payload (base64 JSON)")
    args = parser.parse_args(argv)
    try:
        result = check(*args.submission, json_path=args.json, junit=args.junit, markdown=args.format == "markdown",
                       classroom=args.classroom)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.classroom:  # Classroom still gets a readable zero, item by item
            _unusable_payload(args.classroom, str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0 if result.all_automatic_passed else 1
