"""Pairs of students whose own code is suspiciously alike, for an instructor to look at.

A student's own code is what their executed notebooks (the `notebooks/` folder the batch
keeps) contain beyond the hand-out: every line that also appears, outside the solution
regions, in the reference notebooks is given code and is dropped. What is left is
tokenised and normalised, so renaming variables, reformatting and editing comments change
nothing: identifiers become ID (keywords, builtins, the course modules edf/np/plt and
attribute names stay), numbers NUM, strings STR, comments and layout disappear. Pairs are
compared with difflib (the cheap quick_ratio bounds first) and reported with the shared
regions mapped back to source lines (`compare` says how the cost is kept down). The hand-out dictates much of the structure, so a
pair is a reason to look, never evidence on its own.
"""
from __future__ import annotations

import builtins
import io
import keyword
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from pathlib import Path

import nbformat

from edf_autograder.exercise import load

THRESHOLD = 0.85
MIN_TOKENS = 40   # less own code than this (an unchanged hand-out) is not compared
MIN_BLOCK = 8     # shortest shared run of tokens shown as a region
MAX_GAP = 3       # runs this close together are shown as one region
GATE = 0.2        # how far below the threshold trigram similarity may be (see _worth_comparing)
KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(dir(builtins)) | {"edf", "np", "numpy", "plt", "self"}
DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
           tokenize.ENCODING, tokenize.ENDMARKER}


@dataclass
class Code:
    student: str
    tokens: list[str] = field(default_factory=list)
    where: list[int] = field(default_factory=list)            # per token: its index in `lines`
    lines: list[tuple[str, str]] = field(default_factory=list)  # (where in the notebooks, source line)

    @cached_property
    def trigrams(self) -> list[tuple[str, ...]]:
        return list(zip(self.tokens, self.tokens[1:], self.tokens[2:]))

    @cached_property
    def trigram_counts(self) -> Counter:
        return Counter(self.trigrams)


@dataclass
class Region:
    tokens: int
    a: list[tuple[str, str]]
    b: list[tuple[str, str]]

    @staticmethod
    def where(lines: list[tuple[str, str]]) -> str:
        """'notebook cell 3, lines 2-9' for each cell the lines come from."""
        spans: dict[str, list[str]] = {}
        for label, _ in lines:
            cell, line = label.rsplit(", line ", 1)
            spans.setdefault(cell, []).append(line)
        return "; ".join(f"{cell}, line {ls[0]}" if len(ls) == 1 else f"{cell}, lines {ls[0]}\u2013{ls[-1]}"
                         for cell, ls in spans.items())


@dataclass
class Pair:
    a: str
    b: str
    ratio: float
    regions: list[Region]


def given_lines(reference: Path, names) -> set[str]:
    """The stripped lines of the hand-out's code cells (empty without the reference notebooks)."""
    from edf_autograder.integrations.release import strip_notebook

    lines: set[str] = set()
    for name in names:
        try:
            nb = strip_notebook(nbformat.read(reference / name, as_version=4))
        except (OSError, ValueError):
            continue
        for cell in nb.cells:
            if cell.cell_type == "code":
                lines |= {line.strip() for line in cell.source.splitlines()}
    lines.discard("")
    return lines


def _raw_tokens(source: str) -> list[tokenize.TokenInfo]:
    try:
        return list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):  # broken code: take what each line gives alone
        found = []
        for n, line in enumerate(source.splitlines(), start=1):
            try:
                found += [t._replace(start=(n, t.start[1]))
                          for t in tokenize.generate_tokens(io.StringIO(line.strip()).readline)]
            except (tokenize.TokenError, SyntaxError):
                continue
        return found


def normalise(source: str) -> list[tuple[str, int]]:
    """(normalised token, 1-based line) for each significant token of `source`."""
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    out, previous = [], ""
    for tok in _raw_tokens(source):
        if tok.type in DROPPED or not tok.string.strip():
            continue
        if tok.type == tokenize.NAME:
            text = tok.string if tok.string in KEPT_NAMES or previous == "." else "ID"
        else:
            text = {tokenize.NUMBER: "NUM", tokenize.STRING: "STR"}.get(tok.type, tok.string)
        out.append((text, tok.start[0]))
        previous = tok.string
    return out


