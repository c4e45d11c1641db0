"""What the red-team tests share: what the grader saw of a hostile notebook (`Ran`), the
mechanism in use and skip markers for what it lacks, the grader's peak memory, and a
look for processes that outlived their kernel."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from edf_autograder.kernel import sandbox
from edf_autograder.kernel.session import CellRun

MECH = sandbox.mechanism()
contained = pytest.mark.skipif(not MECH.contained, reason=f"needs bubblewrap; here: {sandbox.describe()}")
namespaced = pytest.mark.skipif(MECH.name not in ("bubblewrap", "unshare"),
                                reason=f"no network or pid namespace here: {sandbox.describe()}")
limited = pytest.mark.skipif(MECH.name == "off", reason=f"{sandbox.SWITCH}=off: no limits")


@dataclass
class Ran:
    runs: list[CellRun]
    texts: list[str]            # each cell's stream output, joined
    dead_reason: str
    exit_seconds: float
    events: list[str]           # what the sandbox enforced (`km.events()`)

    def status(self) -> list[str]:
        return [r.status for r in self.runs]


def stream_text(outputs) -> str:
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")


class PeakRSS:
    """Peak resident memory of this process (MiB above the start), sampled every 5 ms."""

    def __init__(self):
        self.start = self.peak = self._now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _now() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._now())

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> float:
        return self.peak - self.start


def gone(marker: str) -> bool:
    """No process on the machine has `marker` in its command line."""
    for proc in Path("/proc").iterdir():
        try:
            if marker.encode() in (proc / "cmdline").read_bytes():
                return False
        except OSError:
            continue
    return True
