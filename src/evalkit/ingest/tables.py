"""Read a sheet of a workbook (xlsx, xlsm, ods) or a CSV file into a grid of raw cell values.

Every value keeps its place: :class:`Grid` rows carry their Excel row numbers, so readers can name
the exact cell of a problem. Before a workbook is opened its zip directory is checked, so a zip bomb
(a part declared too large, or inflating too many times its compressed size), an XML part declaring
entities (a DOCTYPE) or a sheet declaring a million rows is refused with a message instead of
exhausting memory or aborting the process. The declared sizes bound what the readers inflate:
python-calamine and :mod:`zipfile` both stop at a part's declared size.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from ..errors import DataError, Issue, Location
from ..files import file_problem
from .xlsxsplit import NotSplittable, split_blocks

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
MAX_UNZIPPED_BYTES = 1_000_000_000  # all parts of a workbook together, inflated
MAX_PART_BYTES = 400_000_000  # one part inflated; a 100,000 x 60 survey sheet is about 180 MB
MAX_RATIO = 100  # inflated / compressed size of a part over RATIO_FLOOR_BYTES; survey sheets: ~10
RATIO_FLOOR_BYTES = 10_000_000  # smaller parts cannot exhaust memory, whatever their ratio
PROLOG_BYTES = 65_536  # a part's XML root element must start within this (real ones: < 100 bytes)
MAX_CELLS = 60_000_000
CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
MAX_XLS_BYTES = 200_000_000
T = TypeVar("T")
_DIM_RE = re.compile(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
# what may precede the root element of a part: white space, the XML declaration, comments and
# processing instructions (a DOCTYPE may too in XML, but no spreadsheet program writes one)
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_BOMB_FIX = (
    "A spreadsheet program does not save a survey like this: the file is damaged or built to "
    "exhaust memory. If it is genuine, open it in Excel/WPS, delete the empty rows and columns "
    "around the data and save it again, or export the sheet as CSV."
)
_BOMB_FIX_ZH = (
    "电子表格软件不会这样保存问卷：文件已损坏，或是为耗尽内存而构造的。若文件确属正常，请用 "
    "Excel/WPS 打开，删除数据周围的空行和空列后重新保存，或将该工作表导出为 CSV。"
)


@dataclass(frozen=True)
class Grid:
    """Cells of one sheet with Excel row numbers as the index.

    ``data``: the raw cells (object dtype) under deduplicated header texts; ``numbers``: the same
    cells as floats where they are finite numbers or numeric text (NaN elsewhere); ``blank``: True
    where a cell is empty (None, "" or only white space); ``odd``: True where a cell looks like a
    number but is none to compute with: a TRUE/FALSE cell (or the text TRUE/FALSE, as a CSV file
    writes one), an infinite number or a NaN (stored so, or typed as ``inf``, ``-inf``, ``nan``,
    ``∞``), or a number beyond the floating-point range (``1e400``); see :func:`odd_value`. Each is
    computed once, vectorised, for the whole sheet, so readers never loop over cells.
    """

    file: str
    sheet: str
    header: list[str]
    data: pd.DataFrame
    header_row: int
    numbers: pd.DataFrame = field(default_factory=pd.DataFrame)
    blank: pd.DataFrame = field(default_factory=pd.DataFrame)
    odd: pd.DataFrame = field(default_factory=pd.DataFrame)

    def loc(self, row: int | None = None, column: str = "") -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=column)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n < 10e6 else f"{n / 1e6:,.0f} MB"


def _size_issues(where: Location, infos: list[zipfile.ZipInfo]) -> list[Issue]:
    """Parts too large or inflating too many times, from the zip directory alone."""
    issues: list[Issue] = []
    for info in infos:
        size, packed = info.file_size, info.compress_size
        ratio = size / max(packed, 1)
        if size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            issues.append(
                Issue(
                    where,
                    f"part {info.filename} of the workbook inflates {ratio:,.0f} times its "
                    "compressed size (a zip bomb); refused before reading",
                    expected=f"at most {MAX_RATIO} times for a part over {_mb(RATIO_FLOOR_BYTES)} "
                    "(survey sheets inflate about 10 times)",
                    found=f"{_mb(packed)} compressed, {_mb(size)} inflated",
                    fix=_BOMB_FIX,
                    check="file",
                    message_zh=f"工作簿的 {info.filename} 解压后为压缩大小的 {ratio:,.0f} 倍"
                    "，疑为压缩炸弹，未读取",
                    expected_zh=f"超过 {_mb(RATIO_FLOOR_BYTES)} 的部分最多 {MAX_RATIO} 倍"
                    "（问卷工作表约 10 倍）",
                    found_zh=f"压缩 {_mb(packed)}，解压 {_mb(size)}",
                    fix_zh=_BOMB_FIX_ZH,
                )
            )
        elif size > MAX_PART_BYTES:
            issues.append(
                Issue(
                    where,
                    f"part {info.filename} of the workbook inflates to {_mb(size)}; refused "
                    "before reading",
                    expected=f"at most {_mb(MAX_PART_BYTES)} per part (a 100,000 × 60 survey "
                    "sheet is about 180 MB)",
                    found=f"{_mb(packed)} compressed, {_mb(size)} inflated",
                    fix="Split the survey into several workbooks (one per district), or export "
                    "the sheet as CSV, which has no such limit.",
                    check="file",
                    message_zh=f"工作簿的 {info.filename} 解压后达 {_mb(size)}，未读取",
                    expected_zh=f"每部分最多 {_mb(MAX_PART_BYTES)}（10 万行 × 60 列的问卷工作表"
                    "约 180 MB）",
                    found_zh=f"压缩 {_mb(packed)}，解压 {_mb(size)}",
                    fix_zh="把问卷拆成几个工作簿（每个区县一个），或将工作表导出为 CSV（没有此限制）。",
                )
            )
    total = sum(i.file_size for i in infos)
    if not issues and total > MAX_UNZIPPED_BYTES:
        issues.append(
            Issue(
                where,
                f"the workbook inflates to {_mb(total)}; refused before reading",
                expected=f"at most {_mb(MAX_UNZIPPED_BYTES)} for all its parts together",
                found=f"{_mb(total)} uncompressed",
                fix="Save only the needed sheets, or export them as CSV.",
                check="file",
                message_zh=f"工作簿解压后共 {_mb(total)}，未读取",
                expected_zh=f"所有部分合计最多 {_mb(MAX_UNZIPPED_BYTES)}",
                found_zh=f"解压后 {_mb(total)}",
                fix_zh="只保存需要的工作表，或导出为 CSV。",
            )
        )
    return issues


def _prolog_issue(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: Location) -> Issue | None:
    """A DOCTYPE (entity declarations) before the root element of an XML part, or a prolog
    longer than :data:`PROLOG_BYTES`; only the part's first bytes are inflated."""
    if info.is_dir() or info.file_size == 0 or not _XML_PART.search(info.filename):
        return None
    try:
        with zf.open(info) as fh:
            head = fh.read(PROLOG_BYTES)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, EOFError, OSError, zlib.error):
        return None  # encrypted or unknown compression: the reader says what it cannot read
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.removeprefix(codecs.BOM_UTF8).decode("latin-1")
    end = _PROLOG.match(text).end()  # type: ignore[union-attr]
    rest = text[end:]
    if rest[:9].upper() == "<!DOCTYPE" or rest[:8].upper() == "<!ENTITY":
        return Issue(
            where,
            f"part {info.filename} of the workbook declares XML entities (<!DOCTYPE …>); "
            "refused before reading",
            expected="XML without a DOCTYPE or entity declarations (Excel, WPS and LibreOffice "
            "never write one)",
            found=f"{rest[:40]!r} at the start of {info.filename}",
            fix="The file was altered after it was saved, or built to exhaust memory: export the "
            "survey again from its platform, or open it in Excel/WPS and save it as .xlsx.",
            check="file",
            message_zh=f"工作簿的 {info.filename} 含有 XML 实体声明（<!DOCTYPE …>），拒绝读取",
            expected_zh="不含 DOCTYPE 或实体声明的 XML（Excel、WPS 和 LibreOffice 从不写入）",
            found_zh=f"{info.filename} 开头为 {rest[:40]!r}",
            fix_zh="文件保存后被改动过，或是为耗尽内存而构造的：请从问卷平台重新导出，或用 "
            "Excel/WPS 打开后另存为 .xlsx。",
        )
    if not rest and len(head) == PROLOG_BYTES:
        return Issue(
            where,
            f"part {info.filename} of the workbook does not begin with its XML element; refused "
            "before reading",
            expected=f"the root element within the first {PROLOG_BYTES:,} bytes",
            found=f"{PROLOG_BYTES:,} bytes of white space, comments or declarations",
            fix=_BOMB_FIX,
            check="file",
            message_zh=f"工作簿的 {info.filename} 不以其 XML 元素开头，拒绝读取",
            expected_zh=f"前 {PROLOG_BYTES:,} 字节内出现根元素",
            found_zh=f"{PROLOG_BYTES:,} 字节的空白、注释或声明",
            fix_zh=_BOMB_FIX_ZH,
        )
    return None


