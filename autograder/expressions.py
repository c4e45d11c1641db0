"""Students' expressions (sheet 2.1a), read as they are written on paper and never run as code.

The text is rewritten into plain notation (autograder/notation.py), parsed by lark with the
grammar of expression.lark and the item's own variables, and turned into a tree of small
Python functions built here: numbers, the item's variables, arithmetic, comparisons (worth 1
or 0), cases and the functions of FUNCTIONS. Nothing else can be expressed, so nothing else
can run. Text that cannot be read raises `Unreadable`, which says why and how to write it.
"""
from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from lark import Lark, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, VisitError

from autograder.errors import SubmissionError
from autograder.notation import drop_label, plain

GRAMMAR = Path(__file__).with_name("expression.lark")
MAX_LENGTH = 500
DOCS = "docs/pen-and-paper.md"
CONSTANTS = {"e": math.e, "pi": math.pi}
SCIENTIFIC = r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d{1,3}"  # 1.65e1, in a number (in an expression, e is e)
ALIASES = {"softmax_j": "S_j", "softmax_k": "S_k", "delta_kj": "delta_jk"}  # the sheet's other names
# Text that is program code rather than mathematics: refused, never a question for a tutor.
CODE = re.compile(r"__|\b(lambda|import|exec|eval|compile|open|getattr|setattr|globals|locals|builtins|"
                  r"subprocess|system|os|sys)\b|\w\s*\.\s*[A-Za-z_]\w*\s*\(|\bfor\s+\w+\s+in\b", re.IGNORECASE)


class Unreadable(SubmissionError):
    """The text is not read as an expression; `code` when it is program code; `hint` says how
    to write it so that it is read."""

    def __init__(self, message: str, *, code: bool = False, hint: str = ""):
        super().__init__(message)
        self.code, self.hint = code, hint


class NoCase(ArithmeticError):
    """No case of a piecewise answer applies at a point."""


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _sign(z: float) -> float:
    return float(z > 0) - float(z < 0)


# name -> (function, fewest arguments, most arguments); names are read in any case (Tanh, ReLU)
FUNCTIONS = {
    "exp": (math.exp, 1, 1), "log": (math.log, 1, 1), "ln": (math.log, 1, 1), "sqrt": (math.sqrt, 1, 1),
    "tanh": (math.tanh, 1, 1), "sinh": (math.sinh, 1, 1), "cosh": (math.cosh, 1, 1),
    "sech": (lambda z: 1 / math.cosh(z), 1, 1), "coth": (lambda z: 1 / math.tanh(z), 1, 1),
    "csch": (lambda z: 1 / math.sinh(z), 1, 1), "abs": (abs, 1, 1), "max": (max, 2, 6), "min": (min, 2, 6),
    "sigmoid": (_sigmoid, 1, 1), "step": (lambda z: float(z > 0), 1, 1), "sign": (_sign, 1, 1),
    "sgn": (_sign, 1, 1), "relu": (lambda z: max(0.0, z), 1, 1), "where": (lambda c, a, b: a if c else b, 3, 3),
    "delta": (lambda a, b: float(a == b), 2, 2),
}
# the sheet's functions of its constant c, read in the items that have c: ELU(x), ReLU_c(x)
WITH_C = {"elu": lambda z, c: z if z >= 0 else c * (math.exp(z) - 1), "relu_c": lambda z, c: max(0.0, z - c)}


def _power(a, b):
    if isinstance(b, Fraction) and b.denominator == 1 and abs(b) <= 1000:
        return a ** int(b)  # exact for fractions
    result = float(a) ** float(b)
    if isinstance(result, complex):
        raise ValueError(f"{float(a):g}^{float(b):g} is not a real number")
    return result


