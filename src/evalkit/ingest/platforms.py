"""Read officers' survey exports as they come from 问卷星, 腾讯问卷 or a hand-typed sheet.

``inspect_export`` detects the layout (platform and variant by header signature, the header row
among the first rows, question numbers and 问卷星 matrix groups, the item ↔ column mapping, missing
markers, encoding) and lists every automatic decision. ``import_responses`` converts the export into
evalkit's own responses table (respondent, district, station, one column per tree item) and keeps
the reason of every missing answer; ``write_responses`` writes it as CSV or xlsx. A MAP.yaml
(``load_map`` / ``write_map``) pins the mapping when the automatic one is not wanted. See
/work/shared/domain/survey_formats.md for the layouts.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..errors import DataError, Issue, Location, show
from ..tree import IndicatorTree
from ..yamlio import line_of, load_yaml
from .tables import column_letter, read_rows, rows_to_array, sheet_names, type_ids

WJX_META = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "总分")
WJX_SIGNATURE = ("序号", "提交答卷时间", "所用时间", "来自IP", "来源", "来源详情")
TENCENT_SIGNATURE = ("编号", "开始答题时间", "结束答题时间", "答题时长")
TENCENT_BEFORE = ("地理位置国家和地区", "地理位置省", "地理位置市", "自定义字段")
TENCENT_META = (
    *TENCENT_SIGNATURE,
    *TENCENT_BEFORE,
    "语言",
    "清洗数据结果",
    "智能清洗数据无效概率",
    "IP",
    "UA",
    "Referrer",
    "用户类型",
    "用户标识",
    "昵称",
    "中奖时间",
    "中奖金额",
    "审核状态",
)
RESPONDENT_NAMES = ("respondent", "编号", "序号", "问卷编号", "答卷编号", "id", "ID", "编码")
STATION_NAMES = ("station", "派出所", "所在派出所", "所属派出所", "单位", "所在单位", "所属单位")
DISTRICT_NAMES = ("district", "分局", "所在分局", "所属分局", "区县", "县区", "辖区")
SUMMARY_WORDS = (
    "平均值",
    "平均分",
    "平均",
    "均值",
    "合计",
    "总计",
    "小计",
    "有效样本",
    "样本数",
    "样本量",
    "标准差",
    "最大值",
    "最小值",
)
NOTE_RE = re.compile(r"^(注|备注|说明|附注)\s*[:：]")
SKIP_MARKERS = ("(跳过)",)
EMPTY_MARKERS = ("(空)",)
SKIP_CODES = (-3.0, -2.0)
MAP_KEYS = (
    "respondent",
    "district",
    "station",
    "items",
    "labels",
    "missing",
    "respondent_prefix",
    "header_row",
    "sheet",
    "station_names",
    "district_names",
)
HEADER_SCAN_ROWS = 30
READABLE = (".xlsx", ".xlsm", ".ods", ".xls", ".csv", ".txt")

_WJX_NUM = re.compile(r"^(\d+)\s*[、.．]\s*(.*)$", re.S)
_WJX_NUM_SPACE = re.compile(r"^(\d+)\s+(\D.*)$", re.S)
_WJX_OPTION = re.compile(r"^(?:第(\d+)题|(\d+))\s*[(（](.*)[)）]$", re.S)
_TENCENT_NUM = re.compile(r"^(\d+)\.(.*)$", re.S)
_TYPE_TAG = re.compile(r"\s*[(（][^()（）]*题[^()（）]*[)）]\s*$")
_QCODE = re.compile(r"^(?:[Qq]|题|第)?\s*\d+\s*题?$")
_QCODE_STRICT = re.compile(r"^(?:[Qq]\d+|题\d+|第\d+题)$")
_LETTER_PREFIX = re.compile(r"^[A-Za-z]\s*[.．、]\s*(.+)$", re.S)
_POINTS = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*分$")
_COLUMN_LETTER = re.compile(r"^[A-Z]{1,3}$")
_QNUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_LEADING_NUM = re.compile(r"^\d+")
# a single em dash (not part of "——") separates a 问卷星 matrix stem from its first row text
_EM_DASH = re.compile(r"(?<!—)—(?!—)")
# other marks seen between a question and a row text in re-saved or hand-made headers: dashes,
# hyphens and colons, half and full width (read only where the tree confirms the row, see
# read_question_header)
_ROW_MARKS = re.compile(r"—+|[–―−\-－:：_＿]")


# ---- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    """What was recognised in an export, and every decision taken automatically."""

    platform: str  # "wjx" | "tencent" | "hand" | "generic"
    variant: str
    encoding: str  # CSV encoding used; "" for workbooks
    sheet: str
    header_row: int  # 1-based Excel row
    columns: list[str]
    questions: list[dict[str, Any]]
    mapping: dict[str, str]  # item id -> column header
    unmatched_items: list[str]
    markers: dict[str, int]
    decisions: list[str]
    issues: list[Issue]


@dataclass(frozen=True)
class Imported:
    """An export converted to evalkit's responses table."""

    responses: pd.DataFrame
    reasons: pd.DataFrame
    detection: Detection
    dropped_rows: list[tuple[int, str]]
    proposed_map: dict[str, Any]
    sheet_of_row: np.ndarray | None = None  # sheet of every response row (all-sheets imports)


@dataclass(frozen=True)
class ImportMap:
    """A validated MAP.yaml; ``lines`` maps keys such as ``items.ic_std_1`` to YAML lines."""

    file: str = ""
    respondent: str = ""
    district: str = ""
    station: str = ""
    items: dict[str, str] = field(default_factory=dict)
    labels: dict[str, float] = field(default_factory=dict)
    missing: tuple[float | str, ...] = ()
    respondent_prefix: str = ""
    header_row: int | None = None
    sheet: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    # an answer of the station / district question (option number or text) -> its name
    station_names: dict[str, str] = field(default_factory=dict)
    district_names: dict[str, str] = field(default_factory=dict)

    def loc(self, key: str) -> Location:
        return Location(file=self.file, line=self.lines.get(key))

    def names(self, role: str) -> dict[str, str]:
        """The map's names for the answers of the station or district column."""
        return self.station_names if role == "station" else self.district_names


# ---- small helpers ------------------------------------------------------------------------------


def _cell_text(v: object) -> str:
    """A cell as stripped, NFKC-folded text ("" for empty; 4.0 -> "4")."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    return unicodedata.normalize("NFKC", str(v)).strip()


def _texts_of(values: np.ndarray) -> np.ndarray:
    """_cell_text of every value of an object array; text folded by pandas' string methods."""
    out = np.empty(len(values), dtype=object)
    is_str = type_ids(values) == id(str)
    if is_str.any():
        folded = pd.Series(values[is_str], dtype=object).str.normalize("NFKC").str.strip()
        out[is_str] = folded.to_numpy(dtype=object)
    rest = np.flatnonzero(~is_str)
    out[rest] = [_cell_text(v) for v in values[rest]]
    return out


def _raw_text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def normalise(text: str) -> str:
    """Text for loose comparison: NFKC (full → half width), lower case, no spaces or punctuation."""
    t = unicodedata.normalize("NFKC", str(text)).lower()
    return "".join(ch for ch in t if not ch.isspace() and unicodedata.category(ch)[0] not in "PS")


def _scale_number(x: str) -> str:
    f = float(x)
    return str(int(f)) if f.is_integer() else str(f)


def _ref_text(v: object) -> str:
    """A MAP value as text: YAML 5.3 (a float) -> "5.3", 12 -> "12"."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return repr(v) if not v.is_integer() else str(int(v))
    return str(v).strip()


# ---- reading ------------------------------------------------------------------------------------


def _read_any(path: Path, sheet: str | None) -> tuple[str, list[list[object]], str]:
    if not path.exists():
        raise DataError([Issue(Location(file=str(path)), "file not found", fix="Check the path.")])
    return read_rows(path, sheet, allow_xls=True)


# ---- the MAP file -------------------------------------------------------------------------------


def load_map(path: Path | str) -> ImportMap:
    """Read and check a MAP.yaml; problems raise DataError with their YAML line."""
    path = Path(path)
    raw = load_yaml(path, error=DataError)
    file = str(path)
    issues: list[Issue] = []

    def err(obj: Any, key: str | None, msg: str, expected: str = "", found: Any = "") -> None:
        issues.append(
            Issue(
                Location(file=file, line=line_of(obj, key)),
                msg,
                expected=expected,
                found="" if found == "" else show(found),
                check="map",
            )
        )

    if not isinstance(raw, dict):
        raise DataError([Issue(Location(file=file), "the map must be a YAML mapping", check="map")])
    lines: dict[str, int] = {}
    for key in raw:
        lines[str(key)] = line_of(raw, str(key)) or 0
        if key not in MAP_KEYS:
            err(raw, str(key), f"unknown key `{key}`", f"one of {list(MAP_KEYS)}")
    texts: dict[str, str] = {}
    for key in ("respondent", "district", "station", "respondent_prefix", "sheet"):
        v = raw.get(key)
        if v is None:
            continue
        if isinstance(v, (dict, list, bool)):  # yes/no/on/off unquoted are booleans in YAML
            err(raw, key, f"`{key}` must be a column header text", "a text (quoted if yes/no)", v)
            continue
        texts[key] = _ref_text(v)
    items: dict[str, str] = {}
    raw_items = raw.get("items")
    if raw_items is not None:
        if not isinstance(raw_items, dict):
            err(raw, "items", "`items` must map tree item ids to columns", "{item_id: column}")
        else:
            for iid, ref in raw_items.items():
                lines[f"items.{iid}"] = line_of(raw_items, str(iid)) or 0
                if ref is None or isinstance(ref, (dict, list)) or _ref_text(ref) == "":
                    err(
                        raw_items,
                        str(iid),
                        f"item `{iid}` needs a column",
                        "a header text, a question number such as '5.3' or a column letter",
                        "nothing" if ref is None else str(ref),
                    )
                    continue
                items[str(iid)] = _ref_text(ref)
    labels: dict[str, float] = {}
    raw_labels = raw.get("labels")
    if raw_labels is not None:
        if not isinstance(raw_labels, dict):
            err(raw, "labels", "`labels` must map answer texts to scale values", "{label: 5}")
        else:
            for lab, val in raw_labels.items():
                lines[f"labels.{lab}"] = line_of(raw_labels, str(lab)) or 0
                if isinstance(val, bool) or not isinstance(val, (int, float)):
                    err(raw_labels, str(lab), f"label `{lab}` needs a number", "a number", val)
                    continue
                labels[normalise(str(lab)) or str(lab)] = float(val)
    missing: list[float | str] = []
    raw_missing = raw.get("missing")
    if raw_missing is not None:
        if not isinstance(raw_missing, list):
            raw_missing = [raw_missing]
        for v in raw_missing:
            if isinstance(v, (bool, dict, list)):
                err(raw, "missing", "missing codes must be numbers or texts", found=v)
            elif isinstance(v, (int, float)):
                missing.append(float(v))
            elif v is not None:
                missing.append(str(v))
    unit_names: dict[str, dict[str, str]] = {}
    for role in ("station", "district"):
        key = f"{role}_names"
        given = raw.get(key)
        unit_names[role] = {}
        if given is None:
            continue
        if not isinstance(given, dict):
            err(
                raw,
                key,
                f"`{key}` must map the answers of the {role} question to names",
                f"{{1: <{role} name>, 2: ...}}",
                str(given),
            )
            continue
        for answer, name in given.items():
            lines[f"{key}.{answer}"] = line_of(given, str(answer)) or 0
            if name is None or isinstance(name, (dict, list, bool)) or _ref_text(name) == "":
                err(
                    given,
                    str(answer),
                    f"answer `{answer}` of the {role} question needs a name",
                    f"the {role}'s name as in the stations sheet",
                    "nothing" if name is None else str(name),
                )
                continue
            unit_names[role][_ref_text(answer)] = _ref_text(name)
    header_row = raw.get("header_row")
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        err(raw, "header_row", "`header_row` must be a row number", "1, 2, ...", header_row)
        header_row = None
    if issues:
        raise DataError(issues, summary=f"{len(issues)} problem(s) in the map {file}")
    return ImportMap(
        file=file,
        respondent=texts.get("respondent", ""),
        district=texts.get("district", ""),
        station=texts.get("station", ""),
        items=items,
        labels=labels,
        missing=tuple(missing),
        respondent_prefix=texts.get("respondent_prefix", ""),
        header_row=header_row,
        sheet=texts.get("sheet"),
        lines=lines,
        station_names=unit_names["station"],
        district_names=unit_names["district"],
    )


def _answer_key(text: str) -> str:
    """An answer as looked up in station_names / district_names: folded like :func:`normalise`
    (width, case, spaces and punctuation do not matter)."""
    return normalise(text) or text


def proposed_map_path(output: Path | str) -> Path:
    """Where ``evalkit import`` and ``import-judgments`` write the map they used or propose: beside
    the output, named after it without its extension (``surveys/experts.xlsx`` ->
    ``surveys/experts.map.yaml``)."""
    output = Path(output)
    return output.with_name(f"{output.stem}.map.yaml")


class FlowList(list):  # type: ignore[type-arg]
    """A list that :func:`write_map` writes on one line, ``[a, b]`` (a judgment map's pairs)."""


class _MapDumper(yaml.SafeDumper):
    pass


_MapDumper.add_representer(
    FlowList,
    lambda dumper, value: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", list(value), flow_style=True
    ),
)


