"""Questionnaire workbooks generated from the indicator tree, in the formats evalkit reads.

``write_survey_template`` writes the officers' questionnaire: an instructions sheet (with every item),
a ``responses`` sheet (one column per item, item text in the header comment, a drop-down of the
scale's values, frozen header), a ``stations`` sheet (one column per statistic, unit and use in the
header comment) and a ``codebook`` sheet (item -> indicator, reverse-coded or not).

``write_experts_template`` writes the experts' AHP workbook: one sheet per node with children holding
one pairwise block per expert. The upper triangle takes Saaty's values from a drop-down (text such as
``"3"`` or ``"1/3"``; the meaning is in the input message and the legend), the lower triangle mirrors
it by formula, and columns right of the grid compute geometric-mean weights, lambda_max, CI and CR
live, the CR turning red above 0.10.

Both read back unchanged through :func:`evalkit.ingest.survey.load_survey_data` and
:func:`evalkit.ingest.judgments.load_judgments`: the machine header stays in row 1, human text lives
in comments, extra sheets and right-hand helper columns the readers ignore, and nothing is written
below the blocks. Formula cells carry an empty cached value, so an unfilled or re-saved (uncached)
workbook reads as "lower triangle empty".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .errors import EvalkitError
from .fileio import atomic_workbook
from .ingest.survey import ID_COLUMNS, NAME_COLUMNS, UNIT_COLUMNS
from .tree import IndicatorTree, Node
from .weights.ahp import random_index

_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
LANGS = ("zh", "en")
CR_LIMIT = 0.10
#: The drop-down of a pairwise cell, strongest preference for the row item first.
SAATY_VALUES: tuple[str, ...] = (
    *(str(v) for v in range(9, 0, -1)),
    *(f"1/{v}" for v in range(2, 10)),
)
_SAATY_WORDS = {
    "zh": {1: "同等重要", 3: "稍微重要", 5: "明显重要", 7: "强烈重要", 9: "极端重要"},
    "en": {
        1: "equally important",
        3: "moderately more important",
        5: "strongly more important",
        7: "very strongly more important",
        9: "extremely more important",
    },
}

_T: dict[str, dict[str, str]] = {
    "zh": {
        "survey_title": "民警问卷",
        "instructions": "填写说明",
        "generated": "本工作簿由 evalkit 根据指标体系 “{tree}” 生成。第 1 行的列名供程序读取，请勿修改、"
        "删除或在其上方插入行。",
        "s1": "“responses” 工作表：每位民警一行。respondent 填问卷编号（全项目唯一，如 R0001）；"
        "district 填区（分局）名称；station 填派出所名称，须与 “stations” 工作表中的写法一致。",
        "s2": "题目列以题号命名（如 {first}）。鼠标停在列名上可看到题目全文；全部题目见下表和 "
        "“codebook” 工作表。",
        "s3": "每题从下拉列表中选择一个数值：{scale}。未作答的题留空。",
        "s4": "“stations” 工作表：每个派出所一行，填写统计数据（非负数）；列名的批注给出单位和用途。"
        "district_en、station_en 可不填（英文报告用）。",
        "s5": "每个区（分局）可用一个工作簿；填好后运行 evalkit validate 检查。",
        "scale": "量表",
        "value": "数值",
        "label": "含义",
        "items": "题目",
        "no": "序号",
        "item": "题号",
        "text": "题目",
        "indicator": "所属指标",
        "yes": "是",
        "no_": "否",
        "choose": "请选择",
        "only": "只能填：{values}（或留空）。",
        "bad": "不在量表内",
        "stat_num": "分子",
        "stat_den": "分母",
        "stat_plain": "取各所{agg}",
        "agg_mean": "平均",
        "agg_sum": "合计",
        "agg_max": "最大值",
        "agg_min": "最小值",
        "stat_unit": "单位：{unit}",
        "stat_use": "用于：{name}",
        "stat_need": "非负数",
        "experts_title": "专家判断矩阵（层次分析法）",
        "e1": "每个有下级指标的节点一张工作表（表名即节点编号），每位专家一个判断块。",
        "e2": "只填灰底以外的白色单元格（上三角）：a[i][j] 表示行项 i 比列项 j 重要多少。"
        "从下拉列表选 9 … 1 … 1/9；1/3 等表示列项更重要。对角线和下三角自动生成。",
        "e3": "右侧自动计算几何平均权重、λmax、CI 和一致性比率 CR；CR 大于 0.10 时变红，请调整判断。"
        "（表中 CR 为几何平均法近似值，evalkit 用特征向量法计算，两者略有差异。）",
        "e4": "第 1 行的列名和 expert、item 两列供程序读取，请勿修改；未使用的专家块请整行删除。",
        "e5": "“experts” 工作表可填写专家姓名和权重（默认各为 1）。",
        "saaty": "标度",
        "meaning": "含义",
        "row_over": "行项比列项{w}",
        "col_over": "列项比行项{w}",
        "between": "介于相邻两者之间",
        "nodes": "各节点的比较项",
        "node": "节点",
        "children": "比较项",
        "name_col": "名称",
        "g_col": "几何平均",
        "w_col": "权重 w",
        "r_col": "(Aw)ᵢ/wᵢ",
        "filled_col": "已填（共 {m} 项）",
        "lam_col": "λmax",
        "ci_col": "CI",
        "ri_col": "RI",
        "cr_col": "CR",
        "status_col": "一致性",
        "todo": "待填写",
        "ok": "✓ 可接受",
        "bad_cr": "✗ CR>0.10，请调整",
        "cell_title": "行项比列项重要多少？",
        "cell_msg": "“{a}”比“{b}”：9 极端 7 强烈 5 明显 3 稍微 1 同等重要；"
        "2/4/6/8 介于其间；1/3…1/9 表示“{b}”更重要。",
        "cell_err": "请从下拉列表选择 9 … 1 … 1/9。",
        "legend": "Saaty 标度（行项 i 比列项 j）：",
        "weight": "权重",
        "ename": "姓名",
    },
    "en": {
        "survey_title": "officers' questionnaire",
        "instructions": "How to fill",
        "generated": "This workbook was generated by evalkit from the indicator tree “{tree}”. Row 1 "
        "holds the column names evalkit reads: do not change or delete them or insert rows above.",
        "s1": "Sheet “responses”: one row per officer. respondent: questionnaire id, unique in the "
        "project (e.g. R0001); district: the district bureau; station: the police station, spelled "
        "as in the “stations” sheet.",
        "s2": "Item columns are named by item id (e.g. {first}). Hover over a column name to read the "
        "item; all items are listed below and in the “codebook” sheet.",
        "s3": "Choose one value per item from the drop-down: {scale}. Leave unanswered items empty.",
        "s4": "Sheet “stations”: one row per police station with its statistics (non-negative "
        "numbers); the comment on each column name gives its unit and use. district_en and "
        "station_en are optional (English reports).",
        "s5": "Use one workbook per district; run `evalkit validate` when it is filled.",
        "scale": "Scale",
        "value": "Value",
        "label": "Meaning",
        "items": "Items",
        "no": "No.",
        "item": "Item",
        "text": "Text",
        "indicator": "Indicator",
        "yes": "yes",
        "no_": "no",
        "choose": "Choose",
        "only": "Only {values} (or empty).",
        "bad": "Not on the scale",
        "stat_num": "numerator",
        "stat_den": "denominator",
        "stat_plain": "{agg} over stations",
        "agg_mean": "mean",
        "agg_sum": "sum",
        "agg_max": "maximum",
        "agg_min": "minimum",
        "stat_unit": "Unit: {unit}",
        "stat_use": "Used for: {name}",
        "stat_need": "a non-negative number",
        "experts_title": "Experts' pairwise judgments (AHP)",
        "e1": "One sheet per node with children (named by the node id); one block per expert.",
        "e2": "Fill only the white cells (upper triangle): a[i][j] = how much more important the row "
        "item i is than the column item j. Choose 9 … 1 … 1/9 from the drop-down; 1/3 etc. mean the "
        "column item is more important. The diagonal and the lower triangle fill themselves.",
        "e3": "Columns on the right compute geometric-mean weights, λmax, CI and the consistency "
        "ratio CR live; CR above 0.10 turns red: revise the judgments. (The sheet's CR is the "
        "geometric-mean approximation; evalkit uses the eigenvector, so they differ slightly.)",
        "e4": "Row 1 and the columns expert and item are read by evalkit: do not change them; delete "
        "the whole rows of an unused expert block.",
        "e5": "The “experts” sheet takes each expert's name and weight (1 each by default).",
        "saaty": "Value",
        "meaning": "Meaning",
        "row_over": "row item {w} than the column item",
        "col_over": "column item {w} than the row item",
        "between": "between the two neighbouring judgments",
        "nodes": "Items compared at each node",
        "node": "Node",
        "children": "Items",
        "name_col": "item name",
        "g_col": "geo. mean",
        "w_col": "weight w",
        "r_col": "(Aw)ᵢ/wᵢ",
        "filled_col": "filled (of {m})",
        "lam_col": "λmax",
        "ci_col": "CI",
        "ri_col": "RI",
        "cr_col": "CR",
        "status_col": "consistency",
        "todo": "to fill",
        "ok": "✓ acceptable",
        "bad_cr": "✗ CR>0.10: revise",
        "cell_title": "Row item vs column item",
        "cell_msg": "“{a}” vs “{b}”: 9 extremely, 7 very strongly, 5 strongly, 3 moderately more "
        "important, 1 equal; 2/4/6/8 between; 1/3 … 1/9: “{b}” is more important.",
        "cell_err": "Choose from the drop-down: 9 … 1 … 1/9.",
        "legend": "Saaty's scale (row item i over column item j):",
        "weight": "weight",
        "ename": "name",
    },
}


# ---- helpers ----------------------------------------------------------------------------------


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise EvalkitError(f"language must be zh or en, not {lang!r}")
    return lang


def _name(names: dict[str, str], lang: str) -> str:
    return names.get(lang) or names.get("en") or next(iter(names.values()), "")


def _fmt_value(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _formats(wb: Workbook) -> dict[str, Any]:
    base = {"font_size": 10, "valign": "vcenter"}
    return {
        "head": wb.add_format({**base, "bold": True, "bg_color": "#DDE6F0", "border": 1}),
        "ghead": wb.add_format(
            {
                **base,
                "bold": True,
                "bg_color": "#DDE6F0",
                "border": 1,
                "text_wrap": True,
                "font_size": 9,
                "align": "center",
            }
        ),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({**base, "bold": True, "valign": "top"}),
        "num": wb.add_format({**base, "border": 1, "align": "center", "valign": "top"}),
        "wrap": wb.add_format({**base, "text_wrap": True, "valign": "top"}),
        "cell": wb.add_format({**base, "border": 1, "text_wrap": True, "valign": "top"}),
        "text": wb.add_format({**base, "num_format": "@"}),
        "center": wb.add_format({**base, "align": "center"}),
        "number": wb.add_format({**base}),
    }


def _scale_text(tree: IndicatorTree, scale_id: str, lang: str, sep: str = " ") -> str:
    scale = tree.scales[scale_id]
    labels = scale.labels.get(lang) or scale.labels.get("en") or ()
    parts = []
    for k, v in enumerate(scale.values):
        lab = labels[k] if k < len(labels) else ""
        parts.append(f"{_fmt_value(v)} {lab}".strip())
    return sep.join(parts)


# ---- survey -----------------------------------------------------------------------------------


def _statistic_notes(tree: IndicatorTree, lang: str) -> dict[str, list[str]]:
    """Statistic column -> lines for its header comment (unit and the indicators that use it)."""
    t = _T[lang]
    notes: dict[str, list[str]] = {c: [] for c in tree.statistic_columns()}
    for leaf in tree.leaves():
        src = leaf.source
        if src is None or src.kind != "statistic":
            continue
        unit = _name(leaf.unit, lang) if leaf.unit else ""
        label = _name(leaf.name, lang) + (f" ({unit})" if unit else "")
        if src.is_ratio:
            mult = "" if src.multiplier == 1 else f"{_fmt_value(src.multiplier)} × "
            formula = f"{mult}Σ{src.numerator} / Σ{src.denominator}"
            notes[src.numerator].append(f"{t['stat_use'].format(name=label)} = {formula}")
            notes[src.numerator].append(f"  ({t['stat_num']})")
            notes[src.denominator].append(f"{t['stat_use'].format(name=label)} = {formula}")
            notes[src.denominator].append(f"  ({t['stat_den']})")
        else:
            if unit:
                notes[src.column].insert(0, t["stat_unit"].format(unit=unit))
            agg = t["stat_plain"].format(agg=t[f"agg_{src.aggregate}"])
            notes[src.column].append(f"{t['stat_use'].format(name=label)}; {agg}")
    for c in notes:
        notes[c].append(t["stat_need"])
    return notes


def write_survey_template(
    tree: IndicatorTree, path: Path | str, *, lang: str = "zh", rows: int = 2000
) -> Path:
    """Write the officers' questionnaire workbook for *tree*; return its path.

    Sheets: instructions, ``responses`` (drop-down validation on ``rows`` rows), ``stations`` and
    ``codebook``. The workbook reads back through ``load_survey_data`` once filled.
    """
    lang = _check_lang(lang)
    if rows < 1:
        raise EvalkitError(f"rows must be at least 1, not {rows}")
    path = Path(path)
    t = _T[lang]
    items = tree.items()
    if not items:
        raise EvalkitError(f"the tree {tree.id} has no survey items")
    title = f"{_name(tree.title, lang)} — {t['survey_title']}"
    with atomic_workbook(path, _OPTIONS) as wb:
        f = _formats(wb)
        wb.set_properties({"title": title, "subject": tree.id, "creator": "evalkit"})
        _survey_instructions(wb, tree, lang, title, f)
        _survey_responses(wb, tree, lang, rows, f)
        _survey_stations(wb, tree, lang, f)
        _survey_codebook(wb, tree, lang, f)
    return path


def _survey_instructions(
    wb: Workbook, tree: IndicatorTree, lang: str, title: str, f: dict[str, Any]
) -> None:
    t = _T[lang]
    ws = wb.add_worksheet(t["instructions"])
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 70)
    ws.set_column(3, 3, 26)
    ws.write_string(0, 0, title, f["title"])
    items = tree.items()
    scales = sorted({leaf.source.scale for leaf, _ in items if leaf.source is not None})
    first_scale = scales[0]
    lines = [
        t["generated"].format(tree=_name(tree.title, lang)),
        t["s1"],
        t["s2"].format(first=items[0][1].id),
        t["s3"].format(scale=_scale_text(tree, first_scale, lang, ", ")),
        t["s4"],
        t["s5"],
    ]
    r = 2
    for k, line in enumerate(lines, start=1):
        ws.write_string(r, 0, f"{k}.", f["bold"])
        ws.merge_range(r, 1, r, 3, line, f["wrap"])
        ws.set_row(r, 15 * max(1, -(-_display_width(line) // 120)))
        r += 1
    for sid in scales:
        r += 1
        ws.write_string(r, 0, f"{t['scale']}: {sid}", f["bold"])
        r += 1
        ws.write_string(r, 1, t["value"], f["head"])
        ws.write_string(r, 2, t["label"], f["head"])
        scale = tree.scales[sid]
        labels = scale.labels.get(lang) or scale.labels.get("en") or ()
        for k, v in enumerate(scale.values):
            r += 1
            ws.write_number(r, 1, v, f["num"])
            ws.write_string(r, 2, labels[k] if k < len(labels) else "", f["cell"])
    r += 2
    ws.write_string(r, 0, t["items"], f["bold"])
    r += 1
    for j, h in enumerate((t["no"], t["item"], t["text"], t["indicator"])):
        ws.write_string(r, j, h, f["head"])
    ws.repeat_rows(r)
    for k, (leaf, item) in enumerate(items, start=1):
        r += 1
        text = _name(item.text, lang)
        ws.write_number(r, 0, k, f["num"])
        ws.write_string(r, 1, item.id, f["cell"])
        ws.write_string(r, 2, text, f["cell"])
        ws.write_string(r, 3, _name(leaf.name, lang), f["cell"])
        ws.set_row(r, 14 * max(1, -(-_display_width(text) // 68)))
    _print_setup(ws, landscape=False)
    ws.activate()


def _display_width(text: str) -> int:
    """Rough display width in Latin characters (CJK counts double)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _print_setup(ws: Worksheet, *, landscape: bool) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C&P / &N")


