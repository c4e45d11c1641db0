"""Sheet 2.1: the reference answers score 12/12 (automatic + suggested); realistic
mistakes fail; the c-iii policy decides which gradient earns its point."""
import pytest

import checks
from autograder.evidence import Evidence
from autograder.errors import SubmissionError
from autograder.pen_and_paper import load_answers, load_key
from autograder.stage import REFERENCE

SOLUTION = REFERENCE / "pen_and_paper.toml"


def _run(answers: dict) -> dict:
    ev = Evidence(pen_and_paper=answers)
    return {c.spec.id: (c.run(ev), c.spec.points) for c in checks.all_checks() if c.spec.section == "2.1"}


def _with(**changes):
    answers = load_answers(SOLUTION)
    for dotted, value in changes.items():
        section, name = dotted.split("__")
        answers[section][name] = value
    return answers


def test_reference_answers_score_full_marks():
    results = _run(load_answers(SOLUTION))
    assert sum(points for _, points in results.values()) == 12
    assert sum(v.fraction * p for v, p in results.values()) == pytest.approx(12)
    assert all(v.status in ("pass", "manual") for v, _ in results.values())


@pytest.mark.parametrize("item, change", [
    ("2.1a-iii", {"a__iii": "1 - tanh(x)"}),            # forgot the square
    ("2.1a-ii", {"a__ii": "1 if x >= 0 else exp(x)"}),  # dropped c
    ("2.1a-i", {"a__i": "1 if x > 0 else 0"}),          # kink at 0 instead of c
    ("2.1a-iv", {"a__iv": "S_j*(1 - S_k)"}),            # no Kronecker delta
    ("2.1a-v", {"a__v": "y_i/p_i"}),                    # sign error
])
def test_wrong_derivatives_fail_with_the_point(item, change):
    verdict, _ = _run(_with(**change))[item]
    assert verdict.status == "fail"
    assert "numerical derivative" in verdict.message


def test_c_i_partial_credit():
    verdict, _ = _run(_with(c__loss_after=30.0))["2.1c-i"]
    assert verdict.status == "fail" and verdict.fraction == 0.75


@pytest.mark.parametrize("policy, gradient, numeric", [
    ("accept-both", [-5, -4], 1), ("accept-both", [-2, -4], 1), ("accept-both", [-5, 4], 0),
    ("sheet-only", [-2, -4], 0), ("recomputed-only", [-5, -4], 0), ("recomputed-only", [-2, -4], 1),
])
def test_c_iii_follows_the_policy(monkeypatch, policy, gradient, numeric):
    key = load_key()
    monkeypatch.setitem(key["policy"], "c_iii", policy)
    verdict, _ = _run(_with(c__iii_gradient=gradient, c__iii_remark=""))["2.1c-iii"]
    assert verdict.status == "manual"
    assert verdict.fraction == pytest.approx(numeric / 2)


def test_blank_template_scores_zero():
    results = _run(load_answers(REFERENCE / "pen_and_paper_template.toml"))
    assert sum(v.fraction * p for v, p in results.values()) == 0


def test_broken_toml_names_the_file(tmp_path):
    bad = tmp_path / "pen_and_paper.toml"
    bad.write_text("[a]\ni = \"unterminated\n")
    with pytest.raises(SubmissionError, match="pen_and_paper.toml: not valid TOML"):
        load_answers(bad)


def test_hostile_expression_is_refused_not_run(tmp_path):
    verdict, _ = _run(_with(a__i="__import__('os').system('touch " + str(tmp_path / "pwned") + "')"))["2.1a-i"]
    assert verdict.status == "fail" and not (tmp_path / "pwned").exists()
