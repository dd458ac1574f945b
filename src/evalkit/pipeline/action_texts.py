"""The sentences of the ``actions`` and ``next_level`` analyses, in Chinese and English.

Numbers are rounded here only, for the sentences; the tables beside them keep full precision.
Scores and gains have one decimal; an indicator's value has the decimals its goalpost span calls
for (:func:`value_decimals`), and a target value is rounded towards the better side, so the value
shown reaches the target.
"""

from __future__ import annotations

import math

import numpy as np

from ..tree import IndicatorTree, Node


def value_decimals(leaf: Node) -> int:
    """Decimals of an indicator's values: 0 for a goalpost span of 100 or more, 1 for 10 or more,
    else 2 (a 1-5 scale: 3.25)."""
    span = abs(leaf.best - leaf.worst)
    return 0 if span >= 100 else 1 if span >= 10 else 2


def num(x: float, decimals: int = 1) -> str:
    """*x* with *decimals* decimals ("–" for a missing number)."""
    if x is None or not math.isfinite(x):
        return "–"
    return f"{x:.{decimals}f}"


def toward(x: float, decimals: int, benefit: bool) -> str:
    """A target value rounded towards the better side at *decimals* (up for a benefit indicator,
    down for a cost one), so the value shown still reaches the target."""
    if not math.isfinite(x):
        return "–"
    f = 10.0**decimals
    r = math.ceil(x * f - 1e-9) / f if benefit else math.floor(x * f + 1e-9) / f
    return f"{r:.{decimals}f}"


def gain_text(g: float, lang: str) -> str:
    """A gain of the total: "+1.4"; a positive gain under 0.05 as "+<0.1"."""
    if not math.isfinite(g):
        return "–"
    if 0 < g < 0.05:
        return "+<0.1"
    return f"{g:+.1f}"


def with_unit(value: str, unit: str, lang: str) -> str:
    """A value with its unit: "%" attached, other units after a space."""
    if not unit:
        return value
    attached = unit == "%" or (lang == "zh" and unit.startswith("分"))
    return f"{value}{unit}" if attached else f"{value} {unit}"


def change(leaf: Node, before: float, after: float, lang: str) -> str:
    """ "from → to unit" in the indicator's own unit."""
    d = value_decimals(leaf)
    unit = leaf.unit.get(lang) or leaf.unit.get("en") or ""
    to = toward(after, d, leaf.direction == "benefit")
    return with_unit(f"{num(before, d)} → {to}", unit, lang)


def level_name(tree: IndicatorTree, level: float, lang: str) -> str:
    """The name of a level (1-based) in *lang*; "" for none."""
    if not np.isfinite(level) or not 1 <= level <= len(tree.levels):
        return ""
    name = tree.levels[int(level) - 1].name
    return name.get(lang) or name.get("en") or ""


def trigger_text(
    lang: str,
    reason: str,
    name: str,
    score: float,
    threshold: float,
    mean: float,
    best: float,
    best_unit: str,
    scope: str,
    extra: dict[str, str],
) -> str:
    """Why a rule fired, in one sentence: the node, its score, the trigger, the mean and best of
    the units compared (with the best unit) and the gap to the mean."""
    gap = mean - score
    if lang == "zh":
        compare = (
            f"{scope}均值 {num(mean)}，差 {num(gap)}；最高 {num(best)}（{best_unit}）"
            if gap > 0
            else f"{scope}均值 {num(mean)}；最高 {num(best)}（{best_unit}）"
        )
        head = {
            "indicator_below": f"{name} {num(score)} 分，低于触发线 {num(threshold, 0)}",
            "weakest": f"{name} {num(score)} 分，失分 {extra.get('lost', '')} 分，"
            f"居失分最多的前 {extra.get('k', '')} 项",
            "dimension_below": f"{name} {num(score)} 分，低于触发线 {num(threshold, 0)}",
            "level_at_most": f"成熟度为{extra.get('level', '')}（综合得分 {num(score)}），"
            f"不高于{extra.get('at_most', '')}",
        }[reason]
        return f"{head}（{compare}）"
    compare = (
        f"{scope} mean {num(mean)}, {num(gap)} below it; best {num(best)}, {best_unit}"
        if gap > 0
        else f"{scope} mean {num(mean)}; best {num(best)}, {best_unit}"
    )
    head = {
        "indicator_below": f"{name} {num(score)}, below the trigger {num(threshold, 0)}",
        "weakest": f"{name} {num(score)}, losing {extra.get('lost', '')} points of the total, "
        f"among the {extra.get('k', '')} indicators losing most",
        "dimension_below": f"{name} {num(score)}, below the trigger {num(threshold, 0)}",
        "level_at_most": f"maturity level {extra.get('level', '')} (total {num(score)}), "
        f"{extra.get('at_most', '')} or below",
    }[reason]
    return f"{head} ({compare})"


