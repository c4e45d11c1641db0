"""The students' pen-and-paper answers: the TOML answer file of an exercise's answer sheet
(`exercise.AnswerSheet`: its file name, tables and answers), read answer by answer, and
handwritten hand-ins (a PDF or photos) that go to a tutor.

A problem with one answer (a value of the wrong kind, text that cannot be read, a misspelt
name) stays with that answer: its item reports it. Only a file that is not UTF-8 TOML at all is
a problem of the whole file, and even then a tutor is shown its text. Blank answers are
allowed: empty text and `nan` mean "not answered".
"""
from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from edf_autograder.answers.expressions import Expression, number
from edf_autograder.answers.notation import drop_label, plain
from edf_autograder.errors import SubmissionError
from edf_autograder.exercise import AnswerSheet

MAX_BYTES = 100_000


class WrongKind(SubmissionError):
    """A value that can be read but is not the kind of answer asked for (true, one number for two)."""


@dataclass
class AnswerFile:
    sheet: AnswerSheet                             # what the exercise asks for
    name: str | None = None                        # the TOML file handed in; None without one
    values: dict = field(default_factory=dict)     # (table, name) -> the value as written
    found_as: dict = field(default_factory=dict)   # (table, name) -> where a misspelt answer was found
    ignored: list = field(default_factory=list)    # entries that are no answer of the sheet
    problem: str = ""                              # why the whole file could not be read
    text: str = ""                                 # the file's text then, for a tutor
    handwritten: tuple = ()                        # names of handwritten hand-ins

    def get(self, table: str, name: str):
        """One answer as written, or None when it is absent or blank (empty text, nan)."""
        value = self.values.get((table, name))
        return None if _blank(value) else value

    def note(self, table: str, name: str) -> str:
        where = self.found_as.get((table, name))
        return f" (read from {where}; its name is {name} under [{table}])" if where else ""


def _blank(value) -> bool:
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def _tables(sheet: AnswerSheet) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t, _ in sheet.schema))


def _table(sheet: AnswerSheet, key: str) -> str | None:
    tables = "|".join(re.escape(t) for t in _tables(sheet))
    found = re.fullmatch(rf"(?:part|task|exercise)?[\s_.-]*({tables})\)?", key.strip().lower())
    return found.group(1) if found else None


def _answer_name(sheet: AnswerSheet, table: str, key: str, taken: dict) -> str | None:
    names = [n for t, n in sheet.schema if t == table]
    exact = next((n for n in names if n.lower() == key.strip().lower()), None)
    if exact or len(key) <= 3:
        return exact
    close = difflib.get_close_matches(key.lower(), [n.lower() for n in names if (table, n) not in taken], 1, 0.75)
    return next((n for n in names if close and n.lower() == close[0]), None)


def _place(answers: dict, file: AnswerFile) -> None:
    """Every entry of the file to the answer it is meant for; the rest to `ignored`."""
    sheet = file.sheet
    loose = {k: v for k, v in answers.items() if not isinstance(v, dict) or _table(sheet, k) is None}
    for key, content in answers.items():
        table = _table(sheet, key) if isinstance(content, dict) else None
        for name, value in (content.items() if table else ()):
            _put(file, table, name, value, f"[{key}] {name}")
    for key, value in loose.items():  # an answer outside its table: placed when its name is unique
        owners = [t for t in _tables(sheet) if _answer_name(sheet, t, key, file.values)]
        if len(owners) == 1:
            _put(file, owners[0], key, value, f"{key} outside any table")
        else:
            tables = [f"[{t}]" for t in _tables(sheet)]
            under = " and ".join([", ".join(tables[:-1]), tables[-1]] if len(tables) > 1 else tables)
            file.ignored.append(f"{key} is not an answer of the sheet (the answers go under {under}); ignored")


def _put(file: AnswerFile, table: str, key: str, value, where: str) -> None:
    name = _answer_name(file.sheet, table, key, file.values)
    if name is None or (table, name) in file.values:
        file.ignored.append(f"{where} is not an answer of the sheet (or a second one); ignored")
        return
    file.values[(table, name)] = value
    if where != f"[{table}] {name}":
        file.found_as[(table, name)] = where