def write_map(proposed: dict[str, Any], path: Path | str) -> None:
    """Write a (proposed) map as MAP.yaml: UTF-8, readable Chinese, keys in the documented order."""
    path = Path(path)
    ordered = {k: proposed[k] for k in MAP_KEYS if k in proposed}
    ordered.update({k: v for k, v in proposed.items() if k not in ordered and k != "_comments"})
    head = "".join(f"# {c}\n" for c in proposed.get("_comments", []))
    body = yaml.dump(ordered, Dumper=_MapDumper, allow_unicode=True, sort_keys=False, width=1000)
    _atomic_write_text(path, head + body, encoding="utf-8")


def _atomic_write_text(path: Path, text: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- detection ----------------------------------------------------------------------------------

_TRUE, _FALSE = object(), object()  # stand-ins keeping booleans apart from the numbers 1 and 0


@dataclass(frozen=True)
class _Cells:
    """A block of cells as codes into its distinct values: per-value work (text folding, label
    lookup, marker detection) runs once per distinct value and is gathered back with numpy."""

    codes: np.ndarray  # int, the block's shape
    uniques: np.ndarray  # object, the distinct values (booleans as True/False)
    texts: np.ndarray  # object, _cell_text of each distinct value

    @classmethod
    def of(cls, block: np.ndarray) -> _Cells:
        flat = block.ravel(order="F")  # column by column: values numbered as a reader meets them
        is_bool = type_ids(flat) == id(bool)
        if is_bool.any():
            flat = flat.copy()
            flat[is_bool] = np.where(flat[is_bool].astype(bool), _TRUE, _FALSE)
        codes, uniques = pd.factorize(pd.Series(flat, dtype=object), use_na_sentinel=False)
        u = np.asarray(uniques, dtype=object)
        u[np.fromiter((v is _TRUE for v in u), bool, len(u))] = True
        u[np.fromiter((v is _FALSE for v in u), bool, len(u))] = False
        return cls(codes.reshape(block.shape, order="F"), u, _texts_of(u))

    def rows(self, keep: np.ndarray) -> _Cells:
        return _Cells(self.codes[keep], self.uniques, self.texts)

    def text(self) -> np.ndarray:
        """_cell_text of every cell (object array of the block's shape)."""
        return self.texts[self.codes]

    def filled(self) -> np.ndarray:
        """True where a cell is not empty."""
        return (self.texts != "")[self.codes]

    def kinds(self) -> np.ndarray:
        """Per distinct value: 0 empty or other, 1 a number (stored or typed), 2 text."""
        return np.array([_answer_kind(v) for v in self.uniques], dtype=int)


@dataclass
class _Layout:
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
    _cells: tuple[tuple[int, int], _Cells] | None = field(default=None, repr=False)

    def loc(self, row: int | None = None, column: str = "", line: int | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=column, line=line)

    def body(self) -> _Cells:
        """The distinct cells of the rows below the header (computed once per header row)."""
        key = (self.h, id(self.arr))
        if self._cells is None or self._cells[0] != key:
            self._cells = (key, _Cells.of(self.arr[self.h + 1 :]))
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


def _row_texts(arr: np.ndarray, i: int) -> list[str]:
    return [_cell_text(v) for v in arr[i]]


def _item_keys(tree: IndicatorTree) -> dict[str, str]:
    """Normalised item id / text -> item id (for header sniffing)."""
    keys: dict[str, str] = {}
    for _, item in tree.items():
        keys[normalise(item.id)] = item.id
        for t in item.text.values():
            if t.strip():
                keys[normalise(t)] = item.id
    return keys


def _find_header(lay: _Layout, tree: IndicatorTree, imap: ImportMap | None) -> None:
    arr = lay.arr
    n = min(len(arr), HEADER_SCAN_ROWS)
    if imap is not None and imap.header_row is not None:
        if imap.header_row > len(arr):
            raise DataError(
                [
                    Issue(
                        imap.loc("header_row"),
                        f"header_row {imap.header_row} is below the last row of sheet "
                        f'"{lay.sheet}"',
                        expected=f"a row number from 1 to {len(arr)}",
                        found=str(imap.header_row),
                        check="layout",
                    )
                ]
            )
        lay.h = imap.header_row - 1
        lay.decisions.append(f"header row {imap.header_row} taken from the map")
        texts = set(_row_texts(arr, lay.h)) if lay.h < len(arr) else set()
        if sum(t in texts for t in WJX_SIGNATURE) >= 3:
            lay.platform = "wjx"
        elif sum(t in texts for t in TENCENT_SIGNATURE) >= 3:
            lay.platform = "tencent"
        return
    for i in range(n):
        texts = set(_row_texts(arr, i))
        wjx = [t for t in WJX_SIGNATURE if t in texts]
        ten = [t for t in TENCENT_SIGNATURE if t in texts]
        if len(wjx) >= 3 and len(wjx) >= len(ten):
            lay.h, lay.platform = i, "wjx"
            lay.decisions.append(
                f"platform 问卷星: row {i + 1} holds its fixed columns {', '.join(wjx)}"
            )
            return
        if len(ten) >= 3:
            lay.h, lay.platform = i, "tencent"
            lay.decisions.append(
                f"platform 腾讯问卷: row {i + 1} holds its fixed columns {', '.join(ten)}"
            )
            return
    # the row naming most of the map's columns, else most tree items, else most Q-codes
    best: tuple[int, int, str] = (0, -1, "")
    if imap is not None:
        refs = {normalise(r) for r in [*imap.items.values(), imap.respondent, imap.station] if r}
        refs.discard("")
        for i in range(n):
            hits = sum(normalise(t) in refs for t in _row_texts(arr, i) if t)
            if hits > best[0]:
                best = (hits, i, "names the most columns of the map")
    if best[0] < 2:
        keys = _item_keys(tree)
        for i in range(n):
            hits = 0
            for t in _row_texts(arr, i):
                if not t:
                    continue
                parts = [t, _WJX_NUM.sub(r"\2", t), _TENCENT_NUM.sub(r"\2", t)]
                if any(normalise(p) in keys for p in parts):
                    hits += 1
            if hits > best[0]:
                best = (hits, i, "names the most items of the tree")
    if best[0] < 2:
        for i in range(n):
            hits = sum(bool(_QCODE_STRICT.match(t)) for t in _row_texts(arr, i))
            if hits >= 3 and hits > best[0]:
                best = (hits, i, "holds question codes such as Q1, Q2, ...")
    if best[0] >= 2 or (best[0] >= 1 and len(tree.items()) == 1):
        lay.h = best[1]
        lay.decisions.append(f"header row {best[1] + 1}: it {best[2]} ({best[0]} columns)")
        return
    if imap is not None and imap.items:
        for i in range(n):
            t = _row_texts(arr, i)
            if sum(bool(x) for x in t) >= max(2, len(t) // 2):
                lay.h = i
                lay.decisions.append(f"header row {i + 1}: the first row filled at least halfway")
                return
    raise DataError([_unknown_layout(lay)])


def _unknown_layout(lay: _Layout) -> Issue:
    seen = []
    for i in range(min(5, len(lay.arr))):
        cells = [_raw_text(v) for v in lay.arr[i]]
        while cells and not cells[-1]:
            cells.pop()
        shown = " | ".join(c[:30] for c in cells[:12]) + (" | ..." if len(cells) > 12 else "")
        seen.append(f"row {i + 1}: {shown or '(empty)'}")
    looked = (
        "问卷星 header (序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP); "
        "腾讯问卷 header (编号, 开始答题时间, 结束答题时间, 答题时长); "
        "a hand-entered sheet with question codes (Q1, Q2, ... or 题1, 第1题) in one of the first "
        f"{HEADER_SCAN_ROWS} rows; a generic table whose headers are the tree's item ids or texts"
    )
    return Issue(
        Location(file=lay.file, sheet=lay.sheet),
        "the file matches no known survey export layout",
        expected=looked,
        found="; ".join(seen) if seen else "an empty sheet",
        fix="Write a MAP.yaml naming the columns (items:, respondent:, station:) and pass --map.",
        check="layout",
    )


def _parse_columns(lay: _Layout) -> None:
    raw = [_raw_text(v) for v in lay.arr[lay.h]]
    # display names: stripped header text, duplicates get "#2", "#3" (like read_grid)
    seen: dict[str, int] = {}
    cols: list[str] = []
    for j, t in enumerate(raw):
        key = t or f"(column {column_letter(j)})"
        seen[key] = seen.get(key, 0) + 1
        cols.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    dups = sorted(k for k, c in seen.items() if c > 1)
    if dups:
        lay.decisions.append(
            f"{len(dups)} header text(s) occur more than once and are told apart by #2, #3: "
            + ", ".join(dups[:8])
            + (" ..." if len(dups) > 8 else "")
        )
    lay.raw_headers, lay.columns = raw, cols
    w = len(raw)
    lay.kinds, lay.numbers, lay.texts, lay.groups = (
        ["question"] * w,
        [None] * w,
        [""] * w,
        [None] * w,
    )
    meta = set(
        WJX_META if lay.platform == "wjx" else TENCENT_META if lay.platform == "tencent" else ()
    )
    data_blank = (~lay.body().filled().any(axis=0)).tolist()
    blank_cols: list[int] = []
    for j, t in enumerate(raw):
        nt = unicodedata.normalize("NFKC", t).strip()
        if not t:
            lay.kinds[j] = "blank"
            blank_cols.append(j)
        elif nt in meta:
            lay.kinds[j] = "meta"
        lay.texts[j] = _TYPE_TAG.sub("", t).strip()
    if blank_cols:
        filled = [j for j in blank_cols if not data_blank[j]]
        letters = ", ".join(column_letter(j) for j in blank_cols[:6])
        lay.decisions.append(
            f"{len(blank_cols)} column(s) without a header ignored ({letters})"
            + (" - e.g. the trailing comma of an old 腾讯问卷 CSV" if not filled else "")
        )
    if lay.platform == "wjx":
        _parse_wjx(lay)
    elif lay.platform == "tencent":
        _parse_tencent(lay)
    # a sparse row right above the header names dimensions (merged cells): forward-fill it
    lay.dims = [""] * w
    if lay.h > 0:
        above = [_raw_text(v) for v in lay.arr[lay.h - 1]]
        if any(above):
            cur = ""
            for j in range(w):
                cur = above[j] or cur
                lay.dims[j] = cur


@dataclass(frozen=True)
class HeaderReading:
    """One way to read a question column's header: ``number`` (None when it has none), the
    question text ``stem`` (its 问卷星 type tag removed) and the matrix ``row`` text, if any."""

    number: str | None
    stem: str
    row: str | None


def read_question_header(text: str) -> list[HeaderReading]:
    """The readings of a question column header, the platform's own first.

    The first reading is how 问卷星 writes a question: ``N、题干`` (also ``N.`` / ``N 题干``), and for
    the first row of a matrix ``N、题干—行文本`` with one em dash (U+2014) before the row text; a
    header without a number reads as a bare row text (a further row of the matrix before it).
    Further readings, last mark first, cut the text after the number at each dash, hyphen, colon
    or underscore (half or full width: ``—`` ``——`` ``–`` ``-`` ``－`` ``:`` ``：`` ``_`` ``＿``), as
    re-saved or hand-made headers and 腾讯问卷's ``N.题干:行文本`` have them. Survey detection
    uses only the first reading; the judgment importer tries the others when the first names no
    pair of the tree's items.
    """
    t = text.strip()
    m = _WJX_NUM.match(t) or _WJX_NUM_SPACE.match(t)
    number, rest = (m.group(1), m.group(2)) if m else (None, t)
    dashes = list(_EM_DASH.finditer(rest)) if number is not None else []
    if dashes:
        cut = dashes[-1]
        first = HeaderReading(
            number, _TYPE_TAG.sub("", rest[: cut.start()]).strip(), rest[cut.end() :].strip()
        )
    else:
        first = HeaderReading(number, _TYPE_TAG.sub("", rest).strip(), None)
    out = [first]
    for mark in reversed(list(_ROW_MARKS.finditer(rest))):
        stem, row = rest[: mark.start()].strip(), rest[mark.end() :].strip()
        reading = HeaderReading(number, _TYPE_TAG.sub("", stem).strip(), row)
        if stem and row and reading not in out:
            out.append(reading)
    return out


def _parse_wjx(lay: _Layout) -> None:
    group: str | None = None
    rows_in_group = 0
    matrices = 0
    for j, t in enumerate(lay.raw_headers):
        if lay.kinds[j] in ("meta", "blank"):
            group = None
            continue
        nt = t.strip()
        m_opt = _WJX_OPTION.match(nt)
        head = read_question_header(nt)[0]
        if m_opt and not (head.number is not None and head.row is not None):
            lay.kinds[j] = "option"
            lay.numbers[j] = m_opt.group(1) or m_opt.group(2)
            lay.texts[j] = m_opt.group(3)
            group = None
            continue
        if head.number is not None:
            num = head.number
            if head.row is not None:
                group, rows_in_group = num, 1
                matrices += 1
                lay.numbers[j], lay.groups[j] = f"{num}.1", num
                lay.texts[j] = head.row
            else:
                group = None
                lay.numbers[j] = num
                lay.texts[j] = head.stem
            continue
        if group is not None:
            rows_in_group += 1
            lay.numbers[j], lay.groups[j] = f"{group}.{rows_in_group}", group
    if matrices:
        lay.decisions.append(
            f"{matrices} 问卷星 matrix question(s): the columns after each `N、题干—行文本` column that "
            "carry no number are read as its further rows"
        )


def _parse_tencent(lay: _Layout) -> None:
    by_num: dict[str, list[int]] = {}
    for j, t in enumerate(lay.raw_headers):
        if lay.kinds[j] in ("meta", "blank"):
            continue
        m = _TENCENT_NUM.match(t.strip())
        if m:
            by_num.setdefault(m.group(1), []).append(j)
            lay.numbers[j] = m.group(1)
            lay.texts[j] = m.group(2).strip()
    matrices = 0
    for num, js in by_num.items():
        rests = [lay.texts[j] for j in js]
        if len(js) > 1:
            prefix = _common_prefix(rests)
            cut = prefix.rfind(":")
            if cut < 0:
                continue  # e.g. text boxes of one question
            matrices += 1
            for k, j in enumerate(js, start=1):
                lay.numbers[j], lay.groups[j] = f"{num}.{k}", num
                lay.texts[j] = rests[k - 1][cut + 1 :].strip()
        elif ":" in rests[0]:
            lay.groups[js[0]] = num
            lay.numbers[js[0]] = f"{num}.1"
            lay.texts[js[0]] = rests[0].split(":", 1)[1].strip()
    if matrices:
        lay.decisions.append(
            f"{matrices} 腾讯问卷 matrix question(s) (`N.题干:行文本`): rows numbered N.1, N.2, ..."
        )
    qs = [j for j in range(len(lay.raw_headers)) if lay.numbers[j] is not None]
    before = [
        j
        for j, t in enumerate(lay.raw_headers)
        if unicodedata.normalize("NFKC", t) in TENCENT_BEFORE
    ]
    if qs and before and min(before) < min(qs):
        lay.variant = "old"
        lay.decisions.append(
            "腾讯问卷 old column order (地理位置/自定义字段 before the questions, ≈2021)"
        )
    else:
        lay.variant = "new"
        lay.decisions.append("腾讯问卷 new column order (questions right after 答题时长, ≥2023)")


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    k = 0
    while k < min(len(first), len(last)) and first[k] == last[k]:
        k += 1
    return first[:k]


def _questions(lay: _Layout) -> list[dict[str, Any]]:
    out = []
    for j, c in enumerate(lay.columns):
        if lay.kinds[j] in ("meta", "blank"):
            continue
        q: dict[str, Any] = {
            "column": c,
            "letter": column_letter(j),
            "number": lay.numbers[j],
            "text": lay.texts[j],
            "matrix_group": lay.groups[j],
        }
        if lay.kinds[j] == "option":
            q["kind"] = "option"
        if lay.dims and lay.dims[j]:
            q["dimension"] = lay.dims[j]
        out.append(q)
    return out


# ---- mapping ------------------------------------------------------------------------------------


def _resolve_ref(lay: _Layout, ref: str, usable: list[int]) -> tuple[list[int], str]:
    """Columns a MAP reference names, and how it was read."""
    raw = [j for j in usable if lay.raw_headers[j] == ref]
    if raw:  # all columns with this header text: more than one is ambiguous
        return raw, "header"
    exact = [j for j in usable if lay.columns[j] == ref]
    if exact:  # "速度#2" names the second of duplicate headers
        return exact, "header"
    if _QNUMBER.match(ref):
        hits = [j for j in usable if lay.numbers[j] == ref]
        if hits:
            return hits, "question number"
    if _COLUMN_LETTER.match(ref):
        for j in range(len(lay.columns)):
            if column_letter(j) == ref:
                return [j], "column letter"
    key = normalise(ref)
    if key:
        hits = [j for j in usable if normalise(lay.texts[j]) == key]
        if hits:
            return hits, "question or row text"
        hits = [j for j in usable if normalise(lay.raw_headers[j]) == key]
        if hits:
            return hits, "header (normalised)"
    return [], ""


def _auto_match(lay: _Layout, tree: IndicatorTree, usable: list[int]) -> dict[str, list[int]]:
    """Item id -> candidate columns: exact texts first, then normalised texts."""
    cand_exact: dict[str, set[int]] = {}
    cand_norm: dict[str, set[int]] = {}
    for j in usable:
        for t in {lay.columns[j], lay.raw_headers[j], lay.texts[j]}:
            t = t.strip()
            if not t:
                continue
            cand_exact.setdefault(t, set()).add(j)
            for key in {normalise(t), normalise(_LEADING_NUM.sub("", normalise(t)))}:
                if key:
                    cand_norm.setdefault(key, set()).add(j)
    out: dict[str, list[int]] = {}
    for _, item in tree.items():
        keys = [item.id, *[t for t in item.text.values() if t.strip()]]
        hits: set[int] = set()
        for k in keys:
            hits |= cand_exact.get(k.strip(), set())
        if not hits:
            for k in keys:
                hits |= cand_norm.get(normalise(k), set())
        out[item.id] = sorted(hits)
    return out


def _is_data_column(lay: _Layout, j: int) -> bool:
    return lay.kinds[j] in ("question", "option")


def _pick_named(lay: _Layout, names: Sequence[str], usable: Iterable[int]) -> int | None:
    for name in names:
        for j in usable:
            h = unicodedata.normalize("NFKC", lay.raw_headers[j]).strip()
            if h == name or lay.texts[j] == name:
                return j
    return None


# ---- values -------------------------------------------------------------------------------------


@dataclass
class _Converter:
    values: frozenset[float]
    labels: dict[str, float]
    num_codes: frozenset[float]
    text_codes: frozenset[str]
    label_hits: dict[str, float] = field(default_factory=dict)
    letters: int = 0
    texted_numbers: int = 0

    def convert(self, v: object) -> tuple[float, str, str]:
        """(value, reason, marker): reason "" answered, "skipped" / "empty" / "code" missing,
        "bad" off the scale; marker: the missing marker as found ("" if none)."""
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return math.nan, "empty", "(empty cell)"
        if isinstance(v, bool):
            return math.nan, "bad", ""
        if isinstance(v, (int, float)):
            return self._number(float(v), _raw_text(v))
        if not isinstance(v, str):
            return math.nan, "bad", ""
        raw = v.strip()
        if not raw:
            return math.nan, "empty", "(empty cell)"
        t = unicodedata.normalize("NFKC", raw).strip()
        if t in SKIP_MARKERS:
            return math.nan, "skipped", raw
        if t in EMPTY_MARKERS:
            return math.nan, "empty", raw
        if t in self.text_codes:
            return math.nan, "code", raw
        try:
            x = float(t)
        except ValueError:
            x = math.nan
        if not math.isnan(x):
            self.texted_numbers += 1
            return self._number(x, raw)
        m = _LETTER_PREFIX.match(t)
        if m:
            self.letters += 1
            t = m.group(1).strip()
        m = _POINTS.match(t)
        if m:
            return self._number(float(m.group(1)), raw)
        hit = self.labels.get(normalise(t) or t)
        if hit is None:
            return math.nan, "bad", ""
        self.label_hits[t] = hit
        return hit, "", ""

    def _number(self, x: float, raw: str) -> tuple[float, str, str]:
        if x in self.values:
            return x, "", ""
        shown = _scale_number(str(x)) if math.isfinite(x) else raw
        if x in self.num_codes:
            return math.nan, "code", shown
        if x in SKIP_CODES:
            return math.nan, "skipped", shown
        return math.nan, "bad", ""


def _label_table(tree: IndicatorTree, scale_id: str, extra: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for labels in tree.scales[scale_id].labels.values():
        for lab, val in zip(labels, tree.scales[scale_id].values, strict=True):
            out[normalise(lab) or lab] = val
    out.update(extra)
    return out


# ---- the main work ------------------------------------------------------------------------------


def _analyse(
    path: Path,
    tree: IndicatorTree,
    sheet: str | None,
    imap: ImportMap | None,
    missing_codes: Sequence[float | str] = (),
) -> tuple[_Layout, dict[str, int], dict[str, Any], dict[str, int | None]]:
    """Read and detect; returns layout, item -> column, proposed map, role -> column."""
    path = Path(path)
    if path.suffix.lower() not in READABLE:
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "unsupported file type",
                    expected="xlsx, xlsm, ods, xls or csv",
                    found=path.suffix or "no extension",
                    check="layout",
                )
            ]
        )
    if sheet is None and imap is not None and imap.sheet:
        sheet = imap.sheet
    name, rows, enc = _read_any(path, sheet)
    lay = _Layout(str(path), name, enc, rows_to_array(rows))
    if path.suffix.lower() in (".csv", ".txt"):
        lay.decisions.append(
            f"CSV decoded as {enc}"
            + (" (BOM found)" if enc == "utf-8-sig" else "")
            + (" after UTF-8 failed" if enc == "gb18030" else "")
        )
    elif sheet is None and path.suffix.lower() != ".csv":
        try:
            names = sheet_names(path) if path.suffix.lower() != ".xls" else [name]
        except DataError:
            names = [name]
        if len(names) > 1:
            lay.decisions.append(
                f'sheet "{name}" read (the first of {len(names)}; pass --sheet for another)'
            )
    if lay.arr.size == 0:
        raise DataError([_unknown_layout(lay)])
    _find_header(lay, tree, imap)
    _parse_columns(lay)
    if lay.h > 0 and lay.platform in ("wjx", "tencent"):
        lay.decisions.append(f"{lay.h} row(s) above the header row {lay.h + 1} ignored")
    usable = [j for j in range(len(lay.columns)) if _is_data_column(lay, j)]
    all_cols = [j for j in range(len(lay.columns)) if lay.kinds[j] != "blank"]
    # platform / variant of non-platform sheets
    if lay.platform == "generic":
        qcodes = sum(bool(_QCODE_STRICT.match(lay.raw_headers[j])) for j in usable)
        above = lay.h > 0 and any(_cell_text(v) for v in lay.arr[: lay.h].ravel())
        if qcodes >= 3 or above:
            lay.platform = "hand"
            lay.variant = "codes" if qcodes >= 3 else "texts"
            why = []
            if above:
                why.append(f"{lay.h} title/dimension row(s) above the header")
            if qcodes >= 3:
                why.append(f"{qcodes} question-code columns (Q1, Q2, ...)")
            lay.decisions.append("hand-entered sheet: " + " and ".join(why))
        else:
            lay.variant = "wide"
            lay.decisions.append(
                "generic wide table: one column per question, header in row 1"
                if lay.h == 0
                else "generic wide table"
            )
    # roles
    roles: dict[str, int | None] = {"respondent": None, "district": None, "station": None}
    issues = lay.issues
    for role, names in (
        ("respondent", RESPONDENT_NAMES),
        ("district", DISTRICT_NAMES),
        ("station", STATION_NAMES),
    ):
        ref = getattr(imap, role) if imap is not None else ""
        if ref:
            hits, _how = _resolve_ref(lay, ref, all_cols)
            if len(hits) == 1:
                roles[role] = hits[0]
            else:
                issues.append(
                    Issue(
                        imap.loc(role) if imap else lay.loc(),
                        f"`{role}: {ref}` names "
                        + ("no column" if not hits else f"{len(hits)} columns"),
                        expected="the header text of one column",
                        found=", ".join(lay.where(j) for j in hits)
                        or f"headers {lay.columns[:10]}",
                        check="map",
                    )
                )
            continue
        order = names
        if role == "respondent" and lay.platform == "wjx":
            order = ("序号", *names)
        j = _pick_named(lay, order, all_cols)
        if j is None and role != "respondent":
            # 问卷星 / 腾讯 question such as "1、您所在的派出所"
            for k in usable:
                key = "派出所" if role == "station" else "分局"
                if key in lay.texts[k] and len(lay.texts[k]) <= 12:
                    j = k
                    break
        if j is not None:
            roles[role] = j
            lay.decisions.append(f"{role} taken from column {lay.where(j)}")
    # items
    mapped: dict[str, int] = {}
    role_cols = {j for j in roles.values() if j is not None}
    item_cols = [j for j in usable if j not in role_cols]
    item_ids = [item.id for _, item in tree.items()]
    known = set(item_ids)
    how_by_item: dict[str, str] = {}
    if imap is not None and imap.items:
        for iid, ref in imap.items.items():
            if iid not in known:
                issues.append(
                    Issue(
                        imap.loc(f"items.{iid}"),
                        f"`{iid}` is not an item of the tree",
                        expected=f"one of {item_ids[:6]} ...",
                        found=iid,
                        check="map",
                    )
                )
                continue
            hits, how = _resolve_ref(lay, ref, [*item_cols, *sorted(role_cols)])
            if len(hits) == 1:
                mapped[iid] = hits[0]
                how_by_item[iid] = how
            else:
                issues.append(
                    Issue(
                        imap.loc(f"items.{iid}"),
                        f"item {iid}: `{ref}` names "
                        + ("no column" if not hits else f"{len(hits)} columns"),
                        expected="a header text, matrix row text, question number (5.3) or "
                        "column letter naming one column",
                        found=", ".join(lay.where(j) for j in hits)
                        or f"headers {lay.columns[:8]}{' ...' if len(lay.columns) > 8 else ''}",
                        fix="Use the question number or the column letter to tell them apart."
                        if hits
                        else "",
                        check="map",
                    )
                )
    else:
        cands = _auto_match(lay, tree, item_cols)
        for iid, js in cands.items():
            if len(js) == 1:
                mapped[iid] = js[0]
            elif len(js) > 1:
                issues.append(
                    Issue(
                        lay.loc(lay.h + 1),
                        f"item {iid} matches {len(js)} columns",
                        expected="one column per item",
                        found=", ".join(lay.where(j) for j in js),
                        fix="Name the column in a MAP.yaml (`items:`), e.g. by question number.",
                        check="mapping",
                    )
                )
        if mapped:
            lay.decisions.append(
                f"{len(mapped)} of {len(item_ids)} items matched to columns by their text "
                "(exact, then ignoring width, spaces and punctuation)"
            )
    # a column matched twice
    by_col: dict[int, list[str]] = {}
    for iid, j in mapped.items():
        by_col.setdefault(j, []).append(iid)
    for j, iids in by_col.items():
        if len(iids) > 1:
            where = lay.loc(lay.h + 1, lay.columns[j])
            if imap is not None and imap.items:
                where = Location(
                    file=imap.file,
                    line=imap.lines.get(f"items.{iids[1]}"),
                    column=lay.columns[j],
                )
            issues.append(
                Issue(
                    where,
                    f"column {lay.where(j)} is matched to {len(iids)} items: {', '.join(iids)}",
                    expected="each column for one item",
                    found=", ".join(iids),
                    fix="Give each item its own column in the map.",
                    check="mapping",
                )
            )
    for j in {j for j, iids in by_col.items() if len(iids) > 1}:
        for iid in by_col[j]:
            mapped.pop(iid, None)
    _wjx_variant(lay, path, mapped)
    # proposed map
    proposed: dict[str, Any] = {}
    comments = [
        f"evalkit import map proposed for {path.name} ({_platform_name(lay)}); check every line,",
        "then pass it with --map. items: tree item id -> column header text, matrix row text,",
        "question number (quote it: '5.3') or column letter.",
    ]
    for role in ("respondent", "district", "station"):
        j = roles[role]
        if j is not None:
            proposed[role] = lay.columns[j]
    dup_raw = {t for t in lay.raw_headers if t and lay.raw_headers.count(t) > 1}
    items_out: dict[str, str] = {}
    positional = False
    unmatched = [i for i in item_ids if i not in mapped]
    codes = [j for j in item_cols if _QCODE_STRICT.match(lay.raw_headers[j])]
    if not mapped and (imap is None or not imap.items) and len(codes) == len(item_ids):
        positional = True
        comments.append(
            "ITEMS PROPOSED BY POSITION (Q-code columns in order): not used until you confirm."
        )
    for iid in item_ids:
        j = mapped.get(iid)
        if j is None and positional:
            j = codes[item_ids.index(iid)]
        if j is None:
            items_out[iid] = ""
            continue
        if lay.raw_headers[j] in dup_raw:
            items_out[iid] = lay.numbers[j] or column_letter(j)
        else:
            items_out[iid] = lay.columns[j]
    proposed["items"] = items_out
    if imap is not None and imap.labels:
        proposed["labels"] = dict(imap.labels)
    codes_used = [*(imap.missing if imap else ()), *missing_codes]
    if codes_used:
        proposed["missing"] = [
            int(c) if isinstance(c, float) and c.is_integer() else c for c in codes_used
        ]
    if imap is not None and imap.respondent_prefix:
        proposed["respondent_prefix"] = imap.respondent_prefix
    proposed["_comments"] = comments
    if positional:
        lay.decisions.append(
            f"no item text found in the headers; the proposed map assigns the {len(codes)} "
            "Q-code columns to the tree's items in order - confirm it before use"
        )
    if imap is not None and imap.items:
        lay.decisions.append(f"{len(mapped)} items mapped as the map {imap.file} says")
    for iid in unmatched:
        if iid in {i for js in by_col.values() if len(js) > 1 for i in js}:
            continue
        text = next(it.text.get("zh", "") for _, it in tree.items() if it.id == iid)
        issues.append(
            Issue(
                imap.loc(f"items.{iid}")
                if imap is not None and iid in imap.items
                else lay.loc(lay.h + 1),
                f"item {iid} of the tree has no column",
                expected=f"a column for “{text[:40]}”",
                found="no matching header",
                fix="Add it to `items:` in the map (header text, question number or column "
                "letter), or use the tree the survey used.",
                check="mapping",
            )
        )
    return lay, mapped, proposed, roles


