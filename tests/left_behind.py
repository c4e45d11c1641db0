"""What a run left in a student's folder: every file and folder under it, with its size and
modification time, before and after; shared by the tests that the kit and the grader write
nothing into a student's folder except the reports asked for (issue 23, part 5)."""
from __future__ import annotations

from pathlib import Path


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under `folder` (relative, folders too): (size, mtime in ns)."""
    return {path.relative_to(folder).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*"))}


def changes(before: dict, after: dict, *, asked: set[str] = frozenset()) -> dict[str, str]:
    """Paths that appeared, changed or went away, other than the reports `asked` for."""
    found = {p: "new" for p in after.keys() - before.keys()}
    found |= {p: "changed" for p in after.keys() & before.keys() if after[p] != before[p]}
    found |= {p: "removed" for p in before.keys() - after.keys()}
    return {p: what for p, what in sorted(found.items()) if p not in asked}