def load_answers(path: Path, sheet: AnswerSheet) -> AnswerFile:
    """The answer file, read answer by answer; a file that cannot be read at all gets a `problem`."""
    path = Path(path)
    file = AnswerFile(sheet, name=path.name)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        file.problem = f"{path.name}: cannot be read ({exc.strerror})"
        return file
    file.text = raw[:MAX_BYTES].decode("utf-8", errors="replace").removeprefix("\ufeff")
    if len(raw) > MAX_BYTES:
        file.problem = f"{path.name}: more than {MAX_BYTES} bytes; an answer file is much shorter"
        return file
    try:
        answers = tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError:
        file.problem = f"{path.name}: not UTF-8 text (save it as UTF-8)"
    except tomllib.TOMLDecodeError as exc:
        under = " or ".join(f"[{t}]" for t in _tables(sheet))
        file.problem = (f"{path.name}: not valid TOML ({exc}); compare it with the hand-out's {sheet.filename} "
                        f"(each answer as name = \"text in quotes\" under {under})")
    else:
        if any(marker in answers for marker in sheet.key_markers):  # the grader's key, handed in
            file.problem = (f"{path.name}: this is the grader's key, not an answer file; hand in the "
                            f"hand-out's {sheet.filename} with your answers")
        else:
            _place(answers, file)
    return file


def expression(value, variables: tuple, *, item: str) -> Expression:
    """An expression answer; Unreadable or WrongKind when it cannot be one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = repr(value)  # a constant is an expression too
    if not isinstance(value, str):
        raise WrongKind(f"{item}: an expression in quotes is asked for (e.g. \"2x if x > 0, 0 otherwise\"); "
                        f"found {value!r}")
    return Expression(value, variables, item=item)


def numbers(value, count: int, *, item: str) -> list[Fraction]:
    """`count` numbers as people write them: 12.5, "25/2", [-3, 7], ["7/3", "1/3"], "(-3, 7)",
    "[7/3, 1/3]", "(-6; -1)", "-3, 7", "(5,25; 0,75)", "A = (5.25, 0.75)"."""
    parts = _split(value) if isinstance(value, str) else value if isinstance(value, list) else [value]
    while len(parts) == 1 and isinstance(parts[0], list):  # [[-3, 7]]
        parts = parts[0]
    read = [_one(part, item) for part in parts]  # Unreadable first: text not read is not wrong
    if len(read) != count:
        asked = "one number" if count == 1 else f"{count} numbers"
        raise WrongKind(f"{item}: {asked} asked for, found {len(read)} in {value!r}")
    return read


def _one(part, item: str) -> Fraction:
    if isinstance(part, str):
        return number(part, item=item)
    if isinstance(part, (int, float)) and not isinstance(part, bool) and math.isfinite(part):
        return Fraction(repr(part))  # 10.125 exactly as written, not its binary neighbour
    raise WrongKind(f"{item}: {part!r} is not a number")


def _split(text: str) -> list[str]:
    text = drop_label(plain(re.sub(r"\\(?:begin|end)\{[pbBvV]?matrix\}", " ", text)))
    while len(text) > 1 and text[0] + text[-1] in ("()", "[]", "{}") and _closes_at_end(text):
        text = text[1:-1].strip()
    if re.fullmatch(r"[-+]?\d+,\d+", text):  # 12,5: a decimal comma
        return [text]
    for separator in (";", ",", "&"):
        if separator in text:
            return [p.strip() for p in _top_level_split(text, separator)]
    words = text.split()
    if len(words) > 1 and all(re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", w) for w in words):
        return words  # [5.25 0.75], as numpy prints
    return [text]


def _closes_at_end(text: str) -> bool:
    depth = 0
    for at, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if depth == 0:
            return at == len(text) - 1
    return False


def _top_level_split(text: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for at, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if ch == separator and depth == 0:
            parts.append(text[start:at])
            start = at + 1
    return parts + [text[start:]]


def text(value) -> str:
    """A free-text answer; whatever else was written, shown to the tutor as written."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    return value if isinstance(value, str) else repr(value)


def blank_answer_file(sheet: AnswerSheet) -> str:
    """The hand-out's answer file: every answer blank, instructions in comments."""
    return sheet.template.read_text(encoding="utf-8")

