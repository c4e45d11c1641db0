"""Offline on every platform students use (issue 23, part 4): the kit folder that `release
--wheels` writes resolves `edf-selfcheck` with no index for Windows amd64, macOS arm64 and
x86_64, Linux x86_64 and aarch64, each with CPython 3.11, 3.12 and 3.13 (pip's dry run for that
platform into a --target folder: every wheel it needs is in the folder, built for it).

The wheels come through the persisted cache (edf_autograder/kit/platforms.py): a cold download
of all 15 is several minutes and ~575 MB, so the full set is `slow`; the default suite resolves
three (this machine, Windows with the newest Python, macOS arm64), a cold download of a fifth of it.
"""
import json
import subprocess

import pytest
from packaging.specifiers import SpecifierSet

from edf_autograder.kit import platforms
from edf_autograder.kit.build import build
from edf_ex2.exercise import EXERCISE
from tests.kit_envs import student_env
from tests.kit_runs import offline_env

DEFAULT = (platforms.this_machine(), "windows-amd64/3.13", "macos-arm64/3.12")
PIP = "pip==26.3"


@pytest.fixture(scope="module")
def pip_python():
    return student_env("pip", (PIP,))


@pytest.fixture(scope="module")
def kit_folders(tmp_path_factory):
    """Kit folders by their targets, built once per set."""
    built = {}

    def folder(targets: tuple[str, ...]):
        if targets not in built:
            built[targets] = tmp_path_factory.mktemp("kit")
            build(built[targets], exercise=EXERCISE, wheels=True, targets=targets)
        return built[targets]
    return folder


def resolves_offline(pip_python, kit, target: str, tmp_path) -> dict[str, str]:
    """What pip would install from `kit` alone on `target`: name -> wheel file name.

    With a recent pip (PIP, in a venv kept across runs): pip 23's install checks Requires-Python
    against the Python running it whatever --python-version says, and refuses numpy for 3.13 on
    3.11. Each chosen distribution's Requires-Python is checked here as well."""
    python = target.split("/")[1]
    report = tmp_path / f"{target.replace('/', '-')}.json"
    done = subprocess.run([str(pip_python), "-m", "pip", "install", "--dry-run", "--quiet", "--disable-pip-version-check",
                           "--no-index", "--find-links", str(kit), *platforms.pip_options(target),
                           "--target", str(tmp_path / "target"), "--report", str(report), "edf-selfcheck"],
                          capture_output=True, text=True, env=offline_env(), timeout=600)
    assert done.returncode == 0, (target, done.stderr[-2000:])
    chosen = json.loads(report.read_text())["install"]
    refused = {i["metadata"]["name"]: i["metadata"]["requires_python"] for i in chosen
               if python not in SpecifierSet(i["metadata"].get("requires_python") or "")}
    assert refused == {}, (target, refused)
    return {i["metadata"]["name"].lower(): i["download_info"]["url"].rsplit("/", 1)[-1] for i in chosen}


def _check(pip_python, kit, target: str, tmp_path) -> None:
    wheels = resolves_offline(pip_python, kit, target, tmp_path)
    assert {"edf-selfcheck", "numpy", "matplotlib", "pyzmq", "ipykernel", "nbclient"} <= set(wheels)
    system, python = target.split("/")
    tag = {"windows-amd64": "win_amd64", "macos-arm64": "arm64", "macos-x86_64": "x86_64",
           "linux-x86_64": "x86_64", "linux-aarch64": "aarch64"}[system]
    numpy = wheels["numpy"]
    assert f"cp{python.replace('.', '')}" in numpy and tag in numpy, numpy  # built for that Python and machine


@pytest.mark.parametrize("target", DEFAULT)
def test_the_kit_resolves_offline_on_three_platforms(target, pip_python, kit_folders, tmp_path):
    _check(pip_python, kit_folders(DEFAULT), target, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("target", platforms.TARGETS)
def test_the_kit_resolves_offline_on_every_platform(target, pip_python, kit_folders, tmp_path):
    _check(pip_python, kit_folders(platforms.TARGETS), target, tmp_path)


def test_a_platform_without_its_wheels_does_not_resolve(pip_python, kit_folders, tmp_path):
    """The check above can fail: the folder for three platforms has no wheels for Linux aarch64."""
    with pytest.raises(AssertionError, match="linux-aarch64"):
        resolves_offline(pip_python, kit_folders(DEFAULT), "linux-aarch64/3.12", tmp_path)
