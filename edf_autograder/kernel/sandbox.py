"""Contain a student's kernel with what Linux gives an unprivileged tool.

Only the kernel is contained; nbclient's executor stays in the grader and reaches the
kernel over ZMQ's ipc transport, through a per-run folder bound at the same path inside
and outside (a kernel in its own network namespace cannot be reached over loopback).

Mechanisms, best first, chosen once per process by `mechanism()`:

- "bubblewrap": own network, pid, ipc and uts namespaces; a file system of the system
  folders and Python read-only, size-capped /tmp and /dev/shm, and the work folder; no
  held-out data, answer key, grader code or other submission is mounted. Run by root,
  the kernel moves to a uid of its own (root ignores RLIMIT_NPROC and owns root's 0600
  files); run by a user, bubblewrap maps that user in a user namespace.
- "unshare": network and pid namespaces; the file system is NOT isolated, but for the
  grader's own files (code, reference notebooks, key, data), hidden under empty folders in
  a mount namespace whose kernel keeps no capability to unmount them (where setpriv runs).
- "none": resource limits only; NOT network-isolated.

Every mode but "off" applies rlimits (prlimit), a cap on the memory of the kernel's whole
process tree (`memory_cap`: a cgroup, else a watchdog) and an allow-list environment; the
grader caps the output it keeps (`CappedClient`) in every mode. EDF_GRADER_SANDBOX=off|auto|required
(auto by default) chooses; "required" raises SandboxError where bubblewrap cannot run.
`describe()` is the one line a report prints.
"""
from __future__ import annotations

import functools
import logging
import os
import secrets
import shlex
import shutil
import site
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from edf_autograder import distribution
from edf_autograder.errors import SandboxError
from edf_autograder.kernel import memory_cap
from edf_autograder.kernel.output_cap import CELL_OUTPUT, MAX_MESSAGE  # noqa: F401  (this module's budget, as before)
from edf_autograder.kernel.plain import KEEP_ENV, PlainKernelManager

log = logging.getLogger(__name__)

SWITCH = "EDF_GRADER_SANDBOX"
MiB, GiB = 2**20, 2**30
LIMITS = {"as": 4 * GiB, "nproc": 256, "fsize": 1 * GiB, "nofile": 1024, "core": 0}
TMP_SIZE, SHM_SIZE = 256 * MiB, 64 * MiB
UIDS = (1_500_000_000, 1_600_000_000)  # one unused uid per kernel, so RLIMIT_NPROC counts only it
SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


@dataclass(frozen=True)
class Mechanism:
    name: str             # "bubblewrap", "unshare", "none" or "off"
    missing: str = ""     # why a stronger mechanism is not in use
    as_root: bool = False
    hides: bool = False   # "unshare": the grader's own files are hidden from the kernel

    @property
    def contained(self) -> bool:
        return self.name == "bubblewrap"


def _limits_text(mech: Mechanism) -> str:
    if not shutil.which("prlimit"):
        return "NO resource limits (prlimit not found)"
    own_count = mech.contained or (mech.name == "unshare" and not mech.as_root)
    nproc = f"NPROC={LIMITS['nproc']}" if own_count else "NPROC not limited"
    return (f"rlimits AS={LIMITS['as'] // GiB}G CPU=per notebook {nproc} "
            f"FSIZE={LIMITS['fsize'] // GiB}G NOFILE={LIMITS['nofile']}")


def describe(mech: Mechanism | None = None) -> str:
    """One line for every report: which mechanisms contain the kernels of this run."""
    mech = mech or mechanism()
    output = f"output kept per cell <= {CELL_OUTPUT // MiB} MiB"
    if mech.name == "off":
        return f"sandbox off ({SWITCH}=off): NOT network-isolated, file system NOT isolated, no limits; {output}"
    limits = f"{_limits_text(mech)}; {memory_cap.method().describe(memory_cap.cap_bytes())}"
    if mech.contained:
        who = f"own uid per kernel ({UIDS[0]}+)" if mech.as_root else "user namespace, no new ones"
        return (f"bubblewrap: net+pid+ipc+uts namespaces, {who}, read-only system, only the work folder "
                f"writable, /tmp {TMP_SIZE // MiB}M; {limits}; {output}")
    net = ("own network namespace (unshare)" if mech.name == "unshare" else "NOT network-isolated")
    if mech.hides:
        files, root = "the grader's own files hidden, no capabilities; otherwise the kernel reads what it can read", ""
    else:
        files = "the kernel reads what the grader can read"
        root = "; the kernel runs as root and can lift its limits" if mech.as_root else ""
    return f"sandbox WEAK ({mech.missing}): {net}, file system NOT isolated ({files}){root}; {limits}; {output}"


