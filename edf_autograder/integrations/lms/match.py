"""What every LMS export shares: the graded students of an output folder, their score as the
instructor chose it, matched to the rows of the LMS's sheet by the identity their download
names gave them (never by a guess), and the report of what was written and what was not."""
from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from edf_autograder.checking.verdicts import MANUAL, result_from_record
from edf_autograder.errors import HarnessError
from edf_autograder.intake.lms_names import Identity

UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
SCORES = {"reviewed": "automatic + reviewed overrides", "automatic": "automatic only (tutors' overrides left out)"}


@dataclass
class Graded:
    """One student's result as the export writes it."""

    record: dict                 # result.json, overrides reverted when scores are automatic only
    identity: Identity | None
    score: float
    max_score: float
    pending: list[dict]          # items still waiting for a tutor (not in `score`)
    reviewed: list[str]          # items a tutor scored, in `score`
    rerender: bool = False       # its feedback.html shows overrides these scores leave out

    @property
    def student(self) -> str:
        return self.record.get("student", self.record["submission"])


def view(record: dict, scores: str) -> dict:
    """The record as the chosen scores see it: "automatic" puts every overridden item back to
    what the grader gave it (edf_autograder.reports.gradebook keeps that under override.previous)."""
    if scores == "automatic":
        items = [i | i["override"]["previous"] if i.get("override") else i for i in record["items"]]
        record = record | {"items": [{k: v for k, v in i.items() if k != "override"} for i in items],
                           "flags": [{k: v for k, v in f.items() if k != "decision"} for f in record.get("flags") or []]}
    totals = result_from_record(record).to_dict()
    return record | {k: totals[k] for k in ("score", "max_score", "manual_pending", "suggested_score")}


def graded(out: Path, scores: str) -> list[Graded]:
    """Every graded student of `out` (the --out folder of `grade`)."""
    from edf_autograder.workbench.scores import reviewed_records

    if scores not in SCORES:
        raise HarnessError(f"scores must be one of {', '.join(SCORES)}, not {scores!r}")
    if not (Path(out) / "students").is_dir():
        raise HarnessError(f"{out}: no graded students here; run `grader.py grade ... --out {out}` first")
    result = []
    for record in reviewed_records(out):  # the tutors' decisions applied
        seen = view(record, scores)
        overridden = any(i.get("override") for i in record["items"])
        result.append(Graded(seen, Identity.from_dict(record.get("identity")), seen["score"], seen["max_score"],
                             [i for i in seen["items"] if i["status"] == MANUAL],
                             [i["id"] for i in seen["items"] if i.get("override")],
                             rerender=overridden and scores == "automatic"))
    return result


@dataclass
class Matched:
    rows: dict[int, Graded] = field(default_factory=dict)  # sheet row index -> its student
    missing: list[int] = field(default_factory=list)       # rows whose student has no submission
    unmatched: list[str] = field(default_factory=list)     # submissions no row is for, and why
    conflicts: list[str] = field(default_factory=list)     # ambiguous rows, left empty


def match(keys: dict[int, str], students: list[Graded], lms: str, *, row_name=str) -> Matched:
    """Pair sheet rows (index -> the LMS id the row is for) with students whose download
    names gave the same LMS and id. Two rows or two submissions for one id are not guessed
    between: the rows stay empty and the conflict is listed."""
    found = Matched()
    by_id: dict[str, list[Graded]] = {}
    for g in students:
        if g.identity is None:
            found.unmatched.append(f"{g.student}: its download name is not {lms.title()}'s; no row can be told")
        elif g.identity.lms != lms:
            found.unmatched.append(f"{g.student}: named as {g.identity.lms.title()} names its downloads, not {lms.title()}")
        else:
            by_id.setdefault(g.identity.lms_id, []).append(g)
    rows_of: dict[str, list[int]] = {}
    for index, key in keys.items():
        rows_of.setdefault(key, []).append(index)
    for key, indexes in rows_of.items():
        candidates = by_id.get(key, [])
        if len(indexes) > 1 or len(candidates) > 1:
            found.conflicts.append(f"{lms.title()} id {key}: {len(indexes)} rows ({', '.join(row_name(i) for i in indexes)}) "
                                   f"and {len(candidates)} submissions ({', '.join(g.student for g in candidates)}); "
                                   "left empty")
        elif candidates:
            found.rows[indexes[0]] = candidates[0]
        else:
            found.missing.append(indexes[0])
    found.unmatched += [f"{g.student}: no row for {lms.title()} id {key}"
                        for key, gs in by_id.items() if key not in rows_of for g in gs]
    return found


