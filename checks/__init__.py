"""The checks, one module per section of the sheet, each item declared with its points.

A check is a function `fn(ev) -> Verdict` registered with `@check(...)`; it may raise
`EvidenceMissing` (reported as "not found") and any `HarnessError` (reported as "error").
Totals are derived from the declarations, never typed.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from autograder.checking.verdicts import ItemSpec, Verdict

# The pipeline of check modules, in the sheet's order.
MODULES = (
    "checks.s2_1a_derivatives",
    "checks.s2_1bc_proof_and_update",
    "checks.s2_2_point_cloud",
    "checks.s2_3_mnist_models",
    "checks.s2_3d_activations",
    "checks.s2_3e_numerical_diff",
    "checks.s2_3fgh_sweeps",
    "checks.s2_3_inline_questions",
)


@dataclass(frozen=True)
class Check:
    spec: ItemSpec
    run: Callable[..., Verdict]


_REGISTRY: dict[str, Check] = {}


def check(id: str, title: str, points: float, *, slow: bool = False):
    """Declare a graded item: `@check("2.3d-relu", "ReLU forward/backward", 1)`."""
    section = id[:3]  # "2.3d-relu" -> "2.3"

    def register(fn):
        if id in _REGISTRY:
            raise RuntimeError(f"check {id} declared twice")
        _REGISTRY[id] = Check(ItemSpec(id, title, points, section, slow), fn)
        return fn

    return register


def all_checks() -> list[Check]:
    """Every registered check, in the order of MODULES and of definition."""
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return list(_REGISTRY.values())
