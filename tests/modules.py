"""A Python file loaded as a module of its own name, its bytecode written nowhere: the course's
files in ../shared/course-handout (and this repository's) stay exactly as they are."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load_file(name: str, path: Path | str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    exec(compile(Path(path).read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module