def scale(report: Report, maximum: float | None, found: Matched, rescale: bool, *, what: str) -> float:
    """1, or the sheet's maximum over the exercise's points when asked to rescale; a maximum
    that differs is always reported (the LMS refuses grades above its own)."""
    ours = next((g.max_score for g in found.rows.values()), None)
    if maximum is None or ours is None or abs(maximum - ours) < 1e-9:
        return 1.0
    if rescale:
        report.notes.append(f"scores rescaled from {ours:g} points to {what}, {maximum:g}")
        return maximum / ours
    report.notes.append(f"{what} is {maximum:g}, the exercise has {ours:g} points: grades are written as points "
                        f"out of {ours:g}; set the LMS's maximum to {ours:g} or pass --rescale")
    return 1.0


def comment(g: Graded) -> str:
    """The short feedback text an LMS shows beside the grade (plain text, no student input)."""
    title = (g.record.get("exercise") or {}).get("title") or "Autograder"
    parts = [f"{title}: {g.score:g} of {g.max_score:g} points."]
    if g.reviewed:
        parts.append(f"Reviewed by a tutor: {', '.join(g.reviewed)}.")
    if decided := [f for f in g.record.get("flags") or [] if f.get("decision")]:
        parts.append("Flags decided by a tutor: " + ", ".join(
            f"{f['kind']} {f['decision']['verdict']}" + (f" ({f['decision']['points']:+g} points)"
                                                          if f["decision"]["verdict"] == "confirmed" and f["decision"]["points"]
                                                          else "") for f in decided) + ".")
    if g.pending:
        waiting = sum(i["max_points"] for i in g.pending)
        parts.append(f"Waiting for review, not yet counted: {', '.join(i['id'] for i in g.pending)} ({waiting:g} points).")
    parts.append("The feedback page explains every item.")
    return " ".join(parts)


def feedback_page(out: Path, g: Graded) -> str:
    """The student's feedback.html (rendered again when the scores leave out an override)."""
    from edf_autograder.exercise import load
    from edf_autograder.reports import html  # heavy (matplotlib): loaded when a page is drawn again

    page = Path(out) / "students" / g.record.get("safe_id", "") / "feedback.html"
    if g.rerender or not page.is_file():
        return html.feedback_html(g.record, load((g.record.get("exercise") or {}).get("name")), folder=page.parent)
    return page.read_text(encoding="utf-8")


def write_zip(path: Path, files: dict[str, str]) -> Path:
    """A zip of text files, written beside `path` and renamed: never half a zip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    os.replace(tmp, path)
    return path


def file_name(text: str, *, fallback: str, ascii: bool = False) -> str:
    """A name part that is safe in a zip on every system (no separators, no leading dot);
    `ascii` transliterates as ILIAS names its folders (ä -> ae, é -> e)."""
    if ascii:
        text = "".join(UMLAUTS.get(c, c) for c in text)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r'[\x00-\x1f/\\:*?"<>|]+', " ", text).strip().lstrip(".")
    return cleaned[:100] or fallback


@dataclass
class Report:
    lms: str
    sheet: str
    scores: str
    rows: int = 0
    matched: Matched = field(default_factory=Matched)
    missing_names: list[str] = field(default_factory=list)
    pending: list[tuple[str, list[str], float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def text(self) -> str:
        m = self.matched
        lines = [f"{self.lms}: {len(m.rows)} of {self.rows} students of {self.sheet} filled; "
                 f"scores: {SCORES[self.scores]}"]
        lines += self._block(f"students of the sheet without a submission, grade left empty ({len(self.missing_names)})",
                             self.missing_names)
        lines += self._block(f"submissions that match no row, not written ({len(m.unmatched)})", m.unmatched)
        lines += self._block(f"ambiguous ids, left empty ({len(m.conflicts)})", m.conflicts)
        waiting = sum(len(ids) for _, ids, _ in self.pending)
        lines += self._block(f"items waiting for review, not in the scores; `review import` adds them ({waiting} items "
                             f"of {len(self.pending)} students, {sum(p for *_, p in self.pending):g} points)",
                             [f"{who}: {', '.join(ids)}" for who, ids, _ in self.pending])
        lines += self.notes + [f"wrote {p}" for p in self.written]
        return "\n".join(lines)

    @staticmethod
    def _block(title: str, entries: list[str]) -> list[str]:
        return [title + ":"] + [f"  {e}" for e in entries] if entries else []

    def count_pending(self, rows: dict[int, Graded]) -> None:
        self.pending = [(g.student, [i["id"] for i in g.pending], sum(i["max_points"] for i in g.pending))
                        for g in rows.values() if g.pending]

    def finish(self, rows: dict[int, Graded], table, dest: Path, archive: str, files: dict[str, str]) -> Report:
        """Count what waits for review, write the filled sheet and the feedback archive into `dest`."""
        self.count_pending(rows)
        dest = Path(dest)
        table.write(dest / table.path.name)
        self.written = [dest / table.path.name, write_zip(dest / archive, files)]
        return self
