"""What the item page shows: the item's groups with each answer's decision (if any, and
whether it still holds for the answer), the group's suggestion and key ideas, and the rubric."""
from __future__ import annotations

from collections import Counter

from edf_autograder.workbench.batch import Batch
from edf_autograder.workbench.grouping import Group
from edf_autograder.workbench.store import Decision, Decisions


def _state(members: list[tuple]) -> str:
    points = {d.points for _, d in members if d is not None}
    decided = sum(d is not None for _, d in members)
    if decided == 0:
        return "open"
    if decided < len(members) or len(points) > 1:
        return "partly decided"
    return f"decided: {points.pop():g}"


def _group(g: Group, decided: dict[str, dict[str, Decision]], item: str) -> dict:
    members = []
    for a in g.answers:
        d = decided.get(a.safe_id, {}).get(item)
        members.append((a, d if d is not None and d.basis == a.basis else None))
    ideas = Counter(idea.lower() for a in g.answers for idea in a.ideas)
    return {"id": g.id, "kind": g.kind, "size": g.size, "leader": g.leader, "members": members,
            "state": _state(members), "suggested": sum(a.suggested for a in g.answers) / g.size,
            "ideas": ideas.most_common(), "decisions": Counter((d.points, d.comment) for _, d in members if d)}


def item_page(batch: Batch, store: Decisions, item_id: str) -> dict:
    item = batch.items[item_id]
    seen = store.revision()  # before reading the decisions: a later change is newer than this page
    decided = store.all()
    groups = [_group(g, decided, item_id) for g in batch.groups(item_id, store.splits())]
    open_groups = sum(1 for g in groups if not g["state"].startswith("decided"))
    return {"item": item, "groups": groups, "rubric": store.rubric(item_id), "seen": seen,
            "items": sorted(batch.items), "open_groups": open_groups,
            "decided": sum(1 for g in groups for _, d in g["members"] if d is not None)}


def bases(batch: Batch, item_id: str, safe_ids: list[str]) -> dict[str, str]:
    """The fingerprints of the named students' current answers to the item (unknown ones dropped)."""
    found = batch.items.get(item_id)
    wanted = set(safe_ids)
    return {a.safe_id: a.basis for a in (found.answers if found else []) if a.safe_id in wanted}
