"""The kit's stand-ins for items whose verdict students do not see.

A "readable" item (a pen-and-paper number or expression) says only how each answer reads,
with the exercise's own grammar (`answers/`), never whether it is right: the kit holds no
key to compare with. Its status is READ, which no report counts as passed or failed. A
"nothing" item (free text) is listed as graded by a tutor.
"""
from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from edf_autograder.answers import sheet as paper
from edf_autograder.answers.expressions import Unreadable
from edf_autograder.answers.notation import drop_label, plain
from edf_autograder.checking.registry import Check
from edf_autograder.checking.verdicts import MANUAL, READ, ItemSpec, Verdict
from edf_autograder.errors import EvidenceMissing, SubmissionError

NOT_SAID = "Whether it is right is decided in the official grading, not here."
TUTOR = "Free text, graded by a tutor in the official grading: the self-check does not look at it."


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _reads(value, kind: str, variables: tuple[str, ...], label: str) -> str:
    """How one answer reads; Unreadable or SubmissionError when it does not."""
    if kind == "expression":
        expression = paper.expression(value, variables, item=label)
        return f"reads as {drop_label(plain(expression.text))} (in {', '.join(variables)})"
    read = paper.numbers(value, 2 if kind == "pair" else 1, item=label)
    return "reads as " + (f"[{', '.join(map(_number, read))}]" if kind == "pair" else _number(read[0]))


def _how_it_reads(file, answers: tuple[dict, ...]) -> Verdict:
    lines, readable = [], True
    for answer in answers:
        table, name = answer["table"], answer["name"]
        label = f"{table}-{name}"
        value = file.get(table, name)
        if value is None:
            lines.append(f"{label}: no answer ({name} under [{table}] in {file.sheet.filename})")
            readable = False
            continue
        try:
            lines.append(f"{label}: {_reads(value, answer['kind'], tuple(answer['variables']), label)}")
        except Unreadable as exc:
            lines.append(f"{exc}; {exc.hint}" if exc.hint else str(exc))
            readable = False
        except SubmissionError as exc:
            lines.append(str(exc))
            readable = False
        lines[-1] += file.note(table, name)
    return Verdict(READ, 0.0, "\n".join(lines + [NOT_SAID]), {"readable": readable})


def _readable(answers: tuple[dict, ...]):
    def run(ev) -> Verdict:
        try:
            file = ev.answers()
        except EvidenceMissing as exc:
            return Verdict(READ, 0.0, f"{exc}. {NOT_SAID}", {"readable": False})
        if file.problem:
            return Verdict(READ, 0.0, f"{file.problem}: a tutor would grade it from the file's text.",
                           {"readable": False})
        if file.name is None:
            return Verdict(READ, 0.0, "handed in as handwritten pages: a tutor grades this item.", {"readable": False})
        return _how_it_reads(file, answers)
    return run


def _tutor(ev) -> Verdict:
    return Verdict(MANUAL, 0.0, TUTOR)


def stand_in(item: Mapping, answers: tuple[dict, ...]) -> Check:
    """The kit's check of a listed item that the kit carries no check module for."""
    spec = ItemSpec(item["id"], item["title"], item["points"], item["section"], item["slow"], item["students"])
    return Check(spec, _readable(answers) if item["students"] == "readable" else _tutor)
