"""The pen-and-paper key is derived from the problem statement, not typed."""
import pytest

from edf_autograder.answers.expressions import Expression
from edf_autograder.answers.sheet import AnswerFile
from edf_autograder.checking.evidence import Evidence
from edf_ex2 import key
from edf_ex2.exercise import ANSWER_SHEET, EXERCISE


def test_every_number_in_the_key_file_is_the_recomputed_one():
    typed, derived = key.load()["c"], key.derived()
    assert set(typed) == set(derived)
    tol = key.load()["tolerance"]["numbers"]
    for name, value in derived.items():
        assert value == pytest.approx(typed[name], abs=tol), name


def test_the_sheets_c_i_values():
    c_i = key.linear()
    assert (c_i["loss_before"], c_i["loss_after"]) == pytest.approx((16.5, 23.611), abs=1e-3)
    assert c_i["gradient"] == [-2.0, 4.0]
    assert c_i["A_updated"] == pytest.approx([3.667, 0.667], abs=1e-3)


def test_the_c_iii_dispute_both_values_are_derived():
    assert key.relu_gradient_as_sheet() == [-5.0, -4.0]  # the sheet's official value
    assert key.relu_gradient() == [-2.0, -4.0]           # ReLU passes nothing for x2 (A x2 = -1)


@pytest.mark.parametrize("policy, accepted", [
    ("sheet-only", [[-5.0, -4.0]]),
    ("accept-both", [[-5.0, -4.0], [-2.0, -4.0]]),
    ("recomputed-only", [[-2.0, -4.0]]),
])
def test_the_policy_names_the_accepted_gradients(policy, accepted):
    assert list(key.c_iii_accepted({**key.load(), "c_iii_policy": policy}).values()) == accepted


def test_the_policy_is_one_visible_valid_setting():
    assert key.load()["c_iii_policy"] in key.POLICIES
    assert key.KEY_FILE.read_text().count("c_iii_policy =") == 1


def test_an_unknown_policy_is_a_configuration_error(tmp_path, monkeypatch):
    bad = tmp_path / "key.toml"
    bad.write_text(key.KEY_FILE.read_text().replace('c_iii_policy = "accept-both"', 'c_iii_policy = "both"'))
    monkeypatch.setattr(key, "KEY_FILE", bad)
    key.load.cache_clear()
    try:
        with pytest.raises(ValueError, match="c_iii_policy is 'both'"):
            key.load()
    finally:
        key.load.cache_clear()


@pytest.mark.parametrize("name, function, variables, points", [
    ("i", key.relu_c, ("x", "c"), [(1.0, 0.5), (-2.0, 0.5), (0.3, -1.0)]),
    ("ii", key.elu, ("x", "c"), [(1.5, 2.0), (-1.5, 2.0), (-0.2, -1.0)]),
    ("iii", key.tanh, ("x",), [(0.0,), (0.7,), (-3.0,)]),
])
def test_the_functions_written_in_the_key_are_the_ones_differentiated(name, function, variables, points):
    written = Expression(key.load()["a"][name]["function"], variables, item=name)
    for point in points:
        assert written(**dict(zip(variables, point))) == pytest.approx(function(*point))


def test_the_keys_official_derivatives_pass_their_checks():
    official = {name: item["official"] for name, item in key.load()["a"].items()}
    ev = Evidence(answer_file=AnswerFile(ANSWER_SHEET, "pen_and_paper.toml",
                                         {("a", name): text for name, text in official.items()}))
    run = {c.spec.id: c.run for c in EXERCISE.checks()}
    for name in official:
        assert run[f"2.1a-{name}"](ev).status == "pass", name
