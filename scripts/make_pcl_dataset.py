#!/usr/bin/env python3
"""Make data/2d_pcl_dataset.npz: the project's own 2D point cloud (fixed seed).

100 points, 50 per label, x in [-0.5, 0.5], y in [-0.35, 0.25]. Label 0 lies above the
parabola y = 1.6 x^2 - 0.2 and label 1 below it, each at least MARGIN away, so a curved
boundary separates them and no line does (tests/test_pcl_dataset.py shows both).
"""
from pathlib import Path

import numpy as np

SEED = 2024
MARGIN = 0.03
OUT = Path(__file__).resolve().parent.parent / "data" / "2d_pcl_dataset.npz"


def boundary(x):
    return 1.6 * x ** 2 - 0.2


def make(seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    points = {0: [], 1: []}
    while min(len(p) for p in points.values()) < 50:
        x, y = rng.uniform(-0.5, 0.5), rng.uniform(-0.35, 0.25)
        gap = y - boundary(x)
        label = 0 if gap > MARGIN else 1 if gap < -MARGIN else None
        if label is not None and len(points[label]) < 50:
            points[label].append((x, y))
    X = np.array(points[0] + points[1], dtype=np.float64)
    y = np.repeat(np.array([0, 1], dtype=np.int64), 50)
    order = rng.permutation(100)
    return X[order], y[order]


if __name__ == "__main__":
    X, y = make()
    np.savez(OUT, X=X, y=y)
    print(f"wrote {OUT}: X {X.shape} in x [{X[:, 0].min():.3f}, {X[:, 0].max():.3f}], "
          f"y [{X[:, 1].min():.3f}, {X[:, 1].max():.3f}]; labels {np.bincount(y)}")
