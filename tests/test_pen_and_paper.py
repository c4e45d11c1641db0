"""Sheet 2.1: the solved answer file scores 12/12 (automatic + suggested); answers are graded
one by one, in the notations people write; wrong answers fail at a point the student can check;
text that is not read waits for a tutor; program code scores nothing and never runs."""
import builtins
import copy
import tomllib
from pathlib import Path

import pytest

from edf_autograder.answers.sheet import AnswerFile, blank_answer_file, load_answers
from edf_autograder.checking.evidence import Evidence
from edf_autograder.pipeline import grade
from edf_ex2 import key
from edf_ex2.exercise import ANSWER_SHEET, EXERCISE

ANSWERS, TEMPLATE = ANSWER_SHEET.schema, ANSWER_SHEET.template
SOLUTION = TEMPLATE.with_name("pen_and_paper.toml")
CHECKS = {c.spec.id: c for c in EXERCISE.checks()}
ANSWER_FILES = Path(__file__).parent / "answer_files"
ITEMS = {"2.1a-i": 1, "2.1a-ii": 1, "2.1a-iii": 1, "2.1a-iv": 2, "2.1a-v": 1, "2.1b": 1,
         "2.1c-i": 2, "2.1c-ii": 1, "2.1c-iii": 2}
FREE_TEXT = {"2.1b", "2.1c-ii", "2.1c-iii"}


def _grade(answers: AnswerFile) -> dict:
    ev = Evidence(answer_file=answers)
    return {i: c.run(ev) for i, c in CHECKS.items() if c.spec.section == "2.1"}


def _verdict(answers: AnswerFile, item: str):
    return CHECKS[item].run(Evidence(answer_file=answers))


def _solution(**changes) -> AnswerFile:
    """The solution with some answers replaced: _solution(a__iii="1 - tanh(x)")."""
    answers = copy.deepcopy(load_answers(SOLUTION, ANSWER_SHEET))
    for dotted, value in changes.items():
        answers.values[tuple(dotted.split("__"))] = value
    return answers


def _file(tmp_path, content: str | bytes) -> AnswerFile:
    path = tmp_path / "pen_and_paper.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return load_answers(path, ANSWER_SHEET)


def test_items_and_points_are_the_sheets():
    declared = {i: c.spec.points for i, c in CHECKS.items() if c.spec.section == "2.1"}
    assert declared == ITEMS and sum(declared.values()) == 12


def test_the_solution_scores_full_marks():
    verdicts = _grade(load_answers(SOLUTION, ANSWER_SHEET))
    assert sum(v.fraction * ITEMS[i] for i, v in verdicts.items()) == pytest.approx(12)
    assert {i for i, v in verdicts.items() if v.status == "manual"} == FREE_TEXT
    assert all(v.status == "pass" for i, v in verdicts.items() if i not in FREE_TEXT)


