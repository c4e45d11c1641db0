"""2.1b and c (6 points): the Softmax proof, and one SGD step of a one-layer network.

b, c-ii and the c-iii remark are free text for a tutor, with a score suggested from keywords.
c-i and the c-iii gradient are numbers as people write them (edf_autograder/answers/sheet.py),
compared with the key, whose values checks/key.py recomputes; c-iii follows the key's
c_iii_policy. A value that is not read waits for a tutor, with the rest scored as a suggestion.
"""
from __future__ import annotations

import re

from edf_autograder.answers import sheet as paper
from edf_autograder.answers.expressions import Unreadable
from edf_autograder.checking.registry import check
from edf_autograder.checking.verdicts import Verdict, failed, manual, passed
from edf_autograder.errors import SubmissionError
from edf_ex2 import key as sheet
from edf_ex2.exercise import ANSWER_SHEET
from edf_ex2.s2_1_hand_in import FILE, excerpt, reads


def _keywords(text: str, item: str) -> tuple[float, list[str]]:
    """The share of the key's ideas for `item` that the text mentions, and the phrases that
    matched (the tutors' workbench shows them beside the answer)."""
    ideas = sheet.load()["keywords"][item]
    found = [m.group(0) for idea in ideas if (m := re.search(idea, text, re.IGNORECASE))]
    return len(found) / len(ideas), found


def _free_text(answers, table: str, name: str, item: str, keywords: str) -> Verdict:
    value = answers.get(table, name)
    if value is None:
        return failed(f"no answer for {item} in {FILE}: under [{table}], write {name} = \"\"\"your answer\"\"\"")
    written = paper.text(value)
    share, ideas = _keywords(written, keywords)
    return manual(f"read by a tutor (keywords suggest {share:.0%} of the point): {excerpt(written)}", share,
                  answer=written, ideas=ideas)


@check("2.1b", "b: Softmax(x) = Softmax(x + c), proof", 1, students="nothing")
@reads(("b", "proof"))
def softmax_shift_proof(answers):
    return _free_text(answers, "b", "proof", "b", "b")


def _fmt(value) -> str:
    return f"[{', '.join(f'{float(v):g}' for v in value)}]" if isinstance(value, list) else f"{float(value):g}"


def _near(got, want) -> bool:
    tol = sheet.load()["tolerance"]["numbers"]
    got, want = (got, want) if isinstance(want, list) else ([got], [want])
    return isinstance(got, list) and len(got) == len(want) and all(abs(g - w) <= tol for g, w in zip(got, want))


def _numbers(value, name: str, label: str):
    """The answer's number, or its list of two; Unreadable or WrongKind (a SubmissionError)."""
    pair = ANSWER_SHEET.schema[("c", name)] == "pair"
    got = paper.numbers(value, 2 if pair else 1, item=label)
    return got if pair else got[0]


C_I = {  # answer name -> (label, what to check when it is wrong)
    "loss_before": ("loss before", "compute y = A X for all three points, then L = 1/2 sum_j (y_j - t_j)^2"),
    "loss_after": ("loss after", "repeat the forward pass with the updated A"),
    "gradient": ("gradient", "dL/da_i sums the contributions (y_j - t_j) x_ij of the three points"),
    "A_updated": ("updated A", "use the update rule of lecture 3, slide 35, with learning rate 1"),
}


def _c_i_mistake(name: str, got) -> str | None:
    """What a recognised wrong value comes from, or None."""
    batch = sheet.X.shape[1]
    if name in ("loss_after", "A_updated") and _near(got, sheet.linear(averaged=False)[name]):
        return f"this is what a step with the summed gradient gives; slide 35 averages it over the batch of {batch}"
    if name == "gradient" and _near(got, [g / batch for g in sheet.load()["c"]["gradient"]]):
        return f"this is the gradient averaged over the batch; L sums over the {batch} points (average only in the update)"
    return None


