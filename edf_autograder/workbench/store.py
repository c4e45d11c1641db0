"""The tutors' decisions: one SQLite file in the output folder (`review.sqlite`), the only
place a reviewed score lives. The workbench, `review import` and every report read it.

Why SQLite: several tutors' requests write at once; WAL lets readers go on while one writes,
`BEGIN IMMEDIATE` serialises writers, and a decision is acknowledged only after its
transaction has committed (synchronous=FULL), so killing the server loses nothing acknowledged.

A decision carries the revision it was written at (`history.id`): a tutor's page says which
revision it showed, and a group decision never overwrites what another tutor decided after
that (see `decide`). Every change is also appended to `history`.

Decisions on flags are kept beside those on items (`flags`); an older store is upgraded (`schema`).
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from edf_autograder.errors import HarnessError
from edf_autograder.workbench.schema import SCHEMA, SCHEMA_VERSION, UPGRADE_1

FILE = "review.sqlite"


class StoreError(HarnessError):
    """The decisions file cannot be used (another schema, not SQLite, unwritable)."""


@dataclass(frozen=True)
class Decision:
    safe_id: str
    item: str
    points: float
    comment: str
    rubric_id: int | None
    tutor: str
    decided_at: str
    source: str   # "workbench" or "csv:<file name>"
    basis: str    # fingerprint of the answer the tutor saw (scores.basis)
    rev: int


@dataclass(frozen=True)
class FlagDecision:
    safe_id: str
    flag: str       # flags.flag_id: the flag's kind and a digest of where it was raised
    verdict: str    # "cleared" or "confirmed"
    points: float   # the change a confirmed flag makes (negative: a deduction); 0 when cleared
    target: str     # the item the change applies to, "" for the total
    comment: str
    internal: int   # 1: the comment is for tutors only, never shown to the student
    tutor: str
    decided_at: str
    basis: str      # digest of the flag's evidence (flags.flag_basis): a changed flag waits again
    rev: int


@dataclass(frozen=True)
class Entry:
    id: int
    item: str
    points: float
    comment: str


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class Decisions:
    """The store of one output folder; a connection per call, so any thread may use it."""

    def __init__(self, out: Path, *, create: bool = True):
        self.path = Path(out) / FILE
        if not create and not self.path.exists():
            self.path = None  # a read-only view of a folder nobody reviewed yet: no decisions
            return
        with self._connect() as db:
            version = self._version(db)
            if version is None:  # IF NOT EXISTS: another process may be creating it at the same moment
                db.executescript("BEGIN IMMEDIATE;" + SCHEMA
                                 + f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;")
            elif version == 1:  # older stores: add the flags' table and columns, decisions unchanged
                self._upgrade()
            elif version != SCHEMA_VERSION:
                raise StoreError(f"{self.path}: decisions schema version {version}, this grader reads version "
                                 f"{SCHEMA_VERSION}; use the grader version that wrote it")

    def _upgrade(self) -> None:
        with self.write() as db:
            if self._version(db) == 1:  # not upgraded by another process meanwhile
                for statement in filter(str.strip, UPGRADE_1.split(";")):
                    db.execute(statement)

    def _version(self, db) -> int | None:
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "meta" not in tables:
                return None
            return int(db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
        except (sqlite3.DatabaseError, TypeError, ValueError) as exc:
            raise StoreError(f"{self.path}: not a decisions file the grader can read ({exc}); "
                             "move it away to start a new one") from exc

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the decisions file ({exc})") from exc
        db.row_factory = sqlite3.Row
        return db

    @contextmanager
    def read(self):
        db = self._connect()
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def write(self):
        """One transaction: committed when the block ends, rolled back if it raises."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def all(self, safe_id: str | None = None) -> dict[str, dict[str, Decision]]:
        """Every decision (or one student's), by student and item."""
        found: dict[str, dict[str, Decision]] = {}
        for row in self._rows("decisions", safe_id):
            found.setdefault(row["safe_id"], {})[row["item"]] = Decision(**dict(row))
        return found

    def flags(self, safe_id: str | None = None) -> dict[str, dict[str, FlagDecision]]:
        """Every flag's decision (or one student's), by student and flag id."""
        found: dict[str, dict[str, FlagDecision]] = {}
        for row in self._rows("flag_decisions", safe_id):
            found.setdefault(row["safe_id"], {})[row["flag"]] = FlagDecision(**dict(row))
        return found

    def _rows(self, table: str, safe_id: str | None) -> list[sqlite3.Row]:
        if self.path is None:
            return []
        with self.read() as db:
            if safe_id is None:
                return db.execute(f"SELECT * FROM {table}").fetchall()
            return db.execute(f"SELECT * FROM {table} WHERE safe_id = ?", (safe_id,)).fetchall()

    def history(self, safe_id: str) -> list[dict]:
        """Every decision ever taken for a student (items, appeals and flags), newest first."""
        if self.path is None:
            return []
        with self.read() as db:
            return [dict(r) for r in db.execute("SELECT * FROM history WHERE safe_id=? ORDER BY id DESC", (safe_id,))]

    def revision(self) -> int:
        if self.path is None:
            return 0
        with self.read() as db:
            return db.execute("SELECT COALESCE(MAX(id), 0) FROM history").fetchone()[0]

    def rubric(self, item: str | None = None) -> list[Entry]:
        if self.path is None:
            return []
        with self.read() as db:
            rows = db.execute("SELECT id, item, points, comment FROM rubric" + (" WHERE item=?" if item else "")
                              + " ORDER BY id", (item,) if item else ())
            return [Entry(**dict(r)) for r in rows]

    def splits(self) -> set[tuple[str, str]]:
        if self.path is None:
            return set()
        with self.read() as db:
            return {(r[0], r[1]) for r in db.execute("SELECT safe_id, item FROM splits")}

    def dirty(self) -> dict[str, int]:
        """Students whose outputs are older than their decisions, with the revision that made them so."""
        if self.path is None:
            return {}
        with self.read() as db:
            return {r[0]: r[1] for r in db.execute("SELECT safe_id, rev FROM dirty ORDER BY safe_id")}

    def progress(self) -> list[dict]:
        """Decisions per item and tutor."""
        with self.read() as db:
            return [dict(r) for r in db.execute(
                "SELECT item, tutor, COUNT(*) AS n, MAX(decided_at) AS last FROM decisions GROUP BY item, tutor "
                "ORDER BY item, tutor")]
