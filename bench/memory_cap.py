"""The cap on a kernel's process tree: how fast it kills, and what it costs a normal run.

    python bench/memory_cap.py [--rounds 3]

1. Attack: a cell forks 4 children that each allocate up to their own address-space
   limit (1.25 GiB here) under a 1 GiB cap on the tree, once per mechanism (cgroup where
   one is writable, the watchdog): seconds from the cell's start to the kill (and from the
   kernel's first OOM kill in the cgroup, or the tree passing the cap, to it) and to the
   dead kernel the executor sees, and the tree's peak memory (proportional set size, sampled
   every 10 ms).
2. Cost: a notebook of ~3 s of numpy work with the cap off, by cgroup and by watchdog, in
   alternating rounds: median seconds and the ratio to "off"; and the time of one watchdog
   look at a live kernel's tree. Nothing is asserted.
"""
import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edf_autograder.kernel import memory_cap, process_tree, sandbox  # noqa: E402
from edf_autograder.kernel.session import KernelSession  # noqa: E402

GiB = 2**30
ATTACK = """import os, time
def hog():
    held = []
    try:
        while True:
            held.append(bytearray(b'x') * (32 * 2**20))
    except MemoryError:
        pass
    time.sleep(600)
for _ in range(4):
    if os.fork() == 0:
        hog()
for _ in range(4):
    os.wait()
"""
WORK = ["import numpy as np\nrng = np.random.default_rng(0)",
        "a = rng.normal(size=(600, 600))\nfor _ in range(60):\n    a = np.tanh(a @ a.T / 600)",
        "total = 0\nfor i in range(3_000_000):\n    total += i % 7\nprint(total)"]


def session(cells: list[str], work: Path) -> tuple[nbformat.NotebookNode, KernelSession]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    return nb, KernelSession(nb, work, cell_timeout=120, notebook_timeout=300)


class Sampler:
    """The tree's memory every 10 ms, from the kernel's top process: proportional (a page
    shared by a fork and its parent counts once), as the watchdog decides."""

    def __init__(self, pid: int, cap: memory_cap.TreeCap):
        self.tree, self.cap, self.stop = process_tree.Tree(pid), cap, threading.Event()
        self.peak, self.trigger = 0, None  # when the cap was passed (watchdog) or OOM struck (cgroup)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.wait(0.01):
            used = sum(process_tree.proportional(p) for p in self.tree.pids())
            self.peak = max(self.peak, used)
            hit = self.cap._oom_kills() > 0 if self.cap.group else used > self.cap.limit
            if hit and self.trigger is None:
                self.trigger = time.monotonic()


def attack(cgroup: str) -> dict:
    os.environ[memory_cap.CGROUP_SWITCH] = cgroup
    kills = []
    original = memory_cap.TreeCap._kill

    def timed_kill(self):
        kills.append(time.monotonic())
        original(self)

    memory_cap.TreeCap._kill = timed_kill
    try:
        with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
            nb, s = session(["pass", ATTACK], Path(tmp))
            with s:
                sampler = Sampler(s.client.km.provisioner.process.pid, s.client.km.cap)
                s.run_cell(0)
                started = time.monotonic()
                run = s.run_cell(1)
                seen = time.monotonic()
                sampler.stop.set()
                events = s.sandbox_events()
    finally:
        memory_cap.TreeCap._kill = original
    nan = float("nan")
    return {"status": run.status, "kill": kills[0] - started if kills else nan,
            "after": kills[0] - sampler.trigger if kills and sampler.trigger else nan,
            "seen": seen - started, "peak": sampler.peak / GiB, "events": events}


def normal(cap: str, cgroup: str) -> float:
    os.environ[memory_cap.MEMORY_SWITCH], os.environ[memory_cap.CGROUP_SWITCH] = cap, cgroup
    with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
        nb, s = session(WORK, Path(tmp))
        started = time.perf_counter()
        with s:
            runs = [s.run_cell(i) for i in range(len(WORK))]
        took = time.perf_counter() - started
    if any(r.status != "ok" for r in runs):
        raise SystemExit(f"{cap}/{cgroup}: {[(r.status, r.error) for r in runs]}")
    return took


def look_cost() -> float:
    """Seconds per watchdog look at a live kernel's tree (numpy imported)."""
    os.environ[memory_cap.MEMORY_SWITCH] = "4G"
    with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
        nb, s = session(WORK[:1], Path(tmp))
        with s:
            s.run_cell(0)
            tree = process_tree.Tree(s.client.km.provisioner.process.pid)
            started = time.perf_counter()
            for _ in range(200):
                tree.memory(4 * GiB)
            return (time.perf_counter() - started) / 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sandbox.LIMITS["as"] = 1280 * 2**20
    os.environ[memory_cap.MEMORY_SWITCH] = "1G"
    cgroup = memory_cap._find("auto")
    print(f"{platform.node()}, nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    print(f"sandbox: {sandbox.describe()}\n")
    print("1. four children, each up to 1.25 GiB, under a 1 GiB cap (seconds from the cell's start)")
    modes = {"cgroup": "auto"} if cgroup.base else {}
    modes["watchdog"] = "off"
    for name, switch in modes.items():
        for _ in range(args.rounds):
            r = attack(switch)
            print(f"  {name:<9} {r['status']:<12} killed {r['kill']:5.2f} s ({r['after']:.2f} s after the "
                  f"{'OOM kill' if name == 'cgroup' else 'cap was passed'}), dead kernel seen "
                  f"{r['seen']:5.2f} s, tree's peak {r['peak']:.2f} GiB")
    print(f"  event: {r['events'][0] if r['events'] else '(none)'}")
    print("  (the trigger is seen by a 10 ms sampler: under load it may see it after the kill, < 0 s)")

    print(f"\n2. a normal notebook, {args.rounds} alternating rounds (median seconds, start to exit)")
    sandbox.LIMITS["as"] = 4 * GiB
    runs = {"off": ("off", "auto"), **({"cgroup": ("4G", "auto")} if cgroup.base else {}),
            "watchdog": ("4G", "off")}
    times = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, (cap, switch) in runs.items():
            times[name].append(normal(cap, switch))
    base = statistics.median(times["off"])
    for name, t in times.items():
        print(f"  {name:<9} {statistics.median(t):6.2f} s  x{statistics.median(t) / base:.3f}")
    cost = look_cost()
    print(f"  one watchdog look at a kernel's tree: {cost * 1e6:.0f} us "
          f"({cost / memory_cap.INTERVAL * 100:.3f} % of one core at one look per {memory_cap.INTERVAL} s)")


if __name__ == "__main__":
    main()