def _platform_name(lay: _Layout) -> str:
    return {
        "wjx": "问卷星",
        "tencent": "腾讯问卷",
        "hand": "hand-entered sheet",
        "generic": "generic table",
    }[lay.platform] + (f" {lay.variant}" if lay.variant else "")


def _answer_kind(v: object) -> int:
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


def _wjx_variant(lay: _Layout, path: Path, mapped: dict[str, int]) -> None:
    if lay.platform != "wjx":
        return
    if "_按序号_" in path.name or "按序号" in path.stem:
        lay.variant = "按序号"
        lay.decisions.append("问卷星 按序号 (option numbers): the file name says so")
        return
    if "_按文本_" in path.name or "按文本" in path.stem:
        lay.variant = "按文本"
        lay.decisions.append("问卷星 按文本 (option labels): the file name says so")
        return
    cols = list(mapped.values()) or [
        j for j in range(len(lay.columns)) if lay.kinds[j] == "question"
    ]
    cells = lay.body()
    counts = np.bincount(cells.codes[:, cols].ravel(), minlength=len(cells.uniques))
    kind = cells.kinds()
    numeric, text = int(counts[kind == 1].sum()), int(counts[kind == 2].sum())
    lay.variant = "按文本" if text > numeric else "按序号"
    lay.decisions.append(
        f"问卷星 {lay.variant}: {numeric} numeric and {text} text answers in the question columns"
    )