def basis_text(lang: str, basis: str, score: float, level: str, scope: str) -> str:
    """What a target score is: the next level's cut-off, the best of the units compared, the
    goalpost best, or a step of the path to the next level."""
    if lang == "zh":
        return {
            "next_level": f"达到{level}下限 {num(score, 0)} 分",
            "province_best": f"达到{scope}最高 {num(score)} 分",
            "goalpost_best": "达到目标值（100 分）",
            "next_level_path": f"晋级{level}路径中的一步",
        }[basis]
    return {
        "next_level": f"score {num(score, 0)}, where {level} begins",
        "province_best": f"score {num(score)}, the {scope} best",
        "goalpost_best": "its goalpost best (score 100)",
        "next_level_path": f"a step of the path to {level}",
    }[basis]


def target_text(lang: str, name: str, moved: str, basis: str, gain: float) -> str:
    """An indicator's target: "name from → to unit (basis), +gain"."""
    if lang == "zh":
        return f"{name} {moved}（{basis}），总分 {gain_text(gain, lang)}"
    return f"{name} {moved} ({basis}), {gain_text(gain, lang)} on the total"


def step_text(lang: str, name: str, moved: str, gain: float, total: float) -> str:
    """A step of a path: "信息采集渠道数 5.20 → 6.13 类/所，+1.1 分，总分 60.0"."""
    if lang == "zh":
        return f"{name} {moved}，{gain_text(gain, lang)} 分，总分 {num(total)}"
    return f"{name} {moved} gives {gain_text(gain, lang)}, total {num(total)}"


def path_summary(
    lang: str,
    status: str,
    *,
    short: float,
    total: float,
    after: float,
    steps: int,
    next_name: str,
    cut: float,
    top_name: str,
    dim: str,
    dim_level: str,
    dim_cut: float,
    method: str,
) -> str:
    """One sentence on a unit's path to the next level."""
    zh = lang == "zh"
    if status == "top":
        return f"已是最高等级{top_name}" if zh else f"already at the top level, {top_name}"
    if status == "no_score":
        return "无综合得分，无法给出晋级路径" if zh else "no total score, so no path"
    if status == "relative":
        return (
            f"{method}的得分相对于其他参评单位，不按分数线给出晋级路径"
            if zh
            else f"scores by {method} are relative to the other units: no path by cut-offs"
        )
    if status == "unreachable":
        return (
            f"各项指标都达到目标值也达不到{next_name}"
            if zh
            else f"even every indicator at its best does not reach {next_name}"
        )
    if short > 0:
        if zh:
            also = f"，且维度“{dim}”须达到{dim_level}（{num(dim_cut, 0)} 分）" if dim else ""
            return (
                f"还差 {num(short)} 分达到{next_name}（{num(cut, 0)} 分）{also}："
                f"改进 {steps} 项指标即可，总分升至 {num(after)}"
            )
        also = (
            f", and the dimension {dim} must reach {dim_level} ({num(dim_cut, 0)})" if dim else ""
        )
        return (
            f"{num(short)} points short of {next_name} ({num(cut, 0)}){also}: "
            f"{steps} indicator{'s' if steps != 1 else ''} improved reach it, total {num(after)}"
        )
    if zh:
        return (
            f"总分 {num(total)} 已过{next_name}线（{num(cut, 0)} 分），但维度“{dim}”须达到"
            f"{dim_level}（{num(dim_cut, 0)} 分）：改进 {steps} 项指标即可"
        )
    return (
        f"the total {num(total)} is past {next_name}'s cut-off ({num(cut, 0)}), but the dimension "
        f"{dim} must reach {dim_level} ({num(dim_cut, 0)}): {steps} indicator"
        f"{'s' if steps != 1 else ''} improved reach it"
    )


def expected_gain(lang: str, gain: float, by_path: bool) -> str:
    """ "预计总分 +1.4" / "expected +1.4 points of the total" (by the path to the next level)."""
    if lang == "zh":
        return f"预计总分 {gain_text(gain, lang)}" + ("（按晋级路径）" if by_path else "")
    return f"expected {gain_text(gain, lang)} points of the total" + (
        " (by the path to the next level)" if by_path else ""
    )
