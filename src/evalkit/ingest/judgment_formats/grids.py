"""Grids of ticks: a pair row per comparison (item A left, item B right, or "A 比 B" in one cell)
under a header row of tick columns, one sheet per expert (the sheet's name) unless a column names
the experts. The header holds the 17 labels 9 … 1 … 9 (a paper 17-point grid: box p counted from
the left) or labels that are Saaty values themselves (9, 7, 5, 3, 1, 1/3, …: ``ticked_grid``)."""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import show
from ..tables import column_letter
from ..text import fold
from .collect import Context, Pair
from .columns import seventeen_value
from .detect import seventeen_run, value_run
from .pairs import EXPERT_HEADERS, expert_key, resolve_pair, split_candidates
from .sheets import Sheet, blank, is_label


@dataclass(frozen=True)
class GridHeader:
    """A header row of tick columns: its row, the first tick column, the value of each tick
    column, and the column of the experts' names (if any)."""

    row: int
    start: int
    values: list[float]
    expert_col: int | None


def read_grids(sheets: list[Sheet], ctx: Context, *, seventeen: bool) -> None:
    """Pair rows under a header of tick columns: 17 labels 9..1..9, or labels that are values."""
    for s in sheets:
        expert_sheet = ctx.collector.expert(s.name)
        head: GridHeader | None = None
        read = 0
        for r, row in enumerate(s.rows):
            found = _grid_header(s, r, row, ctx, seventeen=seventeen)
            if found is not None:
                head = found
            elif head is not None:
                read += _grid_row(s, r, row, head, ctx, expert_sheet)
        if read and (head is None or head.expert_col is None):
            ctx.decisions.append(
                f'sheet "{s.name}": judgments of expert "{expert_sheet}" (sheet name)'
            )
        elif not read:
            ctx.decisions.append(f'sheet "{s.name}" ignored: no pair rows under a tick header')


def _grid_header(
    s: Sheet, r: int, row: list[object], ctx: Context, *, seventeen: bool
) -> GridHeader | None:
    """Row *r* as a header of tick columns, with the experts' column left of the ticks."""
    c17 = seventeen_run(row) if seventeen else None
    run = None if seventeen else value_run(row)
    if c17 is not None:
        start, values = c17, [seventeen_value(p) for p in range(1, 18)]
    elif run is not None:
        start, values = run.start, run.values
    else:
        return None
    norm = [expert_key(v) if isinstance(v, str) else "" for v in row[:start]]
    jmap = ctx.jmap
    want = (
        [expert_key(jmap.expert_column)]
        if jmap.expert_column
        else [fold(x) for x in EXPERT_HEADERS]
    )
    ecol = None
    for name in want:
        if name in norm:
            ecol = norm.index(name)
            ctx.found.expert_columns.setdefault(s.name, str(row[ecol]).strip())
            break
    return GridHeader(r, start, values, ecol)


def _grid_row(
    s: Sheet, r: int, row: list[object], head: GridHeader, ctx: Context, expert_sheet: str
) -> int:
    """One pair row under the header: 1 when it names a pair (its tick read or reported)."""
    start, end, ecol = head.start, head.start + len(head.values), head.expert_col
    left = [(j, row[j]) for j in range(min(start, len(row))) if j != ecol and is_label(row[j])]
    right = [(j, s.cell(r, j)) for j in range(end, s.width) if is_label(s.cell(r, j))]
    marks = [
        j
        for j in range(start, end)
        if not blank(s.cell(r, j)) and fold(s.cell(r, j)) != fold(s.rows[head.row][j])
    ]
    if not left:
        if marks:
            ctx.decisions.append(
                f'sheet "{s.name}", row {r + 1}: ticks but no item names; row skipped'
            )
        return 0
    pair = _row_pair(s, r, left, right, ctx)
    if pair is None:
        return 0
    col = ctx.collector
    expert = expert_sheet
    if ecol is not None and not blank(s.cell(r, ecol)):
        expert = col.expert(s.cell(r, ecol))
    loc_row = s.loc(r, start)
    what = f"expert {expert}: {pair.a} vs {pair.b}"
    what_zh = f"专家 {expert}：{col.name(pair.a)}对{col.name(pair.b)}"
    if not marks:
        ctx.log.add(
            loc_row,
            f"{what}: missing comparison (no tick)",
            expected="a tick in one of the boxes",
            found="none",
            check="judgments",
            message_zh=f"{what_zh}：缺少比较（没有勾选）",
            expected_zh="在其中一格打勾",
            found_zh="没有",
        )
        col.bad(pair.node, expert, pair.a, pair.b, loc_row)
        return 1
    if len(marks) > 1:
        ticked = ", ".join(column_letter(j) for j in marks)
        ctx.log.add(
            loc_row,
            f"{what}: a row with {len(marks)} ticks",
            expected="one tick per row",
            found="ticks in columns " + ticked,
            check="judgments",
            message_zh=f"{what_zh}：一行有 {len(marks)} 个勾",
            expected_zh="每行一个勾",
            found_zh=f"勾在 {ticked} 列",
        )
        col.bad(pair.node, expert, pair.a, pair.b, loc_row)
        return 1
    j = marks[0]
    v = head.values[j - start]
    loc = s.loc(r, j, show(s.rows[head.row][j]).strip("'"))
    col.add(pair.node, expert, pair.a, pair.b, v, loc, s.cell(r, j))
    return 1


def _row_pair(
    s: Sheet,
    r: int,
    left: list[tuple[int, object]],
    right: list[tuple[int, object]],
    ctx: Context,
) -> Pair | None:
    """The pair a row names (the last item name left of the ticks and the first right of them,
    or one cell "A 比 B"); a row naming unknown items is a problem."""
    text_a = str(left[-1][1]).strip()
    cands = [(text_a, str(right[0][1]).strip())] if right else split_candidates(text_a)
    nodes = ctx.sheet_nodes(s.name)
    why = why_zh = ""
    for a, b in cands:
        got = resolve_pair(ctx.matcher, a, b, nodes)
        if got.pair is not None:
            return got.pair
        why, why_zh = (why, why_zh) if why else (got.why, got.why_zh)
    if cands and why:
        ctx.found.unresolved.append((s.loc(r, left[-1][0]), text_a, why))
        shown = " | ".join(f'"{x}"' for x in cands[0])
        ctx.log.add(
            s.loc(r, left[-1][0], text_a),
            f"the row names {why}",
            expected="two items of one node",
            found=shown,
            fix="Name the items in MAP.yaml (nodes: <node>: items:).",
            check="judgments",
            message_zh=f"该行写的是{why_zh}",
            expected_zh="同一节点的两个子项",
            found_zh=" | ".join(f"“{x}”" for x in cands[0]),
            fix_zh="在 MAP.yaml 中写明这些子项（`nodes: <节点>: items:`）。",
        )
    return None


__all__ = ["GridHeader", "read_grids"]
