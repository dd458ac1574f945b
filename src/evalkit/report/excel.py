"""Excel workbooks of a district report, of the cross-district comparison and of data issues.

The renderers only lay out the tables of :mod:`evalkit.report.model`; every number comes from there
at full precision and is rounded by the cell's number format, never by the writer.

Safety: text is always written as text (``write_string``) and the workbook is created with
``strings_to_formulas``/``strings_to_urls``/``strings_to_numbers`` off, so a station name such
as ``=HYPERLINK(...)`` stays a literal string. Files are written to a temporary file in the target
folder and renamed into place, so a failed write never leaves a half-written workbook or destroys an
older one.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from evalkit.errors import ISSUE_COLUMNS
from evalkit.report.i18n import LABELS, SHEETS, header, word
from evalkit.report.model import ComparisonReport, DistrictReport, cr_threshold
from evalkit.weights.weightset import WEIGHT_COLUMNS

__all__ = ["write_comparison_workbook", "write_district_workbook", "write_issues_workbook"]

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
    "in_memory": True,  # no temporary files of xlsxwriter's own outside the target folder
}

# Number formats by kind of column.
NUM_FORMATS: dict[str, str] = {
    "score": "0.0",
    "weight": "0.000",
    "ratio": "0.000",
    "count": "0",
    "decimal": "0.00",
    "signed": "+0.0;-0.0;0.0",
    "pvalue": "0.00E+00",
}
_DECIMALS = {
    "score": 1,
    "weight": 3,
    "ratio": 3,
    "count": 0,
    "decimal": 2,
    "signed": 1,
    "pvalue": 6,
}

# Kind of each model column; columns not listed are text.
COLUMN_KINDS: dict[str, str] = {
    **dict.fromkeys(
        ["score", "total", "province_mean", "best_in_province", "min_score", "max_score"],
        "score",
    ),
    "vs_mean": "signed",
    **dict.fromkeys(["weight", "local_weight", "global_weight", *WEIGHT_COLUMNS], "weight"),
    **dict.fromkeys(
        ["lambda_max", "ci", "cr", "alpha", "r_item_rest", "alpha_if_deleted", "msa", "kmo"],
        "ratio",
    ),
    **dict.fromkeys(["missing_share"], "ratio"),
    **dict.fromkeys(["mean", "sd", "bartlett_chi2"], "decimal"),
    **dict.fromkeys(
        [
            "items",
            "duplicate_id",
            "too_many_missing",
            "straight_lining",
            "excluded",
            "kept",
            "df",
            "answers_empty",
            "answers_skipped",
            "answers_code",
        ],
        "count",
    ),
    "keyed": "bool",
    "p_value": "pvalue",
    **dict.fromkeys(
        [
            "n",
            "respondents",
            "stations",
            "experts",
            "rank",
            "rank_in_district",
            "rank_in_province",
            "level",
            "depth",
            "row",
            "line",
        ],
        "count",
    ),
    **dict.fromkeys(["raw", "worst", "best", "gap"], "decimal"),
    **dict.fromkeys(["consistent", "used"], "bool"),
    **dict.fromkeys(["severity", "priority", "kind"], "word"),
    **dict.fromkeys(["description", "message", "text", "fix", "expected", "found"], "wrap"),
}

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
    """Write one district's workbook (summary, scores, stations, weights, experts, issues)."""
    lang = report.lang

    def build(wb: Workbook) -> None:
        styles = _Styles(wb)
        _set_properties(wb, report.title, report.district, report.report_date)
        _district_summary(_add_sheet(wb, "summary", lang), styles, report)
        dims = _Table(report.dimensions, lang)
        dims.add(["id", "name", "score", "province_mean", "best_in_province", "rank", "weight"])
        dims.add(["level", "level_name"])
        dims.write(_add_sheet(wb, "dimensions", lang), styles, freeze_col=2)

        ind = _Table(report.indicators, lang)
        ind.add(["id", "name", "dimension", "unit", "direction_label", "source_label", "raw"])
        ind.add(["worst", "best", "score", "province_mean", "local_weight", "global_weight"])
        ind.add(["gap", "n"])
        ind.write(_add_sheet(wb, "indicators", lang), styles, freeze_col=2)

        _recommendations(_add_sheet(wb, "recommendations", lang), styles, report)

        st = _Table(report.stations, lang, names=report.dimension_columns)
        st.add(["station", "respondents", "total", "level", "level_name", "rank"])
        st.add_rest(kind="score", skip=())
        st.write(_add_sheet(wb, "stations", lang), styles, freeze_col=1)

        _weights(_add_sheet(wb, "weights", lang), styles, report.weights, lang)
        _experts(_add_sheet(wb, "experts", lang), styles, report)
        if len(report.reliability):
            _reliability(_add_sheet(wb, "reliability", lang), styles, report)
        if len(report.screening):
            sc = _Table(report.screening, lang)
            sc.add(["station", "respondents", "duplicate_id", "too_many_missing"])
            sc.add(["straight_lining", "excluded", "kept"])
            sc.add(["answers_empty", "answers_skipped", "answers_code"])
            sc.write(_add_sheet(wb, "screening", lang), styles, freeze_col=1)
        _issues(_add_sheet(wb, "issues", lang), styles, report.issues, lang)
        _readme(wb, report)

    return _atomic_write(Path(path), build)


