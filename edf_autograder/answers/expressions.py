"""Students' expressions (pen-and-paper answers), read as they are written on paper and never run as code.

The text is rewritten into plain notation (edf_autograder/answers/notation.py), parsed by lark with the
grammar of expression.lark and the item's own variables, and turned into a tree of small
Python functions (edf_autograder/answers/formulas.py): numbers, the item's variables, arithmetic,
comparisons (worth 1 or 0), cases and a fixed list of functions. Nothing else can be expressed,
so nothing else can run. Program code is refused before parsing; other text that cannot be read
raises `Unreadable`, which says why and how to write it.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, VisitError

from edf_autograder.answers.formulas import CONSTANTS, NoCase, Unclear, parser
from edf_autograder.answers.notation import drop_label, plain
from edf_autograder.errors import SubmissionError

MAX_LENGTH = 500
DOCS = "docs/pen-and-paper.md"
SCIENTIFIC = r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d{1,3}"  # 1.65e1, in a number (in an expression, e is e)
# Text that is program code rather than mathematics: refused, never a question for a tutor.
CODE = re.compile(r"__|\b(lambda|import|exec|eval|compile|open|getattr|setattr|globals|locals|builtins|"
                  r"subprocess|system|os|sys)\b|\w\s*\.\s*[A-Za-z_]\w*\s*\(|\bfor\s+\w+\s+in\b", re.IGNORECASE)


class Unreadable(SubmissionError):
    """The text is not read as an expression; `code` when it is program code; `hint` says how
    to write it so that it is read."""

    def __init__(self, message: str, *, code: bool = False, hint: str = ""):
        super().__init__(message)
        self.code, self.hint = code, hint


def _reason(exc: UnexpectedInput, text: str, variables: tuple[str, ...]) -> str:
    written = f"written in {', '.join(variables)}" if variables else "a number"
    if isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream
        word = re.match(r"\w*", text[at:]).group()
        start = at - len(re.search(r"\w*$", text[:at]).group())
        whole = re.match(r"\w*", text[start:]).group() if word else ""
        if whole:
            return f"unknown name {whole!r} (the answer is {written})"
        return f"the character {text[at]!r} is not read"
    token = getattr(exc, "token", None)
    if token is None or token.type == "$END":
        return "it ends too early (an operator without its second operand, or a bracket not closed?)"
    return f"{str(token)!r} was not expected where it stands"


def expression_hint(variables: tuple[str, ...]) -> str:
    return (f"write it in {', '.join(variables)} with numbers, + - * / ^, brackets, functions such as exp(x) "
            f"or tanh(x), and cases as \"A if CONDITION, B otherwise\" ({DOCS} lists every notation read)")


NUMBER_HINT = f"write a number such as 1.25, -3 or 7/4 ({DOCS})"


def parse(text: str, variables: tuple[str, ...], *, item: str, hint: str, exact: bool = False):
    """The function of the variables' values that `text` describes; Unreadable when it cannot be read."""
    if len(text) > MAX_LENGTH:
        raise Unreadable(f"{item}: {len(text)} characters; at most {MAX_LENGTH} are read automatically", hint=hint)
    readable = drop_label(plain(text))
    if CODE.search(readable):
        raise Unreadable(f"{item}: {text.strip()!r} is program code, not a formula; it was not run and "
                         "scores nothing", code=True)
    try:
        return parser(tuple(variables), exact).parse(readable)
    except UnexpectedInput as exc:
        reason = _reason(exc, readable, variables)
    except (Unclear, VisitError) as exc:
        reason = str(exc.orig_exc if isinstance(exc, VisitError) else exc)
    except RecursionError:
        reason = "it is nested too deeply"
    raise Unreadable(f"{item}: {text.strip()!r} was not read automatically: {reason}", hint=hint)


class Expression:
    """A student's expression in `variables`; call it with their values to get a float.

    Construction raises Unreadable; evaluation problems at a point are SubmissionErrors.
    """

    def __init__(self, text: str, variables: tuple[str, ...], *, item: str):
        if not isinstance(text, str):
            text = str(text)
        self.item, self.variables, self.text = item, tuple(variables), text.strip()
        self._function = parse(text, self.variables, item=item, hint=expression_hint(self.variables))

    def __call__(self, **values: float) -> float:
        if set(values) != set(self.variables):
            raise TypeError(f"{self.item} needs values for {self.variables}, got {tuple(values)}")
        where = ", ".join(f"{name}={value:.4g}" for name, value in values.items())
        try:
            result = self._function({**CONSTANTS, **values})
        except NoCase:
            raise SubmissionError(f"{self.item}: no case of {self.text!r} applies at {where}") from None
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            raise SubmissionError(f"{self.item}: {self.text!r} cannot be evaluated at {where} ({exc})") from None
        if not isinstance(result, (int, float, Fraction)) or not math.isfinite(result):
            raise SubmissionError(f"{self.item}: {self.text!r} gives {result!r} at {where}, not a real number")
        return float(result)


def number(text: str, *, item: str) -> Fraction:
    """One number as people write it ("25/2", "12,5" with a decimal comma, "\\frac{25}{2}",
    "L = 12.5"), exactly where it is a fraction; Unreadable when it cannot be read, a
    SubmissionError when it is no finite number (2^10000)."""
    text = text.strip()
    if re.fullmatch(r"[-+\u2212]?\s*\d+,\d+", text):
        text = text.replace(",", ".")
    if re.fullmatch(SCIENTIFIC, text):
        return Fraction(Decimal(text))
    try:
        value = parse(text, (), item=item, hint=NUMBER_HINT, exact=True)({})
        return value if isinstance(value, Fraction) else Fraction(value)
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise SubmissionError(f"{item}: {text!r} is not a finite number ({exc})") from None