def _survey_responses(
    wb: Workbook, tree: IndicatorTree, lang: str, rows: int, f: dict[str, Any]
) -> None:
    t = _T[lang]
    ws = wb.add_worksheet("responses")
    items = tree.items()
    n_id = len(ID_COLUMNS)
    for j, h in enumerate(ID_COLUMNS):
        ws.write_string(0, j, h, f["head"])
    ws.set_column(0, n_id - 1, 14, f["text"])
    for k, (leaf, item) in enumerate(items):
        col = n_id + k
        assert leaf.source is not None
        sid = leaf.source.scale
        ws.write_string(0, col, item.id, f["head"])
        comment = (
            f"{_name(item.text, lang)}\n\n{_name(leaf.name, lang)}\n{_scale_text(tree, sid, lang)}"
        )
        ws.write_comment(0, col, comment, {"x_scale": 2.2, "y_scale": 1.8, "font_size": 9})
        values = [_fmt_value(v) for v in tree.scales[sid].values]
        ws.data_validation(
            1,
            col,
            rows,
            col,
            {
                "validate": "list",
                "source": values,
                "ignore_blank": True,
                "input_title": f"{t['choose']} {values[0]}–{values[-1]}"[:32],
                "input_message": _scale_text(tree, sid, lang, "\n")[:255],
                "error_title": t["bad"][:32],
                "error_message": t["only"].format(values=", ".join(values))[:255],
                "error_type": "stop",
            },
        )
    last = n_id + len(items) - 1
    ws.set_column(n_id, last, 10, f["center"])
    ws.freeze_panes(1, n_id)
    ws.autofilter(0, 0, 0, last)
    ws.set_row(0, 20)
    _print_setup(ws, landscape=True)
    ws.repeat_rows(0)
    ws.repeat_columns(0, n_id - 1)
    ws.print_area(0, 0, 30, last)
    ws.hide_gridlines(0)  # print the empty grid: a blank form on paper


