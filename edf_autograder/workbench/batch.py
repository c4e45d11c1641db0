"""The graded batch as the workbench reads it: the records of OUT/students, read again only
when a result.json changed (a re-grade while the server runs), with their answers per item."""
from __future__ import annotations

import threading
from pathlib import Path

from edf_autograder.batch.store import Store
from edf_autograder.workbench import answers
from edf_autograder.workbench.grouping import Group, group

HEAVY = ("figures",)  # plot data: the workbench never shows it, and it is most of a record


class Batch:
    def __init__(self, out: Path):
        self.out = Path(out)
        self.store = Store(self.out)
        self._lock = threading.Lock()
        self._stamp: tuple = ()
        self.records: list[dict] = []
        self.items: dict[str, answers.Item] = {}

    def _files(self) -> tuple:
        return tuple((p.parent.name, p.stat().st_mtime_ns) for p in sorted(self.store.root.glob("*/result.json")))

    def refresh(self) -> Batch:
        with self._lock:
            stamp = self._files()
            if stamp != self._stamp:
                records = [{k: v for k, v in r.items() if k not in HEAVY} for r in self.store.all()]
                self.records, self.items, self._stamp = records, answers.items(records), stamp
        return self

    def record(self, safe_id: str) -> dict | None:
        return next((r for r in self.records if r.get("safe_id") == safe_id), None)

    def groups(self, item: str, apart: set[tuple[str, str]]) -> list[Group]:
        found = self.items.get(item)
        return group(item, found.answers, {s for s, i in apart if i == item}) if found else []
