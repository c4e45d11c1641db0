"""Chains of equal expressions (`c e^x = ELU(x) + c for x < 0`), found in the text before it
is parsed: where the sides are, which leading sides are only a label, and how to take out a
side that cannot be read so that the others are still graded.

A lone `=` at bracket depth 0 and outside a condition (`if j = k` is a condition) separates
the sides of a chain; the grammar reads the chain itself (formulas.Chain). A leading side is a
label, as on paper, when it is not read (`d/dx tanh(x)`, `f'(x)`) or only names the function
(`tanh(x)`); every other side is graded.
"""
from __future__ import annotations

import re
from collections.abc import Callable

LONE_EQUALS = re.compile(r"(?<![<>=!])=(?![=<>])|\u2248")
CONDITION = re.compile(r"\b(?:if|for|when)\b|&", re.IGNORECASE)
SEPARATOR = re.compile(r"[,;]|\b(?:else|otherwise)\b", re.IGNORECASE)
NAME_ONLY = re.compile(r"[A-Za-z_]\w*\s*(\(\s*[A-Za-z_]\w*\s*\))?")  # tanh(x), ELU(x), L


def _cuts(text: str) -> list[tuple[int, int, str]]:
    """(start, end, what) of every place a side ends: "=" of a chain, a condition, a separator."""
    cuts, depth, in_condition, at = [], 0, False, 0
    while at < len(text):
        ch = text[at]
        depth += (ch in "([{") - (ch in ")]}")
        found = None
        if depth == 0:
            for what, pattern in (("condition", CONDITION), ("separator", SEPARATOR), ("equals", LONE_EQUALS)):
                if (m := pattern.match(text, at)) and (what != "condition" or _word_start(text, at)):
                    found = what, m.end()
                    break
        if found and not (found[0] == "equals" and in_condition):
            what, end = found
            in_condition = what == "condition" or (in_condition and what != "separator")
            cuts.append((at, end, what))
            at = max(end, at + 1)
            continue
        at += 1
    return cuts


def _word_start(text: str, at: int) -> bool:
    return text[at] == "&" or at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")


def equals(text: str) -> list[tuple[int, int]]:
    """The spans of the `=` signs that separate sides of a chain."""
    return [(start, end) for start, end, what in _cuts(text) if what == "equals"]


def drop_labels(text: str, readable: Callable[[str], bool]) -> str:
    """The text without its leading labels: sides before the first condition that are not
    read (`readable(side)` is False) or only name a function (`tanh(x) = ...`)."""
    start = 0
    for cut_start, cut_end, what in _cuts(text):
        if what != "equals":
            break
        side = text[start:cut_start].strip()
        if readable(side) and not NAME_ONLY.fullmatch(side):
            break
        start = cut_end
    return text[start:].strip()


def without_side(text: str, at: int) -> tuple[str, str] | None:
    """The text without the chain's side at position `at` (and the `=` that joined it), and
    that side; None when `at` is in no side of a chain (then the whole text is not read)."""
    cuts = _cuts(text)
    k = sum(1 for c in cuts if c[1] <= at)  # an error on a cut (a condition word) is the side's before it
    left, right = (cuts[k - 1] if k else None), (cuts[k] if k < len(cuts) else None)
    start, end = (left[1] if left else 0), (right[0] if right else len(text))
    if left and left[2] == "equals":
        return text[:left[0]] + " " + text[end:], text[start:end].strip()
    if right and right[2] == "equals":
        return text[:start] + " " + text[right[1]:], text[start:end].strip()
    return None
