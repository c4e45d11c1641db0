"""ILIAS (exercise): marks and comments in the assignment's status file, and the per-student
feedback files as a multi-feedback zip.

The status file is the sheet of the "ExerciseStatusFile" plugin for ILIAS exercises (from
FAU's StudOn; ILIAS itself imports no marks): Submissions and Grades > download status.csv
(or status.xlsx: save it as CSV UTF-8), with the columns update, usr_id, login, lastname,
firstname, status, mark, notice, comment, plagiarism, plag_comment. A row is applied only
where `update` is 1; it sets status, mark and comment, so status is kept as downloaded.
Rows are matched by usr_id (the id at the end of the download's folder names) and checked
against the login.

The multi-feedback zip is ILIAS's own (Submissions and Grades > Multi-Feedback > upload): one
folder whose name starts with `multi_feedback`, holding `Lastname_Firstname_login_userid/`
per participant; ILIAS reads the user id after the last underscore.
"""
from __future__ import annotations

from pathlib import Path

from edf_autograder.integrations.lms import match, sheet

COLUMNS = {"update": "update", "id": "usr_id", "login": "login", "lastname": "lastname",
           "firstname": "firstname", "mark": "mark", "comment": "comment"}


def export(out: Path, status_file: Path, dest: Path, *, scores: str, columns: dict | None,
           decimal: str | None, rescale: bool, assignment: str | None) -> match.Report:
    names = COLUMNS | (columns or {})
    st = sheet.read(status_file)
    col = {role: st.column(header, required=header) for role, header in names.items()}
    keys = {n: st.get(row, col["id"]).strip() for n, row in enumerate(st.rows[1:], 1)
            if st.get(row, col["id"]).strip().isdigit()}
    login = {n: st.get(st.rows[n], col["login"]).strip() for n in keys}
    found = match.match(keys, match.graded(out, scores), "ilias", row_name=lambda n: login[n])
    for n, g in list(found.rows.items()):
        if login[n] and g.identity.login and not (g.identity.login == login[n] or g.identity.login.endswith("_" + login[n])):
            del found.rows[n]
            found.conflicts.append(f"usr_id {keys[n]}: the sheet's login is {login[n]!r}, the download's "
                                   f"{g.identity.login!r}; left empty")
    report = match.Report("ILIAS", st.path.name, scores, len(keys), found)
    if rescale:
        report.notes.append("--rescale ignored: ILIAS's status file has no maximum to scale to")
    decimal = decimal or st.decimal(col["mark"])
    top = "multi_feedback_" + match.file_name(assignment or "Exercise_2", fallback="Exercise_2").replace(" ", "_")
    feedback: dict[str, str] = {}
    for n in keys:
        row, g = st.rows[n], found.rows.get(n)
        if g is None:  # not applied by ILIAS; the comment is left as downloaded
            st.set(row, col["update"], "0", number=True)
            st.set(row, col["mark"], "", number=True)
            continue
        st.set(row, col["update"], "1", number=True)
        st.set(row, col["mark"], sheet.points(g.score, decimal, 0), number=True)
        st.set(row, col["comment"], match.comment(g))
        who = "_".join(match.file_name(st.get(row, col[k]), fallback="x", ascii=True)
                       for k in ("lastname", "firstname", "login")) + f"_{keys[n]}"  # as ILIAS names it
        feedback[f"{top}/{who}/feedback.html"] = match.feedback_page(out, g)
    report.missing_names = [f"{login[n]} ({st.get(st.rows[n], col['firstname'])} {st.get(st.rows[n], col['lastname'])})"
                            for n in found.missing]
    return report.finish(found.rows, st, dest, "multi_feedback.zip", feedback)
