"""Which platform an export comes from and where its header row is.

问卷星 and 腾讯问卷 are told by their fixed columns (three or more in one of the first
:data:`HEADER_SCAN_ROWS` rows); other sheets by the row naming the most columns of the map, else the
most items of the tree, else question codes (Q1, Q2, ...). A sheet with title or dimension rows
above its header, or with question codes, is hand-entered; any other a generic wide table. A 问卷星
download is 按序号 (option numbers) or 按文本 (option labels), by its file name or its answers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import DataError, Issue, Location
from ...tree import IndicatorTree
from ..tables import rows_to_array, sheet_names
from ..text import cell_text, fold, raw_text
from .headers import (
    QCODE_STRICT,
    TENCENT_NUM,
    TENCENT_SIGNATURE,
    WJX_NUM,
    WJX_SIGNATURE,
    parse_columns,
)
from .layout import READABLE, Layout, read_any
from .mapfile import ImportMap
from .model import platform_words

HEADER_SCAN_ROWS = 30


def row_texts(arr: np.ndarray, i: int) -> list[str]:
    return [cell_text(v) for v in arr[i]]


def open_layout(
    path: Path, tree: IndicatorTree, sheet: str | None, imap: ImportMap | None
) -> Layout:
    """Read an export's sheet, find its header row and platform, and read its columns.

    DataError for an unreadable file, a file type evalkit does not read, and a sheet that matches
    no known layout."""
    if path.suffix.lower() not in READABLE:
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "unsupported file type",
                    expected="xlsx, xlsm, ods, xls or csv",
                    found=path.suffix or "no extension",
                    check="layout",
                    message_zh="不支持的文件类型",
                    expected_zh=".xlsx、.xlsm、.ods、.xls 或 .csv 文件",
                    found_zh=path.suffix or "没有扩展名",
                )
            ]
        )
    if sheet is None and imap is not None and imap.sheet:
        sheet = imap.sheet
    name, rows, enc = read_any(path, sheet)
    lay = Layout(str(path), name, enc, rows_to_array(rows))
    _note_source(lay, path, sheet)
    if lay.arr.size == 0:
        raise DataError([unknown_layout(lay)])
    find_header(lay, tree, imap)
    parse_columns(lay)
    if lay.h > 0 and lay.platform in ("wjx", "tencent"):
        lay.decide(
            f"{lay.h} row(s) above the header row {lay.h + 1} ignored",
            f"表头行（第 {lay.h + 1} 行）上方的 {lay.h} 行未读取",
        )
    if lay.platform == "generic":
        _hand_or_generic(lay)
    return lay


def _note_source(lay: Layout, path: Path, sheet: str | None) -> None:
    """The decisions about what was read: a CSV's encoding, the sheet of a workbook."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        enc = lay.encoding
        bom = enc == "utf-8-sig"
        fallback = enc == "gb18030"
        lay.decide(
            f"CSV decoded as {enc}"
            + (" (BOM found)" if bom else "")
            + (" after UTF-8 failed" if fallback else ""),
            f"CSV 按 `{enc}` 解码"
            + ("（有 BOM）" if bom else "")
            + ("（按 UTF-8 解码失败后）" if fallback else ""),
        )
    elif sheet is None:
        try:
            names = sheet_names(path) if suffix != ".xls" else [lay.sheet]
        except DataError:
            names = [lay.sheet]
        if len(names) > 1:
            lay.decide(
                f'sheet "{lay.sheet}" read (the first of {len(names)}; pass --sheet for another)',
                f"读取了工作表“{lay.sheet}”（{len(names)} 个中的第一个；读其他工作表请用 `--sheet`）",
            )


def _hand_or_generic(lay: Layout) -> None:
    """The variant of a sheet no platform made: hand-entered (title or dimension rows above the
    header, or question codes Q1, Q2, ...) or a generic wide table."""
    qcodes = sum(bool(QCODE_STRICT.match(lay.raw_headers[j])) for j in lay.usable())
    above = lay.h > 0 and any(cell_text(v) for v in lay.arr[: lay.h].ravel())
    if qcodes >= 3 or above:
        lay.platform = "hand"
        lay.variant = "codes" if qcodes >= 3 else "texts"
        why, why_zh = [], []
        if above:
            why.append(f"{lay.h} title/dimension row(s) above the header")
            why_zh.append(f"表头上方有 {lay.h} 行标题或维度")
        if qcodes >= 3:
            why.append(f"{qcodes} question-code columns (Q1, Q2, ...)")
            why_zh.append(f"{qcodes} 个题号列（Q1、Q2……）")
        lay.decide("hand-entered sheet: " + " and ".join(why), "手工录入表：" + "，".join(why_zh))
    else:
        lay.variant = "wide"
        if lay.h == 0:
            lay.decide(
                "generic wide table: one column per question, header in row 1",
                "通用宽表：每题一列，表头在第 1 行",
            )
        else:
            lay.decide("generic wide table", "通用宽表")


