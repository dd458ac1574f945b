"""The district PDF report: Typst template + JSON data + matplotlib SVG charts.

User text (names, messages) never becomes Typst markup: everything is written to ``data.json`` and
the template inserts the strings as text. Numbers are rounded here, as strings, so the PDF shows
the same rounding as the workbook (scores 1 decimal, weights and CR 3 decimals).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from evalkit.errors import FontError
from evalkit.report import charts
from evalkit.report.fonts import FontChain, font_chain, unprintable, visible
from evalkit.report.i18n import header, word
from evalkit.report.model import DistrictReport, cr_threshold
from evalkit.weights.weightset import WEIGHT_COLUMNS

ACCENT = "#1f4e79"
MAX_ISSUES = 30

# PDF-only phrases. Placeholders are filled with str.format in Python (never in Typst).
PHRASES: dict[str, dict[str, str]] = {
    "zh": {
        "page": "第 {x} 页 / 共 {y} 页",
        "summary": "一、总体评估结果",
        "dimensions": "二、维度得分",
        "indicators": "三、指标得分明细",
        "stations": "四、派出所得分",
        "weak": "五、薄弱环节与对策建议",
        "method": "附录 方法说明",
        "total": "综合得分",
        "level": "成熟度等级",
        "rank": "全省排名",
        "rank_value": "{rank} / {n}",
        "rank_sub": "在全省 {n} 个参评区县中排第 {rank} 名",
        "level_value": "{name}（第 {level} 级）",
        "level_sub": "第 {level} 级，共 {n} 级",
        "mean_best": "全省均值 {mean} · 最高 {best}",
        "warnings": "提示",
        "report_date": "报告日期",
        "tree_title": "指标体系",
        "district": "评估对象",
        "radar_caption": "各维度得分与全省均值对比",
        "bars_caption": "各派出所综合得分",
        "indicators_note": "失分 = 全局权重 × (100 − 指标得分)，即该指标使综合得分减少的分值。",
        "stations_hidden": "另有 {n} 个派出所因有效问卷数低于隐私保护下限，未单独列示。",
        "no_stations": "没有可单独列示的派出所。",
        "weakest": "失分最多的指标",
        "weakest_note": "按失分排序：权重大的指标即使得分不低，也可能使综合得分损失最多，"
        "改进它对总分的提升也最大。",
        "recommendations": "对策建议",
        "no_recommendations": "无。",
        "overall": "综合",
        "method_params": "方法参数",
        "formulas": "计算公式",
        "formula_ahp": "层次分析法（特征向量法）：",
        "formula_entropy": "熵权法（m 个评价单元）：",
        "formula_score": "目标值法标准化（逆向指标交换上下限）：",
        "formula_total": "逐层加权求和：",
        "tree": "指标体系",
        "weights": "指标权重",
        "group_cr": "群组判断矩阵一致性检验",
        "expert_cr": "专家判断矩阵一致性检验",
        "cr_note": "加粗并着色的行 CR 大于阈值 {t}。",
        "counts": "数据概况",
        "reliability": "问卷信度",
        "reliability_note": (
            "Cronbach's α ≥ 0.7 为可接受，≥ 0.8 为良好（George & Mallery, 2003）；反向题与逆向指标题已反向计分。"
            "KMO = {kmo}，Bartlett 球形检验 χ²({df}) = {chi2}，p {p}（n = {n}）。"
        ),
        "screened": "剔除无效问卷 {n} 份（编号重复、缺答超过 20%、全部题目选同一选项），均未计入得分。",
        "levels": "成熟度等级划分",
        "issues": "数据问题",
        "issues_more": "另有 {n} 条问题未列出，完整清单见 Excel 工作簿。",
        "issues_own": "本区县（{district}）",
        "issues_study": "全省（专家判断、权重、指标体系与项目文件）",
        "rank_sub_partial": "在 {m} 个区县中参评的 {n} 个中排第 {rank} 名",
        "mean_best_partial": "全省均值 {mean} · 最高 {best}（按 {n}/{m} 个区县）",
        "para_rank": "在全省 {n} 个参评区县中排名第 {rank}",
        "para_rank_partial": "在 {m} 个区县中参评的 {n} 个中排名第 {rank}",
        "para_partial": "（全省均值只按参评的 {n} 个区县计算。）",
        "no_issues": "未发现数据问题。",
        "location": "位置",
        "m_weights": "权重方法",
        "m_ri_table": "随机一致性指标 RI 表",
        "m_cr_threshold": "一致性比率阈值 CR",
        "m_normalisation": "标准化方法",
        "m_aggregation": "汇总方法",
        "m_objective_units": "客观赋权计算单元（派出所数）",
        "m_inconsistent_experts": "未通过一致性检验的专家",
        "m_survey": "问卷指标取值",
        "m_ratio": "比率指标汇总",
        "m_consensus": "专家共识度指标",
        "m_hierarchy_cr": "层次总排序一致性检验",
        "m_group": "群组决策集结方法",
        "c_respondents": "有效问卷数",
        "c_responses_missing": "缺失答案（单元格）",
        "c_stations": "派出所数",
        "c_stations_hidden": "未列示派出所数",
        "c_experts": "专家数",
        "c_experts_inconsistent": "未通过一致性检验的专家矩阵",
        "c_items": "问卷题目数",
        "c_indicators": "指标数",
        "c_districts": "参评区县数",
        "c_excluded": "剔除无效问卷数",
        "para_total": (
            "{district}信息化综合得分 {total} 分，成熟度等级为“{level}”（第 {lv} 级），"
            "{ranked}，{cmp}。"
        ),
        "cmp_above": "高于全省均值 {d} 分",
        "cmp_below": "低于全省均值 {d} 分",
        "cmp_equal": "与全省均值持平",
        "para_dims": "各维度中，“{best}”得分最高（{bs} 分），“{worst}”得分最低（{ws} 分）。",
        "para_below": "低于全省均值的维度有：{names}。",
        "para_none_below": "所有维度均不低于全省均值。",
        "para_gap": "失分最多的指标是“{name}”（得分 {score} 分，失分 {gap} 分）。",
        "list_sep": "、",
        "quote": "“{}”",
        "no": "序号",
        "matrix_order": "阶数",
        "series_mean": "全省均值",
    },
    "en": {
        "page": "Page {x} of {y}",
        "summary": "1 Overall result",
        "dimensions": "2 Dimension scores",
        "indicators": "3 Indicator scores",
        "stations": "4 Police stations",
        "weak": "5 Weak points and recommendations",
        "method": "Appendix: Methodology",
        "total": "Total score",
        "level": "Maturity level",
        "rank": "Rank in province",
        "rank_value": "{rank} / {n}",
        "rank_sub": "rank {rank} of {n} districts assessed",
        "level_value": "{name} (level {level})",
        "level_sub": "level {level} of {n}",
        "mean_best": "province mean {mean}, best {best}",
        "warnings": "Note",
        "report_date": "Report date",
        "tree_title": "Indicator tree",
        "district": "District",
        "radar_caption": "Dimension scores against the province mean",
        "bars_caption": "Total score of each police station",
        "indicators_note": (
            "Points lost = global weight × (100 − indicator score): what the indicator costs the "
            "total score."
        ),
        "stations_hidden": (
            "{n} more station(s) are not shown because they have fewer respondents than the "
            "privacy minimum."
        ),
        "no_stations": "No station can be shown separately.",
        "weakest": "Indicators losing the most points",
        "weakest_note": "Ordered by points lost: a heavily weighted indicator can cost the total more "
        "than a lower-scoring light one, and improving it raises the total most.",
        "recommendations": "Recommendations",
        "no_recommendations": "None.",
        "overall": "Overall",
        "method_params": "Method",
        "formulas": "Formulas",
        "formula_ahp": "AHP (eigenvector method):",
        "formula_entropy": "Entropy weights (m units):",
        "formula_score": "Goalpost normalisation (worst and best swapped for cost indicators):",
        "formula_total": "Weighted sum up the tree:",
        "tree": "Indicator tree",
        "weights": "Weights",
        "group_cr": "Consistency of the group judgment matrices",
        "expert_cr": "Consistency of each expert's judgment matrices",
        "cr_note": "Rows in bold colour have CR above the threshold {t}.",
        "counts": "Data",
        "reliability": "Survey reliability",
        "reliability_note": (
            "Cronbach's α ≥ 0.7 is acceptable, ≥ 0.8 good (George & Mallery, 2003); reverse-worded "
            "items and items of cost indicators are recoded. KMO = {kmo}; Bartlett's test of "
            "sphericity χ²({df}) = {chi2}, p {p} (n = {n})."
        ),
        "screened": "{n} invalid questionnaire(s) excluded (duplicate id, more than 20 % missing, "
        "the same answer to every item); they count in no score.",
        "levels": "Maturity levels",
        "issues": "Data issues",
        "issues_more": "{n} more issues are not listed; see the Excel workbook for all of them.",
        "issues_own": "This district ({district})",
        "issues_study": "Whole study (expert judgments, weights, indicator tree, project file)",
        "rank_sub_partial": "rank {rank} of {n} districts assessed ({m} in the study)",
        "mean_best_partial": "province mean {mean}, best {best} ({n} of {m} districts)",
        "para_rank": "It ranks {rank} of {n} districts in the province",
        "para_rank_partial": "It ranks {rank} of the {n} districts assessed ({m} in the study)",
        "para_partial": "(Province means cover the {n} districts assessed only.)",
        "no_issues": "No data issues were found.",
        "location": "Location",
        "m_weights": "Weights",
        "m_ri_table": "Random index (RI) table",
        "m_cr_threshold": "CR threshold",
        "m_normalisation": "Normalisation",
        "m_aggregation": "Aggregation",
        "m_objective_units": "Objective weights across (stations)",
        "m_inconsistent_experts": "Experts over the CR threshold",
        "m_survey": "Survey indicators",
        "m_ratio": "Ratio statistics",
        "m_consensus": "Consensus measure",
        "m_hierarchy_cr": "Consistency of the whole hierarchy",
        "m_group": "Group aggregation",
        "c_respondents": "Respondents",
        "c_responses_missing": "Missing answers (cells)",
        "c_stations": "Police stations",
        "c_stations_hidden": "Stations not shown",
        "c_experts": "Experts",
        "c_experts_inconsistent": "Inconsistent expert matrices",
        "c_items": "Survey items",
        "c_indicators": "Indicators",
        "c_districts": "Districts assessed",
        "c_excluded": "Invalid questionnaires excluded",
        "para_total": (
            "{district} scores {total} out of 100 and reaches maturity level {lv}, "
            "\u201c{level}\u201d. {ranked}, {cmp}."
        ),
        "cmp_above": "{d} points above the province mean",
        "cmp_below": "{d} points below the province mean",
        "cmp_equal": "level with the province mean",
        "para_dims": (
            "Its strongest dimension is \u201c{best}\u201d ({bs}) and its weakest is "
            "\u201c{worst}\u201d ({ws})."
        ),
        "para_below": "Dimensions below the province mean: {names}.",
        "para_none_below": "No dimension is below the province mean.",
        "para_gap": (
            "The indicator losing the most points is \u201c{name}\u201d (score {score}, "
            "{gap} points lost)."
        ),
        "list_sep": ", ",
        "quote": "\u201c{}\u201d",
        "no": "No.",
        "matrix_order": "Order n",
        "series_mean": "Province mean",
    },
}


def _file_mode() -> int:
    old = os.umask(0)
    os.umask(old)
    return 0o666 & ~old


_FILE_MODE = _file_mode()  # read once at import (os.umask is process-wide)


# ---------------------------------------------------------------- formatting


def _num(x: Any, digits: int) -> str:
    """Fixed decimals; empty for missing values."""
    if x is None:
        return ""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return "—"
    out = f"{v:.{digits}f}"
    return out[1:] if out.startswith("-") and float(out) == 0 else out


def _score(x: Any) -> str:
    return _num(x, 1)


def _signed(x: float) -> str:
    """Score difference with a true minus sign."""
    out = _score(x)
    return "−" + out[1:] if out.startswith("-") else "+" + out


def _w(x: Any) -> str:
    return _num(x, 3)


def _int(x: Any) -> str:
    if x is None:
        return ""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    return "" if math.isnan(v) else str(round(v))


def _raw(x: Any, unit: Any) -> str:
    """Raw value with 2 decimals (every raw value alike; thousands without decimals) and its unit."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return "—"
    s = f"{v:.2f}" if abs(v) < 1000 else f"{v:,.0f}"
    u = _s(unit)
    if not u:
        return s
    return f"{s}{u}" if u in ("%", "‰", "°") else f"{s} {u}"


