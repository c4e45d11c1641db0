#!/usr/bin/env python3
"""How often the grader gives a 2.1 item the verdict a tutor would give.

Grades every answer file of tests/answer_files/ (a `NAME.toml` is handed in as
pen_and_paper.toml, a folder `NAME/` as its files) through `grade()`, the path every user
takes, and compares each 2.1 item with tests/answer_files/expected.toml:

    python scripts/measure_pen_and_paper.py [--verbose] [--answers tests/answer_files_heldout]

An item is `right` when it gets the tutor's verdict (the same points automatically, or the
review queue where a tutor must read it), `to review` when it goes to the review queue
although a tutor would have agreed with an automatic verdict, and `wrong` otherwise (a silent
wrong score). Only the public `grade()` is used, so the script measures any version.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edf_autograder.pipeline import grade  # noqa: E402

ANSWERS = ROOT / "tests" / "answer_files"
FREE_TEXT = ("2.1b", "2.1c-ii", "2.1c-iii")
CANARY = Path("/tmp/pnp-pwned")  # the hostile answers try to create it


def outcome(item) -> str:
    if item.status == "manual":
        return "review"
    share = item.points / item.max_points
    return "full" if share == 1 else "zero" if share == 0 else f"part:{share:g}"


def expected_for(case: dict, item_id: str) -> str:
    return case.get(item_id, "review" if item_id in FREE_TEXT else "full")


def hand_in(entry: Path, folder: Path) -> None:
    folder.mkdir()
    if entry.is_dir():
        for f in entry.iterdir():
            shutil.copy(f, folder / f.name)
    else:
        shutil.copy(entry, folder / "pen_and_paper.toml")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every item that is not right")
    parser.add_argument("--answers", type=Path, default=ANSWERS, help="a folder of answer files and expected.toml")
    args = parser.parse_args()
    answers = args.answers.resolve()
    expected = tomllib.loads((answers / "expected.toml").read_text(encoding="utf-8"))
    CANARY.unlink(missing_ok=True)
    counts = {"right": 0, "to review": 0, "wrong": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for name, case in expected.items():
            entry = answers / name if (answers / name).is_dir() else answers / f"{name}.toml"
            hand_in(entry, Path(tmp) / name)
            result = grade(Path(tmp) / name, quick=True)
            for item in (i for i in result.items if i.section == "2.1"):
                got, want = outcome(item), expected_for(case, item.id)
                kind = "right" if got == want else "to review" if got == "review" else "wrong"
                counts[kind] += 1
                if kind != "right" and args.verbose:
                    print(f"{name:<28} {item.id:<9} {kind:<9} got {got:<9} tutor {want:<9} "
                          f"{' '.join(item.message.split())[:110]}")
    total = sum(counts.values())
    print(f"{len(expected)} answer files, {total} items: "
          + ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in counts.items()))
    print(f"hostile answers executed: {'YES' if CANARY.exists() else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