def _markers(
    cells: _Cells, cols: list[int], conv: _Converter
) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Convert the item columns of the data rows, each distinct value once; returns markers
    found (with how many cells hold each), values and reasons."""
    sub = cells.codes[:, cols]
    present = np.unique(sub)
    value = np.full(len(cells.uniques), np.nan)
    reason = np.full(len(cells.uniques), "", dtype=object)
    marker = np.full(len(cells.uniques), "", dtype=object)
    for k in present:
        value[k], reason[k], marker[k] = conv.convert(cells.uniques[k])
    counts = np.bincount(sub.ravel(), minlength=len(cells.uniques))
    markers: dict[str, int] = {}
    for k in present[marker[present] != ""]:
        markers[marker[k]] = markers.get(marker[k], 0) + int(counts[k])
    return markers, value[sub], reason[sub]


def inspect_export(
    path: Path | str,
    tree: IndicatorTree,
    *,
    sheet: str | None = None,
    map_path: Path | str | None = None,
) -> Detection:
    """Detect the layout of an export and propose the item mapping; never raises for mapping
    problems (they are in ``issues``), only for unreadable files and unknown layouts."""
    if sheet == ALL_SHEETS:
        return _run_sheets(Path(path), tree, map_path=map_path, strict=False).detection
    imp = _run(Path(path), tree, map_path=map_path, sheet=sheet, strict=False)
    twin = text_twin(Path(path))
    if twin is None:
        return imp.detection
    imp.detection.decisions.append(
        f"the 按文本 download {twin.name} lies beside it: `evalkit import` checks what each "
        "option number means against its labels"
    )
    numbered = [
        i for i in imp.detection.issues if i.check in ("station_numbers", "district_numbers")
    ]
    for issue in numbered:
        imp.detection.decisions.append(
            f"{issue.check.split('_')[0]}: option numbers ({issue.found.removeprefix('option number(s) ')}) "
            f"named at import by {twin.name}"
        )
    kept = [i for i in imp.detection.issues if i not in numbered]
    return dataclasses.replace(imp.detection, issues=kept)


def propose_map(
    path: Path | str,
    tree: IndicatorTree,
    *,
    sheet: str | None = None,
    missing_codes: Sequence[float | str] = (),
) -> dict[str, Any]:
    """The map evalkit would propose for an export (even when the import itself would fail)."""
    if sheet == ALL_SHEETS:
        return _run_sheets(
            Path(path), tree, map_path=None, missing_codes=missing_codes, strict=False
        ).proposed_map
    imp = _run(
        Path(path), tree, map_path=None, sheet=sheet, missing_codes=missing_codes, strict=False
    )
    return imp.proposed_map


def import_responses(
    path: Path | str,
    tree: IndicatorTree,
    *,
    map_path: Path | str | None = None,
    sheet: str | None = None,
    missing_codes: Sequence[float | str] = (),
    district: str | None = None,
    station: str | None = None,
    labels_from: Path | str | bool | None = None,
) -> Imported:
    """Convert one export into evalkit's responses table; raise DataError listing every problem.

    ``sheet="*"`` (or ``sheet: "*"`` in the map) reads every sheet of a workbook holding one sheet
    per station (see :func:`_run_sheets`). A 问卷星 按序号 download is checked against its 按文本
    twin (``labels_from``, or the file of the same name with 按文本 for 按序号 beside it;
    ``labels_from=False`` turns the check off): option numbers are only positions in the
    questionnaire, the labels say what they mean (see :func:`_check_with_labels`)."""
    path = Path(path)
    imap = load_map(map_path) if map_path is not None else None
    if sheet is None and imap is not None and imap.sheet == ALL_SHEETS:
        sheet = ALL_SHEETS
    if sheet == ALL_SHEETS:
        if labels_from not in (None, False):
            raise DataError(
                [
                    Issue(
                        Location(file=str(path)),
                        "a 按文本 twin cannot be checked against a workbook read sheet by sheet",
                        expected="either --sheet '*' (one sheet per station) or --labels-from",
                        found="both",
                        check="labels",
                    )
                ]
            )
        return _run_sheets(
            path,
            tree,
            map_path=map_path,
            missing_codes=missing_codes,
            district=district,
            station=station,
            strict=True,
        )
    twin = text_twin(path) if labels_from is None else labels_from or None
    kw: dict[str, Any] = {
        "sheet": sheet,
        "missing_codes": missing_codes,
        "district": district,
        "station": station,
    }
    if twin is None:
        return _run(path, tree, map_path=map_path, strict=True, **kw)
    code = _run(path, tree, map_path=map_path, strict=False, **kw)
    text_map = map_path
    if imap is not None and any(_COLUMN_LETTER.match(str(v)) for v in imap.items.values()):
        text_map = None  # column letters shift in 按文本 (a multiple choice is one column there)
    text = _run(Path(twin), tree, map_path=text_map, strict=False, **kw)
    return _check_with_labels(
        code, text, path, Path(twin), explicit=labels_from is not None, text_map=text_map
    )


ALL_SHEETS = "*"
_DEFAULT_SHEET = re.compile(r"^(sheet|工作表|表)\s*\d*$", re.IGNORECASE)


def _numeric_rows(path: Path, sheet: str) -> int:
    """Rows below the first with three or more numbers (answers typed as codes look like that)."""
    _, rows, _ = read_rows(path, sheet, allow_xls=True)
    if len(rows) < 2:
        return 0
    cells = _Cells.of(rows_to_array(rows)[1:])
    return int(((cells.kinds()[cells.codes] == 1).sum(axis=1) >= 3).sum())


_COLUMN_LETTER = re.compile(r"^[A-Z]{1,3}$")


def text_twin(path: Path) -> Path | None:
    """The 按文本 download beside a 问卷星 按序号 download: the same file name with 按文本 for 按序号
    (the name carries the survey id, title and answer counts, so an older download of the same
    survey is not taken for it)."""
    if "_按序号_" not in path.name:
        return None
    twin = path.with_name(path.name.replace("_按序号_", "_按文本_", 1))
    return twin if twin.exists() else None


def _check_with_labels(
    code: Imported,
    text: Imported,
    path: Path,
    text_path: Path,
    *,
    explicit: bool,
    text_map: Path | str | None,
) -> Imported:
    """A 按序号 import checked against the 按文本 download of the same answers.

    Rows are joined on the respondent (问卷星's 序号). Per item, option numbers and labels must
    correspond one to one; when the labels say the numbers run differently from the scale (options
    listed 非常同意 … 非常不同意, so 1 means 非常同意), the labels' values are used and the decision
    is recorded. Numbers and labels that do not correspond one to one, an answer present in one
    file only, or files that are not a 按序号 / 按文本 pair are errors: the two downloads do not
    belong together.
    """
    issues = list(code.detection.issues)
    decisions = list(code.detection.decisions)
    where = Location(file=str(text_path))

    def flag(message: str, found: str, fix: str, column: str = "", expected: str = "") -> None:
        loc = Location(file=str(text_path), column=column)
        issues.append(Issue(loc, message, expected, found, fix, check="labels"))

    def refuse(message: str, found: str, fix: str) -> Imported:
        flag(message, found, fix)
        return _with(code, issues, decisions, path)

    kinds = (code.detection.platform, code.detection.variant, text.detection.platform)
    pair = kinds == ("wjx", "按序号", "wjx") and text.detection.variant == "按文本"
    if not pair:
        found = (
            f"{platform_label(code.detection)} and {platform_label(text.detection)} "
            f"({text_path.name})"
        )
        if explicit:
            return refuse(
                "--labels-from needs a 问卷星 按序号 download and its 按文本 twin",
                found,
                "Import the 按序号 file and pass the 按文本 file as --labels-from.",
            )
        decisions.append(f"no label check: {found} are not a 按序号 / 按文本 pair")
        return _with(code, issues, decisions, path)
    decisions.append(f"checked against the 按文本 download {text_path.name}")
    if text_map is None and code.detection.mapping and text.detection.mapping:
        decisions.append("the 按文本 download's columns matched by their texts, not the map")
    text_errors = [i for i in text.detection.issues if i.severity == "error"]
    if text_errors:
        issues.append(
            Issue(
                where,
                f"{len(text_errors)} problem(s) in the 按文本 download (first: "
                f"{text_errors[0].message}); those answers were not checked",
                severity="warning",
                check="labels",
            )
        )
    c, t = code.responses, text.responses
    ids_c, ids_t = c["respondent"].astype(str), t["respondent"].astype(str)
    for ids, which in ((ids_c, "按序号"), (ids_t, "按文本")):
        twice = sorted(set(ids[ids.duplicated()]))
        if twice:
            return refuse(
                f"序号 repeated in the {which} download",
                ", ".join(twice[:5]),
                "Each answer sheet has one 序号: download the file again.",
            )
    if set(ids_c) != set(ids_t):
        only_c = sorted(set(ids_c) - set(ids_t))[:5]
        only_t = sorted(set(ids_t) - set(ids_c))[:5]
        return refuse(
            "the 按序号 and 按文本 downloads hold different answer sheets",
            f"only in 按序号: {only_c}; only in 按文本: {only_t}",
            "Download both files of the same survey at the same time.",
        )
    t = t.set_index(ids_t.to_numpy()).loc[ids_c.to_numpy()]
    t_why = text.reasons.set_index(ids_t.to_numpy()).loc[ids_c.to_numpy()]
    values = c.copy()
    proposed = dict(code.proposed_map)
    for role in ("district", "station"):
        issues = _units_from_labels(role, values, t, issues, decisions, proposed, text_path)
    code = dataclasses.replace(code, proposed_map=proposed)
    n_before = len(issues)
    for iid in [i for i in code.detection.mapping if i in text.detection.mapping]:
        num = c[iid].to_numpy(float)
        lab = t[iid].to_numpy(float)
        col = text.detection.mapping[iid]
        # a cell off the scale has no value and no reason: its import reports it, not this check
        off = (np.isnan(num) & (code.reasons[iid].to_numpy() == "")) | (
            np.isnan(lab) & (t_why[iid].to_numpy() == "")
        )
        one_only = (np.isnan(num) != np.isnan(lab)) & ~off
        if one_only.any():
            k = int(np.argmax(one_only))
            flag(
                f"item {iid}: {int(one_only.sum())} answer(s) in one download only",
                f"序号 {ids_c.iloc[k]}: 按序号 {_shown(num[k])}, 按文本 {_shown(lab[k])}",
                "Download both files of the same survey at the same time.",
                col,
                "the same answers in both files",
            )
            continue
        both = ~np.isnan(num) & ~np.isnan(lab)
        pairs = pd.DataFrame({"num": num[both], "lab": lab[both]}).drop_duplicates()
        clash = pairs[pairs["num"].duplicated(keep=False) | pairs["lab"].duplicated(keep=False)]
        if not clash.empty:
            flag(
                f"item {iid}: option numbers and labels do not correspond one to one",
                f"option → scale value of the label: {_arrows(clash)}",
                "The two downloads are not of the same survey; download both again.",
                col,
                "one label per option number, one option number per label",
            )
            continue
        if (pairs["num"] != pairs["lab"]).any():
            unmatched = ~np.isnan(num) & ~np.isin(num, pairs["num"].to_numpy())
            if unmatched.any():
                k = int(np.argmax(unmatched))
                flag(
                    f"item {iid}: option {_shown(num[k])} has no readable label to say what "
                    "it means, and the options do not follow the scale",
                    f"序号 {ids_c.iloc[k]}",
                    "Correct the label in the 按文本 download (or add it to the map's labels:), "
                    "then import again.",
                    col,
                )
                continue
            values[iid] = pd.Series(num).map(dict(pairs.itertuples(index=False))).to_numpy()
            decisions.append(
                f"item {iid}: the option numbers do not follow the scale ({_arrows(pairs)} by "
                "the labels); the labels' values are used"
            )
    if len(issues) > n_before:
        return _with(code, issues, decisions, path)
    return _with(dataclasses.replace(code, responses=values), issues, decisions, path)


def _units_from_labels(
    role: str,
    values: pd.DataFrame,
    text: pd.DataFrame,
    issues: list[Issue],
    decisions: list[str],
    proposed: dict[str, Any],
    text_path: Path,
) -> list[Issue]:
    """The station (or district) option numbers of a 按序号 download named by its 按文本 twin
    (``text``: rows in the order of ``values``); ``values[role]`` is replaced. Returns the
    issues without the pending "option numbers" error once the twin has named every number;
    numbers and names that do not correspond one to one are an error."""
    pending = [i for i in issues if i.check == f"{role}_numbers"]
    if not pending:
        return issues
    num = values[role].astype(str).to_numpy()
    lab = text[role].astype(str).to_numpy()
    answered = num != ""
    pairs = pd.DataFrame({"num": num[answered], "lab": lab[answered]}).drop_duplicates()
    pairs = pairs.assign(key=pairs["num"].astype(float)).sort_values(["key", "lab"])
    where = dataclasses.replace(pending[0].location, file=str(text_path))
    nameless = pairs["lab"] == ""
    clash = pairs[pairs["num"].duplicated(keep=False) | pairs["lab"].duplicated(keep=False)]
    if nameless.any() or not clash.empty:
        bad = pairs[nameless] if nameless.any() else clash
        shown = ", ".join(f"{a}→{b or 'no name'}" for a, b in bad[["num", "lab"]].values)
        issues = [i for i in issues if i not in pending]
        issues.append(
            Issue(
                where,
                f"the {role} option numbers and the 按文本 download's {role} names do not "
                "correspond one to one",
                expected="one name per option number, one option number per name",
                found=f"option → name: {shown}",
                fix="The two downloads are not of the same survey; download both again, or name "
                f"the options in the map ({role}_names:).",
                check="labels",
            )
        )
        return issues
    values[role] = np.where(answered, lab, "")
    decisions.append(
        f"{role}: option numbers named by the 按文本 download {text_path.name}: "
        + ", ".join(f"{a}→{b}" for a, b in pairs[["num", "lab"]].values)
    )
    names = dict(proposed.get(f"{role}_names") or {})
    names.update({_yaml_key(a): b for a, b in pairs[["num", "lab"]].values})
    proposed[f"{role}_names"] = names
    return [i for i in issues if i not in pending]


def _arrows(pairs: pd.DataFrame) -> str:
    """Option number → label value pairs, by option number: "1→5, 2→4, ..."."""
    ordered = pairs.sort_values("num").itertuples(index=False)
    return ", ".join(f"{_shown(a)}→{_shown(b)}" for a, b in ordered)


def _shown(v: float) -> str:
    return "empty" if np.isnan(v) else _scale_number(str(v))


PLATFORM_NAMES = {
    "wjx": "问卷星",
    "tencent": "腾讯问卷",
    "hand": "hand-entered",
    "generic": "generic",
}


def platform_label(det: Detection) -> str:
    """The detected platform and variant in words, e.g. "问卷星 按序号"."""
    return f"{PLATFORM_NAMES.get(det.platform, det.platform)} {det.variant}".strip()


def _with(imp: Imported, issues: list[Issue], decisions: list[str], path: Path) -> Imported:
    """``imp`` with its detection's issues and decisions replaced; raises on errors."""
    det = dataclasses.replace(imp.detection, issues=issues, decisions=decisions)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise DataError(issues, summary=f"{len(errors)} problem(s) importing {path}")
    return dataclasses.replace(imp, detection=det)


def _run_sheets(
    path: Path,
    tree: IndicatorTree,
    *,
    map_path: Path | str | None,
    missing_codes: Sequence[float | str] = (),
    district: str | None = None,
    station: str | None = None,
    strict: bool,
) -> Imported:
    """Every sheet of a workbook with one sheet per station (hand-entered returns): each sheet
    is read with the same map; its station is the sheet's name unless a station column (or
    ``station``) gives it. A sheet with no answer under the item columns (a codebook, notes) is
    skipped with a warning, unless its rows hold numbers like answers: then no column matching the
    tree's items is an error. Respondent ids that repeat across sheets get the sheet name in front.
    """
    if path.suffix.lower() in (".csv", ".txt"):
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    'sheet "*" reads the sheets of a workbook; a CSV file holds one table',
                    expected="an .xlsx/.xlsm/.ods/.xls workbook",
                    found=path.suffix,
                    fix="Leave out --sheet (or sheet: in the map) for a CSV file.",
                    check="layout",
                )
            ]
        )
    names = sheet_names(path, allow_xls=True)
    parts: list[tuple[str, Imported]] = []
    skipped: list[Issue] = []
    for name in names:
        where = Location(file=str(path), sheet=name)
        try:
            imp = _run(
                path,
                tree,
                map_path=map_path,
                sheet=name,
                missing_codes=missing_codes,
                district=district,
                station=station,
                strict=False,
                station_default=name,
            )
        except DataError as exc:
            why = exc.issues[0].message if exc.issues else "not a responses table"
            skipped.append(
                Issue(where, f'sheet "{name}" skipped: {why}', severity="warning", check="layout")
            )
            continue
        items = list(imp.detection.mapping)
        answered = int(imp.responses[items].notna().to_numpy().sum()) if items else 0
        if answered:
            parts.append((name, imp))
            if any(
                d.startswith("station taken from the sheet name") for d in imp.detection.decisions
            ) and _DEFAULT_SHEET.match(name):
                skipped.append(
                    Issue(
                        where,
                        f'the station of sheet "{name}" is the sheet\'s default name',
                        fix="Rename each sheet after its station, or map a station column.",
                        severity="warning",
                        check="ids",
                    )
                )
            continue
        numeric_rows = _numeric_rows(path, name)
        if numeric_rows >= 2:
            skipped.append(
                Issue(
                    where,
                    f'sheet "{name}" holds {numeric_rows} rows of numbers but no column matching '
                    "an item of the tree",
                    expected="the item columns of the other sheets",
                    found=", ".join(imp.detection.columns[:8]),
                    fix="Name the columns in the map (items: header text, question number or "
                    "column letter), or delete the sheet if it holds no answers.",
                    check="mapping",
                )
            )
            continue
        skipped.append(
            Issue(
                where,
                f'sheet "{name}" skipped: no answers under the item columns',
                severity="warning",
                check="layout",
            )
        )
    if not parts:
        raise DataError(
            [
                *[i for i in skipped if i.severity == "error"],
                Issue(
                    Location(file=str(path)),
                    "no sheet of the workbook holds survey answers",
                    expected="sheets with a header row naming the tree's items",
                    found="; ".join(i.message for i in skipped) or "no sheets",
                    check="layout",
                ),
            ]
        )
    sheets = np.repeat([n for n, _ in parts], [len(imp.responses) for _, imp in parts])
    responses = pd.concat([imp.responses for _, imp in parts])
    reasons = pd.concat([imp.reasons for _, imp in parts])
    first = parts[0][1].detection
    decisions = [f"{len(parts)} of {len(names)} sheets read: {', '.join(n for n, _ in parts)}"]
    ids = responses["respondent"].astype(str).to_numpy(dtype=str)
    per_id = pd.DataFrame({"sheet": sheets, "id": ids}).groupby("id")["sheet"].nunique()
    if (per_id > 1).any():
        responses["respondent"] = np.char.add(np.char.add(sheets.astype(str), "-"), ids)
        decisions.append(
            "respondent ids repeat across sheets (each sheet numbers its own): "
            f"ids prefixed with the sheet name ({responses['respondent'].iloc[0]}, ...)"
        )
    markers: dict[str, int] = {}
    for _, imp in parts:
        for m, k in imp.detection.markers.items():
            markers[m] = markers.get(m, 0) + k
        decisions += [f"[{imp.detection.sheet}] {d}" for d in imp.detection.decisions]
    issues = list(
        dict.fromkeys([i for _, imp in parts for i in imp.detection.issues] + skipped)
    )  # a map problem is found on every sheet: listed once
    detection = Detection(
        platform=first.platform,
        variant=first.variant,
        encoding=first.encoding,
        sheet=ALL_SHEETS,
        header_row=first.header_row,
        columns=first.columns,
        questions=first.questions,
        mapping=first.mapping,
        unmatched_items=sorted({i for _, imp in parts for i in imp.detection.unmatched_items}),
        markers=markers,
        decisions=decisions,
        issues=issues,
    )
    dropped = [(r, f"[{n}] {why}") for n, imp in parts for r, why in imp.dropped_rows]
    if strict and any(i.severity == "error" for i in issues):
        n_err = sum(i.severity == "error" for i in issues)
        raise DataError(issues, summary=f"{n_err} problem(s) importing {path}")
    proposed = {**parts[0][1].proposed_map, "sheet": ALL_SHEETS}  # the map reads every sheet
    return Imported(responses, reasons, detection, dropped, proposed, sheets)


