"""The redundancy check's findings in words: one table in zh or en, and warnings in both.

Numbers are rounded here only (correlations to 2 decimals); the :class:`Redundancy` tables keep
full precision.
"""

from __future__ import annotations

import pandas as pd

from ..errors import Issue, Location
from ..tree import IndicatorTree
from .redundancy import KINDS, Redundancy

KIND_LABELS: dict[str, dict[str, str]] = {
    "correlated": {"zh": "派出所得分高度相关", "en": "correlated across stations"},
    "scaling": {"zh": "题目更贴近其他维度", "en": "item fits another dimension"},
    "declared": {"zh": "树中声明测量同一内容", "en": "declared to measure the same"},
    "same_text": {"zh": "题目文字相同", "en": "same item wording"},
    "same_source": {"zh": "统计来源相同", "en": "same statistic source"},
    "same_numerator": {"zh": "统计分子相同", "en": "same numerator"},
}
WHY: dict[str, dict[str, str]] = {
    "correlated": {
        "zh": "两项指标在各派出所间同升同降，加权求和时同一信息计了两次：请合并、删去其一，"
        "或说明两者为何都需要",
        "en": "the two move together across stations, so a weighted sum counts the same "
        "information twice: merge them, drop one, or state why both are needed",
    },
    "scaling": {
        "zh": "该题与其他维度的相关高于与本维度其余题目的相关：它可能测的是另一维度的内容，"
        "请改写、移动或说明",
        "en": "the item correlates more with another dimension than with the rest of its own: it "
        "may measure that dimension; reword it, move it or state why it stays",
    },
    "declared": {
        "zh": "按定义测量同一内容：请合并或说明为何分别计分",
        "en": "the same thing by definition: merge them or state why both are scored",
    },
    "same_text": {
        "zh": "同一道题出现两次：请删去其一",
        "en": "the same question asked twice: drop one",
    },
    "same_source": {
        "zh": "两项指标由相同的数据列算出：请删去其一",
        "en": "both indicators are computed from the same columns: drop one",
    },
    "same_numerator": {
        "zh": "两项指标使用同一计数作分子：请确认它们不是同一内容的两种算法",
        "en": "both indicators divide the same count: check they are not two ways of one measure",
    },
}
LISTED = 10  # pairs a warning names; evalkit tree --check lists them all
HEADERS = {
    "zh": {"kind": "类型", "a": "甲", "b": "乙", "figures": "数据", "why": "说明"},
    "en": {"kind": "kind", "a": "A", "b": "B", "figures": "figures", "why": "why it matters"},
}


def _name(tree: IndicatorTree, ident: str, lang: str) -> str:
    """A node by its name (en: with its id), an item by its id and its indicator's name."""
    items = {item.id: leaf for leaf, item in tree.items()}
    if ident in items:
        owner = items[ident].label(lang)
        return f"{ident}（{owner}）" if lang == "zh" else f"item {ident} ({owner})"
    label = tree.label(ident, lang)
    return label if lang == "zh" or label == ident else f"{label} ({ident})"


def _pair_figures(row: pd.Series, lang: str) -> str:
    rho, r, n = f"{row['spearman']:.2f}", f"{row['pearson']:.2f}", int(row["n"])
    if lang == "zh":
        dim = "同一维度" if row["same_dimension"] else "不同维度"
        return f"ρ = {rho}，r = {r}，{n} 个派出所，{dim}"
    dim = "same dimension" if row["same_dimension"] else "different dimensions"
    return f"rho = {rho}, r = {r}, {n} stations, {dim}"


def _scaling_figures(tree: IndicatorTree, row: pd.Series, lang: str) -> str:
    other = tree.label(str(row["other"]), lang)
    n = int(row["n"])
    if lang == "zh":
        how = "明确（差值超过 2/√n）" if row["definite"] else "可能（差值未超过 2/√n）"
        return (
            f"与本维度其余题目 r = {row['r_own']:.2f}，与“{other}” r = {row['r_other']:.2f}，"
            f"{how}，{n} 名民警"
        )
    how = "definite (by more than 2/sqrt(n))" if row["definite"] else "probable (within 2/sqrt(n))"
    return (
        f"r with the rest of its dimension {row['r_own']:.2f}, with {other} "
        f"{row['r_other']:.2f}, {how}, {n:,} officers"
    )


