"""Sections of the uncertainty and sensitivity analysis (``ev.analysis("uncertainty")``).

The workbooks get three machine-readable sheets with fixed English names in both languages,
``Uncertainty``, ``Sensitivity`` and ``Factors``: a first header row in the report's language and
a second with the column ids (read them with ``pandas.read_excel(path, sheet_name="Uncertainty",
header=1)``). ``Uncertainty`` has exactly the columns ``unit_type, unit, rank, rank_median,
rank_p05, rank_p95, score, score_p05, score_p95, p_level_<level id>...`` (a district's workbook
adds its stations' ranks within the district after them); ``Sensitivity`` ``factor, first_order,
total, output, unit_type`` and the factor's name; ``Factors`` what was varied and over which
range. The PDF gets rank-interval charts of the district's stations and of the province's
districts, sentences saying which ranks cannot be told apart, the probability of the stated
level, and in the appendix the factors and a sensitivity chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import MethodError
from ..pipeline.uncertainty import FACTOR_LABELS, Uncertainty
from . import narrative
from .formats import fmt, fmt_range
from .i18n import text
from .phrases import phrases
from .sections import (
    PDF_ONLY,
    SHEET_ONLY,
    Chart,
    Column,
    KeyValue,
    Note,
    Paragraph,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Evaluation

#: The columns of the Uncertainty sheet before the level probabilities, in order.
UNIT_COLUMNS = (
    "unit_type",
    "unit",
    "rank",
    "rank_median",
    "rank_p05",
    "rank_p95",
    "score",
    "score_p05",
    "score_p95",
)
#: A district's workbook adds its stations' ranks within the district.
DISTRICT_RANK_COLUMNS = (
    "rank_in_district",
    "rank_in_district_median",
    "rank_in_district_p05",
    "rank_in_district_p95",
)
SENSITIVITY_COLUMNS = ("factor", "first_order", "total", "output", "unit_type")
FACTOR_COLUMNS = ("factor", "name", "varied", "range")

_HEADERS: dict[str, tuple[str, str]] = {
    "unit_type": ("单位类型", "Unit type"),
    "unit": ("单位", "Unit"),
    "rank": ("名义排名", "Nominal rank"),
    "rank_median": ("排名中位数", "Median rank"),
    "rank_p05": ("排名 5% 分位数", "Rank, 5th percentile"),
    "rank_p95": ("排名 95% 分位数", "Rank, 95th percentile"),
    "score": ("名义得分", "Nominal score"),
    "score_p05": ("得分 5% 分位数", "Score, 5th percentile"),
    "score_p95": ("得分 95% 分位数", "Score, 95th percentile"),
    "rank_in_district": ("区内名义排名", "Nominal rank in district"),
    "rank_in_district_median": ("区内排名中位数", "Median rank in district"),
    "rank_in_district_p05": ("区内排名 5% 分位数", "Rank in district, 5th percentile"),
    "rank_in_district_p95": ("区内排名 95% 分位数", "Rank in district, 95th percentile"),
    "factor": ("因素", "Factor"),
    "first_order": ("一阶指数", "First-order index"),
    "total": ("总效应指数", "Total index"),
    "output": ("输出", "Output"),
    "factor_name": ("因素名称", "Factor name"),
    "name": ("名称", "Name"),
    "varied": ("是否改变", "Varied"),
    "range": ("取值范围", "Range"),
}


def _h(column: str, lang: str) -> str:
    pair = _HEADERS.get(column)
    return (pair[0] if lang == "zh" else pair[1]) if pair else column


def analysis(ev: Evaluation) -> Uncertainty | None:
    """The uncertainty analysis of *ev*, or None when it is off (``uncertainty.draws: 0``) or
    cannot be run for the evaluation's methods (the run lists why as a warning)."""
    try:
        return ev.analysis("uncertainty")
    except MethodError:
        return None


def factor_name(factor: str, lang: str) -> str:
    labels = {**FACTOR_LABELS, "level_rule": ("等级判定规则", "level rule")}
    pair = labels.get(factor)
    return (pair[0] if lang == "zh" else pair[1]) if pair else factor


# ------------------------------------------------------------------ tables


def _display_names(ev: Evaluation, units: pd.DataFrame, lang: str) -> list[str]:
    """Each unit's name in *lang*; a station named as a station of another district is
    written "district / station" so that every row names one unit."""
    st = ev.stations.set_index(["district", "station"])["station_en"]
    di = ev.districts.set_index("district")["district_en"]
    is_st = (units["unit_type"] == "station").to_numpy()
    if lang == "zh":
        names = units["unit"].astype(str).tolist()
        dnames = units["district"].astype(str).tolist()
    else:
        keys = list(zip(units["district"], units["unit"], strict=True))
        names = [
            str(st.get(k, k[1])) if s else str(di.get(k[1], k[1]))
            for k, s in zip(keys, is_st, strict=True)
        ]
        dnames = [str(di.get(d, d)) for d in units["district"]]
    shown = pd.Series(names)[is_st]
    twice = set(shown[shown.duplicated(keep=False)])
    return [
        f"{d} / {n}" if s and n in twice else n
        for n, d, s in zip(names, dnames, is_st, strict=True)
    ]


