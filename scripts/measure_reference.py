#!/usr/bin/env python3
"""Grade the reference solution and print the measured figures as Markdown: the
grader's held-out errors, the errors the notebooks print, and the point-cloud counts.
Its output is recorded in docs/reference-results.md and calibrates checks/thresholds.py.

    python scripts/measure_reference.py [--data DIR] [--quick]
"""
import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edf_autograder.pipeline import grade  # noqa: E402
from edf_ex2 import data  # noqa: E402

# what the course's train_and_test and train print, and the reference's sweep solutions
EPOCH = re.compile(r"Epoch: (\d+)/\d+ .*?Training Error ([\d.]+) %.*?Test Error ([\d.]+) %", re.S)
SWEEP = re.compile(r"(lr|depth|hidden) = ([\d.]+): train error ([\d.]+) %, test error ([\d.]+) %")
WRONG = re.compile(r"iter: \d+, error: (\d+)\.0+$", re.M)


def printed(nb_path: Path) -> list[tuple[str, str]]:
    """(cell tag, last epoch / sweep / point-count line) for every training cell."""
    rows = []
    for cell in nbformat.read(nb_path, 4).cells:
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        tag = (cell.metadata.get("tags") or ["?"])[0]
        epochs, sweeps, wrong = EPOCH.findall(text), SWEEP.findall(text), WRONG.findall(text)
        if sweeps:
            rows += [(tag, f"{w} = {v}: train {tr} %, test {te} %") for w, v, tr, te in sweeps]
        elif epochs:
            rows.append((tag, f"after {epochs[-1][0]} epochs: train {epochs[-1][1]} %, test {epochs[-1][2]} %"))
        elif wrong:
            rows.append((tag, f"{wrong[-1]} of 100 points wrong"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--figures", action="store_true",
                        help="also write reference/figures.json (the reference panels of feedback pages)")
    args = parser.parse_args()
    dataset = data.resolve(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        kept = Path(tmp) / "executed"
        result = grade(ROOT / "reference", quick=args.quick, dataset=dataset, keep_notebooks=kept)
        if args.figures:
            (ROOT / "reference" / "figures.json").write_text(json.dumps(result.figures))
        print(f"Data: {dataset.description}\n")
        print(f"Score: {result.score}/{result.max_score} automatic, suggested {result.suggested_score}; "
              f"{result.duration:.0f} s\n")
        print("| item | status | what the grader measured |\n|---|---|---|")
        for item in result.items:
            if item.section != "2.1":
                print(f"| {item.id} | {item.status} | {item.message.splitlines()[0][:160] if item.message else ''} |")
        print("\n| notebook cell | what the notebook printed |\n|---|---|")
        for name in ("pcl_binary_classification.ipynb", "image_classification.ipynb"):
            for tag, line in printed(kept / name):
                print(f"| {tag} | {line} |")


if __name__ == "__main__":
    main()
