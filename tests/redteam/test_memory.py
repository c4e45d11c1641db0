"""Memory across processes: RLIMIT_AS caps each process, so children that each allocate
up to it could exhaust the machine. The kernel's whole tree is capped (a cgroup, else the
grader's watchdog, forced here with EDF_GRADER_CGROUP=off): past the cap the tree dies,
the grader says why, and the grader and the batch go on.

Sizes are small so that a failure stays contained on a shared machine: a 1 GiB cap and
1.25 GiB of address space per process (a kernel with numpy takes ~0.75 GiB of it, so each
child can add ~0.5 GiB: four of them hold ~2 GiB if nothing stops them)."""
import json
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from edf_autograder.batch.run import grade_all
from edf_autograder.kernel import memory_cap, process_tree, sandbox

from .harness import MECH, PeakRSS, gone, limited

MiB = 2**20
EXAMPLES = Path(__file__).resolve().parents[2] / "submissions"

HOG = """
import time
def hog(block=32 * 2**20):
    held = []
    try:
        while True:
            held.append(bytearray(b'x') * block)  # written, so resident (bytearray(n) would not be)
    except MemoryError:  # this process's own limit: hold what it has
        pass
    time.sleep(600)
"""
ATTACKS = {
    "os.fork": HOG + "import os\nchildren = []\nfor _ in range(4):\n    pid = os.fork()\n"
               "    if pid == 0:\n        hog()\n        os._exit(0)\n    children.append(pid)\n"
               "for pid in children:\n    os.waitpid(pid, 0)",
    "multiprocessing": HOG + "import multiprocessing\n"
                       "with multiprocessing.get_context('fork').Pool(4) as pool:\n"
                       "    pool.map(hog, [32 * 2**20] * 4)",
}


@pytest.fixture(params=["cgroup", "watchdog"])
def capped(request, monkeypatch) -> memory_cap.Method:
    monkeypatch.setenv(memory_cap.MEMORY_SWITCH, "1G")
    monkeypatch.setenv(memory_cap.CGROUP_SWITCH, "auto" if request.param == "cgroup" else "off")
    monkeypatch.setitem(sandbox.LIMITS, "as", 1280 * MiB)
    how = memory_cap.method()
    if request.param == "cgroup" and how.base is None:
        pytest.skip(f"no writable cgroup with a memory controller here: {how.missing}")
    return how


@limited
@pytest.mark.parametrize("attack", ATTACKS)
def test_children_past_the_cap_together_kill_the_kernel_and_say_why(hostile, capped, attack):
    assert (capped.name if capped.base else "watchdog") in sandbox.describe()
    with PeakRSS() as rss:
        ran = hostile("print('before')", ATTACKS[attack], "print('after')", cell_timeout=60)
    assert ran.status() == ["ok", "dead kernel", "not run"]
    assert "more than 1.0 GiB, the cap on a notebook's memory" in ran.runs[1].error
    assert "died in cell 2 (the kernel's processes together" in ran.dead_reason
    assert len(ran.events) == 1 and ran.events[0].startswith("memory: ") and ran.events[0].endswith("(cell 2)")
    assert ran.runs[1].duration < 30
    assert rss.growth < 100


@limited
def test_detached_grandchildren_are_killed_too(hostile, capped):
    if capped.base is None and MECH.name == "none":
        pytest.skip("without a pid namespace or cgroup, a process re-parented before the watchdog's "
                    "first look is outside the tree it sees (docs/sandbox.md)")
    marker = f"edf-hog-{uuid.uuid4().hex[:8]}"
    spawn = (f"import os, subprocess, sys, time\nhog = {HOG + 'hog()'!r} + '  # {marker}'\n"
             "if os.fork() == 0:  # double fork: the hogs' parent exits at once\n"
             "    os.setsid()\n"
             "    for _ in range(4):\n"
             "        subprocess.Popen([sys.executable, '-c', hog], start_new_session=True)\n"
             "    os._exit(0)\n"
             "time.sleep(60)")
    ran = hostile(spawn, "print('after')", cell_timeout=90)
    assert ran.status() == ["dead kernel", "not run"]
    assert ran.events and "cap on a notebook's memory" in ran.events[0]
    assert gone(marker)


@limited
@pytest.mark.parametrize("capped", ["cgroup"], indirect=True)
def test_a_cgroup_also_counts_memory_no_process_maps(hostile, capped):
    """Files in memory (memfd) that no process maps are not resident anywhere: the watchdog
    does not see them (docs/sandbox.md), a cgroup does."""
    fill = ("import os\nfiles = []\nfor _ in range(3):\n    files.append(os.memfd_create('x'))\n"
            "    for _ in range(25):\n        os.write(files[-1], b'x' * 16 * 2**20)\nprint('kept')")
    ran = hostile(fill, "print('after')")
    assert ran.status() == ["dead kernel", "not run"]
    assert ran.events and ran.events[0].endswith("(cell 1)")


@limited
def test_children_sharing_the_kernels_pages_are_not_counted_twice(hostile, capped):
    """A fork shares its parent's pages: three processes each show 0.45 GiB resident
    (1.35 GiB summed, past the cap) but hold 0.45 GiB together, and are left alone."""
    share = ("import os, time\nimport numpy as np\nbig = np.ones(450 * 2**20 // 8)\nchildren = []\n"
             "for _ in range(2):\n    pid = os.fork()\n    if pid == 0:\n        big.sum()\n"
             "        time.sleep(1.5)\n        os._exit(0)\n    children.append(pid)\n"
             "for pid in children:\n    os.waitpid(pid, 0)\nprint('done')")
    ran = hostile(share, "print('after')")
    assert ran.status() == ["ok", "ok"] and ran.texts == ["done\n", "after\n"]
    assert ran.events == []


