"""Students' expressions (pen-and-paper answers), read as they are written on paper and never run as code.

The text is rewritten into plain notation (edf_autograder/answers/notation.py), parsed by lark with the
grammar of expression.lark and the item's own variables, and turned into a tree of small
Python functions (edf_autograder/answers/formulas.py): numbers, the item's variables, arithmetic,
comparisons (worth 1 or 0), cases and a fixed list of functions. Nothing else can be expressed,
so nothing else can run. A chain of equal expressions (`c e^x = ELU(x) + c`) gives one value per
side (edf_autograder/answers/chains.py); a side that cannot be read is left out and named.
Program code is refused before parsing; other text that cannot be read raises `Unreadable`,
which says why and how to write it.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, VisitError

from edf_autograder.answers import chains
from edf_autograder.answers.formulas import CONSTANTS, NoCase, Unclear, parser
from edf_autograder.answers.notation import plain
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


MAX_UNREAD = 5  # sides of a chain left out before the whole answer counts as not read


def parse(text: str, variables: tuple[str, ...], *, item: str, hint: str, exact: bool = False):
    """The function of the variables' values that `text` describes, giving the value of each
    side of a chain (one value without a chain), and the sides that could not be read;
    Unreadable when nothing can be read."""
    if len(text) > MAX_LENGTH:
        raise Unreadable(f"{item}: {len(text)} characters; at most {MAX_LENGTH} are read automatically", hint=hint)
    readable = plain(text)
    if CODE.search(readable):
        raise Unreadable(f"{item}: {text.strip()!r} is program code, not a formula; it was not run and "
                         "scores nothing", code=True)
    grammar = parser(tuple(variables), exact)
    readable = chains.drop_labels(readable, lambda side: _reads(grammar, side))
    unread: list[str] = []
    first = ""
    for _ in range(MAX_UNREAD + 1):
        at = None
        try:
            return grammar.parse(readable), tuple(unread)
        except UnexpectedInput as exc:
            reason = _reason(exc, readable, variables)
            at = exc.pos_in_stream if exc.pos_in_stream >= 0 else len(readable)
        except (Unclear, VisitError) as exc:
            reason = str(exc.orig_exc if isinstance(exc, VisitError) else exc)
        except RecursionError:
            reason = "it is nested too deeply"
        first = first or reason
        rest = chains.without_side(readable, at) if at is not None else None
        if rest is None:
            break
        readable, side = rest
        unread.append(side)
    raise Unreadable(f"{item}: {text.strip()!r} was not read automatically: {first}", hint=hint)


def _reads(grammar, side: str) -> bool:
    try:
        grammar.parse(side)
    except (UnexpectedInput, Unclear, VisitError, RecursionError):
        return False
    return True


class Expression:
    """A student's expression in `variables`; call it with their values to get a float.

    Construction raises Unreadable; evaluation problems at a point are SubmissionErrors.
    """

    def __init__(self, text: str, variables: tuple[str, ...], *, item: str):
        if not isinstance(text, str):
            text = str(text)
        self.item, self.variables, self.text = item, tuple(variables), text.strip()
        self._sides, self.unread = parse(text, self.variables, item=item, hint=expression_hint(self.variables))

    def sides(self, **values: float) -> tuple[float, ...]:
        """The value of each side that was read (a chain `A = B` has two) at the point."""
        if set(values) != set(self.variables):
            raise TypeError(f"{self.item} needs values for {self.variables}, got {tuple(values)}")
        where = ", ".join(f"{name}={value:.4g}" for name, value in values.items())
        try:
            results = self._sides({**CONSTANTS, **values})
        except NoCase:
            raise SubmissionError(f"{self.item}: no case of {self.text!r} applies at {where}") from None
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            raise SubmissionError(f"{self.item}: {self.text!r} cannot be evaluated at {where} ({exc})") from None
        for result in results:
            if not isinstance(result, (int, float, Fraction)) or not math.isfinite(result):
                raise SubmissionError(f"{self.item}: {self.text!r} gives {result!r} at {where}, not a real number")
        return tuple(float(r) for r in results)

    def __call__(self, **values: float) -> float:
        """The value at the point (of a chain: its last side)."""
        return self.sides(**values)[-1]


def number(text: str, *, item: str) -> Fraction:
    """One number as people write it ("25/2", "12,5" with a decimal comma, "\\frac{25}{2}",
    "L = 12.5"), exactly where it is a fraction; Unreadable when it cannot be read, a
    SubmissionError when it is no finite number (2^10000)."""
    text = text.strip()
    if re.fullmatch(r"[-+\u2212]?\s*\d+,\d+", text):
        text = text.replace(",", ".")
    if re.fullmatch(SCIENTIFIC, text):
        return Fraction(Decimal(text))
    function, unread = parse(text, (), item=item, hint=NUMBER_HINT, exact=True)
    if unread:
        raise Unreadable(f"{item}: {text!r} was not read automatically: {unread[0]!r} is not a number",
                         hint=NUMBER_HINT)
    try:
        values = [v if isinstance(v, Fraction) else Fraction(v) for v in function({})]
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise SubmissionError(f"{item}: {text!r} is not a finite number ({exc})") from None
    if len(set(values)) > 1:
        raise SubmissionError(f"{item}: the sides of {text!r} are different numbers "
                              f"({', '.join(f'{float(v):g}' for v in values)})")
    return values[0]
