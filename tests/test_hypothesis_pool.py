"""A property check tries the same inputs wherever it runs (checking/hypothesis_pool.py):
hypothesis draws some values from the constants of the process's local modules, and which
modules are local differs between a checkout, the installed kit and a student's kernel. Each
run is a fresh process (hypothesis keeps that pool per process)."""
import json
import subprocess
import sys

import pytest

from tests.kit_runs import ROOT

DRAW = '''
import importlib, json, sys
from hypothesis import given, settings, strategies as st
from edf_autograder.checking.hypothesis_pool import same_examples_everywhere
if sys.argv[1] == "local":  # a local module full of constants, as a student's edf.py or a checkout's modules
    sys.path.insert(0, sys.argv[3])
    importlib.import_module("many_constants")
seen = []

@settings(derandomize=True, database=None, max_examples=400)
@given(st.floats(-100, 100), st.integers(-10**6, 10**6))
def draw(x, n):
    seen.append([x, n])

if sys.argv[2] == "pool off":
    with same_examples_everywhere():
        draw()
else:
    draw()
print(json.dumps(seen))
'''
CONSTANTS = "".join(f"C{i} = {v!r}\n" for i, v in enumerate([987654, 41.123456, -55.5, 123457, 77.0001, -999_999]))


def _draws(tmp_path, local: bool, pool: str) -> list:
    (tmp_path / "mods").mkdir(exist_ok=True)
    (tmp_path / "mods" / "many_constants.py").write_text(CONSTANTS)
    done = subprocess.run([sys.executable, "-c", DRAW, "local" if local else "none", pool, str(tmp_path / "mods")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_local_modules_change_nothing_a_check_tries(tmp_path):
    assert _draws(tmp_path, True, "pool off") == _draws(tmp_path, False, "pool off")


def test_without_it_they_would(tmp_path):
    """The control: hypothesis's own behaviour, which the pool's removal is there for."""
    if not hasattr(__import__("hypothesis.internal.conjecture.providers").internal.conjecture.providers,
                   "_get_local_constants"):
        pytest.skip("this hypothesis draws no local constants")
    assert _draws(tmp_path, True, "as is") != _draws(tmp_path, False, "as is")


def test_the_pool_is_restored_after_a_check():
    from hypothesis.internal.conjecture import providers

    from edf_autograder.checking.hypothesis_pool import same_examples_everywhere

    before = providers._get_local_constants
    with same_examples_everywhere():
        assert providers._get_local_constants is not before
    assert providers._get_local_constants is before