def test_the_cap_is_set_by_an_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(memory_cap.MEMORY_SWITCH, "1.5G")
    assert memory_cap.cap_bytes() == 1536 * MiB
    assert memory_cap.cap_bytes("512M") == memory_cap.cap_bytes("512MiB") == 512 * MiB
    assert memory_cap.cap_bytes("") == memory_cap.DEFAULT_CAP
    with pytest.raises(sandbox.SandboxError, match="too small for a kernel"):
        memory_cap.cap_bytes("4")
    monkeypatch.setenv(memory_cap.MEMORY_SWITCH, "four gigs")
    with pytest.raises(sandbox.SandboxError, match="expected a size such as 4G"):
        sandbox.kernel_manager(tmp_path, exchange=tmp_path, cpu_seconds=60)
    monkeypatch.setenv(memory_cap.MEMORY_SWITCH, "off")
    if MECH.name != "off":
        assert "memory NOT capped (EDF_GRADER_MEMORY=off)" in sandbox.describe()
    km = sandbox.kernel_manager(tmp_path, exchange=tmp_path, cpu_seconds=60)
    km.release()
    assert km.cap is None


def test_a_cgroup_folder_that_cannot_be_used_is_an_error_for_people(monkeypatch, tmp_path):
    monkeypatch.setenv(memory_cap.CGROUP_SWITCH, str(tmp_path))
    with pytest.raises(sandbox.SandboxError, match=f"{memory_cap.CGROUP_SWITCH}=.*give a cgroup folder"):
        memory_cap.method()


@limited
def test_a_memory_attack_in_a_batch_is_contained_and_the_batch_goes_on(tmp_path, monkeypatch):
    """The attacker and a correct submission (quick mode), two workers: the attacker's
    kernel is killed and its report says why; the other is graded as on its own."""
    monkeypatch.setenv(memory_cap.MEMORY_SWITCH, "1G")
    course = tmp_path / "course"
    shutil.copytree(EXAMPLES / "passes_all", course / "passes_all")
    (course / "attacker").mkdir()
    attack = HOG.replace("while True:", "for _ in range(16):  # 0.5 GiB each") + (
        "import os\nfor _ in range(4):\n    if os.fork() == 0:\n        hog()\n        os._exit(0)\n"
        "for _ in range(4):\n    os.wait()")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in ("print('start')", attack)])
    nbformat.write(nb, course / "attacker" / "image_classification.ipynb")
    assert grade_all(course, tmp_path / "out", jobs=2, quick=True) == 0
    results = {p.parent.name: json.loads(p.read_text()) for p in (tmp_path / "out" / "students").glob("*/result.json")}
    assert set(results) == {"attacker", "passes_all"}
    assert any("died in cell 2 (the kernel's processes together used more than 1.0 GiB" in note
               for note in results["attacker"]["notes"])
    wrong = {i["id"]: i["message"][:200] for i in results["passes_all"]["items"]
             if i["status"] not in ("pass", "manual", "skipped")}
    assert wrong == {}


def test_the_grader_finds_its_own_cgroups_v2_first():
    systemd_v2 = "0::/user.slice/user-1000.slice/session-2.scope\n"
    mounts = "35 24 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
    assert memory_cap._own_cgroups(systemd_v2, mounts) == [
        ("v2", Path("/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope"))]
    container_v1 = "4:memory:/docker/abc\n0::/\n"
    mounts = ("40 31 0:32 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n"
              "41 31 0:33 /docker/abc /sys/fs/cgroup/pids ro - cgroup cgroup rw,pids\n"
              "42 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n")
    assert memory_cap._own_cgroups(container_v1, mounts) == [
        ("v2", Path("/sys/fs/cgroup/unified")), ("v1", Path("/sys/fs/cgroup/memory"))]


def test_a_cgroup_v2_group_is_capped_without_swap_and_killed_whole(tmp_path):
    """The files a v2 kernel cgroup gets, on a stand-in folder (this may run on a v1 machine)."""
    cap = memory_cap.TreeCap(512 * MiB, memory_cap.Method("cgroup v2", tmp_path))
    group = cap.group
    assert group.parent == tmp_path and group.name.startswith(memory_cap.GROUP_PREFIX)
    assert [(group / f).read_text() for f in ("memory.max", "memory.swap.max", "memory.oom.group")] == [
        str(512 * MiB), "0", "1"]
    assert cap.prefix()[-1] == str(group / "cgroup.procs")
    (group / "memory.events").write_text("low 0\nhigh 0\nmax 7\noom 1\noom_kill 0\noom_group_kill 1\n")
    assert cap.cause().startswith("the kernel's processes together used more than 512 MiB")
    assert (group / "cgroup.kill").read_text() == "1"  # every process at once (Linux >= 5.14)



@pytest.mark.parametrize("children_file", [True, False])
def test_the_watchdog_finds_every_descendant(monkeypatch, children_file):
    """From each thread's children file, or (kernels built without it) every process's parent."""
    monkeypatch.setattr(process_tree, "HAS_CHILDREN_FILE", children_file)
    child = subprocess.Popen(["sh", "-c", "sleep 30 & sleep 30 & wait"])
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(process_tree.Tree(child.pid).pids()) < 3:
            time.sleep(0.05)
        tree = process_tree.Tree(child.pid)
        assert len(tree.pids()) == 3 and child.pid in tree.known
        assert tree.memory(2**40) > 0
        tree.kill()
        assert child.wait(5) == -9
    finally:
        child.kill()