def _goalpost(x: Any) -> str:
    """A goalpost as the tree gives it (0.5, 20, 100)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(v) else f"{v:g}"


_ZWSP = "\u200b"  # a line may break here; prints nothing


def _breakable(text: str) -> str:
    """Column names such as Σverified_records may break after _ and /, not overflow the cell."""
    return text.replace("_", "_" + _ZWSP).replace("/", "/" + _ZWSP)


def _s(x: Any) -> str:
    """A cell as text; NaN/None become empty."""
    if x is None:
        return ""
    if isinstance(x, float) and math.isnan(x):
        return ""
    if x is pd.NA or x is pd.NaT:
        return ""
    return str(x)


def _yes(x: Any, lang: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return word("yes" if bool(x) else "no", lang)


def _col(df: pd.DataFrame, name: str) -> list[Any]:
    return list(df[name]) if name in df.columns else [None] * len(df)


def _table(
    head: Sequence[str],
    rows: list[list[str] | dict[str, Any]],
    widths: Sequence[float],
    align: str,
    *,
    hl: Iterable[int] = (),
    size: float = 8.5,
) -> dict[str, Any]:
    """A table for the template: widths (0 = auto, else fr), align letters l/r/c per column."""
    return {
        "header": list(head),
        "rows": rows,
        "widths": list(widths),
        "align": list(align),
        "hl": sorted(set(hl)),
        "size": size,
    }


# ---------------------------------------------------------------- sections


def _paragraph(r: DistrictReport, p: dict[str, str]) -> str:
    q = p["quote"]
    diff = r.total - r.province_mean
    if round(diff, 1) > 0:
        cmp = p["cmp_above"].format(d=_score(diff))
    elif round(diff, 1) < 0:
        cmp = p["cmp_below"].format(d=_score(-diff))
    else:
        cmp = p["cmp_equal"]
    partial = r.n_districts_total > r.n_districts
    nm = {"rank": r.rank, "n": r.n_districts, "m": r.n_districts_total}
    parts = [
        p["para_total"].format(
            district=r.district,
            total=_score(r.total),
            level=r.level_name,
            lv=r.level,
            ranked=p["para_rank_partial" if partial else "para_rank"].format(**nm),
            cmp=cmp,
        )
    ]
    dims = r.dimensions
    if len(dims) >= 2 and "score" in dims.columns:
        best = dims.loc[dims["score"].idxmax()]
        worst = dims.loc[dims["score"].idxmin()]
        parts.append(
            p["para_dims"].format(
                best=best["name"],
                bs=_score(best["score"]),
                worst=worst["name"],
                ws=_score(worst["score"]),
            )
        )
    if len(dims) and "province_mean" in dims.columns:
        below = dims[dims["score"].round(1) < dims["province_mean"].round(1)]
        if len(below):
            names = p["list_sep"].join(
                q.format(n)
                + (f" ({_signed(s - m)})" if r.lang == "en" else f"（{_signed(s - m)}）")
                for n, s, m in zip(
                    below["name"], below["score"], below["province_mean"], strict=True
                )
            )
            parts.append(p["para_below"].format(names=names))
        else:
            parts.append(p["para_none_below"])
    if len(r.weakest):
        w = r.weakest.iloc[0]
        parts.append(
            p["para_gap"].format(name=w["name"], score=_score(w["score"]), gap=_num(w["gap"], 2))
        )
    if partial:
        parts.append(p["para_partial"].format(**nm))
    sep = "" if r.lang == "zh" else " "
    return sep.join(parts)


def _lv(name: Any, level: Any, lang: str) -> str:
    return f"{_s(name)}（{_int(level)}）" if lang == "zh" else f"{_s(name)} ({_int(level)})"


def _dimensions(r: DistrictReport, lang: str) -> dict[str, Any]:
    d = r.dimensions
    rows = [
        [_s(n), _score(s), _score(m), _int(k), _w(w), _lv(ln, lv, lang)]
        for n, s, m, k, w, lv, ln in zip(
            _col(d, "name"),
            _col(d, "score"),
            _col(d, "province_mean"),
            _col(d, "rank"),
            _col(d, "weight"),
            _col(d, "level"),
            _col(d, "level_name"),
            strict=True,
        )
    ]
    head = [header(c, lang) for c in ("dimension", "score", "province_mean", "rank", "weight")]
    head.append(header("level", lang))
    return _table(head, rows, [3, 0, 0, 0, 0, 1.6], "lrrrrl", size=9)


def _indicators(r: DistrictReport, lang: str) -> dict[str, Any]:
    d = r.indicators
    rows: list[list[str] | dict[str, Any]] = []
    current = object()
    for rec in d.to_dict("records"):
        dim = rec.get("dimension_id", rec.get("dimension"))
        if dim != current:
            current = dim
            rows.append({"group": _s(rec.get("dimension"))})
        rows.append(
            [
                _s(rec.get("name")),
                _raw(rec.get("raw"), rec.get("unit")),
                _score(rec.get("score")),
                _score(rec.get("province_mean")),
                _w(rec.get("global_weight")),
                _num(rec.get("gap"), 2),
            ]
        )
    head = [
        header(c, lang) for c in ("name", "raw", "score", "province_mean", "global_weight", "gap")
    ]
    return _table(head, rows, [3.2, 1.3, 0, 0, 0, 0], "lrrrrr")


def _stations(r: DistrictReport, lang: str) -> dict[str, Any]:
    d = r.stations
    dim_ids = [c for c in r.dimension_columns if c in d.columns]
    rows: list[list[str] | dict[str, Any]] = []
    for rec in d.to_dict("records"):
        rows.append(
            [
                _int(rec.get("rank")),
                _s(rec.get("station")),
                _int(rec.get("respondents")),
                _score(rec.get("total")),
                _s(rec.get("level_name")),
                *[_score(rec.get(c)) for c in dim_ids],
            ]
        )
    head = [header(c, lang) for c in ("rank", "station", "respondents", "total", "level_name")]
    names = [r.dimension_columns[c] for c in dim_ids]
    t = _table(
        head,
        rows,
        [0, 2.2, 0, 0, 1.2, *([0] * len(dim_ids))],
        "rlrrl" + "r" * len(dim_ids),
        size=7.5,
    )
    t["header"] += names
    t["legend"] = ""
    if any(len(n) > (6 if lang == "zh" else 11) for n in names):
        # long names would break inside words in narrow columns: short codes and a legend
        codes = [f"D{i}" for i in range(1, len(names) + 1)]
        t["header"] = [*head, *codes]
        sep = "；" if lang == "zh" else "; "
        t["legend"] = sep.join(f"{c} {n}" for c, n in zip(codes, names, strict=True))
    return t


def _weakest(r: DistrictReport, lang: str) -> dict[str, Any]:
    d = r.weakest
    rows = [
        [_s(n), _s(dm), _score(s), _num(g, 2)]
        for n, dm, s, g in zip(
            _col(d, "name"), _col(d, "dimension"), _col(d, "score"), _col(d, "gap"), strict=True
        )
    ]
    head = [header(c, lang) for c in ("name", "dimension", "score", "gap")]
    return _table(head, rows, [3, 2, 0, 0], "llrr", size=9)


def _method(r: DistrictReport, p: dict[str, str]) -> list[list[str]]:
    out = []
    for key, value in r.method.items():
        label = p.get(f"m_{key}", key)
        out.append([label, _s(value)])
    return out


def _tree(r: DistrictReport, lang: str) -> dict[str, Any]:
    d = r.tree
    rows = []
    for rec in d.to_dict("records"):
        depth = int(rec.get("depth") or 0)
        rows.append(
            {
                "indent": depth,
                "cells": [
                    _s(rec.get("name")),
                    word(_s(rec.get("kind")), lang),
                    _breakable(_s(rec.get("source"))),
                    _s(rec.get("direction_label")),
                    _goalpost(rec.get("worst")),
                    _goalpost(rec.get("best")),
                    _s(rec.get("goalpost_basis")),
                    _s(rec.get("unit")),
                ],
            }
        )
    for row in rows:
        row["cells"] = [c if c != "—" else "" for c in row["cells"]]
    cols = ("name", "kind", "source", "direction", "worst", "best", "goalpost_basis", "unit")
    head = [header(c, lang) for c in cols]
    return _table(head, rows, [2.6, 0, 2.4, 0, 0, 0, 1.1, 1.7], "lllcrrll", size=7.5)


def _weights(r: DistrictReport, lang: str) -> dict[str, Any]:
    d = r.weights
    cols = WEIGHT_COLUMNS
    rows = []
    for rec in d.to_dict("records"):
        rows.append(
            {
                "indent": max(0, int(rec.get("depth") or 1) - 1),
                "cells": [_s(rec.get("name")), *[_w(rec.get(c)) for c in cols]],
            }
        )
    head = [header("name", lang), *[header(c, lang) for c in cols]]
    return _table(head, rows, [1, 0, 0, 0, 0, 0, 0], "lrrrrrr", size=7.5)


def _inconsistent(rec: dict[str, Any], threshold: float) -> bool:
    """A matrix to highlight: CR above the threshold, or marked not consistent."""
    cr = rec.get("cr")
    return (cr is not None and not _isnan(cr) and float(cr) > threshold) or rec.get(
        "consistent"
    ) is False


def _group(r: DistrictReport, lang: str) -> dict[str, Any]:
    t = cr_threshold(r.method)
    rows, hl = [], []
    for i, rec in enumerate(r.group.to_dict("records")):
        cr = rec.get("cr")
        if _inconsistent(rec, t):
            hl.append(i)
        rows.append(
            [
                _s(rec.get("node")),
                _int(rec.get("experts")),
                _w(rec.get("lambda_max")),
                _w(cr),
                _yes(rec.get("consistent"), lang),
                _w(rec.get("consensus")),
            ]
        )
    cols = ("node", "experts", "lambda_max", "cr", "consistent", "consensus")
    head = [header(c, lang) for c in cols]
    return _table(head, rows, [3, 0, 1, 1, 1, 1], "lrrrcr", hl=hl, size=8)


def _suggestions(r: DistrictReport, lang: str) -> list[str]:
    """One line per expert matrix over the threshold: its most inconsistent judgment."""
    out = []
    e = r.experts
    if "worst_pair" not in e.columns:
        return out
    for rec in e.to_dict("records"):
        if rec.get("consistent") is False and rec.get("worst_pair"):
            repairs = rec.get("repairs") or ""
            if lang == "zh":
                line = (
                    f"{rec['expert']}（{rec['node']}）：最不一致的判断为 {rec['worst_pair']} = "
                    f"{rec['current']}，与其他判断相符的值约为 {rec['suggested']}。"
                )
                if repairs:
                    line += f"已修正：{repairs}。"
            else:
                line = (
                    f"{rec['expert']} ({rec['node']}): the most inconsistent judgment is "
                    f"{rec['worst_pair']} = {rec['current']}; the other judgments suggest about "
                    f"{rec['suggested']}."
                )
                if repairs:
                    line += f" Repaired: {repairs}."
            out.append(line)
    return out


def _isnan(x: Any) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def _experts(r: DistrictReport, lang: str) -> dict[str, Any]:
    t = cr_threshold(r.method)
    rows, hl = [], []
    for i, rec in enumerate(r.experts.to_dict("records")):
        cr = rec.get("cr")
        if _inconsistent(rec, t):
            hl.append(i)
        rows.append(
            [
                _s(rec.get("node")),
                _s(rec.get("expert")),
                _int(rec.get("n")),
                _w(rec.get("lambda_max")),
                _w(rec.get("ci")),
                _w(cr),
                _yes(rec.get("consistent"), lang),
                _yes(rec.get("used"), lang),
            ]
        )
    cols = ("node", "expert", "n", "lambda_max", "ci", "cr", "consistent", "used")
    head = [header(c, lang) for c in cols]
    head[2] = PHRASES[lang]["matrix_order"]
    return _table(head, rows, [2.5, 1, 0, 1, 1, 1, 1, 1], "llrrrrcc", hl=hl, size=7.5)


def _counts(r: DistrictReport, p: dict[str, str]) -> list[list[str]]:
    return [[p.get(f"c_{k}", k), _int(v)] for k, v in r.counts.items()]


def _levels(r: DistrictReport, lang: str) -> dict[str, Any]:
    d = r.levels
    rows = [
        [_int(lv), _s(n), _score(lo), _score(hi), _s(desc)]
        for lv, n, lo, hi, desc in zip(
            _col(d, "level"),
            _col(d, "name"),
            _col(d, "min_score"),
            _col(d, "max_score"),
            _col(d, "description"),
            strict=True,
        )
    ]
    head = [header(c, lang) for c in ("level", "name", "min_score", "max_score", "description")]
    return _table(head, rows, [0, 1.3, 0, 0, 4], "clrrl", size=8.5)


def _location(rec: dict[str, Any], lang: str) -> str:
    parts = []
    for key in ("file", "sheet", "row", "column", "line", "path"):
        v = rec.get(key)
        s = _int(v) if key in ("row", "line") else _s(v)
        if s:
            parts.append(f"{header(key, lang)} {s}" if key in ("row", "line") else s)
    return ("，" if lang == "zh" else ", ").join(parts)


def _issues(r: DistrictReport, lang: str, p: dict[str, str]) -> tuple[dict[str, Any], str]:
    """The district's own issues, then those of the whole study, each under a group heading."""
    d = r.issues
    recs = d.to_dict("records") if d is not None else []
    rows: list[list[str] | dict[str, Any]] = []
    own = word("this_district", lang)
    group = None
    for rec in recs[:MAX_ISSUES]:
        scope = "own" if _s(rec.get("scope")) == own else "study"
        if scope != group:
            group = scope
            rows.append({"group": p[f"issues_{scope}"].format(district=r.district)})
        msg = _s(rec.get("message"))
        exp, found = _s(rec.get("expected")), _s(rec.get("found"))
        parts = [
            (f"{header('expected', lang)} {exp}" if lang == "zh" else f"expected {exp}")
            if exp
            else "",
            (f"{header('found', lang)} {found}" if lang == "zh" else f"found {found}")
            if found
            else "",
        ]
        parts = [x for x in parts if x]
        if parts:
            msg += f"（{'，'.join(parts)}）" if lang == "zh" else f" ({', '.join(parts)})"
        rows.append(
            [word(_s(rec.get("severity")), lang), _location(rec, lang), msg, _s(rec.get("fix"))]
        )
    head = [header("severity", lang), p["location"], header("message", lang), header("fix", lang)]
    more = len(recs) - MAX_ISSUES
    note = p["issues_more"].format(n=more) if more > 0 else ""
    return _table(head, rows, [0, 2, 3, 2], "llll", size=7.5), note


