"""Excel workbooks of a district report, of the cross-district comparison and of data issues.

The workbooks are written from the report's sections (:mod:`evalkit.report.sections`): every
section that names a sheet becomes one, with its workbook blocks stacked down the sheet (the first
table at the top with its header frozen and a filter, the next ones after a blank row and their
title; label-value rows; notes and warnings across the sheet). Every number comes from the model
at full precision and is rounded by the cell's number format (:data:`evalkit.report.formats.
FORMATS`), never by the writer.

Safety: text is always written as text (``write_string``) and the workbook is created with
``strings_to_formulas``/``strings_to_urls``/``strings_to_numbers`` off, so a station name such
as ``=HYPERLINK(...)`` stays a literal string. Files are written through
:func:`evalkit.fileio.atomic_workbook`, so a failed write never leaves a half-written workbook or
destroys an older one.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from evalkit.fileio import atomic_workbook
from evalkit.report.formats import FORMATS
from evalkit.report.i18n import LABELS, SHEETS, header, word
from evalkit.report.model import ComparisonReport, DistrictReport
from evalkit.report.sections import SHEET, Bullets, KeyValues, Note, Paragraph, Section, Table

__all__ = ["write_comparison_workbook", "write_district_workbook", "write_issues_workbook"]

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
    "in_memory": True,  # no temporary files of xlsxwriter's own outside the target folder
}

# Number formats by quantity (one table for the workbook, the PDF and the terminal).
NUM_FORMATS: dict[str, str] = {k: f.excel for k, f in FORMATS.items()}
_DECIMALS: dict[str, int] = {k: f.decimals for k, f in FORMATS.items()}

#: The district workbook's sheets in this order; sheets of other sections follow in the order of
#: the sections.
DISTRICT_SHEETS = (
    "summary",
    "dimensions",
    "indicators",
    "recommendations",
    "obstacles",
    "stations",
    "periods",
    "methods",
    "fuzzy",
    "weights",
    "experts",
    "reliability",
    "screening",
    "issues",
)

MAX_WIDTH = 60  # column width cap (Excel width units, a CJK character counts 2)
WRAP_WIDTH = 50  # width of wrapped long-text columns
MAX_HEADER_WIDTH = 24  # longer headers wrap instead of widening the column
LINE_HEIGHT = 15  # points per line of 11-point text
RED, YELLOW, GREEN = "#F8696B", "#FFEB84", "#63BE7B"
COLOR_SCALE = {"type": "3_color_scale", "min_color": RED, "mid_color": YELLOW, "max_color": GREEN}


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def write_district_workbook(report: DistrictReport, path: Path) -> Path:
    """Write one district's workbook: a sheet per section that names one (summary, dimensions,
    indicators, recommendations, stations, weights, experts, reliability, screening, issues,
    and the uncertainty analysis' sheets when it ran)."""
    from evalkit.report.district_sections import district_sections

    sections = report.sections or district_sections(report)
    return _write_book(
        Path(path),
        _in_order(sections, DISTRICT_SHEETS),
        report.lang,
        (report.title, report.district, report.report_date),
    )


def write_comparison_workbook(report: ComparisonReport, path: Path) -> Path:
    """Write the cross-district comparison workbook."""
    from evalkit.report.comparison_sections import comparison_sections

    sections = report.sections or comparison_sections(report)
    return _write_book(
        Path(path), _in_order(sections, ()), report.lang, (report.title, "", report.report_date)
    )


def write_issues_workbook(
    issues: pd.DataFrame, path: Path, lang: str, report_date: str = ""
) -> Path:
    """Write a one-sheet workbook listing data issues (columns of ``ISSUE_COLUMNS``), dated
    *report_date* (never the clock: the same issues give the same bytes)."""
    from evalkit.report.district_sections import issues_sheet_table

    section = Section("issues", "", (issues_sheet_table(issues, lang),), sheet="issues")
    return _write_book(Path(path), [section], lang, ("", "", report_date))


def _in_order(sections: Sequence[Section], order: Sequence[str]) -> list[Section]:
    """Sections with a sheet, at any depth: those of *order* first, in its order."""
    with_sheet = [s for top in sections for s in top.walk() if s.sheet and s.blocks_for(SHEET)]
    rank = {k: i for i, k in enumerate(order)}
    return sorted(with_sheet, key=lambda s: rank.get(s.sheet, len(order)))


def _write_book(
    path: Path, sections: list[Section], lang: str, props: tuple[str, str, str]
) -> Path:
    with atomic_workbook(path, WORKBOOK_OPTIONS) as wb:
        styles = _Styles(wb)
        _set_properties(wb, *props)
        for section in sections:
            _Sheet(wb, styles, section, lang).write()
    return path


# --------------------------------------------------------------------------------------------
# Cells, formats and widths
# --------------------------------------------------------------------------------------------


