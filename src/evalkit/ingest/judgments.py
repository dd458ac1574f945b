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
from ..tree import IndicatorTree
from .tables import Grid, empty_cells, read_grid, sheet_names

_FRACTION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
SAATY_MIN, SAATY_MAX = 1 / 9, 9.0


@dataclass(frozen=True)
class Judgments:
    """Pairwise matrices per node: ``matrices[node_id]`` is (k, n, n) for ``experts[node_id]``."""

    matrices: dict[str, np.ndarray]
    experts: dict[str, list[str]]
    expert_weights: dict[str, float] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    file: str = ""


def parse_judgment(value: object) -> float:
    """A judgment cell as a number: 3, 0.333, "1/3", "３" -> float; empty -> NaN; junk -> -1."""
    if value is None:
        return float("nan")
    if isinstance(value, bool):
        return -1.0
    if isinstance(value, (int, float)):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return float("nan")
    m = _FRACTION.match(text)
    if m:
        den = float(m.group(2))
        return float(m.group(1)) / den if den else -1.0
    try:
        return float(text)
    except ValueError:
        return -1.0


def _block_matrices(
    grid: Grid, node_id: str, children: list[str], log: IssueLog
) -> tuple[list[str], list[np.ndarray]]:
    cols = grid.header
    n = len(children)
    need = ["expert", "item", *children]
    missing = [c for c in need if c not in cols]
    if missing:
        log.add(
            grid.loc(grid.header_row),
            f'the sheet for node "{node_id}" lacks columns',
            expected=f"columns {need}",
            found=f"no column for {missing}",
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
                expected=f"rows {children}",
                found=f"rows {block_items}",
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
                            expected="1 or an empty cell on the diagonal",
                            found=show(typed[i, j]),
                            fix="Write 1 there or leave it empty; a judgment of one item over "
                            "another belongs right of the diagonal.",
                            check="ahp",
                            message_zh=f"专家 {expert}：对角线单元格 a[{children[i]}, {children[i]}] "
                            "是指标与自身的比较，应为 1 或留空",
                        )
                        ok = False
                    continue
                if i < j:
                    if np.isnan(v):
                        log.add(
                            where,
                            f"expert {expert}: missing judgment {children[i]} vs {children[j]}",
                            expected="a value from 1/9 to 9",
                            found="an empty cell",
                            check="ahp",
                        )
                        ok = False
                    elif not (SAATY_MIN * 0.99 <= v <= SAATY_MAX * 1.01):
                        log.add(
                            where,
                            f"expert {expert}: judgment off Saaty's scale",
                            expected="a value from 1/9 to 9 (or a fraction such as 1/3)",
                            found=show(typed[i, j]),
                            check="ahp",
                        )
                        ok = False
                    else:
                        a[i, j] = v
                elif not np.isnan(v):  # lower triangle given: must be the reciprocal
                    up = raw[j, i]
                    if up > 0 and not np.isnan(up) and abs(v * up - 1) > 0.01 * max(1.0, v * up):
                        log.add(
                            where,
                            f"expert {expert}: judgment not reciprocal: a[{children[j]}, "
                            f"{children[i]}] = {_fmt(up)} but a[{children[i]}, {children[j]}] = "
                            f"{_fmt(v)}",
                            expected=f"1/{_fmt(up)}" if up >= 1 else _fmt(1 / up),
                            found=_fmt(v),
                            fix="Leave the lower triangle empty and evalkit fills it.",
                            check="ahp",
                        )
                        ok = False
        if ok:
            iu = np.triu_indices(n, 1)
            a[iu[1], iu[0]] = 1.0 / a[iu]
            names.append(str(expert))
            mats.append(a)
    return names, mats


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
                    expected=f'a sheet named "{node.id}"',
                    found=f"sheets {names}",
                    check="judgments",
                )
                continue
            grids[node.id] = read_grid(path, node.id, display=shown)
        if "experts" in names:
            eg = read_grid(path, "experts", display=shown)
            if {"expert", "weight"} <= set(eg.header):
                w = pd.to_numeric(eg.data["weight"], errors="coerce")
                for row, name, val in zip(eg.data.index, eg.data["expert"], w, strict=True):
                    if not (val > 0):
                        log.add(
                            eg.loc(int(row), "weight"),
                            "expert weight must be a positive number",
                            found=show(eg.data.at[row, "weight"]),
                            check="judgments",
                        )
                    else:
                        weights[str(name).strip()] = float(val)
    for node in tree.criteria():
        grid = grids.get(node.id)
        if grid is None:
            continue
        children = [c.id for c in node.children]
        names_, mats = _block_matrices(grid, node.id, children, log)
        if not mats and not log.errors:
            log.add(grid.loc(), f"no judgments for node {node.id}", check="judgments")
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
            log.add(grid.loc(), f"no judgments for node {node.id}", check="judgments")
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
