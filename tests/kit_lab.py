"""A student's JupyterLab for the kit's browser test: their folder (the released hand-out's files,
their filled-in notebooks with the hand-out's self-check lines uncommented) and a real Jupyter
server started from the environment the kit was installed into, stopped by `stop()`."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from edf_autograder.integrations.release import KIT_FOLDER
from edf_ex2.exercise import EXERCISE
from tests.handout import course
from tests.kit_runs import bin_dir, offline_env

JUPYTERLAB = "jupyterlab==4.6.6"  # the students' front end, installed beside the kit (not one of its dependencies)
THREADS = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")  # as the grader's kernels
# every cell in the page (no windowing), and no news or update prompts over the notebook
SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
            "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                                "checkForUpdates": False}}


def uncommented(source: str) -> str:
    """What a student does to the hand-out's self-check lines: uncomment the import and the check."""
    return "\n".join(line[2:] if line.startswith(("# from ", "# check(")) else line for line in source.splitlines())


def with_selfcheck(released: dict, filled: dict) -> dict:
    """The filled-in notebook with the released hand-out's self-check cells, uncommented, where the
    hand-out has them (its other cells are the course's, one for one)."""
    theirs = iter(filled["cells"])
    cells = [course.code_cell(uncommented(course.text(c))) if "selfcheck" in c["metadata"].get("tags", [])
             else next(theirs) for c in released["cells"]]
    if next(theirs, None) is not None or len(cells) != len(released["cells"]):
        raise AssertionError("the released hand-out and the course's do not have the same cells")
    return {**filled, "cells": cells}


def student_folder(release: Path, filled: Path, dest: Path) -> Path:
    """dest: the released files (edf.py, the loader; not the kit) with the filled-in notebooks, and the
    data's quick slice (what `release --quick` stages, and the grader's quick check trains on)."""
    shutil.copytree(release, dest, ignore=shutil.ignore_patterns(KIT_FOLDER, "*.ipynb"))
    EXERCISE.data().stage(dest, quick=True)
    shutil.copyfile(filled / "pen_and_paper.toml", dest / "pen_and_paper.toml")
    for name in EXERCISE.files.values():
        nb = with_selfcheck(json.loads((release / name).read_text(encoding="utf-8")),
                            json.loads((filled / name).read_text(encoding="utf-8")))
        (dest / name).write_text(course.dumps(nb), encoding="utf-8")
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """`jupyter lab` on 127.0.0.1 over `root`, with its own Jupyter folders (no user kernels or settings)."""

    def __init__(self, python: Path, root: Path, home: Path):
        self.python, self.root, self.home = python, root, home
        self.port, self.token = _free_port(), os.urandom(16).hex()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = home / "jupyter.log"
        self.process: subprocess.Popen | None = None

    def _env(self) -> dict[str, str]:
        dirs = {v: str(self.home / v.lower()) for v in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                                                         "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR",
                                                         "IPYTHONDIR")}
        env = {k: v for k, v in offline_env().items() if not k.startswith(("JUPYTER", "IPYTHON"))}
        return {**env, **dirs, **THREADS, "PATH": f"{bin_dir(self.python.parent.parent)}{os.pathsep}/usr/bin:/bin"}

    def start(self, wait: float = 180) -> Lab:
        env = self._env()
        for name, values in SETTINGS.items():
            path = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        command = [str(bin_dir(self.python.parent.parent) / "jupyter-lab"), "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}",
                   f"--IdentityProvider.token={self.token}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        command += ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # as in a container
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.root,
                                            start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"jupyter lab exited ({self.process.returncode}):\n{self.tail()}")
            try:
                self.api("status")
                return self
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"jupyter lab did not answer within {wait:.0f} s:\n{self.tail()}")

    def api(self, what: str):
        request = urllib.request.Request(f"{self.url}/api/{what}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def kernel_state(self, notebook: str) -> str | None:
        """The execution state of the kernel of `notebook`'s session (None: no kernel yet)."""
        session = next((s for s in self.api("sessions") if s["path"] == notebook and s.get("kernel")), None)
        return session["kernel"]["execution_state"] if session else None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        """The server, then any kernel it left (its own process group), each with a bounded wait."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        try:
            os.killpg(self.process.pid, 9)
        except ProcessLookupError:
            pass
