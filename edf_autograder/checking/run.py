"""Running one check on the evidence: its verdict as an item of the result. The one place
that turns what a check raises into a status and a message, shared by `grade` and the
students' in-notebook self-check (`edf_autograder.selfcheck`), so both say the same."""
from __future__ import annotations

import time
import traceback

from edf_autograder.checking.evidence import Evidence
from edf_autograder.checking.hypothesis_pool import same_examples_everywhere
from edf_autograder.checking.hypothesis_storage import keep_out_of_the_working_folder
from edf_autograder.checking.verdicts import ERROR, FAIL, NOT_FOUND, ItemResult, Verdict, skipped
from edf_autograder.errors import EvidenceMissing, HarnessError, TrainingStopped, Untrusted
from edf_autograder.evidence.integrity import Flag, tamper_note

INTERNAL = "internal grader error (the instructor will look at it):\n"
QUICK_SKIP = ("not checked in quick mode (needs the full training data): a full `check` without --quick, "
              "or the official grading, runs it")


def run_item(chk, ev: Evidence) -> ItemResult:
    started = time.monotonic()
    ev.read, ev.trained = {}, chk.spec.trained
    verdict = _run_check(chk, ev)
    spec = chk.spec
    if kind := verdict.data.get("integrity"):  # a check that saw something a person should look at
        where = "; ".join(ev.read.values())
        ev.flags.append(Flag(kind, f"{spec.id}: {verdict.message}" + (f" ({where})" if where else "")))
    return ItemResult(spec.id, spec.title, spec.section, round(spec.points * verdict.fraction, 3), spec.points,
                      verdict.status, verdict.message, round(time.monotonic() - started, 3),
                      "; ".join(dict.fromkeys(ev.read.values())), dict(verdict.data))


def _run_check(chk, ev: Evidence) -> Verdict:
    if chk.spec.slow and ev.quick:
        return skipped(QUICK_SKIP)
    keep_out_of_the_working_folder()  # property checks run hypothesis: its files stay out of the student's folder
    try:
        with same_examples_everywhere():  # a checkout, the kit and a student's kernel try the same inputs
            return chk.run(ev)
    except TrainingStopped as exc:
        task = chk.spec.id.rsplit("-", 1)[0]
        return skipped(f"not checked in quick mode: {exc}; a full `check` without --quick, or the official grading, "
                       f"decides it, and check(\"{task}\") in your notebook judges your own training")
    except EvidenceMissing as exc:
        return Verdict(NOT_FOUND, 0.0, str(exc))
    except Untrusted as exc:  # the kernel's numbers disagree with the grader's: a person looks
        notes = [tamper_note(ev.flags, ev.files.get(kind, "")) for kind in ev.kinds_read()]
        message = "; ".join(filter(None, notes + [str(exc)]))
        where = "; ".join(ev.read.values())
        ev.flags.append(Flag("mismatch", f"{chk.spec.id}: {exc}" + (f" ({where})" if where else "")))
        return Verdict(FAIL, 0.0, message)
    except HarnessError as exc:  # the submission does not give what the item needs
        return Verdict(FAIL, 0.0, str(exc))
    except Exception:  # a grader bug: this item needs a human, the rest of the run goes on
        return Verdict(ERROR, 0.0, INTERNAL + traceback.format_exc(limit=4))
