"""2.1 Pen & paper (12 points): derivatives checked against the grader's own numerical
derivative at generated points away from kinks; numbers against the derived key;
free text to manual review with a score suggested from keywords."""
from __future__ import annotations

import math
import re

from hypothesis import assume, example, given
from hypothesis import strategies as st

from autograder.errors import SubmissionError
from autograder.expressions import Expression
from autograder.pen_and_paper import answer, load_key
from autograder.score import failed, manual, passed
from checks import check
from checks.properties import grading_settings

H = 1e-6


class Wrong(AssertionError):
    pass


def _central(f, x: float) -> float:
    return (f(x + H) - f(x - H)) / (2 * H)


def _close(got: float, want: float) -> bool:
    tol = load_key()["tolerance"]
    return math.isclose(got, want, rel_tol=tol["derivative_rtol"], abs_tol=tol["derivative_atol"])


def _compare(expr: Expression, got_args: dict, want: float, where: str) -> None:
    got = expr(**got_args)
    if not _close(got, want):
        raise Wrong(f"your answer {expr.text!r} gives {got:.6g} at {where}; the numerical derivative is {want:.6g}")


def _derivative(item: str, name: str, variables: tuple, prop_factory):
    def run(ev):
        text = answer(ev.answers(), "a", name)
        if text is None:
            return failed(f"no answer for a-{name} in pen_and_paper.toml (variables: {', '.join(variables)})")
        try:
            expr = Expression(text, variables, item=f"a-{name}")
            prop_factory(expr, grading_settings(ev.quick))()
        except Wrong as exc:
            return failed(str(exc))
        except SubmissionError as exc:
            return failed(str(exc))
        return passed(f"{text!r} matches the numerical derivative at generated points")
    return check(item, f"a-{name}: derivative", {"i": 1, "ii": 1, "iii": 1, "iv": 2, "v": 1}[name])(run)


reals = st.floats(-5, 5, allow_nan=False)


def _relu_c(expr, cfg):
    @cfg
    @example(x=1.0, c=0.5)
    @given(x=reals, c=reals)
    def prop(x, c):
        assume(abs(x - c) > 1e-2)
        _compare(expr, {"x": x, "c": c}, _central(lambda z: max(0.0, z - c), x), f"x={x:.4g}, c={c:.4g}")
    return prop


def _elu(expr, cfg):
    @cfg
    @example(x=-1.0, c=1.0)
    @given(x=reals, c=st.floats(0.1, 3))
    def prop(x, c):
        assume(abs(x) > 1e-2)
        f = lambda z: z if z >= 0 else c * (math.exp(z) - 1)  # noqa: E731
        _compare(expr, {"x": x, "c": c}, _central(f, x), f"x={x:.4g}, c={c:.4g}")
    return prop


def _tanh(expr, cfg):
    @cfg
    @example(x=0.5)
    @given(x=st.floats(-4, 4))
    def prop(x):
        _compare(expr, {"x": x}, _central(lambda z: 2 / (1 + math.exp(-2 * z)) - 1, x), f"x={x:.4g}")
    return prop


def _softmax(expr, cfg):
    @cfg
    @example(xs=[1.0, 2.0, 3.0], j=0, k=0)
    @example(xs=[1.0, 2.0, 3.0], j=0, k=1)
    @given(xs=st.lists(st.floats(-3, 3), min_size=2, max_size=6), j=st.integers(0, 5), k=st.integers(0, 5))
    def prop(xs, j, k):
        j, k = j % len(xs), k % len(xs)

        def s(vec, idx):
            m = max(vec)
            return math.exp(vec[idx] - m) / sum(math.exp(v - m) for v in vec)

        def shifted(z):
            return s([z if i == k else v for i, v in enumerate(xs)], j)

        args = {"S_j": s(xs, j), "S_k": s(xs, k), "delta_jk": float(j == k), "x_j": xs[j], "x_k": xs[k]}
        _compare(expr, args, _central(shifted, xs[k]), f"j={j}, k={k}, x={[round(v, 3) for v in xs]}")
    return prop