class _Build(Transformer):
    """Parse-tree rules -> functions of the variables' values (a dict)."""

    def __init__(self, variables: tuple[str, ...], number):
        super().__init__()
        self.names = {v.lower(): v for v in variables}
        self.names |= {alias: target for alias, target in ALIASES.items() if target in variables}
        self.number_type = number

    def number(self, children):
        value = self.number_type(str(children[0]))
        return lambda env: value

    def variable(self, children):
        name = self.names[str(children[0]).lower()]
        return lambda env: env[name]

    def constant(self, children):
        value = CONSTANTS[str(children[0]).lower()]
        return lambda env: value

    def call(self, children):
        name, *rest = children
        name = str(name).lower()
        power = next((int(str(c)) for c in rest if not callable(c)), None)
        args = [c for c in rest if callable(c)]
        if name in WITH_C:
            if "c" not in self.names:
                raise Unreadable(f"{name}(...) needs the constant c, which this item does not have")
            function, fewest, most = WITH_C[name], 1, 1
            args.append(self.variable(["c"]))
        else:
            function, fewest, most = FUNCTIONS[name]
        if not fewest <= len(args) - (name in WITH_C) <= most:
            wanted = fewest if fewest == most else f"{fewest} to {most}"
            raise Unreadable(f"{name}() takes {wanted} argument(s), found {len(args) - (name in WITH_C)}")
        if power is None:
            return lambda env: function(*(a(env) for a in args))
        return lambda env: _power(function(*(a(env) for a in args)), power)

    def frac(self, children):
        _, top, bottom = children
        return lambda env: top(env) / bottom(env)

    def add(self, c):
        return lambda env: c[0](env) + c[1](env)

    def sub(self, c):
        return lambda env: c[0](env) - c[1](env)

    def mul(self, c):
        return lambda env: c[0](env) * c[1](env)

    def div(self, c):
        return lambda env: c[0](env) / c[1](env)

    def neg(self, c):
        return lambda env: -c[0](env)

    def pow(self, c):
        return lambda env: _power(c[0](env), c[1](env))

    def or_(self, c):
        return lambda env: float(bool(c[0](env)) or bool(c[2](env)))

    def and_(self, c):
        return lambda env: float(bool(c[0](env)) and bool(c[2](env)))

    def not_(self, c):
        return lambda env: float(not c[1](env))

    def compare(self, c):
        tests = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
                 ">=": lambda a, b: a >= b, "=": lambda a, b: a == b, "==": lambda a, b: a == b,
                 "!=": lambda a, b: a != b, "<>": lambda a, b: a != b}
        sides, ops = c[0::2], [tests[str(op)] for op in c[1::2]]

        def evaluate(env):
            values = [side(env) for side in sides]
            return float(all(op(a, b) for op, a, b in zip(ops, values, values[1:])))
        return evaluate

    def plain(self, c):
        return ("value", c[0], None)

    def otherwise(self, c):
        return ("value", c[0], None)

    def case(self, c):
        return ("case", c[0], c[1])

    def cases(self, branches):
        defaults = [value for kind, value, _ in branches if kind == "value"]
        pieces = [(value, condition) for kind, value, condition in branches if kind == "case"]
        if len(defaults) > 1:
            raise Unreadable(f"{len(defaults)} values without a condition; give each case its condition "
                             "(\"A if CONDITION, B otherwise\")")
        if not pieces:
            return defaults[0]
        default = defaults[0] if defaults else None

        def evaluate(env):
            for value, condition in pieces:
                if condition(env):
                    return value(env)
            if default is None:
                raise NoCase("no case of the answer applies")
            return default(env)
        return evaluate

    def start(self, c):
        return c[0]


@functools.lru_cache(maxsize=16)
def _parser(variables: tuple[str, ...], exact: bool) -> Lark:
    names = sorted({*variables, *(a for a, t in ALIASES.items() if t in variables)}, key=len, reverse=True)
    var = " | ".join(f'"{n}"i' for n in names) if names else "/(?!x)x/"
    return Lark(GRAMMAR.read_text(encoding="utf-8") + f"\nVAR: {var}\n", parser="lalr",
                transformer=_Build(variables, Fraction if exact else float))


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
        return _parser(tuple(variables), exact).parse(readable)
    except UnexpectedInput as exc:
        reason = _reason(exc, readable, variables)
    except (Unreadable, VisitError) as exc:
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
    """One number as people write it ("33/2", "16,5" with a decimal comma, "\\frac{33}{2}",
    "L = 16.5"), exactly where it is a fraction; Unreadable when it cannot be read, a
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
