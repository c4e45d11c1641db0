#!/usr/bin/env python3
"""Grade submission folders and write every item's status and points as JSON, so that a
change of the engine can be shown to keep every verdict (compare two snapshots with --compare).

    python scripts/verdict_snapshot.py OUT.json FOLDER... [--full]
    python scripts/verdict_snapshot.py --compare BEFORE.json AFTER.json
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def snapshot(folders: list[Path], quick: bool) -> dict:
    from edf_autograder.pipeline import grade

    out = {}
    for folder in folders:
        result = grade(folder, quick=quick)
        out[folder.name] = {i.id: [i.status, i.points] for i in result.items}
        print(f"{folder.name}: {result.score:g}", file=sys.stderr)
    return out


def compare(before: dict, after: dict) -> list[str]:
    diffs = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name, {}), after.get(name, {})
        for item in sorted(set(a) | set(b)):
            if a.get(item) != b.get(item):
                diffs.append(f"{name} {item}: {a.get(item)} -> {b.get(item)}")
    return diffs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if args.compare:
        diffs = compare(*(json.loads(p.read_text()) for p in args.paths))
        print("\n".join(diffs) or "same verdicts")
        return 1 if diffs else 0
    out, folders = args.paths[0], args.paths[1:]
    out.write_text(json.dumps(snapshot(folders, quick=not args.full), indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
