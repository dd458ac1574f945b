"""Files with one row per expert and one column per pair ("A vs B"): Saaty values
(``row_per_expert``), or 17-point positions p = 1..17 (a 问卷星 按序号 ``seventeen_point``
export: p <= 9 -> a_AB = 10 - p; p >= 10 -> a_AB = 1 / (p - 8))."""

from __future__ import annotations

import numpy as np

from ...errors import Location, show
from ..judgments import parse_judgment
from ..tables import column_letter
from ..text import fold
from .collect import Collector, Context, Pair
from .pairs import EXPERT_HEADERS, expert_key, header_pair
from .sheets import Sheet, blank, date_text, header_row, is_date


def seventeen_value(p: int) -> float:
    """a_AB for box p (1..17, from the left) of the row "A | 9 ... 1 ... 9 | B"."""
    if not 1 <= p <= 17:
        raise ValueError(f"position {p} is not 1..17")
    return float(10 - p) if p <= 9 else 1.0 / (p - 8)


def read_pair_columns(sheets: list[Sheet], ctx: Context, *, positions: bool) -> None:
    """One row per expert, one column per pair: Saaty values, or 17-point positions."""
    col = ctx.collector
    auto_names = 0  # experts without a name are numbered across the sheets
    for s in sheets:
        h = header_row(s)
        if h is None:
            continue
        header = [str(v).strip() if not blank(v) else "" for v in s.rows[h]]
        ecol = _expert_column(s, header, ctx)
        pair_cols = _pair_columns(s, h, header, ecol, ctx)
        if not pair_cols:
            ctx.decisions.append(f'sheet "{s.name}" ignored: no column names a pair of items')
            continue
        if ecol is not None:
            ctx.found.expert_columns[s.name] = header[ecol]
        for r in range(h + 1, s.height):
            if all(blank(s.cell(r, j)) for j in pair_cols):
                continue
            if ecol is not None and not blank(s.cell(r, ecol)):
                expert = col.expert(s.cell(r, ecol))
            else:
                auto_names += 1
                expert = col.expert(f"E{auto_names:02d}")
                ctx.decisions.append(
                    f'sheet "{s.name}", row {r + 1}: no expert name; called "{expert}"'
                )
            for j, pair in pair_cols.items():
                raw = s.cell(r, j)
                loc = s.loc(r, j, header[j])
                if positions:
                    v = _position_value(raw, loc, expert, pair, col)
                else:
                    v = col.value(raw, loc, expert, pair.a, pair.b)
                if v is None:
                    col.bad(pair.node, expert, pair.a, pair.b, loc)
                else:
                    col.add(pair.node, expert, pair.a, pair.b, v, loc, raw)


def _expert_column(s: Sheet, header: list[str], ctx: Context) -> int | None:
    """The column of the experts' names: the map's, else the first usual header (专家, 姓名,
    您的姓名, ...; a question text counts)."""
    jmap = ctx.jmap
    if jmap.expert_column is not None:
        if jmap.expert_column in header:
            return header.index(jmap.expert_column)
        ctx.decisions.append(
            f'sheet "{s.name}": no column "{jmap.expert_column}" (MAP.yaml '
            "experts.column); experts named by row"
        )
        return None
    norm = [expert_key(x) for x in header]
    for name in EXPERT_HEADERS:
        if fold(name) in norm:
            ecol = norm.index(fold(name))
            ctx.decisions.append(
                f'sheet "{s.name}": expert names from column {column_letter(ecol)} '
                f'("{header[ecol]}")'
            )
            return ecol
    return None


