"""Sheet 2.1: the solved answer file scores 12/12 (automatic + suggested), realistic mistakes
fail with the point that shows them, the c-iii policy decides which gradient earns its point,
and the answer file's shape is checked with messages that say what to fix."""
import copy

import pytest

import checks
from autograder import key
from autograder.errors import SubmissionError
from autograder.evidence import Evidence
from autograder.pen_and_paper import ANSWERS, TEMPLATE, blank_answer_file, load_answers

SOLUTION = TEMPLATE.with_name("pen_and_paper.toml")
ITEMS = {"2.1a-i": 1, "2.1a-ii": 1, "2.1a-iii": 1, "2.1a-iv": 2, "2.1a-v": 1, "2.1b": 1,
         "2.1c-i": 2, "2.1c-ii": 1, "2.1c-iii": 2}


def _grade(answers: dict) -> dict:
    ev = Evidence(pen_and_paper=answers)
    return {c.spec.id: c.run(ev) for c in checks.all_checks() if c.spec.section == "2.1"}


def _verdict(answers: dict, item: str):
    checks.all_checks()
    return checks._REGISTRY[item].run(Evidence(pen_and_paper=answers))


def _solution(**changes) -> dict:
    """The solution with some answers replaced: _solution(a__iii="1 - tanh(x)")."""
    answers = copy.deepcopy(load_answers(SOLUTION))
    for dotted, value in changes.items():
        table, name = dotted.split("__")
        answers[table][name] = value
    return answers


def test_items_and_points_are_the_sheets():
    declared = {c.spec.id: c.spec.points for c in checks.all_checks() if c.spec.section == "2.1"}
    assert declared == ITEMS and sum(declared.values()) == 12


def test_the_solution_scores_full_marks():
    verdicts = _grade(load_answers(SOLUTION))
    assert sum(v.fraction * ITEMS[i] for i, v in verdicts.items()) == pytest.approx(12)
    assert {i for i, v in verdicts.items() if v.status == "manual"} == {"2.1b", "2.1c-ii", "2.1c-iii"}
    assert all(v.status == "pass" for i, v in verdicts.items() if i not in ("2.1b", "2.1c-ii", "2.1c-iii"))


@pytest.mark.parametrize("item, change, shown", [
    ("2.1a-iii", {"a__iii": "1 - tanh(x)"}, "d/dx Tanh at x="),                   # forgot the square
    ("2.1a-ii", {"a__ii": "1 if x >= 0 else exp(x)"}, "d/dx ELU at x=-1.5, c=2"),  # dropped c
    ("2.1a-ii", {"a__ii": "1 if x >= 0 else c*(exp(x) - 1)"}, "d/dx ELU at x="),  # the function, not its derivative
    ("2.1a-i", {"a__i": "1 if x > 0 else 0"}, "d/dx ReLU_c at x="),               # kink at 0 instead of c
    ("2.1a-i", {"a__i": "0 if x > c else 1"}, "d/dx ReLU_c at x="),               # the sides swapped
    ("2.1a-iv", {"a__iv": "S_j*(1 - S_k)"}, "dS_j/dx_k at j=1, k=2"),            # no Kronecker delta
    ("2.1a-iv", {"a__iv": "S_j*(delta_jk + S_k)"}, "dS_j/dx_k at j="),           # sign error
    ("2.1a-v", {"a__v": "y_i/p_i"}, "dH/dp_i at y_i="),                           # sign error
    ("2.1a-v", {"a__v": "-y_i*log(p_i)"}, "dH/dp_i at y_i="),                     # the function again
])
def test_wrong_derivatives_fail_at_a_point_the_student_can_check(item, change, shown):
    verdict = _verdict(_solution(**change), item)
    assert verdict.status == "fail"
    assert shown in verdict.message and "expected" in verdict.message and "(numerical derivative)" in verdict.message


@pytest.mark.parametrize("item, text", [
    ("2.1a-i", "step(x - c)"), ("2.1a-i", "x > c"),
    ("2.1a-ii", "where(x >= 0, 1, c*e^x)"), ("2.1a-ii", "1 if x > 0 else c*exp(x)"),
    ("2.1a-iii", "4/(exp(x) + exp(-x))^2"), ("2.1a-iii", "1 - (2/(1 + exp(-2*x)) - 1)**2"),
    ("2.1a-iv", "S_j*((j == k) - S_k)"), ("2.1a-iv", "S_j*(1 - S_j) if j == k else -S_j*S_k"),
    ("2.1a-v", "-y_i * p_i^-1"),
])
def test_other_correct_forms_pass(item, text):
    name = item.split("-", 1)[1]
    assert _verdict(_solution(**{f"a__{name}": text}), item).status == "pass"


@pytest.mark.parametrize("text", [
    "__import__('os')", "9**9**9**9", "x.__class__", "x" * 5000, "exec('import os')",
])
def test_malicious_expressions_fail_with_a_message(text):
    verdict = _verdict(_solution(a__iii=text), "2.1a-iii")
    assert verdict.status == "fail" and verdict.message.startswith("a-iii: ")


