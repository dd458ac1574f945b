"""What a district can do, as report sections: its countermeasures (``ev.analysis("actions")``)
and the cheapest path to the next maturity level (``ev.analysis("next_level")``).

- Countermeasures: the PDF lists the first ``report.countermeasures`` (default 8) in the
  analysis' order, each with why it was chosen (the indicators that triggered it, their scores,
  the mean and best of the units compared with the best unit, the gaps), what it aims at (target
  values in the indicators' own units), its expected gain in the total, its priority and effort,
  and says how many more the workbook holds; the workbook's Recommendations sheet lists every
  one, with their triggers and targets in two tables below.
- The path to the next level: the district's sentence and steps (indicator, value from → to in
  its unit, gain, total and level after) in the PDF and on the sheet "Next level", and each of
  its shown stations' sentence (PDF) and steps (sheet). A unit at the top level says so.

The sentences come from the analyses in both languages; numbers in tables are formatted by
their quantity (:mod:`evalkit.report.formats`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .sections import (
    PDF_ONLY,
    SHEET_ONLY,
    Column,
    Entries,
    Entry,
    Note,
    Paragraph,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from .district_sections import Source

#: The countermeasures the PDF lists when the project file does not say (report.countermeasures).
DEFAULT_SHOWN = 8

PHRASES: dict[str, dict[str, str]] = {
    "zh": {
        "why": "依据",
        "targets": "目标",
        "tag": "优先级 {priority} · {gain} · 工作量 {effort}",
        "tag_no_effort": "优先级 {priority} · {gain}",
        "effort_none": "未注明",
        "order_gain": "按预计总分提升排序（对策库未给出工作量）；优先级由排序而来：前三分之一为高，"
        "其次为中，其余及不提升总分的为低。",
        "order_effort": "按单位工作量的预计总分提升排序（工作量低 1、中 2、高 3，未注明按中计）；"
        "优先级由排序而来：前三分之一为高，其次为中，其余及不提升总分的为低。",
        "more": "另有 {n} 条对策建议见工作簿（“对策建议”表），共 {total} 条。",
        "none": "没有触发的对策建议。",
        "next_level": "晋级路径",
        "next_intro": "按指标权重与目标值计算的最少改进：",
        "stations_next": "各派出所的晋级路径",
        "triggers_table": "触发依据",
        "targets_table": "改进目标",
        "steps_table": "晋级步骤",
        "units_table": "本区与各派出所",
        "effort_low": "低",
        "effort_medium": "中",
        "effort_high": "高",
        "top": "已是最高等级",
    },
    "en": {
        "why": "Why",
        "targets": "Target",
        "tag": "priority {priority} · {gain} · effort {effort}",
        "tag_no_effort": "priority {priority} · {gain}",
        "effort_none": "not given",
        "order_gain": "Ordered by expected gain of the total (the library gives no efforts); "
        "priorities follow the order: the first third high, the next third medium, the rest and "
        "any that adds nothing low.",
        "order_effort": "Ordered by expected gain per unit of effort (low 1, medium 2, high 3; "
        "none given counts as medium); priorities follow the order: the first third high, the "
        "next third medium, the rest and any that adds nothing low.",
        "more": "{n} more in the workbook (sheet Recommendations), {total} in all.",
        "none": "No countermeasure was triggered.",
        "next_level": "The path to the next level",
        "next_intro": "The fewest improvements, by the indicators' weights and goalposts:",
        "stations_next": "Each station's path to the next level",
        "triggers_table": "Why: the triggers",
        "targets_table": "Targets",
        "steps_table": "Steps",
        "units_table": "The district and its stations",
        "effort_low": "low",
        "effort_medium": "medium",
        "effort_high": "high",
        "top": "already at the top level",
    },
}

HEADERS: dict[str, tuple[str, str]] = {
    "order": ("序号", "No."),
    "priority": ("优先级", "Priority"),
    "dimension": ("维度", "Dimension"),
    "text": ("对策建议", "Countermeasure"),
    "why": ("依据", "Why"),
    "targets": ("目标", "Targets"),
    "gain": ("预计总分提升", "Expected gain"),
    "effort": ("工作量", "Effort"),
    "gain_per_effort": ("单位工作量提升", "Gain per effort"),
    "id": ("规则编号", "Rule"),
    "indicator": ("指标", "Indicator"),
    "unit_name": ("计量单位", "Unit"),
    "score": ("得分", "Score"),
    "mean": ("{scope}均值", "{Scope} mean"),
    "best": ("{scope}最高", "{Scope} best"),
    "best_unit": ("最高单位", "Best unit"),
    "gap_to_mean": ("低于均值", "Below the mean"),
    "gap_to_best": ("低于最高", "Below the best"),
    "points_lost": ("失分", "Points lost"),
    "value": ("现值", "Value"),
    "target_value": ("目标值", "Target value"),
    "target_score": ("目标得分", "Target score"),
    "basis": ("目标依据", "Basis"),
    "unit": ("单位", "Unit"),
    "total": ("综合得分", "Total score"),
    "level": ("当前等级", "Level"),
    "target": ("下一等级", "Next level"),
    "cutoff": ("分数线", "Cut-off"),
    "shortfall": ("还差", "Short by"),
    "steps": ("改进指标数", "Indicators to improve"),
    "total_after": ("改进后得分", "Total after"),
    "level_after": ("改进后等级", "Level after"),
    "summary": ("说明", "In brief"),
    "path": ("晋级步骤（指标 现值 → 目标值，总分提升）", "Steps (indicator from → to, gain)"),
    "step": ("步骤", "Step"),
    "change": ("改变", "Change"),
    "value_from": ("现值", "From"),
    "value_to": ("目标值", "To"),
    "score_from": ("现得分", "Score from"),
    "score_to": ("目标得分", "Score to"),
}


def _p(lang: str) -> dict[str, str]:
    return PHRASES["zh" if lang == "zh" else "en"]


def _h(key: str, lang: str) -> str:
    from .scope import scope_noun

    zh, en = HEADERS[key]
    text = zh if lang == "zh" else en
    noun = scope_noun(lang)
    return text.replace("{scope}", noun).replace("{Scope}", noun.capitalize())


def shown_count(src: Source) -> int:
    """How many countermeasures the PDF lists (``report.countermeasures``)."""
    spec = getattr(src.ev, "spec", None)
    return int(getattr(getattr(spec, "report", None), "countermeasures", DEFAULT_SHOWN))


def _effort(value: Any, lang: str) -> str:
    s = "" if value is None or value != value else str(value)
    if not s:
        return _p(lang)["effort_none"]
    return _p(lang).get(f"effort_{s}", s)


# ------------------------------------------------------------------ countermeasures


def _entries(c: pd.DataFrame, lang: str, efforts: bool) -> tuple[Entry, ...]:
    p = _p(lang)
    sep = "：" if lang == "zh" else ": "
    return tuple(
        Entry(
            str(row[f"dimension_{lang}"]),
            p["tag" if efforts else "tag_no_effort"].format(
                priority=row[f"priority_{lang}"],
                gain=row[f"gain_{lang}"],
                effort=_effort(row["effort"], lang),
            ),
            str(row[f"text_{lang}"]),
            details=tuple(
                f"{p[k]}{sep}{row[f'{k}_{lang}']}" for k in ("why", "targets") if row[f"{k}_{lang}"]
            ),
        )
        for _, row in c.iterrows()
    )


def _measure_table(c: pd.DataFrame, lang: str) -> Table:
    frame = pd.DataFrame(
        {
            "order": c["order"],
            "priority": c[f"priority_{lang}"],
            "dimension": c[f"dimension_{lang}"],
            "text": c[f"text_{lang}"],
            "why": c[f"why_{lang}"],
            "targets": c[f"targets_{lang}"],
            "gain": c["gain"],
            "effort": [_effort(e, lang) for e in c["effort"]],
            "gain_per_effort": c["gain_per_effort"],
            "id": c["id"],
        }
    )
    if frame["gain_per_effort"].isna().all():
        frame = frame.drop(columns="gain_per_effort")
    kinds = {"order": "count", "gain": "signed", "gain_per_effort": "decimal"}
    kinds |= dict.fromkeys(("text", "why", "targets"), "wrap")
    cols = tuple(Column(k, _h(k, lang), kinds.get(k, "text")) for k in frame.columns)
    return Table(frame, cols, id="recommendations", targets=SHEET_ONLY, color=False)


def _trigger_table(t: pd.DataFrame, lang: str) -> Table:
    frame = pd.DataFrame(
        {
            "order": t["order"],
            "indicator": t[f"name_{lang}"],
            "score": t["score"],
            "mean": t["mean"],
            "best": t["best"],
            "best_unit": t[f"best_unit_{lang}"],
            "gap_to_mean": t["gap_to_mean"],
            "gap_to_best": t["gap_to_best"],
            "points_lost": t["points_lost"],
            "why": t[f"text_{lang}"],
            "id": t["id"],
        }
    )
    kinds = dict.fromkeys(("score", "mean", "best", "gap_to_mean", "gap_to_best"), "score")
    kinds |= {"order": "count", "points_lost": "decimal", "why": "wrap"}
    cols = tuple(Column(k, _h(k, lang), kinds.get(k, "text")) for k in frame.columns)
    return Table(
        frame,
        cols,
        id="triggers",
        title=_p(lang)["triggers_table"],
        targets=SHEET_ONLY,
        color=False,
    )


def _target_table(t: pd.DataFrame, lang: str) -> Table:
    frame = pd.DataFrame(
        {
            "order": t["order"],
            "indicator": t[f"name_{lang}"],
            "unit_name": t[f"unit_{lang}"],
            "value": t["value"],
            "target_value": t["target_value"],
            "score": t["score"],
            "target_score": t["target_score"],
            "basis": t[f"basis_{lang}"],
            "gain": t["gain"],
            "targets": t[f"text_{lang}"],
            "id": t["id"],
        }
    )
    kinds = {"order": "count", "value": "raw", "target_value": "raw", "score": "score"}
    kinds |= {"target_score": "score", "gain": "signed", "targets": "wrap"}
    cols = tuple(Column(k, _h(k, lang), kinds.get(k, "text")) for k in frame.columns)
    return Table(
        frame, cols, id="targets", title=_p(lang)["targets_table"], targets=SHEET_ONLY, color=False
    )


def countermeasures(src: Source, title: str) -> Section | None:
    """The district's countermeasures (None without an evaluation: a model made by hand keeps
    the library's list)."""
    if src.ev is None:
        return None
    lang, p = src.lang, _p(src.lang)
    a = src.ev.analysis("actions").of(src.report.district_id)
    n = shown_count(src)
    top, more = a.top(n)
    efforts = a.ordered_by == "gain_per_effort"
    blocks: list[Any] = [Entries(_entries(top, lang, efforts), p["none"])]
    if more > 0:
        blocks.append(
            Note(p["more"].format(n=more, total=len(a.countermeasures)), targets=PDF_ONLY)
        )
    if len(a.countermeasures):
        blocks.append(Note(p["order_effort" if efforts else "order_gain"]))
    blocks += [
        _measure_table(a.countermeasures, lang),
        _trigger_table(a.triggers, lang),
        _target_table(a.targets, lang),
    ]
    return Section("recommendations", title, tuple(blocks), sheet="recommendations")


