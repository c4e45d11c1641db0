"""Write an exercise's self-check kit: a wheel (`edf-selfcheck`) holding the engine's kit
modules (`contents`), the exercise's public modules (its `Kit` declaration), the quick
check's data and the manifest; optionally the wheels it depends on, for offline installs.

Everything in the wheel is named by an allow-list; the build refuses a declaration that
would carry the check of an item students may not see the verdict of (its module may hold
the key), or that leaves a public item's check out.
"""
from __future__ import annotations

import importlib.util
import json
import re
import tempfile
from pathlib import Path

from edf_autograder import __version__
from edf_autograder.exercise import GROUP, Exercise, Kit, load
from edf_autograder.kit import contents, platforms
from edf_autograder.kit.manifest import DATA, FILES, MANIFEST, KitError, record
from edf_autograder.kit.wheel import write_wheel

DISTRIBUTION, PACKAGE = "edf-selfcheck", "edf_selfcheck"
COMMAND = "edf-selfcheck"

INIT = '''"""Self-check of {title}: `edf-selfcheck FOLDER` (or `python -m edf_selfcheck FOLDER`) runs the
quick check of your notebooks as the grader does, with the checks whose verdicts you may see."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def check(*submission: str, **options):
    """In a notebook: `import edf_selfcheck; edf_selfcheck.check(".")` prints the report, returns the result."""
    from edf_autograder.kit.cli import check as run
    return run(*(submission or (".",)), root=ROOT, **options)


def __getattr__(name: str):
    """`EXERCISE`: the kit's exercise, also found by name as an installed exercise (entry point)."""
    if name == "EXERCISE":
        from edf_autograder.kit.manifest import load
        return load(ROOT)
    raise AttributeError(name)
'''
MAIN = "import sys\n\nfrom edf_autograder.kit.cli import main\n\nsys.exit(main())\n"


def public_modules(exercise: Exercise, kit: Kit) -> tuple[str, ...]:
    """The exercise's check modules the kit carries, after checking the declaration."""
    for chk in exercise.checks():
        spec, module = chk.spec, chk.run.__module__
        shown = spec.students == "verdict" and not spec.hidden
        if module in kit.modules and not shown:
            what = "hidden" if spec.hidden else f"students={spec.students!r}"
            raise KitError(f"{module} is one of the kit's modules, but its item {spec.id} is {what}: the kit would "
                           "carry its check and what it compares with; declare that item in a module of its own")
        if shown and module not in kit.modules:
            raise KitError(f"item {spec.id} shows students its verdict, but its module {module} is not among the "
                           "kit's modules (Kit.modules): add it and the modules it imports")
        if spec.students == "readable" and not spec.hidden and spec.id not in kit.readable:
            raise KitError(f"item {spec.id} is students='readable' but Kit.readable does not say which answers it reads")
    return tuple(m for m in exercise.check_modules if m in kit.modules)


def _module_files(module: str) -> dict[str, bytes]:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise KitError(f"module {module} of the kit's allow-list cannot be found")
    path = Path(spec.origin)
    name = module.replace(".", "/") + ("/__init__.py" if spec.submodule_search_locations is not None else ".py")
    return {name: path.read_bytes()}


def _package_data(package: str, names: tuple[str, ...]) -> dict[str, bytes]:
    folder = Path(importlib.util.find_spec(package).origin).parent
    return {f"{package.replace('.', '/')}/{name}": (folder / name).read_bytes() for name in names}


def requirements(exercise_requires: tuple[str, ...]) -> tuple[str, ...]:
    """What the kit's wheel requires: ranges, never the grader's pins, so that installing it changes
    none of the student's packages (contents.REQUIRES says where each floor comes from)."""
    return (*contents.REQUIRES, *exercise_requires)


