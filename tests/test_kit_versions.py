"""Never more lenient, never harsher, without pins (issue 23, part 3): the kit installed at both
ends of its requirement ranges gives the grader's quick verdict on every public item, on the
examples (submissions/) and on the course's hand-out filled in (tests/handout: styles and faults).

Run by tox only: `tox -e kit-oldest` installs the kit with a constraints file made from its
floors (kit/contents.py REQUIRES and the exercise's Kit.requires: exactly the oldest supported
versions), `tox -e kit-newest` with the newest versions on the index. Each is ~25 runs of the
kit and of the grader (7-9 minutes on 2 cores, plus the venv), so neither is part of `tox -e tests`; here
they skip. The kit's notebooks run in the kit's own environment (its kernel is that Python's),
so its numpy and matplotlib are the ones tested.
"""
import os
import re
import subprocess

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from edf_autograder.kit.build import build, requirements
from edf_ex2.exercise import EXERCISE
from tests.handout import STYLES, VARIANTS, write_submission
from tests.kit_envs import installed, normalise
from tests.kit_runs import ROOT, grader_quick, make_venv, run_kit, verdicts

VERSIONS = os.environ.get("EDF_KIT_VERSIONS", "")
pytestmark = pytest.mark.skipif(VERSIONS not in ("oldest", "newest"),
                                reason="the kit at both ends of its ranges: tox -e kit-oldest, tox -e kit-newest")
PUBLIC = {c.spec.id for c in EXERCISE.checks() if c.spec.students == "verdict" and not c.spec.hidden}
EXAMPLES = sorted(p.name for p in (ROOT / "submissions").iterdir() if p.is_dir() and "never_finishes" not in p.name)
NO_SANDBOX = {"escape"}  # writes outside its folder: graded only where bubblewrap contains it; the kit never is


def oldest(lines) -> list[str]:
    """The oldest versions requirements allow ("name>=X,<Y" -> "name==X"): a pip constraints file."""
    pins = []
    for line in lines:
        req = Requirement(line)
        lows = [Version(s.version) for s in req.specifier if s.operator == ">="]
        if lows:
            pins.append(f"{req.name}=={max(lows)}")
    return pins


@pytest.fixture(scope="module")
def kit_python(tmp_path_factory):
    """A fresh venv with the kit at the oldest (its floors, as a constraints file) or newest versions."""
    kit = tmp_path_factory.mktemp("kit")
    wheel = next(p for p in build(kit, exercise=EXERCISE) if p.suffix == ".whl")
    python = make_venv(tmp_path_factory.mktemp("venv") / "env")
    floors = oldest(requirements(EXERCISE.kit.requires))
    (kit / "floors.txt").write_text("\n".join(floors) + "\n")
    how = ["--constraint", str(kit / "floors.txt")] if VERSIONS == "oldest" else ["--upgrade"]
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *how,
                           str(wheel)], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    wanted = {normalise(name): floor for name, floor in (f.split("==") for f in floors)}
    versions = installed(python)  # one pip list
    have = {name: versions.get(name) for name in wanted}
    print("the kit's environment:", have)  # shown with -s: which versions were tested
    if VERSIONS == "oldest":  # exactly the floors, or this tests nothing
        assert have == wanted
    return python


def _roundoff(verdicts: dict) -> dict:
    """Verdicts with round-off magnitudes ("max difference 1.6e-06") masked: another numpy sums in
    another order, so such a figure moves in its second digit (kit-oldest, 2.2d: 1.6e-06 against
    1.7e-06, both a pass); every status and every other word of a message must still be equal."""
    return {i: (status, re.sub(r"\d(\.\d+)?e-\d+", "<round-off>", message)) for i, (status, message) in verdicts.items()}


def _same(kit: dict, grader: dict) -> None:
    assert {i: kit[i][0] for i in PUBLIC} == {i: grader[i][0] for i in PUBLIC}  # the verdicts themselves
    assert _roundoff({i: kit[i] for i in PUBLIC}) == _roundoff({i: grader[i] for i in PUBLIC})
    assert set(kit) == set(grader) and all(kit[i][0] in ("read", "manual") for i in set(kit) - PUBLIC)


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_kit_at_the_ends_of_its_ranges_grades_the_examples_as_the_grader(example, kit_python, tmp_path):
    result, done = run_kit(kit_python, ROOT / "submissions" / example, tmp_path)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    _same(verdicts(result), grader_quick(ROOT / "submissions" / example))


@pytest.mark.parametrize("name", [n for n in (*STYLES, *VARIANTS) if n not in NO_SANDBOX])
def test_the_kit_at_the_ends_of_its_ranges_grades_the_course_handout_as_the_grader(name, kit_python, course_handout,
                                                                                  tmp_path):
    folder = write_submission(name, course_handout, tmp_path / "submission" / name)
    result, done = run_kit(kit_python, folder, tmp_path / "kit")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    _same(verdicts(result), grader_quick(folder))
