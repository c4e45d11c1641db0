"""Where hypothesis keeps its files while checks run: never in the working folder.

Every grading setting turns hypothesis's example database off (`database=None`), yet
hypothesis still writes under `./.hypothesis`: a cache of the constants it finds in the
loaded modules, and its Unicode tables. `edf-selfcheck .` and the in-notebook self-check run
in the student's own folder, which then ends up in their hand-in and their repository. So
its storage is a temporary folder of this process, removed when the process ends.
Someone who sets HYPOTHESIS_STORAGE_DIRECTORY keeps their choice.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_moved = False


def keep_out_of_the_working_folder() -> None:
    """Point hypothesis's storage at a temporary folder (once per process; cheap after that)."""
    global _moved
    if _moved:
        return
    _moved = True
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    folder = tempfile.mkdtemp(prefix="edf-hypothesis-")
    set_hypothesis_home_dir(folder)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