def unit_table(
    result: Uncertainty, ev: Evaluation, lang: str, district: str | None = None
) -> pd.DataFrame:
    """The rows of the Uncertainty sheet: every district by rank, then every station shown by
    rank in the province; with *district*, that district and its stations (by rank within the
    district) and their ranks within the district. Stations too small to be shown are left out."""
    u = result.units
    u = u[u["shown"].to_numpy(bool)]
    if district is not None:
        u = u[(u["district"] == district).to_numpy()]
        order = np.lexsort((u["rank_in_district"].to_numpy(), (u["unit_type"] != "district")))
    else:
        order = np.lexsort((u["rank"].to_numpy(), (u["unit_type"] != "district")))
    u = u.iloc[order].reset_index(drop=True)
    out = u[list(UNIT_COLUMNS)].copy()
    out["unit"] = _display_names(ev, u, lang)
    for lv in ev.tree.levels:
        out[f"p_level_{lv.id}"] = u[f"p_level_{lv.id}"].to_numpy()
    if district is not None:
        for col in DISTRICT_RANK_COLUMNS:
            out[col] = u[col].to_numpy()
    out["level"] = u["level"].to_numpy()  # not shown: the PDF's stated level
    return out


def _unit_columns(ev: Evaluation, lang: str, district: bool) -> tuple[Column, ...]:
    cols = [Column(c, _h(c, lang)) for c in UNIT_COLUMNS]
    for lv in ev.tree.levels:
        name = text(lv.name, lang)
        title = f"等级概率：{name}" if lang == "zh" else f"P({name})"
        cols.append(Column(f"p_level_{lv.id}", title, "probability"))
    if district:
        cols += [Column(c, _h(c, lang)) for c in DISTRICT_RANK_COLUMNS]
    return tuple(cols)


def sensitivity_table(result: Uncertainty, lang: str) -> pd.DataFrame:
    s = result.sensitivity.copy()
    s["factor_name"] = [factor_name(f, lang) for f in s["factor"]]
    return s


def factor_table(result: Uncertainty, lang: str) -> pd.DataFrame:
    f = result.factors
    rng = f["range_zh"] if lang == "zh" and "range_zh" in f.columns else f["range"]
    return pd.DataFrame(
        {
            "factor": f["factor"].to_numpy(),
            "name": [factor_name(x, lang) for x in f["factor"]],
            "varied": f["varied"].astype(bool).to_numpy(),
            "range": rng.to_numpy(),
        }
    )


def _ids_table(frame: pd.DataFrame, columns: tuple[Column, ...], table_id: str) -> Table:
    return Table(
        frame,
        columns,
        id=table_id,
        targets=SHEET_ONLY,
        ids_row=True,
        color=False,
        freeze_col=2 if table_id == "uncertainty" else 1,
    )


def _sensitivity_sheet(result: Uncertainty, lang: str) -> Table:
    cols = (
        Column("factor", _h("factor", lang)),
        Column("first_order", _h("first_order", lang), "index"),
        Column("total", _h("total", lang), "index"),
        Column("output", _h("output", lang)),
        Column("unit_type", _h("unit_type", lang)),
        Column("factor_name", _h("factor_name", lang)),
    )
    return _ids_table(sensitivity_table(result, lang), cols, "sensitivity")


def _factors_block(result: Uncertainty, lang: str) -> Table:
    cols = (
        Column("factor", _h("factor", lang), targets=SHEET_ONLY),
        Column("name", _h("name", lang), width=1.6),
        Column("varied", _h("varied", lang), "bool"),
        Column("range", _h("range", lang), width=2.4),
    )
    return Table(factor_table(result, lang), cols, id="factors", ids_row=True, color=False, size=8)


# ------------------------------------------------------------------ the PDF's figures


def rank_range(lo: Any, hi: Any) -> str:
    """A rank interval as the workbook rounds it: "2–3", or "1" when both ends round alike."""
    a, b = fmt(lo, "rank", missing=""), fmt(hi, "rank", missing="")
    return a if a == b else fmt_range(lo, hi, "rank")


def _level_names(ev: Evaluation, lang: str) -> list[str]:
    return [text(lv.name, lang) for lv in ev.tree.levels]


def _probabilities(row: pd.Series, ev: Evaluation) -> list[float]:
    return [float(row[f"p_level_{lv.id}"]) for lv in ev.tree.levels]