def _reliability(r: DistrictReport, lang: str, p: dict[str, str]) -> tuple[dict[str, Any], str]:
    rel = r.reliability
    rows, hl = [], []
    for i, rec in enumerate(rel.to_dict("records")):
        a = rec.get("alpha")
        if a is not None and not _isnan(a) and float(a) < 0.7:
            hl.append(i)
        rows.append(
            [
                _s(rec.get("name")),
                _int(rec.get("items")),
                _int(rec.get("respondents")),
                _w(a),
                _s(rec.get("band")),
            ]
        )
    head = [header(c, lang) for c in ("dimension", "items", "respondents", "alpha", "band")]
    table = _table(head, rows, [3, 0, 0, 1, 1], "lrrrl", hl=hl, size=8)
    k = r.kmo or {}
    pv = k.get("p_value", float("nan"))
    note = ""
    if k and not _isnan(k.get("kmo", float("nan"))):
        note = p["reliability_note"].format(
            kmo=_w(k["kmo"]),
            df=_int(k.get("df")),
            chi2=f"{k.get('bartlett_chi2', float('nan')):.1f}",
            p="< 0.001" if pv < 0.001 else f"= {pv:.3f}",
            n=_int(k.get("n")),
        )
    excluded = int(r.counts.get("excluded", 0) or 0)
    if excluded:
        note += " " + p["screened"].format(n=excluded)
    return table, note


