"""The sheets of a judgments file as rows of cells, and what a cell is (blank, a date Excel made
of a fraction, an item name)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ...errors import Location
from ..judgments import parse_judgment
from ..tables import column_letter, read_rows, sheet_names


def blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def is_date(v: object) -> bool:
    return isinstance(v, (dt.date, dt.datetime, dt.time))


def is_label(v: object) -> bool:
    """A text cell that is not a number (an item name)."""
    return isinstance(v, str) and bool(v.strip()) and parse_judgment(v) == -1.0


def date_text(v: object) -> str:
    """A date cell as Excel shows it in Chinese (1月5日: the fraction 1/5 typed into Excel)."""
    if isinstance(v, (dt.date, dt.datetime)):
        return f"{v.month}月{v.day}日"
    return str(v)


@dataclass(frozen=True)
class Sheet:
    """A sheet's rows (0-based), with Excel locations for its cells."""

    file: str
    name: str
    rows: list[list[object]]

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, r: int, c: int) -> object:
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def loc(self, r: int | None = None, c: int | None = None, head: str = "") -> Location:
        col = ""
        if c is not None:
            col = column_letter(c) + (f" ({head})" if head else "")
        return Location(self.file, self.name, None if r is None else r + 1, col)


def read_book(path: Path, shown: str) -> list[Sheet]:
    """Every sheet of a workbook (a CSV file is one sheet)."""
    out = []
    for name in sheet_names(path):
        _, rows, _ = read_rows(path, name)
        out.append(Sheet(shown, name, [list(r) for r in rows]))
    return out


def header_row(sheet: Sheet) -> int | None:
    """The first row holding anything."""
    for r, row in enumerate(sheet.rows):
        if any(not blank(v) for v in row):
            return r
    return None


def where_zh(loc: Location) -> str:
    """A location in Chinese words, for a Chinese text that names another cell."""
    parts = [loc.file] if loc.file else []
    if loc.sheet:
        parts.append(f"工作表“{loc.sheet}”")
    if loc.row is not None:
        parts.append(f"第 {loc.row} 行")
    if loc.column:
        parts.append(f"{loc.column} 列")
    return " ".join(parts)


__all__ = [
    "Sheet",
    "blank",
    "date_text",
    "header_row",
    "is_date",
    "is_label",
    "read_book",
    "where_zh",
]
