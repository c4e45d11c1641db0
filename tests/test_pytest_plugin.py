"""`pytest --submission PATH` runs the same checks, one test per item."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_one_test_per_item_with_the_items_message(tmp_path):
    # the plugin explicitly, whether or not the package (and its entry point) is installed
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", os.devnull, "--rootdir", str(tmp_path), "-p", "no:cacheprovider",
         "-p", "edf_autograder.integrations.pytest_plugin", "-q",
         "--submission", str(ROOT / "submissions" / "fails_2_3e_one_sided_difference"), "--submission-quick"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "1 failed" in run.stdout and "passed" in run.stdout
    assert "2.3e" in run.stdout and "symmetric" in run.stdout
