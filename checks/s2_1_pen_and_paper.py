"""2.1 Pen & paper (12 points), graded from the answer file pen_and_paper.toml.

a) Each derivative is the student's expression, evaluated safely at generated points (away
   from kinks) and compared with the grader's own central difference of the sheet's function.
c) Numbers against the key, whose values autograder/key.py recomputes; c-iii follows the key's
   c_iii_policy. Free text (b, c-ii, the c-iii remark) goes to a tutor with a score suggested
   from keywords; c-iii scores its gradient automatically and suggests the remark's point.
The same examples are drawn in quick and full runs, so `--quick` gives the final verdicts here.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, Verbosity, example, given, settings
from hypothesis import strategies as st

from autograder import key as sheet
from autograder.errors import SubmissionError
from autograder.expressions import Expression
from autograder.pen_and_paper import answer
from autograder.score import Verdict, failed, manual, passed
from checks import check

FILE = "pen_and_paper.toml"
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


def _agrees(expr: Expression, what: str, points, examples: tuple) -> None:
    """Mismatch at the first (shrunk) point where `expr` and the numerical derivative differ."""
    tol = sheet.load()["tolerance"]

    def at(point: Point) -> None:
        got = expr(**point.values)
        if not math.isclose(got, point.expected, rel_tol=tol["derivative_rtol"], abs_tol=tol["derivative_atol"]):
            raise Mismatch(f"{expr.item}: your {what} at {point.where} {_distinct(got, point.expected)} "
                           "(numerical derivative)")

    test = given(points)(at)
    for point in examples:
        test = example(point)(test)
    SETTINGS(test)()


def _derivative(ev, name: str, what: str, variables: tuple, points, examples: tuple) -> Verdict:
    text = answer(ev.answers(), "a", name)
    if text is None:
        return failed(f"no answer for a-{name} in {FILE}: under [a], write {name} = \"...\", "
                      f"an expression in {', '.join(variables)}")
    try:
        _agrees(Expression(text, variables, item=f"a-{name}"), what, points, examples)
    except (Mismatch, SubmissionError) as exc:
        return failed(str(exc))
    return passed(f"{text!r} agrees with the numerical derivative at every generated point")


def _off_kink():
    """A signed distance from a kink, at least the key's kink_distance."""
    kink = sheet.load()["tolerance"]["kink_distance"]
    return st.builds(lambda d, sign: sign * d, st.floats(kink, 4.0), st.sampled_from([1.0, -1.0]))


def _relu_c(x: float, c: float) -> Point:
    return Point({"x": x, "c": c}, _central(lambda z: sheet.relu_c(z, c), x), f"x={x:.4g}, c={c:.4g}")


@check("2.1a-i", "a-i: derivative of ReLU_c", 1)
def relu_c_derivative(ev):
    points = st.builds(lambda c, d: _relu_c(c + d, c), st.floats(-3.0, 3.0), _off_kink())
    return _derivative(ev, "i", "d/dx ReLU_c", ("x", "c"), points, (_relu_c(1.0, 0.5), _relu_c(0.25, 0.5)))


def _elu(x: float, c: float) -> Point:
    return Point({"x": x, "c": c}, _central(lambda z: sheet.elu(z, c), x), f"x={x:.4g}, c={c:.4g}")


@check("2.1a-ii", "a-ii: derivative of ELU", 1)
def elu_derivative(ev):
    points = st.builds(_elu, _off_kink(), st.floats(-3.0, 3.0))
    return _derivative(ev, "ii", "d/dx ELU", ("x", "c"), points, (_elu(-1.5, 2.0), _elu(1.0, 2.0)))


def _tanh(x: float) -> Point:
    return Point({"x": x}, _central(sheet.tanh, x), f"x={x:.4g}")


@check("2.1a-iii", "a-iii: derivative of Tanh", 1)
def tanh_derivative(ev):
    points = st.builds(_tanh, st.floats(-5.0, 5.0))
    return _derivative(ev, "iii", "d/dx Tanh", ("x",), points, (_tanh(0.5), _tanh(-2.0)))


def _softmax(xs: list, j: int, k: int) -> Point:
    """dS_j/dx_k at xs; the indices are shown and passed 1-based, as on the sheet."""
    s = sheet.softmax(xs)
    expected = _central(lambda z: sheet.softmax(xs[:k] + [z] + xs[k + 1:])[j], xs[k])
    values = {"S_j": s[j], "S_k": s[k], "delta_jk": float(j == k), "j": j + 1, "k": k + 1}
    return Point(values, expected, f"j={j + 1}, k={k + 1}, x=[{', '.join(f'{v:.3g}' for v in xs)}]")


@st.composite
def _softmax_points(draw):
    n = draw(st.integers(2, 6))
    xs = draw(st.lists(st.floats(-4.0, 4.0), min_size=n, max_size=n))
    return _softmax(xs, draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1)))


