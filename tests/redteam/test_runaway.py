"""Code that never stops, stops the kernel, or grabs the machine: the grader reaches a
verdict for the cell, goes on, and the machine keeps its memory and processes."""
import uuid

from edf_autograder.kernel import sandbox

from .harness import MECH, PeakRSS, contained, gone, limited, namespaced


def test_infinite_loop_times_out_and_the_next_cell_runs(hostile):
    ran = hostile("while True:\n    pass", "print('next')", cell_timeout=2)
    assert ran.status() == ["timeout", "ok"]
    assert ran.texts[1] == "next\n"


def test_a_kernel_that_ignores_interrupts_is_given_up_and_killed_quickly(hostile):
    ran = hostile("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
                  cell_timeout=2)
    assert ran.status() == ["timeout"]
    assert ran.exit_seconds < 5


@namespaced
def test_processes_the_kernel_detaches_die_with_it(hostile):
    marker = f"6{uuid.uuid4().int % 10**6}.5"
    ran = hostile(f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n"
                  f"import os\nif os.fork() == 0:\n    os.setsid()\n    os.execv('/bin/sleep', ['sleep', '{marker}'])")
    assert ran.status() == ["ok"]
    assert gone(f"sleep\0{marker}")


def test_sys_exit_is_an_error_and_the_kernel_goes_on(hostile):
    ran = hostile("import sys\nsys.exit(3)", "print('next')")
    assert ran.status() == ["error", "ok"]
    assert "SystemExit" in ran.runs[0].error


def test_os_exit_is_a_dead_kernel_reported_and_the_rest_not_run(hostile):
    ran = hostile("import os\nos._exit(1)", "print('next')")
    assert ran.status() == ["dead kernel", "not run"]
    assert "died in cell 1" in ran.dead_reason


def test_a_kernel_killing_itself_is_a_dead_kernel(hostile):
    ran = hostile("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "print('next')")
    # under unshare the kernel is its pid namespace's init, which ignores its own SIGKILL
    assert ran.status() == (["ok", "ok"] if MECH.name == "unshare" else ["dead kernel", "not run"])


@limited
def test_memory_bomb_is_a_memory_error_and_the_grader_stays_small(hostile):
    with PeakRSS() as rss:
        ran = hostile("x = bytearray(64 * 2**30)",
                      "hoard = []\nwhile True:\n    hoard.append(bytes(2**30))  # calloc: fast, untouched",
                      "del hoard\nprint('alive')")
    assert ran.status() == ["error", "error", "ok"]
    assert "MemoryError" in ran.runs[0].error and "MemoryError" in ran.runs[1].error
    assert rss.growth < 100


@contained
def test_fork_bomb_is_stopped_at_the_process_limit_and_cleaned_up(hostile):
    marker = f"7{uuid.uuid4().int % 10**6}.5"
    ran = hostile("import os\nchildren = 0\ntry:\n    while children < 5000:\n"
                  f"        if os.fork() == 0:\n            os.execv('/bin/sleep', ['sleep', '{marker}'])\n"
                  "        children += 1\nfinally:\n    print(children)",
                  "print('next')")
    assert ran.status() == ["error", "ok"]
    assert "BlockingIOError" in ran.runs[0].error
    assert int(ran.texts[0]) < sandbox.LIMITS["nproc"]
    assert gone(f"sleep\0{marker}")


@limited
def test_open_files_and_file_size_are_limited(hostile):
    ran = hostile("handles = [open('edf.py') for _ in range(100_000)]",
                  "with open('huge.bin', 'wb') as f:\n    f.seek(2 * 2**30)\n    f.write(b'x')",
                  "print('next')")
    assert ran.status() == ["error", "error", "ok"]
    assert "Too many open files" in ran.runs[0].error
    assert "File too large" in ran.runs[1].error


@contained
def test_tmp_and_shared_memory_are_small(hostile):
    ran = hostile("open('/tmp/fill', 'wb').write(bytes(2**30))",
                  "open('/dev/shm/fill', 'wb').write(bytes(2**30))",
                  "open('/fill', 'wb')")
    assert ran.status() == ["error", "error", "error"]
    assert "No space left" in ran.runs[0].error and "No space left" in ran.runs[1].error
    assert "Read-only file system" in ran.runs[2].error or "Permission denied" in ran.runs[2].error
