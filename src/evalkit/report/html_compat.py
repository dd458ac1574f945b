"""Sections of the HTML reports built from the report model (DistrictReport, ComparisonReport),
with the number formats per quantity: the shape of the sections the workbook and PDF share (id,
title, blocks, children), so that :mod:`evalkit.report.html` renders any of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

from .i18n import header
from .model import ComparisonReport, DistrictReport

DECIMALS = {
    "score": 1,
    "weight": 3,
    "ratio": 3,
    "decimal": 2,
    "raw": 2,
    "rank": 0,
    "count": 0,
    "probability": 2,
    "index": 3,
    "signed": 1,
}
_QUANTITY = {
    **dict.fromkeys(("total", "score", "province_mean", "best_in_province"), "score"),
    **dict.fromkeys(("min_score", "max_score", "province_best"), "score"),
    **dict.fromkeys(("weight", "local", "global", "local_weight", "global_weight"), "weight"),
    **dict.fromkeys(("ahp_local", "objective_local", "ahp_global", "objective_global"), "weight"),
    **dict.fromkeys(("rank", "rank_in_district", "rank_in_province", "level"), "rank"),
    **dict.fromkeys(("respondents", "stations", "n", "experts"), "count"),
    **dict.fromkeys(("raw", "worst", "best"), "raw"),
    **dict.fromkeys(("cr", "ci", "lambda_max", "alpha"), "ratio"),
    "gap": "decimal",
}


def is_number_kind(kind: str) -> bool:
    return kind in DECIMALS


def fmt(value: Any, kind: str) -> str:
    """*value* as shown for its quantity: rounded half away from zero (as Excel shows it);
    raw values from 1,000 on without decimals and with thousands separated."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "" if kind in ("rank", "count") else "—"
    dec = DECIMALS.get(kind, 2)
    if kind == "raw" and abs(x) >= 1000:
        return f"{int(Decimal(repr(x)).quantize(Decimal(1), ROUND_HALF_UP)):,}"
    try:
        d = Decimal(repr(x)).quantize(Decimal(1).scaleb(-dec), ROUND_HALF_UP)
    except InvalidOperation:
        return str(x)
    text = f"{d:.{dec}f}"
    if kind == "signed" and d > 0:
        text = "+" + text
    return text[1:] if text.startswith("-") and d == 0 else text


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    quantity: str = ""

    @property
    def kind(self) -> str:
        return self.quantity or _QUANTITY.get(self.id, "text")


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    id: str = ""
    title: str = ""
    notes: tuple[str, ...] = ()

    def shown(self, target: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.id in self.frame)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    sub: str


@dataclass(frozen=True)
class Cards:
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Entry:
    title: str
    tag: str
    text: str


@dataclass(frozen=True)
class Entries:
    entries: tuple[Entry, ...]
    empty: str = ""


@dataclass(frozen=True)
class Chart:
    id: str
    kind: str
    data: dict[str, Any]
    caption: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Any, ...] = ()
    children: tuple[Section, ...] = ()

    def blocks_for(self, target: str) -> list[Any]:
        return list(self.blocks)

    def shows(self, target: str) -> bool:
        return bool(self.blocks) or any(c.shows(target) for c in self.children)


def _table(
    frame: pd.DataFrame, ids: list[str], lang: str, names: dict[str, str] | None = None, **kw: Any
) -> Table:
    names = names or {}
    cols = tuple(
        Column(c, names.get(c) or header(c, lang), "score" if c in names else "") for c in ids
    )
    return Table(frame, cols, **kw)


def _summary(r: DistrictReport, p: dict[str, str]) -> Section:
    from .pdf import _paragraph

    cards = (
        Card(
            p["total"],
            fmt(r.total, "score"),
            p["mean_best"].format(
                mean=fmt(r.province_mean, "score"), best=fmt(r.province_best, "score")
            ),
        ),
        Card(
            p["level"],
            p["level_value"].format(name=r.level_name, level=r.level),
            p["level_sub"].format(level=r.level, n=len(r.levels)),
        ),
        Card(
            p["rank"],
            p["rank_value"].format(rank=r.rank, n=r.n_districts),
            p["rank_sub"].format(rank=r.rank, n=r.n_districts),
        ),
    )
    blocks: list[Any] = [Cards(cards), Paragraph(_paragraph(r, p))]
    blocks += [Note(w) for w in r.warnings]
    return Section("summary", p["summary"], tuple(blocks))


