"""The class overview: for every item the grader measured against a limit (test errors, the
sweeps' reported-versus-measured gap), the distribution of the class's values with the limit
drawn, and the students within NEAR of it; and the tutors' progress per item and tutor."""
from __future__ import annotations

from dataclasses import dataclass, field

NEAR = 0.10  # within 10 % of the limit: worth a look whichever side it fell on
BINS = 20


@dataclass
class Measure:
    item: str
    title: str
    unit: str
    limit: float
    values: list[tuple[float, str, str]] = field(default_factory=list)  # (value, student, safe_id)

    @property
    def near(self) -> list[tuple[float, str, str]]:
        margin = NEAR * abs(self.limit) if self.limit else NEAR
        return sorted(v for v in self.values if abs(v[0] - self.limit) <= margin)

    def histogram(self) -> dict:
        """Bars (x, width, count) over a range that always shows the limit, and where it is."""
        points = [v for v, _, _ in self.values] + [self.limit]
        low, high = min(points), max(points)
        if high - low < 1e-9:
            low, high = low - 1, high + 1
        pad = (high - low) / 10  # the limit never sits on the chart's edge
        low, high = low - pad, high + pad
        width = (high - low) / BINS
        counts = [0] * BINS
        for v, _, _ in self.values:
            counts[min(int((v - low) / width), BINS - 1)] += 1
        return {"low": low, "high": high, "counts": counts, "top": max(counts) or 1,
                "limit_at": (self.limit - low) / (high - low)}


def measures(records: list[dict]) -> list[Measure]:
    found: dict[str, Measure] = {}
    for r in records:
        for i in r["items"]:
            data = i.get("data") or {}
            if isinstance(data.get("measured"), (int, float)) and isinstance(data.get("limit"), (int, float)):
                m = found.setdefault(i["id"], Measure(i["id"], i["title"], str(data.get("unit", "")),
                                                      float(data["limit"])))
                m.values.append((float(data["measured"]), r.get("student", r.get("submission", "")),
                                 r.get("safe_id", "")))
    return list(found.values())


def progress(items: dict, decided: dict[str, dict], tutors: list[dict]) -> list[dict]:
    """Per item: answers waiting for a person, how many are decided, and by whom."""
    rows = []
    for item in items.values():
        done = sum(1 for a in item.answers if (d := decided.get(a.safe_id, {}).get(item.id)) and d.basis == a.basis)
        rows.append({"item": item.id, "title": item.title, "answers": len(item.answers), "decided": done,
                     "tutors": [(t["tutor"], t["n"]) for t in tutors if t["item"] == item.id]})
    return rows
