"""Cap the memory of a kernel's whole process tree, not just each process.

RLIMIT_AS caps one process: a notebook whose children each allocate up to it holds that
many times the limit. One `TreeCap` per kernel caps the tree with the best of, chosen
once per process by `method()`:

- "cgroup v2": a cgroup per kernel with `memory.max` (no swap; the kernel's OOM killer
  takes the whole group), made below $EDF_GRADER_CGROUP, or below the grader's own cgroup
  where that one may hand the memory controller to children;
- "cgroup v1": the same with `memory.limit_in_bytes`, below the grader's memory cgroup;
- "watchdog": no writable cgroup; a thread of the grader sums the tree's resident memory
  every 0.25 s (0.05 s past half the cap) and kills the tree past the cap (the tree is
  read from /proc by `process_tree`).

With a cgroup the kernel joins it before it starts (`prefix()`: a shell writes its own
pid to cgroup.procs, then execs the sandbox), so everything it starts is counted, however
it detaches. Either way the whole tree dies when the cap is hit: the executor sees a dead
kernel, `cause()` says why and `events()` records it for a person.

EDF_GRADER_MEMORY sets the cap (default 4G; e.g. 1.5G, 512M, or off); EDF_GRADER_CGROUP
is auto (default), off (the watchdog), or a delegated cgroup folder to make them in.
"""
from __future__ import annotations

import errno
import functools
import logging
import os
import re
import secrets
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from edf_autograder.errors import SandboxError
from edf_autograder.kernel.process_tree import Tree, signal_quietly

log = logging.getLogger(__name__)

MEMORY_SWITCH, CGROUP_SWITCH = "EDF_GRADER_MEMORY", "EDF_GRADER_CGROUP"
MiB, GiB = 2**20, 2**30
DEFAULT_CAP = 4 * GiB       # what one process may address (RLIMIT_AS); the reference needs < 1 GiB
SMALLEST = 256 * MiB        # a kernel with numpy imported holds ~70 MiB
INTERVAL, CLOSE_INTERVAL = 0.25, 0.05   # seconds between looks of the watchdog (past half the cap)
GROUP_PREFIX = "edf-kernel-"            # edf-kernel-<grader pid>-<random>


def size_text(n: int) -> str:
    return f"{n / GiB:.1f} GiB" if n >= GiB else f"{n // MiB} MiB"


def cap_bytes(value: str | None = None) -> int | None:
    """The cap from EDF_GRADER_MEMORY (or `value`): bytes, or None for off."""
    text = (os.environ.get(MEMORY_SWITCH, "") if value is None else value).strip().lower()
    if not text:
        return DEFAULT_CAP
    if text == "off":
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", text)
    if not match:
        raise SandboxError(f"{MEMORY_SWITCH}={text!r}: expected a size such as 4G, 1.5G or 512M, or off")
    size = int(float(match[1]) * 1024 ** "bkmgt".index(match[2] or "b"))
    if size < SMALLEST:
        raise SandboxError(f"{MEMORY_SWITCH}={text!r}: too small for a kernel; give at least {size_text(SMALLEST)}")
    return size


# -- where the cgroups go ------------------------------------------------------------
@dataclass(frozen=True)
class Method:
    name: str                 # "cgroup v2", "cgroup v1", "watchdog" or "none" (no /proc)
    base: Path | None = None  # the cgroup below which each kernel gets its own
    missing: str = ""         # why no cgroup (watchdog)

    def describe(self, cap: int | None) -> str:
        if cap is None or self.name == "none":
            return f"process tree's memory NOT capped ({self.missing or MEMORY_SWITCH + '=off'})"
        why = self.missing if self.missing.startswith(CGROUP_SWITCH) else "no writable cgroup"
        how = self.name if self.base else f"watchdog on resident memory every {INTERVAL} s, {why}"
        return f"process tree's memory <= {size_text(cap)} ({how})"


def method() -> Method:
    return _find(os.environ.get(CGROUP_SWITCH, "auto").strip() or "auto")


