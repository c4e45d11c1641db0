"""What the students' kit must never hold, and a search for it: the solution lines of the
reference notebooks, every value of the pen-and-paper key (the key file's and what
checks/key.py recomputes, in the spellings people write numbers in), the reference's answer
file and the reference's measured results (reference/figures.json)."""
from __future__ import annotations

import io
import json
import re
import tomllib
import zipfile
from fractions import Fraction
from pathlib import Path

import nbformat

from edf_autograder.integrations.release import solution_lines
from edf_ex2 import key
from edf_ex2.exercise import EXERCISE

REFERENCE = EXERCISE.reference
NUMBER_EDGE = r"(?<![\w.,/]){}(?![\w]|[.,/]\d)"  # a number token, not part of a longer one


def _scalar(x: float) -> set[str]:
    """How people write x: 16.5, 16,5, 33/2; 0.667, .667, 2/3; 23.611, 23.61111..."""
    shown = {repr(float(x)), f"{x:g}", f"{x:.3f}".rstrip("0").rstrip("."), f"{x:.4f}".rstrip("0").rstrip(".")}
    fraction = Fraction(x).limit_denominator(50)
    if fraction.denominator > 1 and abs(float(fraction) - x) < 1e-3:
        shown.add(f"{fraction.numerator}/{fraction.denominator}")
    shown |= {s.replace("0.", ".", 1) for s in shown if s.lstrip("-").startswith("0.")}
    shown |= {s.replace(".", ",") for s in shown if "." in s}
    return shown


def _pair(values) -> set[str]:
    """A pair as written: -2, 4; [-2.0, 4.0]; 3.667, 0.667; 11/3, 2/3; (-5; -4)."""
    firsts, seconds = _scalar(values[0]), _scalar(values[1])
    firsts |= {str(int(values[0]))} if float(values[0]).is_integer() else set()
    seconds |= {str(int(values[1]))} if float(values[1]).is_integer() else set()
    return {f"{a}{sep}{b}" for a in firsts for b in seconds for sep in (", ", ",", "; ", " ")
            if not ("," in a + b and sep.startswith(","))}


def _numbers(value) -> set[str]:
    if isinstance(value, list):
        return _pair(value)
    if float(value).is_integer() and abs(value) < 100:
        return set()  # a lone small integer is in every file; the key's integers are searched as pairs
    return _scalar(float(value))


def key_values() -> tuple[set[str], set[str]]:
    """(numbers, texts) of the key file, of what key.py recomputes and of the reference's answer file."""
    numbers, texts = set(), set()
    key_file = tomllib.loads(key.KEY_FILE.read_text(encoding="utf-8"))
    answers = tomllib.loads((REFERENCE / "pen_and_paper.toml").read_text(encoding="utf-8"))
    for source in (key_file["c"], key.derived(), key.linear(averaged=False), answers["c"]):
        for value in source.values():
            if isinstance(value, str):
                texts |= {line.strip() for line in value.splitlines() if len(line.strip()) > 20}
            else:
                numbers |= _numbers(value)
    for item in key_file["a"].values():
        texts.add(item["official"])
    texts |= set(answers["a"].values())
    texts |= {line.strip() for line in answers["b"]["proof"].splitlines() if len(line.strip()) > 20}
    texts |= {idea for ideas in key_file["keywords"].values() for idea in ideas}
    texts.add(key_file["c_iii_policy"])
    # the key's own entry names (what a handed-in key is recognised by), not the answer file's
    template = tomllib.loads((REFERENCE / "pen_and_paper_template.toml").read_text(encoding="utf-8"))
    texts |= {name for name in key_file if name not in template and "_" in name}
    return numbers, texts


def reference_results() -> set[str]:
    """The reference's measured errors and decision-boundary probabilities (figures.json)."""
    figures = json.loads((REFERENCE / "figures.json").read_text(encoding="utf-8"))
    found = {repr(float(v)) for sweep in figures["sweeps"].values() for name in ("train", "test")
             for v in sweep[name] if not float(v).is_integer()}
    for grid in ("pcl_logreg_grid", "pcl_mlp_grid"):
        # four significant digits (0.4832): shorter ones (0.5, 0.0375) are found in any code by chance
        found |= {repr(p) for row in figures[grid]["p"] for p in row if len(repr(p).lstrip("-0.")) >= 4}
    return found


def solutions() -> set[str]:
    lines = set()
    for notebook in EXERCISE.notebooks:
        lines |= solution_lines(nbformat.read(REFERENCE / notebook.filename, as_version=4))
    return lines


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def unpack(data: bytes, name: str, out: dict[str, bytes]) -> None:
    """Every file of an archive, and of the archives inside it, by path."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for entry in zf.namelist():
                unpack(zf.read(entry), f"{name}!{entry}", out)
    else:
        out[name] = data


def kit_files(folder: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            unpack(path.read_bytes(), str(path.relative_to(folder)), out)
    return out


TOKEN = re.compile(NUMBER_EDGE.format(r"-?(?:\d+(?:[.,/]\d+)?|[.,]\d+)"))  # one number, as the needles spell it


def leaks(texts: dict[str, str]) -> list[str]:
    """Every needle found, as 'file: needle'."""
    numbers, sentences = key_values()
    numbers |= reference_results()
    single = {n for n in numbers if not re.search(r"[ ;]|, ", n)}  # found among a text's number tokens
    pairs = {n: re.compile(NUMBER_EDGE.format(re.escape(n))) for n in numbers - single}
    squeezed_needles = {squeeze(s) for s in sentences | solutions() if len(squeeze(s)) > 3}
    found = []
    for name, text in texts.items():
        found += [f"{name}: {n}" for n in sorted(single & set(TOKEN.findall(text)))]
        found += [f"{name}: {n}" for n, pattern in pairs.items() if pattern.search(text)]
        flat = squeeze(text)
        found += [f"{name}: {s}" for s in squeezed_needles if s in flat]
    return found