def level_probability(row: pd.Series, ev: Evaluation, lang: str) -> str:
    """The stated level with its probability and the others' ("" without a level)."""
    lv = row.get("level")
    if lv is None or lv != lv:
        return ""
    return narrative.level_probability(
        _level_names(ev, lang), _probabilities(row, ev), int(lv), lang
    )


def _rank_chart(frame: pd.DataFrame, prefix: str, lang: str, highlight: int) -> dict[str, Any]:
    p = phrases(lang)
    return {
        "labels": frame["unit"].tolist(),
        "nominal": frame[prefix].astype(float).tolist(),
        "median": frame[f"{prefix}_median"].astype(float).tolist(),
        "lo": frame[f"{prefix}_p05"].astype(float).tolist(),
        "hi": frame[f"{prefix}_p95"].astype(float).tolist(),
        "highlight": highlight,
        "axis": p["unc_axis_rank"],
        "legend": [p["unc_nominal"], p["unc_median"], p["unc_interval"]],
    }


def _pdf_rows(
    own: pd.DataFrame, ev: Evaluation, lang: str
) -> tuple[pd.DataFrame, tuple[Column, ...]]:
    """The PDF's table: the district (province rank) and its stations (rank in the district)."""
    p = phrases(lang)
    is_d = (own["unit_type"] == "district").to_numpy()
    rank = np.where(is_d, own["rank"], own["rank_in_district"])
    lo = np.where(is_d, own["rank_p05"], own["rank_in_district_p05"])
    hi = np.where(is_d, own["rank_p95"], own["rank_in_district_p95"])
    names = _level_names(ev, lang)
    frame = pd.DataFrame(
        {
            "group": [p["unc_districts"] if d else p["unc_stations"] for d in is_d],
            "unit": own["unit"].to_numpy(),
            "rank": rank,
            "rank_interval": [rank_range(a, b) for a, b in zip(lo, hi, strict=True)],
            "score": own["score"].to_numpy(),
            "score_interval": [
                fmt_range(a, b, "score")
                for a, b in zip(own["score_p05"], own["score_p95"], strict=True)
            ],
            "p_level": [
                f"{names[int(lv) - 1]} {fmt(r[f'p_level_{ev.tree.levels[int(lv) - 1].id}'], 'probability')}"
                if lv == lv
                else ""
                for lv, (_, r) in zip(own["level"], own.iterrows(), strict=True)
            ],
        }
    )
    cols = (
        Column("unit", p["unc_unit"], width=2.4),
        Column("rank", p["unc_rank"], "rank"),
        Column("rank_interval", p["unc_rank_interval"], align="r"),
        Column("score", p["unc_score"], "score"),
        Column("score_interval", p["unc_score_interval"], align="r"),
        Column("p_level", p["unc_p_level"], width=1.4),
    )
    return frame, cols


# ------------------------------------------------------------------ sections


@dataclass(frozen=True)
class DistrictUncertainty:
    """The analysis seen from one district: its rows (the district first, then its stations by
    rank in the district), every district's row, and the analysis itself."""

    result: Uncertainty
    own: pd.DataFrame
    districts: pd.DataFrame
    district: str


def district_view(ev: Evaluation | None, district: str, lang: str) -> DistrictUncertainty | None:
    if ev is None:
        return None
    result = analysis(ev)
    if result is None:
        return None
    own = unit_table(result, ev, lang, district)
    every = unit_table(result, ev, lang)
    return DistrictUncertainty(
        result, own, every[every["unit_type"] == "district"].reset_index(drop=True), district
    )


def summary_rows(view: DistrictUncertainty, ev: Evaluation, lang: str) -> list[KeyValue]:
    """The summary sheet's rows: the district's rank and score intervals and level probability."""
    p = phrases(lang)
    row = view.own.iloc[0]
    return [
        KeyValue(p["unc_rank_label"], rank_range(row["rank_p05"], row["rank_p95"])),
        KeyValue(p["unc_score_label"], fmt_range(row["score_p05"], row["score_p95"], "score")),
        KeyValue(p["unc_level_label"], level_probability(row, ev, lang)),
    ]


def summary_sentence(view: DistrictUncertainty, ev: Evaluation, lang: str) -> str:
    """The PDF summary's sentence: rank and score intervals and the level's probability."""
    row = view.own.iloc[0]
    return phrases(lang)["unc_summary"].format(
        ranks=rank_range(row["rank_p05"], row["rank_p95"]),
        scores=fmt_range(row["score_p05"], row["score_p95"], "score"),
        level_prob=level_probability(row, ev, lang),
    )


