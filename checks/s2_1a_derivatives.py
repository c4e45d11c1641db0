"""2.1a Derivatives (6 points), from the expressions of pen_and_paper.toml's [a].

Each derivative is the student's expression, read as written on paper (edf_autograder/answers/expressions.py),
evaluated at generated points (away from kinks) and compared with the grader's own central
difference of the sheet's function (checks/key.py); every side of a chain of equal expressions
must be. Text that is not read (an answer, or one side of a chain) goes to a tutor.
The same examples are drawn in quick and full runs (derandomised), so `--quick` gives the final
verdicts and a submission gets the same verdict every run.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, Verbosity, example, given, settings
from hypothesis import strategies as st

from edf_autograder.answers import sheet as paper
from edf_autograder.answers.expressions import Expression, Unreadable, expression_hint
from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import Verdict, failed, manual, passed
from edf_autograder.errors import SubmissionError
from edf_ex2 import key as sheet
from edf_ex2.exercise import ANSWER_SHEET
from edf_ex2.s2_1_hand_in import FILE, reads, unreadable

VARIABLES = ANSWER_SHEET.variables  # each answer's variables, declared with the sheet
NUDGE = 1e-7  # relative step beside a point where an answer has a removable singularity
SETTINGS = settings(max_examples=100, derandomize=True, database=None, deadline=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink], report_multiple_bugs=False,
                    verbosity=Verbosity.quiet, suppress_health_check=[HealthCheck.too_slow])


class Mismatch(Exception):
    """The student's derivative disagrees with the numerical one at a point."""


@dataclass(frozen=True)
class Point:
    values: dict      # the item's variables, as the student's expression receives them
    expected: float   # the grader's central difference there
    where: str        # the point, for the message


def _central(f, x: float) -> float:
    h = sheet.load()["tolerance"]["difference_step"]
    return (f(x + h) - f(x - h)) / (2 * h)


def _distinct(got: float, want: float) -> str:
    """Both values with just enough digits to tell them apart."""
    for digits in range(3, 12):
        shown = f"{got:.{digits}g}", f"{want:.{digits}g}"
        if shown[0] != shown[1]:
            break
    return f"gives {shown[0]}, expected {shown[1]}"


def _values(expr: Expression, values: dict) -> tuple[float, ...]:
    """Each side of the expression at a point, or just beside it where it has a removable
    singularity there (1/coth(x) at x = 0): a gap of one point is no error on paper, a gap of
    an interval is."""
    try:
        return expr.sides(**values)
    except SubmissionError as first:
        beside = {k: v + NUDGE * max(1.0, abs(v)) if isinstance(v, float) else v for k, v in values.items()}
        try:
            return expr.sides(**beside)
        except SubmissionError:
            raise first from None


def _agrees(expr: Expression, what: str, points, examples: tuple) -> None:
    """Mismatch at the first (shrunk) point where `expr` and the numerical derivative differ."""
    tol = sheet.load()["tolerance"]

    def at(point: Point) -> None:
        sides = _values(expr, point.values)
        for k, got in enumerate(sides):  # a chain A = B: every side must be the derivative
            if not math.isclose(got, point.expected, rel_tol=tol["derivative_rtol"], abs_tol=tol["derivative_atol"]):
                side = f" (side {k + 1} of the {len(sides)} equal sides)" if len(sides) > 1 else ""
                raise Mismatch(f"{expr.item}: your {what}{side} at {point.where} {_distinct(got, point.expected)} "
                               "(numerical derivative)")

    test = given(points)(at)
    for point in examples:
        test = example(point)(test)
    SETTINGS(test)()


def _derivative(answers, name: str, what: str, variables: tuple, points, examples: tuple) -> Verdict:
    value = answers.get("a", name)
    if value is None:
        return failed(f"no answer for a-{name} in {FILE}: under [a], write {name} = \"...\", "
                      f"an expression in {', '.join(variables)}")
    try:
        expr = paper.expression(value, variables, item=f"a-{name}")
    except Unreadable as exc:
        return unreadable(exc)
    except SubmissionError as exc:
        return failed(str(exc))
    try:
        _agrees(expr, what, points, examples)
    except (Mismatch, SubmissionError) as exc:
        return _unread_sides(expr, str(exc).removeprefix(f"{expr.item}: "), 0.0) if expr.unread else failed(str(exc))
    if expr.unread:
        return _unread_sides(expr, "every side that was read agrees with the numerical derivative", 1.0)
    return passed(f"{expr.text!r} agrees with the numerical derivative at every generated point")


