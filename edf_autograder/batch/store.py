"""The resumable result store: one folder per student, written atomically, keyed by a
hash of the submission's content, the grader version, the data and the mode, so a
re-run skips what is graded, re-grades what changed, and an interrupted run loses at
most the submissions in flight."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from edf_autograder import __version__
from edf_autograder.reports.text import write_atomic


def content_key(paths: list[Path], *, fingerprint: str, quick: bool) -> str:
    digest = hashlib.sha256(f"{__version__}|{fingerprint}|quick={quick}".encode())
    for root in sorted(paths):
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for f in files:
            digest.update(str(f.relative_to(root) if root.is_dir() else f.name).encode() + b"\0")
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:24]


class Store:
    def __init__(self, out: Path):
        self.root = Path(out) / "students"
        self.root.mkdir(parents=True, exist_ok=True)

    def folder(self, safe_id: str) -> Path:
        return self.root / safe_id

    def load(self, safe_id: str) -> dict | None:
        try:
            return json.loads((self.folder(safe_id) / "result.json").read_text())
        except (OSError, ValueError):
            return None

    def is_current(self, safe_id: str, key: str) -> bool:
        found = self.load(safe_id)
        return bool(found) and found.get("key") == key

    def save(self, safe_id: str, result: dict) -> None:
        """result.json is written last: its presence marks the student as done."""
        write_atomic(self.folder(safe_id) / "result.json", json.dumps(result, indent=2))

    def all(self) -> list[dict]:
        return [r for p in sorted(self.root.iterdir()) if (r := self.load(p.name))]