def _readme(wb: Workbook, report: DistrictReport | ComparisonReport) -> None:
    """The README sheet (what each sheet holds, the run's provenance) when the model has one."""
    if report.provenance is not None:
        from .readme_sheet import add_readme_sheet

        add_readme_sheet(wb, report.provenance, report.lang)


def _reliability(ws: Worksheet, styles: _Styles, report: DistrictReport) -> None:
    """Cronbach's alpha per dimension, KMO and Bartlett, then the item analysis, stacked."""
    lang = report.lang
    t = _Table(report.reliability, lang)
    t.add(["id", "name", "items", "respondents", "alpha", "band", "note"])
    nxt, _ = t.write(ws, styles, freeze_col=0)
    k = _Table(pd.DataFrame([report.kmo]) if report.kmo else pd.DataFrame(), lang)
    k.add(["kmo", "bartlett_chi2", "df", "p_value", "n", "items"])
    if k.columns:
        ws.write_string(nxt + 1, 0, _label("kmo_table", lang), styles.get(bold=True))
        nxt, _ = k.write(ws, styles, start_row=nxt + 2, autofilter=False, set_widths=False)
    it = _Table(report.reliability_items, lang)
    it.add(["item", "indicator", "dimension", "keyed", "r_item_rest", "alpha_if_deleted"])
    it.add(["msa", "mean", "sd", "missing_share"])
    if it.columns:
        ws.write_string(nxt + 1, 0, _label("items_table", lang), styles.get(bold=True))
        it.write(ws, styles, start_row=nxt + 2, autofilter=False, set_widths=False)
        _widen(ws, t, it)