def _survey_stations(wb: Workbook, tree: IndicatorTree, lang: str, f: dict[str, Any]) -> None:
    t = _T[lang]
    ws = wb.add_worksheet("stations")
    head = [*UNIT_COLUMNS, *NAME_COLUMNS]
    for j, h in enumerate(head):
        ws.write_string(0, j, h, f["head"])
    ws.set_column(0, len(head) - 1, 16, f["text"])
    notes = _statistic_notes(tree, lang)
    for k, c in enumerate(tree.statistic_columns()):
        col = len(head) + k
        ws.write_string(0, col, c, f["head"])
        ws.write_comment(0, col, "\n".join(notes[c]), {"x_scale": 2.4, "y_scale": 1.6})
        ws.set_column(col, col, max(12, len(c) + 3))
        ws.data_validation(
            1,
            col,
            1000,
            col,
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "ignore_blank": True,
                "error_title": t["bad"][:32],
                "error_message": t["stat_need"],
            },
        )
    ws.freeze_panes(1, len(UNIT_COLUMNS))
    ws.set_row(0, 20)
    _print_setup(ws, landscape=True)
    ws.repeat_rows(0)
    ws.print_area(0, 0, 20, len(head) + len(tree.statistic_columns()) - 1)
    ws.hide_gridlines(0)


