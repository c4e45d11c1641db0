"""Where bubblewrap (or unshare) is missing, the grader still runs notebooks, with the
weaker containment named in every report and a warning logged; `required` refuses."""
import logging
import shutil
import socket

import pytest

from edf_autograder import distribution
from edf_autograder.kernel import sandbox
from edf_ex2 import key
from edf_ex2.exercise import REFERENCE

REAL_WHICH = shutil.which


@pytest.fixture
def machine(monkeypatch):
    """Pretend some programs are not installed; the mechanism is chosen afresh."""
    def without(*missing: str, switch: str = "auto"):
        monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name in missing else REAL_WHICH(name, *a, **k))
        monkeypatch.setenv(sandbox.SWITCH, switch)
        sandbox._detect.cache_clear()
    yield without
    sandbox._detect.cache_clear()


@pytest.mark.skipif(not REAL_WHICH("unshare"), reason="unshare is not installed")
def test_without_bubblewrap_unshare_keeps_the_network_out_and_says_the_rest(machine, hostile, caplog):
    machine("bwrap")
    with caplog.at_level(logging.WARNING, logger="edf_autograder.kernel.sandbox"):
        line = sandbox.describe()
    if sandbox.mechanism().name != "unshare":
        pytest.skip(f"unshare cannot make namespaces here: {line}")
    assert "WEAK (bubblewrap not found)" in line and "file system NOT isolated" in line
    assert "NOT fully contained" in caplog.text
    with socket.create_server(("127.0.0.1", 0)) as server:
        ran = hostile(f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {server.getsockname()[1]}), 3)\n"
                      "    print('connected')\nexcept OSError:\n    print('refused')")
    assert ran.status() == ["ok"] and ran.texts == ["refused\n"]


@pytest.mark.skipif(not REAL_WHICH("unshare"), reason="unshare is not installed")
def test_without_bubblewrap_unshare_hides_the_graders_own_files(machine, hostile):
    machine("bwrap")
    mech = sandbox.mechanism()
    if not mech.hides:
        pytest.skip(f"unshare cannot hide folders here: {sandbox.describe()}")
    assert "the grader's own files hidden, no capabilities" in sandbox.describe()
    secrets = [str(REFERENCE / "pen_and_paper_key.toml"), str(REFERENCE / "image_classification.ipynb"),
               key.__file__, distribution.__file__]
    ran = hostile(f"import os, subprocess\nfor path in {secrets!r}:\n    try:\n        open(path).read(1)\n"
                  "        print('reached', path)\n    except OSError:\n        print('refused')\n"
                  f"print(subprocess.run(['umount', {str(REFERENCE)!r}], capture_output=True).returncode)")
    lines = ran.texts[0].splitlines()
    assert ran.status() == ["ok"] and lines[:4] == ["refused"] * 4 and lines[4] != "0", ran.texts  # umount refused


def test_with_nothing_the_kernel_still_runs_with_limits_and_a_loud_line(machine, hostile):
    machine("bwrap", "unshare")
    line = sandbox.describe()
    assert sandbox.mechanism().name == "none"
    assert "NOT network-isolated" in line and "file system NOT isolated" in line
    ran = hostile("print('graded')", "x = bytearray(64 * 2**30)")
    assert ran.texts[0] == "graded\n"
    if REAL_WHICH("prlimit"):
        assert "MemoryError" in ran.runs[1].error


def test_required_refuses_to_run_without_bubblewrap(machine):
    machine("bwrap", switch="required")
    with pytest.raises(sandbox.SandboxError, match="required but bubblewrap not found"):
        sandbox.mechanism()


def test_off_is_said_in_the_report(machine, hostile):
    machine(switch="off")
    assert sandbox.describe().startswith("sandbox off")
    assert hostile("print(1)").status() == ["ok"]


def test_a_misspelt_switch_is_an_error_for_people(machine):
    machine(switch="strict")
    with pytest.raises(sandbox.SandboxError, match="expected off, auto or required"):
        sandbox.mechanism()
