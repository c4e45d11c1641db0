"""Moodle (mod/assign): the offline grading worksheet filled in, and the feedback files zip.

The assignment needs, under Feedback types, "Offline grading worksheet", "Feedback comments"
(the worksheet's comment column) and "Feedback files" (the zip). Moodle reads the worksheet
back by its header names, in the language it was downloaded in: "Identifier" (Participant
12345: the id of the download's names), "Grade" (in the language's number format; blank
leaves Moodle's grade as it is), "Last modified (grade)" (a grade changed in Moodle after the
download is not overwritten) and "Feedback comments". Every other column is ignored by Moodle
and kept here byte for byte. The feedback zip is read by folder names
`<name>_<participant id>_assignfeedback_file_/`: Moodle takes the id after the first underscore.
The trailing underscore is for Moodle before 4.1, which splits the whole path on underscores
and finds the plugin's name only when one follows it; 4.1 and later read that form as well.
"""
from __future__ import annotations

import re
from pathlib import Path

from edf_autograder.integrations.lms import match, sheet

COLUMNS = {"id": "Identifier", "name": "Full name", "grade": "Grade", "maximum": "Maximum Grade",
           "feedback": "Feedback comments", "changeable": "Grade can be changed"}
PARTICIPANT = re.compile(r"(\d+)\s*$")


def export(out: Path, worksheet: Path, dest: Path, *, scores: str, columns: dict | None,
           decimal: str | None, rescale: bool, assignment: str | None) -> match.Report:
    names = COLUMNS | (columns or {})
    ws = sheet.read(worksheet)
    col = {role: ws.column(header, required=header if role in ("id", "grade") else "")
           for role, header in names.items()}
    keys = {n: m[1] for n, row in enumerate(ws.rows[1:], 1)
            if (m := PARTICIPANT.search(ws.get(row, col["id"])))}
    found = match.match(keys, match.graded(out, scores), "moodle", row_name=lambda n: ws.get(ws.rows[n], col["id"]))
    report = match.Report("Moodle", ws.path.name, scores, len(keys), found)

    number_col = col["maximum"] if col["maximum"] is not None else col["grade"]
    decimal = decimal or ws.decimal(number_col)
    maximum = sheet.number(_first(ws, col["maximum"])) if col["maximum"] is not None else None
    decimals = sheet.decimals(_first(ws, number_col))
    scale = match.scale(report, maximum, found, rescale, what="the worksheet's maximum grade")
    feedback: dict[str, str] = {}
    for n in keys:
        row, g = ws.rows[n], found.rows.get(n)
        if g is None:  # a blank grade leaves Moodle's as it is; the comment is left as downloaded
            ws.set(row, col["grade"], "", number=True)
            continue
        ws.set(row, col["grade"], sheet.points(g.score * scale, decimal, decimals), number=True)
        if col["feedback"] is not None:
            ws.set(row, col["feedback"], match.comment(g))
        if col["changeable"] is not None and ws.get(row, col["changeable"]).strip().lower() in ("no", "nein"):
            report.notes.append(f"{ws.get(row, col['id'])}: Moodle says the grade cannot be changed (locked or "
                                "released); it will skip this row")
        who = match.file_name(ws.get(row, col["name"]).replace("_", " ") if col["name"] is not None else "",
                              fallback="Participant")
        feedback[f"{who}_{keys[n]}_assignfeedback_file_/feedback.html"] = match.feedback_page(out, g)
    if col["feedback"] is None:
        report.notes.append(f"no {names['feedback']!r} column: enable Feedback comments in the assignment's settings "
                            "and download the worksheet again to get the comments in")
    name = (lambda row: ws.get(row, col["name"])) if col["name"] is not None else (lambda row: "")
    report.missing_names = [f"{ws.get(ws.rows[n], col['id'])} {name(ws.rows[n])}".strip() for n in found.missing]
    return report.finish(found.rows, ws, dest, "feedback_files.zip", feedback)


def _first(ws: sheet.Sheet, col: int) -> str:
    return next((v for row in ws.rows[1:] if (v := ws.get(row, col).strip())), "")