def _pair_columns(
    s: Sheet, h: int, header: list[str], ecol: int | None, ctx: Context
) -> dict[int, Pair]:
    """Column -> the pair its header names; a header naming unknown items, or a pair given two
    columns, is a problem; other headers are ignored (and said so)."""
    m, found, log = ctx.matcher, ctx.found, ctx.log
    nodes = ctx.sheet_nodes(s.name)
    pair_cols: dict[int, Pair] = {}
    seen: dict[tuple[str, frozenset[str]], int] = {}
    ignored = []
    for j, text in enumerate(header):
        if not text or j == ecol:
            continue
        got = header_pair(m, ctx.jmap, text, nodes)
        pair = got.pair
        if pair is None:
            if got.why:
                found.unresolved.append((s.loc(h, j, text), text, got.why))
                wanted = sorted(nodes or m.kids)
                log.add(
                    s.loc(h, j, text),
                    f"the column names {got.why}",
                    expected="two items of one node: "
                    + "; ".join(f"{nid}: {m.children_text(nid)}" for nid in wanted)[:600],
                    found=repr(text),
                    fix="Name the items in MAP.yaml (nodes: <node>: items: or pairs:).",
                    check="judgments",
                    message_zh=f"该列的表头写的是{got.why_zh}",
                    expected_zh="同一节点的两个子项："
                    + "；".join(f"“{m.zh[nid]}”：{m.children_zh(nid)}" for nid in wanted)[:600],
                    fix_zh="在 MAP.yaml 中写明这些子项（`nodes: <节点>: items:` 或 `pairs:`）。",
                )
            else:
                ignored.append(text)
            continue
        key = (pair.node, frozenset((pair.a, pair.b)))
        if key in seen:
            k = seen[key]
            a, b = ctx.collector.name(pair.a), ctx.collector.name(pair.b)
            log.add(
                s.loc(h, j, text),
                f"node {pair.node}: the comparison {pair.a} vs {pair.b} has two columns",
                expected="one column per pair",
                found=f'columns {column_letter(k)} ("{header[k]}") and {column_letter(j)} '
                f'("{text}")',
                check="judgments",
                message_zh=f"节点{ctx.collector.name(pair.node)}：{a}对{b}的比较有两列",
                expected_zh="每一对一列",
                found_zh=f"{column_letter(k)} 列（“{header[k]}”）和 {column_letter(j)} 列"
                f"（“{text}”）",
            )
            continue
        seen[key] = j
        pair_cols[j] = pair
        found.pair_columns.append((s.loc(h, j), text, pair))
    if pair_cols and ignored:
        ctx.decisions.append(
            f'sheet "{s.name}": columns ignored (they name no pair): '
            + ", ".join(f'"{t}"' for t in ignored)
        )
    return pair_cols


def _position_value(
    raw: object, loc: Location, expert: str, pair: Pair, col: Collector
) -> float | None:
    """The 17-point position in a platform export's cell as a_AB."""
    what = f"expert {expert}: {pair.a} vs {pair.b}"
    what_zh = f"专家 {expert}：{col.name(pair.a)}对{col.name(pair.b)}"
    p = float("nan") if is_date(raw) else parse_judgment(raw)
    if not is_date(raw) and np.isnan(p):
        col.log.add(
            loc,
            f"{what}: missing comparison",
            expected="a position 1 to 17 on the 17-point scale",
            found="an empty cell",
            check="judgments",
            message_zh=f"{what_zh}：缺少比较",
            expected_zh="17 点标度上 1 到 17 的位置",
            found_zh="空单元格",
        )
        return None
    if is_date(raw) or p != int(p) or not 1 <= p <= 17:
        shown = date_text(raw) if is_date(raw) else show(raw)
        col.log.add(
            loc,
            f"{what}: not a position on the 17-point scale",
            expected="a whole number 1 to 17 (the box counted from the left)",
            found=shown,
            check="judgments",
            message_zh=f"{what_zh}：不是 17 点标度上的位置",
            expected_zh="1 到 17 的整数（从左数第几格）",
            found_zh=date_text(raw) if is_date(raw) else show(raw, "zh"),
        )
        return None
    return seventeen_value(int(p))


__all__ = ["read_pair_columns", "seventeen_value"]
