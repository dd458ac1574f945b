"""Sections of the change between survey periods (``ev.analysis("periods")``, a project with
``periods:``).

Every period is scored with the base period's weights and the tree's goalposts, so a change is a
change in performance; its interval is the 5th to 95th percentile of a bootstrap over the officers
within stations, and a change whose interval excludes 0 is called real (significant). The district
report gets a body section (the district's change between each pair of consecutive periods, its
dimensions' changes and its stations') and the sheet 分期变化 / Change; comparison.xlsx the same
sheet for every district and station, with each unit's score, rank and level in every period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .formats import fmt
from .sections import PDF_ONLY, SHEET_ONLY, Column, Note, Paragraph, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Evaluation
    from ..pipeline.periods import PeriodComparison

_H: dict[str, tuple[str, str]] = {
    "unit_type": ("单位类型", "Unit type"),
    "transition": ("比较期", "Periods"),
    "district": ("区县", "District"),
    "station": ("派出所", "Station"),
    "status": ("状态", "Status"),
    "score_from": ("前期得分", "Score before"),
    "score_to": ("后期得分", "Score after"),
    "change": ("变化", "Change"),
    "change_p05": ("变化 5% 分位数", "Change, 5th percentile"),
    "change_p95": ("变化 95% 分位数", "Change, 95th percentile"),
    "interval": ("变化区间（5%–95%）", "Interval (5–95 %)"),
    "p_increase": ("上升概率", "P(increase)"),
    "significant": ("变化确实存在", "Real change"),
    "rank_from": ("前期名次", "Rank before"),
    "rank_to": ("后期名次", "Rank after"),
    "rank_change": ("名次变化（正为上升）", "Rank change (+ = up)"),
    "rank_in_district_from": ("前期区内名次", "Rank in district before"),
    "rank_in_district_to": ("后期区内名次", "Rank in district after"),
    "level_from": ("前期等级", "Level before"),
    "level_to": ("后期等级", "Level after"),
    "dimension": ("维度", "Dimension"),
    "respondents_from": ("前期问卷数", "Respondents before"),
    "respondents_to": ("后期问卷数", "Respondents after"),
}

_P: dict[str, tuple[str, str]] = {
    "title": ("与前期相比的变化", "Change since the previous survey"),
    "lead": (
        "各期均以基期（{base}）的权重与目标值计分，变化反映工作成效而非权重的变化。变化区间为对各"
        "派出所受访民警 {draws} 次自助抽样的 5%–95% 区间；区间不含 0 的变化视为确实存在。"
        "本报告其余各节为 {current} 的结果。",
        "Every period is scored with the weights and goalposts of the base period ({base}), so a "
        "change is a change in performance, not in weights. Intervals are the 5th to 95th "
        "percentiles of {draws} bootstrap draws of the officers within each station; a change "
        "whose interval excludes 0 is taken as real. The rest of this report shows {current}.",
    ),
    "sentence": (
        "{unit}：{a} 至 {b}，综合得分 {s1} → {s2}（{c}，区间 {lo} 至 {hi}），{verdict}；"
        "名次 {r1} → {r2}；等级 {l1} → {l2}。",
        "{unit}, {a} to {b}: total {s1} → {s2} ({c}, interval {lo} to {hi}), {verdict}; rank "
        "{r1} → {r2}; level {l1} → {l2}.",
    ),
    "up": ("确实上升", "a real rise"),
    "down": ("确实下降", "a real fall"),
    "unclear": ("变化不能确认", "not distinguishable from no change"),
    "dimensions": ("各维度得分变化", "Change of each dimension"),
    "stations": ("各派出所的变化", "Change of each station"),
    "scores": ("各期得分、名次与等级", "Scores, ranks and levels in every period"),
    "status_both": ("两期均有", "both"),
    "status_new": ("新增", "new"),
    "status_gone": ("缺失", "gone"),
    "unit_district": ("区县", "district"),
    "unit_station": ("派出所", "station"),
    "sheet_note": (
        "变化 = 后期 − 前期；名次变化为正表示上升。一期中缺少的单位状态为“新增”或“缺失”，"
        "不计变化。",
        "Change = later − earlier; a positive rank change is a move up. A unit missing from one "
        "period has status new or gone and no change.",
    ),
}


def _h(key: str, lang: str) -> str:
    return _H[key][0 if lang == "zh" else 1]


def _p(key: str, lang: str) -> str:
    return _P[key][0 if lang == "zh" else 1]


def analysis(ev: Evaluation | None) -> PeriodComparison | None:
    """The periods' comparison when the project has periods (None otherwise)."""
    if ev is None or not ev.spec.periods:
        return None
    return ev.analysis("periods")