@pytest.mark.parametrize("item, text", [
    # the sheet's own notation, typed as printed
    ("2.1a-i", "1 for x > c, 0 for x <= c"), ("2.1a-ii", "1 for x >= 0, c*e^x for x < 0"),
    ("2.1a-iii", "1 - Tanh^2(x)"), ("2.1a-iv", "S_j(1 - S_j) if j = k, -S_k S_j if j != k"),
    ("2.1a-iv", "S_j(1 - S_j) if j = k, -S_k S_j otherwise"),
    # implicit products, e^x, function powers, sech, coth, capitalised names
    ("2.1a-ii", "1 if x >= 0 else c e^x"), ("2.1a-ii", "1 for x >= 0, ce^x for x < 0"),
    ("2.1a-iii", "4*e^(-2x)/(1+e^(-2x))^2"), ("2.1a-iii", "1 - tanh^2(x)"), ("2.1a-iii", "sech(x)^2"),
    ("2.1a-iii", "sech^2(x)"), ("2.1a-iii", "1 - 1/coth(x)^2"), ("2.1a-iii", "1 - (e^{2x} - 1)^2/(e^{2x} + 1)^2"),
    ("2.1a-iii", "1 - Tanh(x)^2"), ("2.1a-ii", "1 for x >= 0, ELU(x) + c for x < 0"),
    ("2.1a-i", "ReLU(x - c)/(x - c)"), ("2.1a-iv", "Softmax_j (delta_jk - Softmax_k)"),
    ("2.1a-iv", "S_j*(delta_jk - S_k)"), ("2.1a-iv", "S_j(1 - S_j) if j == k else -S_j*S_k"),
    # Unicode
    ("2.1a-iii", "1 \u2212 tanh\u00b2(x)"), ("2.1a-ii", "1 for x \u2265 0, c\u00b7e^x for x < 0"),
    ("2.1a-iv", "S_j \u00d7 (\u03b4_jk \u2212 S_k)"), ("2.1a-i", "1 for x > c, 0 for x \u2264 c"),
    ("2.1a-v", "\u2212y_i/p_i"),
    # LaTeX
    ("2.1a-iii", "$1-\\tanh^2(x)$"), ("2.1a-v", "$-\\frac{y_i}{p_i}$"), ("2.1a-ii", "1 if x >= 0 else c \\cdot e^{x}"),
    ("2.1a-iv", "S_j(\\delta_{jk} - S_k)"), ("2.1a-i", "\\begin{cases} 1 & x > c \\\\ 0 & x \\leq c \\end{cases}"),
    ("2.1a-ii", "\\begin{cases} 1 & \\mathbf{x} \\ge 0 \\\\ ce^{\\mathbf{x}} & \\mathbf{x} < 0 \\end{cases}"),
    ("2.1a-iii", "1 - \\operatorname{Tanh}^2(\\mathbf{x})"),
    # the older forms keep working
    ("2.1a-i", "step(x - c)"), ("2.1a-i", "x > c"), ("2.1a-ii", "where(x >= 0, 1, c*e^x)"),
    ("2.1a-ii", "1 if x > 0 else c*exp(x)"), ("2.1a-iii", "1 - (2/(1 + exp(-2*x)) - 1)**2"),
    ("2.1a-iv", "S_j*((j == k) - S_k)"), ("2.1a-v", "-y_i * p_i^-1"), ("2.1a-i", "1 if x > c; 0 otherwise"),
    ("2.1a-iii", "d/dx tanh(x) = 1 - tanh^2(x)"),
])
def test_every_notation_read_scores_full_marks(item, text):
    name = item.split("-", 1)[1]
    verdict = _verdict(_solution(**{f"a__{name}": text}), item)
    assert verdict.status == "pass", verdict.message


@pytest.mark.parametrize("item, change, shown", [
    ("2.1a-iii", {"a__iii": "1 - tanh(x^2)"}, "d/dx Tanh at x="),                 # the square inside
    ("2.1a-iii", {"a__iii": "1 + tanh(x)^2"}, "d/dx Tanh at x="),                 # the sign
    ("2.1a-iii", {"a__iii": "tanh(x)^2 - 1"}, "d/dx Tanh at x="),                 # the sides
    ("2.1a-iii", {"a__iii": "1 - tanh(x)"}, "d/dx Tanh at x="),                   # forgot the square
    ("2.1a-ii", {"a__ii": "1 if x >= 0 else exp(x)"}, "d/dx ELU at x=-1.5, c=2"),  # dropped c
    ("2.1a-ii", {"a__ii": "1 for x >= 0, e^x for x < 0"}, "d/dx ELU at x=-1.5, c=2"),
    ("2.1a-ii", {"a__ii": "x for x >= 0, c(e^x - 1) for x < 0"}, "d/dx ELU at x="),  # ELU, not its derivative
    ("2.1a-i", {"a__i": "1 if x > 0 else 0"}, "d/dx ReLU_c at x="),               # kink at 0 instead of c
    ("2.1a-i", {"a__i": "0 if x > c else 1"}, "d/dx ReLU_c at x="),               # the sides swapped
    ("2.1a-iv", {"a__iv": "S_j*(1 - S_k)"}, "dS_j/dx_k at j=1, k=2"),            # no Kronecker delta
    ("2.1a-iv", {"a__iv": "S_j(1 - S_j) if j = k, S_k S_j if j != k"}, "dS_j/dx_k at j="),  # sign error
    ("2.1a-v", {"a__v": "y_i/p_i"}, "dH/dp_i at y_i="),                           # sign error
    ("2.1a-v", {"a__v": "-y_i*log(p_i)"}, "dH/dp_i at y_i="),                     # the function again
])
def test_wrong_derivatives_score_zero_at_a_point_the_student_can_check(item, change, shown):
    verdict = _verdict(_solution(**change), item)
    assert verdict.status == "fail" and verdict.fraction == 0
    assert shown in verdict.message and "expected" in verdict.message and "(numerical derivative)" in verdict.message


