"""The same examples wherever a check runs: the grader from a checkout, the installed grader,
the students' kit, the in-notebook check in a student's kernel.

Hypothesis (from 6.131) draws about 5 % of its values from constants it finds in the process's
*local* modules: any .py file outside site-packages and the standard library. Which modules
are local differs by where a check runs (a checkout of the grader has its ~80 own modules
there, the installed kit none, a student's kernel their edf.py and whatever the notebook
imported), so with `derandomize=True` each would try other inputs, and "never more lenient,
never harsher" would rest on every property check catching the same faults on different
examples. While a check runs, that pool is empty, everywhere; the constants hypothesis ships
with are kept. Hypothesis has no setting for this (6.170), so the pool's one function is
replaced for the check's duration and restored after; a hypothesis without it needs nothing.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager


def _providers():
    try:
        module = importlib.import_module("hypothesis.internal.conjecture.providers")
    except ImportError:
        return None
    has_pool = callable(getattr(module, "_get_local_constants", None)) and callable(getattr(module, "Constants", None))
    return module if has_pool else None


@contextmanager
def same_examples_everywhere() -> Iterator[None]:
    providers = _providers()
    if providers is None:
        yield
        return
    local = providers._get_local_constants
    providers._get_local_constants = providers.Constants  # an empty pool, made afresh for each test case
    try:
        yield
    finally:
        providers._get_local_constants = local