def _cross_entropy(expr, cfg):
    @cfg
    @example(y=1.0, p=0.25)
    @given(y=st.floats(0, 1), p=st.floats(0.05, 1))
    def prop(y, p):
        _compare(expr, {"y_i": y, "p_i": p}, _central(lambda q: -y * math.log(q), p), f"y_i={y:.4g}, p_i={p:.4g}")
    return prop


_derivative("2.1a-i", "i", ("x", "c"), _relu_c)
_derivative("2.1a-ii", "ii", ("x", "c"), _elu)
_derivative("2.1a-iii", "iii", ("x",), _tanh)
_derivative("2.1a-iv", "iv", ("S_j", "S_k", "delta_jk", "x_j", "x_k"), _softmax)
_derivative("2.1a-v", "v", ("y_i", "p_i"), _cross_entropy)


def _keywords(text: str, key: str) -> float:
    patterns = load_key()["keywords"][key]
    return sum(bool(re.search(p, text, re.I)) for p in patterns) / len(patterns)


def _free_text(section: str, name: str, key: str, what: str):
    def run(ev):
        text = answer(ev.answers(), section, name)
        if text is None:
            return manual(f"no answer for {what}", 0.0)
        share = _keywords(str(text), key)
        return manual(f"{what} to review (keywords suggest {share:.0%}): {str(text).strip()[:400]}", share)
    return run


check("2.1b", "b: Softmax is invariant to adding a constant (proof)", 1)(_free_text("b", "proof", "b", "the proof"))
check("2.1c-ii", "c-ii: does the loss decrease? why not?", 1)(_free_text("c", "ii", "c_ii", "the explanation"))


def _numbers(got, want) -> bool:
    tol = load_key()["tolerance"]["numbers"]
    got_list = got if isinstance(got, list) else [got]
    want_list = want if isinstance(want, list) else [want]
    return (len(got_list) == len(want_list)
            and all(isinstance(g, (int, float)) and abs(g - w) <= tol for g, w in zip(got_list, want_list)))


@check("2.1c-i", "c-i: losses, gradient and weight update", 2)
def linear_update(ev):
    key, answers = load_key()["c"], ev.answers()
    right, notes = 0, []
    for name, label in (("loss_before", "loss before"), ("loss_after", "loss after"),
                        ("gradient", "gradient"), ("A_updated", "updated A")):
        got = answer(answers, "c", name)
        if got is not None and _numbers(got, key[name]):
            right += 1
        else:
            notes.append(f"{label}: {'no answer' if got is None else got} is not right")
    if right == 4:
        return passed("losses 16.5 and 23.611, gradient [-2, 4] and A = [3.667, 0.667] are right")
    return failed(f"{right} of 4 values right (0.5 points each): " + "; ".join(notes), right / 4)


@check("2.1c-iii", "c-iii: gradient with ReLU, and what you notice", 2)
def relu_gradient(ev):
    key, answers = load_key(), ev.answers()
    policy = key["policy"]["c_iii"]
    sheet, recomputed = key["c"]["iii_gradient_sheet"], key["c"]["iii_gradient_recomputed"]
    got = answer(answers, "c", "iii_gradient")
    accepted = {"sheet-only": [sheet], "accept-both": [sheet, recomputed], "recomputed-only": [recomputed]}[policy]
    if got is None:
        numeric, which = 0.0, "no gradient given"
    elif _numbers(got, sheet):
        numeric, which = float(sheet in accepted), "gradient matches the sheet's [-5, -4]"
    elif _numbers(got, recomputed):
        numeric, which = float(recomputed in accepted), "gradient matches the recomputed [-2, -4]"
    else:
        numeric, which = 0.0, f"gradient {got} matches neither [-5, -4] (sheet) nor [-2, -4] (recomputed)"
    remark = answer(answers, "c", "iii_remark")
    share = _keywords(str(remark), "c_iii") if remark else 0.0
    text = str(remark).strip()[:300] if remark else "no remark"
    return manual(f"{which} (policy {policy}: {numeric:.0f}/1); remark to review: {text}", (numeric + share) / 2)
