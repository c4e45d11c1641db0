"""Canvas: the gradebook CSV with the assignment's column filled, and submission comments as
one file per student.

Grades > Export gives `Student, ID, SIS User ID, SIS Login ID, Section`, one column per
assignment named `Title (assignment id)`, then read-only totals; below the header, rows whose
ID is no number ("Points Possible", posting policies) are kept as they are. Grades > Import
reads the file back, matching students by ID (the user id of submissions.zip's names) and
ignoring the read-only columns; user settings may make the export use semicolons and a
decimal comma, which are kept.

The comment files are for the assignment's "Upload Submissions" (re-upload): Canvas reads
the first two all-digit parts of each name as the user id and the id of one of the
student's submitted files, and adds the file to that submission as a comment (listed under
the name of the student's file). Students whose download gave no file id (text entries) get
no comment file; the report names them.
"""
from __future__ import annotations

import re
from pathlib import Path

from edf_autograder.errors import HarnessError
from edf_autograder.integrations.lms import match, sheet

ASSIGNMENT = re.compile(r".*\((\d+)\)\s*")
POINTS_POSSIBLE = "Points Possible"


def export(out: Path, gradebook: Path, dest: Path, *, scores: str, columns: dict | None,
           decimal: str | None, rescale: bool, assignment: str | None) -> match.Report:
    gb = sheet.read(gradebook)
    id_col = gb.column((columns or {}).get("id", "ID"), required="ID")
    col = _assignment_column(gb, assignment)
    keys = {n: gb.get(row, id_col).strip() for n, row in enumerate(gb.rows[1:], 1)
            if gb.get(row, id_col).strip().isdigit()}
    found = match.match(keys, match.graded(out, scores), "canvas", row_name=lambda n: gb.get(gb.rows[n], 0))
    report = match.Report("Canvas", f"{gb.path.name} column {gb.header[col]!r}", scores, len(keys), found)

    possible = next((gb.get(r, col) for r in gb.rows[1:] if gb.get(r, 0).strip() == POINTS_POSSIBLE), "")
    decimal = decimal or gb.decimal(col)
    scale = match.scale(report, sheet.number(possible), found, rescale, what="the column's points possible")
    comments: dict[str, str] = {}
    for n in keys:
        row, g = gb.rows[n], found.rows.get(n)
        gb.set(row, col, sheet.points(g.score * scale, decimal, sheet.decimals(possible)) if g else "", number=True)
        if g is None:
            continue
        if g.identity.files:
            who = match.file_name(g.identity.name, fallback="student")
            comments[f"{who}_{keys[n]}_{g.identity.files[0]}_feedback.html"] = match.feedback_page(out, g)
        else:
            report.notes.append(f"{g.student}: no submitted file in the download names, so no comment file "
                                "(Canvas attaches comment files to a submitted file)")
    report.missing_names = [f"{gb.get(gb.rows[n], 0)} (ID {keys[n]})" for n in found.missing]
    return report.finish(found.rows, gb, dest, "submission_comments.zip", comments)


def _assignment_column(gb: sheet.Sheet, assignment: str | None) -> int:
    """The column of `assignment` (its title or its id), or the only assignment column."""
    candidates = found = [n for n, h in enumerate(gb.header) if ASSIGNMENT.fullmatch(h)]
    if assignment:
        wanted = assignment.strip().casefold()
        found = [n for n in candidates if gb.header[n].strip().casefold() == wanted
                 or ASSIGNMENT.fullmatch(gb.header[n])[1] == wanted
                 or gb.header[n].strip().casefold().startswith(wanted + " (")]
    if len(found) == 1:
        return found[0]
    listed = ", ".join(repr(gb.header[n]) for n in candidates) or "none"
    raise HarnessError(f"{gb.path.name}: {'no' if not found else len(found)} assignment columns "
                       f"{'match ' + repr(assignment) if assignment else 'and no --assignment'} (found {listed}); "
                       "pass --assignment with the title or the id in brackets")
