"""Which Python runs an exercise's kernels, and the one line every report prints about it.

The course's environment when the exercise declares one and it can be built
(`course_env`); otherwise the grader's own, said loudly, as $EDF_GRADER_COURSE_ENV
chooses: auto (default) falls back, required refuses, off never builds.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from edf_autograder.exercise import Environment
from edf_autograder.kernel.course_env import SWITCH, CourseEnvError, build, ready

log = logging.getLogger(__name__)
MODES = ("auto", "required", "off")


@dataclass(frozen=True)
class Interpreter:
    python: Path | None = None          # None: the grader's own
    note: str = "the grader's own (the exercise declares no course environment)"
    packages: tuple[str, ...] = ()      # the course's: a kernel's failed import names them
    source: str = ""

    @property
    def prefix(self) -> Path | None:
        """The environment's folder, which a sandboxed kernel sees read-only instead of the grader's."""
        return self.python.parent.parent if self.python else None

    def import_notice(self) -> str:
        """What a failed import of a package outside the course's environment adds to its message."""
        return (f"is not part of the course's environment ({', '.join(self.packages)} and what they "
                f"depend on, from {self.source}), nor a file beside the notebook") if self.python else ""


GRADERS = Interpreter()


def mode() -> str:
    wanted = os.environ.get(SWITCH, "auto").strip().lower() or "auto"
    if wanted not in MODES:
        raise CourseEnvError(f"{SWITCH}={wanted!r}: expected one of {', '.join(MODES)}")
    return wanted


def prepare(env: Environment | None, *, progress: Callable[[str], None] | None = None) -> Interpreter:
    """The interpreter for `env`'s kernels, building its environment the first time (after
    telling `progress`: it takes a minute or two)."""
    if env is None:
        return GRADERS
    listed = ", ".join(env.packages)
    chosen = mode()
    if chosen == "off":
        return Interpreter(note=f"the grader's own ({SWITCH}=off): NOT the course's ({listed}); "
                                "imports are not limited to it")
    if progress is not None and ready(env) is None:
        progress(f"building the course's environment ({listed}) from {env.lock.name}, once (pip; a minute or two) ...")
    try:
        built = build(env, retry=False)
    except CourseEnvError as exc:
        if chosen == "required":
            raise
        log.warning("kernels run in the grader's own environment: %s", exc)
        return Interpreter(note=f"the grader's own, NOT the course's ({exc}; {SWITCH}=required refuses "
                                f"to grade without it): imports are not limited to {listed}, and what the "
                                "grader lacks of it fails")
    when = f"built now in {built.seconds:.0f} s" if built.now else f"built once in {built.seconds:.0f} s"
    return Interpreter(built.python, f"the course's ({listed}, from {env.source}; {built.folder.name}, {when})",
                       env.packages, env.source)