def _files(exercise: Exercise, kit: Kit) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for module in (*contents.ENGINE_MODULES, *kit.modules):
        files |= _module_files(module)
    for package, names in contents.ENGINE_DATA.items():
        files |= _package_data(package, names)
    root = PACKAGE
    staged = {name: f"{FILES}/staged/{name}" for name in exercise.staged}
    handout = {name: f"{FILES}/handout/{name}" for name in exercise.handout_files}
    for name, where in staged.items():
        files[f"{root}/{where}"] = Path(exercise.staged[name]).read_bytes()
    for name, where in handout.items():
        files[f"{root}/{where}"] = Path(exercise.handout_files[name]).read_bytes()
    if exercise.answers:
        files[f"{root}/{FILES}/answers_template.toml"] = exercise.answers.template.read_bytes()
    with tempfile.TemporaryDirectory(prefix="edf-kit-data-") as tmp:
        kit.data(Path(tmp))
        for path in sorted(Path(tmp).rglob("*")):
            if path.is_file():
                files[f"{root}/{DATA}/{path.relative_to(tmp).as_posix()}"] = path.read_bytes()
    manifest = record(exercise, kit, public_modules(exercise, kit), staged, handout)
    files[f"{root}/{MANIFEST}"] = json.dumps(manifest, indent=1).encode()
    files[f"{root}/__init__.py"] = INIT.format(title=exercise.title).encode()
    files[f"{root}/__main__.py"] = MAIN.encode()
    return files


def _entry_points(exercise: Exercise) -> dict[str, dict[str, str]]:
    """The command, and the kit's exercise under the exercise's name (`load("ex2")` in the kit
    finds it, e.g. for an in-notebook check), where that name is a plain one."""
    points = {"console_scripts": {COMMAND: "edf_autograder.kit.cli:main"}}
    if re.fullmatch(r"[A-Za-z0-9_.-]+", exercise.name):
        points[GROUP] = {exercise.name: f"{PACKAGE}:EXERCISE"}
    return points


def build(outdir: Path, *, exercise: Exercise | str | None = None, wheels: bool = False,
          targets: tuple[str, ...] = platforms.TARGETS) -> list[Path]:
    """Write the kit into `outdir`: its wheel, and with `wheels` the wheels of everything it
    requires on each of `targets` ("linux-x86_64/3.12"; default: every system and CPython
    students use), so that `pip install --no-index --find-links OUTDIR edf-selfcheck` needs no network."""
    exercise = load(exercise)
    if exercise.kit is None:
        raise KitError(f"{exercise.name} declares no self-check kit (Exercise.kit): students get no self-check")
    outdir = Path(outdir)
    requires = requirements(exercise.kit.requires)
    wheel = write_wheel(outdir, DISTRIBUTION, __version__, _files(exercise, exercise.kit),
                        summary=f"Self-check of {exercise.title} (public checks only)",
                        requires=requires, entry_points=_entry_points(exercise))
    (outdir / "README.md").write_text(README.format(title=exercise.title, wheel=wheel.name), encoding="utf-8")
    written = [wheel, outdir / "README.md"]
    if wheels:
        before = set(outdir.iterdir())
        platforms.download(outdir, wheel, requires, targets)
        written += sorted(set(outdir.iterdir()) - before)
    return written


README = """\
# Self-check: {title}

This folder is the self-check: the grader's quick check with the checks whose verdicts you may
see. It holds no solutions and no answer key; your official grade is made by your instructor.

Install it into the Python environment you use for the exercise. It changes none of that
environment's packages: it requires ranges (numpy 2.0.2 or newer, ipykernel 6.17.1 or newer, ...)
and adds only what is missing (the wheel file by its name: no other package of that name
can be picked from the internet). From the folder that holds this `selfcheck` folder:

- Colab (upload the `selfcheck` folder first), in a cell:
      %pip install --find-links selfcheck selfcheck/{wheel}
- a conda environment (e.g. the course's `deep_learning_basic`):
      conda activate deep_learning_basic
      python -m pip install --find-links selfcheck selfcheck/{wheel}
- a venv:
      python3 -m venv .venv
      .venv/bin/python -m pip install --find-links selfcheck selfcheck/{wheel}
      (on Windows: .venv\\Scripts\\python -m pip ...)
- offline (no network; Windows amd64, macOS 11+ arm64 or x86_64, Linux x86_64 or aarch64;
  CPython 3.11, 3.12 or 3.13), where this folder holds the other wheels:
      python -m pip install --no-index --find-links selfcheck edf-selfcheck

Then, in the folder with your notebooks and answer files:

    edf-selfcheck .

or, in a notebook cell: `import edf_selfcheck; edf_selfcheck.check(".")`.

It runs your notebooks on a small slice of the data: items that need full training are skipped,
pen-and-paper answers are only read back to you ("your answer reads as ..."), never marked, and
free-text answers are graded by a tutor.
"""