def _level_names(ev: Evaluation, lang: str) -> dict[float, str]:
    return {
        float(lv.level): lv.name.get(lang) or lv.name.get("en") or lv.id for lv in ev.tree.levels
    }


def _frame(pc: PeriodComparison, ev: Evaluation, kind: str, lang: str) -> pd.DataFrame:
    """The change rows of *kind* with the text columns a reader needs: the pair of periods, the
    status, the names in *lang*, level names."""
    f = (pc.districts if kind == "district" else pc.stations).copy()
    if not len(f):
        return f
    labels = {p: pc.label(p, lang) for p in pc.periods}
    arrow = " → "
    f["transition"] = f["from_period"].map(labels) + arrow + f["to_period"].map(labels)
    f["status"] = f["status"].map({k: _p(f"status_{k}", lang) for k in ("both", "new", "gone")})
    if lang == "en":
        col = "district_en" if kind == "district" else "station_en"
        name = "district" if kind == "district" else "station"
        if col in f.columns:
            en = f[col].astype("string")
            f[name] = en.where(en.notna() & (en.str.len() > 0), f[name]).astype(str)
    names = _level_names(ev, lang)
    for c in ("level_from", "level_to"):
        f[c] = f[c].map(names)
    to = " 至 " if lang == "zh" else " to "
    f["interval"] = [
        fmt(a, "signed") + to + fmt(b, "signed")
        for a, b in zip(f["change_p05"], f["change_p95"], strict=True)
    ]
    return f


def _verdict(row: pd.Series, lang: str) -> str:
    if not bool(row["significant"]):
        return _p("unclear", lang)
    return _p("up" if row["change"] > 0 else "down", lang)


def _sentences(frame: pd.DataFrame, pc: PeriodComparison, lang: str) -> list[str]:
    out = []
    for _, r in frame[frame["status"] == _p("status_both", lang)].iterrows():
        out.append(
            _p("sentence", lang).format(
                unit=r["district"],
                a=pc.label(r["from_period"], lang),
                b=pc.label(r["to_period"], lang),
                s1=fmt(r["score_from"], "score"),
                s2=fmt(r["score_to"], "score"),
                c=fmt(r["change"], "signed"),
                lo=fmt(r["change_p05"], "signed"),
                hi=fmt(r["change_p95"], "signed"),
                verdict=_verdict(r, lang),
                r1=fmt(r["rank_from"], "rank"),
                r2=fmt(r["rank_to"], "rank"),
                l1=r["level_from"],
                l2=r["level_to"],
            )
        )
    return out


def _change_columns(lang: str, unit: tuple[str, ...], ranks: tuple[str, str]) -> tuple[Column, ...]:
    spec: list[tuple[str, str, frozenset[str] | None]] = [
        *[(u, "text", None) for u in unit],
        ("transition", "text", None),
        ("status", "text", SHEET_ONLY),
        ("score_from", "score", None),
        ("score_to", "score", None),
        ("change", "signed", None),
        ("interval", "text", PDF_ONLY),
        ("change_p05", "signed", SHEET_ONLY),
        ("change_p95", "signed", SHEET_ONLY),
        ("p_increase", "probability", SHEET_ONLY),
        ("significant", "bool", None),
        (ranks[0], "rank", None),
        (ranks[1], "rank", None),
        ("level_from", "text", SHEET_ONLY),
        ("level_to", "text", SHEET_ONLY),
    ]
    return tuple(
        Column(c, _h(c, lang), q, **({"targets": t} if t is not None else {})) for c, q, t in spec
    )


