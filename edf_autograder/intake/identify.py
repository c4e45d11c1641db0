"""Which notebook of the exercise a submitted notebook is, by what it holds rather than by its
name: LMSs, browsers and Colab rename files (`lab-1.ipynb`, `Copy of lab.ipynb`,
`... (1).ipynb`), and a student may name one notebook after another.

Each notebook of the exercise is known by its released hand-out (`release.strip_notebook` of
the reference): the lines of its cells (markdown text, given code) that no other notebook of
the exercise holds. A submitted notebook is the one whose lines it holds the largest share of,
when that share is clear; when it is not (a notebook written from scratch, a few cells), its
name and then the exercise's marker strings decide. Exact line sets, not a fuzzy similarity:
students keep the given lines as they are, and the shares are far apart (docs/intake.md).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from edf_autograder.intake import lms_names

MIN_SHARE = 0.15   # of a hand-out notebook's own lines, for a match by content
MIN_LEAD = 2.0     # the best share must be this many times the second's
COPY_WORDS = re.compile(r"^(copy of|kopie von|copie de|copia de|copia di)\s+", re.IGNORECASE)


def normalised(source: str) -> list[str]:
    """The non-blank lines of a cell, with runs of white space made one space."""
    return [" ".join(line.split()) for line in source.splitlines() if line.strip()]


def code_lines(nb) -> list[str]:
    """The code a notebook holds, without comments: what its author wrote or was given."""
    return [line for cell in nb.cells if cell.cell_type == "code"
            for line in normalised(cell.source) if not line.startswith("#")]


def all_lines(nb) -> set[str]:
    return {line for cell in nb.cells if cell.cell_type in ("code", "markdown") for line in normalised(cell.source)}


@dataclass(frozen=True)
class Template:
    """One notebook of the exercise as handed out."""

    kind: str
    filename: str
    own: frozenset[str]     # its lines that no other notebook of the exercise has
    given: frozenset[str]   # the code it hands out (a student's work is the code beyond it)
    markers: tuple[str, ...] = ()


@functools.cache
def _templates(reference: Path, notebooks: tuple[tuple[str, str, tuple[str, ...]], ...]) -> tuple[Template, ...]:
    from edf_autograder.integrations.release import strip_notebook  # release imports the exercise module

    handed_out = {kind: strip_notebook(nbformat.read(reference / name, as_version=4)) for kind, name, _ in notebooks}
    lines = {kind: all_lines(nb) for kind, nb in handed_out.items()}
    out = []
    for kind, name, markers in notebooks:
        others = set().union(*(v for k, v in lines.items() if k != kind))
        out.append(Template(kind, name, frozenset(lines[kind] - others), frozenset(code_lines(handed_out[kind])),
                            markers))
    return tuple(out)


def templates(exercise) -> tuple[Template, ...]:
    """The exercise's notebooks as handed out (read once per reference folder)."""
    declared = tuple((nb.kind, nb.filename, tuple(nb.markers)) for nb in exercise.notebooks)
    missing = [name for _, name, _ in declared if not (exercise.reference / name).is_file()]
    if missing:  # an exercise without reference notebooks: names and markers only
        return tuple(Template(kind, name, frozenset(), frozenset(), markers) for kind, name, markers in declared)
    return _templates(exercise.reference, declared)


def shares(nb, found: tuple[Template, ...]) -> dict[str, float]:
    """For each notebook of the exercise, the share of its own lines that `nb` holds."""
    lines = all_lines(nb)
    return {t.kind: len(t.own & lines) / len(t.own) if t.own else 0.0 for t in found}


def original_name(name: str) -> str:
    """The file name before an LMS, a browser or Colab changed it: an LMS's prefix,
    Canvas's `-1`, a browser's ` (1)`, Colab's `Copy of `."""
    flat = lms_names.flat_file(name)
    name = flat[1] if flat else name
    stem, dot, suffix = name.rpartition(".")
    stem = COPY_WORDS.sub("", stem if dot else name)
    stem = re.sub(r"\s*\(\d+\)$|-\d+$", "", stem.strip())
    return f"{stem}.{suffix}" if dot else stem


def by_name(name: str, found: tuple[Template, ...]) -> str | None:
    """The notebook whose file name this is, once an LMS's or browser's changes are undone;
    else the notebook whose name stem appears in it as a whole word (`my_..._solved`)."""
    original = original_name(name)
    exact = next((t.kind for t in found if original == t.filename), None)
    if exact:
        return exact
    words = [t for t in found if re.search(rf"(^|[^a-z0-9]){re.escape(Path(t.filename).stem.lower())}"
                                           r"([^a-z0-9]|$)", Path(original).stem.lower())]
    return max(words, key=lambda t: len(t.filename)).kind if words else None


def by_markers(nb, found: tuple[Template, ...]) -> str | None:
    """The notebook whose marker strings the text holds the most of, if one does."""
    text = "\n".join(c.source for c in nb.cells)
    hits = {t.kind: sum(m in text for m in t.markers) for t in found}
    best = max(hits.values(), default=0)
    winners = [k for k, n in hits.items() if n == best]
    return winners[0] if best and len(winners) == 1 else None


@dataclass(frozen=True)
class Identity:
    kind: str | None
    how: str              # "content", "name", "markers" or "" (not recognised)
    shares: dict
    unclear: str = ""     # why a person should check the match
    also: tuple[str, ...] = ()  # other notebooks it holds a large share of (graded as those when missing)


def identify(name: str, nb, found: tuple[Template, ...]) -> Identity:
    """Which notebook of the exercise `nb` (a file called `name`) is."""
    got = shares(nb, found)
    ranked = sorted(got.items(), key=lambda kv: -kv[1])
    best, share = ranked[0] if ranked else (None, 0.0)
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if share >= MIN_SHARE and share >= MIN_LEAD * second:
        return Identity(best, "content", got)
    named = by_name(name, found)
    if share >= MIN_SHARE:  # parts of two notebooks: a person should look
        kind = named if named in (best, ranked[1][0]) else best
        also = tuple(k for k, v in got.items() if v >= MIN_SHARE and k != kind)
        return Identity(kind, "content", got, unclear=_unclear(name, got, found), also=also)
    if named:
        return Identity(named, "name", got)
    marked = by_markers(nb, found)
    return Identity(marked, "markers" if marked else "", got)


def _unclear(name: str, got: dict, found: tuple[Template, ...]) -> str:
    held = ", ".join(f"{round(100 * got[t.kind])} % of {t.filename}" for t in found if got[t.kind] >= MIN_SHARE)
    return f"{name} holds parts of several notebooks of the hand-out ({held})"