@check("2.1c-i", "c-i: losses, gradient and updated weights (g linear)", 2, students="readable")
@reads(*(("c", name) for name in C_I))
def linear_update(answers):
    key = sheet.load()["c"]
    right, notes, unread = 0, [], []
    for name, (label, hint) in C_I.items():
        value = answers.get("c", name)
        if value is None:
            notes.append(f"{label}: no answer ({name} under [c])")
            continue
        try:
            got = _numbers(value, name, label)
        except Unreadable as exc:
            (notes if exc.code else unread).append(f"{exc}; {exc.hint}" if exc.hint else str(exc))
            continue
        except SubmissionError as exc:
            notes.append(str(exc))
            continue
        if _near(got, key[name]):
            right += 1
        else:
            notes.append(f"{label}: {_fmt(got)} is not right ({_c_i_mistake(name, got) or hint})")
    share = right / len(C_I)
    summary = f"{right} of {len(C_I)} values right (each is worth a quarter of the 2 points)"
    if unread:
        return manual(f"{summary}; a tutor reads the rest (suggested {share:.0%} until then):\n"
                      + "\n".join(unread + notes), share)
    if right == len(C_I):
        return passed("losses, gradient and updated A are all right")
    return failed(f"{summary}: " + "; ".join(notes), share)


@check("2.1c-ii", "c-ii: does the loss decrease? why not?", 1, students="nothing")
@reads(("c", "ii"))
def loss_rises(answers):
    return _free_text(answers, "c", "ii", "c-ii", "c_ii")


def _c_iii_gradient(key: dict, value) -> tuple[float, str, bool, str]:
    """(share of the numeric point, what the gradient matched, whether a tutor must read it,
    which value it is: "sheet", "recomputed", "neither" or "no answer")."""
    policy = f"c_iii_policy = {key['c_iii_policy']!r}"
    if value is None:
        return 0.0, "gradient: no answer (iii_gradient under [c]); 0 of 1 point.", False, "no answer"
    try:
        got = _numbers(value, "iii_gradient", "gradient")
    except Unreadable as exc:
        if exc.code:
            return 0.0, f"{exc}: 0 of 1 point.", False, "no answer"
        return 0.0, f"{exc}. A tutor reads it (suggested 0 of 1 point until then); {exc.hint}.", True, "no answer"
    except SubmissionError as exc:
        return 0.0, f"{exc}: 0 of 1 point.", False, "no answer"
    known = {"sheet": key["c"]["iii_gradient"], "recomputed": key["c"]["iii_gradient_recomputed"]}
    given = next((which for which, v in known.items() if _near(got, v)), "neither")
    for label, accepted in sheet.c_iii_accepted(key).items():
        if _near(got, accepted):
            return 1.0, f"gradient {_fmt(got)} matches {label} {_fmt(accepted)} ({policy}): 1 of 1 point.", False, given
    names = {"sheet": "the sheet's official value", "recomputed": "the recomputed alternative"}
    if given != "neither":
        return 0.0, (f"gradient {_fmt(got)} matches {names[given]}, which this grading does not accept ({policy}): "
                     "0 of 1 point; the sheet's value is disputed, ask your tutor."), False, given
    return 0.0, (f"gradient {_fmt(got)} is not right: 0 of 1 point (multiply each point's contribution by "
                 "ReLU's derivative at A x_j)."), False, given


@check("2.1c-iii", "c-iii: gradient with g = ReLU, and what it shows", 2, students="readable")
@reads(("c", "iii_gradient"), ("c", "iii_remark"))
def relu_gradient(answers):
    key = sheet.load()
    value, remark = answers.get("c", "iii_gradient"), answers.get("c", "iii_remark")
    if value is None and remark is None:
        return failed(f"no answer for c-iii in {FILE}: under [c], write iii_gradient = [dL/da_1, dL/da_2] "
                      "and iii_remark = \"\"\"what you notice\"\"\"", c_iii="no answer")
    numeric, note, unread, given = _c_iii_gradient(key, value)
    if remark is None:
        message = f"{note} No remark (iii_remark under [c]): what do you notice in the gradient? 0 of 1 point."
        return manual(message, 0.0, c_iii=given) if unread else failed(message, numeric / 2, c_iii=given)
    written = paper.text(remark)
    share, ideas = _keywords(written, "c_iii")
    return manual(f"{note} The remark is read by a tutor (keywords suggest {share:.0%} of its point): "
                  f"{excerpt(written)}", (numeric + share) / 2, c_iii=given, answer=written, ideas=ideas)
