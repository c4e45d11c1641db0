"""The command line: parse, call one library function, print, exit with a meaningful code.

Exit codes: 0 every automatic item passed (or the command succeeded), 1 some item failed,
2 unusable input or usage, 130 interrupted.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from edf_autograder.errors import HarnessError


def _data(args, exercise) -> dict:
    """The exercise's data options given on the command line."""
    return {name: getattr(args, name) for name in exercise.data_options if getattr(args, name, None) is not None}


def _check(args) -> int:
    from edf_autograder.kernel.interpreter import prepare
    from edf_autograder.pipeline import grade
    from edf_autograder.reports import text as report

    prepare(args.exercise.environment, progress=lambda line: print(line, file=sys.stderr))  # says when it builds
    target = args.submission if len(args.submission) > 1 else args.submission[0]
    result = grade(target, exercise=args.exercise, quick=args.quick, data=_data(args, args.exercise))
    print(report.markdown(result) if args.format == "markdown" else report.text(result))
    if args.json:
        report.write_json(result, args.json)
    if args.junit:
        from edf_autograder.reports.junit import junit_xml
        report.write_atomic(args.junit, junit_xml(result.to_dict()))
    return 0 if result.all_automatic_passed else 1


def _grade(args) -> int:
    from edf_autograder.batch.run import grade_all

    failed = grade_all(args.submissions, args.out, exercise=args.exercise, data=_data(args, args.exercise),
                       jobs=args.jobs, only=args.only, regrade=args.regrade, quick=args.quick,
                       scheduler=args.scheduler)
    return 1 if failed else 0


def _release(args) -> int:
    from edf_autograder.integrations.release import release

    for path in release(args.outdir, exercise=args.exercise, wheels=args.wheels,
                        targets=tuple(args.targets or ())):
        print(path)
    return 0


def _review(args) -> int:
    from edf_autograder.batch.review import apply_overrides

    if args.action == "serve":
        from edf_autograder.workbench.server import serve

        serve(args.target, host=args.host, port=args.port, token=args.token)
        return 0
    if args.out is None:
        raise HarnessError("review import needs --out OUT_DIR (the folder `grade` wrote)")
    messages = apply_overrides(args.out, args.target)
    for line in messages:
        print(line, file=sys.stderr)
    return 0


def _export(args) -> int:
    from edf_autograder.integrations import lms

    columns = dict(c.split("=", 1) for c in args.column or [] if "=" in c)
    given = {"dest": args.to, "scores": args.scores, "decimal": args.decimal, "rescale": args.rescale or None,
             "assignment": args.assignment, "columns": columns or None}
    report = lms.export(args.lms, args.out, args.sheet, **{k: v for k, v in given.items() if v is not None})
    print(report.text())
    return 0


def _bundle(args) -> int:
    from edf_autograder.integrations import bundle

    name = args.exercise.name
    path = (bundle.gradescope(args.output, exercise=name) if args.target == "gradescope"
            else bundle.github(args.output, exercise=name))
    print(path)
    return 0


def _env(args) -> int:
    from edf_autograder.kernel import course_env

    env = args.exercise.environment
    if env is None:
        print(f"{args.exercise.title} declares no course environment: its kernels run in the grader's own")
        return 0
    if args.action == "path":
        print(course_env.location(env))
        return 0
    if not course_env.ready(env):
        print(f"building the course's environment ({', '.join(env.packages)}) from {env.lock.name} ...", file=sys.stderr)
    built = course_env.build(env)
    took = f"built in {built.seconds:.1f} s" if built.now else f"already built (building it took {built.seconds:.1f} s)"
    print(f"{built.folder}: {took}")
    return 0


def parser(exercise) -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="grader.py", description=f"Autograder for {exercise.title}")
    main.add_argument("--exercise", default=None,
                      help="the exercise to grade: a name (default ex2) or module:NAME; also $EDF_GRADER_EXERCISE")
    sub = main.add_subparsers(dest="command", required=True)
    data = argparse.ArgumentParser(add_help=False)
    for name, text in exercise.data_options.items():
        data.add_argument(f"--{name}", type=Path, help=text)
    data.add_argument("--quick", action="store_true", help="small data slice; threshold items are skipped")

    c = sub.add_parser("check", parents=[data], help="grade one submission")
    c.add_argument("submission", type=Path, nargs="+", help="folder, .zip, or the notebook(s) and answer file")
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
    r.add_argument("--wheels", action="store_true",
                   help="also download the self-check kit's dependencies into OUTDIR/selfcheck (offline installs "
                        "on Windows, macOS and Linux with CPython 3.11-3.13)")
    r.add_argument("--platform", action="append", dest="targets", metavar="SYSTEM/PYTHON",
                   help="with --wheels: only this platform, e.g. linux-x86_64/3.12 (repeatable; default: all 15)")
    r.set_defaults(run=_release)

    v = sub.add_parser("review", help="the tutors' workbench (serve OUT_DIR), or scores from a CSV (import CSV --out OUT_DIR)")
    v.add_argument("action", choices=("serve", "import"))
    v.add_argument("target", type=Path, help="serve: the OUT_DIR of `grade`; import: CSV with columns student, item, "
                   "score[, comment]")
    v.add_argument("--out", type=Path, help="import: the OUT_DIR of `grade`")
    v.add_argument("--host", default="127.0.0.1", help="serve: address to bind (another than localhost needs a token)")
    v.add_argument("--port", type=int, default=8000, help="serve: port (0: any free one)")
    v.add_argument("--token", help="serve: the access token (default: a random one when not on localhost)")
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

    e = sub.add_parser("env", help="build the course's environment the kernels run in (once per lock), or print where")
    e.add_argument("action", choices=("build", "path"))
    e.set_defaults(run=_env)

    b = sub.add_parser("bundle", help="package the grader for Gradescope or GitHub Classroom")
    b.add_argument("target", choices=("gradescope", "github"))
    b.add_argument("output", type=Path, help="autograder .zip (gradescope) or workflow .yml (github)")
    b.set_defaults(run=_bundle)
    return main


def main(argv=None) -> int:
    from edf_autograder.exercise import load

    chosen = argparse.ArgumentParser(add_help=False)
    chosen.add_argument("--exercise", default=None)
    try:
        exercise = load(chosen.parse_known_args(argv)[0].exercise)
        args = parser(exercise).parse_args(argv)
        args.exercise = exercise
        return args.run(args)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
