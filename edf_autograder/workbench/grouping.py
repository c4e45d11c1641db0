"""Students' answers to one item, grouped so that one decision grades many: identical after
normalisation first (case, accents, punctuation, spacing, markup), numbers by value, then
near-duplicates joined to the largest group they resemble (rapidfuzz's token_sort_ratio at
or above NEAR) when they share the key ideas found, the numbers and any "no"/"not" (`_guard`).
Joining only to a group's first answer (its leader), never transitively, keeps a chain of
small edits from pulling unlike answers into one group.

Answers without text (handwritten pages, a file that is not read, an item in error) and
answers a tutor split out stand alone.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

NEAR = 88  # token_sort_ratio (0-100): rewordings above this read the same to a tutor
POLARITY = {"no", "not", "never", "none", "nothing", "yes", "t", "cannot", "without", "nicht", "kein", "keine", "ja", "nein"}
NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)(e[-+]?\d+)?")
TOKEN = re.compile(r"[-+]?\d*[.,]?\d+(?:e[-+]?\d+)?|[^\W\d_]+|[%=+*/^<>]")  # numbers, words, operators


@dataclass
class Answer:
    safe_id: str
    student: str
    text: str | None      # None: nothing to compare (handwritten, unread, error)
    suggested: float
    max_points: float
    status: str
    message: str
    ideas: list[str]
    basis: str
    tag: str = ""         # what else must agree for answers to share a group (e.g. a gradient scored apart from its remark)
    files: list[str] = field(default_factory=list)  # handwritten pages, relative to the output folder


@dataclass
class Group:
    id: str
    answers: list[Answer]
    kind: str  # "same", "near", "number", "alone" (nothing to compare), "split" (a tutor took it out)

    @property
    def leader(self) -> Answer:
        return self.answers[0]

    @property
    def size(self) -> int:
        return len(self.answers)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(TOKEN.findall(text))  # punctuation, markup and spacing drop out


def number_key(norm: str) -> str | None:
    """'num:' and the values, when the answer is nothing but numbers (0.5, ,5 and 5e-1 agree)."""
    parts = [p for p in re.split(r"[\s;/()\[\]]+|,\s", norm) if p]
    if not parts or not all(NUMBER.fullmatch(p) for p in parts):
        return None
    try:
        return "num:" + " ".join(f"{float(p.replace(',', '.')):.6g}" for p in parts)
    except ValueError:
        return None


def _guard(tag: str, body: str, answer: Answer) -> tuple:
    """What near-duplicates must share besides similar wording: a few edits can turn "increases"
    into "decreases", 90 % into 10 % or "does" into "does not". So: the key ideas the grader found,
    every number, and the words that negate or affirm."""
    tokens = body.split()
    return (tag, tuple(sorted(i.lower() for i in answer.ideas)), tuple(t for t in tokens if NUMBER.fullmatch(t)),
            tuple(sorted(set(tokens) & POLARITY)))


def _gid(item: str, key: str) -> str:
    return hashlib.sha1(f"{item}|{key}".encode()).hexdigest()[:10]


def group(item: str, answers: list[Answer], apart: set[str] = frozenset()) -> list[Group]:  # type: ignore[assignment]
    """The groups of `answers` to `item`, largest first; `apart` are students split out."""
    exact: dict[str, list[Answer]] = {}
    alone: list[Group] = []
    for a in sorted(answers, key=lambda a: a.student):
        if a.text is None or a.safe_id in apart:
            alone.append(Group(_gid(item, "alone|" + a.safe_id), [a], "split" if a.safe_id in apart else "alone"))
            continue
        norm = normalise(a.text)
        key = number_key(norm) or ("text:" + norm)
        exact.setdefault(f"{a.tag}|{key}", []).append(a)
    leaders: dict[tuple, dict[str, str]] = {}  # guard -> {normalised text of a group's first answer: group key}
    groups: dict[str, Group] = {}
    for key, members in sorted(exact.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        tag, _, body = key.partition("|")
        kind = "number" if body.startswith("num:") else "same"
        near = leaders.setdefault(_guard(tag, body, members[0]), {})
        match = process.extractOne(body, list(near), scorer=fuzz.token_sort_ratio, score_cutoff=NEAR,
                                   processor=None) if kind == "same" and near else None
        if match is not None:
            joined = groups[near[match[0]]]
            joined.answers += members
            joined.kind = "near"
        else:
            groups[key] = Group(_gid(item, key), list(members), kind)
            if kind == "same":
                near[body] = key
    return sorted(groups.values(), key=lambda g: (-g.size, g.leader.student)) + alone