def write_comparison_workbook(report: ComparisonReport, path: Path) -> Path:
    """Write the cross-district comparison workbook."""
    lang = report.lang

    def build(wb: Workbook) -> None:
        styles = _Styles(wb)
        _set_properties(wb, report.title, "", report.report_date)
        d = _Table(report.districts, lang, names=report.dimension_columns)
        d.add(["district", "total", "level", "level_name", "rank", "respondents", "stations"])
        d.add_rest(kind="score", skip=("note",))
        d.add(["note"], kind="wrap")
        ws = _add_sheet(wb, "districts", lang)
        nxt, _ = d.write(ws, styles, freeze_col=1)
        for k, note in enumerate(report.notes):  # under the table, as wide as the sheet
            if len(d.columns) > 1:
                ws.merge_range(nxt + 1 + k, 0, nxt + 1 + k, len(d.columns) - 1, "")
            ws.write_string(nxt + 1 + k, 0, note, styles.get(wrap=True))
            width = sum(d.widths) or MAX_WIDTH
            ws.set_row(nxt + 1 + k, LINE_HEIGHT * _lines(note, width))

        s = _Table(report.stations, lang, names=report.dimension_columns)
        s.add(["district", "station", "respondents", "total", "level", "level_name"])
        s.add(["rank_in_district", "rank_in_province"])
        s.add_rest(kind="score")
        s.write(_add_sheet(wb, "stations", lang), styles, freeze_col=2)

        frame = report.indicators
        if "district" not in frame.columns:
            frame = frame.rename_axis("district").reset_index()
        i = _Table(frame, lang, names=report.indicator_columns)
        i.add(["district"])
        i.add_rest(kind="score")
        i.write(_add_sheet(wb, "indicators", lang), styles, freeze_col=1, header_wrap=True)

        _weights(_add_sheet(wb, "weights", lang), styles, report.weights, lang)
        lv = _Table(report.levels, lang)
        lv.add(["level", "name", "min_score", "max_score", "description"])
        lv.write(_add_sheet(wb, "levels", lang), styles, color=False)
        _issues(_add_sheet(wb, "issues", lang), styles, report.issues, lang)
        if report.files is not None:
            f = _Table(report.files, lang)
            f.add(["district", "name_in_data", "workbook", "pdf_file"])
            f.add(["file_note"], kind="wrap")
            f.write(_add_sheet(wb, "files", lang), styles, color=False)
        _readme(wb, report)

    return _atomic_write(Path(path), build)


def write_issues_workbook(
    issues: pd.DataFrame, path: Path, lang: str, report_date: str = ""
) -> Path:
    """Write a one-sheet workbook listing data issues (columns of ``ISSUE_COLUMNS``), dated
    *report_date* (never the clock: the same issues give the same bytes)."""

    def build(wb: Workbook) -> None:
        _set_properties(wb, "", "", report_date)
        _issues(_add_sheet(wb, "issues", lang), _Styles(wb), issues, lang)

    return _atomic_write(Path(path), build)


# --------------------------------------------------------------------------------------------
# Atomic writing
# --------------------------------------------------------------------------------------------