# Files a reader crashed on, ran out of memory or time with in a worker process
# (evalkit.batch.contain): by os.path.realpath, the problem to raise instead of reading them again.
REFUSED: dict[str, Issue] = {}


def check_file(path: Path) -> None:
    """DataError unless *path* is a regular file this process may read: a folder, a named pipe
    (which would wait for a writer forever), a socket, a symbolic-link loop or a file without read
    permission is refused before any reader opens it (:func:`evalkit.files.file_problem`), and so
    is a file in :data:`REFUSED`."""
    if REFUSED and (found := REFUSED.get(os.path.realpath(path))) is not None:
        raise DataError([dataclasses.replace(found, location=Location(file=str(path)))])
    problem = file_problem(path)
    if problem is not None:
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    problem.message,
                    message_zh=problem.message_zh,
                    fix=problem.fix,
                    fix_zh=problem.fix_zh,
                    check="file",
                )
            ]
        )


def _check_zip(path: Path) -> None:
    """Refuse a workbook before any reader inflates it: from the zip directory, a part declared
    larger than :data:`MAX_PART_BYTES` or inflating more than :data:`MAX_RATIO` times (beyond
    :data:`RATIO_FLOOR_BYTES`), or all parts over :data:`MAX_UNZIPPED_BYTES`; then, reading only
    the first bytes of each XML part, a DOCTYPE (entity expansion) or a sheet declaring more than
    :data:`MAX_CELLS` cells. Every refused part is listed."""
    where = Location(file=str(path))
    check_file(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            issues = _size_issues(where, infos)
            if issues:
                raise DataError(issues)
            issues = [i for info in infos if (i := _prolog_issue(zf, info, where)) is not None]
            if issues:
                raise DataError(issues)
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with zf.open(info) as fh:
                        head = fh.read(4096)
                    m = _DIM_RE.search(head)
                    if m:
                        cells = _col_number(m.group(1)) * int(m.group(2))
                        if cells > MAX_CELLS:
                            raise DataError(
                                [
                                    Issue(
                                        where,
                                        f"{info.filename} declares {m.group(2).decode()} rows up to "
                                        f"column {m.group(1).decode()}; refused",
                                        message_zh=f"{info.filename} 声明有 {m.group(2).decode()} "
                                        f"行、直到 {m.group(1).decode()} 列，拒绝读取",
                                        expected=f"at most {MAX_CELLS:,} cells",
                                        expected_zh=f"最多 {MAX_CELLS:,} 个单元格",
                                        fix="Delete the empty rows and columns and save again.",
                                        fix_zh="删除空行和空列后重新保存。",
                                    )
                                ]
                            )
    except zipfile.BadZipFile:
        raise DataError(
            [
                Issue(
                    where,
                    "not a readable workbook",
                    message_zh="无法读取的工作簿",
                    expected="an .xlsx/.xlsm/.ods file",
                    expected_zh=".xlsx、.xlsm 或 .ods 文件",
                    found="a file that is not a zip archive (password-protected, .xls or damaged?)",
                    found_zh="不是 zip 压缩包的文件（设了密码、是 .xls 格式或已损坏？）",
                    fix="Open it in Excel/WPS and save as .xlsx without a password, or export CSV.",
                    fix_zh="用 Excel/WPS 打开，去掉密码另存为 .xlsx，或导出为 CSV。",
                )
            ]
        ) from None
    except OSError as exc:  # the file changed since it was checked
        raise DataError(
            [
                Issue(
                    where,
                    f"cannot read this file: {exc.strerror or exc}",
                    message_zh=f"无法读取该文件（{exc.strerror or exc}）",
                    check="file",
                )
            ]
        ) from None


def sheet_names(path: Path, *, allow_xls: bool = False, display: str | None = None) -> list[str]:
    """Names of the sheets of a workbook (a CSV file: its name); old .xls only with allow_xls.
    Problems name the file as ``display`` (default: the path)."""
    path = Path(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return [path.stem]
    try:
        if allow_xls and path.suffix.lower() == ".xls":
            check_file(path)
        else:
            _check_zip(path)
        try:
            return list(CalamineWorkbook.from_path(str(path)).sheet_names)
        except (CalamineError, OSError, ValueError) as exc:
            raise DataError([_unreadable(path, exc, path.suffix.lower() == ".xls")]) from None
    except DataError as exc:
        raise _shown_as(exc, path, display) from None


def _shown_as(exc: DataError, path: Path, display: str | None) -> DataError:
    """``exc`` with its problems about ``path`` itself naming the file as the user knows it, so
    that one file is not counted twice under two spellings of its path."""
    if not display or display == str(path):
        return exc
    return DataError(
        [
            dataclasses.replace(i, location=dataclasses.replace(i.location, file=display))
            if i.location.file == str(path)
            else i
            for i in exc.issues
        ]
    )


def read_csv_rows(path: Path) -> tuple[list[list[object]], str]:
    """Rows of a CSV file (quoted newlines kept, blank lines kept so row numbers are the file's)
    and the encoding that decoded it: UTF-8 with a BOM, UTF-8, then GB18030 (a superset of GBK).
    """
    check_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:  # the file changed since it was checked
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    f"cannot read this file: {exc.strerror or exc}",
                    message_zh=f"无法读取该文件（{exc.strerror or exc}）",
                    check="file",
                )
            ]
        ) from None
    last = ""
    for enc in CSV_ENCODINGS:
        if enc == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            last = str(exc)
            continue
        try:
            return [list(r) for r in csv.reader(io.StringIO(text, newline=""))], enc
        except csv.Error as exc:
            raise DataError(
                [
                    Issue(
                        Location(file=str(path)),
                        f"not a valid CSV: {exc}",
                        message_zh=f"不是有效的 CSV 文件（{exc}）",
                    )
                ]
            ) from None
    raise DataError(
        [
            Issue(
                Location(file=str(path)),
                "cannot decode the CSV file",
                message_zh="无法解码该 CSV 文件",
                expected="UTF-8 (with or without BOM) or GB18030 text",
                expected_zh="UTF-8（带或不带 BOM）或 GB18030 编码的文本",
                found=last,
                fix="Save the file again as CSV UTF-8.",
                fix_zh="将文件另存为“CSV UTF-8”格式。",
            )
        ]
    )