def _row_filter(
    lay: _Layout, other_cols: list[int], item_cols: list[int]
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str]]]:
    """Body rows that hold something, rows to drop (summary and note rows), and the dropped
    rows as (Excel row, why). Every test runs once per distinct cell text."""
    cells = lay.body()
    filled = cells.filled()
    n = filled.shape[0]
    nonempty = filled.any(axis=1)
    if n == 0:
        return nonempty, np.zeros(0, bool), []
    texts = pd.Series(cells.texts, dtype=object)
    keys = texts.str.replace(r"\s+", "", regex=True).str.rstrip(":：")
    key = keys.to_numpy(dtype=object)
    starts = keys.str.startswith(SUMMARY_WORDS).to_numpy(dtype=bool) & (keys != "").to_numpy()
    exact = keys.isin(SUMMARY_WORDS).to_numpy(dtype=bool)
    note = texts.str.match(NOTE_RE).to_numpy(dtype=bool)
    rows = np.arange(n)
    # a summary word in a column that is not an item (a label column) ...
    label_code = np.full(n, -1)
    if other_cols:
        hit = starts[cells.codes[:, other_cols]]
        found = hit.any(axis=1)
        first = np.asarray(other_cols)[hit.argmax(axis=1)]
        label_code[found] = cells.codes[rows[found], first[found]]
    # ... or, outside 问卷星 / 腾讯 exports, as the first text of the row
    lead = cells.codes[rows, filled.argmax(axis=1)]
    lead_text = np.where(nonempty, lead, -1)
    by_lead = np.zeros(n, bool)
    if lay.platform not in ("wjx", "tencent"):
        by_lead = (label_code < 0) & nonempty & exact[lead]
    summary = nonempty & ((label_code >= 0) | by_lead)
    few = filled.sum(axis=1) <= 2
    no_items = ~filled[:, item_cols].any(axis=1) if item_cols else np.ones(n, bool)
    is_note = nonempty & ~summary & note[lead] & (few | no_items)
    dropped: list[tuple[int, str]] = []
    for i in np.flatnonzero(summary | is_note):  # the dropped rows only: a handful
        if summary[i]:
            label = key[label_code[i]] if label_code[i] >= 0 else cells.texts[lead_text[i]]
            dropped.append((lay.h + 2 + int(i), f"summary row ({label})"))
        else:
            raw_note = next(t for t in (_raw_text(v) for v in lay.arr[lay.h + 1 + i]) if t)
            dropped.append((lay.h + 2 + int(i), f"note row ({raw_note[:30]})"))
    return nonempty, summary | is_note, dropped