def build_data(r: DistrictReport, families: list[str]) -> dict[str, Any]:
    """All the template shows, as JSON-ready strings and lists."""
    lang = "zh" if r.lang == "zh" else "en"
    p = PHRASES[lang]
    issues, issues_note = _issues(r, lang, p)
    group = _group(r, lang)
    reliability, reliability_note = _reliability(r, lang, p)
    hidden = int(r.counts.get("stations_hidden", 0) or 0)
    partial = r.n_districts_total > r.n_districts
    recs = [
        {
            "priority": header("priority", lang)
            + ("：" if lang == "zh" else ": ")
            + word(rec.priority, lang),
            "dimension": rec.dimension or p["overall"],
            "text": rec.text,
        }
        for rec in r.recommendations
    ]
    return {
        "lang": lang,
        "region": "cn" if lang == "zh" else "gb",
        "fonts": families,
        "accent": ACCENT,
        "p": p,
        "title": r.title,
        "tree_title": r.tree_title,
        "district": r.district,
        "report_date": r.report_date,
        "summary": {
            "total": _score(r.total),
            "level": p["level_value"].format(name=r.level_name, level=r.level),
            "level_sub": p["level_sub"].format(level=r.level, n=len(r.levels)),
            "level_name": r.level_name,
            "level_no": str(r.level),
            "rank": p["rank_value"].format(rank=r.rank, n=r.n_districts),
            "rank_sub": p["rank_sub_partial" if partial else "rank_sub"].format(
                rank=r.rank, n=r.n_districts, m=r.n_districts_total
            ),
            "mean_best": p["mean_best_partial" if partial else "mean_best"].format(
                mean=_score(r.province_mean),
                best=_score(r.province_best),
                n=r.n_districts,
                m=r.n_districts_total,
            ),
            "description": r.level_description,
            "paragraph": _paragraph(r, p),
            "warnings": [str(w) for w in r.warnings],
        },
        "dimensions": _dimensions(r, lang),
        "indicators": _indicators(r, lang),
        "stations": _stations(r, lang),
        "stations_note": p["stations_hidden"].format(n=hidden) if hidden > 0 else "",
        "has_stations": len(r.stations) > 0,
        "weakest": _weakest(r, lang),
        "recommendations": recs,
        "method": _method(r, p),
        "tree": _tree(r, lang),
        "weights": _weights(r, lang),
        "group": group,
        "experts": _experts(r, lang),
        "has_experts": len(r.experts) > 0,
        "suggestions": _suggestions(r, lang),
        "cr_note": p["cr_note"].format(t=_s(r.method.get("cr_threshold", "0.1"))),
        "group_note": bool(group["hl"]),
        "counts": _counts(r, p),
        "reliability": reliability,
        "reliability_note": reliability_note,
        "has_reliability": len(r.reliability) > 0,
        "levels": _levels(r, lang),
        "issues": issues,
        "has_issues": len(r.issues) > 0 if r.issues is not None else False,
        "issues_note": issues_note,
        "has_radar": len(r.dimensions) > 0,
    }


