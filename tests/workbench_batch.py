"""A small graded batch for the workbench's tests: pen-and-paper submissions only (quick mode,
no kernels: seconds), with answers that group (identical after normalisation, near-duplicates,
numbers), two handwritten hand-ins (a photo, a PDF), and hostile student names and answers (script tags,
`javascript:` links, markup that would run if it were not escaped). `with_flags` adds the
flags a notebook run raises (tamper, label leak, sandbox, intake), which quick mode cannot."""
from __future__ import annotations

import json
import re
from pathlib import Path

from edf_autograder.batch.run import grade_all
from edf_ex2.exercise import REFERENCE

ANSWERS = (REFERENCE / "pen_and_paper.toml").read_text()
C_II = re.compile(r'ii = """\n.*?\n"""', re.S)
XSS = ('<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
       '<a href="javascript:window.__pwned = 3">click</a>')
C_II_ANSWERS = {  # student folder -> answer to 2.1c-ii
    "alice": "The loss increases: the learning rate is too high.",
    "bob": "the loss INCREASES - the learning rate is too high!",               # same after normalisation
    "carol": "The loss increases; the learning rate is much too high.",          # a near-duplicate
    "dave": "Yes, it decreases.",
    "erin": "Yes, it decreases",
    "<script>alert(1)<": XSS,                                                   # hostile name and answer
    "javascript:alert(1)": "No, it increases <b>bold</b> [x](javascript:alert(1))",
}


FLAGS = {  # safe_id -> flags as the grader writes them into result.json (integrity.Flag.to_dict)
    "alice": [{"kind": "tamper", "message": "tampering: cell 7 replaced edf.Sigmoid.forward; check how it was graded",
               "notebook": "image_classification.ipynb", "cell": 6}],
    "carol": [{"kind": "mismatch", "message": "2.3a-error: prob_node must not depend on the labels (label leak)",
               "notebook": "", "cell": None},
              {"kind": "sandbox", "message": "cell 3 opened a network connection: example.org:80",
               "notebook": "pcl_binary_classification.ipynb", "cell": 2}],
    "script_alert_1_": [{"kind": "intake", "message": XSS, "notebook": "", "cell": None}],
}


def _answer_file(c_ii: str) -> str:
    text = c_ii.replace('"""', "'''")
    return C_II.sub(lambda _: f'ii = """\n{text}\n"""', ANSWERS, count=1)


def build(root: Path) -> Path:
    """The course folder: one sub-folder per student."""
    for name, c_ii in C_II_ANSWERS.items():
        (root / name).mkdir(parents=True)
        (root / name / "pen_and_paper.toml").write_text(_answer_file(c_ii), encoding="utf-8")
    (root / "frank").mkdir()  # handwritten: a one-page "photo" (a PNG) instead of the answer file
    (root / "frank" / "pen_and_paper.png").write_bytes(PNG)
    (root / "paula").mkdir()  # handwritten as a PDF
    (root / "paula" / "pen_and_paper.pdf").write_bytes(_pdf())
    return root


def _pdf() -> bytes:
    """A one-page PDF with a line of 'handwriting', drawn by matplotlib (already a dependency)."""
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.27, 11.69))
    fig.text(0.1, 0.9, "2.1 b) e^c cancels", fontsize=24)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    return buf.getvalue()


def graded(tmp: Path) -> Path:
    """Build and grade the batch into tmp/out; returns the output folder."""
    out = tmp / "out"
    grade_all(build(tmp / "course"), out, jobs=2, quick=True)
    return out


def with_flags(out: Path) -> Path:
    """Add FLAGS to the graded batch `out` and write its reports again; returns `out`."""
    from edf_autograder.workbench.publish import publish

    for safe_id, flags in FLAGS.items():
        path = out / "students" / safe_id / "result.json"
        path.write_text(json.dumps(json.loads(path.read_text()) | {"flags": flags}), encoding="utf-8")
    publish(out, everyone=True)
    return out


# an 8x8 grey PNG: enough for a browser to draw, small enough to keep in the source
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000008000000080800000000e164e1570000000e49444154789c636880"
                    "0206ca1800808420010d8024610000000049454e44ae426082")
