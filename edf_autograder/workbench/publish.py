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
    """Write the outputs of every student with a newer decision (or `everyone`) and the course
    files; returns the students whose pages were written."""
    out = Path(out)
    with _LOCK:
        store, batch = Decisions(out), Store(out)
        dirty = store.dirty()
        decisions = store.all()
        records = batch.all()
        if not dirty and not everyone:
            return []
        written = {}
        for record in records:
            safe_id = record.get("safe_id", "")
            if everyone or safe_id in dirty:
                html.write_student(batch.folder(safe_id), record, _exercise(record),
                                   shown=reviewed(record, decisions.get(safe_id, {})))
                written[safe_id] = dirty.get(safe_id, 0)
        if records:
            shown = [reviewed(r, decisions.get(r.get("safe_id", ""), {})) for r in records]
            html.write_course(out, shown, load_problems(out / PROBLEMS), _exercise(records[0]), similarity=False)
        rendered(store, {s: rev for s, rev in dirty.items() if s in written or s not in {r.get("safe_id") for r in records}})
        return list(written)