# ------------------------------------------------------------------ the next level


def _unit_names(units: pd.DataFrame, lang: str) -> list[str]:
    return [str(x) for x in units[f"name_{lang}"]]


def _step_frame(
    steps: pd.DataFrame, units: pd.DataFrame, lang: str, leaves: dict[str, Any]
) -> pd.DataFrame:
    """One row per step: the unit, the indicator, its change in its unit, the scores, the gain
    and the total and level after it."""
    names = dict(
        zip(
            zip(units["district"], units["station"], strict=True),
            _unit_names(units, lang),
            strict=True,
        )
    )
    return pd.DataFrame(
        {
            "unit": [
                names.get(k, k[1] or k[0])
                for k in zip(steps["district"], steps["station"], strict=True)
            ],
            "step": steps["step"],
            "indicator": steps[f"name_{lang}"],
            "change": [_moved(s, lang, leaves) for _, s in steps.iterrows()],
            "unit_name": steps[f"unit_{lang}"],
            "value_from": steps["value_from"],
            "value_to": steps["value_to"],
            "score_from": steps["score_from"],
            "score_to": steps["score_to"],
            "gain": steps["gain"],
            "total_after": steps["total_after"],
            "level_after": steps[f"level_after_{lang}"],
        }
    )


def _step_columns(lang: str, pdf: bool) -> tuple[Column, ...]:
    kinds = {"step": "count", "value_from": "raw", "value_to": "raw", "gain": "signed"}
    kinds |= dict.fromkeys(("score_from", "score_to", "total_after"), "score")
    if pdf:
        ids = ("step", "indicator", "change", "gain", "total_after", "level_after")
    else:
        ids = ("unit", "step", "indicator", "unit_name", "value_from", "value_to")
        ids += ("score_from", "score_to", "gain", "total_after", "level_after")
    widths = {"indicator": 2.2, "change": 2.0}
    return tuple(
        Column(k, _h(k, lang), kinds.get(k, "text"), width=widths.get(k, 0) if pdf else 0)
        for k in ids
    )


