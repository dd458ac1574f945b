"""A judgments file read without raising for its problems: the layout detected (or named by the
map) and the reader of that layout run over the sheets not ignored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...errors import DataError, IssueLog, Location
from ...tree import IndicatorTree
from ..tables import read_rows
from .collect import Collector, Context, Found
from .columns import read_pair_columns
from .detect import detect, seventeen_run
from .grids import read_grids
from .mapfile import JudgmentMap
from .match import Matcher
from .matrices import read_matrices
from .sheets import Sheet, read_book

_POSITIONS = "p <= 9 -> a_AB = 10 - p; p >= 10 -> a_AB = 1/(p - 8) (A left, B right)"


@dataclass(frozen=True)
class Reading:
    """A judgments file read without raising for its problems (they are in ``log``)."""

    path: Path
    layout: str
    why: str
    decisions: list[str]
    log: IssueLog
    matcher: Matcher
    collector: Collector
    found: Found
    evalkit: bool = False  # evalkit's own format: read by load_judgments
    refused: bool = False  # a 17-point 按文本 download: nothing read
    grid: bool = False  # a 17-point paper grid (not a column per pair)


def read(path: Path, tree: IndicatorTree, jmap: JudgmentMap) -> Reading:
    """Detect the layout and read every judgment; DataError only when no layout is found."""
    m = Matcher(tree, jmap)
    ctx = Context(m, Collector(IssueLog(), jmap, m.zh), jmap, [], Found())

    def reading(layout: str, why: str, **kw: bool) -> Reading:
        return Reading(path, layout, why, ctx.decisions, ctx.log, m, ctx.collector, ctx.found, **kw)

    if jmap.layout == "evalkit" or (
        jmap.layout is None and path.suffix.lower() == ".csv" and _is_long_csv(path)
    ):
        why = "MAP.yaml" if jmap.layout else "a long CSV: expert, node, row, column, value"
        ctx.decisions.append(f"layout evalkit ({why})")
        return reading("evalkit", why, evalkit=True)
    sheets = read_book(path, str(path))
    if jmap.layout is not None:
        layout, why = jmap.layout, "MAP.yaml"
        ctx.decisions.append(f"layout {layout} (MAP.yaml)")
    else:
        found = detect(sheets, jmap)
        layout, why = found.layout, found.why
        ctx.decisions.append(f"layout {layout} detected: {why}")
    if layout == "evalkit":
        return reading(layout, why, evalkit=True)
    for name in jmap.ignore_sheets:
        ctx.decisions.append(f'sheet "{name}" ignored (MAP.yaml)')
    use = [s for s in sheets if s.name not in jmap.ignore_sheets]
    if layout == "seventeen_point":
        return _seventeen(path, use, ctx, reading, why)
    if layout == "ticked_grid":
        read_grids(use, ctx, seventeen=False)
    elif layout == "matrix_per_sheet":
        read_matrices(use, ctx)
    else:
        read_pair_columns(use, ctx, positions=False)
    return reading(layout, why)


def _seventeen(
    path: Path, use: list[Sheet], ctx: Context, reading: Callable[..., Reading], why: str
) -> Reading:
    """A 17-point paper grid, or a 问卷星 按序号 export (a 按文本 one is refused: its labels repeat
    on both sides of the scale)."""
    layout = "seventeen_point"
    if any(seventeen_run(row) is not None for s in use for row in s.rows):
        ctx.decisions.append("17-point paper grid: box p = 1..17 from the left of the 17 labels")
        read_grids(use, ctx, seventeen=True)
        ctx.decisions.append(_POSITIONS)
        return reading(layout, why, grid=True)
    if "按文本" in path.name:
        twin = path.with_name(path.name.replace("按文本", "按序号"))
        ctx.log.add(
            Location(file=str(path)),
            "a 问卷星 按文本 download of 17-point judgments cannot be read",
            expected="the 按序号 download (cells 1..17: the box counted from the left)",
            found="option labels, which repeat on both sides of the scale (9 … 1 … 9), "
            "so they do not say which item is the more important",
            fix=f"Import {twin.name} instead."
            if twin.exists()
            else "Download the answers 按序号 (by option number) and import that file.",
            check="judgments",
            message_zh="问卷星按文本下载的 17 点标度判断无法读取",
            expected_zh="按序号下载文件（单元格为 1 到 17：从左数第几格）",
            found_zh="选项文字：标度两侧的文字相同（9 … 1 … 9），看不出哪一项更重要",
            fix_zh=f"改为导入 {twin.name}。"
            if twin.exists()
            else "按序号（按选项序号）下载答卷，再导入该文件。",
        )
        return reading(layout, why, refused=True)
    ctx.decisions.append("17-point export: each cell is the position p = 1..17 from the left")
    read_pair_columns(use, ctx, positions=True)
    ctx.decisions.append(_POSITIONS)
    return reading(layout, why)


def _is_long_csv(path: Path) -> bool:
    try:
        _, rows, _ = read_rows(path, None)
    except DataError:
        return False
    head = [str(v).strip() for v in rows[0]] if rows else []
    return {"expert", "node", "row", "column", "value"} <= set(head)


__all__ = ["Reading", "read"]
