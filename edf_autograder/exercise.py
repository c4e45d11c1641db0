"""An exercise is data plus checks: one declaration that staging, capture, the checks,
the reports and the release all read. The engine names no exercise's notebooks,
subtasks or data; an exercise package declares them (see pyproject.toml's entry points).

Exercises are found by name through the entry-point group `edf_autograder.exercises`,
or given as `package.module:NAME`, with `--exercise` or `$EDF_GRADER_EXERCISE`.
"""
from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from edf_autograder.checking.registry import Check, checks_of
from edf_autograder.errors import HarnessError
from edf_autograder.evidence.plan import NotebookPlan

GROUP = "edf_autograder.exercises"
SWITCH = "EDF_GRADER_EXERCISE"
DEFAULT = "ex2"
OWN_FILES = ("course", "suggest", "trust")  # policies for a submission's own hand-out files


class ExerciseError(HarnessError):
    """The exercise asked for cannot be found or is not declared correctly."""


class Dataset(Protocol):
    """What an exercise's data gives the engine (the checks may use more of it)."""

    description: str   # one line for every report
    kind: str          # chooses the time limits, e.g. "bundled" or "full"
    fingerprint: str   # the data's identity, part of the batch's result keys

    def stage(self, dest: Path, *, quick: bool = False) -> None: ...   # the notebooks' files

    def inputs(self, *, quick: bool) -> Mapping[str, Any]: ...        # grader inputs, by name


@dataclass(frozen=True)
class Notebook:
    plan: NotebookPlan
    filename: str
    markers: tuple[str, ...] = ()   # text only this notebook holds: a renamed copy is still recognised

    @property
    def kind(self) -> str:
        return self.plan.kind


@dataclass(frozen=True)
class AnswerSheet:
    """The pen-and-paper part: a TOML answer file, or handwritten pages for a tutor."""

    filename: str                               # e.g. "answers.toml"
    handwritten: str                            # file stem of handwritten hand-ins (.pdf, .png, .jpg)
    schema: Mapping[tuple[str, str], str]       # (table, answer) -> "expression", "number", "pair", "text"
    template: Path                              # the blank answer file handed out
    section: str                                # the section its items belong to
    key_markers: tuple[str, ...] = ()           # entries only the grader's key has: a key handed in
    variables: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # expression -> its variables

    @functools.cached_property
    def handwritten_pattern(self) -> re.Pattern:
        words = [r"(and|&)" if w == "and" else re.escape(w) for w in re.split(r"[ _-]+", self.handwritten)]
        return re.compile(r"[ _-]?".join(words) + r"[^/]*\.(pdf|png|jpe?g)$", re.IGNORECASE)

    @property
    def handwritten_names(self) -> tuple[str, ...]:
        return tuple(f"{self.handwritten}.{ext}" for ext in ("pdf", "png", "jpg", "jpeg"))


@dataclass(frozen=True)
class Tally:
    """A table of the summary page: how often one item's verdicts carried each value of
    `key` in their structured data (e.g. which of two disputed keys students gave)."""

    item: str
    key: str
    title: str
    labels: Mapping[str, str]   # value -> what the row says
    note: str = ""


@dataclass(frozen=True)
class Drawing:
    """A figure of the feedback page: `draw(student's figure data, reference's)` returns a
    matplotlib Figure, or None when there is nothing to draw."""

    title: str
    caption: str
    draw: Callable[[dict, dict], Any]


@dataclass(frozen=True)
class Environment:
    """The packages an exercise's notebooks may import: the course's own environment, which
    kernels run in (built once per lock, apart from the grader's packages: kernel/course_env.py).
    What `packages` depend on is importable too, as in the environment students create."""

    packages: tuple[str, ...]   # distributions the course's environment file lists, e.g. "scikit-image"
    lock: Path                  # pip requirements pinning every distribution, transitive ones too
    source: str                 # where `packages` come from, named in messages, e.g. "the course's environment.yml"
    kernel: tuple[str, ...] = ("ipykernel",)   # what running a notebook needs besides, pinned in the lock too


