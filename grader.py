#!/usr/bin/env python3
"""Autograder for Exercise 2 (Image Classification). Thin front: parse, call, print.

  python grader.py check SUBMISSION [--quick] [--json PATH] [--format text|markdown]
  python grader.py grade SUBMISSIONS_DIR --out OUT_DIR [-j N]
  python grader.py release OUTDIR
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.errors import HarnessError


def _check(args) -> int:
    from autograder import report
    from autograder.data import resolve
    from autograder.pipeline import grade

    dataset = resolve(args.data, pcl=args.pcl)
    result = grade(args.submission if len(args.submission) > 1 else args.submission[0],
                   quick=args.quick, dataset=dataset)
    print(report.markdown(result) if args.format == "markdown" else report.text(result))
    if args.json:
        report.write_json(result, args.json)
    return 0 if all(i.status in ("pass", "manual", "skipped") for i in result.items) else 1


def _grade(args) -> int:
    from autograder.batch import grade_all

    return grade_all(args.submissions, args.out, jobs=args.jobs, data_dir=args.data, pcl=args.pcl,
                     only=args.only, regrade=args.regrade, quick=args.quick)


def _release(args) -> int:
    from autograder.release import release

    for path in release(args.outdir):
        print(path)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="grader.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", type=Path, help="folder with the full MNIST IDX files (else $MNIST_DIR, else bundled)")
    data.add_argument("--pcl", type=Path, help="point-cloud .npz to use (e.g. the course's own)")
    data.add_argument("--quick", action="store_true", help="small data slice; threshold items are skipped")

    c = sub.add_parser("check", parents=[data], help="grade one submission")
    c.add_argument("submission", type=Path, nargs="+", help="folder, .zip, or notebook(s) + pen_and_paper.toml")
    c.add_argument("--json", type=Path, help="write the full result as JSON")
    c.add_argument("--format", choices=("text", "markdown"), default="text")
    c.set_defaults(run=_check)

    g = sub.add_parser("grade", parents=[data], help="grade a folder of submissions")
    g.add_argument("submissions", type=Path)
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    g.add_argument("--only", action="append", help="grade only this student (repeatable)")
    g.add_argument("--regrade", action="store_true", help="grade again even where a result exists")
    g.set_defaults(run=_grade)

    r = sub.add_parser("release", help="write the student hand-out")
    r.add_argument("outdir", type=Path)
    r.set_defaults(run=_release)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
