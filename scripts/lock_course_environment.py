"""Write the lock of an exercise's course environment: every distribution pinned, the
transitive ones too, resolved by pip for this Python (binary wheels only).

Packages the grader also uses (numpy, matplotlib, pyzmq, ipykernel, ...) are pinned to the
grader's own versions, so that the kernel computes with the numpy the checks were
calibrated with and matplotlib's font cache can be shared.

    python scripts/lock_course_environment.py [--exercise ex2]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from importlib.metadata import distributions
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edf_autograder.exercise import load  # noqa: E402

HEADER = """\
# The course's environment for {title}: what {source} lists ({packages}) plus {kernel},
# pinned with every dependency for Python {python} (written by scripts/lock_course_environment.py;
# shared packages at the grader's own versions). Kernels run in a venv built from this file.
"""


def grader_pins() -> list[str]:
    return sorted({f"{d.metadata['Name']}=={d.version}" for d in distributions()
                   if d.metadata["Name"] and not d.read_text("direct_url.json")})


def resolve(wanted: list[str], constraints: list[str]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        pins, report = Path(tmp) / "constraints.txt", Path(tmp) / "report.json"
        pins.write_text("\n".join(constraints) + "\n")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--ignore-installed",
                        "--only-binary=:all:", "--report", str(report), "-c", str(pins), *wanted], check=True)
        found = json.loads(report.read_text())["install"]
    return sorted((f"{i['metadata']['name']}=={i['metadata']['version']}" for i in found), key=str.lower)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default=None)
    exercise = load(parser.parse_args().exercise)
    env = exercise.environment
    if env is None:
        sys.exit(f"{exercise.name} declares no environment")
    lines = resolve([*env.packages, *env.kernel], grader_pins())
    header = HEADER.format(title=exercise.title, source=env.source, packages=", ".join(env.packages),
                           kernel=", ".join(env.kernel), python=f"{sys.version_info[0]}.{sys.version_info[1]}")
    env.lock.write_text(header + "\n".join(lines) + "\n")
    print(f"{env.lock}: {len(lines)} distributions")


if __name__ == "__main__":
    main()