# -- choosing a mechanism ------------------------------------------------------------
def mechanism() -> Mechanism:
    wanted = os.environ.get(SWITCH, "auto").strip().lower() or "auto"
    if wanted not in ("off", "auto", "required"):
        raise SandboxError(f"{SWITCH}={wanted!r}: expected off, auto or required")
    return _detect(wanted)


@functools.cache
def _detect(wanted: str) -> Mechanism:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if wanted == "off":
        return Mechanism("off", as_root=root)
    found = survey(acl=False)
    if not found["bubblewrap"]:
        return Mechanism("bubblewrap", as_root=root)
    if wanted == "required":
        raise SandboxError(f"{SWITCH}=required but {found['bubblewrap']}; install bubblewrap (apt-get "
                           "install bubblewrap) and allow user namespaces, or set it to auto")
    missing = found["bubblewrap"] + (f"; {found['unshare']}" if found["unshare"] else "")
    mech = Mechanism("none" if found["unshare"] else "unshare", missing, root,
                     hides=not found["unshare"] and _can_hide(root))
    log.warning("the student's kernel is NOT fully contained: %s", describe(mech))
    return mech


def survey(*, acl: bool = True) -> dict[str, str]:
    """Every mechanism on this machine: "" where it works, else why not."""
    root = os.geteuid() == 0
    found = {"bubblewrap": _try([*_bwrap_base(root, root), *_drop_uid(UIDS[0] if root else None), "true"],
                                "bubblewrap"),
             "unshare": _try([*_unshare(root), "true"], "unshare")}
    for tool in ("prlimit", "setpriv") if root else ("prlimit",):
        found[tool] = "" if shutil.which(tool) else f"{tool} not found"
    found.update(memory_cap.survey())
    if acl and root:
        with tempfile.TemporaryDirectory(prefix="edf-acl-") as folder:
            try:
                _grant(Path(folder), UIDS[0], "default")
                found["POSIX ACLs"] = ""
            except OSError as exc:
                found["POSIX ACLs"] = f"no POSIX ACLs in {tempfile.gettempdir()} ({exc.strerror})"
    return found


def _try(cmd: list[str], what: str) -> str:
    """"" when `cmd` runs, else why not (one line)."""
    if not shutil.which(cmd[0]):
        return f"{what} not found"
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{what} failed ({exc})"
    lines = (run.stderr or run.stdout).strip().splitlines()
    return "" if run.returncode == 0 else f"{what} failed ({lines[-1] if lines else run.returncode})"


def _unshare(root: bool) -> list[str]:
    user = [] if root else ["--user", "--map-root-user"]
    return ["unshare", *user, "--net", "--pid", "--fork", "--kill-child", "--mount-proc"]


def _hide(folders: list[str]) -> list[str]:
    """Inside unshare's own mount namespace: an empty read-only tmpfs over each folder, then
    no capabilities (none to unmount them, nor to lift a limit), though the uid stays."""
    mount = 'while [ "$1" != -- ]; do mount -t tmpfs -o ro,size=4k,mode=0555 edf-hidden "$1" || exit 1; shift; done'
    return ["sh", "-c", f'{mount}; shift; exec "$@"', "sh", *folders, "--",
            "setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"]


def _can_hide(root: bool) -> bool:
    """Whether `_hide` works behind unshare here: a folder is hidden and stays so."""
    if not shutil.which("setpriv"):
        return False
    with tempfile.TemporaryDirectory(prefix="edf-hide-") as folder:
        Path(folder, "secret").write_text("x")
        peek = f"test ! -e {shlex.quote(folder)}/secret && ! umount {shlex.quote(folder)} 2>/dev/null"
        return _try([*_unshare(root), *_hide([folder]), "sh", "-c", peek], "hiding") == ""


