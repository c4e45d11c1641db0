"""Student expressions are read as written on paper and never executed as Python."""
import builtins
import math
import time
from pathlib import Path

import pytest

from edf_autograder.answers.expressions import MAX_LENGTH, Expression, Unreadable, number
from edf_autograder.errors import SubmissionError

X, XC = ("x",), ("x", "c")
SOFTMAX = ("S_j", "S_k", "delta_jk", "j", "k")
TANH_PRIME = 1 - math.tanh(0.5) ** 2  # at x = 0.5


@pytest.mark.parametrize("text, variables, values, want", [
    # the sheet's piecewise notation, and Python's
    ("1 for x > c, 0 for x <= c", XC, {"x": 2.0, "c": 1.0}, 1.0),
    ("1 for x > c, 0 for x <= c", XC, {"x": 0.5, "c": 1.0}, 0.0),
    ("1 if x > c, 0 otherwise", XC, {"x": 0.5, "c": 1.0}, 0.0),
    ("1 if x > c else 0", XC, {"x": 2.0, "c": 1.0}, 1.0),
    ("S_j(1 - S_j) if j = k, -S_k S_j if j != k", SOFTMAX, {"S_j": .3, "S_k": .2, "delta_jk": 0, "j": 1, "k": 2}, -.06),
    ("S_j(1 - S_j) if j = k, -S_k S_j if j != k", SOFTMAX, {"S_j": .3, "S_k": .3, "delta_jk": 1, "j": 2, "k": 2}, .21),
    # implicit products, e^x, function powers
    ("2x", X, {"x": 3.0}, 6.0),
    ("c e^x", XC, {"x": 0.0, "c": 3.0}, 3.0),
    ("ce^x", XC, {"x": 1.0, "c": 3.0}, 3 * math.e),
    ("c*e^x", XC, {"x": 1.0, "c": 3.0}, 3 * math.e),
    ("e^x", X, {"x": 2.0}, math.e ** 2),
    ("4e^(-2x)/(1+e^(-2x))^2", X, {"x": 0.5}, TANH_PRIME),
    ("tanh^2(x)", X, {"x": 0.5}, math.tanh(0.5) ** 2),
    ("1 - tanh x^2", X, {"x": 0.5}, 1 - math.tanh(0.25)),  # a function without brackets takes what follows
    # the sheet's capitalised names; sech, coth
    ("1 - Tanh^2(x)", X, {"x": 0.5}, TANH_PRIME),
    ("ReLU(x - c)", XC, {"x": 3.0, "c": 1.0}, 2.0),
    ("ELU(x) + c", XC, {"x": -1.0, "c": 2.0}, 2 * math.exp(-1)),
    ("Softmax_j (delta_jk - Softmax_k)", SOFTMAX, {"S_j": .3, "S_k": .2, "delta_jk": 0, "j": 1, "k": 2}, -.06),
    ("sech(x)^2", X, {"x": 0.5}, TANH_PRIME),
    ("1 - 1/coth(x)^2", X, {"x": 0.5}, TANH_PRIME),
    # Unicode
    ("1 \u2212 tanh\u00b2(x)", X, {"x": 0.5}, TANH_PRIME),
    ("c\u00b7e^x", XC, {"x": 0.0, "c": 2.0}, 2.0),
    ("3 \u00d7 x", X, {"x": 2.0}, 6.0),
    ("S_j\u00b7(\u03b4_jk \u2212 S_k)", SOFTMAX, {"S_j": .3, "S_k": .3, "delta_jk": 1, "j": 1, "k": 1}, .21),
    ("1 for x \u2264 c, 0 for x > c", XC, {"x": 0.0, "c": 1.0}, 1.0),
    ("e\u207b\u02e3", X, {"x": 1.0}, math.exp(-1)),
    # LaTeX
    ("$1-\\tanh^2(x)$", X, {"x": 0.5}, TANH_PRIME),
    ("-\\frac{y_i}{p_i}", ("y_i", "p_i"), {"y_i": 1.0, "p_i": 0.25}, -4.0),
    ("2 \\cdot x", X, {"x": 2.0}, 4.0),
    ("e^{x}", X, {"x": 1.0}, math.e),
    ("S_j(\\delta_{jk} - S_k)", SOFTMAX, {"S_j": .3, "S_k": .2, "delta_jk": 0, "j": 1, "k": 2}, -.06),
    ("\\begin{cases} 1 & x > c \\\\ 0 & x \\leq c \\end{cases}", XC, {"x": 0.0, "c": 1.0}, 0.0),
    ("\\begin{cases} 1 & \\mathbf{x} \\ge 0 \\\\ ce^{\\mathbf{x}} & \\mathbf{x} < 0 \\end{cases}", XC,
     {"x": -1.0, "c": 2.0}, 2 * math.exp(-1)),
    ("1 - \\operatorname{Tanh}^2(\\mathbf{x})", X, {"x": 0.5}, TANH_PRIME),
    ("S_j (1 - S_j) \\text{ if } j = k, \\; -S_k S_j \\text{ if } j \\neq k", SOFTMAX,
     {"S_j": .3, "S_k": .2, "delta_jk": 0, "j": 1, "k": 2}, -.06),
    # a left-hand side, numpy's names, the older forms
    ("d/dx tanh(x) = 1 - tanh^2(x)", X, {"x": 0.5}, TANH_PRIME),
    ("1 - np.tanh(x)**2", X, {"x": 0.5}, TANH_PRIME),
    ("where(x >= 0, 1, c*exp(x))", XC, {"x": -1.0, "c": 1.0}, math.exp(-1)),
    ("step(x - c) * max(0, 1, c)", XC, {"x": 2.0, "c": 1.0}, 1.0),
    ("x > c", XC, {"x": 1.0, "c": 0.0}, 1.0),  # a comparison counts as 1 or 0
    ("S_j*((j == k) - S_k)", SOFTMAX, {"S_j": 0.5, "S_k": 0.5, "delta_jk": 1, "j": 1, "k": 1}, 0.25),
    ("-y_i * p_i^-1", ("y_i", "p_i"), {"y_i": 1.0, "p_i": 0.25}, -4.0),
    ("2**1000", (), {}, 2.0 ** 1000),  # numbers are floats
])
def test_reads_expressions_as_written(text, variables, values, want):
    assert Expression(text, variables, item="t")(**values) == pytest.approx(want)


