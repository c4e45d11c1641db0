"""A safe evaluator for the students' derivative expressions (sheet 2.1a).

Student text is parsed, never `eval`ed: the syntax tree may hold only numbers, the
variables of the item, arithmetic, comparisons, `a if cond else b` and calls of a
whitelist of functions; simpleeval then evaluates the checked expression with small
limits on powers and lengths. `^` is read as a power, as on paper.
"""
from __future__ import annotations

import ast
import math

from simpleeval import SimpleEval

from autograder.errors import SubmissionError

MAX_LENGTH = 300
FUNCTIONS = {
    "exp": math.exp, "log": math.log, "ln": math.log, "sqrt": math.sqrt, "tanh": math.tanh,
    "sinh": math.sinh, "cosh": math.cosh, "abs": abs, "max": max, "min": min,
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)), "step": lambda z: 1.0 if z > 0 else 0.0,
}
CONSTANTS = {"e": math.e, "pi": math.pi}
ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
           ast.Name, ast.Load, ast.Constant, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)


class Expression:
    """A checked expression in the given variables; call it with their values."""

    def __init__(self, text: str, variables: tuple[str, ...], *, item: str):
        if not isinstance(text, str):
            raise SubmissionError(f"{item}: expected an expression in quotes, found {type(text).__name__}")
        if len(text) > MAX_LENGTH:
            raise SubmissionError(f"{item}: the expression is longer than {MAX_LENGTH} characters")
        self.text = text.replace("^", "**").strip()
        self.item = item
        self.variables = variables
        try:
            tree = ast.parse(self.text, mode="eval")
        except SyntaxError as exc:
            raise SubmissionError(f"{item}: {text!r} is not a valid expression ({exc.msg})") from None
        for node in ast.walk(tree):
            self._allow(node)
        self._evaluator = SimpleEval(functions=FUNCTIONS)

    def _allow(self, node) -> None:
        if not isinstance(node, ALLOWED):
            raise SubmissionError(f"{self.item}: {type(node).__name__} is not allowed in an answer "
                                  "(use numbers, the item's variables, arithmetic, comparisons, "
                                  f"'a if cond else b' and {', '.join(sorted(FUNCTIONS))})")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise SubmissionError(f"{self.item}: only numbers may appear as constants, found {node.value!r}")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise SubmissionError(f"{self.item}: only the functions {', '.join(sorted(FUNCTIONS))} may be called")
        if isinstance(node, ast.Call) and node.keywords:
            raise SubmissionError(f"{self.item}: keyword arguments are not allowed")
        if isinstance(node, ast.Name) and node.id not in self.variables + tuple(CONSTANTS) + tuple(FUNCTIONS):
            raise SubmissionError(f"{self.item}: unknown name {node.id!r}; use {', '.join(self.variables)}")

    def __call__(self, **values: float) -> float:
        self._evaluator.names = {**CONSTANTS, **values}
        try:
            result = self._evaluator.eval(self.text)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise SubmissionError(f"{self.item}: {self.text!r} cannot be evaluated at "
                                  f"{', '.join(f'{k}={v:.4g}' for k, v in values.items())} ({exc})") from None
        except Exception as exc:  # simpleeval's own limits (huge powers, ...)
            raise SubmissionError(f"{self.item}: {self.text!r} was refused ({exc})") from None
        if isinstance(result, bool):
            result = float(result)
        if not isinstance(result, (int, float)):
            raise SubmissionError(f"{self.item}: {self.text!r} does not give a number")
        return float(result)
