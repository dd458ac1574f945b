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


def _block_matrices(grid: Grid, node: Node, log: IssueLog) -> tuple[list[str], list[np.ndarray]]:
    node_id = node.id
    children = [c.id for c in node.children]
    zh = [c.label("zh") for c in node.children]  # the children's Chinese names, for zh texts
    node_zh = node.label("zh")
    cols = grid.header
    n = len(children)
    need = ["expert", "item", *children]
    missing = [c for c in need if c not in cols]
    if missing:
        log.add(
            grid.loc(grid.header_row),
            f'the sheet for node "{node_id}" lacks columns',
            message_zh=f"“{node_zh}”的判断矩阵工作表缺少列",
            expected=f"columns {need}",
            expected_zh=f"列 {need}",
            found=f"no column for {missing}",
            found_zh=f"没有 {missing} 的列",
            check="judgments",
        )
        return [], []
    data = grid.data
    experts_col = data["expert"].astype(str).str.strip()
    items_col = data["item"].astype(str).str.strip()
    cells = data[children]
    values = np.vectorize(parse_judgment, otypes=[float])(cells.to_numpy(dtype=object))
    names: list[str] = []
    mats: list[np.ndarray] = []
    for expert in pd.unique(experts_col):
        rows = np.flatnonzero(experts_col.to_numpy() == expert)
        excel_rows = data.index.to_numpy()[rows]
        block_items = items_col.to_numpy()[rows].tolist()
        if sorted(block_items) != sorted(children):
            log.add(
                grid.loc(int(excel_rows[0]), "item"),
                f"expert {expert}: the block must have one row per item of node {node_id}",
                message_zh=f"专家 {expert}：判断矩阵应对“{node_zh}”的每个下级指标各有一行",
                expected=f"rows {children}",
                expected_zh=f"行 {children}",
                found=f"rows {block_items}",
                found_zh=f"行 {block_items}",
                check="judgments",
            )
            continue
        order = [block_items.index(c) for c in children]
        raw = values[rows][order]  # (n, n) in tree order
        typed = cells.to_numpy(dtype=object)[rows][order]  # the cells as the expert typed them
        erows = excel_rows[order]
        a = np.ones((n, n))
        ok = True
        for i in range(n):
            for j in range(n):
                v = raw[i, j]
                where = grid.loc(int(erows[i]), children[j])
                if i == j:
                    if not (np.isnan(v) or abs(v - 1) < 1e-9):
                        log.add(
                            where,
                            f"expert {expert}: the diagonal cell a[{children[i]}, {children[i]}] "
                            "compares the item with itself",
                            message_zh=f"专家 {expert}：对角线单元格 a[{zh[i]}, {zh[i]}] "
                            "是指标与自身的比较，应为 1 或留空",
                            expected="1 or an empty cell on the diagonal",
                            expected_zh="对角线上为 1 或空单元格",
                            found=_shown(typed[i, j]),
                            found_zh=_shown(typed[i, j], "zh"),
                            fix="Write 1 there or leave it empty; a judgment of one item over "
                            "another belongs right of the diagonal.",
                            fix_zh="在此填 1 或留空；一个指标相对另一个指标的判断应填在对角线右侧。",
                            check="ahp",
                        )
                        ok = False
                    continue
                if i < j:
                    if np.isnan(v):
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
                        ok = False
                    elif not (SAATY_MIN * 0.99 <= v <= SAATY_MAX * 1.01):
                        log.add(
                            where,
                            f"expert {expert}: judgment off Saaty's scale",
                            message_zh=f"专家 {expert}：判断值超出 Saaty 标度",
                            expected="a value from 1/9 to 9 (or a fraction such as 1/3)",
                            expected_zh="1/9 到 9 之间的值（或 1/3 这样的分数）",
                            found=_shown(typed[i, j]),
                            found_zh=_shown(typed[i, j], "zh"),
                            check="ahp",
                        )
                        ok = False
                    else:
                        a[i, j] = v
                elif not np.isnan(v):  # lower triangle given: must be the reciprocal
                    up = raw[j, i]
                    if v <= 0:  # text, TRUE/FALSE, inf, nan
                        log.add(
                            where,
                            f"expert {expert}: a[{children[i]}, {children[j]}] below the "
                            "diagonal is not a judgment",
                            message_zh=f"专家 {expert}：对角线下方的 a[{zh[i]}, {zh[j]}] 不是判断值",
                            expected="an empty cell, or the reciprocal of the judgment above the "
                            "diagonal",
                            expected_zh="空单元格，或对角线上方对应判断的倒数",
                            found=_shown(typed[i, j]),
                            found_zh=_shown(typed[i, j], "zh"),
                            fix="Leave the lower triangle empty and evalkit fills it.",
                            fix_zh="下三角留空即可，evalkit 会自动填入倒数。",
                            check="ahp",
                        )
                        ok = False
                    elif up > 0 and not np.isnan(up) and abs(v * up - 1) > 0.01 * max(1.0, v * up):
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
                        ok = False
        if ok:
            iu = np.triu_indices(n, 1)
            a[iu[1], iu[0]] = 1.0 / a[iu]
            names.append(str(expert))
            mats.append(a)
    return names, mats


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
        names_, mats = _block_matrices(grid, node, log)
        if not mats and not log.errors:
            log.add(
                grid.loc(),
                f"no judgments for node {node.id}",
                message_zh=f"没有“{node.label('zh')}”的判断",
                check="judgments",
            )
        if mats:
            matrices[node.id] = np.stack(mats)
            experts[node.id] = names_
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