@pytest.mark.parametrize("text", [
    "__import__('os').system('touch /tmp/pwned')", "__import__('os')", "exec('import os')", "eval('1')",
    "x.__class__", "().__class__.__bases__[0].__subclasses__()", "lambda: 1", "lambda x: x",
    "open('/etc/passwd').read()", "[x for x in range(10**9)]", "getattr(x, 'real')",
])
def test_program_code_is_refused_as_code(text):
    with pytest.raises(Unreadable) as caught:
        Expression(text, XC, item="a-i")
    assert caught.value.code and "program code" in str(caught.value)


def test_hostile_text_is_never_executed(tmp_path):
    canary = tmp_path / "pwned"
    for text in (f"__import__('os').system('touch {canary}')", f"open('{canary}', 'w')",
                 f"exec(\"open('{canary}', 'w')\")", "__import__('builtins').setattr(__import__('builtins'), 'PWNED', 1)",
                 f"(lambda: open('{canary}', 'w'))()", f"x.__globals__['os'].system('touch {canary}')"):
        with pytest.raises(SubmissionError):
            Expression(text, X, item="a-iii")(x=1.0)
    assert not canary.exists() and not hasattr(builtins, "PWNED")


@pytest.mark.parametrize("text, reason", [
    ("y + 1", "unknown name 'y' \\(the answer is written in x, c\\)"),
    ("one minus tanh", "unknown name 'one'"),
    ("Softmax(x)", "unknown name 'Softmax'"),
    ("1 +", "ends too early"),
    ("(x", "ends too early"),
    ("x ? 1", "the character '\\?' is not read"),
    ("max(x)", "max\\(\\) takes 2 to 6 argument"),
    ("1, 0", "2 values without a condition"),
    ("x" * (MAX_LENGTH + 1), f"at most {MAX_LENGTH}"),
])
def test_unreadable_text_says_why_and_how_to_write_it(text, reason):
    with pytest.raises(Unreadable, match=reason) as caught:
        Expression(text, XC, item="a-i")
    assert not caught.value.code and "write it in x, c" in caught.value.hint


