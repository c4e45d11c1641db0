"""Integrity flags: what a person should look at, with the evidence. A flag never
changes points by itself; it shows in the feedback, review_queue.csv and the summary.

- "tamper": the notebook replaced functions of edf or numpy, or touched the grader's probe;
- "mismatch": values the kernel reported disagree with the grader's own recomputation;
- "sandbox": the sandbox refused or stopped something a notebook of this exercise does
  not need (writing outside its folder, the network, new processes, memory or process limits);
- "intake": the submission's files: archive entries skipped as unsafe, two copies of one
  notebook that both hold work, a notebook holding parts of several (intake/).
- "framework": the submission's own copy of a course file (edf.py) runs cells the course's makes
  fail; the flag shows the diff and the score graded with the student's copy (`suggested`).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from edf_autograder.kernel.cells import cell_name, last_line

KINDS = ("tamper", "mismatch", "sandbox", "intake", "framework")
PROBE = re.compile(r"_grader_probe|sys\.addaudithook|sys\.audit\b")
LIMIT_ERRORS = (
    (re.compile(r"MemoryError|Cannot allocate memory"), "ran out of the memory the sandbox allows"),
    (re.compile(r"Resource temporarily unavailable|BlockingIOError"), "hit the sandbox's limit on processes"),
    (re.compile(r"Read-only file system"), "tried to write where the sandbox allows no writing"),
    (re.compile(r"Network is unreachable|Temporary failure in name resolution|Name or service not known"),
     "tried to reach the network, which the sandbox does not have"),
)
AUDIT = {
    "write": "tried to write outside the notebook's folder",
    "network": "tried to use the network",
    "process": "tried to start a process",
}
SHOWN = 3  # examples kept per flag


@dataclass(frozen=True)
class Flag:
    kind: str
    message: str
    notebook: str = ""
    cell: int | None = None   # index in the notebook's cells
    suggested: float | None = None  # points a tutor may give instead (a "framework" flag's second run)

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.suggested is None:  # only the framework flag suggests points
            del data["suggested"]
        return data


def _examples(items: list[str]) -> str:
    shown = ", ".join(dict.fromkeys(items[:SHOWN]))
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def notebook_flags(name: str, evidence, events: tuple[str, ...] | list[str] = ()) -> list[Flag]:
    """Flags from one notebook's run: snapshots, cell errors, sandbox events, its source."""
    flags: list[Flag] = []
    seen: set[str] = set()
    for snap in evidence.snapshots:
        new = [t for t in snap.tampered if t not in seen]
        seen.update(new)
        if new:
            flags.append(Flag("tamper", f"tampering: {cell_name(snap.cell)} replaced {_examples(new)}; "
                                        "results computed with them are not trusted", name, snap.cell))
        by_kind: dict[str, list[str]] = {}
        for kind, detail in snap.audit:
            by_kind.setdefault(kind, []).append(detail)
        for kind, details in by_kind.items():
            flags.append(Flag("sandbox", f"{cell_name(snap.cell)} {AUDIT.get(kind, kind)}: {_examples(details)}",
                              name, snap.cell))
    for run in evidence.runs:
        for pattern, what in LIMIT_ERRORS:
            if run.status in ("error", "dead kernel") and pattern.search(run.error or ""):
                flags.append(Flag("sandbox", f"{cell_name(run.index)} {what} "
                                             f"({last_line(run.error)[:200]})", name, run.index))
                break
    for event in events:
        flags.append(Flag("sandbox", event, name))
    for index, cell in enumerate(evidence.nb.cells if evidence.nb is not None else []):
        if cell.cell_type == "code" and PROBE.search(cell.source):
            flags.append(Flag("tamper", f"tampering: {cell_name(index)} refers to the grader's probe or "
                                        "audit hooks", name, index))
    return flags


def tamper_note(flags: list[Flag], notebook: str) -> str:
    """A sentence for an item whose evidence came from a notebook that tampered."""
    hits = [f for f in flags if f.kind == "tamper" and f.notebook == notebook]
    if not hits:
        return ""
    return f"tampering detected in {notebook} ({hits[0].message.removeprefix('tampering: ')})"
