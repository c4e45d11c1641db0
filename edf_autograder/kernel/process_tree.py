"""A process tree read from /proc, for the memory cap's watchdog (`memory_cap`): which
processes descend from a kernel, how much memory they hold, and killing them all."""
from __future__ import annotations

import os
import re
import signal
from pathlib import Path

HAS_CHILDREN_FILE = Path(f"/proc/self/task/{os.getpid()}/children").exists()  # CONFIG_PROC_CHILDREN


def signal_quietly(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Tree:
    """The processes descending from one pid, read from /proc. A process once seen stays
    counted after its parent exits and it is re-parented (to init, outside the tree)."""

    def __init__(self, root: int):
        self.root = root
        self.known: dict[int, int] = {}   # pid -> start time, against reused pids
        self.last = 0                     # bytes at the last look

    def pids(self) -> dict[int, int]:
        found: dict[int, int] = {}
        parents = None if HAS_CHILDREN_FILE else _parents()
        stack = [self.root, *self.known]
        while stack:
            pid = stack.pop()
            if pid in found:
                continue
            start = _start_time(pid)
            if start is None or self.known.get(pid, start) != start:
                continue
            found[pid] = start
            stack += _children(pid) if parents is None else parents.get(pid, [])
        self.known = found
        return found

    def memory(self, limit: int) -> int:
        """Bytes the tree holds: resident + swapped, summed, and past `limit` counted
        proportionally (a page a fork shares with its parent counts once), which decides."""
        pids = list(self.pids())
        self.last = sum(resident(pid) for pid in pids)
        return self.last if self.last <= limit else sum(proportional(pid) for pid in pids)

    def kill(self) -> None:
        """Stop every process of the tree (a stopped process cannot fork) until no new one
        appears, then kill them all."""
        stopped: dict[int, int] = {}
        for _ in range(100):
            new = [pid for pid in self.pids() if pid not in stopped]
            if not new:
                break
            for pid in new:
                signal_quietly(pid, signal.SIGSTOP)
            stopped.update((pid, self.known[pid]) for pid in new)
        for pid in stopped:
            signal_quietly(pid, signal.SIGKILL)


def _read(path: str) -> bytes | None:
    """A small /proc file in one read (a look reads a few dozen: no text layer), or None."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        return os.read(fd, 1 << 16)
    except OSError:
        return None
    finally:
        os.close(fd)


def _start_time(pid: int) -> int | None:
    stat = _read(f"/proc/{pid}/stat")
    return None if stat is None else int(stat.rpartition(b")")[2].split()[19])


def _children(pid: int) -> list[int]:
    """Children of every thread of `pid` (a fork from any thread is a child of that thread)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    return [int(k) for tid in tasks for k in (_read(f"/proc/{pid}/task/{tid}/children") or b"").split()]


def _parents() -> dict[int, list[int]]:
    """Every process's children, from each one's parent (kernels without the children file)."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            if stat is not None:
                tree.setdefault(int(stat.rpartition(b")")[2].split()[1]), []).append(int(entry))
    return tree


RESIDENT = re.compile(rb"^(?:VmRSS|VmSwap):\s+(\d+) kB", re.M)        # /proc/<pid>/status
PROPORTIONAL = re.compile(rb"^(?:Pss|SwapPss):\s+(\d+) kB", re.M)     # /proc/<pid>/smaps_rollup


def resident(pid: int) -> int:
    text = _read(f"/proc/{pid}/status")
    return 0 if text is None else 1024 * sum(map(int, RESIDENT.findall(text)))


def proportional(pid: int) -> int:
    text = _read(f"/proc/{pid}/smaps_rollup")  # needs ptrace-read access: else resident
    return resident(pid) if text is None else 1024 * sum(map(int, PROPORTIONAL.findall(text)))
