"""The students' pen-and-paper answers (sheet 2.1): the TOML answer file, read answer by answer,
and handwritten hand-ins (pen_and_paper.pdf or photos).

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

from autograder.errors import SubmissionError
from autograder.answers.expressions import Expression, number
from autograder.answers.notation import drop_label, plain

TEMPLATE = Path(__file__).resolve().parents[2] / "reference" / "pen_and_paper_template.toml"
FILE = "pen_and_paper.toml"
MAX_BYTES = 100_000
ANSWERS = {  # (table, name) -> kind of value; the template and the checks use exactly these names
    ("a", "i"): "expression", ("a", "ii"): "expression", ("a", "iii"): "expression",
    ("a", "iv"): "expression", ("a", "v"): "expression",
    ("b", "proof"): "text",
    ("c", "loss_before"): "number", ("c", "loss_after"): "number", ("c", "gradient"): "pair",
    ("c", "A_updated"): "pair", ("c", "ii"): "text", ("c", "iii_gradient"): "pair",
    ("c", "iii_remark"): "text",
}
TABLES = ("a", "b", "c")


class WrongKind(SubmissionError):
    """A value that can be read but is not the kind of answer asked for (true, one number for two)."""


@dataclass
class AnswerFile:
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


def _table(key: str) -> str | None:
    found = re.fullmatch(r"(?:part|task|exercise)?[\s_.-]*([abc])\)?", key.strip().lower())
    return found.group(1) if found else None


def _answer_name(table: str, key: str, taken: dict) -> str | None:
    names = [n for t, n in ANSWERS if t == table]
    exact = next((n for n in names if n.lower() == key.strip().lower()), None)
    if exact or len(key) <= 3:
        return exact
    close = difflib.get_close_matches(key.lower(), [n.lower() for n in names if (table, n) not in taken], 1, 0.75)
    return next((n for n in names if close and n.lower() == close[0]), None)


def _place(answers: dict, file: AnswerFile) -> None:
    """Every entry of the file to the answer it is meant for; the rest to `ignored`."""
    loose = {k: v for k, v in answers.items() if not isinstance(v, dict) or _table(k) is None}
    for key, content in answers.items():
        table = _table(key) if isinstance(content, dict) else None
        for name, value in (content.items() if table else ()):
            _put(file, table, name, value, f"[{key}] {name}")
    for key, value in loose.items():  # an answer outside its table: placed when its name is unique
        owners = [t for t in TABLES if _answer_name(t, key, file.values)]
        if len(owners) == 1:
            _put(file, owners[0], key, value, f"{key} outside any table")
        else:
            file.ignored.append(f"{key} is not an answer of the sheet (the answers go under [a], [b] and [c]); ignored")


def _put(file: AnswerFile, table: str, key: str, value, where: str) -> None:
    name = _answer_name(table, key, file.values)
    if name is None or (table, name) in file.values:
        file.ignored.append(f"{where} is not an answer of the sheet (or a second one); ignored")
        return
    file.values[(table, name)] = value
    if where != f"[{table}] {name}":
        file.found_as[(table, name)] = where


def load_answers(path: Path) -> AnswerFile:
    """The answer file, read answer by answer; a file that cannot be read at all gets a `problem`."""
    path = Path(path)
    file = AnswerFile(name=path.name)
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
        file.problem = (f"{path.name}: not valid TOML ({exc}); compare it with the hand-out's {FILE} "
                        "(each answer as name = \"text in quotes\" under [a], [b] or [c])")
    else:
        if "c_iii_policy" in answers:  # the grader's key shares the answer file's name
            file.problem = (f"{path.name}: this is the grader's key (reference/pen_and_paper_key.toml), not an "
                            f"answer file; hand in the hand-out's {FILE} with your answers")
        else:
            _place(answers, file)
    return file


def expression(value, variables: tuple, *, item: str) -> Expression:
    """An answer of 2.1a; Unreadable or WrongKind when it cannot be one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = repr(value)  # a constant is an expression too
    if not isinstance(value, str):
        raise WrongKind(f"{item}: an expression in quotes is asked for (e.g. \"2x if x > 0, 0 otherwise\"); "
                        f"found {value!r}")
    return Expression(value, variables, item=item)


def numbers(value, count: int, *, item: str) -> list[Fraction]:
    """`count` numbers as people write them: 16.5, "33/2", [-2, 4], ["11/3", "2/3"], "(-2, 4)",
    "[11/3, 2/3]", "(-5; -4)", "-2, 4", "(3,667; 0,667)", "A = (3.667, 0.667)"."""
    parts = _split(value) if isinstance(value, str) else value if isinstance(value, list) else [value]
    while len(parts) == 1 and isinstance(parts[0], list):  # [[-2, 4]]
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
        return Fraction(repr(part))  # 23.611 exactly as written, not its binary neighbour
    raise WrongKind(f"{item}: {part!r} is not a number")


def _split(text: str) -> list[str]:
    text = drop_label(plain(re.sub(r"\\(?:begin|end)\{[pbBvV]?matrix\}", " ", text)))
    while len(text) > 1 and text[0] + text[-1] in ("()", "[]", "{}") and _closes_at_end(text):
        text = text[1:-1].strip()
    if re.fullmatch(r"[-+]?\d+,\d+", text):  # 16,5: a decimal comma
        return [text]
    for separator in (";", ",", "&"):
        if separator in text:
            return [p.strip() for p in _top_level_split(text, separator)]
    words = text.split()
    if len(words) > 1 and all(re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", w) for w in words):
        return words  # [3.667 0.667], as numpy prints
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


def blank_answer_file() -> str:
    """The hand-out's answer file: every answer blank, instructions in comments."""
    return TEMPLATE.read_text(encoding="utf-8")