@functools.cache
def _find(switch: str) -> Method:
    if not os.path.isdir("/proc/self/task"):
        return Method("none", missing="no /proc on this system")
    if switch == "off":
        return Method("watchdog", missing=f"{CGROUP_SWITCH}=off")
    if switch != "auto":
        folder = Path(switch)
        version = "v2" if (folder / "cgroup.controllers").exists() else "v1"
        problem = _usable(version, folder)
        if problem:
            raise SandboxError(f"{CGROUP_SWITCH}={switch}: {problem}; give a cgroup folder the grader may "
                         "make cgroups in, or set it to auto")
        return Method(f"cgroup {version}", folder)
    problems = []
    for version, folder in _own_cgroups():
        problem = _usable(version, folder)
        if not problem:
            return Method(f"cgroup {version}", folder)
        problems.append(problem)
    missing = "; ".join(problems) or "no cgroup memory controller mounted"
    log.info("memory of a kernel's process tree capped by a watchdog: %s", missing)
    return Method("watchdog", missing=missing)


def _own_cgroups(cgroups: str = "", mounts: str = "") -> list[tuple[str, Path]]:
    """The grader's own cgroups that may have a memory controller, as folders, v2 first
    (from /proc/self/cgroup and /proc/self/mountinfo, or the texts given)."""
    own: dict[str, str] = {}
    for line in (cgroups or Path("/proc/self/cgroup").read_text()).splitlines():
        hid, controllers, path = line.split(":", 2)
        if hid == "0" and not controllers:
            own["v2"] = path
        elif "memory" in controllers.split(","):
            own["v1"] = path
    found = []
    for line in (mounts or Path("/proc/self/mountinfo").read_text()).splitlines():
        left, _, right = line.partition(" - ")
        root, point = left.split()[3:5]
        fstype, _, options = (right.split() + ["", ""])[:3]
        version = {"cgroup2": "v2", "cgroup": "v1" if "memory" in options.split(",") else ""}.get(fstype)
        path = own.get(version or "")
        if path is not None and (path + "/").startswith(root.rstrip("/") + "/"):
            found.append((version, Path(point, path[len(root.rstrip("/")):].lstrip("/"))))
    return sorted(found, reverse=True)


def _usable(version: str, folder: Path) -> str:
    """"" when kernels can get capped cgroups below `folder`, else why not."""
    where = f"cgroup {version} at {folder}"
    try:
        if version == "v2":
            if "memory" not in (folder / "cgroup.controllers").read_text().split():
                return f"{where}: no memory controller"
            control = folder / "cgroup.subtree_control"
            if "memory" not in control.read_text().split():
                try:
                    control.write_text("+memory")
                except OSError as exc:  # EBUSY: a cgroup holding processes cannot
                    return f"{where}: cannot hand memory to child cgroups ({exc.strerror})"
        elif "oom_kill " not in (folder / "memory.oom_control").read_text():
            return f"{where}: no OOM kill count (kernel older than 4.13)"
        cap = TreeCap(64 * MiB, Method(f"cgroup {version}", folder))
    except OSError as exc:
        return f"{where}: {exc.strerror or exc}"
    try:
        run = subprocess.run([*cap.prefix(), "true"], capture_output=True, text=True, timeout=20)
        return "" if run.returncode == 0 else f"{where}: cannot move a process in ({run.stderr.strip()})"
    finally:
        cap.close()


def survey() -> dict[str, str]:
    found = {version: f"cgroup {version}: no memory controller mounted" for version in ("v2", "v1")}
    for version, folder in _own_cgroups():
        found[version] = _usable(version, folder)
    return {f"cgroup {v}": p.removeprefix(f"cgroup {v} ") for v, p in found.items()}


