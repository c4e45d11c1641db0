"""How sheet 2.1 was handed in, for every 2.1 check: the answer file pen_and_paper.toml,
handwritten pages (pen_and_paper.pdf or photos), or a file that is not TOML at all.

Handwritten pages or a file that cannot be read send an item to a tutor; so does an answer
that is not read automatically (never a silent zero). Program code scores nothing.
This module declares no items: the checks are s2_1a_derivatives and s2_1bc_proof_and_update.
"""
from __future__ import annotations

import functools

from edf_autograder.answers.expressions import Unreadable
from edf_autograder.checking.verdicts import Verdict, failed, manual
from edf_ex2.exercise import ANSWER_SHEET

FILE = ANSWER_SHEET.filename
TEXT_SHOWN = 2000  # characters of an unreadable file shown to the tutor
HOW = "A tutor reads it (suggested 0 until then). To have it read automatically, {hint}."


def excerpt(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


def unreadable(exc: Unreadable) -> Verdict:
    """Program code scores nothing; any other text that is not read waits for a tutor."""
    if exc.code:
        return failed(str(exc))
    return manual(f"{exc}.\n{HOW.format(hint=exc.hint)}", 0.0)


def reads(*answers: tuple[str, str]):
    """Under @check: the item is graded from these answers by `fn(answer_file) -> Verdict`.
    Handwritten answers or a file that is not TOML send it to a tutor; an answer found
    under a misspelt name says so."""
    def decorate(fn):
        @functools.wraps(fn)
        def run(ev) -> Verdict:
            file = ev.answers()
            drawn = f"handwritten answers ({', '.join(file.handwritten)})"
            if file.problem:
                verdict = manual(f"{file.problem}. A tutor grades this item from the file's text (suggested 0):\n"
                                 f"{file.text[:TEXT_SHOWN]}", 0.0)
            elif file.name is None:
                return manual(f"Handed in as {drawn}: a tutor grades this item from them (suggested 0).", 0.0)
            else:
                verdict = fn(file)
                verdict = Verdict(verdict.status, verdict.fraction,
                                  verdict.message + "".join(file.note(*a) for a in answers), verdict.data)
            if file.handwritten:
                return manual(f"{verdict.message}\nYou also handed in {drawn}: a tutor grades this item from them; "
                              f"the suggestion comes from {file.name}.", verdict.fraction, **verdict.data)
            return verdict
        return run
    return decorate