def _drop_uid(uid: int | None) -> list[str]:
    """Inside bubblewrap run by root: become `uid` with no groups and no capabilities."""
    if uid is None:
        return []
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--"]


def _bwrap_base(root: bool, drop_uid: bool) -> list[str]:
    if root:  # bwrap by root keeps every capability in a user namespace: no user namespace, setpriv
        keep = ["CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP"] if drop_uid else []
        who = ["--cap-drop", "ALL", *(arg for cap in keep for arg in ("--cap-add", cap))]
    else:
        who = ["--unshare-user", "--disable-userns", "--cap-drop", "ALL"]
    args = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", *who, "--die-with-parent", "--new-session"]
    for path in SYSTEM:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args + ["--proc", "/proc", "--dev", "/dev",
                   "--perms", "1777", "--size", str(SHM_SIZE), "--tmpfs", "/dev/shm",
                   "--perms", "1777", "--size", str(TMP_SIZE), "--tmpfs", "/tmp"]


# -- what one kernel sees ------------------------------------------------------------
def _python_paths(course: Path | None = None) -> list[str]:
    """Folders the kernel's interpreter needs, read-only: its prefixes, site-packages and
    PYTHONPATH entries, never a folder holding the grader's repository. A kernel in the
    course's environment (`course`, a venv of the same base Python) sees that venv and the
    base Python's standard library, none of the grader's packages."""
    wanted = [sys.base_prefix, sys.base_exec_prefix]
    if course is not None:
        wanted.append(str(course))
    else:
        wanted += [sys.prefix, sys.exec_prefix, *site.getsitepackages()]
        if site.ENABLE_USER_SITE:
            wanted.append(site.getusersitepackages())
        wanted += os.environ.get("PYTHONPATH", "").split(os.pathsep)
    secret = distribution.checkout()  # the whole repository (examples, tests); installed: see _grader_packages
    paths: list[str] = []
    for path in sorted({p for w in wanted if w and os.path.isdir(w) for p in (os.path.abspath(w), os.path.realpath(w))}):
        if secret and (secret.is_relative_to(path) or (Path(path).is_relative_to(secret)
                                                       and path not in (sys.prefix, sys.exec_prefix))):
            continue
        if not any(Path(path).is_relative_to(p) for p in (*paths, *SYSTEM)):
            paths.append(path)
    return paths


def _grader_packages(mounted: list[str]) -> list[str]:
    """The folders of the grader's files (code, reference notebooks, key, data) that lie in a
    mounted folder: an installed grader's packages in site-packages."""
    return [str(f) for f in distribution.grader_folders() if any(f.is_relative_to(m) for m in mounted)]


def _binds(workdir: Path, rundir: Path, course: Path | None = None) -> list[str]:
    args: list[str] = []
    made: set[str] = set()
    python = _python_paths(course)
    mounts = [("--ro-bind", p) for p in python] + [("--bind", str(rundir)), ("--bind", str(workdir))]
    for kind, path in mounts:
        for parent in reversed(Path(path).parents[:-1]):  # bwrap would make them 0700: root-only
            if str(parent) not in made and not any(parent.is_relative_to(s) for s in SYSTEM):
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += [kind, path, path]
    for folder in _grader_packages(python):  # an empty, read-only folder in their place
        args += ["--perms", "0555", "--size", "4096", "--tmpfs", folder]
    # bwrap's own root and /dev are writable tmpfs of half the RAM: make them read-only
    return args + ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", str(workdir)]


def _prlimit(cpu_seconds: float, own_count: bool) -> list[str]:
    """Resource limits, set innermost: RLIMIT_NPROC counts the user's processes in its user
    namespace, so it is set only where the kernel has a uid or a user namespace of its own."""
    if not shutil.which("prlimit"):
        return []
    limits = {**LIMITS, "cpu": int(cpu_seconds)}
    if not own_count:
        del limits["nproc"]
    return ["prlimit", *(f"--{name}={value}" for name, value in limits.items()), "--"]