# -- one kernel ----------------------------------------------------------------------
class TreeCap:
    """The memory cap on one kernel's process tree; a thread watches it from `watch(pid)`
    (the tree's top process) until `close()`, which also kills what is left of the tree."""

    def __init__(self, limit: int, how: Method):
        self.limit, self.how = limit, how
        self.running = ""       # what the kernel runs now ("cell 4"), set by its user
        self._events: list[str] = []
        self._cause = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._tree: Tree | None = None
        self.group = None
        if how.base is not None:
            _sweep(how.base)
            self.group = how.base / f"{GROUP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
            self.group.mkdir()
            try:
                self._limit_group()
            except OSError:
                self.group.rmdir()
                raise
            self._ooms = self._oom_kills()

    def _limit_group(self) -> None:
        if self.how.name == "cgroup v2":
            (self.group / "memory.max").write_text(str(self.limit))
            optional = {"memory.swap.max": "0", "memory.oom.group": "1"}
        else:
            (self.group / "memory.limit_in_bytes").write_text(str(self.limit))
            optional = {"memory.memsw.limit_in_bytes": str(self.limit)}
        for name, value in optional.items():
            try:
                (self.group / name).write_text(value)
            except OSError:  # no swap accounting, an older kernel: the main limit holds
                pass

    def prefix(self) -> list[str]:
        """Put before the kernel's command: it joins its cgroup, then runs."""
        if self.group is None:
            return []
        return ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.group / "cgroup.procs")]

    def watch(self, pid: int) -> None:
        if self.group is None:
            self._tree = Tree(pid)
        self._thread = threading.Thread(target=self._watch, name=f"memory-cap-{pid}", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        wait = INTERVAL
        while not self._stop.wait(wait) and not self._check():
            if self._tree is not None:
                wait = CLOSE_INTERVAL if self._tree.last > self.limit // 2 else INTERVAL

    def _check(self) -> bool:
        """One look; past the cap, kill the tree and record it. True once it has been hit."""
        with self._lock:
            if self._cause:
                return True
            if self.group is not None:
                if self._oom_kills() <= self._ooms:
                    return False
            elif self._tree is None or self._tree.memory(self.limit) <= self.limit:
                return False
            self._cause = (f"the kernel's processes together used more than {size_text(self.limit)}, "
                           "the cap on a notebook's memory; the sandbox killed them")
            self._events.append(f"memory: {self._cause} ({self.running or 'while starting'})")
        self._kill()
        return True

    def cause(self) -> str:
        """Why the kernel died, if the cap killed it ("" otherwise); looks once more, so a
        death noticed before the watching thread's next look is still explained."""
        if not self._stop.is_set():
            self._check()
        return self._cause

    def events(self) -> list[str]:
        self.cause()
        return list(self._events)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._kill()
        if self.group is not None:
            _remove(self.group)

    def _kill(self) -> None:
        if self.group is not None:
            _kill_group(self.group)
        elif self._tree is not None:
            self._tree.kill()

    def _oom_kills(self) -> int:
        name = "memory.events" if self.how.name == "cgroup v2" else "memory.oom_control"
        try:
            text = (self.group / name).read_text()
        except OSError:
            return 0
        return sum(map(int, re.findall(r"^(?:oom_kill|oom_group_kill) (\d+)$", text, re.M)))


# -- cgroups -------------------------------------------------------------------------
def _kill_group(group: Path, seconds: float = 5) -> None:
    """SIGKILL every process in `group` until it is empty (a fork between two reads of
    cgroup.procs is caught by the next; RLIMIT_NPROC bounds the rounds)."""
    try:
        (group / "cgroup.kill").write_text("1")  # cgroup v2 on Linux >= 5.14: all at once
    except OSError:
        pass
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
        except OSError:
            return
        if not pids:
            return
        for pid in pids:
            signal_quietly(pid, signal.SIGKILL)
        time.sleep(0.01)


def _remove(group: Path) -> None:
    for _ in range(50):  # a killed process leaves its cgroup a moment after it is reaped
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                break
            time.sleep(0.02)
    log.warning("could not remove the cgroup %s", group)


@functools.cache
def _sweep(base: Path) -> None:
    """Once per process: remove the kernels' cgroups of graders killed before they could."""
    for group in base.glob(f"{GROUP_PREFIX}*-*"):
        try:
            os.kill(int(group.name.split("-")[2]), 0)
        except ProcessLookupError:
            _kill_group(group)
            _remove(group)
        except (ValueError, PermissionError):
            continue