def _paths(
    units: pd.DataFrame, steps: pd.DataFrame, lang: str, leaves: dict[str, Any]
) -> list[str]:
    """Each unit's steps in one line ("信息采集渠道数 5.20 → 6.40 类/所 +1.9；..."), or its
    sentence when it has no path (top level, no total)."""
    from ..pipeline.action_texts import gain_text

    sep = "；" if lang == "zh" else "; "
    parts: dict[tuple[str, str], list[str]] = {}
    for _, s in steps.iterrows():  # rows of text
        moved = _moved(s, lang, leaves)
        text = f"{s[f'name_{lang}']} {moved} {gain_text(float(s['gain']), lang)}"
        parts.setdefault((s["district"], s["station"]), []).append(text)
    return [
        sep.join(parts[k]) if k in parts else str(summary)
        for k, summary in zip(
            zip(units["district"], units["station"], strict=True),
            units[f"summary_{lang}"],
            strict=True,
        )
    ]


def _moved(step: pd.Series, lang: str, leaves: dict[str, Any]) -> str:
    """ "from → to unit" as the analysis writes it: the indicator's decimals, the target rounded
    towards the better side (so the value shown reaches it)."""
    from ..pipeline.action_texts import change

    return change(
        leaves[step["indicator"]], float(step["value_from"]), float(step["value_to"]), lang
    )


