"""A real package: a wheel built from a clean clone of the repository, installed into a new
venv outside the checkout, grades the examples exactly as the checkout does, holds only our
two packages and every file they read, releases the hand-out and bundles itself for
Gradescope; a kernel started by it reads none of its files.

Built once for the module (`installed`), as the README says: `git clone` of HEAD (so that
uncommitted files cannot leak in), `pip wheel --no-deps` (pip's PEP 517 build in an isolated
environment, the same build `python -m build --wheel` runs, without installing `build`; the
clone already gives what build's sdist round trip would check), `python -m venv` in a
temporary folder, `pip install` of the wheel (its dependencies from PyPI or pip's cache).
"""
from __future__ import annotations

import csv
import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from edf_autograder import distribution
from edf_autograder.integrations.release import release
from edf_autograder.pipeline import grade
from edf_autograder.reports.gradescope import problems, results_json

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("passes_all", "fails_2_3e_one_sided_difference")


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@dataclass
class Installed:
    wheel: Path
    venv: Path
    cache: Path  # the installed grader's own data cache: it splits the data its wheel carries

    def run(self, command: str, *args, cwd: Path, timeout: float = 600, **extra_env: str) -> subprocess.CompletedProcess:
        """`command` from the venv's bin folder, run in `cwd` (outside the checkout) with an
        empty PYTHONPATH: only the installed wheel can answer."""
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")} | extra_env
        env.update(PYTHONPATH="", EDF_GRADER_CACHE=str(self.cache), MPLBACKEND="Agg")
        return subprocess.run([str(self.venv / "bin" / command), *map(str, args)], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Iterator[Installed]:
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git checkout: the wheel is built from a clone of it")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        # 340 MB, left to pytest's rotation of its temporary folders (removing it took 59 s under load)
        yield _install(tmp_path_factory.mktemp("installed"))
        return
    # under xdist each worker runs module fixtures: the first builds, the others wait and reuse
    base = tmp_path_factory.getbasetemp().parent / f"installed-{run}"
    base.mkdir(exist_ok=True)
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / "done").exists():
            _install(base)
            (base / "done").touch()
    yield Installed(next((base / "dist").glob("*.whl")), base / "venv", base / "cache")


def _step(*command) -> None:
    done = subprocess.run(list(map(str, command)), capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(map(str, command))}: {done.stderr[-3000:]}"