class _PreciseWorksheet(Worksheet):
    """A worksheet that stores numbers at full double precision.

    xlsxwriter writes numbers with 16 significant digits, which does not round-trip every double;
    the shortest round-trip representation (``repr``) is a valid ``xsd:double`` and reads back
    exactly in Excel, LibreOffice, openpyxl and calamine.
    """

    def _xml_number_element(self, number: float, attributes: Sequence[Any] = ()) -> None:
        attr = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
        self.fh.write(f"<c{attr}><v>{float(number)!r}</v></c>")


def _add_sheet(wb: Workbook, key: str, lang: str, header_rows: int = 1) -> Worksheet:
    ws = wb.add_worksheet(_sheet(key, lang), worksheet_class=_PreciseWorksheet)
    # Printing (and PDF export): A4, one page wide, as many pages tall as needed.
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C&P / &N")
    if key != "summary":
        ws.set_landscape()
        ws.repeat_rows(0, header_rows - 1)
    return ws


def _sheet(key: str, lang: str) -> str:
    pair = SHEETS.get(key, (key[:31], key[:31]))
    return pair[0] if lang == "zh" else pair[1]


def _label(key: str, lang: str) -> str:
    pair = LABELS.get(key)
    if pair is None:
        return header(key, lang)
    return pair[0] if lang == "zh" else pair[1]


# the creation time of a workbook without a report date: xlsxwriter's own default is the clock,
# which would make two runs of the same inputs differ
NO_DATE = dt.datetime(1980, 1, 1)


def _set_properties(wb: Workbook, title: str, subject: str, report_date: str) -> None:
    props: dict[str, Any] = {"title": title, "subject": subject, "comments": "evalkit"}
    props["created"] = NO_DATE
    with suppress(ValueError):
        props["created"] = dt.datetime.fromisoformat(str(report_date))
    wb.set_properties(props)


class _Styles:
    """Cached cell formats of one workbook."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._cache: dict[tuple[Any, ...], Format] = {}

    def get(
        self,
        kind: str = "text",
        *,
        wrap: bool = False,
        bold: bool = False,
        header: bool = False,
        indent: int = 0,
        size: int = 0,
        align: str = "",
    ) -> Format:
        key = (kind, wrap, bold, header, indent, size, align)
        if key not in self._cache:
            props: dict[str, Any] = {"valign": "top"}
            if kind in NUM_FORMATS:
                props["num_format"] = NUM_FORMATS[kind]
            if wrap:
                props["text_wrap"] = True
            if bold:
                props["bold"] = True
            if header:
                props.update(
                    bold=True, text_wrap=True, bg_color="#DDEBF7", bottom=1, valign="vcenter"
                )
            if indent:
                props["indent"] = indent
            if size:
                props["font_size"] = size
            if align:
                props["align"] = align
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    @property
    def highlight(self) -> Format:
        key = ("highlight",)
        if key not in self._cache:
            self._cache[key] = self.wb.add_format(
                {"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True}
            )
        return self._cache[key]


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return False


def _cell_value(value: Any, kind: str, lang: str) -> str | float | None:
    """The value to write: None (empty), a float or a string. Raises TypeError on anything else."""
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return word("yes" if value else "no", lang)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isinf(number):
            return "∞" if number > 0 else "-∞"
        return number
    if isinstance(value, str):
        return word(value, lang) if kind == "word" else value
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, list | tuple):
        parts = [str(v) for v in value if not _is_missing(v)]
        return ("、" if lang == "zh" else "; ").join(parts)
    raise TypeError(f"cannot write a {type(value).__name__} to an Excel cell: {value!r}")


def _write(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None) -> None:
    """Write a converted cell value: numbers as numbers, text always as literal text."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, value, fmt)


