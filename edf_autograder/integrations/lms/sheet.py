"""A CSV file an LMS exported, edited cell by cell: every byte of every cell we do not set is
written back as it was read (quoting, delimiter, line ends, byte-order mark), because the LMS
reads the file back and an instructor compares it with the one they downloaded.

The standard library's csv module reads values but not how they were written, so this module
keeps each cell's raw text beside its value; it follows RFC 4180 (quotes doubled inside
quoted cells), which Moodle, ILIAS (PhpSpreadsheet) and Canvas all write.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from edf_autograder.errors import HarnessError
from edf_autograder.reports.gradebook import neutralise

BOM = "\ufeff"
DELIMITERS = (",", ";", "\t")
NUMBER = re.compile(r"\s*[+-]?\d+(?:[.,]\d+)?\s*")


class SheetError(HarnessError):
    """A grade sheet that cannot be read or lacks the columns the export needs."""


@dataclass
class Cell:
    raw: str    # as in the file, quotes included
    value: str


@dataclass
class Row:
    cells: list[Cell]
    end: str    # the line end that closed the row ("" for a last row without one)


@dataclass
class Sheet:
    path: Path
    rows: list[Row]
    delimiter: str
    bom: bool
    quote_all: bool = False                  # the writer quoted every cell (PhpSpreadsheet does)
    header: list[str] = field(default_factory=list)

    def column(self, *candidates: str, required: str = "") -> int | None:
        """The index of the first header among `candidates` (case and spaces ignored)."""
        wanted = [c.strip().casefold() for c in candidates]
        found = {h.strip().casefold(): n for n, h in reversed(list(enumerate(self.header)))}
        index = next((found[w] for w in wanted if w in found), None)
        if index is None and required:
            raise SheetError(f"{self.path.name}: no {required} column (looked for {', '.join(map(repr, candidates))}; "
                             f"found {', '.join(map(repr, self.header))}); pass the column's name as an option")
        return index

    def get(self, row: Row, col: int) -> str:
        return row.cells[col].value if col < len(row.cells) else ""

    def set(self, row: Row, col: int, value: str | float | None, *, number: bool = False) -> None:
        """Write one cell; text is neutralised (no formula can run) and quoted when needed."""
        while len(row.cells) <= col:
            row.cells.append(Cell("", ""))
        text = "" if value is None else str(value) if number else str(neutralise(value))
        row.cells[col] = Cell(self._quote(text), text)

    def _quote(self, text: str) -> str:
        special = self.delimiter in text or any(c in text for c in '"\r\n') or text != text.strip()
        return '"' + text.replace('"', '""') + '"' if special or self.quote_all else text

    def text(self) -> str:
        body = "".join(self.delimiter.join(c.raw for c in row.cells) + row.end for row in self.rows)
        return (BOM if self.bom else "") + body

    def write(self, path: Path) -> None:
        from edf_autograder.reports.text import write_atomic

        write_atomic(path, self.text())

    def decimal(self, col: int, default: str = ".") -> str:
        """The decimal separator the sheet's numbers use in column `col`, else `default`."""
        for row in self.rows[1:]:
            value = self.get(row, col)
            if NUMBER.fullmatch(value) and ("," in value or "." in value):
                return "," if "," in value else "."
        return default


def points(value: float, decimal: str = ".", decimals: int = 2) -> str:
    """A score as the LMS's sheet writes numbers: its decimal separator, at least its number
    of decimals, more only when the score needs them."""
    text = f"{value:.{decimals}f}"
    if abs(float(text) - value) > 1e-9:
        text = f"{value:.6f}".rstrip("0")
    return text.replace(".", decimal)


def number(text: str) -> float | None:
    """A number as a sheet writes it (decimal point or comma), else None."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def decimals(text: str) -> int:
    """How many decimals the sheet writes its numbers with (2 when it shows none)."""
    m = re.search(r"[.,](\d+)\s*$", text)
    return len(m[1]) if m else 0 if number(text) is not None else 2


def read(path: Path) -> Sheet:
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        raise SheetError(f"{path.name}: a spreadsheet workbook; download the CSV version, or save this one as "
                         "CSV UTF-8 (comma-delimited) and pass that")
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise SheetError(f"{path.name}: not UTF-8 text; download it again from the LMS as CSV (UTF-8)") from None
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    delimiter = _delimiter(text)
    rows = _rows(text, delimiter, path)
    if not rows:
        raise SheetError(f"{path.name}: empty; download the grade sheet again from the LMS")
    quote_all = all(c.raw.startswith('"') for c in rows[0].cells)
    return Sheet(path, rows, delimiter, bom, quote_all, [c.value for c in rows[0].cells])


def _delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent candidate outside quotes."""
    line, quoted = [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            break
        elif not quoted:
            line.append(ch)
    return max(DELIMITERS, key=line.count)


def _rows(text: str, delimiter: str, path: Path) -> list[Row]:
    rows: list[Row] = []
    cells: list[Cell] = []
    i, n = 0, len(text)
    while i < n:
        start, quoted = i, text[i] == '"'
        if quoted:
            i += 1
            while True:
                j = text.find('"', i)
                if j < 0:
                    raise SheetError(f"{path.name}: a quoted cell is never closed (row {len(rows) + 1})")
                if text.startswith('""', j):
                    i = j + 2
                    continue
                i = j + 1
                break
            raw = text[start:i]
            value = raw[1:-1].replace('""', '"')
            stop = _next_stop(text, i, delimiter)
            raw, value = raw + text[i:stop], value + text[i:stop]  # tolerate `"a" b` as Excel does
            i = stop
        else:
            i = _next_stop(text, i, delimiter)
            raw = value = text[start:i]
        cells.append(Cell(raw, value))
        if i >= n:
            rows.append(Row(cells, ""))
            break
        if text[i] == delimiter:
            i += 1
            if i == n:
                cells.append(Cell("", ""))
                rows.append(Row(cells, ""))
            continue
        end = "\r\n" if text.startswith("\r\n", i) else text[i]
        rows.append(Row(cells, end))
        cells, i = [], i + len(end)
    return rows


def _next_stop(text: str, i: int, delimiter: str) -> int:
    stops = [k for k in (text.find(delimiter, i), text.find("\n", i), text.find("\r", i)) if k >= 0]
    return min(stops) if stops else len(text)