def own_code(student: str, folder: Path, given: set[str], names) -> Code:
    code = Code(student)
    notebooks = folder / "notebooks" if (folder / "notebooks").is_dir() else folder
    for name in names:
        try:
            nb = nbformat.read(notebooks / name, as_version=4)
        except (OSError, ValueError):
            continue
        for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            source = cell.source.splitlines()
            seen: dict[int, int] = {}
            for text, line in normalise(cell.source):
                if source[line - 1].strip() in given:
                    continue
                if line not in seen:
                    seen[line] = len(code.lines)
                    code.lines.append((f"{name} cell {n + 1}, line {line}", source[line - 1]))
                code.tokens.append(text)
                code.where.append(seen[line])
    return code


def _regions(a: Code, b: Code, blocks) -> list[Region]:
    runs: list[list[int]] = []  # [i, j, end_i, end_j, tokens]
    for i, j, n in blocks:
        if n < MIN_BLOCK:
            continue
        if runs and i - runs[-1][2] <= MAX_GAP and 0 <= j - runs[-1][3] <= MAX_GAP:
            runs[-1][2:] = [i + n, j + n, runs[-1][4] + n]
        else:
            runs.append([i, j, i + n, j + n, n])

    def lines(code: Code, start: int, end: int) -> list[tuple[str, str]]:
        return [code.lines[k] for k in dict.fromkeys(code.where[start:end])]

    return [Region(n, lines(a, i, ei), lines(b, j, ej)) for i, j, ei, ej, n in runs]


def _worth_comparing(a: Code, b: Code, coarse: SequenceMatcher, threshold: float) -> bool:
    """Cheap tests first. The token-level ratio costs tens of milliseconds per pair (a few
    tokens such as ID and "(" are everywhere), so pairs must first come close on token
    trigrams, which are rarer and fast to match: a heuristic gate, GATE below the threshold."""
    la, lb = len(a.tokens), len(b.tokens)
    gate = threshold - GATE
    if 2 * min(la, lb) / (la + lb) < threshold:  # difflib's real_quick_ratio
        return False
    shared = sum((a.trigram_counts & b.trigram_counts).values())
    if 2 * shared / max(1, len(a.trigrams) + len(b.trigrams)) < gate:
        return False
    coarse.set_seq1(a.trigrams)
    return coarse.ratio() >= gate


def compare(codes: list[Code], threshold: float = THRESHOLD) -> list[Pair]:
    pairs = []
    for n, b in enumerate(codes):
        coarse = SequenceMatcher(None, [], b.trigrams, autojunk=False)  # analyses b once for all a
        for a in codes[:n]:
            if not _worth_comparing(a, b, coarse, threshold):
                continue
            fine = SequenceMatcher(None, a.tokens, b.tokens, autojunk=False)  # no token is junk
            if fine.quick_ratio() >= threshold and (ratio := fine.ratio()) >= threshold:
                pairs.append(Pair(a.student, b.student, ratio, _regions(a, b, fine.get_matching_blocks())))
    return sorted(pairs, key=lambda p: -p.ratio)


def similar_pairs_report(folders: list[tuple[str, Path]], exercise=None, threshold: float = THRESHOLD
                         ) -> tuple[list[Pair], list[tuple[str, str]]]:
    """(pairs at or above `threshold`, [(student, why not compared)]), comparing the code
    of the exercise's notebooks that the hand-out does not give."""
    exercise = load(exercise)
    names = list(exercise.files.values())
    given = given_lines(exercise.reference, names)
    codes, skipped = [], []
    for student, folder in folders:
        code = own_code(student, Path(folder), given, names)
        if len(code.tokens) < MIN_TOKENS:
            skipped.append((student, f"{len(code.tokens)} tokens of own code (fewer than {MIN_TOKENS})"))
        else:
            codes.append(code)
    return compare(codes, threshold), skipped


def similar_pairs(folders: list[tuple[str, Path]], exercise=None, threshold: float = THRESHOLD) -> list[Pair]:
    """Pairs of students (name, folder holding notebooks/) whose own code is alike."""
    return similar_pairs_report(folders, exercise, threshold)[0]