def _install(base: Path) -> Installed:
    assert not base.is_relative_to(ROOT)
    clone, dist, venv = base / "clone", base / "dist", base / "venv"
    _git("clone", "--quiet", str(ROOT), str(clone))
    _git("checkout", "--quiet", "--detach", _git("rev-parse", "HEAD").strip(), cwd=clone)  # HEAD of this worktree
    _step(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dist, clone)
    (wheel,) = dist.glob("*.whl")
    _step(sys.executable, "-m", "venv", venv)
    _step(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    shutil.rmtree(clone)
    return Installed(wheel, venv, base / "cache")


@functools.cache
def checkout_grade(example: str):
    """What `grade` in the checkout gives an example (quick)."""
    return grade(ROOT / "submissions" / example, quick=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _record(zf: zipfile.ZipFile) -> set[tuple[str, ...]]:
    name = next(n for n in zf.namelist() if n.endswith(".dist-info/RECORD"))
    return {tuple(row) for row in csv.reader(zf.read(name).decode().splitlines())}


def test_the_wheel_holds_our_two_packages_and_every_file_they_read(installed):
    with zipfile.ZipFile(installed.wheel) as zf:
        names = zf.namelist()
        info = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
        top_level = zf.read(f"{info}/top_level.txt").decode().split()
        entry_points = zf.read(f"{info}/entry_points.txt").decode()
    assert {n.split("/")[0] for n in names} == {"edf_autograder", "edf_ex2", info}
    assert top_level == ["edf_autograder", "edf_ex2"] == list(distribution.PACKAGES)
    assert "edf-grader = edf_autograder.cli:main" in entry_points and "ex2 = edf_ex2.exercise:EXERCISE" in entry_points
    # every committed file of the packages, the exercise's reference/ and data/ inside edf_ex2, and nothing else
    committed = set(_git("ls-tree", "-r", "--name-only", "HEAD").splitlines())
    ours = {name for name, path in distribution.grader_files().items()
            if path.is_relative_to(ROOT) and path.relative_to(ROOT).as_posix() in committed}
    assert {n for n in names if not n.startswith(info)} == ours
    assert {"edf_ex2/reference/pen_and_paper_key.toml", "edf_ex2/reference/image_classification.ipynb",
            "edf_ex2/data/mnist-10k/digits.npz", "edf_ex2/data/mnist-10k/PROVENANCE.md",
            "edf_autograder/reports/templates/feedback.html", "edf_autograder/answers/expression.lark"} <= ours


def test_the_installed_grader_reads_its_files_from_site_packages(installed, tmp_path):
    where = installed.run("python", "-c", "import edf_autograder, edf_ex2; print(edf_autograder.__file__); "
                          "print(edf_ex2.folder('reference')); print(edf_ex2.folder('data'))", cwd=tmp_path)
    site_packages = next((installed.venv / "lib").glob("python3*/site-packages"))
    assert [Path(line).is_relative_to(site_packages) for line in where.stdout.split("\n")[:3]] == [True] * 3, where


@pytest.mark.parametrize("example", EXAMPLES)
def test_an_installed_wheel_grades_an_example_as_the_checkout_does(installed, example, tmp_path):
    shutil.copytree(ROOT / "submissions" / example, tmp_path / example)
    run = installed.run("edf-grader", "check", example, "--quick", "--json", "r.json", cwd=tmp_path)
    here = checkout_grade(example)
    assert run.returncode == (0 if here.all_automatic_passed else 1), run.stderr[-2000:]
    there = json.loads((tmp_path / "r.json").read_text())["items"]
    assert {i["id"]: (i["status"], i["points"]) for i in there} == {i.id: (i.status, i.points) for i in here.items}


def test_release_and_the_gradescope_bundle_work_from_the_installed_package(installed, tmp_path):
    made = installed.run("edf-grader", "release", "handout", cwd=tmp_path)
    assert made.returncode == 0, made.stderr[-2000:]
    release(tmp_path / "from-checkout")
    assert _files(tmp_path / "handout") == _files(tmp_path / "from-checkout")

    bundled = installed.run("edf-grader", "bundle", "gradescope", "gradescope.zip", cwd=tmp_path)
    assert bundled.returncode == 0, bundled.stderr[-2000:]
    tree = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "gradescope.zip") as zf:
        assert sorted(zf.namelist()) == sorted(["setup.sh", "run_autograder", "config.json", installed.wheel.name])
        zf.extractall(tree / "source")
    # the installed files packed again: the wheel that was installed, file for file
    with zipfile.ZipFile(installed.wheel) as built, zipfile.ZipFile(tree / "source" / installed.wheel.name) as again:
        assert sorted(again.namelist()) == sorted(built.namelist())
        assert [n for n in built.namelist() if not n.endswith("RECORD") and built.read(n) != again.read(n)] == []
        assert _record(again) == _record(built)

    # Gradescope's run_autograder with the installed venv's python; quick, as an instructor may set it
    config = json.loads((tree / "source" / "config.json").read_text())
    (tree / "source" / "config.json").write_text(json.dumps(config | {"quick": True}))
    shutil.copytree(ROOT / "submissions" / EXAMPLES[1], tree / "submission")
    (tree / "results").mkdir()
    env = {**os.environ, "AUTOGRADER_ROOT": str(tree), "PYTHON": str(installed.venv / "bin" / "python"),
           "PYTHONPATH": "", "EDF_GRADER_CACHE": str(installed.cache), "MPLBACKEND": "Agg"}
    graded = subprocess.run(["bash", str(tree / "source" / "run_autograder")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0, graded.stderr[-2000:]
    results = json.loads((tree / "results" / "results.json").read_text())
    assert problems(results) == []
    here = results_json(checkout_grade(EXAMPLES[1]).to_dict())
    assert {t["number"]: t["score"] for t in results["tests"]} == {t["number"]: t["score"] for t in here["tests"]}


def test_a_dask_worker_with_the_wheel_has_the_checkouts_digest(installed, tmp_path):
    if _git("status", "--porcelain", "--", "edf_autograder", "checks", "reference", "data"):
        pytest.skip("the checkout's packages differ from HEAD, which the wheel was built from")
    from edf_autograder.batch.dask import code_digest

    there = installed.run("python", "-c", "from edf_autograder.batch.dask import code_digest; print(code_digest())",
                          cwd=tmp_path)
    assert there.stdout.strip() == code_digest(), there.stderr[-2000:]


PEEK = """
import json, os, sys
from pathlib import Path
import nbformat, edf_ex2
from edf_autograder.kernel import sandbox
from edf_autograder.kernel.session import KernelSession

package = Path(edf_ex2.__file__).parent
targets = [str(edf_ex2.folder("reference") / "pen_and_paper_key.toml"),
           str(edf_ex2.folder("reference") / "image_classification.ipynb"),
           str(edf_ex2.folder("data") / "mnist-10k" / "digits.npz"), str(package / "key.py")]
cell = (f"import os\\nfor path in {targets!r}:\\n    try:\\n        open(path, 'rb').read(1)\\n"
        "        print('reached', path)\\n    except OSError as exc:\\n        print('refused', path)\\n"
        f"print('listing', os.listdir({str(package)!r}) if os.path.isdir({str(package)!r}) else [])\\n")
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
work = Path(sys.argv[1])
work.mkdir()
with KernelSession(nb, work, cell_timeout=60, notebook_timeout=120) as session:
    status = session.run_cell(0).status
text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
mech = sandbox.mechanism()
print(json.dumps({"mechanism": mech.name if mech.name != "unshare" or mech.hides else "unshare without hiding",
                  "status": status, "text": text}))
"""


@pytest.mark.parametrize("mechanism", ["bubblewrap", "unshare"])
def test_a_kernel_of_the_installed_grader_sees_none_of_its_files(installed, tmp_path, mechanism):
    """bubblewrap, or else unshare's mount namespace, hides the installed packages (reference
    notebooks, key, data) under empty folders; "unshare" runs with a bwrap that refuses."""
    path = os.environ["PATH"]
    if mechanism == "unshare":
        (tmp_path / "bin").mkdir()
        (tmp_path / "bin" / "bwrap").write_text("#!/bin/sh\necho 'bwrap: user namespaces are forbidden' >&2\nexit 1\n")
        (tmp_path / "bin" / "bwrap").chmod(0o755)
        path = f"{tmp_path / 'bin'}{os.pathsep}{path}"
    peek = installed.run("python", "-c", PEEK, tmp_path / "work", cwd=tmp_path, PATH=path)
    assert peek.returncode == 0, peek.stderr[-2000:]
    seen = json.loads(peek.stdout.splitlines()[-1])
    if seen["mechanism"] != mechanism:
        pytest.skip(f"needs {mechanism}; the grader chose {seen['mechanism']} here")
    assert seen["status"] == "ok" and seen["text"].count("refused") == 4, seen
    assert "reached" not in seen["text"] and "listing []" in seen["text"], seen


def test_a_wheel_is_written_only_with_its_metadata(tmp_path):
    with pytest.raises(distribution.DistributionError, match=r"x.whl: a wheel needs exactly one .dist-info with "
                                                             r"METADATA and WHEEL; found none"):
        distribution.write_wheel(tmp_path / "x.whl", {"edf_ex2/__init__.py": b""})
    info = "demo-1.0.dist-info"
    (tmp_path / "init.py").write_bytes(b"X = 1\n")
    path = distribution.write_wheel(tmp_path / "demo-1.0-py3-none-any.whl", {
        f"{info}/METADATA": b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n", f"{info}/WHEEL": b"Tag: py3-none-any\n",
        "demo/__init__.py": tmp_path / "init.py"})
    with zipfile.ZipFile(path) as zf:  # the package first, .dist-info last, RECORD (PEP 376) naming each file
        assert zf.namelist() == ["demo/__init__.py", f"{info}/METADATA", f"{info}/WHEEL", f"{info}/RECORD"]
        assert ("demo/__init__.py", "sha256=Crrh4K5yghbuRJk8Wjp1X4scOH2Uf8TE9yyrDkqEIUs", "6") in _record(zf)
        assert (f"{info}/RECORD", "", "") in _record(zf)
