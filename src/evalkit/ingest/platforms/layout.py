"""An export's sheet as the importer works on it: its cells as codes into their distinct values,
and the layout found so far (header row, columns and what each holds, decisions, problems)."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError, Issue, Location
from ..decision import Decision
from ..tables import column_letter, read_rows, type_ids
from ..text import cell_texts

READABLE = (".xlsx", ".xlsm", ".ods", ".xls", ".csv", ".txt")

_TRUE, _FALSE = object(), object()  # stand-ins keeping booleans apart from the numbers 1 and 0


def answer_kind(v: object) -> int:
    """0 empty or other, 1 a number (stored or typed as text), 2 text."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return 0 if isinstance(v, float) and math.isnan(v) else 1
    if isinstance(v, str) and v.strip():
        try:
            float(unicodedata.normalize("NFKC", v))
        except ValueError:
            return 2
        return 1
    return 0


@dataclass(frozen=True)
class Cells:
    """A block of cells as codes into its distinct values: per-value work (text folding, label
    lookup, marker detection) runs once per distinct value and is gathered back with numpy."""

    codes: np.ndarray  # int, the block's shape
    uniques: np.ndarray  # object, the distinct values (booleans as True/False)
    texts: np.ndarray  # object, cell_text of each distinct value

    @classmethod
    def of(cls, block: np.ndarray) -> Cells:
        flat = block.ravel(order="F")  # column by column: values numbered as a reader meets them
        is_bool = type_ids(flat) == id(bool)
        if is_bool.any():
            flat = flat.copy()
            flat[is_bool] = np.where(flat[is_bool].astype(bool), _TRUE, _FALSE)
        codes, uniques = pd.factorize(pd.Series(flat, dtype=object), use_na_sentinel=False)
        u = np.asarray(uniques, dtype=object)
        u[np.fromiter((v is _TRUE for v in u), bool, len(u))] = True
        u[np.fromiter((v is _FALSE for v in u), bool, len(u))] = False
        return cls(codes.reshape(block.shape, order="F"), u, cell_texts(u))

    def rows(self, keep: np.ndarray) -> Cells:
        return Cells(self.codes[keep], self.uniques, self.texts)

    def text(self) -> np.ndarray:
        """cell_text of every cell (object array of the block's shape)."""
        return self.texts[self.codes]

    def filled(self) -> np.ndarray:
        """True where a cell is not empty."""
        return (self.texts != "")[self.codes]

    def kinds(self) -> np.ndarray:
        """Per distinct value: 0 empty or other, 1 a number (stored or typed), 2 text."""
        return np.array([answer_kind(v) for v in self.uniques], dtype=int)


@dataclass
class Layout:
    """The sheet being read and what has been found in it so far (filled in step by step by
    :mod:`.detect`, :mod:`.headers` and :mod:`.match`; not a result: an import's result is
    :class:`~.model.Detection`)."""

    file: str
    sheet: str
    encoding: str
    arr: np.ndarray
    platform: str = "generic"
    variant: str = ""
    h: int = 0  # 0-based header row
    columns: list[str] = field(default_factory=list)  # display names (unique)
    raw_headers: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # meta | question | option | blank | id
    numbers: list[str | None] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # text to match (stem or row text)
    groups: list[str | None] = field(default_factory=list)  # matrix group number
    dims: list[str] = field(default_factory=list)  # dimension row above the header (hand sheets)
    decisions: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    _cells: tuple[tuple[int, int], Cells] | None = field(default=None, repr=False)

    def loc(self, row: int | None = None, column: str = "", line: int | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=column, line=line)

    def decide(self, en: str, zh: str) -> None:
        """Record a decision taken automatically, in English and Chinese."""
        self.decisions.append(Decision(en, zh))

    def body(self) -> Cells:
        """The distinct cells of the rows below the header (computed once per header row)."""
        key = (self.h, id(self.arr))
        if self._cells is None or self._cells[0] != key:
            self._cells = (key, Cells.of(self.arr[self.h + 1 :]))
        return self._cells[1]

    def keep_rows(self, keep: np.ndarray) -> None:
        """Keep only the body rows where ``keep`` is True (the distinct cells follow)."""
        cells = self.body()
        self.arr = np.concatenate([self.arr[: self.h + 1], self.arr[self.h + 1 :][keep]])
        self._cells = ((self.h, id(self.arr)), cells.rows(keep))

    def letter(self, j: int) -> str:
        return column_letter(j)

    def where(self, j: int) -> str:
        return f'"{self.columns[j]}" (column {self.letter(j)})'

    def where_zh(self, j: int) -> str:
        return f"“{self.columns[j]}”（{self.letter(j)} 列）"

    def usable(self) -> list[int]:
        """Columns that may hold answers (questions and 问卷星 option columns)."""
        return [j for j in range(len(self.columns)) if self.kinds[j] in ("question", "option")]

    def named(self) -> list[int]:
        """Columns with a header."""
        return [j for j in range(len(self.columns)) if self.kinds[j] != "blank"]


def read_any(path: Path, sheet: str | None) -> tuple[str, list[list[object]], str]:
    """(sheet name, rows, CSV encoding) of a workbook sheet or a CSV file (.xls too)."""
    if not path.exists():
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "file not found",
                    fix="Check the path.",
                    message_zh="找不到文件",
                    fix_zh="检查路径。",
                )
            ]
        )
    return read_rows(path, sheet, allow_xls=True)


__all__ = ["READABLE", "Cells", "Layout", "answer_kind", "read_any"]