@dataclass(frozen=True)
class Kit:
    """What of an exercise students may have: their self-check kit (`edf_autograder.kit`).
    An allow-list: the kit carries these modules of the exercise and the files `data` writes,
    nothing else; each public item's module must be one of them (the build checks)."""

    modules: tuple[str, ...]       # the exercise's public modules: the checks students see, and what they import
    data: Callable[[Path], None]   # writes the quick check's data into a folder (never held-out labels)
    dataset: str                   # "module:function" in `modules`: function(that folder) -> the kit's Dataset
    readable: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # item -> (table, answer) read
    requires: tuple[str, ...] = ()  # what the notebooks import beyond the engine, as ranges ("matplotlib>=3.10.0")


@dataclass(frozen=True)
class Exercise:
    name: str                                   # how it was asked for ("ex2", "module:NAME")
    title: str
    sections: Mapping[str, str]                 # id prefix -> title, in the sheet's order
    check_modules: tuple[str, ...]              # where its @check items are declared, in order
    notebooks: tuple[Notebook, ...]
    reference: Path                             # the solved notebooks and the course's files
    staged: Mapping[str, Path]                  # work-folder name -> the grader's file put there
    handout_files: Mapping[str, Path]           # name -> the course's file, handed out as it is
    data: Callable[..., Dataset]                # data(**options) -> the run's data
    data_options: Mapping[str, str] = field(default_factory=dict)  # command-line option -> help
    known_copies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> sha256 of other good copies
    known_forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> course_files.forms() of them
    # a submission's own copy of a hand-out file: "course" (never used), "suggest" (graded
    # a second time with it when the course's makes cells fail: a tutor's suggestion), "trust" (graded with it)
    own_files: str = "suggest"
    time_limits: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # data kind -> (cell, notebook) s
    answers: AnswerSheet | None = None
    environment: Environment | None = None      # None: kernels run in the grader's own environment
    figures: Callable[[Any], dict] | None = None     # evidence -> plain data for the drawings
    drawings: tuple[Drawing, ...] = ()
    tallies: Callable[[], tuple[Tally, ...]] = tuple
    kit: Kit | None = None                      # what students may have for their self-check
    # the data a student's hand-out folder holds, as its notebooks read it (the in-notebook
    # self-check): local_data(folder, handout_files) -> Dataset, read with the exercise's own files
    local_data: Callable[[Path, Mapping[str, Path]], Dataset] | None = None

    def __post_init__(self) -> None:
        if self.own_files not in OWN_FILES:
            raise ExerciseError(f"{self.name}: own_files = {self.own_files!r}; expected one of {', '.join(OWN_FILES)}")

    def checks(self) -> list[Check]:
        """Every item, in the order of `check_modules`, each in its section."""
        found = checks_of(self.check_modules)
        return [replace(c, spec=replace(c.spec, section=self.section_of(c.spec.id))) for c in found]

    def section_of(self, item: str) -> str:
        hits = [s for s in self.sections if item.startswith(s)]
        if not hits:
            raise ExerciseError(f"{self.name}: item {item} belongs to none of the sections {list(self.sections)}")
        return max(hits, key=len)

    @property
    def plans(self) -> dict[str, NotebookPlan]:
        return {nb.kind: nb.plan for nb in self.notebooks}

    @property
    def files(self) -> dict[str, str]:
        return {nb.kind: nb.filename for nb in self.notebooks}

    def limits(self, dataset_kind: str, *, quick: bool) -> tuple[float, float]:
        return self.time_limits.get("quick" if quick else dataset_kind, (120, 1200))

    def describe(self) -> dict:
        """What a result record keeps of the exercise, so reports need nothing else."""
        return {"name": self.name, "title": self.title, "sections": dict(self.sections)}


def load(name: str | Exercise | None = None) -> Exercise:
    """The exercise `name` (an entry-point name or `module:NAME`); None takes
    $EDF_GRADER_EXERCISE, else the default."""
    if isinstance(name, Exercise):
        return name
    return _load(name or os.environ.get(SWITCH) or DEFAULT)


@functools.cache
def _load(name: str) -> Exercise:
    if ":" in name:
        module, _, attr = name.partition(":")
        try:
            found = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise ExerciseError(f"exercise {name!r}: {exc}") from None
    else:
        points = {ep.name: ep for ep in entry_points(group=GROUP)}
        if name not in points:
            raise ExerciseError(f"no exercise named {name!r}; installed: {', '.join(sorted(points)) or 'none'} "
                                "(or give module:NAME)")
        found = points[name].load()
    if not isinstance(found, Exercise):
        raise ExerciseError(f"exercise {name!r} is a {type(found).__name__}, not an Exercise declaration")
    return replace(found, name=name)