@pytest.mark.parametrize("text", [
    "__import__('os').system('touch CANARY')", "exec(\"open('CANARY', 'w')\")",
    "x.__class__.__bases__[0].__subclasses__()", "lambda: open('CANARY', 'w')",
    "__import__('builtins').setattr(__import__('builtins'), 'EDF_PWNED', 1)", "9**9**9**9", "open('CANARY', 'w')",
])
def test_hostile_answers_score_zero_and_nothing_runs(tmp_path, text):
    canary = tmp_path / "pwned"
    text = text.replace("CANARY", str(canary))
    for item in ("2.1a-i", "2.1a-iii", "2.1a-v"):
        verdict = _verdict(_solution(**{f"a__{item.split('-', 1)[1]}": text}), item)
        assert verdict.status == "fail" and verdict.fraction == 0, verdict.message
    verdict = _verdict(_solution(c__loss_before=text), "2.1c-i")
    assert verdict.status == "fail" and verdict.fraction == 0.75
    assert not canary.exists() and not hasattr(builtins, "EDF_PWNED")


@pytest.mark.parametrize("item, change", [
    ("2.1a-iii", {"a__iii": "one minus tanh squared of x"}),
    ("2.1a-i", {"a__i": "1 if x is bigger than c"}),
    ("2.1a-v", {"a__v": "-y_i/p_i for every i"}),
])
def test_unreadable_is_not_wrong_a_tutor_reads_it(item, change):
    verdict = _verdict(_solution(**change), item)
    assert verdict.status == "manual" and verdict.fraction == 0
    assert "was not read automatically" in verdict.message and "A tutor reads it" in verdict.message
    assert "To have it read automatically, write it in" in verdict.message


def test_a_missing_answer_says_which_and_where():
    verdict = _verdict(_solution(a__iii=""), "2.1a-iii")
    assert verdict.status == "fail" and "no answer for a-iii in pen_and_paper.toml" in verdict.message


@pytest.mark.parametrize("name, value", [
    ("loss_before", 16.5), ("loss_before", "33/2"), ("loss_before", "16.5"), ("loss_before", "16,5"),
    ("loss_before", "$\\frac{33}{2}$"), ("loss_after", "23.61"), ("loss_after", "L = 23.611"),
    ("gradient", "(-2, 4)"), ("gradient", "-2, 4"), ("gradient", "(-2; 4)"), ("gradient", "[-2 4]"),
    ("gradient", "(\u22122, 4)"), ("gradient", [-2, 4]), ("gradient", [[-2, 4]]),
    ("A_updated", "[11/3, 2/3]"), ("A_updated", ["11/3", "2/3"]), ("A_updated", "(3,667; 0,667)"),
    ("A_updated", "A = (3.667, 0.667)"), ("A_updated", [3.67, 0.67]),
])
def test_numbers_as_people_write_them(name, value):
    assert _verdict(_solution(**{f"c__{name}": value}), "2.1c-i").status == "pass"


