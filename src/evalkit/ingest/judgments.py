"""Experts' AHP pairwise judgments, one matrix per expert per node with children.

Workbook layout (docs/formats.md): a sheet per node, named by the node id, with columns
``expert, item, <child ids...>`` and one n-row block per expert. ``a[i][j]`` = importance of the row
item i over the column item j. The upper triangle is read; a filled lower triangle must hold the
reciprocals (1 % tolerance). CSV: long format ``expert, node, row, column, value``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Issue, IssueLog, Location, rel, show
from ..saaty import SAATY_MAX, SAATY_MIN
from ..tree import IndicatorTree, Node
from .tables import Grid, empty_cells, odd_value, read_grid, sheet_names

_FRACTION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Judgments:
    """Pairwise matrices per node: ``matrices[node_id]`` is (k, n, n) for ``experts[node_id]``."""

    matrices: dict[str, np.ndarray]
    experts: dict[str, list[str]]
    expert_weights: dict[str, float] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    file: str = ""


def parse_judgment(value: object) -> float:
    """A judgment cell as a number: 3, 0.333, "1/3", "３" -> float; empty -> NaN; junk -> -1.

    Junk includes a TRUE/FALSE cell and anything that is not a finite number: ``inf``, ``nan``
    (text or stored as a number) and ``1e400`` would otherwise pass as a judgment or as an empty
    cell."""
    if value is None:
        return float("nan")
    if isinstance(value, (bool, np.bool_)):
        return -1.0
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value) if np.isfinite(value) else -1.0
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return float("nan")
    m = _FRACTION.match(text)
    if m:
        num, den = float(m.group(1)), float(m.group(2))
        return num / den if den and np.isfinite(num / den) and num / den > 0 else -1.0
    try:
        number = float(text)
    except ValueError:
        return -1.0
    return number if np.isfinite(number) else -1.0


@dataclass(frozen=True)
class NodeMatrices:
    """The matrices read from one node's sheet: ``matrices[k]`` (n x n, tree order) is
    ``experts[k]``'s; an expert whose block has a problem has none."""

    experts: list[str]
    matrices: list[np.ndarray]


@dataclass(frozen=True)
class _Block:
    """One expert's block of a node's sheet in the tree's order of the children: the judgments
    parsed (:func:`parse_judgment`) and as the expert typed them, and each row's Excel row."""

    expert: str
    values: np.ndarray  # (n, n) floats: NaN empty, -1 junk
    typed: np.ndarray  # (n, n) objects
    rows: np.ndarray  # (n,) Excel rows


# The problems of a judgment cell, found for a whole block at once (_cell_problems).
_DIAGONAL, _MISSING, _OFF_SCALE, _NOT_JUDGMENT, _NOT_RECIPROCAL = range(1, 6)


def _block_matrices(grid: Grid, node: Node, log: IssueLog) -> NodeMatrices:
    """Each expert's matrix of a node's sheet (columns expert, item, <children>; one block of n
    rows per expert, in any order of the rows); every problem filed in *log*, cell by cell in
    the order of the rows and columns."""
    children = [c.id for c in node.children]
    need = ["expert", "item", *children]
    missing = [c for c in need if c not in grid.header]
    if missing:
        log.add(
            grid.loc(grid.header_row),
            f'the sheet for node "{node.id}" lacks columns',
            message_zh=f"“{node.label('zh')}”的判断矩阵工作表缺少列",
            expected=f"columns {need}",
            expected_zh=f"列 {need}",
            found=f"no column for {missing}",
            found_zh=f"没有 {missing} 的列",
            check="judgments",
        )
        return NodeMatrices([], [])
    data = grid.data
    experts_col = data["expert"].astype(str).str.strip().to_numpy()
    items_col = data["item"].astype(str).str.strip().to_numpy()
    typed = data[children].to_numpy(dtype=object)
    values = np.vectorize(parse_judgment, otypes=[float])(typed)
    names: list[str] = []
    mats: list[np.ndarray] = []
    for expert in pd.unique(experts_col):
        rows = np.flatnonzero(experts_col == expert)
        excel_rows = data.index.to_numpy()[rows]
        block_items = items_col[rows].tolist()
        if sorted(block_items) != sorted(children):
            log.add(
                grid.loc(int(excel_rows[0]), "item"),
                f"expert {expert}: the block must have one row per item of node {node.id}",
                message_zh=f"专家 {expert}：判断矩阵应对“{node.label('zh')}”的每个下级指标各有一行",
                expected=f"rows {children}",
                expected_zh=f"行 {children}",
                found=f"rows {block_items}",
                found_zh=f"行 {block_items}",
                check="judgments",
            )
            continue
        order = [block_items.index(c) for c in children]
        block = _Block(expert, values[rows][order], typed[rows][order], excel_rows[order])
        problems = _cell_problems(block.values)
        for i, j in zip(*np.nonzero(problems), strict=True):
            _file_cell_problem(log, grid, node, block, int(problems[i, j]), int(i), int(j))
        if not problems.any():
            names.append(str(expert))
            mats.append(_reciprocal_matrix(block.values))
    return NodeMatrices(names, mats)


