"""Students' derivative answers (sheet 2.1a): expressions checked first, then evaluated safely.

Student text never reaches `eval`. It is parsed into a syntax tree that may hold only numbers,
the item's variables, arithmetic, comparisons, `a if cond else b` and calls of the functions
below; simpleeval then evaluates that checked tree. Every number becomes a float, so a huge
power overflows at once instead of building a giant integer, and the text's length is bounded.
As on paper, `^` is a power and a comparison counts as 1 or 0.
"""
from __future__ import annotations

import ast
import math

from simpleeval import InvalidExpression, SimpleEval

from autograder.errors import SubmissionError

MAX_LENGTH = 300
PAPER = {"^": "**", "\u2212": "-", "\u00b7": "*", "\u00d7": "*"}  # ^, minus sign, dot, times


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _step(z: float) -> float:
    return 1.0 if z > 0 else 0.0


def _where(condition, then: float, otherwise: float) -> float:
    return then if condition else otherwise


# name -> (function, fewest arguments, most arguments)
FUNCTIONS = {
    "exp": (math.exp, 1, 1), "log": (math.log, 1, 1), "ln": (math.log, 1, 1),
    "sqrt": (math.sqrt, 1, 1), "tanh": (math.tanh, 1, 1), "sinh": (math.sinh, 1, 1),
    "cosh": (math.cosh, 1, 1), "abs": (abs, 1, 1), "max": (max, 2, 6), "min": (min, 2, 6),
    "sigmoid": (_sigmoid, 1, 1), "step": (_step, 1, 1), "where": (_where, 3, 3),
}
CONSTANTS = {"e": math.e, "pi": math.pi}
ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
           ast.Name, ast.Load, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub,
           ast.UAdd, ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
REFUSED = {ast.Attribute: "attribute access (a.b)", ast.Subscript: "indexing (a[i])",
           ast.Lambda: "lambda", ast.NamedExpr: "assignment (:=)", ast.Starred: "unpacking (*a)",
           ast.FloorDiv: "floor division (//)", ast.Mod: "remainder (%)", ast.MatMult: "@",
           ast.BitXor: "bitwise operators", ast.BitAnd: "bitwise operators", ast.BitOr: "bitwise operators",
           ast.LShift: "shifts", ast.RShift: "shifts", ast.Invert: "bitwise operators",
           ast.Is: "'is'", ast.IsNot: "'is not'", ast.In: "'in'", ast.NotIn: "'not in'"}
HOW = ("use numbers, the item's variables, + - * / ** (or ^), comparisons, 'A if CONDITION else B' "
       "and the functions " + ", ".join(FUNCTIONS))


class Expression:
    """A checked expression in `variables`; call it with their values to get a float.

    Every problem is a SubmissionError that names the item and says what to change.
    """

    def __init__(self, text: str, variables: tuple[str, ...], *, item: str):
        self.item, self.variables = item, tuple(variables)
        if not isinstance(text, str):
            raise SubmissionError(f"{item}: write the expression in quotes, e.g. \"2*x\"; found {text!r}")
        if len(text) > MAX_LENGTH:
            raise SubmissionError(f"{item}: the expression has {len(text)} characters; at most {MAX_LENGTH} "
                                  "are read (simplify it)")
        self.text = text.strip()
        for paper, python in PAPER.items():
            text = text.replace(paper, python)
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            problem = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
            raise SubmissionError(f"{item}: {self.text!r} is not a valid expression ({problem}); write products "
                                  "with * (2*x, not 2x) and check the brackets") from None
        called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        for node in ast.walk(tree):
            self._allow(node, id(node) in called)
        self._tree = tree.body
        self._evaluator = SimpleEval(functions={name: f for name, (f, _, _) in FUNCTIONS.items()}, names={})

    def _refuse(self, problem: str) -> None:
        raise SubmissionError(f"{self.item}: {problem} in {self.text!r}")

    def _allow(self, node: ast.AST, is_called: bool) -> None:
        if not isinstance(node, ALLOWED):
            what = REFUSED.get(type(node), type(node).__name__)
            self._refuse(f"{what} is not allowed ({HOW})")
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                self._refuse(f"only numbers may be written as constants, found {node.value!r}")
            try:
                node.value = float(node.value)
            except OverflowError:
                self._refuse("a number is too large")
        elif isinstance(node, ast.Call):
            self._allow_call(node)
        elif isinstance(node, ast.Name) and not is_called:
            if node.id in FUNCTIONS:
                self._refuse(f"{node.id} is a function: write {node.id}(...)")
            if node.id not in self.variables and node.id not in CONSTANTS:
                self._refuse(f"unknown name {node.id!r}; {self.item} is written in {', '.join(self.variables)}")

    def _allow_call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            what = REFUSED.get(type(node.func), "calling the result of an expression")
            self._refuse(f"{what} is not allowed; only the functions {', '.join(FUNCTIONS)} may be called")
        name = node.func.id
        if name in self.variables:
            self._refuse(f"{name} is a variable, not a function: write {name}*(...) for a product")
        if name not in FUNCTIONS:
            self._refuse(f"unknown function {name!r}; the functions are {', '.join(FUNCTIONS)}")
        if node.keywords:
            self._refuse(f"{name}() takes no keyword arguments")
        _, fewest, most = FUNCTIONS[name]
        if not fewest <= len(node.args) <= most:
            wanted = fewest if fewest == most else f"{fewest} to {most}"
            self._refuse(f"{name}() takes {wanted} argument(s), found {len(node.args)}")

    def __call__(self, **values: float) -> float:
        if set(values) != set(self.variables):
            raise TypeError(f"{self.item} needs values for {self.variables}, got {tuple(values)}")
        self._evaluator.names = {**CONSTANTS, **values}
        where = ", ".join(f"{name}={value:.4g}" for name, value in values.items())
        try:
            result = self._evaluator.eval(self.text, previously_parsed=self._tree)
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            raise SubmissionError(f"{self.item}: {self.text!r} cannot be evaluated at {where} ({exc})") from None
        except InvalidExpression as exc:  # simpleeval's own limits, e.g. a power too large
            raise SubmissionError(f"{self.item}: {self.text!r} was refused at {where} ({exc})") from None
        if isinstance(result, bool):
            return float(result)
        if not isinstance(result, (int, float)):
            raise SubmissionError(f"{self.item}: {self.text!r} gives {type(result).__name__} {result!r} at "
                                  f"{where}, not a real number")
        return float(result)