ACL_USER_OBJ, ACL_USER, ACL_GROUP_OBJ, ACL_MASK, ACL_OTHER, NO_ID = 0x01, 0x02, 0x04, 0x10, 0x20, 2**32 - 1


def _grant(folder: Path, uid: int, attr: str) -> None:
    """Add uid:rwx to a folder's POSIX ACL (`attr`: access, or default for folders made in
    it later: the grader makes each probe folder as root)."""
    name = f"system.posix_acl_{attr}"
    try:
        old = os.getxattr(folder, name, follow_symlinks=False)
    except OSError:
        old = b""
    users = {uid} | {u for tag, _, u in struct.iter_unpack("<HHI", old[4:]) if tag == ACL_USER}
    entries = [(ACL_USER_OBJ, 7, NO_ID), *((ACL_USER, 7, u) for u in sorted(users)),
               (ACL_GROUP_OBJ, 5, NO_ID), (ACL_MASK, 7, NO_ID), (ACL_OTHER, 5, NO_ID)]
    blob = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)
    os.setxattr(folder, name, blob, follow_symlinks=False)


def _hand_over(workdir: Path, exchange: Path, rundir: Path, uid: int) -> bool:
    """Let `uid` write its files in the work folder (sticky: not rename the grader's) and in
    the probe folders, but not in the exchange folder itself, where the grader writes inputs."""
    try:
        _grant(workdir, uid, "access")
        _grant(exchange, uid, "default")
    except OSError as exc:
        log.warning("%s: no POSIX ACLs here (%s); this kernel runs as uid 0 without capabilities",
                    workdir, exc.strerror)
        return False
    os.chmod(workdir, os.stat(workdir).st_mode | 0o1000)
    for path in (rundir, *rundir.rglob("*")):  # ipc sockets, matplotlib's cache
        os.chown(path, uid, uid)
    return True


def _environ(env: dict[str, str], mech: Mechanism, rundir: Path, course: bool = False) -> dict[str, str]:
    """An allow-list: the grader's tokens and paths stay out of the student's kernel."""
    kept = {k: v for k, v in env.items() if k in KEEP_ENV or k.startswith("LC_") or k.endswith("_NUM_THREADS")}
    if course:  # the grader's own import paths stay out of the course's environment
        kept.pop("PYTHONPATH", None)
    if mech.contained:
        kept.update(HOME="/tmp", TMPDIR="/tmp", USER="student", LOGNAME="student",
                    MPLCONFIGDIR=str(rundir / "mpl"))
        if not course and site.ENABLE_USER_SITE and os.path.isdir(site.getusersitepackages()):
            kept["PYTHONUSERBASE"] = site.getuserbase()
    else:
        kept.update({k: env[k] for k in ("HOME", "TMPDIR", "MPLCONFIGDIR") if k in env})
    return kept