def body_section(view: DistrictUncertainty, ev: Evaluation, lang: str) -> Section:
    """The district's section: how certain its rank and level, and its stations' ranks, are."""
    p = phrases(lang)
    r = view.result
    d = view.districts
    own_at = int(np.flatnonzero((d["unit"] == view.own["unit"].iloc[0]).to_numpy())[0])
    stations = view.own[view.own["unit_type"] == "station"].reset_index(drop=True)
    blocks: list[Any] = [
        Paragraph(p["unc_intro"].format(draws=r.draws, runs=r.runs)),
        Chart(
            "rank_districts",
            "rank_intervals",
            _rank_chart(d, "rank", lang, own_at),
            p["unc_chart_districts"],
            width=0.8,
        ),
        Paragraph(
            " ".join(
                narrative.overlap_sentences(
                    d["unit"].tolist(),
                    d["rank_p05"].to_numpy(float),
                    d["rank_p95"].to_numpy(float),
                    lang,
                    distinct="unc_districts_distinct",
                )
            )
        ),
    ]
    if len(stations):
        blocks += [
            Chart(
                "rank_stations",
                "rank_intervals",
                _rank_chart(stations, "rank_in_district", lang, -1),
                p["unc_chart_stations"],
                width=0.8,
            ),
            Paragraph(
                " ".join(
                    narrative.overlap_sentences(
                        stations["unit"].tolist(),
                        stations["rank_in_district_p05"].to_numpy(float),
                        stations["rank_in_district_p95"].to_numpy(float),
                        lang,
                        distinct="unc_stations_distinct",
                    )
                )
            ),
        ]
    frame, cols = _pdf_rows(view.own, ev, lang)
    blocks.append(Table(frame, cols, id="uncertainty_pdf", targets=PDF_ONLY, group_by="group"))
    sheet = view.own.drop(columns=["level"])
    blocks.append(_ids_table(sheet, _unit_columns(ev, lang, district=True), "uncertainty"))
    return Section("uncertainty", p["uncertainty"], tuple(blocks), sheet="uncertainty")


def factors_section(result: Uncertainty, lang: str) -> Section:
    p = phrases(lang)
    note = p["unc_factors_note"].format(draws=result.draws, runs=result.runs, seed=result.seed)
    return Section(
        "factors",
        p["unc_factors"],
        (_factors_block(result, lang), Note(note, targets=PDF_ONLY)),
        sheet="factors",
    )


def _sensitivity_chart(result: Uncertainty, lang: str) -> dict[str, Any]:
    p = phrases(lang)
    s = result.sensitivity
    factors = list(dict.fromkeys(s["factor"]))
    panels = []
    for kind in ("district", "station"):
        for output in ("score", "rank"):
            part = s[(s["unit_type"] == kind) & (s["output"] == output)].set_index("factor")
            if not len(part):
                continue
            panels.append(
                {
                    "title": f"{p[f'unc_kind_{kind}']} · {p[f'unc_output_{output}']}",
                    "first": part["first_order"].reindex(factors).astype(float).tolist(),
                    "total": part["total"].reindex(factors).astype(float).tolist(),
                }
            )
    return {
        "factors": [factor_name(f, lang) for f in factors],
        "panels": panels,
        "legend": [p["unc_first_order"], p["unc_total"]],
    }


def sensitivity_section(result: Uncertainty, lang: str) -> Section:
    p = phrases(lang)
    blocks: list[Any] = []
    if len(result.sensitivity):
        blocks.append(
            Chart(
                "sensitivity",
                "sensitivity",
                _sensitivity_chart(result, lang),
                p["unc_sensitivity_caption"],
                width=0.95,
            )
        )
        blocks.append(Note(p["unc_sensitivity_note"], targets=PDF_ONLY))
    blocks.append(_sensitivity_sheet(result, lang))
    return Section("sensitivity", p["unc_sensitivity"], tuple(blocks), sheet="sensitivity")


def comparison_sections(ev: Evaluation, lang: str) -> tuple[Section, ...]:
    """comparison.xlsx's sheets Uncertainty (every district and station shown), Sensitivity and
    Factors; none when the analysis is off."""
    result = analysis(ev)
    if result is None:
        return ()
    p = phrases(lang)
    units = unit_table(result, ev, lang).drop(columns=["level"])
    table = _ids_table(units, _unit_columns(ev, lang, district=False), "uncertainty")
    return (
        Section("uncertainty", p["uncertainty"], (table,), sheet="uncertainty"),
        sensitivity_section(result, lang),
        factors_section(result, lang),
    )


__all__ = [
    "DistrictUncertainty",
    "analysis",
    "body_section",
    "comparison_sections",
    "district_view",
    "factor_table",
    "factors_section",
    "rank_range",
    "sensitivity_section",
    "sensitivity_table",
    "summary_rows",
    "summary_sentence",
    "unit_table",
]