def district_sections(r: DistrictReport) -> list[Section]:
    """The district report's sections (as the PDF orders them)."""
    from .pdf import PHRASES

    p, lang = PHRASES[r.lang], r.lang
    dims = _table(
        r.dimensions,
        ["name", "score", "province_mean", "best_in_province", "rank", "weight", "level_name"],
        lang,
        id="dimensions",
    )
    radar = Chart(
        "radar",
        "radar",
        {
            "labels": [str(x) for x in r.dimensions["name"]],
            "values": [float(x) for x in r.dimensions["score"]],
            "reference": [float(x) for x in r.dimensions["province_mean"]],
            "series": [r.district, "全省均值" if lang == "zh" else "Province mean"],
        },
        p["radar_caption"],
    )
    ind_cols = [
        "dimension",
        "name",
        "raw",
        "unit",
        "score",
        "province_mean",
        "global_weight",
        "gap",
    ]
    indicators = _table(r.indicators, ind_cols, lang, id="indicators")
    weakest = _table(
        r.weakest,
        ["name", "score", "province_mean", "global_weight", "gap"],
        lang,
        id="weakest",
        title=p["weakest"],
    )
    entries = tuple(
        Entry(rec.dimension or p["overall"], rec.priority, rec.text) for rec in r.recommendations
    )
    st_cols = ["rank", "station", "respondents", "total", "level_name", *r.dimension_columns]
    stations: list[Any] = [_table(r.stations, st_cols, lang, r.dimension_columns, id="stations")]
    if len(r.stations):
        stations.append(
            Chart(
                "stations",
                "station_bars",
                {
                    "labels": [str(x) for x in r.stations["station"]],
                    "values": [float(x) for x in r.stations["total"]],
                    "axis": header("total", lang),
                },
                p["bars_caption"],
            )
        )
    if r.counts.get("stations_hidden"):
        stations.append(Note(p["stations_hidden"].format(n=r.counts["stations_hidden"])))
    w_cols = ["name", "ahp_local", "objective_local", "local", "global"]
    return [
        _summary(r, p),
        Section("dimensions", p["dimensions"], (dims, radar)),
        Section("indicators", p["indicators"], (indicators, Note(p["indicators_note"]))),
        Section("stations", p["stations"], tuple(stations)),
        Section(
            "weak",
            p["weak"],
            (weakest, Note(p["weakest_note"]), Entries(entries, p["no_recommendations"])),
        ),
        Section(
            "method",
            p["method"],
            (
                _table(r.weights, w_cols, lang, id="weights", title=p["weights"]),
                _table(
                    r.levels,
                    ["level", "name", "min_score", "max_score", "description"],
                    lang,
                    id="levels",
                ),
            ),
        ),
    ]


def comparison_sections(c: ComparisonReport) -> list[Section]:
    """The comparison report's sections: districts, stations, indicators, weights."""
    lang = c.lang
    zh = lang == "zh"
    d_cols = [
        "rank",
        "district",
        "total",
        "level_name",
        "respondents",
        "stations",
        *c.dimension_columns,
    ]
    s_cols = [
        "rank_in_province",
        "district",
        "station",
        "respondents",
        "total",
        "level_name",
        "rank_in_district",
        *c.dimension_columns,
    ]
    i_cols = ["district", *c.indicator_columns]
    return [
        Section(
            "districts",
            "区县排名" if zh else "Districts ranked",
            (
                _table(c.districts, d_cols, lang, c.dimension_columns, id="districts"),
                *(Note(n) for n in c.notes),
            ),
        ),
        Section(
            "stations",
            "派出所排名" if zh else "Stations ranked",
            (_table(c.stations, s_cols, lang, c.dimension_columns, id="stations"),),
        ),
        Section(
            "indicators",
            "指标得分" if zh else "Indicator scores",
            (_table(c.indicators, i_cols, lang, c.indicator_columns, id="indicators"),),
        ),
        Section(
            "weights",
            "指标权重" if zh else "Weights",
            (
                _table(
                    c.weights,
                    ["name", "ahp_local", "objective_local", "local", "global"],
                    lang,
                    id="weights",
                ),
            ),
        ),
    ]