def _unit_names(
    lay: _Layout,
    role: str,
    j: int,
    answers: np.ndarray,
    rows_excel: np.ndarray,
    imap: ImportMap | None,
) -> tuple[np.ndarray, dict[str, str]]:
    """The answers of a station or district column as names, and the names for a proposed map.

    A 腾讯问卷 answer keeps its option letter ("C.东湖派出所"): when every answer of the column has
    one, it is removed. The map's ``station_names`` / ``district_names`` then name answers by
    option number or text (each distinct answer is looked up once). Option numbers nobody named
    (a 问卷星 按序号 download, or numbers the map leaves out) are an error with check
    ``<role>_numbers``: the 按文本 twin, if given, names them (:func:`_check_with_labels`).
    """
    uniq, inverse = np.unique(answers, return_inverse=True)
    out = uniq.astype(object)
    filled = uniq != ""
    letters = [_LETTER_PREFIX.match(u) for u in uniq]
    if filled.any() and all(m is not None for m, f in zip(letters, filled, strict=True) if f):
        out = np.array(
            [m.group(1).strip() if m else u for m, u in zip(letters, uniq, strict=True)],
            dtype=object,
        )
        k = int(np.argmax(filled))
        lay.decisions.append(
            f"{role}: option letters removed from the answers of column {lay.where(j)} "
            f"({uniq[k]} → {out[k]})"
        )
    given = imap.names(role) if imap is not None else {}
    named = np.zeros(len(uniq), bool)
    if given:
        lookup = {_answer_key(k): v for k, v in given.items()}
        for k in np.flatnonzero(filled):
            hit = lookup.get(_answer_key(uniq[k]), lookup.get(_answer_key(str(out[k]))))
            if hit is not None:
                out[k], named[k] = hit, True
        shown = ", ".join(f"{uniq[k]}→{out[k]}" for k in np.flatnonzero(named))
        lay.decisions.append(f"{role} named by the map: {shown or 'no answer matched'}")
    numbers = filled & ~named & np.array([bool(_QNUMBER.match(str(u))) for u in out], bool)
    coded = lay.platform == "wjx" and lay.variant == "按序号"
    numbered_map = any(_QNUMBER.match(k) for k in given)
    proposal = dict(given)
    if numbers.any() and (coded or numbered_map):
        listed = [str(out[k]) for k in np.flatnonzero(numbers)]
        first = int(np.argmax(np.isin(inverse, np.flatnonzero(numbers))))
        example = ", ".join(f"{n}: <{role} name>" for n in listed[:2])
        issue_kw = {
            "expected": f"{role} names as in the stations sheet",
            "found": f"option number(s) {', '.join(listed[:10])}"
            + (" ..." if len(listed) > 10 else ""),
            "check": f"{role}_numbers",
        }
        if given:
            lay.issues.append(
                Issue(
                    imap.loc(f"{role}_names") if imap is not None else lay.loc(),
                    f"the map's {role}_names leaves option number(s) of column {lay.where(j)} "
                    "without a name",
                    fix=f"Add them to {role}_names in the map ({example}).",
                    message_zh=f"映射文件的 {role}_names 未给出部分选项序号对应的名称",
                    **issue_kw,
                )
            )
        else:
            lay.issues.append(
                Issue(
                    lay.loc(int(rows_excel[first]), lay.columns[j]),
                    f"the {role} question holds option numbers, not {role} names",
                    fix="Give the 按文本 download of the same answers (beside this file with "
                    "按文本 for 按序号 in its name, or --labels-from / labels_from:), or name the "
                    f"options in the map: {role}_names: {{{example}}}.",
                    message_zh=f"{'派出所' if role == 'station' else '区县'}一题只有选项序号，没有名称："
                    "请提供同一批答卷的“按文本”下载文件，或在映射文件中写明各序号对应的名称",
                    **issue_kw,
                )
            )
        proposal.update({n: "" for n in listed if n not in proposal})
    return out[inverse].astype(str), {_yaml_key(k): v for k, v in proposal.items()}


