"""The kit is the engine's, for any declared exercise: a second exercise's kit holds its public
modules only and leaves its hidden item out; a declaration that would carry a check students may
not see (or leave a public one out) is refused; readable items say how an answer reads, never
whether it is right."""
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from edf_autograder.answers.sheet import load_answers
from edf_autograder.checking.evidence import Evidence
from edf_autograder.exercise import load
from edf_autograder.kit.build import build
from edf_autograder.kit.manifest import KitError
from edf_autograder.kit.manifest import load as load_kit
from edf_autograder.pipeline import grade
from edf_ex2.exercise import EXERCISE
from tests.kit_runs import verdicts

ROOT = Path(__file__).resolve().parents[1]
LINREG = "tests.exercise_linreg:EXERCISE"
SUBMISSIONS = ROOT / "tests" / "exercise_linreg" / "submissions"


def _kit(tmp_path: Path, exercise) -> tuple[list[str], Path]:
    wheel = next(p for p in build(tmp_path / "kit", exercise=exercise) if p.suffix == ".whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "unpacked", [n for n in names if n.startswith("edf_selfcheck/")])
    return names, tmp_path / "unpacked" / "edf_selfcheck"


def test_a_second_exercise_gets_a_kit_without_its_hidden_item(tmp_path):
    names, root = _kit(tmp_path, LINREG)
    own = sorted(n for n in names if n.startswith("tests/"))
    assert own == ["tests/exercise_linreg/checks.py", "tests/exercise_linreg/public.py"]
    assert "edf_selfcheck/data/regression.npz" in names
    kit = load_kit(root)
    for name, want in (("passes", "pass"), ("fails_1a_square_backward", "fail")):
        mine = verdicts(grade(SUBMISSIONS / name, exercise=kit, quick=True).to_dict())
        grader = verdicts(grade(SUBMISSIONS / name, exercise=LINREG, quick=True).to_dict())
        assert set(mine) == {"1a", "1b-graph"} and mine["1a"][0] == want
        assert mine == {i: grader[i] for i in mine}


def test_a_kit_that_would_carry_a_hidden_check_or_miss_a_public_one_is_refused(tmp_path):
    leaking = replace(EXERCISE, kit=replace(EXERCISE.kit, modules=EXERCISE.kit.modules + ("edf_ex2.s2_1a_derivatives",)))
    with pytest.raises(KitError, match="2.1a-i is students='readable'"):
        build(tmp_path / "a", exercise=leaking)
    missing = replace(EXERCISE, kit=replace(EXERCISE.kit, modules=EXERCISE.kit.modules[:-1]))
    with pytest.raises(KitError, match="2.3f-sigmoid shows students its verdict, but its module edf_ex2.s2_3fgh_sweeps"):
        build(tmp_path / "b", exercise=missing)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.fixture(scope="module")
def kit_checks(tmp_path_factory):
    _, root = _kit(tmp_path_factory.mktemp("ex2"), EXERCISE)
    return {c.spec.id: c for c in load_kit(root).checks()}


def _read(kit_checks, item: str, answers: str, tmp_path) -> tuple:
    path = tmp_path / "pen_and_paper.toml"
    path.write_text(answers, encoding="utf-8")
    verdict = kit_checks[item].run(Evidence(answer_file=load_answers(path, load(EXERCISE).answers)))
    return str(verdict.status), verdict.message


def test_readable_items_say_how_answers_read_and_never_whether_they_are_right(kit_checks, tmp_path):
    right = _read(kit_checks, "2.1a-v", '[a]\nv = "\u2212y_i/p_i"\n', tmp_path)
    wrong = _read(kit_checks, "2.1a-v", '[a]\nv = "y_i/p_i"\n', tmp_path)
    assert right[0] == wrong[0] == "read"
    assert right[1].splitlines()[0] == "a-v: reads as -y_i/p_i (in y_i, p_i)"
    assert right[1].replace("-y_i", "y_i") == wrong[1]  # the same words whether right or wrong
    status, message = _read(kit_checks, "2.1c-i", '[c]\nloss_before = "16,5"\ngradient = "(1; 2)"\n', tmp_path)
    assert status == "read" and "c-loss_before: reads as 16.5" in message and "c-gradient: reads as [1, 2]" in message
    assert "c-loss_after: no answer" in message
    status, message = _read(kit_checks, "2.1a-i", '[a]\ni = "the slope of the ramp"\n', tmp_path)
    assert status == "read" and "was not read automatically" in message
    status, message = _read(kit_checks, "2.1b", '[b]\nproof = "e^c cancels"\n', tmp_path)
    assert status == "manual" and "graded by a tutor" in message and "cancels" not in message
    assert "2.1c-ii" in kit_checks and "2.3b" in kit_checks  # listed, for a tutor
