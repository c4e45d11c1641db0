"""Batch grading: every submission of a course folder, in parallel worker processes,
resumable, with per-student outputs and course-wide reports."""
from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path

from threadpoolctl import threadpool_limits
from tqdm import tqdm

from edf_autograder.batch import executors
from edf_autograder.batch.store import Store, content_key
from edf_autograder.checking.verdicts import ERROR
from edf_autograder.errors import DataError, SubmissionError
from edf_autograder.exercise import Exercise, load
from edf_autograder.intake.discover import Submission, discover, unpack
from edf_autograder.intake.stage import HANDWRITTEN_FOLDER
from edf_autograder.kernel import interpreter
from edf_autograder.pipeline import unusable
from edf_autograder.reports import html
from edf_autograder.reports.text import write_atomic
from edf_autograder.workbench.fingerprint import answer_file, item_digests
from edf_autograder.workbench.scores import reviewed_record, reviewed_records


def grade_one(sub: Submission, key: str, *, exercise: str, data: dict, quick: bool,
              fingerprint: str | None = None) -> tuple[dict, dict[str, str | bytes]]:
    """Grade one student in a worker (a local process or a cluster node); raises only when
    the worker cannot see the coordinator's files (data with another `fingerprint`, a
    missing submission): a failed task is graded again on the next run, a result is not.

    Returns the result record and the executed notebooks' text: the coordinating process
    writes everything, so the store has one writer whatever runs the grading."""
    from edf_autograder.pipeline import grade  # imports the kernel machinery: in the worker only

    found = load(exercise)
    dataset = found.data(**data)
    if fingerprint and dataset.fingerprint != fingerprint:  # e.g. a cluster node's own data folder
        raise DataError(f"this worker grades with other data ({dataset.description}); give data options "
                        "with paths that every worker sees, with the same files")
    if missing := [p for p in sub.paths if not p.exists()]:  # not the student's fault: no grade
        raise DataError(f"{missing[0]}: not found on this worker; the course folder must be at the "
                        "same path on every worker")
    started = time.monotonic()
    target = sub.paths if len(sub.paths) > 1 else sub.paths[0]
    notebooks: dict[str, str | bytes] = {}
    # one BLAS thread in the worker too (its kernels get it from their environment), so that
    # -j N workers on N cores do not oversubscribe them
    with threadpool_limits(limits=1), tempfile.TemporaryDirectory(prefix="edf-kept-") as kept:
        try:
            result = grade(target, exercise=found, quick=quick, dataset=dataset, keep_notebooks=Path(kept),
                           parallel=False)
        except SubmissionError as exc:
            result = unusable(sub.student, found, dataset.description, str(exc))
        except Exception:  # a grader bug must cost this student a review, not the batch its run
            result = unusable(sub.student, found, dataset.description,
                              "internal grader error (reported to the instructor):\n" + traceback.format_exc(limit=6))
        for path in Path(kept).glob("*.ipynb"):
            notebooks[path.name] = path.read_text(encoding="utf-8")
        for path in sorted((Path(kept) / HANDWRITTEN_FOLDER).glob("*")):  # answers on paper, for the tutor
            notebooks[f"{HANDWRITTEN_FOLDER}/{path.name}"] = path.read_bytes()
    result.submission = sub.student
    result.duration = time.monotonic() - started
    identity = sub.identity.to_dict() if sub.identity else None  # the LMS export matches students by it
    record = result.to_dict() | {"key": key, "student": sub.student, "safe_id": sub.safe_id, "identity": identity}
    evidence = item_digests(record, notebooks, answer_file(sub.paths, record))  # what a tutor's override holds for
    return record | {"evidence": evidence}, notebooks


def save(store: Store, record: dict, notebooks: dict[str, str | bytes], exercise: Exercise) -> None:
    """Write one student's outputs; result.json goes last and marks them done. Executed
    notebooks (text) go to notebooks/, handwritten pages (bytes) to handwritten/."""
    folder = store.folder(record["safe_id"])
    for name, content in notebooks.items():
        write_atomic(folder / (name if isinstance(content, bytes) else f"notebooks/{name}"), content)
    html.write_student(folder, record, exercise, shown=reviewed_record(store.root.parent, record))


def grade_all(root: Path, out: Path, *, exercise: Exercise | str | None = None, data: dict | None = None,
              jobs: int | None = None, only: list[str] | None = None, regrade: bool = False, quick: bool = False,
              scheduler: str | None = None) -> int:
    """Grade every submission under `root` (a folder, or an LMS's download-all zip) into
    `out`, resumably; returns how many students could not be graded or met a grader error."""
    exercise, data = load(exercise), dict(data or {})
    dataset = exercise.data(**data)
    print(f"Data: {dataset.description}", file=sys.stderr)
    # built here the first time, once, before the workers start (they reuse it)
    python = interpreter.prepare(exercise.environment, progress=lambda line: print(line, file=sys.stderr))
    print(f"Environment: {python.note}", file=sys.stderr)
    root = Path(root).resolve()  # absolute: workers may start elsewhere
    if root.is_file() and root.suffix.lower() == ".zip":  # an LMS's "download all" archive
        root = unpack(root, Path(out).resolve() / "download")
        print(f"unpacked into {root}", file=sys.stderr)
    subs, problems = discover(root, exercise)
    for p in problems:
        print(f"skipped: {p}", file=sys.stderr)
    if only:
        subs = [s for s in subs if s.student in only or s.safe_id in only]
    store = Store(out)
    todo = []
    for sub in subs:
        key = content_key(sub.paths, fingerprint=f"{exercise.name}|{dataset.fingerprint}", quick=quick)
        if regrade or not store.is_current(sub.safe_id, key):
            todo.append((sub, key))
        elif sub.identity and (record := store.load(sub.safe_id)).get("identity") != sub.identity.to_dict():
            store.save(sub.safe_id, record | {"identity": sub.identity.to_dict()})  # graded before names were read
    print(f"{len(subs)} submissions, {len(subs) - len(todo)} already graded, {len(todo)} to grade", file=sys.stderr)
    jobs = max(1, jobs or os.cpu_count() or 1)
    failed = 0
    with executors.make(scheduler, jobs) as pool, \
            tqdm(total=len(todo), unit="sub", file=sys.stderr, dynamic_ncols=True) as bar:
        pending = {pool.submit(grade_one, sub, key, exercise=exercise.name, data=data, quick=quick,
                               fingerprint=dataset.fingerprint): sub
                   for sub, key in todo}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    sub = pending.pop(fut)
                    try:
                        record, notebooks = fut.result()
                        save(store, record, notebooks, exercise)
                        failed += any(i["status"] == ERROR for i in record["items"])
                    except Exception as exc:  # the worker process itself died
                        failed += 1
                        print(f"\n{sub.student}: not graded ({exc}); run again to retry", file=sys.stderr)
                    bar.update(1)
                    bar.set_postfix(running=min(jobs, len(pending)), failed=failed)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            print("\ninterrupted: finished submissions are saved; run the same command to resume",
                  file=sys.stderr)
            raise
    html.write_course(out, reviewed_records(out), problems, exercise)
    print(f"wrote {out / 'grades.csv'} and {out / 'summary.html'}", file=sys.stderr)
    return failed