def _yaml_key(answer: str) -> int | str:
    """An option number as a YAML number key (``1: 东湖派出所``), other answers as text."""
    return int(answer) if answer.isdigit() else answer


def _run(
    path: Path,
    tree: IndicatorTree,
    *,
    map_path: Path | str | None,
    sheet: str | None,
    missing_codes: Sequence[float | str] = (),
    district: str | None = None,
    station: str | None = None,
    strict: bool,
    station_default: str | None = None,
) -> Imported:
    imap = load_map(map_path) if map_path is not None else None
    codes: list[float | str] = []
    for c in [*(imap.missing if imap else ()), *missing_codes]:
        if isinstance(c, str):
            try:
                c = float(unicodedata.normalize("NFKC", c))
            except ValueError:
                c = unicodedata.normalize("NFKC", c).strip()
        codes.append(float(c) if isinstance(c, (int, float)) else c)
    lay, mapped, proposed, roles = _analyse(path, tree, sheet, imap, codes)
    issues = lay.issues
    item_ids = [item.id for _, item in tree.items()]
    scale_of = {item.id: leaf.source.scale for leaf, item in tree.items() if leaf.source}
    # rows: drop empty, summary and note rows
    first_row = lay.h + 2  # Excel row of the first body row
    item_cols = [mapped[i] for i in item_ids if i in mapped]
    other_cols = [
        j for j in range(len(lay.columns)) if j not in set(item_cols) and lay.kinds[j] != "blank"
    ]
    nonempty, drop, dropped = _row_filter(lay, other_cols, item_cols)
    keep = nonempty & ~drop
    empty_rows = int((~nonempty).sum())
    for row, why in dropped:
        lay.decisions.append(f"row {row} dropped: {why}")
    if empty_rows:
        lay.decisions.append(f"{empty_rows} empty row(s) skipped")
    rows_excel = np.flatnonzero(keep) + first_row
    lay.keep_rows(keep)
    cells = lay.body()
    # values
    markers: dict[str, int] = {}
    values = np.full((len(rows_excel), len(item_ids)), np.nan)
    reasons = np.full((len(rows_excel), len(item_ids)), "", dtype=object)
    by_scale: dict[str, list[str]] = {}
    for iid in item_ids:
        if iid in mapped:
            by_scale.setdefault(scale_of[iid], []).append(iid)
    num_codes = frozenset(c for c in codes if isinstance(c, float))
    text_codes = frozenset(c for c in codes if isinstance(c, str))
    label_notes: list[str] = []
    for sid, iids in by_scale.items():
        sc = tree.scales[sid]
        conv = _Converter(
            frozenset(sc.values),
            _label_table(tree, sid, imap.labels if imap else {}),
            num_codes - frozenset(sc.values),
            text_codes,
        )
        cols = [mapped[i] for i in iids]
        mk, vals, why = _markers(cells, cols, conv)
        for m, n in mk.items():
            markers[m] = markers.get(m, 0) + n
        for k, iid in enumerate(iids):
            pos = item_ids.index(iid)
            values[:, pos] = vals[:, k]
            reasons[:, pos] = why[:, k]
        if conv.label_hits:
            pairs = ", ".join(
                f"{lab}→{_scale_number(str(v))}"
                for lab, v in sorted(conv.label_hits.items(), key=lambda kv: kv[1])
            )
            src = "the map's labels and " if imap and imap.labels else ""
            label_notes.append(f"answer labels read through {src}scale `{sid}`: {pairs}")
        if conv.letters:
            label_notes.append(
                "letter prefixes of answers (A. ...) removed before the label lookup"
            )
        if conv.texted_numbers:
            label_notes.append("numbers stored as text or typed in full width (４) read as numbers")
    lay.decisions.extend(label_notes)
    bad = np.argwhere(reasons == "bad")
    for r, c in bad[:200]:
        iid = item_ids[c]
        j = mapped[iid]
        sc = tree.scales[scale_of[iid]]
        shown = [_scale_number(str(v)) for v in sc.values]
        raw = lay.arr[lay.h + 1 + r, j]
        issues.append(
            Issue(
                lay.loc(int(rows_excel[r]), f"{lay.columns[j]} ({column_letter(j)})"),
                f"answer off the scale `{sc.id}` (item {iid})",
                expected=f"one of {shown}, a label of the scale, or a missing marker",
                found=show(raw),
                fix="Correct the cell, add the label to `labels:` or the code to `missing:` in "
                "the map (or --missing).",
                check="scale",
            )
        )
    off: dict[str, int] = {}
    if len(bad):
        col_of = np.full(len(item_ids), -1)
        col_of[[item_ids.index(i) for i in mapped]] = [mapped[i] for i in mapped]
        found = pd.Series(cells.texts[cells.codes[bad[:, 0], col_of[bad[:, 1]]]].astype(str))
        off = found.value_counts(sort=False).to_dict()  # in the order they were met
    usual = [k for k in off if k in ("7", "8", "9", "97", "98", "99", "999", "-1", "-9", "-99")]
    if usual:
        listed = ", ".join(f"{k} (×{off[k]})" for k in usual)
        issues.append(
            Issue(
                lay.loc(),
                f"answers off the scale look like missing-value codes: {listed}",
                expected="scale values or missing markers",
                found=listed,
                fix=f"If they mean no answer, add `missing: [{', '.join(usual)}]` to the map "
                f"or pass --missing {','.join(usual)}.",
                severity="warning",
                check="scale",
            )
        )
    if len(bad) > 200:
        issues.append(
            Issue(lay.loc(), f"... and {len(bad) - 200} more answers off the scale", check="scale")
        )
    reasons[reasons == "bad"] = ""
    # ids
    ids: dict[str, list[str]] = {}
    prefix = imap.respondent_prefix if imap else ""
    for role, fixed in (("respondent", None), ("district", district), ("station", station)):
        j = roles[role]
        if fixed is not None and fixed != "":
            ids[role] = [str(fixed)] * len(rows_excel)
            lay.decisions.append(
                f"{role} set to “{fixed}” for every row"
                + (f" (column {lay.where(j)} not used)" if j is not None else "")
            )
            continue
        if j is None and role == "station" and station_default:
            ids[role] = [station_default] * len(rows_excel)
            lay.decisions.append(f"station taken from the sheet name “{station_default}”")
            continue
        if j is None:
            if role == "respondent":
                ids[role] = [f"{prefix}r{r}" for r in rows_excel]
                lay.decisions.append(
                    "no respondent column found: ids made from the row number (r5, r6, ...); "
                    "map `respondent:` to a column to use real ids"
                )
            else:
                ids[role] = [""] * len(rows_excel)
                flag = f"--{role}"
                issues.append(
                    Issue(
                        lay.loc(lay.h + 1),
                        f"no {role} for the answers",
                        expected=f"a {role} column or a fixed {role}",
                        found=f"no column named {', '.join(DISTRICT_NAMES if role == 'district' else STATION_NAMES)}",
                        fix=f"Map `{role}:` to a column in the map, or pass {flag} NAME.",
                        check="ids",
                    )
                )
            continue
        col = cells.text()[:, j].astype(str)
        if role == "respondent" and prefix:
            col = np.where(col != "", np.char.add(prefix, col), "")
        elif role != "respondent":
            col, names = _unit_names(lay, role, j, col, rows_excel, imap)
            if names:
                proposed[f"{role}_names"] = names
        for r in np.flatnonzero(col == ""):
            issues.append(
                Issue(
                    lay.loc(int(rows_excel[r]), lay.columns[j]),
                    f"empty {role}",
                    expected=f"a {role} name or id",
                    found="an empty cell",
                    check="ids",
                )
            )
        ids[role] = col.tolist()
    if prefix:
        lay.decisions.append(f"respondent ids prefixed with “{prefix}”")
    frame = pd.DataFrame(ids, columns=["respondent", "district", "station"])
    vals = pd.DataFrame(values, columns=item_ids)
    responses = pd.concat([frame, vals], axis=1)
    responses.index = pd.Index(rows_excel, name="row")
    reasons_df = pd.DataFrame(reasons, columns=item_ids, index=responses.index)
    detection = Detection(
        platform=lay.platform,
        variant=lay.variant,
        encoding=lay.encoding,
        sheet=lay.sheet,
        header_row=lay.h + 1,
        columns=[c for j, c in enumerate(lay.columns) if lay.kinds[j] != "blank"],
        questions=_questions(lay),
        mapping={iid: lay.columns[j] for iid, j in mapped.items()},
        unmatched_items=[i for i in item_ids if i not in mapped],
        markers=markers,
        decisions=list(lay.decisions),
        issues=list(issues),
    )
    if strict and any(i.severity == "error" for i in issues):
        raise DataError(
            issues,
            summary=f"{sum(i.severity == 'error' for i in issues)} problem(s) importing {path}",
        )
    return Imported(responses, reasons_df, detection, dropped, proposed)