def _text_width(text: str) -> int:
    """Display width of *text* in Excel width units (CJK characters count 2)."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.split("\n")
        ),
        default=0,
    )


def _value_width(value: str | float | None, kind: str) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.{_DECIMALS.get(kind, 2)}f}")
    return _text_width(value)


def _lines(text: str, width: float) -> int:
    """Estimated number of lines of *text* wrapped in a cell *width* units wide."""
    return sum(
        max(1, math.ceil(_text_width(part) / max(width - 1, 1))) for part in text.split("\n")
    )


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


@dataclass
class _Column:
    id: str
    title: str
    kind: str


class _Table:
    """The workbook columns of a table block, with display headers and kinds."""

    def __init__(self, block: Table, lang: str) -> None:
        self.block = block
        self.frame = block.frame if block.frame is not None else pd.DataFrame()
        self.lang = lang
        self.columns = [_Column(c.id, c.title, c.kind) for c in block.shown(SHEET)]
        self.widths: list[float] = []  # column widths, once written

    def _widths(self, data: list[list[Any]], autofilter: bool) -> tuple[list[float], list[bool]]:
        widths: list[float] = []
        wraps: list[bool] = []
        for c, values in zip(self.columns, data, strict=True):
            content = max((_value_width(v, c.kind) for v in values), default=0)
            head = _text_width(c.title)
            head = min(head, 12 if self.block.header_wrap else MAX_HEADER_WIDTH)
            if self.block.ids_row:
                head = max(head, len(c.id))
            head += 3 if autofilter else 0  # room for the filter button
            wrap = c.kind == "wrap" or content + 2 > MAX_WIDTH
            if wrap:
                width = min(max(content + 2, head, 12), WRAP_WIDTH)
            else:
                width = min(max(content + 2, head, 6), MAX_WIDTH)
            widths.append(width)
            wraps.append(wrap)
        return widths, wraps

    def write(
        self,
        ws: Worksheet,
        styles: _Styles,
        *,
        start_row: int = 0,
        first: bool = True,
        set_widths: bool = True,
    ) -> int:
        """Write the header (and the ids row) and the rows at *start_row*; return the next
        free row. Only the *first* table of a sheet is frozen and filtered."""
        b, lang, cols = self.block, self.lang, self.columns
        autofilter = b.autofilter and first
        n = len(self.frame)
        data = [[_cell_value(v, c.kind, lang) for v in self.frame[c.id].tolist()] for c in cols]
        widths, wraps = self._widths(data, autofilter)
        self.widths = widths

        hfmt = styles.get(header=True)
        for j, c in enumerate(cols):
            ws.write_string(start_row, j, c.title, hfmt)
        heads = 1
        if b.ids_row:  # the machine-readable names under the localised headers
            for j, c in enumerate(cols):
                ws.write_string(start_row + 1, j, c.id, styles.get(bold=True))
            heads = 2
        if set_widths:
            for j, width in enumerate(widths):
                ws.set_column(j, j, width)
        body = start_row + heads
        indents = self._indents(data)
        for j, (c, values) in enumerate(zip(cols, data, strict=True)):
            base_kind = c.kind if c.kind in NUM_FORMATS else "text"
            align = "center" if c.kind in ("count", "bool") else ""
            for i, value in enumerate(values):
                indent = indents[i] if indents and c.id == b.sheet_indent and indents[i] > 0 else 0
                fmt = styles.get(base_kind, wrap=wraps[j], indent=indent, align=align)
                _write(ws, body + i, j, value, fmt)
        self._heights(ws, data, start_row, body, widths, wraps)

        last = body + n - 1
        if start_row == 0 and first:
            ws.freeze_panes(heads, b.freeze_col)
        if autofilter and cols:
            ws.autofilter(body - 1, 0, last, len(cols) - 1)
        if b.color and n > 0:
            for j, c in enumerate(cols):
                if c.kind == "score":
                    ws.conditional_format(body, j, last, j, COLOR_SCALE)
        pos = {c.id: j for j, c in enumerate(cols)}
        if b.rule is not None and b.rule[0] in pos and n > 0:
            col, criteria, value = b.rule
            rule = {"type": "cell", "criteria": criteria, "value": value}
            rule["format"] = styles.highlight
            ws.conditional_format(body, pos[col], last, pos[col], rule)
        return last + 1

    def _indents(self, data: list[list[Any]]) -> list[int] | None:
        if not self.block.sheet_indent:
            return None
        j = _index(self.columns, "depth")
        if j is None:
            return None
        return [int(v) - 1 if isinstance(v, float) else 0 for v in data[j]]

    def _heights(
        self,
        ws: Worksheet,
        data: list[list[Any]],
        start_row: int,
        body: int,
        widths: list[float],
        wraps: list[bool],
    ) -> None:
        """Explicit heights for rows with wrapped text (not every reader autofits them)."""
        cols = self.columns
        head_lines = max((_lines(c.title, w) for c, w in zip(cols, widths, strict=True)), default=1)
        if head_lines > 1:
            ws.set_row(start_row, LINE_HEIGHT * head_lines)
        wrapped = [j for j, wrap in enumerate(wraps) if wrap]
        for i in range(len(self.frame)):
            lines = max(
                (_lines(data[j][i], widths[j]) for j in wrapped if isinstance(data[j][i], str)),
                default=1,
            )
            if lines > 1:
                ws.set_row(body + i, LINE_HEIGHT * lines)


def _index(cols: list[_Column], col_id: str) -> int | None:
    for j, c in enumerate(cols):
        if c.id == col_id:
            return j
    return None


def _widen(ws: Worksheet, tables: list[_Table]) -> None:
    """Column widths fitting the tables stacked on one sheet."""
    n = max(len(t.columns) for t in tables)
    for j in range(n):
        width = 6.0
        for table in tables:
            if j < len(table.columns):
                c = table.columns[j]
                values = [_cell_value(v, c.kind, table.lang) for v in table.frame[c.id]]
                content = max((_value_width(v, c.kind) for v in values), default=0)
                width = max(width, min(max(content, _text_width(c.title)) + 2, MAX_WIDTH))
        ws.set_column(j, j, width)


# --------------------------------------------------------------------------------------------
# A sheet: the workbook blocks of one section, stacked
# --------------------------------------------------------------------------------------------

_SUMMARY_VALUE_COLS = 6  # B..G hold values; long values are merged across them
_SUMMARY_WIDTHS = [26, 12, 12, 14, 12, 8, 14]


class _Sheet:
    """One section's sheet: its workbook blocks down the sheet, a blank row between them."""

    def __init__(self, wb: Workbook, styles: _Styles, section: Section, lang: str) -> None:
        self.styles = styles
        self.lang = lang
        self.blocks = section.blocks_for(SHEET)
        # a sheet of label-value rows (the summary) has fixed columns and larger titles
        self.kv = any(isinstance(b, KeyValues) for b in self.blocks)
        heads = 2 if any(isinstance(b, Table) and b.ids_row for b in self.blocks) else 1
        self.ws = _add_sheet(wb, section.sheet, lang, heads)
        self.row = 0
        self.tables: list[_Table] = []

    def write(self) -> None:
        if self.kv:
            for j, width in enumerate(_SUMMARY_WIDTHS):
                self.ws.set_column(j, j, width)
        previous: object = None
        for block in self.blocks:
            if previous is not None and not (
                isinstance(block, Note) and isinstance(previous, Note)
            ):
                self.row += 1  # a blank row between blocks
            if isinstance(block, KeyValues):
                self._key_values(block)
            elif isinstance(block, Table):
                self._table(block)
            elif isinstance(block, Bullets):
                self._title(block.title)
                for item in block.items:
                    self._across(str(item), _SUMMARY_VALUE_COLS, sum(_SUMMARY_WIDTHS))
            elif isinstance(block, Note | Paragraph):
                last = self.tables[-1] if self.tables else None
                cols = len(last.columns) if last is not None else 1
                width = (sum(last.widths) if last is not None else 0) or MAX_WIDTH
                self._across(block.text, cols - 1, width)
            previous = block
        if len(self.tables) > 1 and not self.kv:
            _widen(self.ws, self.tables)

    def _title(self, text: str) -> None:
        if text:
            size = 12 if self.kv else 0
            self.ws.write_string(self.row, 0, text, self.styles.get(bold=True, size=size))
            self.row += 1

    def _across(self, text: str, last_col: int, width: float) -> None:
        """A wrapped text merged across columns A..*last_col*."""
        fmt = self.styles.get(wrap=True)
        if last_col > 0:
            self.ws.merge_range(self.row, 0, self.row, last_col, "", fmt)
        self.ws.write_string(self.row, 0, text, fmt)
        lines = _lines(text, width)
        if lines > 1:
            self.ws.set_row(self.row, LINE_HEIGHT * lines)
        self.row += 1

    def _table(self, block: Table) -> None:
        first = not self.tables and self.row == 0
        if not first:
            self._title(block.title)
        t = _Table(block, self.lang)
        if not t.columns:
            return
        self.row = t.write(
            self.ws, self.styles, start_row=self.row, first=first, set_widths=first and not self.kv
        )
        self.tables.append(t)

    def _key_values(self, block: KeyValues) -> None:
        """Label-value rows: a number in B (with its text beside it), text merged across B..G."""
        ws, styles, lang = self.ws, self.styles, self.lang
        merged_width = sum(_SUMMARY_WIDTHS[1:])
        label_fmt = styles.get(bold=True)
        label_width = _SUMMARY_WIDTHS[0]
        for kv in block.rows:
            ws.write_string(self.row, 0, kv.label, label_fmt)
            label_width = max(label_width, min(_text_width(kv.label) + 3, 40))
            converted = _cell_value(kv.value, kv.quantity, lang)
            if isinstance(converted, float):
                _write(ws, self.row, 1, converted, styles.get(kv.quantity, align="left"))
                if kv.extra:
                    ws.merge_range(self.row, 2, self.row, _SUMMARY_VALUE_COLS, "", styles.get())
                    ws.write_string(self.row, 2, kv.extra, styles.get())
            else:
                fmt = styles.get(wrap=True)
                ws.merge_range(self.row, 1, self.row, _SUMMARY_VALUE_COLS, "", fmt)
                _write(ws, self.row, 1, converted, fmt)
                lines = _lines(converted or "", merged_width)
                if lines > 1:
                    ws.set_row(self.row, LINE_HEIGHT * lines)
            self.row += 1
        ws.set_column(0, 0, label_width)
