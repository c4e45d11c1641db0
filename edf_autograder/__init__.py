"""The grading engine: stage -> execute (capturing evidence) -> check -> score -> report."""

__version__ = "0.1.0"
