"""Student expressions are parsed and checked, never executed as Python."""
import time

import pytest

from autograder.errors import SubmissionError
from autograder.expressions import MAX_LENGTH, Expression


@pytest.mark.parametrize("text, values, want", [
    ("1 if x > c else 0", {"x": 2.0, "c": 1.0}, 1.0),
    ("1 - tanh(x)^2", {"x": 0.0}, 1.0),
    ("1 \u2212 tanh(x)^2", {"x": 0.0}, 1.0),                  # a pasted minus sign
    ("c*exp(x)", {"x": 0.0, "c": 2.0}, 2.0),
    ("x > c", {"x": 1.0, "c": 0.0}, 1.0),                     # a comparison counts as 1 or 0
    ("where(x >= 0, 1, c*exp(x))", {"x": -1.0, "c": 1.0}, 0.36787944),
    ("step(x - c) * max(0, 1, c)", {"x": 2.0, "c": 1.0}, 1.0),
    ("S_j*((j == k) - S_k)", {"S_j": 0.5, "S_k": 0.5, "j": 1, "k": 1}, 0.25),
    ("-y_i/p_i", {"y_i": 1.0, "p_i": 0.25}, -4.0),
    ("2**1000", {}, 2.0 ** 1000),                             # numbers are floats
])
def test_evaluates_allowed_expressions(text, values, want):
    assert Expression(text, tuple(values), item="t")(**values) == pytest.approx(want)


@pytest.mark.parametrize("text, problem", [
    ("__import__('os').system('touch /tmp/pwned')", "attribute access"),
    ("__import__('os')", "unknown function '__import__'"),
    ("exp(x)(1)", "calling the result"),
    ("x.__class__", "attribute access"),
    ("().__class__.__bases__[0].__subclasses__()", "attribute access"),
    ("[x for x in range(10**9)]", "ListComp is not allowed"),
    ("lambda: 1", "lambda is not allowed"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("'a' * 10", "only numbers"),
    ("True + x", "only numbers"),
    ("x[0]", "indexing"),
    ("x // 2", "floor division"),
    ("y + 1", "unknown name 'y'; a-i is written in x, c"),
    ("exp", "exp is a function: write exp"),
    ("x(1 - x)", "x is a variable, not a function"),
    ("Tanh(x)", "unknown function 'Tanh'"),
    ("max(x)", "max\\(\\) takes 2 to 6 argument"),
    ("exp(x=1)", "keyword"),
    ("2x", "not a valid expression .* write products with \\*"),
    ("1 +", "not a valid expression"),
    ("x\x00", "not a valid expression"),
    ("x = 1", "not a valid expression"),
    ("x" * (MAX_LENGTH + 1), "at most 300"),
    (3, "write the expression in quotes"),
])
def test_refuses_hostile_or_broken_text_before_evaluating_it(text, problem):
    with pytest.raises(SubmissionError, match=problem):
        Expression(text, ("x", "c"), item="a-i")


@pytest.mark.parametrize("text, problem", [
    ("9**9**9**9", "was refused"),       # the power limit, not a giant integer
    ("10**400", "cannot be evaluated"),  # a float overflow
    ("exp(1000)", "cannot be evaluated"),
    ("log(x - 5)", "cannot be evaluated at x=1"),
    ("1/(x - 1)", "cannot be evaluated"),
    ("(-8)**(1/3)", "not a real number"),
])
def test_evaluation_problems_are_submission_errors_and_fast(text, problem):
    started = time.monotonic()
    with pytest.raises(SubmissionError, match=problem):
        Expression(text, ("x",), item="a-iii")(x=1.0)
    assert time.monotonic() - started < 1


def test_hostile_text_is_never_executed(tmp_path):
    canary = tmp_path / "pwned"
    for text in (f"__import__('os').system('touch {canary}')", f"open('{canary}', 'w')",
                 f"exec(\"open('{canary}', 'w')\")"):
        with pytest.raises(SubmissionError):
            Expression(text, ("x",), item="a-iii")(x=1.0)
    assert not canary.exists()


def test_deep_nesting_is_evaluated_or_refused_cleanly():
    for text in ("-" * (MAX_LENGTH - 1) + "x", "(" * 149 + "x" + ")" * 149, "exp(" * 59 + "x" + ")" * 59):
        try:
            Expression(text, ("x",), item="a-iii")(x=0.0)
        except SubmissionError:
            pass


def test_the_grader_must_pass_exactly_the_items_variables():
    with pytest.raises(TypeError):
        Expression("x", ("x", "c"), item="a-i")(x=1.0)
