"""Plain n x n matrices, one sheet per expert (the sheet's name), one block per node: a header row
of item names over a column of the same names; decimals, "1/3" text, formulas (their cached
values), one triangle only or the full matrix (checked for reciprocity when assembled)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ...errors import Location, show
from ..judgments import parse_judgment
from .collect import Context
from .detect import Block, find_blocks
from .match import Hit
from .sheets import Sheet, blank


@dataclass(frozen=True)
class _Axis:
    """The labels along one side of a block: position -> text, and the matches of each."""

    name: str  # "row" | "column"
    texts: dict[int, str]
    hits: dict[int, list[Hit]]
    where: Callable[[int, str], Location]


def read_matrices(sheets: list[Sheet], ctx: Context) -> None:
    """n x n blocks, one sheet per expert (the sheet name)."""
    for s in sheets:
        blocks = find_blocks(s)
        if not blocks:
            ctx.decisions.append(f'sheet "{s.name}" ignored: no n x n matrix of item names')
            continue
        expert = ctx.collector.expert(s.name)
        one_triangle = sum(_read_block(s, b, expert, ctx) for b in blocks)
        if one_triangle:
            ctx.decisions.append(
                f'sheet "{s.name}" (expert {expert}): {one_triangle} matri'
                f"{'x' if one_triangle == 1 else 'ces'} with one triangle filled; the other "
                "filled with reciprocals"
            )


def _read_block(s: Sheet, block: Block, expert: str, ctx: Context) -> int:
    """One block's judgments collected; 1 when only one triangle of it is filled."""
    m, col = ctx.matcher, ctx.collector
    nodes = ctx.sheet_nodes(s.name)
    hr, lc = block.head, block.label_col
    texts_c = {j: str(s.cell(hr, j)).strip() for j in block.cols}
    texts_r = {i: str(s.cell(i, lc)).strip() for i in block.rows}
    columns = _Axis(
        "column",
        texts_c,
        {j: m.match(t, nodes) for j, t in texts_c.items()},
        lambda k, t: s.loc(hr, k, t),
    )
    rows = _Axis(
        "row",
        texts_r,
        {i: m.match(t, nodes) for i, t in texts_r.items()},
        lambda k, t: s.loc(k, lc, t),
    )
    votes = Counter(h.node for hs in [*columns.hits.values(), *rows.hits.values()] for h in hs)
    if not votes:
        first = block.cols[0]
        ctx.found.unresolved.append(
            (s.loc(hr, first), ", ".join(texts_c.values()), "items not in the tree")
        )
        ctx.log.add(
            s.loc(hr, first, texts_c[first]),
            "a matrix whose items are not in the tree",
            expected="item ids or names of the children of one node",
            found=", ".join(f'"{t}"' for t in texts_c.values()),
            fix="Name the items in MAP.yaml (nodes: <node>: items:).",
            check="judgments",
            message_zh="矩阵中的各项不在指标体系中",
            expected_zh="同一节点各子项的编号或名称",
            found_zh="、".join(f"“{t}”" for t in texts_c.values()),
            fix_zh="在 MAP.yaml 中写明这些子项（`nodes: <节点>: items:`）。",
        )
        return 0
    nid = votes.most_common(1)[0][0]
    cmap = _axis_items(ctx, nid, expert, columns)
    rmap = _axis_items(ctx, nid, expert, rows)
    if cmap is None or rmap is None:
        return 0
    given: set[tuple[str, str]] = set()
    for i, a in rmap.items():
        for j, b in cmap.items():
            raw = s.cell(i, j)
            loc = s.loc(i, j, texts_c[j])
            if a == b:
                if not blank(raw) and parse_judgment(raw) != 1.0:
                    _diagonal(ctx, loc, expert, nid, a, raw)
                continue
            if blank(raw):
                continue
            v = col.value(raw, loc, expert, a, b)
            if v is None:
                col.bad(nid, expert, a, b, loc)
            else:
                col.add(nid, expert, a, b, v, loc, raw)
            given.add((a, b))
    kids = [c.id for c in m.kids[nid]]
    full = all((a, b) in given and (b, a) in given for a in kids for b in kids if a < b)
    col.first.setdefault((nid, expert), s.loc(hr, lc))
    return int(not full and len(kids) > 1)


