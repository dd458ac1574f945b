"""Which column holds what: the respondent, district and station columns, and one column per item
of the tree, from the map (header text, matrix row text, question number or column letter) or
found by the items' texts (exact, then folded: see :func:`~evalkit.ingest.text.fold`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...errors import Issue, Location
from ...tree import IndicatorTree
from ..tables import column_letter
from ..text import fold, nfkc
from .layout import Layout
from .mapfile import ImportMap

RESPONDENT_NAMES = ("respondent", "编号", "序号", "问卷编号", "答卷编号", "id", "ID", "编码")
STATION_NAMES = ("station", "派出所", "所在派出所", "所属派出所", "单位", "所在单位", "所属单位")
DISTRICT_NAMES = ("district", "分局", "所在分局", "所属分局", "区县", "县区", "辖区")
ROLE_ZH = {"respondent": "问卷编号", "district": "区县", "station": "派出所"}

COLUMN_LETTER = re.compile(r"^[A-Z]{1,3}$")
QNUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_LEADING_NUM = re.compile(r"^\d+")


@dataclass(frozen=True)
class Matching:
    """Where the roles and the items are: ``roles`` role -> column (None: no column);
    ``mapped`` item id -> column (items matched to one column each); ``shared``: items left out
    because they were matched to a column another item has too (reported as such)."""

    roles: dict[str, int | None]
    mapped: dict[str, int]
    shared: frozenset[str]


def resolve_ref(lay: Layout, ref: str, usable: list[int]) -> tuple[list[int], str]:
    """Columns a MAP reference names, and how it was read."""
    raw = [j for j in usable if lay.raw_headers[j] == ref]
    if raw:  # all columns with this header text: more than one is ambiguous
        return raw, "header"
    exact = [j for j in usable if lay.columns[j] == ref]
    if exact:  # "速度#2" names the second of duplicate headers
        return exact, "header"
    if QNUMBER.match(ref):
        hits = [j for j in usable if lay.numbers[j] == ref]
        if hits:
            return hits, "question number"
    if COLUMN_LETTER.match(ref):
        for j in range(len(lay.columns)):
            if column_letter(j) == ref:
                return [j], "column letter"
    key = fold(ref)
    if key:
        hits = [j for j in usable if fold(lay.texts[j]) == key]
        if hits:
            return hits, "question or row text"
        hits = [j for j in usable if fold(lay.raw_headers[j]) == key]
        if hits:
            return hits, "header (normalised)"
    return [], ""


def auto_match(lay: Layout, tree: IndicatorTree, usable: list[int]) -> dict[str, list[int]]:
    """Item id -> candidate columns: exact texts first, then folded texts."""
    cand_exact: dict[str, set[int]] = {}
    cand_norm: dict[str, set[int]] = {}
    for j in usable:
        for t in {lay.columns[j], lay.raw_headers[j], lay.texts[j]}:
            t = t.strip()
            if not t:
                continue
            cand_exact.setdefault(t, set()).add(j)
            for key in {fold(t), fold(_LEADING_NUM.sub("", fold(t)))}:
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
                hits |= cand_norm.get(fold(k), set())
        out[item.id] = sorted(hits)
    return out


def pick_named(lay: Layout, names: Sequence[str], usable: Iterable[int]) -> int | None:
    """The first column whose header (or question text) is one of *names*, in their order."""
    for name in names:
        for j in usable:
            if nfkc(lay.raw_headers[j]) == name or lay.texts[j] == name:
                return j
    return None


def _names_no_column(lay: Layout, hits: list[int], limit: int) -> tuple[str, str]:
    more = " ..." if len(lay.columns) > limit and limit == 8 else ""
    return (
        ", ".join(lay.where(j) for j in hits) or f"headers {lay.columns[:limit]}{more}",
        "、".join(lay.where_zh(j) for j in hits) or f"表头 {lay.columns[:limit]}{more}",
    )


def find_roles(lay: Layout, imap: ImportMap | None) -> dict[str, int | None]:
    """The respondent, district and station columns: named by the map, else found by their
    usual headers (序号, 派出所, 所在分局, ...) or a short question asking for them."""
    roles: dict[str, int | None] = {"respondent": None, "district": None, "station": None}
    named = lay.named()
    for role, names in (
        ("respondent", RESPONDENT_NAMES),
        ("district", DISTRICT_NAMES),
        ("station", STATION_NAMES),
    ):
        ref = getattr(imap, role) if imap is not None else ""
        if ref:
            hits, _how = resolve_ref(lay, ref, named)
            if len(hits) == 1:
                roles[role] = hits[0]
                continue
            found, found_zh = _names_no_column(lay, hits, 10)
            lay.issues.append(
                Issue(
                    imap.loc(role) if imap else lay.loc(),
                    f"`{role}: {ref}` names "
                    + ("no column" if not hits else f"{len(hits)} columns"),
                    expected="the header text of one column",
                    found=found,
                    check="map",
                    message_zh=f"`{role}: {ref}` "
                    + ("没有对应任何列" if not hits else f"对应了 {len(hits)} 列"),
                    expected_zh="恰好一列的表头文字",
                    found_zh=found_zh,
                )
            )
            continue
        order = ("序号", *names) if role == "respondent" and lay.platform == "wjx" else names
        j = pick_named(lay, order, named)
        if j is None and role != "respondent":
            # 问卷星 / 腾讯 question such as "1、您所在的派出所"
            key = "派出所" if role == "station" else "分局"
            j = next(
                (k for k in lay.usable() if key in lay.texts[k] and len(lay.texts[k]) <= 12), None
            )
        if j is not None:
            roles[role] = j
            lay.decide(
                f"{role} taken from column {lay.where(j)}",
                f"{ROLE_ZH[role]}取自{lay.where_zh(j)}",
            )
    return roles


def match_items(
    lay: Layout, tree: IndicatorTree, imap: ImportMap | None, roles: dict[str, int | None]
) -> Matching:
    """Item id -> column, by the map's ``items:`` or by the items' texts; an item matching
    several columns, and a column matched to several items, are problems."""
    role_cols = {j for j in roles.values() if j is not None}
    item_cols = [j for j in lay.usable() if j not in role_cols]
    if imap is not None and imap.items:
        mapped = _mapped_by_map(lay, tree, imap, item_cols, sorted(role_cols))
    else:
        mapped = _mapped_by_text(lay, tree, item_cols)
    by_col: dict[int, list[str]] = {}
    for iid, j in mapped.items():
        by_col.setdefault(j, []).append(iid)
    shared: set[str] = set()
    for j, iids in by_col.items():
        if len(iids) < 2:
            continue
        where = lay.loc(lay.h + 1, lay.columns[j])
        if imap is not None and imap.items:
            line = imap.lines.get(f"items.{iids[1]}")
            where = Location(file=imap.file, line=line, column=lay.columns[j])
        lay.issues.append(
            Issue(
                where,
                f"column {lay.where(j)} is matched to {len(iids)} items: {', '.join(iids)}",
                expected="each column for one item",
                found=", ".join(iids),
                fix="Give each item its own column in the map.",
                check="mapping",
                message_zh=f"{lay.where_zh(j)}对应了 {len(iids)} 个题目：{'、'.join(iids)}",
                expected_zh="每列只对应一个题目",
                found_zh="、".join(iids),
                fix_zh="在映射文件中给每个题目各指定一列。",
            )
        )
        shared.update(iids)
    return Matching(roles, {i: j for i, j in mapped.items() if i not in shared}, frozenset(shared))


def _mapped_by_map(
    lay: Layout, tree: IndicatorTree, imap: ImportMap, item_cols: list[int], role_cols: list[int]
) -> dict[str, int]:
    item_ids = [item.id for _, item in tree.items()]
    known = set(item_ids)
    mapped: dict[str, int] = {}
    for iid, ref in imap.items.items():
        if iid not in known:
            lay.issues.append(
                Issue(
                    imap.loc(f"items.{iid}"),
                    f"`{iid}` is not an item of the tree",
                    expected=f"one of {item_ids[:6]} ...",
                    found=iid,
                    check="map",
                    message_zh=f"`{iid}` 不是指标体系中的题目",
                    found_zh=f"`{iid}`",
                    expected_zh=f"{item_ids[:6]} 等题目编号之一",
                )
            )
            continue
        hits, _how = resolve_ref(lay, ref, [*item_cols, *role_cols])
        if len(hits) == 1:
            mapped[iid] = hits[0]
            continue
        found, found_zh = _names_no_column(lay, hits, 8)
        lay.issues.append(
            Issue(
                imap.loc(f"items.{iid}"),
                f"item {iid}: `{ref}` names "
                + ("no column" if not hits else f"{len(hits)} columns"),
                expected="a header text, matrix row text, question number (5.3) or "
                "column letter naming one column",
                found=found,
                fix="Use the question number or the column letter to tell them apart."
                if hits
                else "",
                check="map",
                message_zh=f"题目 {iid}：`{ref}` "
                + ("没有对应任何列" if not hits else f"对应了 {len(hits)} 列"),
                expected_zh="恰好指明一列的表头文字、矩阵行文字、题号（5.3）或列字母",
                found_zh=found_zh,
                fix_zh="改用题号或列字母区分这几列。" if hits else "",
            )
        )
    return mapped


def _mapped_by_text(lay: Layout, tree: IndicatorTree, item_cols: list[int]) -> dict[str, int]:
    mapped: dict[str, int] = {}
    for iid, js in auto_match(lay, tree, item_cols).items():
        if len(js) == 1:
            mapped[iid] = js[0]
        elif len(js) > 1:
            lay.issues.append(
                Issue(
                    lay.loc(lay.h + 1),
                    f"item {iid} matches {len(js)} columns",
                    expected="one column per item",
                    found=", ".join(lay.where(j) for j in js),
                    fix="Name the column in a MAP.yaml (`items:`), e.g. by question number.",
                    check="mapping",
                    message_zh=f"题目 {iid} 与 {len(js)} 列相符",
                    expected_zh="每个题目一列",
                    found_zh="、".join(lay.where_zh(j) for j in js),
                    fix_zh="在 MAP.yaml 的 `items:` 中指明该列，例如写题号。",
                )
            )
    if mapped:
        lay.decide(
            f"{len(mapped)} of {len(tree.items())} items matched to columns by their text "
            "(exact, then ignoring width, spaces and punctuation)",
            f"{len(tree.items())} 个题目中有 {len(mapped)} 个按题目文字对应到列"
            "（先完全一致，再忽略全半角、空格和标点）",
        )
    return mapped


def unmatched_issues(
    lay: Layout, tree: IndicatorTree, imap: ImportMap | None, matching: Matching
) -> None:
    """A problem for every item of the tree without a column (but those of a shared column)."""
    for _, item in tree.items():
        iid = item.id
        if iid in matching.mapped or iid in matching.shared:
            continue
        text = item.text.get("zh", "")
        where = (
            imap.loc(f"items.{iid}")
            if imap is not None and iid in imap.items
            else lay.loc(lay.h + 1)
        )
        lay.issues.append(
            Issue(
                where,
                f"item {iid} of the tree has no column",
                expected=f"a column for “{text[:40]}”",
                found="no matching header",
                fix="Add it to `items:` in the map (header text, question number or column "
                "letter), or use the tree the survey used.",
                check="mapping",
                message_zh=f"指标体系中的题目 {iid} 没有对应的列",
                expected_zh=f"“{text[:40]}”的一列",
                found_zh="没有相符的表头",
                fix_zh="在映射文件的 `items:` 中补上它（表头文字、题号或列字母），"
                "或改用问卷所依据的指标体系。",
            )
        )


__all__ = [
    "DISTRICT_NAMES",
    "RESPONDENT_NAMES",
    "STATION_NAMES",
    "Matching",
    "auto_match",
    "find_roles",
    "match_items",
    "pick_named",
    "resolve_ref",
    "unmatched_issues",
]
