"""How many decisions tutors take with the workbench's groups, against the rows of
review_queue.csv they fill in without it, for one or more graded output folders together:

    python scripts/measure_workbench.py OUT [OUT ...]

A group is one decision (its answers are identical after normalisation, the same number, or
near-duplicates); answers without text (handwritten, unread, in error) are one decision each.
Flag rows are read, not decided: counted apart."""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from edf_autograder.reports.gradebook import FLAG  # noqa: E402
from edf_autograder.workbench import answers  # noqa: E402
from edf_autograder.workbench.batch import Batch  # noqa: E402
from edf_autograder.workbench.grouping import group  # noqa: E402


def queue_rows(out: Path) -> Counter:
    with open(out / "review_queue.csv", newline="", encoding="utf-8-sig") as fh:
        return Counter("flags" if r["item"].startswith(FLAG) else r["item"] for r in csv.DictReader(fh))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outs", type=Path, nargs="+", help="output folders of `grader.py grade`")
    args = parser.parse_args(argv)
    records = []
    rows: Counter = Counter()
    for out in args.outs:
        # safe ids are unique per folder only: prefix them with the folder's name
        records += [r | {"safe_id": f"{out.name}/{r['safe_id']}"} for r in Batch(out).refresh().records]
        rows += queue_rows(out)
    items = answers.items(records)
    print(f"{len(records)} submissions from {', '.join(str(o) for o in args.outs)}")
    print(f"{'item':<12}{'queue rows':>12}{'groups':>8}   largest groups")
    decisions = 0
    for item_id, item in items.items():
        groups = group(item_id, item.answers)
        decisions += len(groups)
        print(f"{item_id:<12}{rows[item_id]:>12}{len(groups):>8}   {', '.join(str(g.size) for g in groups[:6])}")
    manual_rows = sum(n for k, n in rows.items() if k != "flags")
    print(f"{'total':<12}{manual_rows:>12}{decisions:>8}")
    print(f"review_queue.csv: {sum(rows.values())} rows ({manual_rows} to score, {rows['flags']} flags to read); "
          f"workbench: {decisions} decisions (+ the same {rows['flags']} flags to read)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
