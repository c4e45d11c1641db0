"""What a student's formula may contain (numbers, the item's variables, arithmetic, comparisons,
cases, CONSTANTS and FUNCTIONS), and how lark's parse tree of edf_autograder/answers/expression.lark becomes
a function of the variables' values: a tree of small closures. Nothing else exists in that
tree, so nothing else can run.
"""
from __future__ import annotations

import functools
import math
import operator
from fractions import Fraction
from pathlib import Path

from lark import Lark, Transformer

GRAMMAR = Path(__file__).with_name("expression.lark")
CONSTANTS = {"e": math.e, "pi": math.pi}
ALIASES = {"softmax_j": "S_j", "softmax_k": "S_k", "delta_kj": "delta_jk"}  # the sheet's other names
COMPARISONS = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge, "=": operator.eq,
               "==": operator.eq, "!=": operator.ne, "<>": operator.ne}


class Unclear(Exception):
    """The parse tree is no formula (two values without a condition, a function's arguments)."""


class NoCase(ArithmeticError):
    """No case of a piecewise answer applies at a point."""


class Chain:
    """`A = B = C`: sides said to be equal. As the value of an answer (or of one of its
    cases) each side is graded; inside brackets or a condition it is a comparison (1 or 0)."""

    def __init__(self, sides: list):
        self.sides = sides

    def __call__(self, env):
        values = [side(env) for side in self.sides]
        return float(all(a == b for a, b in zip(values, values[1:])))


class Cases:
    """Cases tried in order; the first whose condition holds gives the value, else the default."""

    def __init__(self, pieces: list, default):
        self.pieces, self.default = pieces, default

    def value(self, env):
        """The value (a function of env) of the case that applies at env."""
        for value, condition in self.pieces:
            if condition(env):
                return value
        if self.default is None:
            raise NoCase("no case of the answer applies")
        return self.default

    def __call__(self, env):
        return self.value(env)(env)


def sides(answer):
    """The answer as a function of env giving the values of its sides: one value, or one per
    side of the chain that is the value of the case applying there."""
    def evaluate(env) -> tuple:
        value = answer.value(env) if isinstance(answer, Cases) else answer
        return tuple(side(env) for side in value.sides) if isinstance(value, Chain) else (value(env),)
    return evaluate


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
    if isinstance(a, Fraction) and isinstance(b, Fraction) and b.denominator == 1 and \
            max(a.numerator.bit_length(), a.denominator.bit_length()) * abs(b) <= 4096:
        return a ** int(b)  # exact for fractions of a sensible size; beyond, floats overflow at once
    result = float(a) ** float(b)
    if isinstance(result, complex):
        raise ValueError(f"{float(a):g}^{float(b):g} is not a real number")
    return result


class Build(Transformer):
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
        power = next((int(str(c)) for c in rest if not callable(c)), None)  # tanh^2(x)
        args = [c for c in rest if callable(c)]
        function, fewest, most = FUNCTIONS[name] if name in FUNCTIONS else (WITH_C[name], 1, 1)
        if not fewest <= len(args) <= most:
            wanted = fewest if fewest == most else f"{fewest} to {most}"
            raise Unclear(f"{name}() takes {wanted} argument(s), found {len(args)}")
        if name in WITH_C:
            if "c" not in self.names:
                raise Unclear(f"{name}(...) needs the constant c, which this item does not have")
            args.append(self.variable(["c"]))
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
        sides, ops = c[0::2], [COMPARISONS[str(op)] for op in c[1::2]]
        if all(str(op) == "=" for op in c[1::2]):
            return Chain(sides)

        def evaluate(env):
            values = [side(env) for side in sides]
            return float(all(op(a, b) for op, a, b in zip(ops, values, values[1:])))
        return evaluate

    def plain(self, c):
        return ("value", c[0], None)

    otherwise = plain

    def case(self, c):
        return ("case", c[0], c[1])

    def cases(self, branches):
        defaults = [value for kind, value, _ in branches if kind == "value"]
        pieces = [(value, condition) for kind, value, condition in branches if kind == "case"]
        if len(defaults) > 1:
            raise Unclear(f"{len(defaults)} values without a condition; give each case its condition "
                          "(\"A if CONDITION, B otherwise\")")
        if not pieces:
            return defaults[0]
        return Cases(pieces, defaults[0] if defaults else None)

    def start(self, c):
        return sides(c[0])


@functools.lru_cache(maxsize=16)
def parser(variables: tuple[str, ...], exact: bool) -> Lark:
    names = sorted({*variables, *(a for a, t in ALIASES.items() if t in variables)}, key=len, reverse=True)
    var = " | ".join(f'"{n}"i' for n in names) if names else "/(?!x)x/"
    return Lark(GRAMMAR.read_text(encoding="utf-8") + f"\nVAR: {var}\n", parser="lalr",
                transformer=Build(variables, Fraction if exact else float))
