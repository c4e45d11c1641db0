"""Where hypothesis keeps its files while checks run: never in the working folder.

Every grading setting turns hypothesis's example database off (`database=None`), yet
hypothesis still writes under `./.hypothesis`: its Unicode tables (text strategies) and,
where its local-constants pool is in use, a cache of the constants it finds in the loaded
modules (checks run with that pool empty: `hypothesis_pool`). `edf-selfcheck .` and the
in-notebook self-check run in the student's own folder, which then ends up in their hand-in
and their repository. So its storage is the user's cache folder ($XDG_CACHE_HOME or ~/.cache,
then edf-autograder/hypothesis); where that cannot be made, a temporary folder of this
process, removed when it ends. Someone who sets HYPOTHESIS_STORAGE_DIRECTORY keeps their choice.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_moved = False


def _folder() -> str:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "edf-autograder" / "hypothesis"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        return str(cache)
    except OSError:  # no writable home (a locked-down lab machine): this run's own folder
        folder = tempfile.mkdtemp(prefix="edf-hypothesis-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return folder


def keep_out_of_the_working_folder() -> None:
    """Point hypothesis's storage out of the working folder (once per process; cheap after that)."""
    global _moved
    if _moved:
        return
    _moved = True
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(_folder())