def find_header(lay: Layout, tree: IndicatorTree, imap: ImportMap | None) -> None:
    """Set ``lay.h`` (and ``lay.platform`` for 问卷星 / 腾讯问卷); DataError when no row fits."""
    if imap is not None and imap.header_row is not None:
        _header_from_map(lay, imap)
        return
    n = min(len(lay.arr), HEADER_SCAN_ROWS)
    if _header_by_signature(lay, n):
        return
    if _header_by_content(lay, tree, imap, n):
        return
    if imap is not None and imap.items:
        for i in range(n):
            t = row_texts(lay.arr, i)
            if sum(bool(x) for x in t) >= max(2, len(t) // 2):
                lay.h = i
                lay.decide(
                    f"header row {i + 1}: the first row filled at least halfway",
                    f"表头在第 {i + 1} 行：第一个至少填了一半的行",
                )
                return
    raise DataError([unknown_layout(lay)])


def _header_from_map(lay: Layout, imap: ImportMap) -> None:
    assert imap.header_row is not None
    if imap.header_row > len(lay.arr):
        raise DataError(
            [
                Issue(
                    imap.loc("header_row"),
                    f'header_row {imap.header_row} is below the last row of sheet "{lay.sheet}"',
                    expected=f"a row number from 1 to {len(lay.arr)}",
                    found=str(imap.header_row),
                    check="layout",
                    message_zh=f"header_row {imap.header_row} 超出了工作表“{lay.sheet}”的最后一行",
                    expected_zh=f"1 到 {len(lay.arr)} 之间的行号",
                )
            ]
        )
    lay.h = imap.header_row - 1
    lay.decide(
        f"header row {imap.header_row} taken from the map",
        f"表头行第 {imap.header_row} 行取自映射文件",
    )
    texts = set(row_texts(lay.arr, lay.h)) if lay.h < len(lay.arr) else set()
    if sum(t in texts for t in WJX_SIGNATURE) >= 3:
        lay.platform = "wjx"
    elif sum(t in texts for t in TENCENT_SIGNATURE) >= 3:
        lay.platform = "tencent"


def _header_by_signature(lay: Layout, n: int) -> bool:
    """The first row holding three or more of 问卷星's or 腾讯问卷's fixed columns."""
    for i in range(n):
        texts = set(row_texts(lay.arr, i))
        wjx = [t for t in WJX_SIGNATURE if t in texts]
        ten = [t for t in TENCENT_SIGNATURE if t in texts]
        if len(wjx) >= 3 and len(wjx) >= len(ten):
            lay.h, lay.platform = i, "wjx"
            lay.decide(
                f"platform 问卷星: row {i + 1} holds its fixed columns {', '.join(wjx)}",
                f"平台为问卷星：第 {i + 1} 行有它的固定列 {'、'.join(wjx)}",
            )
            return True
        if len(ten) >= 3:
            lay.h, lay.platform = i, "tencent"
            lay.decide(
                f"platform 腾讯问卷: row {i + 1} holds its fixed columns {', '.join(ten)}",
                f"平台为腾讯问卷：第 {i + 1} 行有它的固定列 {'、'.join(ten)}",
            )
            return True
    return False


def _header_by_content(lay: Layout, tree: IndicatorTree, imap: ImportMap | None, n: int) -> bool:
    """The row naming the most columns of the map, else most tree items, else most Q-codes."""
    arr = lay.arr
    best: tuple[int, int, str, str] = (0, -1, "", "")
    if imap is not None:
        refs = {fold(r) for r in [*imap.items.values(), imap.respondent, imap.station] if r}
        refs.discard("")
        for i in range(n):
            hits = sum(fold(t) in refs for t in row_texts(arr, i) if t)
            if hits > best[0]:
                best = (hits, i, "names the most columns of the map", "映射文件所列的列在该行最多")
    if best[0] < 2:
        keys = _item_keys(tree)
        for i in range(n):
            hits = 0
            for t in row_texts(arr, i):
                if not t:
                    continue
                parts = [t, WJX_NUM.sub(r"\2", t), TENCENT_NUM.sub(r"\2", t)]
                if any(fold(p) in keys for p in parts):
                    hits += 1
            if hits > best[0]:
                best = (hits, i, "names the most items of the tree", "指标体系中的题目在该行最多")
    if best[0] < 2:
        for i in range(n):
            hits = sum(bool(QCODE_STRICT.match(t)) for t in row_texts(arr, i))
            if hits >= 3 and hits > best[0]:
                best = (hits, i, "holds question codes such as Q1, Q2, ...", "该行是 Q1、Q2 等题号")
    if best[0] >= 2 or (best[0] >= 1 and len(tree.items()) == 1):
        hits, i, why, why_zh = best
        lay.h = i
        lay.decide(
            f"header row {i + 1}: it {why} ({hits} columns)",
            f"表头在第 {i + 1} 行：{why_zh}（{hits} 列）",
        )
        return True
    return False


def _item_keys(tree: IndicatorTree) -> dict[str, str]:
    """Folded item id / text -> item id (for header sniffing)."""
    keys: dict[str, str] = {}
    for _, item in tree.items():
        keys[fold(item.id)] = item.id
        for t in item.text.values():
            if t.strip():
                keys[fold(t)] = item.id
    return keys


def unknown_layout(lay: Layout) -> Issue:
    """The problem of a sheet that matches no known layout, with its first rows."""
    seen = []
    for i in range(min(5, len(lay.arr))):
        cells = [raw_text(v) for v in lay.arr[i]]
        while cells and not cells[-1]:
            cells.pop()
        shown = " | ".join(c[:30] for c in cells[:12]) + (" | ..." if len(cells) > 12 else "")
        seen.append((i + 1, shown))
    looked = (
        "问卷星 header (序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP); "
        "腾讯问卷 header (编号, 开始答题时间, 结束答题时间, 答题时长); "
        "a hand-entered sheet with question codes (Q1, Q2, ... or 题1, 第1题) in one of the first "
        f"{HEADER_SCAN_ROWS} rows; a generic table whose headers are the tree's item ids or texts"
    )
    looked_zh = (
        "问卷星表头（序号、提交答卷时间、所用时间、来源、来源详情、来自IP）；"
        "腾讯问卷表头（编号、开始答题时间、结束答题时间、答题时长）；"
        f"前 {HEADER_SCAN_ROWS} 行中有题号（Q1、Q2……或 题1、第1题）的手工录入表；"
        "或表头为指标体系题目编号或题目文字的通用表格"
    )
    return Issue(
        Location(file=lay.file, sheet=lay.sheet),
        "the file matches no known survey export layout",
        expected=looked,
        found="; ".join(f"row {r}: {s or '(empty)'}" for r, s in seen) or "an empty sheet",
        fix="Write a MAP.yaml naming the columns (items:, respondent:, station:) and pass --map.",
        check="layout",
        message_zh="文件不符合任何已知的问卷导出格式",
        expected_zh=looked_zh,
        found_zh="；".join(f"第 {r} 行：{s or '（空）'}" for r, s in seen) or "空工作表",
        fix_zh="写一个 MAP.yaml 指明各列（`items:`、`respondent:`、`station:`），并用 `--map` 传入。",
    )


def wjx_variant(lay: Layout, path: Path, mapped: dict[str, int]) -> None:
    """问卷星 按序号 or 按文本: by the file name, else by the answers in the item columns."""
    if lay.platform != "wjx":
        return
    if "_按序号_" in path.name or "按序号" in path.stem:
        lay.variant = "按序号"
        lay.decide(
            "问卷星 按序号 (option numbers): the file name says so",
            "问卷星按序号下载（选项序号）：文件名如此标明",
        )
        return
    if "_按文本_" in path.name or "按文本" in path.stem:
        lay.variant = "按文本"
        lay.decide(
            "问卷星 按文本 (option labels): the file name says so",
            "问卷星按文本下载（选项文字）：文件名如此标明",
        )
        return
    cols = list(mapped.values()) or [
        j for j in range(len(lay.columns)) if lay.kinds[j] == "question"
    ]
    cells = lay.body()
    counts = np.bincount(cells.codes[:, cols].ravel(), minlength=len(cells.uniques))
    kind = cells.kinds()
    numeric, text = int(counts[kind == 1].sum()), int(counts[kind == 2].sum())
    lay.variant = "按文本" if text > numeric else "按序号"
    lay.decide(
        f"问卷星 {lay.variant}: {numeric} numeric and {text} text answers in the question columns",
        f"问卷星{lay.variant}下载：题目列中有 {numeric} 个数字答案、{text} 个文字答案",
    )


def platform_name(lay: Layout, lang: str = "en") -> str:
    """The platform and variant of a layout in words ("hand-entered sheet codes")."""
    if lang == "en":
        name = {
            "wjx": "问卷星",
            "tencent": "腾讯问卷",
            "hand": "hand-entered sheet",
            "generic": "generic table",
        }[lay.platform]
        return name + (f" {lay.variant}" if lay.variant else "")
    return platform_words(lay.platform, lay.variant, "zh")


__all__ = [
    "HEADER_SCAN_ROWS",
    "find_header",
    "open_layout",
    "platform_name",
    "row_texts",
    "unknown_layout",
    "wjx_variant",
]
