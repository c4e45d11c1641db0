"""Learning-management systems: who a download's files belong to (`names`), and grades back
in each LMS's own import format (`moodle`, `ilias`, `canvas`), matched to the rows of the
instructor's sheet by `match` and written by `sheet` without touching the rest of the file."""
from __future__ import annotations

import importlib
from pathlib import Path

SYSTEMS = ("moodle", "ilias", "canvas")


def export(lms: str, out: Path, sheet: Path, *, dest: Path | None = None, scores: str = "reviewed",
           columns: dict | None = None, decimal: str | None = None, rescale: bool = False,
           assignment: str | None = None):
    """Fill the LMS's grade `sheet` from the graded folder `out` and write the feedback files
    beside it, in `dest` (default OUT/export/<lms>/); returns the report, also in report.txt."""
    from edf_autograder.reports.text import write_atomic

    if lms not in SYSTEMS:
        raise ValueError(f"unknown LMS {lms!r}; one of {', '.join(SYSTEMS)}")
    dest = Path(dest) if dest else Path(out) / "export" / lms
    module = importlib.import_module(f"edf_autograder.integrations.lms.{lms}")
    report = module.export(Path(out), Path(sheet), dest, scores=scores, columns=columns, decimal=decimal,
                           rescale=rescale, assignment=assignment)
    write_atomic(dest / "report.txt", report.text() + f"\nwrote {dest / 'report.txt'}\n")
    report.written.append(dest / "report.txt")
    return report
