"""Write the outputs that show tutors' scores again (each changed student's feedback page,
results.json and junit.xml; grades.csv, review_queue.csv and summary.html) from the
automatic results and the decisions store. Nothing is executed again.

The store marks a student "dirty" in the transaction that changes their decision, so a
server killed before it wrote the pages writes them on its next start (or `review import`)."""
from __future__ import annotations

import threading
from pathlib import Path

from edf_autograder.batch.store import Store
from edf_autograder.exercise import load
from edf_autograder.reports import html
from edf_autograder.reports.gradebook import PROBLEMS, load_problems
from edf_autograder.workbench.decide import rendered
from edf_autograder.workbench.scores import reviewed
from edf_autograder.workbench.store import Decisions

_LOCK = threading.Lock()  # one writer of the output files per process


def _exercise(record: dict):
    return load((record.get("exercise") or {}).get("name"))


def publish(out: Path, *, everyone: bool = False) -> list[str]:
    """Write the course files, then the pages of every student with a newer decision (or
    `everyone`), each marked written as soon as it is; returns the students written."""
    out = Path(out)
    with _LOCK:
        store, batch = Decisions(out), Store(out)
        dirty = store.dirty()
        if not dirty and not everyone:
            return []
        decisions, flagged = store.all(), store.flags()
        records = batch.all()
        shown = {r.get("safe_id", ""): reviewed(r, decisions.get(r.get("safe_id", ""), {}),
                                                flagged.get(r.get("safe_id", ""), {})) for r in records}
        if records:  # grades.csv first: it is what the LMS export and the instructor wait for
            html.write_course(out, list(shown.values()), load_problems(out / PROBLEMS), _exercise(records[0]),
                              similarity=False)
        written = []
        for record in records:
            safe_id = record.get("safe_id", "")
            if everyone or safe_id in dirty:
                html.write_student(batch.folder(safe_id), record, _exercise(record), shown=shown[safe_id])
                rendered(store, {safe_id: dirty.get(safe_id, 0)})
                written.append(safe_id)
        rendered(store, {s: rev for s, rev in dirty.items() if s not in shown})  # students no longer in the batch
        return written