def test_elu_needs_the_items_constant():
    with pytest.raises(Unreadable, match="needs the constant c"):
        Expression("ELU(x)", X, item="a-iii")


@pytest.mark.parametrize("text, problem", [
    ("9**9**9**9", "cannot be evaluated"),  # a float overflow, not a giant integer
    ("10**400", "cannot be evaluated"),
    ("exp(1000)", "cannot be evaluated"),
    ("log(x - 5)", "cannot be evaluated at x=1"),
    ("1/(x - 1)", "cannot be evaluated"),
    ("(-8)**(1/3)", "not a real number"),
    ("1 for x > 2, 0 for x < 0", "no case of '1 for x > 2, 0 for x < 0' applies at x=1"),
])
def test_evaluation_problems_are_submission_errors_and_fast(text, problem):
    started = time.monotonic()
    with pytest.raises(SubmissionError, match=problem):
        Expression(text, X, item="a-iii")(x=1.0)
    assert time.monotonic() - started < 1


def test_deep_nesting_is_evaluated_or_refused_cleanly():
    """Deeply nested text is read (no recursion error), or refused for its value, never a crash."""
    assert Expression("-" * (MAX_LENGTH - 1) + "x", X, item="a-iii")(x=1.0) == (-1) ** (MAX_LENGTH - 1)
    assert Expression("(" * 240 + "x" + ")" * 240, X, item="a-iii")(x=2.0) == 2.0
    with pytest.raises(SubmissionError, match="a-iii: .*cannot be evaluated"):
        Expression("exp(" * 99 + "x" + ")" * 99, X, item="a-iii")(x=0.0)


def test_the_grader_must_pass_exactly_the_items_variables():
    with pytest.raises(TypeError):
        Expression("x", XC, item="a-i")(x=1.0)


@pytest.mark.parametrize("text, want", [
    ("16.5", 16.5), ("33/2", 16.5), ("16,5", 16.5), ("\\frac{33}{2}", 16.5), ("$33/2$", 16.5),
    ("L = 16.5", 16.5), ("1.65e1", 16.5), ("\u22122", -2), ("11/3", 11 / 3),
])
def test_numbers_as_people_write_them_exactly(text, want):
    assert number(text, item="loss") == pytest.approx(want, abs=1e-12)


def test_fractions_are_exact():
    assert number("11/3", item="x") * 3 == 11


@pytest.mark.parametrize("text", ["sixteen", "16.5 (rounded)", "16.5 $\\pm$ 0.1"])
def test_unreadable_numbers_say_how_to_write_them(text):
    with pytest.raises(Unreadable) as caught:
        number(text, item="loss before")
    assert "1.25, -3 or 7/4" in caught.value.hint


@pytest.mark.parametrize("text", ["2^10000", "((10^1000)^1000)^1000", "1/0"])
def test_a_number_too_large_is_no_number_and_fast(text):
    started = time.monotonic()
    with pytest.raises(SubmissionError, match="not a finite number") as caught:
        number(text, item="loss before")
    assert not isinstance(caught.value, Unreadable) and time.monotonic() - started < 2


DOCS = Path(__file__).resolve().parents[1] / "docs" / "pen-and-paper.md"
ITEM_POINTS = {  # a few points per item, away from kinks
    "a-i": [{"x": x, "c": c} for x in (-2.3, -0.7, 0.4, 1.9) for c in (0.5, -1.2)],
    "a-ii": [{"x": x, "c": c} for x in (-2.3, -0.7, 0.4, 1.9) for c in (0.5, 2.0)],
    "a-iii": [{"x": x} for x in (-2.3, -0.7, 0.4, 1.9)],
    "a-iv": [{"S_j": sj, "S_k": sk, "delta_jk": int(j == k), "j": j, "k": k}
             for sj, sk in ((0.2, 0.3), (0.5, 0.5)) for j, k in ((1, 1), (1, 2))],
    "a-v": [{"y_i": y, "p_i": p} for y in (0.0, 1.0) for p in (0.2, 0.9)],
}


def _documented_examples():
    rows = [line.split(" | ") for line in DOCS.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and line.count(" | ") == 3]
    return [(item, example.strip("`"), read_as.strip(" |`")) for _, item, example, read_as in rows if item in ITEM_POINTS]


