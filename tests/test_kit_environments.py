"""The student's environment stays theirs (issue 23, part 3): installing the kit into an
environment like Colab's, or like the course's conda environment, adds packages and replaces
none (pip's `--dry-run --report` lists only new ones). The environments are built once and kept
(tests/kit_envs.py); a warm run costs a kit build and two dry runs.

conda is not on the grader's machines. The course's environment is its environment.yml resolved
today, and conda resolves unpinned packages to their newest versions, as pip does: pip installing
the newest versions matching environment.yml (its conda-forge packages under their PyPI names)
into a venv gives the versions conda would, which is what the kit must leave alone. The Python is
this one (3.11), not conda's newest: the kit's wheels and ranges are the same on 3.11-3.13.
"""
from importlib.metadata import version

import pytest
import yaml

from edf_autograder.kit.build import build
from edf_ex2.exercise import EXERCISE
from tests.kit_envs import installed, normalise, student_env, would_install

# Colab's versions of the packages the kit shares with it (the seven the issue found replaced), and
# nbclient, which Colab has too (0.10.2): without it pip would pick nbclient 0.11, which needs traitlets>=5.13
COLAB = ("numpy==2.0.2", "ipykernel==6.17.1", "jupyter_client==7.4.9", "pyzmq==24.0.1", "traitlets==5.7.1",
         "matplotlib==3.10.0", "nbformat==5.10.4", "nbclient==0.10.2")


def course_requirements(handout) -> tuple[str, ...]:
    """environment.yml's packages as pip requirements ("numpy=2.1" -> "numpy==2.1.*"), without python and pip
    (its packages' conda-forge names are their PyPI names)."""
    listed = yaml.safe_load((handout / "environment.yml").read_text())["dependencies"]
    requirements = []
    for entry in listed:
        if isinstance(entry, dict):  # a "pip:" list: already PyPI's
            requirements += entry.get("pip", [])
            continue
        name, _, pinned = str(entry).partition("=")
        if name in ("python", "pip"):
            continue
        version = pinned.lstrip("=")
        requirements.append(name + (f"=={version.rstrip('*')}*" if version else ""))
    return tuple(requirements)


@pytest.fixture(scope="module")
def kit_wheel(tmp_path_factory):
    return next(p for p in build(tmp_path_factory.mktemp("kit"), exercise=EXERCISE) if p.suffix == ".whl")


@pytest.fixture(scope="module")
def colab():
    return student_env("colab", COLAB)


def _replaced(python, kit_wheel, report) -> tuple[dict, dict]:
    before = installed(python)
    new = would_install(python, "--find-links", str(kit_wheel.parent), str(kit_wheel), report=report)
    return new, {name: (before[name], version) for name, version in new.items() if name in before}


def test_installing_the_kit_into_a_colab_like_environment_replaces_nothing(colab, kit_wheel, tmp_path):
    new, replaced = _replaced(colab, kit_wheel, tmp_path / "report.json")
    assert replaced == {}
    assert {"edf-selfcheck", "hypothesis", "lark"} <= set(new)  # what Colab lacks is added


def test_installing_the_kit_into_the_course_environment_replaces_nothing(course_handout, kit_wheel, tmp_path):
    python = student_env("course", course_requirements(course_handout))
    new, replaced = _replaced(python, kit_wheel, tmp_path / "report.json")
    assert replaced == {}
    assert "edf-selfcheck" in new and "numpy" in installed(python)


def test_the_report_shows_a_replaced_package(colab, tmp_path):
    """The check above can fail: the grader's own numpy (what the kit pinned before) replaces Colab's."""
    grader_numpy = version("numpy")
    new = would_install(colab, f"numpy=={grader_numpy}", report=tmp_path / "report.json")
    assert new == {"numpy": grader_numpy} and installed(colab)[normalise("numpy")] == "2.0.2"
