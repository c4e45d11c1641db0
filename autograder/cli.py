"""The command line: parse, call one library function, print, exit with a meaningful code.

Exit codes: 0 every automatic item passed (or the command succeeded), 1 some item failed,
2 unusable input or usage, 130 interrupted.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.errors import HarnessError


def _check(args) -> int:
    from autograder.reports import text as report
    from checks.data import resolve
    from autograder.pipeline import grade

    dataset = resolve(args.data, pcl=args.pcl)
    target = args.submission if len(args.submission) > 1 else args.submission[0]
    result = grade(target, quick=args.quick, dataset=dataset)
    print(report.markdown(result) if args.format == "markdown" else report.text(result))
    if args.json:
        report.write_json(result, args.json)
    if args.junit:
        from autograder.reports.junit import junit_xml
        report.write_atomic(args.junit, junit_xml(result.to_dict()))
    automatic = [i for i in result.items if i.status not in ("manual", "skipped")]
    return 0 if all(i.status == "pass" for i in automatic) else 1


def _grade(args) -> int:
    from autograder.batch.run import grade_all

    return grade_all(args.submissions, args.out, jobs=args.jobs, data_dir=args.data, pcl=args.pcl,
                     only=args.only, regrade=args.regrade, quick=args.quick, scheduler=args.scheduler)


def _release(args) -> int:
    from autograder.integrations.release import release

    for path in release(args.outdir):
        print(path)
    return 0


def _review(args) -> int:
    from autograder.reports.gradebook import apply_overrides

    messages = apply_overrides(args.out, args.overrides)
    for line in messages:
        print(line, file=sys.stderr)
    return 0


def _export(args) -> int:
    from autograder.integrations import lms

    columns = dict(c.split("=", 1) for c in args.column or [] if "=" in c)
    given = {"dest": args.to, "scores": args.scores, "decimal": args.decimal, "rescale": args.rescale or None,
             "assignment": args.assignment, "columns": columns or None}
    report = lms.export(args.lms, args.out, args.sheet, **{k: v for k, v in given.items() if v is not None})
    print(report.text())
    return 0


def _bundle(args) -> int:
    from autograder.integrations import bundle

    path = bundle.gradescope(args.output) if args.target == "gradescope" else bundle.github(args.output)
    print(path)
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="grader.py", description="Autograder for Exercise 2 (Image Classification)")
    sub = main.add_subparsers(dest="command", required=True)
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", type=Path, help="folder with the full MNIST IDX files (else $MNIST_DIR, else bundled)")
    data.add_argument("--pcl", type=Path, help="point-cloud .npz to use (e.g. the course's own)")
    data.add_argument("--quick", action="store_true", help="small data slice; threshold items are skipped")

    c = sub.add_parser("check", parents=[data], help="grade one submission")
    c.add_argument("submission", type=Path, nargs="+", help="folder, .zip, or notebook(s) + pen_and_paper.toml")
    c.add_argument("--json", type=Path, help="write the full result as JSON")
    c.add_argument("--junit", type=Path, help="write a JUnit XML report (one test case per item)")
    c.add_argument("--format", choices=("text", "markdown"), default="text")
    c.set_defaults(run=_check)

    g = sub.add_parser("grade", parents=[data], help="grade a folder of submissions")
    g.add_argument("submissions", type=Path, help="a folder of submissions, or an LMS's download-all .zip")
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    g.add_argument("--only", action="append", help="grade only this student (repeatable)")
    g.add_argument("--regrade", action="store_true", help="grade again even where a result exists")
    g.add_argument("--scheduler", help="grade on a Dask cluster, e.g. tcp://HOST:8786 (default: local processes)")
    g.set_defaults(run=_grade)

    r = sub.add_parser("release", help="write the student hand-out")
    r.add_argument("outdir", type=Path)
    r.set_defaults(run=_release)

    v = sub.add_parser("review", help="apply instructor scores for manual items and overrides")
    v.add_argument("action", choices=("import",))
    v.add_argument("overrides", type=Path, help="CSV with columns student, item, score[, comment]")
    v.add_argument("--out", type=Path, required=True, help="the OUT_DIR of `grade`")
    v.set_defaults(run=_review)

    x = sub.add_parser("export", help="fill an LMS's grade sheet and write its feedback files")
    x.add_argument("lms", choices=("moodle", "ilias", "canvas"))
    x.add_argument("--sheet", "--worksheet", dest="sheet", type=Path, required=True,
                   help="as downloaded: Moodle's grading worksheet, ILIAS's status.csv, Canvas's gradebook export")
    x.add_argument("--out", type=Path, required=True, help="the OUT_DIR of `grade`")
    x.add_argument("--to", type=Path, help="where to write (default OUT_DIR/export/LMS)")
    x.add_argument("--scores", choices=("reviewed", "automatic"),
                   help="automatic points plus tutors' reviewed scores (default), or automatic only")
    x.add_argument("--assignment", help="Canvas: the assignment's column (title or id); ILIAS: the multi-feedback name")
    x.add_argument("--column", action="append", metavar="ROLE=HEADER",
                   help="a header in the sheet's language, e.g. grade=Bewertung (roles: id, grade, feedback, ...)")
    x.add_argument("--decimal", choices=(".", ","), help="decimal separator (default: as the sheet writes numbers)")
    x.add_argument("--rescale", action="store_true", help="scale scores to the sheet's maximum grade")
    x.set_defaults(run=_export)

    b = sub.add_parser("bundle", help="package the grader for Gradescope or GitHub Classroom")
    b.add_argument("target", choices=("gradescope", "github"))
    b.add_argument("output", type=Path, help="autograder .zip (gradescope) or workflow .yml (github)")
    b.set_defaults(run=_bundle)
    return main


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
