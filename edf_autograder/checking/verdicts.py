"""Items, verdicts and results: the plain data that checks return and reports read.

A verdict carries structured `data` beside its message (e.g. which of two disputed keys a
student gave): reports read that, never the wording of a message.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """What became of an item; the values are what records, CSV files and pages show."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"            # a grader bug: a person looks at it
    MANUAL = "manual"          # waits for a tutor; its points are a suggestion
    NOT_FOUND = "not found"    # the submission holds no evidence for it
    SKIPPED = "skipped"        # not graded in this mode (quick)
    READ = "read"              # the students' self-check read the answer; whether it is right is not said there


PASS, FAIL, ERROR, MANUAL, NOT_FOUND, SKIPPED, READ = Status  # the names every module uses
AUTOMATIC_DONE = (MANUAL, SKIPPED, READ)  # statuses that say nothing about automatic success


def automatic_passed(statuses) -> bool:
    """Every item the grader decided itself passed (exit codes, CI verdicts)."""
    return all(s == PASS for s in statuses if s not in AUTOMATIC_DONE)


@dataclass(frozen=True)
class ItemSpec:
    """One gradable item of the sheet, declared next to the check that grades it."""

    id: str            # e.g. "4.2d-relu": its section is the longest section id it starts with
    title: str
    points: float
    section: str       # the exercise's section it belongs to (from the id)
    slow: bool = False  # needs full training; reported as skipped in quick mode
    # what a student's self-check may show: "verdict" (status and message), "readable" (only
    # how the answer reads, never whether it is right) or "nothing" (free text)
    students: str = "verdict"
    hidden: bool = False  # graded only by the instructor: never in the students' kit
    trained: bool = False  # judges a trained result: skipped where a quick check stopped that training


STUDENTS_SEE = ("verdict", "readable", "nothing")


@dataclass(frozen=True)
class Verdict:
    status: Status
    fraction: float  # share of the item's points earned (suggested share for MANUAL)
    message: str
    data: dict = field(default_factory=dict)  # structured facts for reports; "integrity" raises a flag


def passed(message: str = "", **data) -> Verdict:
    return Verdict(PASS, 1.0, message, data)


def failed(message: str, fraction: float = 0.0, **data) -> Verdict:
    return Verdict(FAIL, fraction, message, data)


def manual(message: str, suggested: float, **data) -> Verdict:
    """Needs a human; `suggested` is the share of points the keywords suggest."""
    return Verdict(MANUAL, suggested, message, data)


def skipped(message: str) -> Verdict:
    return Verdict(SKIPPED, 0.0, message)


@dataclass
class ItemResult:
    id: str
    title: str
    section: str
    points: float
    max_points: float
    status: Status
    message: str
    duration: float
    where: str = ""   # the notebook cell(s) the evidence came from
    data: dict = field(default_factory=dict)


@dataclass
class Result:
    """Everything one grading run found; `score` counts automatic points only."""

    submission: str
    items: list[ItemResult]
    dataset: str
    grader_version: str
    notes: list[str] = field(default_factory=list)
    duration: float = 0.0
    figures: dict = field(default_factory=dict)  # plain data for the feedback plots
    flags: list[dict] = field(default_factory=list)  # integrity flags for a person (integrity.Flag)
    answer_sheet: dict = field(default_factory=dict)  # {"file": name or None, "handwritten": [names]}
    exercise: dict = field(default_factory=dict)  # name, title, sections (Exercise.describe())
    root_causes: list[dict] = field(default_factory=list)  # failing cells others follow from (causes.RootCause)
    advice: list[str] = field(default_factory=list)  # one line each a student can act on, at the top
    own_files: list[dict] = field(default_factory=list)  # the submission's changed course files (course_files.OwnCopy)
    own_run: dict = field(default_factory=dict)  # graded with the student's own files: a tutor's suggestion

    @property
    def max_score(self) -> float:
        return sum(i.max_points for i in self.items)

    @property
    def score(self) -> float:
        return round(sum(i.points for i in self.items if i.status != MANUAL), 3)

    @property
    def manual_pending(self) -> float:
        """Points that wait for a human (the suggested share is not counted in `score`)."""
        return sum(i.max_points for i in self.items if i.status == MANUAL)

    @property
    def suggested_score(self) -> float:
        return round(sum(i.points for i in self.items), 3)

    @property
    def all_automatic_passed(self) -> bool:
        """Every item that the grader decided itself passed (the CLI's exit code, CI's verdict)."""
        return automatic_passed(i.status for i in self.items)

    def to_dict(self) -> dict:
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "manual_pending": self.manual_pending,
            "suggested_score": self.suggested_score,
            "dataset": self.dataset,
            "grader_version": self.grader_version,
            "duration": round(self.duration, 2),
            "advice": self.advice,            # what a student reads first: before the items
            "root_causes": self.root_causes,
            "notes": self.notes,
            "items": [asdict(i) for i in self.items],
            "figures": self.figures,
            "flags": self.flags,
            "answer_sheet": self.answer_sheet,
            "exercise": self.exercise,
            "own_files": self.own_files,
            "own_run": self.own_run,
        }


def result_from_record(record: dict) -> Result:
    """The Result a record (`Result.to_dict()` plus a batch's keys) was made from."""
    names = ItemResult.__dataclass_fields__
    items = [ItemResult(**{k: v for k, v in i.items() if k in names}) for i in record["items"]]
    for item in items:
        item.status = Status(item.status)
    return Result(record["submission"], items, record.get("dataset", ""), record.get("grader_version", ""),
                  list(record.get("notes", [])), record.get("duration", 0.0), record.get("figures", {}),
                  list(record.get("flags", [])), record.get("answer_sheet", {}), record.get("exercise", {}),
                  list(record.get("root_causes", [])), list(record.get("advice", [])),
                  list(record.get("own_files", [])), dict(record.get("own_run") or {}))