def _cell_problems(values: np.ndarray) -> np.ndarray:
    """Per cell of an expert's (n, n) block of parsed judgments, 0 or its problem (vectorised):
    a diagonal cell neither 1 nor empty; an empty cell or a value off Saaty's scale (1/9..9, 1 %
    tolerance) above the diagonal; below it, a cell that is no judgment, or no reciprocal of the
    judgment above (1 % tolerance) - an empty one is filled from above."""
    n = len(values)
    i, j = np.indices((n, n))
    empty = np.isnan(values)
    above = values.T  # a[j, i] at (i, j)
    on_scale = (values >= SAATY_MIN * 0.99) & (values <= SAATY_MAX * 1.01)
    with np.errstate(over="ignore", invalid="ignore"):
        product = values * above
        unmatched = np.abs(product - 1) > 0.01 * np.maximum(1.0, product)
    return np.select(
        [
            (i == j) & ~(empty | (np.abs(values - 1) < 1e-9)),
            (i < j) & empty,
            (i < j) & ~on_scale,
            (i > j) & ~empty & (values <= 0),
            (i > j) & ~empty & (above > 0) & ~np.isnan(above) & unmatched,
        ],
        [_DIAGONAL, _MISSING, _OFF_SCALE, _NOT_JUDGMENT, _NOT_RECIPROCAL],
        default=0,
    )


def _reciprocal_matrix(values: np.ndarray) -> np.ndarray:
    """The pairwise matrix of a block without problems: the judgments above the diagonal, their
    reciprocals below it, 1 on it."""
    n = len(values)
    a = np.ones((n, n))
    iu = np.triu_indices(n, 1)
    a[iu] = values[iu]
    a[iu[1], iu[0]] = 1.0 / a[iu]
    return a


