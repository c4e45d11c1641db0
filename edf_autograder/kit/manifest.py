"""What the kit knows of its exercise: `record` writes it at release (manifest.json), `load`
reads it back into an Exercise for the kit's command.

Only public facts go in: the sections, the items students may know of (id, title, points,
what they see), the notebooks (their plans by `module:name` in the kit's modules), the answer
sheet's shape (no key), and the kit's own files by relative path.
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from edf_autograder.errors import HarnessError
from edf_autograder.exercise import AnswerSheet, Exercise, Kit, Notebook
from edf_autograder.kit.readable import stand_in

MANIFEST = "manifest.json"
DATA, FILES = "data", "files"


class KitError(HarnessError):
    """An exercise's kit declaration would give students something it may not, or lacks a part."""


@dataclass(frozen=True)
class KitExercise(Exercise):
    """An exercise as the kit has it: the public check modules, and stand-ins for the listed
    items whose checks stay with the grader (readable and free-text items)."""

    listed: tuple[dict, ...] = ()                       # every item students know of, in the sheet's order
    readable: dict[str, tuple[dict, ...]] = field(default_factory=dict)  # item -> the answers it reads

    def checks(self):
        public = {c.spec.id: c for c in super().checks()}
        return [public.get(item["id"]) or stand_in(item, self.readable.get(item["id"], ())) for item in self.listed]


def _where(obj, modules: tuple[str, ...]) -> str:
    """`module:name` of an object defined in one of the kit's modules."""
    for module in modules:
        for name, value in vars(importlib.import_module(module)).items():
            if value is obj:
                return f"{module}:{name}"
    raise KitError(f"{obj!r:.60} is not defined in any of the kit's modules {list(modules)}")


def _attr(where: str):
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(module), name)


def record(exercise: Exercise, kit: Kit, check_modules: tuple[str, ...], staged: dict, handout: dict) -> dict:
    sheet = exercise.answers
    listed = [c.spec for c in exercise.checks() if not c.spec.hidden]
    return {
        "name": exercise.name, "title": exercise.title, "sections": dict(exercise.sections),
        "check_modules": list(check_modules),
        "items": [{"id": s.id, "title": s.title, "points": s.points, "section": s.section, "slow": s.slow,
                   "students": s.students} for s in listed],
        "readable": {item: [{"table": t, "name": n, "kind": sheet.schema[(t, n)],
                             "variables": list(sheet.variables.get((t, n), ()))} for t, n in answers]
                     for item, answers in kit.readable.items()},
        "notebooks": [{"plan": _where(nb.plan, kit.modules), "filename": nb.filename, "markers": list(nb.markers)}
                      for nb in exercise.notebooks],
        "staged": staged, "handout_files": handout,
        "known_copies": {k: list(v) for k, v in exercise.known_copies.items()},
        "time_limits": {k: list(v) for k, v in exercise.time_limits.items()},
        "dataset": kit.dataset,
        # the in-notebook check reads the student's folder with it (Exercise.local_data)
        "local_data": None if exercise.local_data is None else _where(exercise.local_data, kit.modules),
        "answers": None if sheet is None else {
            "filename": sheet.filename, "handwritten": sheet.handwritten, "section": sheet.section,
            "schema": [[t, n, kind] for (t, n), kind in sheet.schema.items()],
            # no key_markers: they name the key's own entries, and a kit never meets the key
            "variables": [[t, n, list(v)] for (t, n), v in sheet.variables.items()]},
    }


def load(root: Path) -> KitExercise:
    """The kit's exercise from its folder (the installed kit package)."""
    root = Path(root)
    m = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    dataset = _attr(m["dataset"])
    answers = m["answers"]
    sheet = None if answers is None else AnswerSheet(
        answers["filename"], answers["handwritten"], {(t, n): kind for t, n, kind in answers["schema"]},
        root / FILES / "answers_template.toml", answers["section"], (),
        {(t, n): tuple(v) for t, n, v in answers["variables"]})
    return KitExercise(
        name=m["name"], title=m["title"], sections=m["sections"], check_modules=tuple(m["check_modules"]),
        notebooks=tuple(Notebook(_attr(nb["plan"]), nb["filename"], tuple(nb["markers"])) for nb in m["notebooks"]),
        reference=root / FILES, staged={k: root / v for k, v in m["staged"].items()},
        handout_files={k: root / v for k, v in m["handout_files"].items()},
        data=lambda **_: dataset(root / DATA),
        known_copies={k: tuple(v) for k, v in m["known_copies"].items()},
        time_limits={k: (v[0], v[1]) for k, v in m["time_limits"].items()},
        local_data=_attr(m["local_data"]) if m.get("local_data") else None,
        answers=sheet, listed=tuple(m["items"]),
        readable={k: tuple(v) for k, v in m["readable"].items()})
