"""Fingerprint the course's own copies of the hand-out files (edf.py, mnist_loader.py) into
reference/course_copies.json: a student who hands in the course's copy, or a tidied one, is
told nothing, and a changed copy is compared definition by definition
(edf_autograder/intake/course_files.py). The files themselves stay out of the repository.

    python scripts/course_copies.py ../shared/course-handout
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from edf_autograder.intake.course_files import forms

NAMES = ("edf.py", "mnist_loader.py")
TARGET = Path(__file__).resolve().parents[1] / "reference" / "course_copies.json"


def main(handout: Path) -> None:
    copies = {}
    for name in NAMES:
        source = (handout / name).read_bytes()
        copies[name] = {"sha256": hashlib.sha256(source).hexdigest(), "forms": list(forms(source.decode("utf-8")))}
    TARGET.write_text(json.dumps(copies, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}: " + ", ".join(f"{n} ({len(c['forms'])} forms)" for n, c in copies.items()))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/course-handout"))
