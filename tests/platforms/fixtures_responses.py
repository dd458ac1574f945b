"""Seeded generator of synthetic survey exports in every layout of survey_formats.md.

``make_case(layout, tree, folder, seed)`` draws a known answer matrix (values 1-5, some answers
missing with a known reason) and writes it the way the platform would export it. The import tests
read the file back and compare with :class:`Truth` exactly.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import xlsxwriter
import yaml

from evalkit.tree import IndicatorTree, load_tree

LAYOUTS = (
    "wjx_code",
    "wjx_code_order_b",
    "wjx_text",
    "tencent_new",
    "tencent_old",
    "hand",
    "generic",
    "jinshuju",
)
LETTERS = "ABCDEFGHIJ"
STATIONS = ("东湖派出所", "西山派出所")
DISTRICT = "东湖分局"
WJX_ORDER_A = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")
WJX_ORDER_B = ("序号", "提交答卷时间", "所用时间", "来自IP", "来源", "来源详情", "总分")
MATRIX_STEM = "请根据您的实际工作情况，对下列说法作出评价（矩阵量表题 *必答）"


def default_tree() -> IndicatorTree:
    with resources.as_file(resources.files("evalkit") / "data" / "community_policing.yaml") as p:
        return load_tree(p)


@dataclass
class Truth:
    """The answers written into an export: values (NaN = missing) and the reason of each gap."""

    item_ids: list[str]
    respondents: list[str]
    stations: list[str]
    values: np.ndarray  # n x items, float, NaN where missing
    reasons: np.ndarray  # n x items, "" / "skipped" / "empty" / "code"
    codes: np.ndarray = field(default_factory=lambda: np.empty(0))  # missing code per cell


@dataclass
class Case:
    layout: str
    path: Path
    truth: Truth
    kwargs: dict[str, Any]
    platform: str
    variant: str
    header_row: int


def make_truth(
    tree: IndicatorTree, rng: np.random.Generator, n: int, reasons: tuple[str, ...]
) -> Truth:
    ids = [item.id for _, item in tree.items()]
    values = rng.integers(1, 6, size=(n, len(ids))).astype(float)
    miss = rng.random((n, len(ids))) < 0.1
    why = np.full((n, len(ids)), "", dtype=object)
    why[miss] = rng.choice(list(reasons), size=int(miss.sum()))
    values[miss] = np.nan
    codes = np.where(miss, rng.choice([9, 99], size=(n, len(ids))), 0)
    stations = [str(s) for s in rng.choice(STATIONS, size=n)]
    return Truth(ids, [], stations, values, why, codes)


def _question_plan(tree: IndicatorTree) -> list[tuple[str, list[str]]]:
    """Leaves with three or more items become matrix questions, the others single questions."""
    plan: list[tuple[str, list[str]]] = []
    for leaf in tree.leaves():
        if leaf.source is None or leaf.source.kind != "survey":
            continue
        ids = [it.id for it in leaf.source.items]
        if len(ids) >= 3:
            plan.append(("matrix", ids))
        else:
            plan.extend(("single", [i]) for i in ids)
    return plan


def _texts(tree: IndicatorTree) -> dict[str, str]:
    return {item.id: item.text["zh"] for _, item in tree.items()}


# ---- 问卷星 -----------------------------------------------------------------------------------


def _wjx(
    tree: IndicatorTree,
    t: Truth,
    path: Path,
    variant: str,
    order: tuple[str, ...],
    *,
    units: dict[str, tuple[list[str], list[str]]] | None = None,
) -> None:
    """``units``: single-choice questions asking each officer's station or district, as
    {question title: (the options in questionnaire order, each respondent's answer)}; 按序号 writes
    the option's number, 按文本 its text."""
    texts = _texts(tree)
    labels = tree.scales["likert5"].labels["zh"]
    idx = {iid: k for k, iid in enumerate(t.item_ids)}
    n = len(t.values)
    as_text = variant == "按文本"
    header: list[str] = list(order)
    cols: list[list[Any]] = []
    for name in order:
        col: list[Any]
        if name == "序号":
            col = [str(i + 1) if as_text else i + 1 for i in range(n)]
        elif name == "提交答卷时间":
            col = [f"2026/3/{1 + i % 28} 14:22:{i % 60:02d}" for i in range(n)]
        elif name == "所用时间":
            col = [f"{100 + i}秒" for i in range(n)]
        elif name == "来自IP":
            col = [f"183.1.2.{i}(上海-上海)" for i in range(n)]
        elif name == "来源":
            col = ["手机提交"] * n
        elif name == "来源详情":
            col = ["微信"] * n
        else:  # 总分
            col = [str(50 + i) if as_text else 50 + i for i in range(n)]
        cols.append(col)
    qn = 0

    def add(title: str, col: list[Any]) -> None:
        header.append(title)
        cols.append(col)

    qn += 1
    add(f"{qn}、您的性别 ", [("男" if i % 2 else "女") if as_text else 1 + i % 2 for i in range(n)])
    for title, (options, answers) in (units or {}).items():
        qn += 1
        add(f"{qn}、{title}", [a if as_text else options.index(a) + 1 for a in answers])

    def cell(r: int, iid: str) -> Any:
        k = idx[iid]
        v = t.values[r, k]
        if np.isnan(v):
            why = t.reasons[r, k]
            if as_text:
                return "(跳过)" if why == "skipped" else ("(空)" if r % 2 else "（空）")
            return -3 if why == "skipped" else None
        return labels[int(v) - 1] if as_text else int(v)

    for kind, ids in _question_plan(tree):
        qn += 1
        if kind == "single":
            tag = " (量表题 *必答)" if qn % 2 else ""
            add(f"{qn}、{texts[ids[0]]}{tag}", [cell(r, ids[0]) for r in range(n)])
        else:
            for k, iid in enumerate(ids):
                title = f"{qn}、{MATRIX_STEM}—{texts[iid]}" if k == 0 else texts[iid]
                add(title, [cell(r, iid) for r in range(n)])
        if qn == 4:  # a multiple-choice question in between
            qn += 1
            opts = ["手机", "警务通", "电脑"]
            if as_text:
                add(f"{qn}、您日常使用哪些终端？", ["┋".join(opts[: 1 + r % 3]) for r in range(n)])
            else:
                for o_i, o in enumerate(opts):
                    add(f"第{qn}题({o})", [1 if o_i <= r % 3 else 0 for r in range(n)])
        if qn == 8:  # two non-item matrices sharing row texts: duplicate headers
            for stem in ("您对移动警务终端的评价", "您对平台的评价"):
                qn += 1
                for k, row in enumerate(("外观", "速度")):
                    title = f"{qn}、{stem}（矩阵单选题）—{row}" if k == 0 else row
                    add(
                        title,
                        [(["差", "中", "好"][r % 3] if as_text else 1 + r % 3) for r in range(n)],
                    )
    qn += 1
    add(f"{qn}、您对社区警务信息化还有什么建议？", [f"建议{r}，多培训" for r in range(n)])
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("Sheet1")
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for c, col in enumerate(cols):
        for r, v in enumerate(col):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r + 1, c, v)
            else:
                ws.write_number(r + 1, c, v)
    wb.close()
    t.respondents = [str(i + 1) for i in range(n)]


# ---- 腾讯问卷 ---------------------------------------------------------------------------------


def _tencent(
    tree: IndicatorTree,
    t: Truth,
    path: Path,
    old: bool,
    *,
    units: dict[str, tuple[list[str], list[str]]] | None = None,
) -> None:
    """``units`` as for :func:`_wjx`: the answer is written with its option letter, "C.<name>"."""
    texts = _texts(tree)
    labels = tree.scales["likert5"].labels["zh"]
    idx = {iid: k for k, iid in enumerate(t.item_ids)}
    n = len(t.values)
    head = ["编号", "开始答题时间", "结束答题时间", "答题时长"]
    geo = ["地理位置国家和地区", "地理位置省", "地理位置市", "自定义字段"]
    tail = ["语言", "清洗数据结果", "智能清洗数据无效概率", *geo, "IP", "UA", "Referrer"]
    q_head: list[str] = []
    q_cols: list[list[str]] = []
    qn = 1
    q_head.append("1.您的性别")
    q_cols.append([("A.男" if r % 2 else "B.女") for r in range(n)])
    for title, (options, answers) in (units or {}).items():
        qn += 1
        q_head.append(f"{qn}.{title}")
        q_cols.append([f"{LETTERS[options.index(a)]}.{a}" for a in answers])
    star = True
    for kind, ids in _question_plan(tree):
        qn += 1
        for iid in ids:
            title = f"{qn}.{texts[iid]}" if kind == "single" else f"{qn}.{MATRIX_STEM}:{texts[iid]}"
            col = []
            for r in range(n):
                v = t.values[r, idx[iid]]
                if np.isnan(v):
                    col.append("")
                elif kind == "matrix" and star:  # a star/scale matrix: bare scores
                    col.append(str(int(v)))
                else:
                    col.append(f"{LETTERS[int(v) - 1]}.{labels[int(v) - 1]}")
            q_head.append(title)
            q_cols.append(col)
        if kind == "matrix":
            star = False
    qn += 1
    q_head.append(f"{qn}.您的建议")
    q_cols.append([f"建议{r}，多培训\n第二行 “引号” 䶮•" for r in range(n)])
    meta = {
        "编号": [str(r + 1) for r in range(n)],
        "开始答题时间": [f"2026/6/{1 + r % 28} 14:{r % 60}" for r in range(n)],
        "结束答题时间": [f"2026/6/{1 + r % 28} 15:{r % 60}" for r in range(n)],
        "答题时长": [str(120 + r) for r in range(n)],
        "地理位置国家和地区": ["中国"] * n,
        "地理位置省": ["江西"] * n,
        "地理位置市": ["南昌"] * n,
        "自定义字段": [""] * n,
        "语言": ["zh"] * n,
        "清洗数据结果": ["有效"] * n,
        "智能清洗数据无效概率": ["0.01"] * n,
        "IP": ["1**.***.***.12"] * n,
        "UA": ["Mozilla/5.0 (iPhone, like Mac OS X)"] * n,
        "Referrer": [""] * n,
    }
    if old:
        header = [*head, *geo, *q_head]
        cols = [*[meta[h] for h in head + geo], *q_cols]
    else:
        header = [*head, *q_head, *tail]
        cols = [*[meta[h] for h in head], *q_cols, *[meta[h] for h in tail]]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    extra = [""] if old else []
    w.writerow(header + extra)
    for r in range(n):
        w.writerow([c[r] for c in cols] + extra)
    data = buf.getvalue()
    path.write_bytes(data.encode("gb18030") if old else data.encode("utf-8-sig"))
    t.respondents = [str(r + 1) for r in range(n)]


# ---- hand-entered ----------------------------------------------------------------------------


def _hand(tree: IndicatorTree, t: Truth, path: Path, map_path: Path) -> None:
    n, m = t.values.shape
    dim_of = tree.dimension_of()
    leaf_of = {item.id: leaf.id for leaf, item in tree.items()}
    dim_names = {d.id: d.name["zh"] for d in tree.dimensions}
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("数据录入")
    width = 3 + m
    ws.merge_range(0, 0, 0, width - 1, "东湖分局社区警务信息化调查问卷数据录入表")
    ws.merge_range(1, 0, 1, 2, "基本信息")
    dims = [dim_of[leaf_of[i]] for i in t.item_ids]
    a = 0
    while a < m:
        b = a
        while b + 1 < m and dims[b + 1] == dims[a]:
            b += 1
        if b > a:
            ws.merge_range(1, 3 + a, 1, 3 + b, dim_names[dims[a]])
        else:
            ws.write_string(1, 3 + a, dim_names[dims[a]])
        a = b + 1
    for c, h in enumerate(["编号", "分局", "派出所", *[f"Q{k + 1}" for k in range(m)]]):
        ws.write_string(2, c, h)
    rng = np.random.default_rng(7)
    for r in range(n):
        row = 3 + r
        ws.write_string(row, 0, f"P{r + 1:03d}")
        ws.write_string(row, 1, DISTRICT)
        ws.write_string(row, 2, t.stations[r])
        for k in range(m):
            v = t.values[r, k]
            if np.isnan(v):
                if t.reasons[r, k] == "code":
                    ws.write_number(row, 3 + k, int(t.codes[r, k]))
                continue
            style = rng.integers(0, 4)
            if style == 0:
                ws.write_string(row, 3 + k, str(int(v)))  # number stored as text
            elif style == 1:
                ws.write_string(row, 3 + k, chr(0xFF10 + int(v)))  # full-width digit
            else:
                ws.write_number(row, 3 + k, v)
    row = 3 + n
    ws.write_string(row, 0, "平均值")
    for k in range(m):
        ws.write_number(row, 3 + k, float(np.nanmean(t.values[:, k])))
    ws.write_string(row + 1, 0, "合计")
    for k in range(m):
        ws.write_number(row + 1, 3 + k, float(np.nansum(t.values[:, k])))
    ws.write_string(row + 3, 0, "注：9=漏答，99=拒答；空白为未填写。")
    wb.close()
    items: dict[str, str] = {}
    for k, iid in enumerate(t.item_ids):
        items[iid] = "D" if k == 0 else f"Q{k + 1}"  # the first by column letter
    spec = {
        "respondent": "编号",
        "district": "分局",
        "station": "派出所",
        "items": items,
        "missing": [9, 99],
    }
    map_path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), "utf-8")
    t.respondents = [f"P{r + 1:03d}" for r in range(n)]