@check("2.1a-iv", "a-iv: derivative of Softmax", 2)
def softmax_derivative(ev):
    return _derivative(ev, "iv", "dS_j/dx_k", ("S_j", "S_k", "delta_jk", "j", "k"), _softmax_points(),
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


@check("2.1a-v", "a-v: gradient of the cross entropy", 1)
def cross_entropy_derivative(ev):
    return _derivative(ev, "v", "dH/dp_i", ("y_i", "p_i"), _cross_entropy_points(),
                       (_cross_entropy([0.0, 1.0, 0.0], [0.2, 0.5, 0.3], 1),))


def _keywords(text: str, item: str) -> float:
    """The share of the key's ideas for `item` that the text mentions."""
    ideas = sheet.load()["keywords"][item]
    return sum(bool(re.search(idea, text, re.IGNORECASE)) for idea in ideas) / len(ideas)


def _excerpt(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


def _free_text(ev, table: str, name: str, item: str, keywords: str) -> Verdict:
    text = answer(ev.answers(), table, name)
    if text is None:
        return failed(f"no answer for {item} in {FILE}: under [{table}], write {name} = \"\"\"your answer\"\"\"")
    share = _keywords(text, keywords)
    return manual(f"read by a tutor (keywords suggest {share:.0%} of the point): {_excerpt(text)}", share)


@check("2.1b", "b: Softmax(x) = Softmax(x + c), proof", 1)
def softmax_shift_proof(ev):
    return _free_text(ev, "b", "proof", "b", "b")


def _fmt(value) -> str:
    return f"[{', '.join(f'{v:g}' for v in value)}]" if isinstance(value, list) else f"{value:g}"


def _near(got, want) -> bool:
    tol = sheet.load()["tolerance"]["numbers"]
    got, want = (got, want) if isinstance(want, list) else ([got], [want])
    return isinstance(got, list) and len(got) == len(want) and all(abs(g - w) <= tol for g, w in zip(got, want))


C_I = {  # answer name -> (label, what to check when it is wrong)
    "loss_before": ("loss before", "compute y = A X for all three points, then L = 1/2 sum_j (y_j - t_j)^2"),
    "loss_after": ("loss after", "repeat the forward pass with the updated A"),
    "gradient": ("gradient", "dL/da_i sums the contributions (y_j - t_j) x_ij of the three points"),
    "A_updated": ("updated A", "use the update rule of lecture 3, slide 35, with learning rate 1"),
}


def _c_i_mistake(name: str, got) -> str | None:
    """What a recognised wrong value comes from, or None."""
    batch = sheet.X.shape[1]
    if name in ("loss_after", "A_updated") and _near(got, sheet.linear(averaged=False)[name]):
        return f"this is what a step with the summed gradient gives; slide 35 averages it over the batch of {batch}"
    if name == "gradient" and _near(got, [g / batch for g in sheet.load()["c"]["gradient"]]):
        return f"this is the gradient averaged over the batch; L sums over the {batch} points (average only in the update)"
    return None


@check("2.1c-i", "c-i: losses, gradient and updated weights (g linear)", 2)
def linear_update(ev):
    key, answers = sheet.load()["c"], ev.answers()
    right, notes = 0, []
    for name, (label, hint) in C_I.items():
        got = answer(answers, "c", name)
        if got is None:
            notes.append(f"{label}: no answer ({name} under [c])")
        elif _near(got, key[name]):
            right += 1
        else:
            notes.append(f"{label}: {_fmt(got)} is not right ({_c_i_mistake(name, got) or hint})")
    if right == len(C_I):
        return passed("losses, gradient and updated A are all right")
    return failed(f"{right} of {len(C_I)} values right (each is worth a quarter of the 2 points): "
                  + "; ".join(notes), right / len(C_I))


@check("2.1c-ii", "c-ii: does the loss decrease? why not?", 1)
def loss_rises(ev):
    return _free_text(ev, "c", "ii", "c-ii", "c_ii")


def _c_iii_gradient(key: dict, got) -> tuple[float, str]:
    """(share of the numeric point, what the gradient matched)."""
    policy = f"c_iii_policy = {key['c_iii_policy']!r}"
    if got is None:
        return 0.0, "gradient: no answer (iii_gradient under [c]); 0 of 1 point."
    for label, value in sheet.c_iii_accepted(key).items():
        if _near(got, value):
            return 1.0, f"gradient {_fmt(got)} matches {label} {_fmt(value)} ({policy}): 1 of 1 point."
    for label, value in (("the sheet's official value", key["c"]["iii_gradient"]),
                         ("the recomputed alternative", key["c"]["iii_gradient_recomputed"])):
        if _near(got, value):
            return 0.0, (f"gradient {_fmt(got)} matches {label}, which this grading does not accept ({policy}): "
                         "0 of 1 point; the sheet's value is disputed, ask your tutor.")
    return 0.0, (f"gradient {_fmt(got)} is not right: 0 of 1 point (multiply each point's contribution by "
                 "ReLU's derivative at A x_j).")


@check("2.1c-iii", "c-iii: gradient with g = ReLU, and what it shows", 2)
def relu_gradient(ev):
    key, answers = sheet.load(), ev.answers()
    got, remark = answer(answers, "c", "iii_gradient"), answer(answers, "c", "iii_remark")
    if got is None and remark is None:
        return failed(f"no answer for c-iii in {FILE}: under [c], write iii_gradient = [dL/da_1, dL/da_2] "
                      "and iii_remark = \"\"\"what you notice\"\"\"")
    numeric, note = _c_iii_gradient(key, got)
    if remark is None:
        return failed(f"{note} No remark (iii_remark under [c]): what do you notice in the gradient? "
                      "0 of 1 point.", numeric / 2)
    share = _keywords(remark, "c_iii")
    return manual(f"{note} The remark is read by a tutor (keywords suggest {share:.0%} of its point): "
                  f"{_excerpt(remark)}", (numeric + share) / 2)
