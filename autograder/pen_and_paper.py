"""The pen-and-paper answer file (TOML, read with the standard library) and the key."""
from __future__ import annotations

import functools
import math
import tomllib
from pathlib import Path

from autograder.errors import SubmissionError

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
MAX_BYTES = 200_000


def load_answers(path: Path) -> dict:
    """The student's answers as a dict; SubmissionError naming the file and the problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SubmissionError(f"{path.name}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise SubmissionError(f"{path.name}: {len(raw)} bytes; an answer file is at most {MAX_BYTES}")
    try:
        answers = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SubmissionError(f"{path.name}: not valid TOML ({exc}); start again from the hand-out's "
                              "pen_and_paper.toml") from None
    for section in ("a", "b", "c"):
        if not isinstance(answers.get(section, {}), dict):
            raise SubmissionError(f"{path.name}: [{section}] must be a table of answers")
    return answers


def answer(answers: dict, section: str, name: str):
    """One answer, or None when it is absent or left blank (empty text, nan)."""
    value = answers.get(section, {}).get(name)
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list) and any(isinstance(v, float) and math.isnan(v) for v in value):
        return None
    return value


@functools.lru_cache(maxsize=1)
def load_key() -> dict:
    return tomllib.loads((REFERENCE / "pen_and_paper_key.toml").read_text())


def blank_answer_file() -> str:
    return (REFERENCE / "pen_and_paper_template.toml").read_text()
