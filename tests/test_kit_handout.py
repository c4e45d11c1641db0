"""Never more lenient, never harsher (issue 18, part 6): on the course's hand-out filled in
(tests/handout: correct styles and faulty variants), the kit's verdict of every public item
equals the grader's quick verdict. The kit is built and read back here (its manifest, data and
stand-ins); its installed form is tested in test_kit_install.py. One style in the default
suite, the rest `slow`. Skipped when ../shared/course-handout is absent."""
import zipfile

import pytest

from edf_autograder.kernel import sandbox
from edf_autograder.kit.build import build
from edf_autograder.kit.manifest import load
from edf_autograder.pipeline import grade
from edf_ex2.exercise import EXERCISE
from tests.handout import STYLES, VARIANTS, write_submission
from tests.kit_runs import verdicts

PUBLIC = {c.spec.id for c in EXERCISE.checks() if c.spec.students == "verdict" and not c.spec.hidden}
# writes outside its folder: graded only where bubblewrap contains it (as in test_course_handout)
CONTAINED_ONLY = {"escape"}


@pytest.fixture(scope="module")
def kit_exercise(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kit")
    wheel = next(p for p in build(folder, exercise=EXERCISE) if p.suffix == ".whl")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(folder / "unpacked", [n for n in zf.namelist() if n.startswith("edf_selfcheck/")])
    return load(folder / "unpacked" / "edf_selfcheck")


def _param(name: str):
    marks = [] if name == "given" else [pytest.mark.slow]
    if name in CONTAINED_ONLY:
        marks.append(pytest.mark.skipif(not sandbox.mechanism().contained, reason="needs bubblewrap"))
    return pytest.param(name, marks=marks)


@pytest.mark.parametrize("name", [_param(n) for n in (*STYLES, *VARIANTS)])
def test_the_kit_grades_the_course_handout_as_the_grader_does(name, kit_exercise, course_handout, tmp_path):
    folder = write_submission(name, course_handout, tmp_path / name)
    grader = verdicts(grade(folder, quick=True).to_dict())
    kit = verdicts(grade(folder, exercise=kit_exercise, quick=True).to_dict())
    assert {i: kit[i] for i in PUBLIC} == {i: grader[i] for i in PUBLIC}
    assert all(kit[i][0] in ("read", "manual") for i in set(kit) - PUBLIC) and set(kit) == set(grader)