# ---------------------------------------------------------------- rendering


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _strings(v)


def _replace_strings(obj: Any, missing: set[str]) -> Any:
    """*obj* (JSON-ready data) with every character no font has shown as ``[U+XXXX]``."""
    if isinstance(obj, str):
        return visible(obj, missing)
    if isinstance(obj, dict):
        return {k: _replace_strings(v, missing) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_replace_strings(v, missing) for v in obj]
    return obj


def _bold_sibling(font: Path) -> Path | None:
    candidates = [font.with_name(font.stem + "bd" + font.suffix)]  # msyh.ttc -> msyhbd.ttc
    for a, b in (("Regular", "Bold"), ("regular", "bold"), ("-R.", "-B.")):
        if a in font.name:
            candidates.insert(0, font.with_name(font.name.replace(a, b)))
    c = candidates[0]
    return c if c.is_file() and c != font else None


def _font_dir(chain: FontChain, workdir: Path) -> list[str]:
    """Folders holding only the chain's fonts (and their bold siblings), so Typst scans nothing else."""
    target = workdir / "fonts"
    target.mkdir()
    files: list[Path] = []
    for f in chain.fonts:
        bold = _bold_sibling(f)
        files += [f] + ([bold] if bold is not None else [])
    try:
        for i, f in enumerate(files):
            os.symlink(f.resolve(), target / f"{i:02d}-{f.name}")
    except (OSError, NotImplementedError):
        # no symlinks (Windows without privilege): scan the fonts' folders
        return sorted({str(f.parent) for f in files})
    return [str(target)]


