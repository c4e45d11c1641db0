"""The numeric key is derived from the problem statement, not typed."""
import pytest

from autograder import key
from autograder.pen_and_paper import load_key


def test_c_i_values_in_the_key_are_the_recomputed_ones():
    typed, derived = load_key()["c"], key.linear()
    tol = load_key()["tolerance"]["numbers"]
    for name in ("loss_before", "loss_after", "gradient", "A_updated"):
        assert derived[name] == pytest.approx(typed[name], abs=tol), name


def test_c_iii_dispute_both_values_are_derived():
    c = load_key()["c"]
    assert key.relu_gradient() == c["iii_gradient_recomputed"] == [-2.0, -4.0]
    assert key.relu_gradient_as_sheet() == c["iii_gradient_sheet"] == [-5.0, -4.0]


def test_policy_is_one_visible_setting():
    assert load_key()["policy"]["c_iii"] in ("sheet-only", "accept-both", "recomputed-only")