# ---- generic ------------------------------------------------------------------------------------


def _loosen(text: str, k: int) -> str:
    """Header variants a user might type: half-width punctuation, extra spaces, the item id."""
    if k % 3 == 1:
        return text.replace("，", ",").replace("。", ".").replace("、", ",") + " "
    if k % 3 == 2:
        return " ".join(text[:6]) + text[6:].rstrip("。")
    return text


def _generic(tree: IndicatorTree, t: Truth, path: Path) -> None:
    texts = _texts(tree)
    n = len(t.values)
    header = ["ID", "派出所"]
    for k, iid in enumerate(t.item_ids):
        header.append(iid if k % 5 == 4 else _loosen(texts[iid], k))
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in range(n):
        vals = ["" if np.isnan(v) else str(int(v)) for v in t.values[r]]
        w.writerow([f"G{r + 1}", t.stations[r], *vals])
    path.write_text(buf.getvalue(), encoding="utf-8")
    t.respondents = [f"G{r + 1}" for r in range(n)]


def _jinshuju(tree: IndicatorTree, t: Truth, path: Path) -> None:
    """金数据-style: 序号, the questions (titled by their text), a station question, then the
    platform's metadata after the questions (survey_formats.md section 3)."""
    texts = _texts(tree)
    meta = [
        "提交人",
        "提交时间",
        "填写时长",
        "填写设备",
        "操作系统",
        "浏览器",
        "填写地区",
        "IP",
        "ID",
    ]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, ["序号", *(texts[i] for i in t.item_ids), "您所在的派出所", *meta])
    for r in range(len(t.values)):
        vals = ["" if np.isnan(v) else int(v) for v in t.values[r]]
        row = [
            r + 1,
            *vals,
            t.stations[r],
            "",
            "2026-05-01 09:30",
            "95秒",
            "手机",
            "iOS",
            "微信",
            "福建",
            "1.2.3.4",
            f"J{r}",
        ]
        for j, v in enumerate(row):
            if v != "":
                ws.write(r + 1, j, v)
    wb.close()
    t.respondents = [str(r + 1) for r in range(len(t.values))]


