"""Seeded generator of experts' AHP questionnaires in every layout ``import-judgments`` reads.

``truth(tree, experts, seed)`` draws one reciprocal matrix per expert and node on Saaty's scale; each
``write_*`` function writes the same judgments in one layout, so an import must give them back.
Options plant the faults the error tests look for (a date cell, two ticks, an unknown item, ...).
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from pathlib import Path

import numpy as np
import openpyxl
import xlsxwriter

from evalkit.tree import IndicatorTree
from evalkit.weights.ahp import SAATY_SCALE, saaty_round

EXPERTS = ("E01", "E02", "E03")
SEED = 20261101
_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
SEVENTEEN = [9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9]
VALUE_LABELS = [str(k) for k in range(9, 0, -1)] + [f"1/{k}" for k in range(2, 10)]


def truth(
    tree: IndicatorTree, experts: tuple[str, ...] = EXPERTS, seed: int = SEED
) -> dict[str, np.ndarray]:
    """Per node a (k, n, n) stack: half near-consistent (rounded w_i/w_j), half drawn at random."""
    rng = np.random.default_rng(seed)
    out = {}
    for node in tree.criteria():
        n = len(node.children)
        mats = []
        for e in range(len(experts)):
            a = np.ones((n, n))
            w = rng.gamma(2.0, size=n)
            for i, j in combinations(range(n), 2):
                if e % 2 == 0:
                    v = float(saaty_round(np.clip(w[i] / w[j], 1 / 9, 9)))
                else:
                    v = float(rng.choice(SAATY_SCALE))
                v = float(round(v)) if v >= 1 else 1.0 / round(1 / v)
                a[i, j], a[j, i] = v, 1.0 / v
            mats.append(a)
        out[node.id] = np.stack(mats)
    return out


def text(v: float) -> str:
    """A Saaty value as an expert types it: "3", "1/3" (other values: "2.5", "0.4")."""
    if v >= 1:
        return str(round(v)) if v == round(v) else f"{v:g}"
    return f"1/{round(1 / v)}" if abs(1 / v - round(1 / v)) < 1e-9 else f"{v:g}"


def position(v: float) -> int:
    """The 17-point box (1..17 from the left) of a_AB = v."""
    return 10 - round(v) if v >= 1 else 8 + round(1 / v)


def _names(tree: IndicatorTree, node_id: str, style: str) -> list[str]:
    kids = tree.node(node_id).children
    if style == "id":
        return [c.id for c in kids]
    return [c.name[style] for c in kids]


def _pairs(n: int, rng: np.random.Generator, flip: bool = True) -> list[tuple[int, int]]:
    """All pairs i < j, some turned round (B, A) as questionnaires sometimes ask them."""
    out = []
    for i, j in combinations(range(n), 2):
        out.append((j, i) if flip and rng.random() < 0.25 else (i, j))
    return out


def write_seventeen_export(
    tree: IndicatorTree,
    mats: dict[str, np.ndarray],
    path: Path,
    *,
    experts: tuple[str, ...] = EXPERTS,
    seed: int = SEED,
    blank: tuple[int, int] | None = None,
    duplicate_column: bool = False,
) -> Path:
    """问卷星 按序号 export: one row per expert, one column "q.(A 比 B)" per pair, cells 1..17."""
    rng = np.random.default_rng(seed + 1)
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    ws = wb.add_worksheet("Sheet1")
    head = ["序号", "提交答卷时间", "所用时间", "专家姓名"]
    cols: list[tuple[str, int, int]] = []
    q = 1
    for k, node in enumerate(tree.criteria()):
        names = _names(tree, node.id, "zh" if k % 2 == 0 else "en")
        for i, j in _pairs(len(names), rng):
            sep = " 比 " if k % 2 == 0 else " vs "
            head.append(f"{q}.({names[i]}{sep}{names[j]})")
            cols.append((node.id, i, j))
            q += 1
    if duplicate_column:
        node_id, i, j = cols[0]
        en = _names(tree, node_id, "en")
        head.append(f"{q}.({en[i]} vs {en[j]})")
        cols.append(cols[0])
    for c, h in enumerate(head):
        ws.write_string(0, c, h)
    for r, expert in enumerate(experts, start=1):
        ws.write_number(r, 0, r)
        ws.write_string(r, 1, f"2026/10/{r:02d} 09:{r:02d}:00")
        ws.write_string(r, 2, f"{300 + r}秒")
        ws.write_string(r, 3, expert)
        for c, (node_id, i, j) in enumerate(cols, start=4):
            if blank == (r - 1, c - 4):
                continue
            ws.write_number(r, c, position(mats[node_id][r - 1, i, j]))
    wb.close()
    return path


def write_seventeen_grid(
    tree: IndicatorTree,
    mats: dict[str, np.ndarray],
    path: Path,
    *,
    experts: tuple[str, ...] = EXPERTS,
    seed: int = SEED,
    two_ticks: tuple[str, int] | None = None,
) -> Path:
    """Paper-style grid: a sheet per expert; per node a title, the 9..1..9 header, "√" per row."""
    rng = np.random.default_rng(seed + 2)
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    notes = wb.add_worksheet("说明")
    notes.write_string(0, 0, "请在每行选择一个格子打√；靠左表示左列因素更重要。")
    for e, expert in enumerate(experts):
        ws = wb.add_worksheet(expert)
        ws.write_string(0, 0, f"专家：{expert}")
        r = 2
        for node in tree.criteria():
            names = _names(tree, node.id, "zh")
            ws.write_string(r, 0, f"{node.name['zh']}下各指标的相对重要性")
            r += 1
            ws.write_string(r, 0, "因素A")
            for c, lab in enumerate(SEVENTEEN, start=1):
                ws.write_number(r, c, lab)
            ws.write_string(r, 18, "因素B")
            r += 1
            for i, j in _pairs(len(names), rng):
                ws.write_string(r, 0, names[i])
                ws.write_string(r, 18, names[j])
                p = position(mats[node.id][e, i, j])
                ws.write_string(r, p, "√")
                if two_ticks == (expert, r):
                    ws.write_string(r, 1 if p != 1 else 2, "√")
                r += 1
            r += 1
    wb.close()
    return path


def write_ticked_grid(
    tree: IndicatorTree,
    mats: dict[str, np.ndarray],
    path: Path,
    *,
    experts: tuple[str, ...] = EXPERTS,
    seed: int = SEED,
) -> Path:
    """One sheet, a row per expert and pair, columns labelled by the values 9 .. 1 .. 1/9, "✓"."""
    rng = np.random.default_rng(seed + 3)
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    ws = wb.add_worksheet("判断")
    head = ["专家", "指标A", *VALUE_LABELS, "指标B"]
    for c, h in enumerate(head):
        ws.write_string(0, c, h)
    r = 1
    for k, node in enumerate(tree.criteria()):
        names = _names(tree, node.id, "en" if k % 2 else "zh")
        for e, expert in enumerate(experts):
            for i, j in _pairs(len(names), rng):
                v = mats[node.id][e, i, j]
                ws.write_string(r, 0, expert)
                if k == 1:  # one node with the pair in one cell: "A 比 B"
                    ws.write_string(r, 1, f"{names[i]} 比 {names[j]}")
                else:
                    ws.write_string(r, 1, names[i])
                    ws.write_string(r, 2 + len(VALUE_LABELS), names[j])
                ws.write_string(r, 2 + VALUE_LABELS.index(text(v)), "✓")
                r += 1
    wb.close()
    return path


def write_matrix_per_sheet(
    tree: IndicatorTree,
    mats: dict[str, np.ndarray],
    path: Path,
    *,
    experts: tuple[str, ...] = EXPERTS,
    seed: int = SEED,
    date_cell: bool | int = False,
    rename: dict[str, str] | None = None,
) -> Path:
    """A sheet per expert, an n x n block per node (items shuffled); cell styles vary by expert.

    Expert 0: full matrix of decimals rounded to 3 places (0.333); expert 1: "1/3" text, upper
    triangle only; expert 2: ``=1/3`` formulas with cached values, upper triangle only; further
    experts: whole numbers and formulas, full matrix. ``date_cell`` puts a date such as 1月3日 in
    one cell of expert 1 (an int: only where the judgment is 1/that); ``rename`` writes some items under other names.
    """
    rng = np.random.default_rng(seed + 4)
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    date_fmt = wb.add_format({"num_format": "m月d日"})
    planted = False
    for e, expert in enumerate(experts):
        ws = wb.add_worksheet(expert)
        r = 0
        for k, node in enumerate(tree.criteria()):
            names = _names(tree, node.id, ("zh", "en", "id")[k % 3])
            kids = [c.id for c in node.children]
            names = [(rename or {}).get(kid, nm) for kid, nm in zip(kids, names, strict=True)]
            order = list(rng.permutation(len(names)))
            ws.write_string(r, 0, node.name["zh"])
            for c, i in enumerate(order, start=1):
                ws.write_string(r, c, names[i])
            for rr, i in enumerate(order, start=r + 1):
                ws.write_string(rr, 0, names[i])
                for c, j in enumerate(order, start=1):
                    v = float(mats[node.id][e, i, j])
                    if i == j:
                        ws.write_number(rr, c, 1)
                        continue
                    upper = c > rr - r
                    if e == 0:
                        ws.write_number(rr, c, round(v, 3))
                    elif e == 1 and upper:
                        ws.write_string(rr, c, text(v))
                    elif e == 2 and upper:
                        ws.write_formula(rr, c, f"={text(v)}", None, v)
                    elif e >= 3:
                        if v >= 1:
                            ws.write_number(rr, c, v)
                        else:
                            ws.write_formula(rr, c, f"={text(v)}", None, v)
                    den = round(1 / v) if v < 1 else 0
                    want = date_cell is True or (den and date_cell == den)
                    if want and not planted and e == 1 and upper and v < 1:
                        ws.write_datetime(rr, c, dt.datetime(2026, 1, den), date_fmt)
                        planted = True
            r += len(names) + 2
    wb.close()
    return path


def write_row_per_expert(
    tree: IndicatorTree,
    mats: dict[str, np.ndarray],
    path: Path,
    *,
    experts: tuple[str, ...] = EXPERTS,
    seed: int = SEED,
    unknown: str | None = None,
) -> Path:
    """A sheet per node (named by its Chinese name), a row per expert, a column "A vs B" per pair.

    Values: whole numbers as numbers, fractions as "1/3" text. ``unknown`` replaces the first item
    of the first column header with that text.
    """
    rng = np.random.default_rng(seed + 5)
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    for k, node in enumerate(tree.criteria()):
        ws = wb.add_worksheet(node.name["zh"])
        names = _names(tree, node.id, ("en", "zh", "id")[k % 3])
        pairs = _pairs(len(names), rng)
        ws.write_string(0, 0, "expert")
        for c, (i, j) in enumerate(pairs, start=1):
            a = unknown if unknown and c == 1 and k == 0 else names[i]
            ws.write_string(0, c, f"{a} vs {names[j]}")
        for r, expert in enumerate(experts, start=1):
            ws.write_string(r, 0, expert)
            for c, (i, j) in enumerate(pairs, start=1):
                v = float(mats[node.id][r - 1, i, j])
                if v >= 1:
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, text(v))
    wb.close()
    return path


WJX_FIXED = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")
TENCENT_FIXED = ("编号", "开始答题时间", "结束答题时间", "答题时长")
TENCENT_AFTER = ("地理位置国家和地区", "地理位置省", "地理位置市", "自定义字段", "IP", "UA")


def matrix_title(tree: IndicatorTree, node_id: str) -> str:
    """The question text of a node's matrix; the goal's names its items (a title may)."""
    node = tree.node(node_id)
    if node_id == tree.goal.id:
        names = "、".join(c.name["zh"] for c in node.children)
        return f"请比较{names}等维度对{node.name['zh']}的相对重要性（矩阵单选题 *必答）"
    return f"请比较“{node.name['zh']}”下各指标的相对重要性（矩阵单选题 *必答）"


def write_wjx_matrix_export(
    tree: IndicatorTree,
    mats: dict[str, np.ndarray],
    path: Path,
    *,
    experts: tuple[str, ...] = EXPERTS,
    seed: int = SEED,
    mark: str = "—",
    tencent: bool = False,
) -> Path:
    """A 17-point AHP questionnaire downloaded 按序号 as the platform writes it.

    问卷星: its fixed columns, "1、您的姓名" (a fill-in question), then one 矩阵单选 question per
    node with a column per pair; only the first column of a matrix carries the question number and
    text, "N、<title>—A 比 B" (``mark`` replaces the em dash); the others hold the bare row text
    "A 比 B". Some pairs are asked the other way round ("B 比 A"). Cells: the option position 1..17.
    ``tencent``: 腾讯问卷's layout instead: 编号, 开始答题时间, ..., "1.您的姓名", every matrix column
    "N.<title>:A 比 B", then its trailing columns (written with openpyxl).
    """
    rng = np.random.default_rng(seed + 6)
    head = list(TENCENT_FIXED if tencent else WJX_FIXED)
    head.append("1.您的姓名" if tencent else "1、您的姓名")
    cols: list[tuple[str, int, int]] = []
    for q, node in enumerate(tree.criteria(), start=2):
        names = _names(tree, node.id, "zh")
        title = matrix_title(tree, node.id)
        for k, (i, j) in enumerate(_pairs(len(names), rng)):
            row = f"{names[i]} 比 {names[j]}"
            if tencent:
                head.append(f"{q}.{title}:{row}")
            else:
                head.append(f"{q}、{title}{mark}{row}" if k == 0 else row)
            cols.append((node.id, i, j))
    if tencent:
        head += TENCENT_AFTER
    rows: list[list[object]] = []
    for e, expert in enumerate(experts):
        if tencent:
            meta: list[object] = [e + 1, f"2026/10/{e + 1} 9:00", f"2026/10/{e + 1} 9:06", 360]
        else:
            meta = [
                e + 1,
                f"2026/10/{e + 1:02d} 09:00:00",
                "360秒",
                "手机提交",
                "微信",
                "1.2.3.4(上海-上海)",
            ]
        cells = [position(mats[n][e, i, j]) for n, i, j in cols]
        tail = ["中国", "上海", "上海", "", "1**.2**.3**.4**", "Mozilla/5.0"] if tencent else []
        rows.append([*meta, expert, *cells, *tail])
    if tencent:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        ws.append(head)
        for row in rows:
            ws.append(row)
        wb.save(path)
        return path
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, head)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return path


WRITERS = {
    "seventeen_export": (write_seventeen_export, "seventeen_point"),
    "seventeen_grid": (write_seventeen_grid, "seventeen_point"),
    "ticked_grid": (write_ticked_grid, "ticked_grid"),
    "matrix_per_sheet": (write_matrix_per_sheet, "matrix_per_sheet"),
    "row_per_expert": (write_row_per_expert, "row_per_expert"),
    "wjx_matrix_export": (write_wjx_matrix_export, "seventeen_point"),
}
