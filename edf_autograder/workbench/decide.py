"""Changes to the decisions store, each one transaction: grade answers (one or a whole group),
withdraw a decision, rubric entries (create, apply, change: every decision that used an
entry follows it), split a student out of a group. Every change marks the students whose
outputs must be written again (`dirty`) in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass, field

from edf_autograder.errors import HarnessError
from edf_autograder.workbench.store import Decisions, Entry, now


class ReviewError(HarnessError):
    """A decision that cannot be taken as given (points out of range, unknown rubric entry)."""


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)              # students whose decision was stored
    kept: list[tuple[str, str]] = field(default_factory=list)     # (student, tutor): decided by another meanwhile

    def note(self) -> str:
        """One line for the tutor, however large the group: how many answers were graded, how
        many kept another tutor's newer decision, and whose."""
        text = f"{len(self.written)} {_answers(len(self.written))} graded"
        if self.kept:
            tutors = ", ".join(sorted({tutor for _, tutor in self.kept}))
            text += (f"; {len(self.kept)} {_answers(len(self.kept))} kept the newer decision of {tutors} "
                     "(taken after this page was opened)")
        return text


def _answers(n: int) -> str:
    return "answer" if n == 1 else "answers"


def _points(points: float | str, max_points: float) -> float:
    try:
        value = float(points)
    except (TypeError, ValueError):
        raise ReviewError(f"points must be a number between 0 and {max_points:g}, not {points!r}") from None
    if not 0 <= value <= max_points:
        raise ReviewError(f"points must be between 0 and {max_points:g}, not {value:g}")
    return value


def _record(db, safe_id, item, points, comment, rubric_id, tutor, source, basis=None) -> None:
    stamp = now()
    rev = db.execute("INSERT INTO history (safe_id, item, points, comment, rubric_id, tutor, decided_at, source) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (safe_id, item, points, comment, rubric_id, tutor, stamp, source)).lastrowid
    if points is None:
        db.execute("DELETE FROM decisions WHERE safe_id=? AND item=?", (safe_id, item))
    elif basis is None:  # a rubric change: the decision keeps the answer it was taken for
        db.execute("UPDATE decisions SET points=?, comment=?, decided_at=?, rev=? WHERE safe_id=? AND item=?",
                   (points, comment, stamp, rev, safe_id, item))
    else:
        db.execute("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (safe_id, item, points, comment, rubric_id, tutor, stamp, source, basis, rev))
    db.execute("INSERT OR REPLACE INTO dirty VALUES (?, ?)", (safe_id, rev))


def decide(store: Decisions, item: str, answers: dict[str, str], *, points: float | str | None, comment: str = "",
           max_points: float, tutor: str, seen: int | None = None, rubric_id: int | None = None,
           source: str = "workbench") -> Outcome:
    """Store one decision for every student in `answers` (safe_id -> basis of the answer the
    tutor saw); `points=None` withdraws it. A student whose decision another tutor changed
    after revision `seen` (what the tutor's page showed) keeps that tutor's decision."""
    value = None if points is None or rubric_id is not None else _points(points, max_points)
    done = Outcome()
    with store.write() as db:
        if rubric_id is not None:
            entry = db.execute("SELECT points, comment, item FROM rubric WHERE id=?", (rubric_id,)).fetchone()
            if entry is None or entry["item"] != item:
                raise ReviewError(f"rubric entry {rubric_id} is not one of item {item}'s")
            value, comment = _points(entry["points"], max_points), entry["comment"]
        for safe_id, basis in answers.items():
            row = db.execute("SELECT rev, tutor FROM decisions WHERE safe_id=? AND item=?", (safe_id, item)).fetchone()
            if seen is not None and row and row["rev"] > seen and row["tutor"] != tutor:
                done.kept.append((safe_id, row["tutor"]))
                continue
            if value is None and row is None:
                continue
            _record(db, safe_id, item, value, comment.strip(), rubric_id, tutor, source, basis)
            done.written.append(safe_id)
    return done


def appeal(store: Decisions, safe_id: str, item: str, basis: str, *, points: float | str | None, reason: str,
           max_points: float, tutor: str) -> Outcome:
    """A tutor's override of one student's item, automatic ones included (a grade appeal, or a
    check that misjudged unusual work); `points=None` withdraws it. It needs a reason: the
    student reads it. It holds while the answer's `basis` is unchanged (scores.basis)."""
    if points is not None and not reason.strip():
        raise ReviewError("an override needs a reason: the student reads it beside the points")
    return decide(store, item, {safe_id: basis}, points=points, comment=reason, max_points=max_points, tutor=tutor,
                  source="appeal")


def add_entry(store: Decisions, item: str, points: float | str, comment: str, *, max_points: float, tutor: str) -> Entry:
    value = _points(points, max_points)
    if not comment.strip():
        raise ReviewError("a rubric entry needs a comment: it is what students read")
    with store.write() as db:
        entry_id = db.execute("INSERT INTO rubric (item, points, comment, tutor, created_at) VALUES (?, ?, ?, ?, ?)",
                              (item, value, comment.strip(), tutor, now())).lastrowid
    return Entry(entry_id, item, value, comment.strip())


def change_entry(store: Decisions, entry_id: int, *, points: float | str, comment: str | None, max_points: float,
                 tutor: str) -> list[str]:
    """New points (and comment) for a rubric entry and every decision that applied it;
    returns the students whose scores changed."""
    value = _points(points, max_points)
    with store.write() as db:
        entry = db.execute("SELECT item, comment FROM rubric WHERE id=?", (entry_id,)).fetchone()
        if entry is None:
            raise ReviewError(f"no rubric entry {entry_id}")
        text = entry["comment"] if comment is None or not comment.strip() else comment.strip()
        db.execute("UPDATE rubric SET points=?, comment=? WHERE id=?", (value, text, entry_id))
        users = [r[0] for r in db.execute("SELECT safe_id FROM decisions WHERE rubric_id=?", (entry_id,))]
        for safe_id in users:
            _record(db, safe_id, entry["item"], value, text, entry_id, tutor, "rubric")
    return users


def split(store: Decisions, safe_id: str, item: str, *, apart: bool = True) -> None:
    """Take a student's answer out of its group (or put it back)."""
    with store.write() as db:
        if apart:
            db.execute("INSERT OR IGNORE INTO splits VALUES (?, ?)", (safe_id, item))
        else:
            db.execute("DELETE FROM splits WHERE safe_id=? AND item=?", (safe_id, item))


def rendered(store: Decisions, written: dict[str, int]) -> None:
    """Their outputs were written from the decisions up to these revisions: no longer dirty,
    unless a decision came in while they were being written."""
    with store.write() as db:
        db.executemany("DELETE FROM dirty WHERE safe_id=? AND rev<=?", list(written.items()))