def _diagonal(ctx: Context, loc: Location, expert: str, nid: str, a: str, raw: object) -> None:
    col = ctx.collector
    ctx.log.add(
        loc,
        f"expert {expert}, node {nid}: the diagonal cell {a} vs {a} compares the item with itself",
        expected="1 or an empty cell on the diagonal",
        found=show(raw),
        fix="Write 1 there or leave it empty; a judgment of one item over another belongs off "
        "the diagonal.",
        check="judgments",
        message_zh=f"专家 {expert}，节点{col.name(nid)}：对角线单元格{col.name(a)}对{col.name(a)}"
        "是子项与自身的比较",
        expected_zh="对角线上为 1 或留空",
        found_zh=show(raw, "zh"),
        fix_zh="在那里写 1 或留空；一个子项相对另一个子项的判断应写在对角线以外。",
    )


def _axis_items(ctx: Context, nid: str, expert: str, axis: _Axis) -> dict[int, str] | None:
    """Row (or column) labels of a matrix block -> child ids of node *nid*; None after errors."""
    m, col = ctx.matcher, ctx.collector
    kids = [c.id for c in m.kids[nid]]
    out: dict[int, str] = {}
    owner: dict[str, int] = {}
    ok = True
    side_zh = "行" if axis.name == "row" else "列"
    for k, t in axis.texts.items():
        h = next((x for x in axis.hits[k] if x.node == nid), None)
        if h is None:
            ctx.found.unresolved.append((axis.where(k, t), t, f"unknown item of node {nid}"))
            ctx.log.add(
                axis.where(k, t),
                f'node {nid}: unknown item "{t}" in the matrix of expert {expert}',
                expected=f"one of {m.children_text(nid)}",
                found=repr(t),
                fix="Name the item in MAP.yaml (nodes: <node>: items:).",
                check="judgments",
                message_zh=f"节点{col.name(nid)}：专家 {expert} 的矩阵中有未知的子项“{t}”",
                expected_zh=f"{m.children_zh(nid)} 之一",
                fix_zh="在 MAP.yaml 中写明该子项（`nodes: <节点>: items:`）。",
            )
            ok = False
            continue
        if h.child in owner:
            ctx.log.add(
                axis.where(k, t),
                f"node {nid}: item {h.child} matched twice in the matrix of expert {expert}",
                expected=f"one {axis.name} per item",
                found=f'"{axis.texts[owner[h.child]]}" and "{t}"',
                check="judgments",
                message_zh=f"节点{col.name(nid)}：专家 {expert} 的矩阵中子项{col.name(h.child)}"
                "出现了两次",
                expected_zh=f"每个子项一{side_zh}",
                found_zh=f"“{axis.texts[owner[h.child]]}”和“{t}”",
            )
            ok = False
            continue
        m.note(t, h)
        owner[h.child] = k
        out[k] = h.child
    first = next(iter(axis.texts))
    for kid in kids:
        if kid not in owner:
            listed = ", ".join(f'"{t}"' for t in axis.texts.values())
            ctx.log.add(
                axis.where(first, axis.texts[first]),
                f"node {nid}: item {kid} has no {axis.name} in the matrix of expert {expert}",
                expected=f"a {axis.name} for each of {kids}",
                found=f"{axis.name}s {listed}",
                check="judgments",
                message_zh=f"节点{col.name(nid)}：专家 {expert} 的矩阵中子项{col.name(kid)}"
                f"没有对应的{side_zh}",
                expected_zh=f"{m.children_zh(nid)} 各有一{side_zh}",
                found_zh=f"各{side_zh}为 " + "、".join(f"“{t}”" for t in axis.texts.values()),
            )
            ok = False
    return out if ok else None


__all__ = ["read_matrices"]