def _file_cell_problem(
    log: IssueLog, grid: Grid, node: Node, block: _Block, problem: int, i: int, j: int
) -> None:
    """The issue of cell a[i, j] of *block* (a problem of :func:`_cell_problems`)."""
    children = [c.id for c in node.children]
    zh = [c.label("zh") for c in node.children]  # the children's Chinese names, for zh texts
    expert, v, typed = block.expert, block.values[i, j], block.typed[i, j]
    where = grid.loc(int(block.rows[i]), children[j])
    if problem == _DIAGONAL:
        log.add(
            where,
            f"expert {expert}: the diagonal cell a[{children[i]}, {children[i]}] "
            "compares the item with itself",
            message_zh=f"专家 {expert}：对角线单元格 a[{zh[i]}, {zh[i]}] "
            "是指标与自身的比较，应为 1 或留空",
            expected="1 or an empty cell on the diagonal",
            expected_zh="对角线上为 1 或空单元格",
            found=_shown(typed),
            found_zh=_shown(typed, "zh"),
            fix="Write 1 there or leave it empty; a judgment of one item over "
            "another belongs right of the diagonal.",
            fix_zh="在此填 1 或留空；一个指标相对另一个指标的判断应填在对角线右侧。",
            check="ahp",
        )
    elif problem == _MISSING:
        log.add(
            where,
            f"expert {expert}: missing judgment {children[i]} vs {children[j]}",
            message_zh=f"专家 {expert}：缺少“{zh[i]}”与“{zh[j]}”的比较判断",
            expected="a value from 1/9 to 9",
            expected_zh="1/9 到 9 之间的值",
            found="an empty cell",
            found_zh="空单元格",
            check="ahp",
        )
    elif problem == _OFF_SCALE:
        log.add(
            where,
            f"expert {expert}: judgment off Saaty's scale",
            message_zh=f"专家 {expert}：判断值超出 Saaty 标度",
            expected="a value from 1/9 to 9 (or a fraction such as 1/3)",
            expected_zh="1/9 到 9 之间的值（或 1/3 这样的分数）",
            found=_shown(typed),
            found_zh=_shown(typed, "zh"),
            check="ahp",
        )
    elif problem == _NOT_JUDGMENT:  # text, TRUE/FALSE, inf, nan below the diagonal
        log.add(
            where,
            f"expert {expert}: a[{children[i]}, {children[j]}] below the diagonal is not a "
            "judgment",
            message_zh=f"专家 {expert}：对角线下方的 a[{zh[i]}, {zh[j]}] 不是判断值",
            expected="an empty cell, or the reciprocal of the judgment above the diagonal",
            expected_zh="空单元格，或对角线上方对应判断的倒数",
            found=_shown(typed),
            found_zh=_shown(typed, "zh"),
            fix="Leave the lower triangle empty and evalkit fills it.",
            fix_zh="下三角留空即可，evalkit 会自动填入倒数。",
            check="ahp",
        )
    else:
        up = block.values[j, i]
        log.add(
            where,
            f"expert {expert}: judgment not reciprocal: a[{children[j]}, "
            f"{children[i]}] = {_fmt(up)} but a[{children[i]}, {children[j]}] = "
            f"{_fmt(v)}",
            message_zh=f"专家 {expert}：判断不互为倒数：a[{zh[j]}, {zh[i]}] = "
            f"{_fmt(up)}，而 a[{zh[i]}, {zh[j]}] = {_fmt(v)}",
            expected=f"1/{_fmt(up)}" if up >= 1 else _fmt(1 / up),
            found=_fmt(v),
            fix="Leave the lower triangle empty and evalkit fills it.",
            fix_zh="下三角留空即可，evalkit 会自动填入倒数。",
            check="ahp",
        )


def _shown(value: object, lang: str = "en") -> str:
    """A judgment cell as the user typed it, saying what a TRUE/FALSE, infinite or NaN cell is."""
    odd = odd_value(value)
    if odd is not None:
        return odd[1] if lang == "zh" else odd[0]
    return show(value, lang)


def _fmt(v: float) -> str:
    if v >= 1:
        return f"{v:g}"
    inv = 1 / v
    return f"1/{round(inv):d}" if abs(inv - round(inv)) < 0.02 else f"{v:.3g}"


