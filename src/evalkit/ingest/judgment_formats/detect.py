"""The layout of a judgments file, told by its structure alone (no tree needed): evalkit's own
workbook (columns expert, item), a 17-point paper grid (the labels 9 … 1 … 9 in a row), n x n
matrices of item names, a ticked grid (a header of Saaty values), or a column per pair holding
Saaty values (fractions) or 17-point positions (whole numbers above 9)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import DataError, Issue, Location
from ...saaty import SAATY_MAX, SAATY_MIN, fmt_judgment
from ..judgments import parse_judgment
from ..text import fold
from .mapfile import JudgmentMap
from .pairs import looks_like_pair
from .sheets import Sheet, blank, header_row, is_date, is_label, read_book

SEVENTEEN_LABELS = (9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9)


@dataclass(frozen=True)
class Detected:
    """A layout and why it was taken (in words for the decisions)."""

    layout: str
    why: str


@dataclass(frozen=True)
class ValueRun:
    """Header labels that are Saaty values: the column of the first, and the values."""

    start: int
    values: list[float]


@dataclass(frozen=True)
class Block:
    """An n x n matrix of a sheet: its header row, the column of its row labels, the columns of
    the header labels and the rows of the row labels (0-based)."""

    head: int
    label_col: int
    cols: list[int]
    rows: list[int]


def _label_int(v: object) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)) and float(v).is_integer():
        return int(v)
    if isinstance(v, str):
        mm = re.match(r"^\s*(\d+)", unicodedata.normalize("NFKC", v))
        return int(mm.group(1)) if mm else None
    return None


def seventeen_run(row: list[object]) -> int | None:
    """Column where the 17 labels 9 8 ... 1 ... 8 9 start in a row, if they do."""
    labels = [_label_int(v) for v in row]
    for c in range(len(row) - 16):
        if tuple(labels[c : c + 17]) == SEVENTEEN_LABELS:
            return c
    return None


def value_run(row: list[object]) -> ValueRun | None:
    """>= 3 consecutive header labels that are Saaty values, some < 1, some > 1 (the longest)."""
    best: ValueRun | None = None
    c = 0
    while c < len(row):
        vals: list[float] = []
        k = c
        while k < len(row) and not blank(row[k]) and not is_date(row[k]):
            v = parse_judgment(row[k])
            if not (SAATY_MIN * 0.99 <= v <= SAATY_MAX * 1.01):
                break
            vals.append(v)
            k += 1
        ok = (
            len(vals) >= 3
            and min(vals) < 1 < max(vals)
            and len(set(np.round(vals, 6))) == len(vals)
            and any(isinstance(row[j], str) and "/" in row[j] for j in range(c, k))
        )
        if ok and (best is None or len(vals) > len(best.values)):
            best = ValueRun(c, vals)
        c = max(k, c + 1)
    return best


def find_blocks(sheet: Sheet) -> list[Block]:
    """The n x n blocks of a sheet: a row of item names over a column of the same names."""
    out = []
    r = 0
    while r < sheet.height:
        row = sheet.rows[r]
        c = 1
        while c < len(row):
            if not is_label(row[c]):
                c += 1
                continue
            k = c
            while k < len(row) and is_label(row[k]):
                k += 1
            cols = list(range(c, k))
            rows: list[int] = []
            rr = r + 1
            while rr < sheet.height and is_label(sheet.cell(rr, c - 1)) and len(rows) < len(cols):
                rows.append(rr)
                rr += 1
            heads = {fold(sheet.cell(r, j)) for j in cols}
            sides = {fold(sheet.cell(i, c - 1)) for i in rows}
            if len(cols) >= 2 and len(rows) == len(cols) and len(heads & sides) >= 2:
                out.append(Block(r, c - 1, cols, rows))
                r = rows[-1]
                break
            c = k
        r += 1
    return out


def detect(sheets: list[Sheet], jmap: JudgmentMap) -> Detected:
    """The layout from the structure of the sheets; DataError when it cannot tell."""
    use = [s for s in sheets if s.name not in jmap.ignore_sheets]
    for s in use:
        h = header_row(s)
        if h is not None:
            head = [str(v).strip().lower() for v in s.rows[h][:2]]
            if head == ["expert", "item"]:
                return Detected("evalkit", f'sheet "{s.name}" starts with the columns expert, item')
    for s in use:
        for r, row in enumerate(s.rows):
            if seventeen_run(row) is not None:
                return Detected(
                    "seventeen_point",
                    f'sheet "{s.name}", row {r + 1} holds the 17 labels 9 ... 1 ... 9 (a paper grid)',
                )
    for s in use:
        blocks = find_blocks(s)
        if blocks:
            return Detected(
                "matrix_per_sheet",
                f'sheet "{s.name}", row {blocks[0].head + 1} starts an n x n matrix of item names',
            )
    for s in use:
        for r, row in enumerate(s.rows):
            run = value_run(row)
            if run is not None:
                labels = ", ".join(fmt_judgment(v) for v in run.values)
                return Detected(
                    "ticked_grid", f'sheet "{s.name}", row {r + 1} holds the labels {labels}'
                )
    found = _by_pair_values(use)
    if found is not None:
        return found
    raise DataError(
        [
            Issue(
                Location(file=sheets[0].file if sheets else ""),
                "no known judgment layout found",
                expected="a 17-point grid or export, a ticked grid, n x n matrices, one row per "
                "expert with a column per pair, or evalkit's experts workbook",
                found=f"sheets {[s.name for s in sheets]}",
                fix="Name the layout in MAP.yaml (layout: ...) or see docs/formats.md.",
                check="judgments",
                message_zh="找不到已知的专家判断版式",
                expected_zh="17 点标度的表格或导出、勾选表、n x n 矩阵、每位专家一行且每对一列，"
                "或 evalkit 自己的专家判断工作簿",
                found_zh=f"工作表 {[s.name for s in sheets]}",
                fix_zh="在 MAP.yaml 中写明版式（`layout: ...`），或参阅 docs/formats.md。",
            )
        ]
    )


def _by_pair_values(use: list[Sheet]) -> Detected | None:
    """Columns per pair: Saaty values when some are fractions, 17-point positions when some are
    whole numbers above 9; DataError when only whole numbers 1 to 9 are found."""
    values: list[object] = []
    where = where_zh = ""
    for s in use:
        h = header_row(s)
        if h is None:
            continue
        cols = [j for j, v in enumerate(s.rows[h]) if looks_like_pair(v)]
        if cols and not where:
            where = f'sheet "{s.name}" has columns per pair such as "{s.rows[h][cols[0]]}"'
            where_zh = f"工作表“{s.name}”每对一列，例如“{s.rows[h][cols[0]]}”"
        values += [s.cell(r, j) for r in range(h + 1, s.height) for j in cols]
    values = [v for v in values if not blank(v) and not is_date(v)]
    if not values:
        return None
    nums = [parse_judgment(v) for v in values]
    fractions = any(isinstance(v, str) and "/" in v for v in values) or any(
        0 < x < 1 or (x > 0 and not float(x).is_integer()) for x in nums
    )
    if fractions:
        return Detected(
            "row_per_expert", where + "; the values include fractions (Saaty judgments)"
        )
    ints = [x for x in nums if x > 0 and float(x).is_integer()]
    if ints and max(ints) > 9 and max(ints) <= 17:
        return Detected(
            "seventeen_point",
            where + f"; the values are whole numbers up to {max(ints):g} (17-point positions)",
        )
    raise DataError(
        [
            Issue(
                Location(file=use[0].file if use else ""),
                "cannot tell 17-point positions from Saaty values: " + where,
                expected="fractions (Saaty values) or a position above 9 (17-point export)",
                found="only whole numbers 1 to 9",
                fix="Say which in MAP.yaml: layout: row_per_expert or layout: seventeen_point.",
                check="judgments",
                message_zh="无法判断是 17 点标度的位置还是 Saaty 判断值：" + where_zh,
                expected_zh="分数（Saaty 判断值），或大于 9 的位置（17 点标度导出）",
                found_zh="只有 1 到 9 的整数",
                fix_zh="在 MAP.yaml 中写明：`layout: row_per_expert` 或 `layout: seventeen_point`。",
            )
        ]
    )


def detect_judgment_layout(path: Path | str) -> str:
    """The layout of a judgments file: one of :data:`~.model.LAYOUTS` (DataError when none
    fits)."""
    path = Path(path)
    return detect(read_book(path, str(path)), JudgmentMap()).layout


__all__ = [
    "SEVENTEEN_LABELS",
    "Block",
    "Detected",
    "ValueRun",
    "detect",
    "detect_judgment_layout",
    "find_blocks",
    "seventeen_run",
    "value_run",
]