def _dimension_table(frame: pd.DataFrame, ev: Evaluation, lang: str) -> Table:
    dims = [d for d in ev.tree.goal.children]
    rows = frame[frame["status"] == _p("status_both", lang)]
    table = pd.DataFrame(
        {
            "dimension": [d.label(lang) for d in dims],
            **{
                t: [rows.iloc[i][f"change_{d.id}"] for d in dims]
                for i, t in enumerate(rows["transition"])
            },
        }
    )
    cols = (
        Column("dimension", _h("dimension", lang), width=3),
        *(Column(t, t, "signed") for t in rows["transition"]),
    )
    return Table(
        table, cols, id="period_dimensions", title=_p("dimensions", lang), targets=PDF_ONLY, size=9
    )


def district_section(ev: Evaluation | None, district: str, lang: str) -> Section | None:
    """The district's change between consecutive periods (PDF body and the sheet Change)."""
    pc = analysis(ev)
    if pc is None:
        return None
    assert ev is not None
    d = _frame(pc, ev, "district", lang)
    d = d[pc.districts["district"].to_numpy() == district] if len(d) else d
    s = _frame(pc, ev, "station", lang)
    s = s[pc.stations["district"].to_numpy() == district] if len(s) else s
    current = ev.period or pc.base
    blocks: list[Any] = [
        Paragraph(
            _p("lead", lang).format(
                base=pc.label(pc.base, lang), draws=pc.draws, current=pc.label(current, lang)
            )
        )
    ]
    blocks += [Paragraph(t) for t in _sentences(d, pc, lang)]
    blocks.append(
        Table(
            d,
            _change_columns(lang, (), ("rank_from", "rank_to")),
            id="period_district",
            size=8.5,
            color=False,
        )
    )
    if len(d):
        blocks.append(_dimension_table(d, ev, lang))
    if len(s):
        shown = s[s["shown"].astype(bool)] if "shown" in s.columns else s
        blocks.append(
            Table(
                shown,
                _change_columns(
                    lang, ("station",), ("rank_in_district_from", "rank_in_district_to")
                ),
                id="period_stations",
                title=_p("stations", lang),
                size=8,
                color=False,
            )
        )
    blocks.append(Note(_p("sheet_note", lang)))
    return Section("periods", _p("title", lang), tuple(blocks), sheet="periods")


def comparison_section(ev: Evaluation | None, lang: str) -> Section | None:
    """comparison.xlsx's sheet Change: every district's and station's change, then every unit's
    score, rank and level in every period."""
    pc = analysis(ev)
    if pc is None:
        return None
    assert ev is not None
    d = _frame(pc, ev, "district", lang)
    s = _frame(pc, ev, "station", lang)
    blocks: list[Any] = [
        Table(
            d,
            _change_columns(lang, ("district",), ("rank_from", "rank_to")),
            id="period_districts",
            targets=SHEET_ONLY,
            freeze_col=1,
            color=False,
        ),
        Table(
            s,
            _change_columns(lang, ("district", "station"), ("rank_from", "rank_to")),
            id="period_stations",
            title=_p("stations", lang),
            targets=SHEET_ONLY,
            freeze_col=2,
            color=False,
        ),
        _scores_table(pc, lang),
        Note(_p("sheet_note", lang), targets=SHEET_ONLY),
    ]
    return Section("periods", _p("title", lang), tuple(blocks), sheet="periods")


def _scores_table(pc: PeriodComparison, lang: str) -> Table:
    f = pc.scores.copy()
    f["unit_type"] = f["unit_type"].map({k: _p(f"unit_{k}", lang) for k in ("district", "station")})
    cols = [Column("unit_type", _h("unit_type", lang)), Column("district", _h("district", lang))]
    cols.append(Column("unit", _h("station", lang) + " / " + _h("district", lang)))
    for p in pc.periods:
        label = pc.label(p, lang)
        sc, rk, lv = ("得分", "名次", "等级") if lang == "zh" else ("score", "rank", "level")
        cols += [
            Column(f"score_{p}", f"{label} {sc}", "score"),
            Column(f"rank_{p}", f"{label} {rk}", "rank"),
            Column(f"level_{p}", f"{label} {lv}", "count"),
        ]
    return Table(
        f,
        tuple(cols),
        id="period_scores",
        title=_p("scores", lang),
        targets=SHEET_ONLY,
        freeze_col=3,
        color=False,
    )


__all__ = ["analysis", "comparison_section", "district_section"]