def _template_text() -> str:
    return resources.files("evalkit.report").joinpath("templates/district.typ").read_text("utf-8")


def render_district_pdf(
    report: DistrictReport, path: Path, *, font: Path | str | FontChain | None = None
) -> Path:
    """Render *report* to a PDF at *path* (atomically) and return the path.

    The report is set in evalkit's bundled font (after *font*, a ``--font`` file, when given); a
    character that no font of that chain has is looked for in the machine's fonts, and one that
    no font has is shown as ``[U+XXXX]``: the PDF never holds an empty box. Control characters
    and direction marks (:func:`~evalkit.report.fonts.unprintable`) are shown the same way, so
    a name can neither hide characters nor reverse its own letters.
    """
    import typst

    path = Path(path)
    lang = "zh" if report.lang == "zh" else "en"
    chain = font if isinstance(font, FontChain) else font_chain(font)
    data = build_data(report, [])
    texts = list(_strings({k: v for k, v in data.items() if k not in ("fonts", "accent")}))
    chain = chain.with_fallbacks(texts)
    missing = chain.missing(texts) | unprintable(texts)
    if missing:
        data = _replace_strings(data, missing)
    data["fonts"] = chain.families

    def shown(values: Iterable[object]) -> list[str]:
        # a tab is a space in a chart label (matplotlib has no glyph for it and says so)
        return [visible(str(x), missing).replace("\t", " ") for x in values]

    radar = ""
    if data["has_radar"]:
        d = report.dimensions
        radar = charts.plot_radar(
            shown(d["name"]),
            [float(x) for x in d["score"]],
            [float(x) for x in d["province_mean"]],
            lang=lang,
            labels_series=tuple(shown((report.district, PHRASES[lang]["series_mean"]))),  # type: ignore[arg-type]
            font_path=chain,
        )
    bars = ""
    if data["has_stations"]:
        s = report.stations
        bars = charts.plot_station_bars(
            shown(s["station"]),
            [float(x) for x in s["total"]],
            lang=lang,
            font_path=chain,
        )

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="evalkit-pdf-") as tmp:
        work = Path(tmp)
        (work / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        (work / "radar.svg").write_text(radar or "<svg xmlns='http://www.w3.org/2000/svg'/>")
        (work / "stations.svg").write_text(bars or "<svg xmlns='http://www.w3.org/2000/svg'/>")
        main = work / "district.typ"
        main.write_text(_template_text(), encoding="utf-8")
        font_paths = _font_dir(chain, work)
        try:
            pdf, warnings = typst.compile_with_warnings(
                str(main),
                root=str(work),
                font_paths=font_paths,
                ignore_system_fonts=True,
                format="pdf",
            )
        except typst.TypstError as exc:
            raise RuntimeError(f"Typst failed to render the report: {exc}") from exc
        font_warnings = [
            str(w.message)
            for w in warnings
            if "font" in str(w.message).lower() or "glyph" in str(w.message).lower()
        ]
        if font_warnings:
            raise FontError(
                f"Typst font problem with {', '.join(map(str, chain.fonts))}: "
                f"{'; '.join(font_warnings)}"
            )

    # a short name: a district's name may fill most of the 255 bytes a file name can have
    fd, tmp_name = tempfile.mkstemp(prefix=".evalkit-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
        os.chmod(tmp_name, _FILE_MODE)  # mkstemp creates 0600; give the usual umask mode
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return path
