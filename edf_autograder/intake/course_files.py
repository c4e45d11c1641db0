"""What a student changed in a file the course hands out (`edf.py`, a loader), told in the
terms a student reads: classes, functions and methods added, removed, with another
signature, or computing differently; and whether the change is only cosmetic.

Both files are parsed with the standard library's `ast`: comments, formatting and
docstrings (and any other bare string statement, which does nothing) are not part of the
tree, so "cosmetic" means the same tree without them. Nothing is imported or run.

A course may have handed out more than one good copy (a tidied file in the repository,
the course's own original): `forms(source)` fingerprints a copy as "name=hash" strings the
exercise declares, so a student's copy of either is compared without shipping the other.
"""
from __future__ import annotations

import ast
import copy
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

MODULE = "*"  # the fingerprint of the whole file


@dataclass(frozen=True)
class Unit:
    """A class, function, method or module-level statement, as it reads and as it hashes."""

    name: str        # "Input", "Input.__init__", "Xavier", "learning_rate"
    kind: str        # "class", "function", "method", "name", "import"
    shown: str       # how a student reads it: "Input()", "Xavier(nInputs)", "learning_rate = 0.001"
    digest: str


@dataclass(frozen=True)
class Change:
    what: str        # "added", "removed", "signature", "code"
    name: str
    student: str = ""   # the student's form ("Input(value=None)")
    course: str = ""    # the course's form ("Input()")

    def text(self) -> str:
        if self.what == "added":
            return f"adds `{self.student}`"
        if self.what == "removed":
            return f"has no `{self.course}`"
        if self.what == "signature":
            return f"has `{self.student}` where the course's has `{self.course}`"
        return f"`{self.name}` computes differently (same signature)"


@dataclass(frozen=True)
class OwnCopy:
    """A submission's own copy of a hand-out file, compared with the course's."""

    name: str                     # "edf.py"
    path: Path                    # the student's file
    cosmetic: bool                # the same code as a good copy: comments, formatting, docstrings only
    changes: tuple[Change, ...] = ()
    unreadable: str = ""          # why it does not parse (then nothing else is known)

    def summary(self, whose: str = "your") -> str:
        if self.unreadable:
            return f"{whose} {self.name} does not parse ({self.unreadable})"
        if self.cosmetic:
            return f"{whose} {self.name} differs from the course's only in comments, docstrings and formatting"
        return f"{whose} {self.name} " + "; ".join(c.text() for c in self.changes)

    def changed_names(self) -> set[str]:
        """Names a notebook would use to reach what changed ("Input" for `Input.__init__`)."""
        return {c.name.split(".")[0] for c in self.changes}

    def to_dict(self) -> dict:
        data = asdict(self)
        data["changes"] = [asdict(c) for c in self.changes]
        data["path"] = self.path.name
        data["summary"] = self.summary()
        return data


def _hash(node: ast.AST) -> str:
    return hashlib.sha256(ast.dump(node).encode()).hexdigest()[:16]


def _is_string(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _without_strings(tree: ast.Module) -> ast.Module:
    """The tree without docstrings and bare string statements (they do nothing)."""
    tree = copy.deepcopy(tree)
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            body = getattr(node, name, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                kept = [s for s in body if not _is_string(s)]
                setattr(node, name, kept or [ast.Pass()])
    return tree


def _args(args: ast.arguments, *, method: bool) -> str:
    args = copy.deepcopy(args)
    if method and args.posonlyargs:
        args.posonlyargs = args.posonlyargs[1:]
    elif method and args.args:
        args.args = args.args[1:]
    return ast.unparse(args)


def _method(cls: str, method: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """`Input(value=None)` for a constructor (how a notebook calls it), `Softmax.forward()` otherwise."""
    args = _args(method.args, method=True)
    return f"{cls}({args})" if method.name == "__init__" else f"{cls}.{method.name}({args})"


def units(tree: ast.Module) -> list[Unit]:
    """The file's definitions, each with what a student reads of it and a hash of its code."""
    out: list[Unit] = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(Unit(stmt.name, "function", f"{stmt.name}({_args(stmt.args, method=False)})", _hash(stmt)))
        elif isinstance(stmt, ast.ClassDef):
            methods = [s for s in stmt.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
            init = next((m for m in methods if m.name == "__init__"), None)
            header = copy.deepcopy(stmt)
            header.body = [s for s in stmt.body if s not in methods] or [ast.Pass()]
            shown = f"{stmt.name}({_args(init.args, method=True) if init else ''})"
            out.append(Unit(stmt.name, "class", shown, _hash(header)))
            out += [Unit(f"{stmt.name}.{m.name}", "method", _method(stmt.name, m), _hash(m)) for m in methods]
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            out.append(Unit(ast.unparse(stmt), "import", ast.unparse(stmt), _hash(stmt)))
        else:
            targets = [n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
            name = ",".join(targets) or ast.unparse(stmt)[:40]
            out.append(Unit(name, "name", ast.unparse(stmt).splitlines()[0], _hash(stmt)))
    return out


def parse(source: str) -> ast.Module:
    return _without_strings(ast.parse(source))


def forms(source: str) -> tuple[str, ...]:
    """A good copy's fingerprint for an exercise declaration: "name=hash" per unit, and the file's."""
    tree = parse(source)
    return (f"{MODULE}={_hash(tree)}", *(f"{u.name}={u.digest}" for u in units(tree)))


def _known(declared) -> tuple[set[str], set[str] | None]:
    """(every "name=hash" declared, the unit names they cover; None when none are declared)."""
    pairs = set(declared)
    names = {p.partition("=")[0] for p in pairs if not p.startswith(MODULE + "=")}
    return pairs, names or None


def compare(name: str, course: Path, student: Path, known: tuple[str, ...] = ()) -> OwnCopy:
    """The student's `student` copy of the course's file `course` (`known`: other good copies' forms)."""
    try:
        mine = parse(student.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError as exc:
        return OwnCopy(name, student, False, unreadable=f"line {exc.lineno}: {exc.msg}")
    theirs = parse(course.read_text(encoding="utf-8"))
    pairs, known_names = _known(known)
    if f"{MODULE}={_hash(mine)}" in pairs | {f"{MODULE}={_hash(theirs)}"}:
        return OwnCopy(name, student, True)
    # imports say nothing a student reads; a whole class added or removed is one change, not one per method
    base = {u.name: u for u in units(theirs) if u.kind != "import"}
    mine_units = [u for u in units(mine) if u.kind != "import"]
    changes: list[Change] = []
    for unit in mine_units:
        old = base.get(unit.name)
        if old is not None and old.digest == unit.digest or f"{unit.name}={unit.digest}" in pairs:
            continue
        if old is None and known_names and unit.name in known_names:  # a good copy has it, differently
            changes.append(Change("code", unit.name, student=unit.shown))
        elif old is None:
            changes.append(Change("added", unit.name, student=unit.shown))
        elif old.shown != unit.shown:
            changes.append(Change("signature", unit.name, student=unit.shown, course=old.shown))
        else:
            changes.append(Change("code", unit.name, student=unit.shown, course=old.shown))
    mine_names = {u.name for u in mine_units}
    # what only the repository's copy has (not the course's original) is not missed by a student
    changes += [Change("removed", u.name, course=u.shown) for u in base.values()
                if u.name not in mine_names and (known_names is None or u.name in known_names)]
    whole = {c.name for c in changes if c.what in ("added", "removed") and "." not in c.name}
    changes = [c for c in changes if c.name.split(".")[0] not in whole or "." not in c.name]
    return OwnCopy(name, student, False, tuple(changes))