# ---- entry point --------------------------------------------------------------------------------


def make_case(layout: str, tree: IndicatorTree, folder: Path, seed: int = 20260501) -> Case:
    """Write one synthetic export of ``layout`` into ``folder``; return it with its truth."""
    rng = np.random.default_rng([seed, LAYOUTS.index(layout)])
    n = 40
    folder.mkdir(parents=True, exist_ok=True)
    if layout.startswith("wjx"):
        variant = "按文本" if layout == "wjx_text" else "按序号"
        t = make_truth(tree, rng, n, ("skipped", "empty"))
        order = WJX_ORDER_B if layout.endswith("order_b") else WJX_ORDER_A
        path = folder / f"350881459_{variant}_社区警务信息化调查_{n}_{n}.xlsx"
        _wjx(tree, t, path, variant, order)
        t.stations = [STATIONS[0]] * n
        kw = {"station": STATIONS[0], "district": DISTRICT}
        return Case(layout, path, t, kw, "wjx", variant, 1)
    if layout.startswith("tencent"):
        old = layout == "tencent_old"
        t = make_truth(tree, rng, n, ("empty",))
        path = folder / ("9799234_202103072020311613.csv" if old else "9799234_202603.csv")
        _tencent(tree, t, path, old)
        t.stations = [STATIONS[1]] * n
        kw = {"station": STATIONS[1], "district": DISTRICT}
        return Case(layout, path, t, kw, "tencent", "old" if old else "new", 1)
    if layout == "hand":
        t = make_truth(tree, rng, n, ("empty", "code"))
        path = folder / "东湖分局录入.xlsx"
        map_path = folder / "hand.map.yaml"
        _hand(tree, t, path, map_path)
        return Case(layout, path, t, {"map_path": map_path}, "hand", "codes", 3)
    if layout == "generic":
        t = make_truth(tree, rng, n, ("empty",))
        path = folder / "generic.csv"
        _generic(tree, t, path)
        return Case(layout, path, t, {"district": DISTRICT}, "generic", "wide", 1)
    if layout == "jinshuju":
        t = make_truth(tree, rng, n, ("empty",))
        path = folder / "jinshuju_export.xlsx"
        _jinshuju(tree, t, path)
        return Case(layout, path, t, {"district": DISTRICT}, "generic", "wide", 1)
    raise ValueError(layout)