def test_malicious_expressions_are_never_executed(tmp_path):
    canary = tmp_path / "pwned"
    answers = _solution(a__i=f"__import__('os').system('touch {canary}')",
                        a__ii=f"open('{canary}', 'w')", a__iii=f"[open('{canary}', 'w') for _ in '1']")
    assert all(_verdict(answers, i).status == "fail" for i in ("2.1a-i", "2.1a-ii", "2.1a-iii"))
    assert not canary.exists()


def test_a_missing_answer_says_which_and_where():
    verdict = _verdict(_solution(a__iii=""), "2.1a-iii")
    assert verdict.status == "fail" and "no answer for a-iii in pen_and_paper.toml" in verdict.message


def test_c_i_gives_a_quarter_per_value_and_recognises_the_summed_step():
    summed = key.linear(averaged=False)
    verdict = _verdict(_solution(c__A_updated=summed["A_updated"], c__loss_after=summed["loss_after"]), "2.1c-i")
    assert verdict.status == "fail" and verdict.fraction == 0.5
    assert "2 of 4 values right" in verdict.message and "summed gradient" in verdict.message


@pytest.mark.parametrize("policy, gradient, numeric, matched", [
    ("accept-both", [-5, -4], 1, "the sheet's official value"),
    ("accept-both", [-2, -4], 1, "the recomputed alternative"),
    ("accept-both", [-5, 4], 0, "is not right"),
    ("sheet-only", [-5, -4], 1, "the sheet's official value"),
    ("sheet-only", [-2, -4], 0, "does not accept"),
    ("recomputed-only", [-5, -4], 0, "does not accept"),
    ("recomputed-only", [-2.0004, -4], 1, "the recomputed alternative"),
])
def test_c_iii_follows_the_policy(monkeypatch, policy, gradient, numeric, matched):
    monkeypatch.setitem(key.load(), "c_iii_policy", policy)
    verdict = _verdict(_solution(c__iii_gradient=gradient), "2.1c-iii")
    assert verdict.status == "manual" and verdict.fraction == pytest.approx((numeric + 1) / 2)
    assert matched in verdict.message
    assert numeric == 0 or f"(c_iii_policy = '{policy}')" in verdict.message


def test_c_iii_without_a_remark_scores_the_gradient_alone():
    verdict = _verdict(_solution(c__iii_remark=" "), "2.1c-iii")
    assert verdict.status == "fail" and verdict.fraction == 0.5 and "No remark" in verdict.message


@pytest.mark.parametrize("item, change, suggested", [
    ("2.1b", {"b__proof": "Both sides are equal."}, 0.0),
    ("2.1b", {"b__proof": "exp(c) is in every term; it cancels."}, 1.0),
    ("2.1c-ii", {"c__ii": "The loss increases."}, 1 / 3),
    ("2.1c-iii", {"c__iii_remark": "Some gradients are zero."}, (1 + 1 / 3) / 2),
])
def test_free_text_goes_to_a_tutor_with_a_suggested_share(item, change, suggested):
    verdict = _verdict(_solution(**change), item)
    assert verdict.status == "manual" and verdict.fraction == pytest.approx(suggested)
    assert "read by a tutor" in verdict.message


def test_template_has_every_answer_and_scores_zero():
    template, solution = load_answers(TEMPLATE), load_answers(SOLUTION)
    names = lambda answers: {(t, n) for t, table in answers.items() for n in table}  # noqa: E731
    assert names(template) == names(solution) == set(ANSWERS)
    verdicts = _grade(template)
    assert all(v.status == "fail" and v.fraction == 0 and "no answer" in v.message for v in verdicts.values())
    assert blank_answer_file() == TEMPLATE.read_text()


@pytest.mark.parametrize("content, problem", [
    ('[a]\ni = "unterminated\n', "not valid TOML"),
    ('[c]\ngradiant = [-2, 4]\n', "no answer called 'gradiant'; its answers are loss_before"),
    ('[c]\ngradient = "-2, 4"\n', "gradient must be a list of two numbers"),
    ('[c]\ngradient = [-2, 4, 0]\n', "gradient must be a list of two numbers"),
    ('[c]\nloss_before = "16.5"\n', "loss_before must be a number without quotes"),
    ('[c]\nloss_before = true\n', "loss_before must be a number"),
    ('[a]\ni = 1\n', "i must be an expression in quotes"),
    ('[d]\nx = 1\n', "unknown table \\[d\\]"),
    ('a = 1\n', "a must be a table"),
])
def test_a_malformed_answer_file_names_the_file_and_the_fix(tmp_path, content, problem):
    path = tmp_path / "pen_and_paper.toml"
    path.write_text(content)
    with pytest.raises(SubmissionError, match=f"^pen_and_paper.toml: .*{problem}"):
        load_answers(path)


def test_unreadable_files_are_submission_errors(tmp_path):
    for content in (b"\xff\xfe[a]", b"#" * 200_000):
        (tmp_path / "pen_and_paper.toml").write_bytes(content)
        with pytest.raises(SubmissionError, match="pen_and_paper.toml: "):
            load_answers(tmp_path / "pen_and_paper.toml")
    with pytest.raises(SubmissionError, match="cannot be read"):
        load_answers(tmp_path / "absent.toml")
