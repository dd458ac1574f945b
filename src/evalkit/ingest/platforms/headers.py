"""The header row of an export read column by column: the platforms' fixed columns, question
numbers, matrix questions and their rows (问卷星 ``N、题干—行文本``, 腾讯问卷 ``N.题干:行文本``), 问卷星
option columns, and a dimension row above the header of a hand-entered sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..tables import column_letter
from ..text import nfkc, raw_text
from .layout import Layout

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

WJX_NUM = re.compile(r"^(\d+)\s*[、.．]\s*(.*)$", re.S)
WJX_NUM_SPACE = re.compile(r"^(\d+)\s+(\D.*)$", re.S)
WJX_OPTION = re.compile(r"^(?:第(\d+)题|(\d+))\s*[(（](.*)[)）]$", re.S)
TENCENT_NUM = re.compile(r"^(\d+)\.(.*)$", re.S)
TYPE_TAG = re.compile(r"\s*[(（][^()（）]*题[^()（）]*[)）]\s*$")
QCODE_STRICT = re.compile(r"^(?:[Qq]\d+|题\d+|第\d+题)$")
# a single em dash (not part of "——") separates a 问卷星 matrix stem from its first row text
_EM_DASH = re.compile(r"(?<!—)—(?!—)")
# other marks seen between a question and a row text in re-saved or hand-made headers: dashes,
# hyphens and colons, half and full width (read only where the tree confirms the row, see
# read_question_header)
_ROW_MARKS = re.compile(r"—+|[–―−\-－:：_＿]")


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
    m = WJX_NUM.match(t) or WJX_NUM_SPACE.match(t)
    number, rest = (m.group(1), m.group(2)) if m else (None, t)
    dashes = list(_EM_DASH.finditer(rest)) if number is not None else []
    if dashes:
        cut = dashes[-1]
        first = HeaderReading(
            number, TYPE_TAG.sub("", rest[: cut.start()]).strip(), rest[cut.end() :].strip()
        )
    else:
        first = HeaderReading(number, TYPE_TAG.sub("", rest).strip(), None)
    out = [first]
    for mark in reversed(list(_ROW_MARKS.finditer(rest))):
        stem, row = rest[: mark.start()].strip(), rest[mark.end() :].strip()
        reading = HeaderReading(number, TYPE_TAG.sub("", stem).strip(), row)
        if stem and row and reading not in out:
            out.append(reading)
    return out


def parse_columns(lay: Layout) -> None:
    """Fill in the columns of the header row ``lay.h``: display names (a header given twice is
    told apart by #2, #3), kinds (meta, question, option, blank), numbers, texts to match, matrix
    groups and the dimension row above."""
    raw = [raw_text(v) for v in lay.arr[lay.h]]
    seen: dict[str, int] = {}
    cols: list[str] = []
    for j, t in enumerate(raw):
        key = t or f"(column {column_letter(j)})"
        seen[key] = seen.get(key, 0) + 1
        cols.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    dups = sorted(k for k, c in seen.items() if c > 1)
    if dups:
        listed = ", ".join(dups[:8]) + (" ..." if len(dups) > 8 else "")
        lay.decide(
            f"{len(dups)} header text(s) occur more than once and are told apart by #2, #3: "
            + listed,
            f"{len(dups)} 个表头文字出现不止一次，以 #2、#3 区分：{listed}",
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
        if not t:
            lay.kinds[j] = "blank"
            blank_cols.append(j)
        elif nfkc(t) in meta:
            lay.kinds[j] = "meta"
        lay.texts[j] = TYPE_TAG.sub("", t).strip()
    if blank_cols:
        trailing = not [j for j in blank_cols if not data_blank[j]]
        letters = ", ".join(column_letter(j) for j in blank_cols[:6])
        lay.decide(
            f"{len(blank_cols)} column(s) without a header ignored ({letters})"
            + (" - e.g. the trailing comma of an old 腾讯问卷 CSV" if trailing else ""),
            f"{len(blank_cols)} 个没有表头的列未读取（{letters}）"
            + ("，例如旧版腾讯问卷 CSV 行末多出的逗号" if trailing else ""),
        )
    if lay.platform == "wjx":
        _parse_wjx(lay)
    elif lay.platform == "tencent":
        _parse_tencent(lay)
    # a sparse row right above the header names dimensions (merged cells): forward-fill it
    lay.dims = [""] * w
    if lay.h > 0:
        above = [raw_text(v) for v in lay.arr[lay.h - 1]]
        if any(above):
            cur = ""
            for j in range(w):
                cur = above[j] or cur
                lay.dims[j] = cur


def _parse_wjx(lay: Layout) -> None:
    group: str | None = None
    rows_in_group = 0
    matrices = 0
    for j, t in enumerate(lay.raw_headers):
        if lay.kinds[j] in ("meta", "blank"):
            group = None
            continue
        nt = t.strip()
        m_opt = WJX_OPTION.match(nt)
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
        lay.decide(
            f"{matrices} 问卷星 matrix question(s): the columns after each `N、题干—行文本` column "
            "that carry no number are read as its further rows",
            f"{matrices} 道问卷星矩阵题：每个 `N、题干—行文本` 列之后不带题号的列读作该题的后续各行",
        )


def _parse_tencent(lay: Layout) -> None:
    by_num: dict[str, list[int]] = {}
    for j, t in enumerate(lay.raw_headers):
        if lay.kinds[j] in ("meta", "blank"):
            continue
        m = TENCENT_NUM.match(t.strip())
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
        lay.decide(
            f"{matrices} 腾讯问卷 matrix question(s) (`N.题干:行文本`): rows numbered N.1, N.2, ...",
            f"{matrices} 道腾讯问卷矩阵题（`N.题干:行文本`）：各行编为 N.1、N.2……",
        )
    qs = [j for j in range(len(lay.raw_headers)) if lay.numbers[j] is not None]
    before = [j for j, t in enumerate(lay.raw_headers) if nfkc(t) in TENCENT_BEFORE]
    if qs and before and min(before) < min(qs):
        lay.variant = "old"
        lay.decide(
            "腾讯问卷 old column order (地理位置/自定义字段 before the questions, ≈2021)",
            "腾讯问卷旧版列序（地理位置/自定义字段在题目之前，约 2021 年）",
        )
    else:
        lay.variant = "new"
        lay.decide(
            "腾讯问卷 new column order (questions right after 答题时长, ≥2023)",
            "腾讯问卷新版列序（题目紧接在答题时长之后，2023 年起）",
        )


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    k = 0
    while k < min(len(first), len(last)) and first[k] == last[k]:
        k += 1
    return first[:k]


def questions(lay: Layout) -> list[dict[str, Any]]:
    """The question columns as ``evalkit inspect`` lists them."""
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


__all__ = ["HeaderReading", "parse_columns", "questions", "read_question_header"]