def _seed_font_cache(dest: Path) -> None:
    """Matplotlib rebuilds its font list in a fresh home (0.3 s a kernel): copy the grader's."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    source = Path(os.environ.get("MPLCONFIGDIR") or home / "matplotlib")
    dest.mkdir()
    for font_list in source.glob("fontlist-*.json"):
        shutil.copyfile(font_list, dest / font_list.name)


# -- the grader's side: a kernel manager whose kernel runs behind the sandbox ----------
class SandboxedKernelManager(PlainKernelManager):
    """A kernel manager whose kernel command runs behind `prefix`, with an environment
    allow-list; its client keeps a bounded amount of output (`output_cap`)."""

    prefix: tuple[str, ...] = ()
    python: Path | None = None   # the course environment's interpreter; None: the grader's own
    mech = Mechanism("off")
    uid: int | None = None
    rundir: Path | None = None
    cap: memory_cap.TreeCap | None = None

    @property
    def running(self) -> str:
        """What the kernel runs now ("cell 4"), set by the executor: events name it."""
        return self.cap.running if self.cap else ""

    @running.setter
    def running(self, what: str) -> None:
        if self.cap:
            self.cap.running = what

    def events(self) -> list[str]:
        """What the sandbox enforced on this kernel, one line each for a person, e.g.
        "memory: the kernel's processes together used more than 4.0 GiB, ... (cell 12)"."""
        return self.cap.events() if self.cap else []

    def death_cause(self) -> str:
        """Why the kernel died, when the sandbox killed it; "" otherwise."""
        return self.cap.cause() if self.cap else ""

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None and self.prefix:  # a signal to the wrapper's group would kill it
            spec.interrupt_mode = "message"
        return spec

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        if self.python is not None:  # the python3 spec names the grader's interpreter: run the course's
            cmd[0] = str(self.python)
        return [*self.prefix, *cmd]

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self.uid is not None:
            os.chown(self.connection_file, self.uid, self.uid)

    def kernel_environ(self, env: dict[str, str]) -> dict[str, str]:
        return env if self.mech.name == "off" else _environ(env, self.mech, self.rundir, self.python is not None)

    async def start_kernel(self, **kw) -> None:  # type: ignore[override]  # the async manager
        if self.mech.contained:
            kw["independent"] = True  # its parent is the sandbox's init: no parent polling
        await super().start_kernel(**kw)
        if self.cap is not None:
            self.cap.watch(self.provisioner.process.pid)  # type: ignore[attr-defined]  # a LocalProvisioner

    def release(self) -> None:
        """After shutdown: kill what is left of the kernel's tree, remove the run folder."""
        super().release()
        if self.cap is not None:
            self.cap.close()
        if self.rundir is not None:
            shutil.rmtree(self.rundir, ignore_errors=True)


@functools.cache
def _sweep() -> None:
    """Once per process: remove the run folders of graders killed before they could."""
    for folder in Path(tempfile.gettempdir()).glob("edf-kernel-*-*"):
        pid = folder.name.split("-")[2]
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, PermissionError):  # not ours, or a live process of another user
            continue


def kernel_manager(workdir: Path, *, exchange: Path, cpu_seconds: float, memory: int | None = None,
                   python: Path | None = None) -> SandboxedKernelManager:
    """A manager for one kernel working in `workdir` that writes probe results under `exchange`;
    its process tree may hold `memory` bytes (default: $EDF_GRADER_MEMORY, else 4 GiB). `python`
    is a course environment's interpreter (a venv of the grader's base Python), else the grader's."""
    mech = mechanism()
    memory = memory or memory_cap.cap_bytes()
    if mech.name == "off":
        km = SandboxedKernelManager(kernel_name="python3")
        km.mech, km.python = mech, python
        return km
    _sweep()
    workdir = Path(workdir).absolute()
    rundir = Path(tempfile.mkdtemp(prefix=f"edf-kernel-{os.getpid()}-"))
    km = SandboxedKernelManager(kernel_name="python3", transport="ipc", ip=str(rundir / "k"),
                                connection_file=str(rundir / "kernel.json"))
    km.mech, km.rundir, km.python = mech, rundir, python
    course = python.parent.parent if python is not None else None
    if mech.contained:
        _seed_font_cache(rundir / "mpl")
        uid = secrets.randbelow(UIDS[1] - UIDS[0]) + UIDS[0] if mech.as_root else None
        if uid is not None and not _hand_over(workdir, Path(exchange).absolute(), rundir, uid):
            uid = None
        km.uid = uid
        km.prefix = (*_bwrap_base(mech.as_root, uid is not None), *_binds(workdir, rundir, course), *_drop_uid(uid),
                     *_prlimit(cpu_seconds, own_count=uid is not None or not mech.as_root))
    elif mech.name == "unshare":
        hidden = _hide([str(f) for f in distribution.grader_folders()]) if mech.hides else []
        km.prefix = (*_unshare(mech.as_root), *hidden, *_prlimit(cpu_seconds, own_count=not mech.as_root))
    else:
        km.prefix = tuple(_prlimit(cpu_seconds, own_count=False))
    if memory is not None and memory_cap.method().name != "none":
        km.cap = memory_cap.TreeCap(memory, memory_cap.method())
        km.prefix = (*km.cap.prefix(), *km.prefix)
    return km