def _definition_figures(row: pd.Series, lang: str) -> str:
    kind, key = row["kind"], row["key"]
    if kind == "declared":
        return f"两者均声明 measures: {key}" if lang == "zh" else f"both declare measures: {key}"
    if kind == "same_text":
        return (
            "题目文字（不计标点、空格和大小写）相同"
            if lang == "zh"
            else "the same wording (ignoring punctuation, spaces and case)"
        )
    if kind == "same_source":
        return f"同一来源：{key}" if lang == "zh" else f"the same source: {key}"
    return f"同一分子：{key}" if lang == "zh" else f"the same numerator: {key}"


def findings_table(red: Redundancy, lang: str) -> pd.DataFrame:
    """Every finding, one row each, in *lang*: kind, a, b, figures, why (column names as
    :data:`HEADERS` keys; :func:`headers` gives the display words); ordered by :data:`KINDS`."""
    tree = red.tree
    rows: list[tuple[str, str, str, str, str]] = []
    for _, r in red.pairs.iterrows():
        rows.append(("correlated", r["a"], r["b"], _pair_figures(r, lang), ""))
    for _, r in red.scaling.iterrows():
        rows.append(("scaling", r["item"], r["other"], _scaling_figures(tree, r, lang), ""))
    for _, r in red.definitions.iterrows():
        rows.append((r["kind"], r["a"], r["b"], _definition_figures(r, lang), ""))
    frame = pd.DataFrame(
        [
            (KIND_LABELS[k][lang], _name(tree, a, lang), _name(tree, b, lang), fig, WHY[k][lang])
            for k, a, b, fig, _ in rows
        ],
        columns=["kind", "a", "b", "figures", "why"],
    )
    order = [KINDS.index(k) for k, *_ in rows]
    return frame.iloc[sorted(range(len(rows)), key=order.__getitem__)].reset_index(drop=True)


def headers(lang: str) -> dict[str, str]:
    """The findings table's column names -> display words in *lang*."""
    return HEADERS[lang]


def summary_line(red: Redundancy, lang: str) -> str:
    """What was checked, on how much data, with which threshold."""
    t, found = f"{red.threshold:g}", len(findings_table(red, lang))
    if lang == "zh":
        data = (
            f"{red.stations} 个派出所的指标得分（斯皮尔曼 ρ 或皮尔逊 r 的绝对值 ≥ {t} 即标出）、"
            f"{red.respondents} 名民警的答卷（多特质量表分析）以及"
            if red.stations or red.respondents
            else ""
        )
        return f"冗余检查：{data}指标树中的定义。共 {found} 项发现。"
    data = (
        f"indicator scores of {red.stations} stations (flagged when Spearman's rho or Pearson's "
        f"r reaches {t} in absolute value), answers of {red.respondents:,} officers (multitrait "
        "scaling) and "
        if red.stations or red.respondents
        else ""
    )
    return f"Redundancy check: {data}the tree's definitions. {found} finding(s)."


def redundancy_issues(red: Redundancy) -> list[Issue]:
    """One warning per kind of finding, naming every pair with its figures, in zh and en."""
    zh, en = findings_table(red, "zh"), findings_table(red, "en")
    out: list[Issue] = []
    for kind in KINDS:
        mask = (en["kind"] == KIND_LABELS[kind]["en"]).to_numpy()
        if not mask.any():
            continue
        z, e = zh[mask].head(LISTED), en[mask].head(LISTED)
        more = int(mask.sum()) - len(e)
        listed_en = "; ".join(
            f"{a} - {b} ({f})" for a, b, f in zip(e["a"], e["b"], e["figures"], strict=True)
        )
        listed_en += f"; and {more} more" if more else ""
        listed_zh = "；".join(
            f"{a} 与 {b}（{f}）" for a, b, f in zip(z["a"], z["b"], z["figures"], strict=True)
        )
        listed_zh += f"；另有 {more} 项" if more else ""
        out.append(
            Issue(
                Location(file=red.tree.file),
                f"possible double counting, {KIND_LABELS[kind]['en']} ({int(mask.sum())}): "
                + listed_en,
                fix=WHY[kind]["en"][0].upper()
                + WHY[kind]["en"][1:]
                + ". evalkit tree --check lists them.",
                severity="warning",
                check="redundancy",
                message_zh=f"可能重复计分：{KIND_LABELS[kind]['zh']}（{int(mask.sum())} 项）："
                + listed_zh,
                fix_zh=WHY[kind]["zh"] + "。evalkit tree --check 会列出全部。",
            )
        )
    return out