@pytest.mark.parametrize("change, wrong", [
    ({"c__loss_before": True}, "loss before"),             # not a number
    ({"c__gradient": 4}, "2 numbers asked for, found 1"),  # one number for two
    ({"c__A_updated": [3.667, 0.667, 0]}, "2 numbers asked for, found 3"),
    ({"c__loss_after": "23.7"}, "loss after: 23.7 is not right"),
])
def test_one_wrong_value_costs_only_its_quarter(change, wrong):
    verdicts = _grade(_solution(**change))
    assert verdicts["2.1c-i"].status == "fail" and verdicts["2.1c-i"].fraction == 0.75
    assert wrong in verdicts["2.1c-i"].message
    assert all(v == _grade(_solution())[i] for i, v in verdicts.items() if i != "2.1c-i")


@pytest.mark.parametrize("item, change", [
    ("2.1a-i", {"a__i": [1, 0]}), ("2.1a-ii", {"a__ii": True}), ("2.1c-iii", {"c__iii_gradient": "minus five, minus four"}),
])
def test_a_wrong_kind_value_affects_only_its_item(item, change):
    verdicts, solved = _grade(_solution(**change)), _grade(_solution())
    assert verdicts[item] != solved[item]
    assert all(v == solved[i] for i, v in verdicts.items() if i != item)


def test_an_unreadable_value_in_c_i_waits_for_a_tutor_with_the_rest_suggested():
    verdict = _verdict(_solution(c__loss_before="sixteen and a half"), "2.1c-i")
    assert verdict.status == "manual" and verdict.fraction == 0.75
    assert "3 of 4 values right" in verdict.message and "1.25, -3 or 7/4" in verdict.message


def test_c_i_gives_a_quarter_per_value_and_recognises_the_summed_step():
    summed = key.linear(averaged=False)
    verdict = _verdict(_solution(c__A_updated=summed["A_updated"], c__loss_after=summed["loss_after"]), "2.1c-i")
    assert verdict.status == "fail" and verdict.fraction == 0.5
    assert "2 of 4 values right" in verdict.message and "summed gradient" in verdict.message


