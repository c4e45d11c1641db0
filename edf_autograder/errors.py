"""Errors for people: each says what was expected, what was found and what to do.

The CLI prints `str(error)` on one line and exits with `exit_code`; it never shows
a traceback for these.
"""


class HarnessError(Exception):
    """Base of every error the harness reports to a user."""

    exit_code = 2


class SubmissionError(HarnessError):
    """The submission cannot be used as given (missing, unreadable, wrong shape)."""


class DataError(HarnessError):
    """A data file is missing, truncated or not what its name says."""


class EvidenceMissing(HarnessError):
    """A check needs evidence that the run did not produce (cell not found, crashed, ...)."""


class TrainingStopped(HarnessError):
    """A check of a trained result read a training that a quick check stopped early."""


class KernelCallError(HarnessError):
    """A call into the student's kernel failed or returned something unusable."""


class SandboxError(HarnessError):
    """The kernel's containment asked for (sandbox, memory cap) cannot be set up on this machine."""


class Untrusted(KernelCallError):
    """What the kernel reported disagrees with the grader's own recomputation."""