def _survey_codebook(wb: Workbook, tree: IndicatorTree, lang: str, f: dict[str, Any]) -> None:
    t = _T[lang]
    ws = wb.add_worksheet("codebook")
    head = ["item", "indicator", "indicator_name", "dimension", "reverse", "scale", "zh", "en"]
    for j, h in enumerate(head):
        ws.write_string(0, j, h, f["head"])
    dims = tree.dimension_of()
    for i, (leaf, item) in enumerate(tree.items(), start=1):
        assert leaf.source is not None
        dim = tree.node(dims[leaf.id]) if leaf.id in dims else leaf
        row = [
            item.id,
            leaf.id,
            _name(leaf.name, lang),
            _name(dim.name, lang),
            t["yes"] if item.reverse else t["no_"],
            leaf.source.scale,
            item.text.get("zh", ""),
            item.text.get("en", ""),
        ]
        for j, v in enumerate(row):
            ws.write_string(i, j, v, f["cell"])
        lines = max(-(-_display_width(row[6]) // 52), -(-_display_width(row[7]) // 58), 1)
        ws.set_row(i, 13 * lines + 2)
    ws.set_column(0, 1, 24)
    ws.set_column(2, 3, 22)
    ws.set_column(4, 5, 8)
    ws.set_column(6, 7, 50)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, len(tree.items()), len(head) - 1)
    _print_setup(ws, landscape=True)
    ws.repeat_rows(0)


# ---- experts ----------------------------------------------------------------------------------


def _num(ref: str) -> str:
    """Excel expression: the number in a judgment cell holding 3, "3" or "1/3"."""
    return f'IF(LEFT({ref},2)="1/",1/VALUE(MID({ref},3,9)),VALUE({ref}))'


def _saaty_label(value: str, lang: str) -> str:
    t = _T[lang]
    words = _SAATY_WORDS[lang]
    inverse = value.startswith("1/")
    k = int(value[2:]) if inverse else int(value)
    if k == 1:
        return f"1 — {words[1]}"
    word = words.get(k, t["between"])
    if k in words:
        word = (t["col_over"] if inverse else t["row_over"]).format(w=words[k])
    return f"{value} — {word}"


def saaty_labels(lang: str = "zh") -> list[str]:
    """The drop-down values with their meaning, e.g. ``"3 — moderately more important"``."""
    return [_saaty_label(v, _check_lang(lang)) for v in SAATY_VALUES]


def _expert_ids(experts: Sequence[str]) -> list[str]:
    names = [str(e).strip() for e in experts]
    if not names:
        raise EvalkitError("give at least one expert")
    if any(not n for n in names):
        raise EvalkitError("expert names must not be empty")
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise EvalkitError(f"expert names must be unique; repeated: {', '.join(dup)}")
    return names


def _sheet_names(tree: IndicatorTree) -> None:
    seen: dict[str, str] = {}
    for node in tree.criteria():
        if len(node.id) > 31:
            raise EvalkitError(
                f"node id {node.id!r} is longer than 31 characters, Excel's limit for sheet names; "
                "shorten it in the tree"
            )
        key = node.id.lower()
        if key in seen:
            raise EvalkitError(
                f"node ids {seen[key]!r} and {node.id!r} differ only in case; Excel sheet names "
                "do not, so they cannot both have a sheet"
            )
        seen[key] = node.id


def write_experts_template(
    tree: IndicatorTree,
    path: Path | str,
    *,
    experts: Sequence[str] = ("E01",),
    lang: str = "zh",
) -> Path:
    """Write the experts' AHP workbook: one sheet per node with children, one block per expert.

    Returns the path. The workbook reads back through ``load_judgments`` once filled.
    """
    lang = _check_lang(lang)
    names = _expert_ids(experts)
    _sheet_names(tree)
    path = Path(path)
    t = _T[lang]
    title = f"{_name(tree.title, lang)} — {t['experts_title']}"
    with atomic_workbook(path, _OPTIONS) as wb:
        f = _formats(wb)
        f.update(
            {
                "upper": wb.add_format(
                    {"num_format": "@", "locked": False, "border": 1, "align": "center"}
                ),
                "diag": wb.add_format({"bg_color": "#D9D9D9", "border": 1, "align": "center"}),
                "lower": wb.add_format(
                    {
                        "bg_color": "#EEEEEE",
                        "border": 1,
                        "align": "center",
                        "font_color": "#555555",
                        "italic": True,
                    }
                ),
                "expert": wb.add_format({"locked": False, "num_format": "@", "font_size": 10}),
                "item": wb.add_format({"bold": True, "font_size": 10}),
                "calc": wb.add_format({"num_format": "0.000", "font_color": "#444444"}),
                "calc_cr": wb.add_format({"num_format": "0.000", "bold": True}),
                "red": wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
                "green": wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"}),
            }
        )
        wb.set_properties({"title": title, "subject": tree.id, "creator": "evalkit"})
        _experts_instructions(wb, tree, lang, title, f)
        for node in tree.criteria():
            _experts_node_sheet(wb, node, names, lang, f)
        if "experts" not in {n.id for n in tree.criteria()}:
            ws = wb.add_worksheet("experts")
            for j, h in enumerate(("expert", "name", "weight")):
                ws.write_string(0, j, h, f["head"])
                ws.write_comment(
                    0, j, {"expert": "expert", "name": t["ename"], "weight": t["weight"]}[h]
                )
            for i, e in enumerate(names, start=1):
                ws.write_string(i, 0, e)
                ws.write_number(i, 2, 1)
            ws.set_column(0, 1, 20)
    return path


def _experts_instructions(
    wb: Workbook, tree: IndicatorTree, lang: str, title: str, f: dict[str, Any]
) -> None:
    t = _T[lang]
    ws = wb.add_worksheet(t["instructions"])
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 60)
    ws.write_string(0, 0, title, f["title"])
    r = 2
    lines = [t["generated"].format(tree=_name(tree.title, lang))]
    lines += [t["e1"], t["e2"], t["e3"], t["e4"], t["e5"]]
    for k, line in enumerate(lines, start=1):
        ws.write_string(r, 0, f"{k}.", f["bold"])
        ws.merge_range(r, 1, r, 2, line, f["wrap"])
        ws.set_row(r, 15 * max(1, -(-_display_width(line) // 110)))
        r += 1
    r += 1
    ws.write_string(r, 1, t["saaty"], f["head"])
    ws.write_string(r, 2, t["meaning"], f["head"])
    for v in SAATY_VALUES:
        r += 1
        ws.write_string(r, 1, v, f["num"])
        ws.write_string(r, 2, _saaty_label(v, lang).split(" — ", 1)[1], f["cell"])
    r += 2
    ws.write_string(r, 0, t["nodes"], f["bold"])
    r += 1
    ws.write_string(r, 1, t["node"], f["head"])
    ws.write_string(r, 2, t["children"], f["head"])
    for node in tree.criteria():
        r += 1
        kids = "\n".join(f"{c.id}: {_name(c.name, lang)}" for c in node.children)
        ws.write_string(r, 1, f"{node.id}\n{_name(node.name, lang)}", f["cell"])
        ws.write_string(r, 2, kids, f["cell"])
        ws.set_row(r, 15 * max(2, len(node.children)) + 6)
    _print_setup(ws, landscape=False)
    ws.activate()


@dataclass(frozen=True)
class _SheetColumns:
    """The columns of a node's sheet for a node of *n* children (:func:`_sheet_columns`).

    expert | item | name | <children: the grid, from g0> | gap | geo. mean | w | (Aw)_i/w_i |
    filled | lambda_max | CI | RI | CR | status (the last six on the first row of each block).
    """

    n: int
    g0: int
    gap: int
    geo: int
    w: int
    ratio: int
    fill: int
    lam: int
    ci: int
    ri: int
    cr: int
    status: int
    pairs: int  # the judgments of a complete block (the upper triangle)


def _sheet_columns(n: int) -> _SheetColumns:
    g0 = 3  # first grid column
    gap = g0 + n
    return _SheetColumns(n, g0, gap, *range(gap + 1, gap + 10), n * (n - 1) // 2)


@dataclass(frozen=True)
class _Block:
    """The cell references of one expert's block of n rows, the first at row *top*
    (:func:`_block`)."""

    cols: _SheetColumns
    top: int
    grid: str  # the judgment cells
    complete: str  # true in Excel when every judgment of the block is filled
    w_refs: tuple[str, ...]  # each row's weight
    g_range: str  # the rows' geometric means
    r_range: str  # the rows' (Aw)_i / w_i

    def cell(self, i: int, j: int) -> str:
        """The judgment cell a[i, j]."""
        return xl_rowcol_to_cell(self.top + i, self.cols.g0 + j)

    def term(self, i: int, j: int) -> str:
        """a[i, j] as a number: 1 on the diagonal, the reciprocal of a[j, i] below it."""
        if i == j:
            return "1"
        return _num(self.cell(i, j)) if i < j else f"1/{_num(self.cell(j, i))}"


def _block(cols: _SheetColumns, top: int) -> _Block:
    def fixed(row: int, col: int) -> str:
        return xl_rowcol_to_cell(row, col, True, True)

    last = top + cols.n - 1
    return _Block(
        cols,
        top,
        grid=f"{fixed(top, cols.g0)}:{fixed(last, cols.g0 + cols.n - 1)}",
        complete=f"{fixed(top, cols.fill)}={cols.pairs}",
        w_refs=tuple(fixed(top + j, cols.w) for j in range(cols.n)),
        g_range=f"{fixed(top, cols.geo)}:{fixed(last, cols.geo)}",
        r_range=f"{xl_rowcol_to_cell(top, cols.ratio)}:{xl_rowcol_to_cell(last, cols.ratio)}",
    )


def _experts_node_sheet(
    wb: Workbook, node: Node, experts: list[str], lang: str, f: dict[str, Any]
) -> None:
    """One block of n rows per expert, a blank row between blocks, nothing below the last block
    (the columns: :class:`_SheetColumns`)."""
    ws = wb.add_worksheet(node.id)
    kids = list(node.children)
    cols = _sheet_columns(len(kids))
    try:
        ri = random_index(cols.n) if cols.n > 2 else 0.0
    except EvalkitError:
        ri = None
    _node_sheet_head(ws, kids, cols, lang, f)
    for b, expert in enumerate(experts):
        block = _block(cols, 1 + b * (cols.n + 1))
        for i in range(cols.n):
            _block_row(ws, block, i, expert, kids, lang, f)
        _block_consistency(ws, block, ri, lang, f)
    _node_sheet_layout(ws, kids, cols, len(experts), lang)


def _node_sheet_head(
    ws: Worksheet, kids: list[Node], cols: _SheetColumns, lang: str, f: dict[str, Any]
) -> None:
    """Row 1: the machine header (expert, item, the children's ids) and the helper columns'
    titles, the children's names and the CR rule in comments."""
    t = _T[lang]
    head = {
        0: "expert",
        1: "item",
        2: t["name_col"],
        cols.geo: t["g_col"],
        cols.w: t["w_col"],
        cols.ratio: t["r_col"],
        cols.fill: t["filled_col"].format(m=cols.pairs),
        cols.lam: t["lam_col"],
        cols.ci: t["ci_col"],
        cols.ri: t["ri_col"],
        cols.cr: t["cr_col"],
        cols.status: t["status_col"],
    }
    for j, kid in enumerate(kids):
        head[cols.g0 + j] = kid.id
    for col, h in head.items():
        ws.write_string(0, col, h, f["head"] if col < cols.g0 else f["ghead"])
    for j, kid in enumerate(kids):
        ws.write_comment(
            0, cols.g0 + j, f"{_name(kid.name, lang)}\n{kid.name.get('en', '')}", {"x_scale": 1.6}
        )
    ws.write_comment(0, cols.cr, t["e3"], {"x_scale": 3, "y_scale": 2})


def _block_row(
    ws: Worksheet,
    block: _Block,
    i: int,
    expert: str,
    kids: list[Node],
    lang: str,
    f: dict[str, Any],
) -> None:
    """Row i of a block: expert, item and name, the judgment cells, then the row's geometric
    mean, weight and (Aw)_i / w_i."""
    cols, row = block.cols, block.top + i
    kid = kids[i]
    ws.write_string(row, 0, expert, f["expert"])
    ws.write_string(row, 1, kid.id, f["item"])
    ws.write_string(row, 2, _name(kid.name, lang), f["number"])
    for j in range(cols.n):
        _judgment_cell(ws, block, i, j, kids, lang, f)
    g_ref = xl_rowcol_to_cell(row, cols.geo)
    w_ref = xl_rowcol_to_cell(row, cols.w)
    terms = ",".join(block.term(i, j) for j in range(cols.n))
    ws.write_formula(row, cols.geo, f'=IF({block.complete},GEOMEAN({terms}),"")', f["calc"], "")
    ws.write_formula(
        row, cols.w, f'=IF({g_ref}="","",{g_ref}/SUM({block.g_range}))', f["calc_cr"], ""
    )
    w_refs = block.w_refs
    aw = "+".join(w_refs[j] if i == j else f"{block.term(i, j)}*{w_refs[j]}" for j in range(cols.n))
    ws.write_formula(row, cols.ratio, f'=IF({w_ref}="","",({aw})/{w_ref})', f["calc"], "")


def _judgment_cell(
    ws: Worksheet,
    block: _Block,
    i: int,
    j: int,
    kids: list[Node],
    lang: str,
    f: dict[str, Any],
) -> None:
    """a[i, j]: 1 on the diagonal, the mirror of a[j, i] by formula below it, above it a blank
    cell with the drop-down of Saaty's values."""
    row, col = block.top + i, block.cols.g0 + j
    if i == j:
        ws.write_number(row, col, 1, f["diag"])
    elif i > j:
        up = block.cell(j, i)
        ws.write_formula(
            row,
            col,
            f'=IF({up}="","",IF(ISNUMBER({up}),1/{up},IF(LEFT({up},2)="1/",'
            f'MID({up},3,9),IF({up}="1","1","1/"&{up}))))',
            f["lower"],
            "",
        )
    else:
        t = _T[lang]
        ws.write_blank(row, col, None, f["upper"])
        a, c = _name(kids[i].name, lang), _name(kids[j].name, lang)
        ws.data_validation(
            row,
            col,
            row,
            col,
            {
                "validate": "list",
                "source": list(SAATY_VALUES),
                "ignore_blank": True,
                "input_title": t["cell_title"][:32],
                "input_message": t["cell_msg"].format(a=a, b=c)[:255],
                "error_title": t["bad"][:32],
                "error_message": t["cell_err"],
                "error_type": "stop",
            },
        )


def _block_consistency(
    ws: Worksheet, block: _Block, ri: float | None, lang: str, f: dict[str, Any]
) -> None:
    """The first row of a block, right of the weights: judgments filled, lambda_max, CI, RI, CR
    and the status, the CR and status red above CR_LIMIT and green at or below it."""
    t = _T[lang]
    cols, top, n = block.cols, block.top, block.cols.n
    lam, ci, cr = (xl_rowcol_to_cell(top, c) for c in (cols.lam, cols.ci, cols.cr))
    ri_ref = xl_rowcol_to_cell(top, cols.ri)
    ws.write_formula(top, cols.fill, f"=(SUMPRODUCT(--(LEN({block.grid})>0))-{n})/2", None, 0)
    ws.write_formula(
        top, cols.lam, f'=IF({block.complete},AVERAGE({block.r_range}),"")', f["calc"], ""
    )
    ws.write_formula(
        top, cols.ci, f'=IF({lam}="","",MAX(0,({lam}-{n})/{max(n - 1, 1)}))', f["calc"], ""
    )
    if ri is None:
        ws.write_string(top, cols.ri, "n/a")
        ws.write_string(top, cols.cr, "n/a")
    else:
        ws.write_number(top, cols.ri, ri, f["calc"])
        cr_expr = "0" if ri == 0 else f"{ci}/{ri_ref}"
        ws.write_formula(top, cols.cr, f'=IF({ci}="","",{cr_expr})', f["calc_cr"], "")
    ws.write_formula(
        top,
        cols.status,
        f'=IF({cr}="","{t["todo"]}",IF({cr}<={CR_LIMIT},"{t["ok"]}","{t["bad_cr"]}"))',
        None,
        t["todo"],
    )
    for c in (cols.cr, cols.status):
        ref = xl_rowcol_to_cell(top, c)
        for criteria, colour in ((f"{cr}>{CR_LIMIT}", "red"), (f"{cr}<={CR_LIMIT}", "green")):
            ws.conditional_format(
                ref,
                {
                    "type": "formula",
                    "criteria": f"=AND(ISNUMBER({cr}),{criteria})",
                    "format": f[colour],
                },
            )


def _node_sheet_layout(
    ws: Worksheet, kids: list[Node], cols: _SheetColumns, n_experts: int, lang: str
) -> None:
    """Column widths, the frozen header, the legend of Saaty's values below the last block, the
    protection (only the judgment and expert cells are open) and the print setup."""
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, max(12, max(len(k.id) for k in kids) * 1.1 + 2))
    ws.set_column(2, 2, min(max(10, max(_display_width(_name(k.name, lang)) for k in kids)), 40))
    for j, kid in enumerate(kids):
        ws.set_column(cols.g0 + j, cols.g0 + j, min(max(8, len(kid.id) * 0.9), 15))
    ws.set_column(cols.gap, cols.gap, 2)
    ws.set_column(cols.geo, cols.ratio, 9)
    ws.set_column(cols.fill, cols.fill, 11)
    ws.set_column(cols.lam, cols.cr, 7)
    ws.set_column(cols.status, cols.status, 22)
    ws.set_row(0, 32)
    ws.freeze_panes(1, 3)
    last_row = n_experts * (cols.n + 1) - 1
    legend = _T[lang]["legend"] + "\n" + "\n".join(saaty_labels(lang))
    ws.insert_textbox(
        last_row + 2,
        1,
        legend,
        {
            "width": 330 if lang == "zh" else 420,
            "height": 15 * (len(SAATY_VALUES) + 1) + 16,
            "font": {"size": 9},
            "border": {"color": "#999999"},
            "object_position": 3,
        },
    )
    ws.protect(
        "",
        {
            "format_cells": True,
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )
    _print_setup(ws, landscape=True)


# ---- the blank workbooks of `evalkit init` -----------------------------------------------------


def write_blank_survey(tree: IndicatorTree, path: Path) -> Path:
    """A survey workbook to fill (the Chinese questionnaire template); used by ``evalkit init``."""
    return write_survey_template(tree, path, lang="zh")


def write_blank_experts(tree: IndicatorTree, path: Path, expert: str = "E01") -> Path:
    """An experts workbook for one expert (the Chinese template); used by ``evalkit init``."""
    return write_experts_template(tree, path, experts=(expert,), lang="zh")


__all__ = [
    "SAATY_VALUES",
    "saaty_labels",
    "write_blank_experts",
    "write_blank_survey",
    "write_experts_template",
    "write_survey_template",
]
