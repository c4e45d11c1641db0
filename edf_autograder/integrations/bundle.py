"""Packages of the grader for other people's CI: a Gradescope autograder zip and a GitHub
Classroom workflow."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from edf_autograder.exercise import load
from edf_autograder.integrations.classroom import workflow

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("autograder", "checks", "reference", "data", "pyproject.toml", "README.md", "grader.py")

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -euo pipefail
apt-get update && apt-get install -y python3 python3-pip python3-venv
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install /autograder/source
# the course's environment students' kernels run in, built once into the image
/autograder/venv/bin/edf-grader --exercise "{exercise}" env build
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades /autograder/submission and writes
# /autograder/results/results.json.
cd "${AUTOGRADER_ROOT:-/autograder}/source"
exec "${PYTHON:-/autograder/venv/bin/python}" -m edf_autograder.integrations.gradescope_run
"""


def _files():
    for name in SHIPPED:
        path = ROOT / name
        if path.is_file():
            yield path
        else:
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and "__pycache__" not in p.parts)


def gradescope(out: Path, *, exercise: str | None = None, hidden_until_due: tuple[str, ...] = (),
               quick: bool = False) -> Path:
    """The autograder zip. Gradescope unpacks it into /autograder/source and runs setup.sh
    once, then /autograder/run_autograder (a copy of ours) for every submission."""
    out = Path(out)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        setup = SETUP.format(exercise=load(exercise).name)
        for name, text in (("setup.sh", setup), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            zf.writestr(info, text)
        for path in _files():
            zf.write(path, str(path.relative_to(ROOT)))
        zf.writestr("config.json", json.dumps({"exercise": load(exercise).name,
                                               "hidden_until_due": list(hidden_until_due), "quick": quick}))
    return out


def github(out: Path, *, exercise: str | None = None) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(workflow(name=exercise))
    return out