@pytest.mark.parametrize("policy, gradient, numeric, matched", [
    ("accept-both", [-5, -4], 1, "the sheet's official value"),
    ("accept-both", "(-2; -4)", 1, "the recomputed alternative"),
    ("accept-both", [-5, 4], 0, "is not right"),
    ("sheet-only", "(-5, -4)", 1, "the sheet's official value"),
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
    template, solution = load_answers(TEMPLATE, ANSWER_SHEET), load_answers(SOLUTION, ANSWER_SHEET)
    assert set(template.values) == set(solution.values) == set(ANSWERS)
    verdicts = _grade(template)
    assert all(v.status == "fail" and v.fraction == 0 and "no answer" in v.message for v in verdicts.values())
    assert blank_answer_file(ANSWER_SHEET) == TEMPLATE.read_text()


def test_a_misspelt_name_is_read_for_its_answer_and_says_so(tmp_path):
    answers = _file(tmp_path, SOLUTION.read_text().replace("gradient = [-2, 4]", "gradiant = [-2, 4]")
                    .replace("[a]", "[A]"))
    verdicts = _grade(answers)
    assert verdicts["2.1c-i"].status == "pass" and "read from [c] gradiant" in verdicts["2.1c-i"].message
    assert verdicts["2.1a-iii"].status == "pass" and "read from [A] iii" in verdicts["2.1a-iii"].message


def test_an_entry_of_no_answer_is_ignored_and_reported(tmp_path):
    answers = _file(tmp_path, SOLUTION.read_text() + "\n[d]\nx = 1\n")
    assert answers.ignored == ["d is not an answer of the sheet (the answers go under [a], [b] and [c]); ignored"]
    assert all(v == _grade(load_answers(SOLUTION, ANSWER_SHEET))[i] for i, v in _grade(answers).items())


@pytest.mark.parametrize("content, problem", [
    ('[a]\ni = "unterminated\n', "not valid TOML"),
    ("a) i) 1 for x > c, 0 otherwise\n", "not valid TOML"),
    (b"\xff\xfe[a] i = 1", "not UTF-8"),
    (b"#" * 200_000, "more than 100000 bytes"),
    (key.KEY_FILE.read_bytes(), "this is the grader's key"),
])
def test_a_file_that_cannot_be_read_goes_to_a_tutor_with_its_text(tmp_path, content, problem):
    verdicts = _grade(_file(tmp_path, content))
    assert set(verdicts) == set(ITEMS)
    for verdict in verdicts.values():
        assert verdict.status == "manual" and verdict.fraction == 0 and problem in verdict.message
        assert "A tutor grades this item from the file's text" in verdict.message
    if isinstance(content, str) and content.startswith("a)"):
        assert "1 for x > c, 0 otherwise" in verdicts["2.1a-i"].message


def test_handwritten_answers_put_all_nine_items_in_the_review_queue():
    verdicts = _grade(AnswerFile(ANSWER_SHEET, handwritten=("pen_and_paper.pdf",)))
    assert len(verdicts) == 9 and all(v.status == "manual" and v.fraction == 0 for v in verdicts.values())
    assert all("pen_and_paper.pdf" in v.message for v in verdicts.values())


def test_handwritten_answers_beside_the_file_keep_its_verdicts_as_suggestions():
    both = load_answers(SOLUTION, ANSWER_SHEET)
    both.handwritten = ("pen_and_paper.jpg",)
    verdicts = _grade(both)
    assert all(v.status == "manual" for v in verdicts.values())
    assert sum(v.fraction * ITEMS[i] for i, v in verdicts.items()) == pytest.approx(12)
    assert "You also handed in handwritten answers (pen_and_paper.jpg)" in verdicts["2.1a-i"].message


def _tutor(case: dict, item: str) -> str:
    return case.get(item, "review" if item in FREE_TEXT else "full")


def _outcome(item) -> str:
    if item.status == "manual":
        return "review"
    share = item.points / item.max_points
    return "full" if share == 1 else "zero" if share == 0 else f"part:{share:g}"


EXPECTED = tomllib.loads((ANSWER_FILES / "expected.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_answer_files_get_the_verdict_a_tutor_would_give(tmp_path, name):
    """tests/answer_files: scripts/measure_pen_and_paper.py reports the same, as a share."""
    entry = ANSWER_FILES / name
    if entry.is_dir():
        submission = entry
    else:
        submission = tmp_path / "pen_and_paper.toml"
        submission.write_bytes(entry.with_suffix(".toml").read_bytes())
    result = grade(submission, quick=True)
    got = {i.id: _outcome(i) for i in result.items if i.section == "2.1"}
    assert got == {i: _tutor(EXPECTED[name], i) for i in ITEMS}


@pytest.mark.parametrize("text", [
    "1 for x >= 0, c*exp(x) = ELU(x) + c for x < 0",            # issue 19: a tutor gives full marks
    "1 if x >= 0 else c e^x = c(e^x - 1) + c",
    "dELU/dx = c e^x = ELU(x) + c if x < 0, 1 otherwise",
])
def test_a_chain_of_equal_expressions_is_graded_on_its_sides(text):
    verdict = _verdict(_solution(a__ii=text), "2.1a-ii")
    assert verdict.status == "pass" and verdict.fraction == 1, verdict.message


def test_a_chain_with_one_wrong_side_fails_at_that_side():
    verdict = _verdict(_solution(a__ii="1 for x >= 0, c*exp(x) = ELU(x) for x < 0"), "2.1a-ii")
    assert verdict.status == "fail" and verdict.fraction == 0
    assert "(side 2 of the 2 equal sides) at x=-1.5, c=2" in verdict.message


@pytest.mark.parametrize("text, suggested", [
    ("1 for x >= 0, c*exp(x) = the ELU plus c for x < 0", 1.0),   # the side read is right
    ("1 for x >= 0, c*exp(-x) = the ELU plus c for x < 0", 0.0),  # the side read is wrong
])
def test_a_side_that_cannot_be_read_sends_the_answer_to_a_tutor_never_to_zero(text, suggested):
    verdict = _verdict(_solution(a__ii=text), "2.1a-ii")
    assert verdict.status == "manual" and verdict.fraction == suggested
    assert "the side 'the ELU plus c' was not read automatically" in verdict.message
    assert "A tutor reads it" in verdict.message and "To have it read automatically, write it in" in verdict.message