def _units_frame(
    units: pd.DataFrame,
    lang: str,
    steps: pd.DataFrame | None = None,
    leaves: dict[str, Any] | None = None,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": _unit_names(units, lang),
            "total": units["total"],
            "level": units[f"level_{lang}"],
            "target": units[f"target_{lang}"],
            "cutoff": units["cutoff"],
            "shortfall": units["shortfall"],
            "steps": units["steps"],
            "total_after": units["total_after"],
            "level_after": [_level_name_after(units, i, lang) for i in range(len(units))],
            "summary": units[f"summary_{lang}"]
            if steps is None
            else _paths(units, steps, lang, leaves or {}),
        }
    )


def _level_name_after(units: pd.DataFrame, i: int, lang: str) -> str:
    row = units.iloc[i]
    if row["status"] != "path":
        return str(row[f"level_{lang}"])
    return str(row[f"target_{lang}"])


def _units_columns(lang: str, pdf: bool) -> tuple[Column, ...]:
    kinds = {"total": "score", "cutoff": "score", "shortfall": "score", "steps": "count"}
    kinds |= {"total_after": "score", "summary": "wrap"}
    ids = (
        ("unit", "total", "level", "target", "shortfall", "summary")
        if pdf
        else (
            "unit",
            "total",
            "level",
            "target",
            "cutoff",
            "shortfall",
            "steps",
            "total_after",
            "level_after",
            "summary",
        )
    )
    widths = {"unit": 1.3, "summary": 4.0}
    return tuple(
        Column(
            k,
            _h("path" if pdf and k == "summary" else k, lang),
            "text" if pdf and k == "summary" else kinds.get(k, "text"),
            width=widths.get(k, 0) if pdf else 0,
        )
        for k in ids
    )


def next_level(src: Source) -> Section | None:
    """The cheapest path to the next level of the district and of each of its shown stations."""
    if src.ev is None:
        return None
    lang, p = src.lang, _p(src.lang)
    leaves = {leaf.id: leaf for leaf in src.ev.tree.leaves()}
    nl = src.ev.analysis("next_level")
    own = nl.of(src.report.district_id)
    u = nl.units
    stations = u[(u["kind"] == "station") & (u["district"] == src.report.district_id)]
    stations = stations.reset_index(drop=True)
    st = nl.steps
    st_steps = st[(st["kind"] == "station") & (st["district"] == src.report.district_id)]
    sentence = str(own.units[f"summary_{lang}"].iloc[0]) if len(own.units) else ""
    sep = "：" if lang == "zh" else ": "
    blocks: list[Any] = [Paragraph(f"{src.report.district}{sep}{sentence}")]
    if len(own.steps):
        blocks.append(
            Table(
                _step_frame(own.steps, own.units, lang, leaves),
                _step_columns(lang, True),
                id="next_steps_pdf",
                targets=PDF_ONLY,
                size=8.5,
            )
        )
    if len(stations):
        blocks.append(
            Table(
                _units_frame(stations, lang, st_steps, leaves),
                _units_columns(lang, True),
                id="next_stations_pdf",
                title=p["stations_next"],
                targets=PDF_ONLY,
                size=7.5,
            )
        )
    every = pd.concat([own.units, stations], ignore_index=True)
    all_steps = pd.concat([own.steps, st_steps], ignore_index=True)
    blocks += [
        Table(
            _units_frame(every, lang),
            _units_columns(lang, False),
            id="next_units",
            title=p["units_table"],
            targets=SHEET_ONLY,
            color=False,
        ),
        Table(
            _step_frame(all_steps, every, lang, leaves),
            _step_columns(lang, False),
            id="next_steps",
            title=p["steps_table"],
            targets=SHEET_ONLY,
            color=False,
        ),
    ]
    return Section("next_level", p["next_level"], tuple(blocks), sheet="next_level")


__all__ = ["DEFAULT_SHOWN", "countermeasures", "next_level", "shown_count"]