def _atomic_write(path: Path, build: Callable[[Workbook], None]) -> Path:
    """Build a workbook into a temporary file next to *path*, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # a short name: a district's name may fill most of the 255 bytes a file name can have
    tmp = path.with_name(f".evalkit-{uuid.uuid4().hex[:8]}.part")
    wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
    try:
        build(wb)
        wb.close()
        os.replace(tmp, path)
    except BaseException:
        wb.fileclosed = True  # nothing more to write; keep xlsxwriter from trying again
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
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


def _add_sheet(wb: Workbook, key: str, lang: str) -> Worksheet:
    ws = wb.add_worksheet(_sheet(key, lang), worksheet_class=_PreciseWorksheet)
    # Printing (and PDF export): A4, one page wide, as many pages tall as needed.
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C&P / &N")
    if key != "summary":
        ws.set_landscape()
        ws.repeat_rows(0)
    return ws


def _sheet(key: str, lang: str) -> str:
    pair = SHEETS[key]
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
    """Columns of a model table to show, with display headers and kinds."""

    def __init__(self, frame: pd.DataFrame, lang: str, names: dict[str, str] | None = None):
        self.frame = frame if frame is not None else pd.DataFrame()
        self.lang = lang
        self.names = names or {}
        self.columns: list[_Column] = []
        self.widths: list[float] = []  # column widths, once written

    def _title(self, col: str) -> str:
        return self.names.get(col) or header(col, self.lang)

    def add(self, ids: Sequence[str], kind: str | None = None, title: str | None = None) -> None:
        taken = {c.id for c in self.columns}
        for col in ids:
            if col in self.frame.columns and col not in taken:
                k = kind or COLUMN_KINDS.get(col, "text")
                self.columns.append(_Column(col, title or self._title(col), k))

    def add_rest(self, kind: str = "score", skip: Sequence[str] = ()) -> None:
        """Append the frame's remaining columns (dimension or indicator scores)."""
        taken = {c.id for c in self.columns} | set(skip)
        for col in self.frame.columns:
            if col not in taken:
                k = kind if col in self.names else COLUMN_KINDS.get(str(col), "text")
                self.columns.append(_Column(col, self._title(str(col)), k))

    def write(
        self,
        ws: Worksheet,
        styles: _Styles,
        *,
        start_row: int = 0,
        freeze_col: int = 0,
        autofilter: bool = True,
        color: bool = True,
        header_wrap: bool = False,
        indent_by: str | None = None,
        set_widths: bool = True,
    ) -> tuple[int, dict[str, int]]:
        """Write header and rows at *start_row*; return the next free row and column positions."""
        lang = self.lang
        cols = self.columns
        n = len(self.frame)
        data = [[_cell_value(v, c.kind, lang) for v in self.frame[c.id].tolist()] for c in cols]
        widths: list[float] = []
        wraps: list[bool] = []
        for c, values in zip(cols, data, strict=True):
            content = max((_value_width(v, c.kind) for v in values), default=0)
            head = _text_width(c.title)
            head = min(head, 12 if header_wrap else MAX_HEADER_WIDTH)
            head += 3 if autofilter else 0  # room for the filter button
            wrap = c.kind == "wrap" or content + 2 > MAX_WIDTH
            if wrap:
                width = min(max(content + 2, head, 12), WRAP_WIDTH)
            else:
                width = min(max(content + 2, head, 6), MAX_WIDTH)
            widths.append(width)
            wraps.append(wrap)
        self.widths = widths

        hfmt = styles.get(header=True)
        for j, c in enumerate(cols):
            ws.write_string(start_row, j, c.title, hfmt)
        if set_widths:
            for j, width in enumerate(widths):
                ws.set_column(j, j, width)

        indents = (
            [int(v) - 1 if isinstance(v, float) else 0 for v in data[_index(cols, "depth")]]
            if indent_by and _index(cols, "depth") is not None
            else None
        )
        for j, (c, values) in enumerate(zip(cols, data, strict=True)):
            base_kind = c.kind if c.kind in NUM_FORMATS else "text"
            align = "center" if c.kind in ("count", "bool") else ""
            for i, value in enumerate(values):
                indent = indents[i] if indents and c.id == indent_by and indents[i] > 0 else 0
                fmt = styles.get(base_kind, wrap=wraps[j], indent=indent, align=align)
                _write(ws, start_row + 1 + i, j, value, fmt)

        # Explicit heights for rows with wrapped text (not every reader autofits them).
        head_lines = max((_lines(c.title, w) for c, w in zip(cols, widths, strict=True)), default=1)
        if head_lines > 1:
            ws.set_row(start_row, LINE_HEIGHT * head_lines)
        wrapped = [j for j, wrap in enumerate(wraps) if wrap]
        for i in range(n):
            lines = max(
                (_lines(data[j][i], widths[j]) for j in wrapped if isinstance(data[j][i], str)),
                default=1,
            )
            if lines > 1:
                ws.set_row(start_row + 1 + i, LINE_HEIGHT * lines)

        last = start_row + n
        if start_row == 0:
            ws.freeze_panes(1, freeze_col)
        if autofilter and cols:
            ws.autofilter(start_row, 0, last, len(cols) - 1)
        if color and n > 0:
            for j, c in enumerate(cols):
                if c.kind == "score":
                    ws.conditional_format(start_row + 1, j, last, j, COLOR_SCALE)
        return last + 1, {c.id: j for j, c in enumerate(cols)}


def _index(cols: list[_Column], col_id: str) -> int | None:
    for j, c in enumerate(cols):
        if c.id == col_id:
            return j
    return None


def _weights(ws: Worksheet, styles: _Styles, frame: pd.DataFrame, lang: str) -> None:
    t = _Table(frame, lang)
    t.add(["id", "name", "depth", "parent", *WEIGHT_COLUMNS])
    t.write(ws, styles, freeze_col=2, indent_by="name")


def _issues(ws: Worksheet, styles: _Styles, frame: pd.DataFrame | None, lang: str) -> None:
    """The issue table: ``ISSUE_COLUMNS``, with ``scope`` (this district / whole study) in place
    of ``district`` in a district's workbook."""
    if frame is None:
        frame = pd.DataFrame(columns=ISSUE_COLUMNS)
    cols = ["scope" if c == "district" and "scope" in frame.columns else c for c in ISSUE_COLUMNS]
    extra = [c for c in frame.columns if c not in cols and c not in ("district", "scope")]
    frame = frame.reindex(columns=[*cols, *extra])
    t = _Table(frame, lang)
    t.add([*cols, *extra])
    t.write(ws, styles)


