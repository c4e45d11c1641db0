"""Write the course's hand-out styles and faulty variants (tests/handout/) as one course folder,
one submission per style or variant, for `grader.py grade` (e.g. to measure the tutors' workbench):

    python scripts/make_handout_batch.py /tmp/handout-batch [--handout ../shared/course-handout]
    python grader.py grade /tmp/handout-batch --out /tmp/handout-out -j 2
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.handout import STYLES, VARIANTS, write_submission  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="the course folder to write (one sub-folder per submission)")
    parser.add_argument("--handout", type=Path, default=ROOT.parent / "shared" / "course-handout",
                        help="the course's hand-out folder (default ../shared/course-handout)")
    args = parser.parse_args(argv)
    if not (args.handout / "image_classification.ipynb").is_file():
        print(f"error: {args.handout}: no course hand-out here (image_classification.ipynb missing)", file=sys.stderr)
        return 2
    for name in [*STYLES, *VARIANTS]:
        print(write_submission(name, args.handout, args.dest / name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