@pytest.mark.parametrize("item, example, read_as", _documented_examples())
def test_every_documented_example_reads_as_documented(item, example, read_as):
    variables = tuple(ITEM_POINTS[item][0])
    written, meant = Expression(example, variables, item=item), Expression(read_as, variables, item=item)
    for values in ITEM_POINTS[item]:
        assert written(**values) == pytest.approx(meant(**values)), values


def test_the_documentation_lists_the_examples():
    assert len(_documented_examples()) >= 28


ELU_PRIME = 2.0 * math.exp(-1.0)  # at x = -1, c = 2


@pytest.mark.parametrize("text, values, sides", [
    ("1 for x >= 0, c*exp(x) = ELU(x) + c for x < 0", {"x": -1.0, "c": 2.0}, (ELU_PRIME, ELU_PRIME)),
    ("1 for x >= 0, c*exp(x) = ELU(x) + c for x < 0", {"x": 1.0, "c": 2.0}, (1.0,)),
    ("c e^x = ELU(x) + c = c(e^x - 1) + c if x < 0, 1 otherwise", {"x": -1.0, "c": 2.0}, (ELU_PRIME,) * 3),
    ("d/dx ELU(x) = c e^x = ELU(x) + c if x < 0, 1 otherwise", {"x": -1.0, "c": 2.0}, (ELU_PRIME,) * 2),
    ("ELU(x) = 1 if x >= 0 else c e^x", {"x": -1.0, "c": 2.0}, (ELU_PRIME,)),   # a label naming the function
    ("1 - tanh^2(x) = sech^2(x)", {"x": 0.5, "c": 0.0}, (TANH_PRIME, TANH_PRIME)),
    ("1 - tanh^2(x) = 2", {"x": 0.5, "c": 0.0}, (TANH_PRIME, 2.0)),             # each side on its own
    ("S_j(1 - S_j) if j = k, 0 otherwise", {"x": 0.0, "c": 0.0}, None),          # = in a condition: no chain
])
def test_a_chain_of_equal_expressions_gives_each_side(text, values, sides):
    if sides is None:
        expr = Expression(text, SOFTMAX, item="a-iv")
        assert expr.sides(S_j=0.5, S_k=0.5, delta_jk=1, j=1, k=1) == (0.25,) and not expr.unread
        return
    expr = Expression(text, XC, item="a-ii")
    assert expr.sides(**values) == pytest.approx(sides) and not expr.unread
    assert expr(**values) == pytest.approx(sides[-1])


@pytest.mark.parametrize("text, unread, values, sides", [
    ("1 for x >= 0, c*exp(x) = the ELU plus c for x < 0", ("the ELU plus c",), {"x": -1.0, "c": 2.0}, (ELU_PRIME,)),
    ("1 for x >= 0, c*exp(x) = ELU(x) + for x < 0", ("ELU(x) +",), {"x": -1.0, "c": 2.0}, (ELU_PRIME,)),
    ("c e^x = ELU of x plus c = ELU(x) + c if x < 0, 1 otherwise", ("ELU of x plus c",), {"x": -1.0, "c": 2.0},
     (ELU_PRIME, ELU_PRIME)),
])
def test_a_side_that_cannot_be_read_is_left_out_and_named(text, unread, values, sides):
    expr = Expression(text, XC, item="a-ii")
    assert expr.unread == unread and expr.sides(**values) == pytest.approx(sides)


def test_text_without_a_readable_side_is_not_read():
    """The left side is a label (not read, as `d/dx tanh(x)`); the only side after it is not read."""
    with pytest.raises(Unreadable, match="was not read automatically: unknown name 'one'"):
        Expression("tanh prime = one minus tanh squared", XC, item="a-iii")


@pytest.mark.parametrize("text, want", [("33/2 = 16.5", 16.5), ("L = 33/2 = 16.5", 16.5)])
def test_a_number_written_as_a_chain_is_its_value(text, want):
    assert number(text, item="loss") == pytest.approx(want)


def test_a_number_chain_with_different_sides_is_wrong_and_says_so():
    with pytest.raises(SubmissionError, match="the sides of '33/2 = 16' are different numbers \\(16.5, 16\\)"):
        number("33/2 = 16", item="loss")