def _experts(ws: Worksheet, styles: _Styles, report: DistrictReport) -> None:
    lang = report.lang
    threshold = cr_threshold(report.method)
    t = _Table(report.experts, lang)
    t.add(["node_id", "node", "expert", "n", "lambda_max", "ci", "cr", "consistent", "used"])
    t.add(["worst_pair", "current", "suggested", "repairs", "cr_repaired"])
    nxt, pos = t.write(ws, styles, freeze_col=0)
    rule = {"type": "cell", "criteria": ">", "value": threshold, "format": styles.highlight}
    if "cr" in pos and len(report.experts):
        ws.conditional_format(1, pos["cr"], nxt - 1, pos["cr"], rule)

    # The group (aggregated) matrices below, after a blank row and a title.
    g = _Table(report.group, lang)
    g.add(["node_id", "node", "experts", "lambda_max", "cr", "consistent", "consensus"])
    if not g.columns:
        return
    title_row = nxt + 1
    ws.write_string(title_row, 0, _label("group_table", lang), styles.get(bold=True))
    end, gpos = g.write(ws, styles, start_row=title_row + 1, autofilter=False, set_widths=False)
    _widen(ws, t, g)
    if "cr" in gpos and len(report.group):
        ws.conditional_format(title_row + 2, gpos["cr"], end - 1, gpos["cr"], rule)


def _widen(ws: Worksheet, first: _Table, second: _Table) -> None:
    """Column widths fitting two tables stacked on one sheet."""
    n = max(len(first.columns), len(second.columns))
    for j in range(n):
        width = 6.0
        for table in (first, second):
            if j < len(table.columns):
                c = table.columns[j]
                values = [_cell_value(v, c.kind, table.lang) for v in table.frame[c.id]]
                content = max((_value_width(v, c.kind) for v in values), default=0)
                width = max(width, min(max(content, _text_width(c.title)) + 2, MAX_WIDTH))
        ws.set_column(j, j, width)


def _recommendations(ws: Worksheet, styles: _Styles, report: DistrictReport) -> None:
    lang = report.lang
    frame = pd.DataFrame(
        {
            "priority": [r.priority for r in report.recommendations],
            "dimension": [r.dimension for r in report.recommendations],
            "indicators": [list(r.indicators) for r in report.recommendations],
            "text": [r.text for r in report.recommendations],
        },
        columns=["priority", "dimension", "indicators", "text"],
    )
    t = _Table(frame, lang)
    t.add(["priority", "dimension"])
    t.add(["indicators"], kind="wrap", title=_label("indicators", lang))
    t.add(["text"])
    t.write(ws, styles, color=False)


# --------------------------------------------------------------------------------------------
# Summary sheet
# --------------------------------------------------------------------------------------------

_SUMMARY_VALUE_COLS = 6  # B..G hold values; long values are merged across them
_SUMMARY_WIDTHS = [26, 12, 12, 14, 12, 8, 14]
_METHOD_KEYS = [
    "weights",
    "ri_table",
    "cr_threshold",
    "normalisation",
    "aggregation",
    "group",
    "objective_units",
    "inconsistent_experts",
    "consensus",
    "hierarchy_cr",
]


def _rank_text(r: DistrictReport) -> str:
    """ "2 / 4"; with districts left out "2 / 3（4 个区县中 3 个参评）" / "2 / 3 (3 of 4 districts
    assessed)"."""
    text = f"{r.rank} / {r.n_districts}"
    m = r.n_districts_total
    if m > r.n_districts:
        if r.lang == "zh":
            text += f"（{m} 个区县中 {r.n_districts} 个参评）"
        else:
            text += f" ({r.n_districts} of {m} districts assessed)"
    return text