def load_judgments(path: Path, tree: IndicatorTree, *, base: Path | None = None) -> Judgments:
    """Read an experts workbook (or long CSV); raise DataError listing every problem."""
    path = Path(path)
    shown = rel(path, base)
    log = IssueLog()
    matrices: dict[str, np.ndarray] = {}
    experts: dict[str, list[str]] = {}
    weights: dict[str, float] = {}
    if path.suffix.lower() == ".csv":
        grids = _long_csv_grids(path, tree, shown, log)
    else:
        names = sheet_names(path, display=shown)
        grids = {}
        for node in tree.criteria():
            if node.id not in names:
                log.add(
                    Location(file=shown),
                    f'no sheet for node "{node.id}" ({node.name.get("en", "")})',
                    message_zh=f"缺少“{node.label('zh')}”的判断矩阵工作表",
                    expected=f'a sheet named "{node.id}"',
                    expected_zh=f"名为“{node.id}”的工作表",
                    found=f"sheets {names}",
                    found_zh=f"工作表 {names}",
                    check="judgments",
                )
                continue
            grids[node.id] = read_grid(path, node.id, display=shown)
        if "experts" in names:
            eg = read_grid(path, "experts", display=shown)
            if {"expert", "weight"} <= set(eg.header):
                w = eg.numbers["weight"]  # NaN for text, TRUE/FALSE, inf and nan
                for row, name, val in zip(eg.data.index, eg.data["expert"], w, strict=True):
                    if not (val > 0):
                        cell = eg.data.at[row, "weight"]
                        found, found_zh = odd_value(cell) or (show(cell), show(cell, "zh"))
                        log.add(
                            eg.loc(int(row), "weight"),
                            "expert weight must be a positive number",
                            message_zh="专家权重必须是正数",
                            found=found,
                            found_zh=found_zh,
                            check="judgments",
                        )
                    else:
                        weights[str(name).strip()] = float(val)
    for node in tree.criteria():
        grid = grids.get(node.id)
        if grid is None:
            continue
        read = _block_matrices(grid, node, log)
        if not read.matrices and not log.errors:
            log.add(
                grid.loc(),
                f"no judgments for node {node.id}",
                message_zh=f"没有“{node.label('zh')}”的判断",
                check="judgments",
            )
        if read.matrices:
            matrices[node.id] = np.stack(read.matrices)
            experts[node.id] = read.experts
    log.raise_if_errors(DataError)
    return Judgments(matrices, experts, weights, log.warnings, shown)


def _long_csv_grids(path: Path, tree: IndicatorTree, shown: str, log: IssueLog) -> dict[str, Grid]:
    """Reshape the long CSV (expert, node, row, column, value) into per-node block grids."""
    grid = read_grid(path, display=shown)
    need = ["expert", "node", "row", "column", "value"]
    if any(c not in grid.header for c in need):
        log.add(
            grid.loc(grid.header_row),
            "the judgments CSV needs columns",
            message_zh="判断矩阵 CSV 文件缺少必需的列",
            expected=str(need),
            found=str(grid.header),
            check="judgments",
        )
        return {}
    d = grid.data.copy()
    empty = empty_cells(d[need[:4]]).any(axis=1)
    d = d[~empty.to_numpy()]
    out: dict[str, Grid] = {}
    for node in tree.criteria():
        children = [c.id for c in node.children]
        sub = d[d["node"].astype(str).str.strip() == node.id]
        if sub.empty:
            log.add(
                grid.loc(),
                f"no judgments for node {node.id}",
                message_zh=f"没有“{node.label('zh')}”的判断",
                check="judgments",
            )
            continue
        blocks = []
        for expert in pd.unique(sub["expert"].astype(str).str.strip()):
            e = sub[sub["expert"].astype(str).str.strip() == expert]
            block = pd.DataFrame("", index=children, columns=children, dtype=object)
            for row_idx, r in e.iterrows():
                ri, cj = str(r["row"]).strip(), str(r["column"]).strip()
                if ri not in children or cj not in children:
                    log.add(
                        grid.loc(int(row_idx), "row" if ri not in children else "column"),
                        f"unknown item for node {node.id}",
                        message_zh=f"“{node.label('zh')}”没有这个下级指标",
                        expected=str(children),
                        found=repr(ri if ri not in children else cj),
                        check="judgments",
                    )
                    continue
                block.loc[ri, cj] = r["value"]
            block.insert(0, "item", children)
            block.insert(0, "expert", expert)
            blocks.append(block)
        frame = pd.concat(blocks, ignore_index=True)
        frame.index = pd.RangeIndex(2, len(frame) + 2)
        out[node.id] = Grid(shown, node.id, list(frame.columns), frame, 1)
    return out
