"""Student expressions are parsed and checked, never executed as Python."""
import pytest

from autograder.errors import SubmissionError
from autograder.expressions import Expression


@pytest.mark.parametrize("text, values, want", [
    ("1 if x > c else 0", {"x": 2.0, "c": 1.0}, 1.0),
    ("1 - tanh(x)^2", {"x": 0.0}, 1.0),
    ("c*exp(x)", {"x": 0.0, "c": 2.0}, 2.0),
    ("x > 0", {"x": 1.0}, 1.0),
])
def test_evaluates_allowed_expressions(text, values, want):
    assert Expression(text, tuple(values), item="t")(**values) == pytest.approx(want)


@pytest.mark.parametrize("text, problem", [
    ("__import__('os').system('touch /tmp/pwned')", "only the functions"),
    ("x.__class__", "Attribute"),
    ("9**9**9**9", "refused"),
    ("[x for x in range(10**9)]", "not allowed"),
    ("y + 1", "unknown name 'y'"),
    ("open('/etc/passwd')", "only the functions"),
    ("'a' * 10", "only numbers"),
    ("x" * 400, "longer than"),
    ("1 +", "not a valid expression"),
    ("exp(1000)", "cannot be evaluated"),
])
def test_refuses_hostile_or_broken_text(text, problem, tmp_path):
    with pytest.raises(SubmissionError, match=problem):
        Expression(text, ("x",), item="a-i")(x=1.0)