def _unread_sides(expr: Expression, found: str, suggested: float) -> Verdict:
    """A chain with a side that was not read: a tutor decides, never an automatic zero."""
    sides = " and ".join(repr(side) for side in expr.unread)
    return manual(f"{expr.item}: in {expr.text!r} the side {sides} was not read automatically; {found}. "
                  f"A tutor reads it (suggested {suggested:g} of the item until then). To have it read "
                  f"automatically, {expression_hint(expr.variables)}.", suggested)


def _off_kink():
    """A signed distance from a kink, at least the key's kink_distance."""
    kink = sheet.load()["tolerance"]["kink_distance"]
    return st.builds(lambda d, sign: sign * d, st.floats(kink, 4.0), st.sampled_from([1.0, -1.0]))


def _relu_c(x: float, c: float) -> Point:
    return Point({"x": x, "c": c}, _central(lambda z: sheet.relu_c(z, c), x), f"x={x:.4g}, c={c:.4g}")


@check("2.1a-i", "a-i: derivative of ReLU_c", 1, students="readable")
@reads(("a", "i"))
def relu_c_derivative(answers):
    points = st.builds(lambda c, d: _relu_c(c + d, c), st.floats(-3.0, 3.0), _off_kink())
    return _derivative(answers, "i", "d/dx ReLU_c", VARIABLES[("a", "i")], points, (_relu_c(1.0, 0.5), _relu_c(0.25, 0.5)))


def _elu(x: float, c: float) -> Point:
    return Point({"x": x, "c": c}, _central(lambda z: sheet.elu(z, c), x), f"x={x:.4g}, c={c:.4g}")


@check("2.1a-ii", "a-ii: derivative of ELU", 1, students="readable")
@reads(("a", "ii"))
def elu_derivative(answers):
    points = st.builds(_elu, _off_kink(), st.floats(-3.0, 3.0))
    return _derivative(answers, "ii", "d/dx ELU", VARIABLES[("a", "ii")], points, (_elu(-1.5, 2.0), _elu(1.0, 2.0)))


def _tanh(x: float) -> Point:
    return Point({"x": x}, _central(sheet.tanh, x), f"x={x:.4g}")


@check("2.1a-iii", "a-iii: derivative of Tanh", 1, students="readable")
@reads(("a", "iii"))
def tanh_derivative(answers):
    points = st.builds(_tanh, st.floats(-5.0, 5.0))
    return _derivative(answers, "iii", "d/dx Tanh", VARIABLES[("a", "iii")], points, (_tanh(0.5), _tanh(-2.0)))


def _softmax(xs: list, j: int, k: int) -> Point:
    """dS_j/dx_k at xs; the indices are shown and passed 1-based, as on the sheet."""
    s = sheet.softmax(xs)
    expected = _central(lambda z: sheet.softmax(xs[:k] + [z] + xs[k + 1:])[j], xs[k])
    values = {"S_j": s[j], "S_k": s[k], "delta_jk": int(j == k), "j": j + 1, "k": k + 1}  # ints: never nudged
    return Point(values, expected, f"j={j + 1}, k={k + 1}, x=[{', '.join(f'{v:.3g}' for v in xs)}]")


@st.composite
def _softmax_points(draw):
    n = draw(st.integers(2, 6))
    xs = draw(st.lists(st.floats(-4.0, 4.0), min_size=n, max_size=n))
    return _softmax(xs, draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1)))


@check("2.1a-iv", "a-iv: derivative of Softmax", 2, students="readable")
@reads(("a", "iv"))
def softmax_derivative(answers):
    return _derivative(answers, "iv", "dS_j/dx_k", VARIABLES[("a", "iv")], _softmax_points(),
                       (_softmax([1.0, 2.0, 3.0], 0, 0), _softmax([1.0, 2.0, 3.0], 0, 1)))


def _cross_entropy(y: list, p: list, i: int) -> Point:
    expected = _central(lambda q: sheet.cross_entropy(y, p[:i] + [q] + p[i + 1:]), p[i])
    return Point({"y_i": y[i], "p_i": p[i]}, expected, f"y_i={y[i]:.4g}, p_i={p[i]:.4g}")


@st.composite
def _cross_entropy_points(draw):
    n = draw(st.integers(1, 5))
    y = draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
    p = draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n))
    return _cross_entropy(y, p, draw(st.integers(0, n - 1)))


@check("2.1a-v", "a-v: gradient of the cross entropy", 1, students="readable")
@reads(("a", "v"))
def cross_entropy_derivative(answers):
    return _derivative(answers, "v", "dH/dp_i", VARIABLES[("a", "v")], _cross_entropy_points(),
                       (_cross_entropy([0.0, 1.0, 0.0], [0.2, 0.5, 0.3], 1),))