def read_rows(
    path: Path, sheet: str | None = None, *, allow_xls: bool = False
) -> tuple[str, list[list[object]], str]:
    """The cells of one sheet (or CSV file) as rows: (sheet name, rows, CSV encoding or "").

    Workbooks are checked before they are opened (zip size, declared sheet size); old binary
    ``.xls`` files, which are not zip archives, are accepted only with ``allow_xls`` and then
    limited to 200 MB.
    """
    if path.suffix.lower() in CSV_SUFFIXES:
        rows, enc = read_csv_rows(path)
        return path.stem, rows, enc
    name, blocks = _sheet_blocks(path, sheet, lambda rows: rows, allow_xls=allow_xls)
    width = max((col + len(r[0]) for _, col, r in blocks if r), default=0)
    out: list[list[object]] = []
    for first, col, rows in blocks:
        out.extend([""] * width for _ in range(first - len(out)))
        out.extend(rows if not rows or len(rows[0]) == width else _pad(rows, col, width))
    return name, out, ""


def _pad(rows: list[list[object]], left: int, width: int) -> list[list[object]]:
    """Rows placed from column ``left`` in rows ``width`` wide (the split parse's blocks)."""
    right = [""] * (width - left - len(rows[0]))
    return [[""] * left + r + right for r in rows]