def _district_summary(ws: Worksheet, styles: _Styles, r: DistrictReport) -> None:
    lang = r.lang
    for j, width in enumerate(_SUMMARY_WIDTHS):
        ws.set_column(j, j, width)
    merged_width = sum(_SUMMARY_WIDTHS[1:])
    label_fmt = styles.get(bold=True)
    row = 0

    label_width = _SUMMARY_WIDTHS[0]

    def kv(label: str, value: Any, kind: str = "text", extra: str | None = None) -> None:
        nonlocal row, label_width
        ws.write_string(row, 0, label, label_fmt)
        label_width = max(label_width, min(_text_width(label) + 3, 40))
        converted = _cell_value(value, kind, lang)
        if isinstance(converted, float):
            _write(ws, row, 1, converted, styles.get(kind, align="left"))
            if extra:
                last = _SUMMARY_VALUE_COLS
                ws.merge_range(row, 2, row, last, "", styles.get())
                ws.write_string(row, 2, extra, styles.get())
        else:
            text = converted or ""
            fmt = styles.get(wrap=True)
            ws.merge_range(row, 1, row, _SUMMARY_VALUE_COLS, "", fmt)
            _write(ws, row, 1, converted, fmt)
            lines = _lines(text, merged_width)
            if lines > 1:
                ws.set_row(row, LINE_HEIGHT * lines)
        row += 1

    kv(_label("title", lang), r.title)
    if r.tree_title:
        kv(_label("tree_title", lang), r.tree_title)
    kv(header("district", lang), r.district)
    kv(_label("report_date", lang), r.report_date)
    kv(header("total", lang), r.total, "score")
    kv(header("level", lang), r.level, "count", extra=r.level_name)
    kv(_label("rank_of", lang), _rank_text(r))
    if r.left_out:
        kv(_label("left_out", lang), ("；" if lang == "zh" else "; ").join(r.left_out))
    kv(header("province_mean", lang), r.province_mean, "score")
    kv(header("best_in_province", lang), r.province_best, "score")
    counts = r.counts or {}
    for key in ("respondents", "stations"):
        if key in counts:
            kv(header(key, lang), counts[key], "count")
    if counts.get("stations_hidden"):
        kv(_label("stations_hidden", lang), counts["stations_hidden"], "count")
    if "experts" in counts:
        kv(header("experts", lang), counts["experts"], "count")
    if counts.get("experts_inconsistent"):
        kv(_label("experts_inconsistent", lang), counts["experts_inconsistent"], "count")
    for key in _METHOD_KEYS:
        if (r.method or {}).get(key):
            kv(_label(f"method_{key}", lang), str(r.method[key]))
    if r.level_description:
        kv(_label("level_description", lang), r.level_description)

    ws.set_column(0, 0, label_width)

    # Dimension scores against the province mean.
    row += 1
    ws.write_string(row, 0, _label("dimension_table", lang), styles.get(bold=True, size=12))
    row += 1
    dims = r.dimensions.copy() if r.dimensions is not None else pd.DataFrame()
    if {"score", "province_mean"} <= set(dims.columns):
        dims["vs_mean"] = pd.to_numeric(dims["score"], errors="coerce") - pd.to_numeric(
            dims["province_mean"], errors="coerce"
        )
    t = _Table(dims, lang)
    t.add(["name"], title=header("dimension", lang))
    t.add(["score", "province_mean"])
    t.add(["vs_mean"], kind="signed", title=_label("vs_mean", lang))
    t.add(["best_in_province", "rank", "level_name"])
    row, _ = t.write(ws, styles, start_row=row, autofilter=False, set_widths=False)
    row += 1

    if r.warnings:
        ws.write_string(row, 0, _label("warnings", lang), styles.get(bold=True, size=12))
        row += 1
        fmt = styles.get(wrap=True)
        full_width = sum(_SUMMARY_WIDTHS)
        for w in r.warnings:
            ws.merge_range(row, 0, row, _SUMMARY_VALUE_COLS, "", fmt)
            ws.write_string(row, 0, str(w), fmt)
            lines = _lines(str(w), full_width)
            if lines > 1:
                ws.set_row(row, LINE_HEIGHT * lines)
            row += 1
