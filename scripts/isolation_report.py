#!/usr/bin/env python3
"""Print which mechanisms can contain a student's kernel on this machine, which one the
grader will use, and (with --live) what a kernel started by the grader actually sees.

    python scripts/isolation_report.py [--live]

EDF_GRADER_SANDBOX (off|auto|required) is honoured as in grading.
"""
import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edf_autograder.kernel import sandbox  # noqa: E402
from edf_autograder.kernel.session import KernelSession  # noqa: E402

LOOK = r"""
import os, resource, socket
print("uid", os.getuid(), "| pids seen", sum(p.isdigit() for p in os.listdir("/proc")))
print("top level", sorted(os.listdir("/")))
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
print("capabilities", status["CapEff"].strip(), "| bounding", status["CapBnd"].strip(),
      "| no_new_privs", status["NoNewPrivs"].strip())
for name in ("AS", "CPU", "NPROC", "FSIZE", "NOFILE"):
    soft, _ = resource.getrlimit(getattr(resource, "RLIMIT_" + name))
    print(f"RLIMIT_{name}", "unlimited" if soft == resource.RLIM_INFINITY else soft)
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3).close()
    print("network: reached 1.1.1.1:53")
except OSError as exc:
    print("network:", type(exc).__name__, exc.strerror or exc)
"""


def userns() -> str:
    knobs = ["/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/unprivileged_userns_clone",
             "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"]
    return ", ".join(f"{Path(k).name}={Path(k).read_text().strip()}" for k in knobs if Path(k).exists())


def live() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LOOK)])
    with tempfile.TemporaryDirectory(prefix="edf-grade-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        with KernelSession(nb, work, cell_timeout=30, notebook_timeout=60) as session:
            run = session.run_cell(0)
    print(f"\na kernel started by the grader ({run.status}):")
    for out in nb.cells[0].outputs:
        print("  " + out.get("text", "").rstrip().replace("\n", "\n  "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="start a kernel and show what it sees")
    args = parser.parse_args()
    who = "root" if os.geteuid() == 0 else f"uid {os.geteuid()}"
    print(f"{platform.node()}: Linux {platform.release()}, grader running as {who}; user namespaces: {userns()}")
    for name, problem in sandbox.survey().items():
        print(f"  {name:<12} {'works' if not problem else problem}")
    print(f"\n{sandbox.SWITCH}={os.environ.get(sandbox.SWITCH, 'auto')} -> {sandbox.describe()}")
    if args.live:
        live()


if __name__ == "__main__":
    main()
