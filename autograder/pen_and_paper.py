"""The students' pen-and-paper answer file (sheet 2.1): TOML, read with the standard library.

`load_answers` checks the file's shape (known names, the right kind of value for each) so
that a typo is reported once, clearly, instead of turning into "no answer" further on.
Blank answers are allowed: empty text and `nan` mean "not answered".
"""
from __future__ import annotations

import math
import tomllib
from pathlib import Path

from autograder.errors import SubmissionError

TEMPLATE = Path(__file__).resolve().parent.parent / "reference" / "pen_and_paper_template.toml"
MAX_BYTES = 100_000

# (table, name) -> kind of value; the template and the checks use exactly these names.
ANSWERS = {
    ("a", "i"): "expression", ("a", "ii"): "expression", ("a", "iii"): "expression",
    ("a", "iv"): "expression", ("a", "v"): "expression",
    ("b", "proof"): "text",
    ("c", "loss_before"): "number", ("c", "loss_after"): "number", ("c", "gradient"): "pair",
    ("c", "A_updated"): "pair", ("c", "ii"): "text", ("c", "iii_gradient"): "pair",
    ("c", "iii_remark"): "text",
}
KINDS = {
    "expression": "an expression in quotes, e.g. \"2*x if x > 0 else 0\"",
    "text": "text in quotes (\"\"\" ... \"\"\" for several lines)",
    "number": "a number without quotes, e.g. 1.25",
    "pair": "a list of two numbers, e.g. [1.25, -3]",
}


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fits(value, kind: str) -> bool:
    if kind in ("expression", "text"):
        return isinstance(value, str)
    if kind == "number":
        return _is_number(value)
    return isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)


def _check_shape(answers: dict, name: str) -> None:
    tables = {table for table, _ in ANSWERS}
    if "c_iii_policy" in answers:  # the grader's key shares the answer file's name
        raise SubmissionError(f"{name}: this is the grader's key (reference/pen_and_paper_key.toml), not an "
                              "answer file; hand in the hand-out's pen_and_paper.toml with your answers")
    for table, content in answers.items():
        if table not in tables:
            raise SubmissionError(f"{name}: unknown table [{table}]; the answers go in [a], [b] and [c] "
                                  "(start from the hand-out's pen_and_paper.toml)")
        if not isinstance(content, dict):
            raise SubmissionError(f"{name}: {table} must be a table of answers, [{table}], not a value")
        for key, value in content.items():
            kind = ANSWERS.get((table, key))
            if kind is None:
                known = ", ".join(k for t, k in ANSWERS if t == table)
                raise SubmissionError(f"{name}: [{table}] has no answer called {key!r}; its answers are "
                                      f"{known} (check the spelling)")
            if not _fits(value, kind):
                raise SubmissionError(f"{name}: [{table}] {key} must be {KINDS[kind]}; found {value!r}")


def load_answers(path: Path) -> dict:
    """The student's answers as {table: {name: value}}; SubmissionError naming the file
    and the problem when it cannot be read or has the wrong shape."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SubmissionError(f"{path.name}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise SubmissionError(f"{path.name}: {len(raw)} bytes; an answer file has at most {MAX_BYTES}")
    try:
        answers = tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError:
        raise SubmissionError(f"{path.name}: not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise SubmissionError(f"{path.name}: not valid TOML ({exc}); compare it with the hand-out's "
                              "pen_and_paper.toml (text in quotes, numbers without)") from None
    _check_shape(answers, path.name)
    return answers


def answer(answers: dict, table: str, name: str):
    """One answer, or None when it is absent or left blank (empty text, nan)."""
    value = answers.get(table, {}).get(name)
    if isinstance(value, str) and not value.strip():
        return None
    values = value if isinstance(value, list) else [value]
    if any(isinstance(v, float) and math.isnan(v) for v in values):
        return None
    return value


def blank_answer_file() -> str:
    """The hand-out's answer file: every answer blank, instructions in comments."""
    return TEMPLATE.read_text(encoding="utf-8")
