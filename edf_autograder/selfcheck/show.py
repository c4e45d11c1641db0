"""What a check shows in the notebook: a table (HTML from a Jinja2 template with
autoescaping, so a student's text is never markup) and the same as plain text for front
ends without HTML. A grader bug shows as one line, never as a traceback. The output also
carries the items as JSON (`MIMETYPE`, which front ends do not render): what a notebook's
saved outputs say, for tools and tests to read back."""
from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path

import jinja2

from edf_autograder.checking.run import INTERNAL
from edf_autograder.checking.verdicts import ERROR, FAIL, NOT_FOUND, PASS, SKIPPED, ItemResult
from edf_autograder.kernel.cells import last_line

MARKS = {PASS: ("pass", "pass"), FAIL: ("fail", "fail"), NOT_FOUND: ("missing", "missing"),
         SKIPPED: ("skipped", "skipped"), ERROR: ("error", "error")}
MIMETYPE = "application/vnd.edf-selfcheck.verdicts+json"


def message(item: ItemResult) -> str:
    if item.status == ERROR and item.message.startswith(INTERNAL):
        return ("the self-check failed on this item, not your code (tell the course staff): "
                + last_line(item.message))
    return item.message


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("check.html")


class Verdicts(list):
    """The items a check judged (`ItemResult`s), shown as a table; a list otherwise."""

    def __init__(self, title: str, items=(), notes=()):
        super().__init__(items)
        self.title, self.notes = title, list(notes)
        self._shown = False

    def show(self) -> Verdicts:
        """Display the table now (the call's own output); the value a cell ends with then
        adds nothing, so `check("4.2d")` shows one table, last in a cell or not."""
        try:
            from IPython.display import display
        except ImportError:
            print(self.text())
            return self
        display({"text/html": self._repr_html_(), "text/plain": self.text(), MIMETYPE: self.record()}, raw=True)
        self._shown = True
        return self

    def _ipython_display_(self) -> None:
        if self._shown:
            self._shown = False
            return
        self.show()
        self._shown = False

    def record(self) -> dict:
        """The check as plain data: its title, each item (`ItemResult`'s fields), the notes."""
        record = {"title": self.title, "items": [dataclasses.asdict(i) for i in self], "notes": list(self.notes)}
        return json.loads(json.dumps(record, default=str))  # an item's data may hold numpy numbers

    @property
    def passed(self) -> bool:
        """Every judged item passed (skipped ones say nothing either way)."""
        judged = [i for i in self if i.status != SKIPPED]
        return bool(judged) and all(i.status == PASS for i in judged)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for item in self:
            counts[MARKS[item.status][0]] = counts.get(MARKS[item.status][0], 0) + 1
        return ", ".join(f"{n} {mark}" for mark, n in counts.items())

    def _rows(self) -> list[dict]:
        return [{"id": i.id, "title": i.title, "mark": MARKS[i.status][0], "css": MARKS[i.status][1],
                 "points": f"{i.points:g}/{i.max_points:g}", "message": message(i), "where": i.where}
                for i in self]

    def _repr_html_(self) -> str:
        return _template().render(title=self.title, summary=self.summary(), rows=self._rows(), notes=self.notes)

    def text(self) -> str:
        lines = [f"{self.title}: {self.summary()}" if self else self.title]
        for row in self._rows():
            lines.append(f"  [{row['mark'].upper():<7}] {row['id']:<18} {row['points']:>7}  {row['title']}")
            if row["mark"] != "pass":
                lines += ["        " + line for line in row["message"].splitlines()[:8]]
            if row["where"]:
                lines.append(f"        (evidence: {row['where']})")
        return "\n".join(lines + self.notes)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.text())

    def __repr__(self) -> str:
        return self.text()
