"""Items, verdicts and results: the plain data that checks return and reports read."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

PASS, FAIL, ERROR, MANUAL, NOT_FOUND, SKIPPED = "pass", "fail", "error", "manual", "not found", "skipped"
STATUSES = (PASS, FAIL, ERROR, MANUAL, NOT_FOUND, SKIPPED)


@dataclass(frozen=True)
class ItemSpec:
    """One gradable item of the sheet, declared next to the check that grades it."""

    id: str            # e.g. "2.3d-relu"
    title: str
    points: float
    section: str       # "2.1", "2.2" or "2.3"
    slow: bool = False  # needs full training; reported as skipped in quick mode


@dataclass(frozen=True)
class Verdict:
    status: str
    fraction: float  # share of the item's points earned (suggested share for MANUAL)
    message: str


def passed(message: str = "") -> Verdict:
    return Verdict(PASS, 1.0, message)


def failed(message: str, fraction: float = 0.0) -> Verdict:
    return Verdict(FAIL, fraction, message)


def manual(message: str, suggested: float) -> Verdict:
    """Needs a human; `suggested` is the share of points the keywords suggest."""
    return Verdict(MANUAL, suggested, message)


def skipped(message: str) -> Verdict:
    return Verdict(SKIPPED, 0.0, message)


@dataclass
class ItemResult:
    id: str
    title: str
    section: str
    points: float
    max_points: float
    status: str
    message: str
    duration: float
    where: str = ""   # the notebook cell(s) the evidence came from


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
    pen_and_paper: dict = field(default_factory=dict)  # 2.1 handed in as {"file": name or None, "handwritten": [names]}

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
            "notes": self.notes,
            "items": [asdict(i) for i in self.items],
            "figures": self.figures,
            "flags": self.flags,
            "pen_and_paper": self.pen_and_paper,
        }
