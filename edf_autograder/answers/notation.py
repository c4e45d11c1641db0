"""Paper, Unicode and LaTeX spellings rewritten into the plain notation that the expression
grammar reads (edf_autograder/answers/expression.lark).

Only spellings change here (`−` -> `-`, `²` -> `^(2)`, `\\tanh` -> `tanh`, `\\leq` -> `<=`,
`$` dropped, a left-hand side such as `d/dx tanh(x) =` dropped); structure (`\\frac{a}{b}`,
braces, cases, implicit products) is the grammar's. docs/pen-and-paper.md lists every notation.
"""
from __future__ import annotations

import re

CHARACTERS = {
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00b7": "*", "\u22c5": "*", "\u2219": "*",
    "\u00d7": "*", "\u2217": "*", "\u00f7": "/", "\u2264": "<=", "\u2265": ">=", "\u2a7d": "<=",
    "\u2a7e": ">=", "\u2260": "!=", "\u03b4": "delta", "\u03c3": "sigmoid", "\u03c0": "pi",
    "\u221a": "sqrt", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\u2032": "'",
}
SUPERSCRIPTS = dict(zip("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b\u207d\u207e\u02e3",
                        "0123456789+-()x"))
SUBSCRIPTS = dict(zip("\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089\u1d62\u2c7c\u2096",
                      "0123456789ijk"))
# LaTeX commands that are only a spelling; any other command loses its backslash (\tanh -> tanh)
# and the grammar reads the name or reports it. \frac and braces are grammar.
LATEX = {
    "cdot": "*", "times": "*", "ast": "*", "div": "/", "leq": "<=", "le": "<=", "leqslant": "<=",
    "geq": ">=", "ge": ">=", "geqslant": ">=", "neq": "!=", "ne": "!=", "lt": "<", "gt": ">",
    "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "", "quad": " ", "qquad": " ",
    "sigma": "sigmoid", "dfrac": "\\frac", "tfrac": "\\frac", "frac": "\\frac",
    "land": " and ", "wedge": " and ", "lor": " or ", "vee": " or ", "neg": " not ", "lnot": " not ",
}
ENVIRONMENTS = {"\\begin{cases}": "{", "\\end{cases}": "}", "\\left\\{": "{", "\\right.": "",
                "\\{": "{", "\\}": "}", "\\\\": ";"}  # a new line of cases is a new case
STYLES = re.compile(r"\\(?:mathbf|mathrm|mathit|boldsymbol|bm|operatorname|text|textrm|textbf|mbox)"
                    r"\s*\{([^{}]*)\}")
BRACED_SUBSCRIPT = re.compile(r"_\s*\{([A-Za-z0-9 ,]*)\}")  # \delta_{j,k} -> delta_jk
SPACING = re.compile(r"\\[,;:! ]|~")
COMMAND = re.compile(r"\\([A-Za-z]+)")
PYTHON_MODULES = re.compile(r"\b(?:np|numpy|math|torch)\s*\.\s*(?=[A-Za-z])")  # np.tanh -> tanh
LONE_EQUALS = re.compile(r"(?<![<>=!])=(?![=<>])|\u2248")
CONDITION_WORD = re.compile(r"\b(?:if|for|when|else|otherwise)\b|&", re.IGNORECASE)


def _superscript(power: str) -> str:
    return f"^{power}" if power.isdigit() else f"^({power})"  # tanh²(x) -> tanh^2(x), e⁻ˣ -> e^(-x)


def _latex(text: str) -> str:
    for old, new in ENVIRONMENTS.items():
        text = text.replace(old, new)
    text = SPACING.sub(" ", text)
    while STYLES.search(text):  # \text{\mathbf{x}} nests
        text = STYLES.sub(lambda m: f" {m.group(1)} ", text)
    text = BRACED_SUBSCRIPT.sub(lambda m: "_" + re.sub(r"[ ,]", "", m.group(1)), text)
    return COMMAND.sub(lambda m: LATEX.get(m.group(1), f" {m.group(1)}"), text)


def drop_label(text: str) -> str:
    """The text after a left-hand side: after the last lone "=" (or "≈") before any
    condition, so that "j = k" in "... if j = k" stays a condition."""
    condition = CONDITION_WORD.search(text)
    head = text[: condition.start()] if condition else text
    labels = list(LONE_EQUALS.finditer(head))
    return text[labels[-1].end():].strip() if labels else text


def plain(text: str) -> str:
    """The text in the grammar's plain notation (which may still be unreadable)."""
    text = re.sub(r"^\s*\\[(\[]|\\[)\]]\s*$", "", text.replace("$", " "))
    text = re.sub(f"[{''.join(SUPERSCRIPTS)}]+", lambda m: _superscript("".join(SUPERSCRIPTS[ch] for ch in m.group())),
                  text)
    text = re.sub(f"[{''.join(SUBSCRIPTS)}]+", lambda m: "_" + "".join(SUBSCRIPTS[ch] for ch in m.group()), text)
    for old, new in CHARACTERS.items():
        text = text.replace(old, new)
    text = PYTHON_MODULES.sub("", _latex(text))
    return text.strip().rstrip(".").strip()
