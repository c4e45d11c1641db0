"""Packages of the grader for other people's CI: a Gradescope autograder zip and a GitHub
Classroom workflow."""
from __future__ import annotations

import json
import tempfile
import zipfile
from importlib.metadata import entry_points
from pathlib import Path

from edf_autograder import distribution
from edf_autograder.errors import HarnessError
from edf_autograder.exercise import GROUP, load
from edf_autograder.integrations.classroom import workflow

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image: the grader is the wheel beside it.
set -euo pipefail
apt-get update && apt-get install -y python3 python3-pip python3-venv
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install /autograder/source/{wheel}
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


class BundleError(HarnessError):
    """The bundle asked for cannot carry what it would need to grade."""


def _shipped(name: str) -> None:
    """The exercise must come with the grader's wheel: another package's is not in the bundle."""
    points = {ep.name: ep for ep in entry_points(group=GROUP)}
    module = name.partition(":")[0] if ":" in name else points[name].module if name in points else ""
    if module.split(".")[0] not in distribution.PACKAGES:
        raise BundleError(f"exercise {name!r} lives in {module or 'an unknown module'}, outside the grader's "
                          f"packages ({', '.join(distribution.PACKAGES)}), which are all the bundle ships; "
                          "install it as a package of its own and grade it there, or add it to this project")


def gradescope(out: Path, *, exercise: str | None = None, hidden_until_due: tuple[str, ...] = (),
               quick: bool = False, wheel: Path | None = None) -> Path:
    """The autograder zip: the grader as a wheel (`wheel`, else the running grader packed as
    one), its config, and the two scripts. Gradescope unpacks it into /autograder/source and
    runs setup.sh once, then /autograder/run_autograder (a copy of ours) for every submission."""
    name = load(exercise).name
    _shipped(name)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="edf-bundle-") as tmp:
        wheel = Path(wheel) if wheel else distribution.grader_wheel(Path(tmp))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for script, text in (("setup.sh", SETUP.format(wheel=wheel.name, exercise=name)), ("run_autograder", RUN)):
                info = zipfile.ZipInfo(script)
                info.external_attr = 0o100755 << 16
                zf.writestr(info, text)
            zf.write(wheel, wheel.name)
            zf.writestr("config.json", json.dumps({"exercise": name, "hidden_until_due": list(hidden_until_due),
                                                   "quick": quick}))
    return out


def github(out: Path, *, exercise: str | None = None) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(workflow(name=exercise))
    return out