def _sheet_blocks(
    path: Path,
    sheet: str | None,
    convert: Callable[[list[list[object]]], T],
    *,
    allow_xls: bool = False,
) -> tuple[str, list[tuple[int, int, T]]]:
    """Sheet name and ``(first row, first column, convert(rows))`` per block of a workbook sheet
    (0-based indices).

    A large .xlsx sheet arrives in several blocks, parsed on all cores while earlier blocks are
    converted (:mod:`.xlsxsplit`); any other sheet is one block starting at row 1.
    """
    suffix = path.suffix.lower()
    xls = allow_xls and suffix == ".xls"
    if suffix not in WORKBOOK_SUFFIXES and not xls:
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "unsupported file type",
                    message_zh="不支持的文件类型",
                    expected="xlsx, xlsm, ods or csv",
                    expected_zh="xlsx、xlsm、ods 或 csv",
                    found=suffix or "no extension",
                    found_zh=suffix or "没有扩展名",
                    fix="Old .xls files: open and save as .xlsx.",
                    fix_zh="旧的 .xls 文件：打开后另存为 .xlsx。",
                )
            ]
        )
    if xls:
        check_file(path)
        if path.stat().st_size > MAX_XLS_BYTES:
            raise DataError(
                [
                    Issue(
                        Location(file=str(path)),
                        "the .xls file is over 200 MB",
                        message_zh=".xls 文件超过 200 MB",
                    )
                ]
            )
    else:
        _check_zip(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        name = sheet if sheet is not None else names[0]
        if name not in names:
            raise DataError(
                [
                    Issue(
                        Location(file=str(path)),
                        f'no sheet "{name}"',
                        message_zh=f"没有名为“{name}”的工作表",
                        expected=f'a sheet named "{name}"',
                        expected_zh=f"名为“{name}”的工作表",
                        found=f"sheets {names}",
                        found_zh=f"工作表 {names}",
                    )
                ]
            )
        if suffix in (".xlsx", ".xlsm") and (parts := split_blocks(path, name)) is not None:
            try:
                return name, [(first, col, convert(rows)) for first, col, rows in parts]
            except NotSplittable:
                pass  # read in one piece below
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except DataError:
        raise
    except Exception as exc:  # calamine raises several types, incl. PasswordError
        raise DataError([_unreadable(path, exc, xls)]) from None
    return name, [(0, 0, convert(rows))]


def _unreadable(path: Path, exc: Exception, xls: bool) -> Issue:
    """Why calamine could not read a workbook, with the fix for that cause."""
    if isinstance(exc, PasswordError):
        fix = "Remove the password (Excel/WPS: File > Info > Protect) and save it again."
        fix_zh = "去掉密码（Excel/WPS：文件 > 信息 > 保护工作簿）后重新保存。"
    elif xls:
        fix = "Open it in Excel/WPS and save as .xlsx."
        fix_zh = "用 Excel/WPS 打开后另存为 .xlsx。"
    else:
        fix = (
            "Its contents are damaged: open it in Excel/WPS and save it again as .xlsx, or "
            "export CSV."
        )
        fix_zh = "文件内容已损坏：用 Excel/WPS 打开后重新另存为 .xlsx，或导出为 CSV。"
    return Issue(
        Location(file=str(path)),
        f"cannot read the workbook: {type(exc).__name__}: {exc}",
        fix=fix,
        check="file",
        message_zh=f"无法读取工作簿（{type(exc).__name__}: {exc}）",
        fix_zh=fix_zh,
    )


_FLOAT, _INT, _NONE, _BOOL = id(float), id(int), id(type(None)), id(bool)
# texts that float() or pandas read as a non-finite number, and TRUE/FALSE as a CSV file holds a
# boolean cell
_ODD_TEXT = re.compile(r"\s*(?:[+-]?(?:inf|infinity|nan|∞)|true|false)\s*", re.IGNORECASE)


def odd_value(value: object) -> tuple[str, str] | None:
    """What a cell holds when it looks like a number but is none to compute with, in English and
    Chinese; None for any other cell.

    A TRUE/FALSE cell (Excel's boolean, or the text TRUE/FALSE of a CSV file) would count as 1/0;
    ``inf``, ``∞`` and an infinite stored number have no place on any scale; ``nan`` (not a number)
    would be read as an empty cell; ``1e400`` is beyond the largest floating-point number
    (about 1.8e308) and would be read as infinite.
    """
    if isinstance(value, (bool, np.bool_)):
        return (
            f"{'TRUE' if value else 'FALSE'} (a TRUE/FALSE cell, not a number)",
            f"{'TRUE' if value else 'FALSE'}（逻辑值单元格，不是数值）",
        )
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "NaN stored as a number (not a number)", "以数值形式存储的 NaN（非数值）"
        if np.isinf(value):
            return "an infinite number", "无穷大的数"
        return None
    if not isinstance(value, str):
        return None
    shown = value.strip()
    text = unicodedata.normalize("NFKC", shown)
    low = text.lower().lstrip("+-")
    if low in ("true", "false"):
        return (
            f"{shown!r} (a TRUE/FALSE value, not a number)",
            f"{shown!r}（逻辑值，不是数值）",
        )
    if low == "nan":
        return f"{shown!r} (not a number)", f"{shown!r}（非数值）"
    if low in ("inf", "infinity", "∞"):
        return f"{shown!r} (infinite)", f"{shown!r}（无穷大）"
    try:
        number = float(text)
    except ValueError:
        return None
    if np.isinf(number):
        return (
            f"{shown!r}, beyond the largest number evalkit can compute with (about 1.8e308)",
            f"{shown!r}，超出 evalkit 能计算的最大数（约 1.8e308）",
        )
    return None


def type_ids(values: np.ndarray) -> np.ndarray:
    """The ``id`` of every value's type, as integers: type tests on millions of cells become
    integer comparisons (``type_ids(a) == id(str)``)."""
    flat = values.ravel()
    return np.fromiter(map(id, map(type, flat)), np.intp, len(flat)).reshape(values.shape)


def _parse_cells(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numbers (float, NaN if not a finite number), blanks (bool) and odd cells (bool, see
    :func:`odd_value`) of an object array of cells.

    Cells a workbook stores as numbers are taken as they are (one pass reads every cell's type,
    as an integer, so the tests after it are integer comparisons); the remaining non-empty cells
    go through one vectorised numeric conversion (numbers typed as text, CSV cells), each distinct
    text once; only those that are not numbers (ids, labels, stray text) are looked at as text, to
    find white-space-only ones and the texts of non-finite numbers and booleans. A TRUE/FALSE
    cell, a stored infinity or NaN and a text such as ``inf``, ``1e400`` or ``nan`` are odd: no
    number (NaN in ``numbers``), and not blank either, so a reader reports them.
    """
    flat = arr.ravel()
    kinds = type_ids(flat)
    stored = (kinds == _FLOAT) | (kinds == _INT)
    simple = kinds == _NONE
    odd = kinds == _BOOL
    numbers = np.full(flat.shape, np.nan)
    numbers[stored] = flat[stored].astype(float)
    rest = np.flatnonzero(~stored & ~simple & ~odd)
    if len(rest):
        # each distinct text once: labels and names repeat thousands of times in a survey
        codes, uniques = pd.factorize(pd.Series(flat[rest], dtype=object), use_na_sentinel=False)
        u = np.asarray(uniques, dtype=object)
        u_num = pd.to_numeric(pd.Series(u, dtype=object), errors="coerce").to_numpy(
            float, copy=True
        )
        u_text = np.isnan(u_num)
        u_blank = np.fromiter((not str(v).strip() for v in u), bool, len(u)) & u_text
        u_blank |= pd.isna(u)  # NaN or NaT stored in an object cell
        u_odd = np.isinf(u_num)
        maybe = np.flatnonzero(u_text & ~u_blank)
        u_odd[maybe] = np.fromiter(
            (
                isinstance(v, str) and len(v) < 40 and _ODD_TEXT.fullmatch(v) is not None
                for v in u[maybe]
            ),
            bool,
            len(maybe),
        )
        u_num[u_odd] = np.nan
        numbers[rest] = u_num[codes]
        simple[rest[u_blank[codes]]] = True
        odd[rest[u_odd[codes]]] = True
    infinite = stored & ~np.isfinite(numbers)  # a NaN or infinity stored as a number
    odd |= infinite
    numbers[infinite] = np.nan
    return numbers.reshape(arr.shape), simple.reshape(arr.shape), odd.reshape(arr.shape)


def rows_to_array(rows: list[list[object]]) -> np.ndarray:
    """Rows of cells as a 2-D object array; short rows (CSV, ragged exports) padded with ""."""
    width = max((len(r) for r in rows), default=0)
    if any(len(r) != width for r in rows):
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
    arr = np.empty((len(rows), width), dtype=object)
    if len(rows) and width:
        arr[:] = rows
    return arr


Cells = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # cells, numbers, blank, odd


def _cells(rows: list[list[object]]) -> Cells:
    arr = rows_to_array(rows)
    return (arr, *_parse_cells(arr))


def _stack(blocks: list[tuple[int, int, Cells]]) -> Cells:
    """One (cells, numbers, blank, odd) quadruple from blocks placed at their first row and
    column; the cells outside every block are empty."""
    if len(blocks) == 1 and blocks[0][:2] == (0, 0):
        return blocks[0][2]
    height = max((row + c[0].shape[0] for row, _, c in blocks), default=0)
    width = max((col + c[0].shape[1] for _, col, c in blocks), default=0)
    arr = np.full((height, width), "", dtype=object)
    numbers = np.full((height, width), np.nan)
    blank = np.ones((height, width), dtype=bool)
    odd = np.zeros((height, width), dtype=bool)
    for row, col, (a, n, b, o) in blocks:
        at = (slice(row, row + a.shape[0]), slice(col, col + a.shape[1]))
        arr[at], numbers[at], blank[at], odd[at] = a, n, b, o
    return arr, numbers, blank, odd


def read_grid(path: Path, sheet: str | None = None, *, display: str | None = None) -> Grid:
    """Read a sheet (or CSV) with its first non-empty row as the header.

    Header texts are stripped; duplicate headers get a ``#2`` suffix (the reader reports them).
    Fully empty rows are dropped; the index keeps the Excel row number of every remaining row.
    """
    path = Path(path)
    file = display or str(path)
    try:
        if path.suffix.lower() in CSV_SUFFIXES:
            name, rows, _ = read_rows(path, sheet)
            blocks = [(0, 0, _cells(rows))]
        else:
            name, blocks = _sheet_blocks(path, sheet, _cells)
    except DataError as exc:
        raise _shown_as(exc, path, display) from None
    arr, numbers, blank, odd = _stack(blocks)
    if not arr.size:
        return Grid(file, name, [], pd.DataFrame(), 1)
    nonempty = ~blank.all(axis=1)
    if not nonempty.any():
        return Grid(file, name, [], pd.DataFrame(), 1)
    h = int(np.argmax(nonempty))
    header_row = h + 1
    header = [str(v).strip() if v is not None else "" for v in arr[h].tolist()]
    seen: dict[str, int] = {}
    cols: list[str] = []
    for text in header:
        key = text or f"(column {len(cols) + 1})"
        seen[key] = seen.get(key, 0) + 1
        cols.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    keep: np.ndarray | slice = np.flatnonzero(nonempty[h + 1 :]) + h + 1
    index = pd.Index(keep + 1, name="row")
    if len(keep) and keep[-1] - keep[0] == len(keep) - 1:
        keep = slice(int(keep[0]), int(keep[-1]) + 1)  # no empty rows: views, not copies
    return Grid(
        file,
        name,
        cols,
        pd.DataFrame(arr[keep], index=index, columns=cols),
        header_row,
        pd.DataFrame(numbers[keep], index=index, columns=cols),
        pd.DataFrame(blank[keep], index=index, columns=cols),
        pd.DataFrame(odd[keep], index=index, columns=cols),
    )


def empty_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell is empty: None/NaN or text that is only white space (vectorised)."""
    arr = frame.to_numpy(dtype=object)
    null = pd.isna(arr)
    text = np.char.strip(np.where(null, "", arr).astype(str))
    return pd.DataFrame((text == "") | null, index=frame.index, columns=frame.columns)


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A)."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s