# ---- writing ------------------------------------------------------------------------------------

REASON_COLUMN = "missing_reasons"


def reasons_text(reasons: pd.DataFrame) -> pd.Series:
    """Per respondent, why answers are missing, as "item=reason; ..." (vectorised over items)."""
    parts = [
        np.where(reasons[c].to_numpy() != "", c + "=" + reasons[c].astype(str).to_numpy(), "")
        for c in reasons.columns
    ]
    if not parts:
        return pd.Series("", index=reasons.index)
    joined = pd.DataFrame(np.column_stack(parts), index=reasons.index).agg("; ".join, axis=1)
    return joined.str.replace(r"(; )+", "; ", regex=True).str.strip("; ")


def _reason_column(imported: Imported) -> list[str]:
    return reasons_text(imported.reasons).tolist()


def import_log(imported: Imported) -> list[str]:
    """Every automatic decision of an import, as plain lines (for the record next to the table)."""
    det = imported.detection
    lines = [
        f"platform: {det.platform} {det.variant}".rstrip(),
        f"sheet: {det.sheet}; header row: {det.header_row}"
        + (f"; encoding: {det.encoding}" if det.encoding else ""),
        "mapping: " + "; ".join(f"{i} <- {c}" for i, c in det.mapping.items()),
        "missing markers: " + (", ".join(f"{m} x{n}" for m, n in det.markers.items()) or "none"),
        *[f"decision: {d}" for d in det.decisions],
        *[f"warning: {i}" for i in det.issues if i.severity == "warning"],
    ]
    return lines


def write_responses(imported: Imported, path: Path | str) -> Path:
    """Write the responses table (CSV utf-8-sig, or xlsx sheet ``responses``), atomically.

    A last column ``missing_reasons`` lists why answers are missing (``item=skipped; ...``). The
    import's decisions are recorded too: sheet ``import_log`` of the xlsx, or
    ``<name>.import-log.txt`` next to a CSV.
    """
    path = Path(path)
    df = imported.responses.reset_index(drop=True).copy()
    df[REASON_COLUMN] = _reason_column(imported)
    suffix = path.suffix.lower()
    log = import_log(imported)
    if suffix == ".csv":
        text = df.to_csv(index=False, float_format="%.15g", lineterminator="\n")
        _atomic_write_text(path, text, encoding="utf-8-sig")
        _atomic_write_text(
            path.with_name(f"{path.stem}.import-log.txt"), "\n".join(log) + "\n", "utf-8"
        )
        return path
    if suffix not in (".xlsx",):
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "unsupported output type",
                    expected=".csv or .xlsx",
                    found=suffix or "no extension",
                )
            ]
        )
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".xlsx")
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(
            tmp,
            {"strings_to_formulas": False, "strings_to_numbers": False, "nan_inf_to_errors": False},
        )
        ws = wb.add_worksheet("responses")
        bold = wb.add_format({"bold": True})
        for c, name in enumerate(df.columns):
            ws.write_string(0, c, str(name), bold)
        item_cols = set(imported.reasons.columns)
        for r, row in enumerate(df.itertuples(index=False), start=1):
            for c, (name, v) in enumerate(zip(df.columns, row, strict=True)):
                if name in item_cols:
                    if v is not None and not (isinstance(v, float) and math.isnan(v)):
                        ws.write_number(r, c, float(v))
                elif v not in (None, ""):
                    ws.write_string(r, c, str(v))
        ws.freeze_panes(1, 3)
        ls = wb.add_worksheet("import_log")
        ls.set_column(0, 0, 120)
        for r, line in enumerate(log):
            ls.write_string(r, 0, line)
        wb.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


__all__ = [
    "Detection",
    "HeaderReading",
    "ImportMap",
    "Imported",
    "import_log",
    "import_responses",
    "inspect_export",
    "load_map",
    "normalise",
    "propose_map",
    "proposed_map_path",
    "read_question_header",
    "write_map",
    "write_responses",
]
