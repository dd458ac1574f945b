"""comparison.pdf: the study's districts side by side, for the chief and the planners.

The first page is an overview a chief reads in a minute (how many districts at each level, the
best and the weakest, the weakest dimension across the study, in a few sentences, with key
figures and a table of the districts); then the ranking of the districts and of every shown
station with their rank intervals (the uncertainty analysis' ``rank_p05`` / ``rank_p95``, and
its rank-interval charts), a heat map of dimension scores (units × dimensions, the value printed
in every cell on a grey that reads in greyscale print), the distribution of maturity levels and
each district's weakest dimension. The sections are :class:`~evalkit.report.sections.Section`
objects like the district report's, laid out by the same template (``district.typ``, without a
cover); numbers are formatted by their quantity (:mod:`evalkit.report.formats`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .comparison_overview import PHRASES, heat_block, overview_section
from .formats import fmt
from .reproducibility_sections import provenance_section
from .sections import PDF_ONLY, Chart, Column, Note, Paragraph, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Evaluation
    from .fonts import FontChain
    from .model import ComparisonReport


def _p(lang: str) -> dict[str, str]:
    from .scope import scoped_dict

    key = "zh" if lang == "zh" else "en"
    return scoped_dict(PHRASES[key], key)


def _intervals(ev: Evaluation, lang: str) -> pd.DataFrame | None:
    from . import uncertainty_sections as unc

    result = unc.analysis(ev)
    return None if result is None else unc.unit_table(result, ev, lang)


def _rank_chart_data(frame: pd.DataFrame, lang: str) -> dict[str, Any]:
    from .phrases import phrases

    p = phrases(lang)
    return {
        "labels": frame["unit"].astype(str).tolist(),
        "nominal": frame["rank"].astype(float).tolist(),
        "median": frame["rank_median"].astype(float).tolist(),
        "lo": frame["rank_p05"].astype(float).tolist(),
        "hi": frame["rank_p95"].astype(float).tolist(),
        "highlight": -1,
        "axis": p["unc_axis_rank"],
        "legend": [p["unc_nominal"], p["unc_median"], p["unc_interval"]],
    }


def _ranking_table(
    frame: pd.DataFrame, iv: pd.DataFrame | None, lang: str, stations: bool
) -> Table:
    """Districts (or shown stations) by rank, with their rank interval when the analysis ran."""
    from .uncertainty_sections import rank_range

    p = _p(lang)
    rank_col = "rank_in_province" if stations else "rank"
    f = frame[frame[rank_col].notna()].reset_index(drop=True)
    out = pd.DataFrame({"rank": f[rank_col]})
    if stations:
        out["district"] = f["district"].astype(str)
    out["unit"] = f["station" if stations else "district"].astype(str)
    out["total"] = f["total"]
    out["level_name"] = f["level_name"]
    if iv is not None:
        kind = "station" if stations else "district"
        own = iv[iv["unit_type"] == kind].reset_index(drop=True)
        if len(own) == len(out):
            out["interval"] = [
                rank_range(a, b) for a, b in zip(own["rank_p05"], own["rank_p95"], strict=True)
            ]
            out["score_interval"] = [
                f"{fmt(a, 'score')}–{fmt(b, 'score')}"
                for a, b in zip(own["score_p05"], own["score_p95"], strict=True)
            ]
    cols = [Column("rank", p["rank"], "rank")]
    if stations:
        cols.append(Column("district", p["district"], "text", width=1.2))
    cols += [
        Column("unit", p["station" if stations else "district"], "text", width=1.6),
        Column("total", p["total"], "score"),
        Column("interval", p["rank_interval"], "text", align="r"),
        Column("score_interval", p["score_interval"], "text", align="r"),
        Column("level_name", p["level"], "text", width=1),
    ]
    tid = "ranking_stations" if stations else "ranking_districts"
    size = 7.5 if stations else 8.5
    return Table(out, tuple(cols), id=tid, targets=PDF_ONLY, size=size)


def ranking_section(r: ComparisonReport, ev: Evaluation) -> Section:
    lang, p = r.lang, _p(r.lang)
    iv = _intervals(ev, lang)
    blocks: list[Any] = [_ranking_table(r.districts, iv, lang, stations=False)]
    if iv is not None:
        d = iv[iv["unit_type"] == "district"].reset_index(drop=True)
        blocks.append(
            Chart(
                "cmp_rank_districts",
                "rank_intervals",
                _rank_chart_data(d, lang),
                p["chart_districts"],
                width=0.8,
            )
        )
    else:
        blocks.append(Note(p["no_intervals"]))
    children = [Section("ranking_districts", p["districts_title"], tuple(blocks))]
    st_blocks: list[Any] = [_ranking_table(r.stations, iv, lang, stations=True)]
    if iv is not None:
        s = iv[iv["unit_type"] == "station"].reset_index(drop=True)
        if 0 < len(s) <= 60:  # a chart longer than a page is no help
            st_blocks.append(
                Chart(
                    "cmp_rank_stations",
                    "rank_intervals",
                    _rank_chart_data(s, lang),
                    p["chart_stations"],
                    width=0.8,
                )
            )
    children.append(Section("ranking_stations", p["stations_title"], tuple(st_blocks)))
    return Section("ranking", p["ranking"], children=tuple(children), new_page=True)


def heat_section(r: ComparisonReport) -> Section:
    p = _p(r.lang)
    dims = list(r.dimension_columns)
    d = r.districts[r.districts["total"].notna()].reset_index(drop=True)
    blocks: list[Any] = [
        Paragraph(p["heat_intro"]),
        heat_block(d, "district", dims, r.dimension_columns, p, "heat_districts"),
    ]
    if len(r.stations):
        # stations grouped by district, the districts in rank order, stations by rank within
        at = {name: i for i, name in enumerate(d["district"])}
        st = r.stations.assign(_d=r.stations["district"].map(at).fillna(len(at)))
        st = st.sort_values(["_d", "rank_in_district"], kind="stable").drop(columns="_d")
        blocks.append(
            heat_block(
                st,
                "station",
                dims,
                r.dimension_columns,
                p,
                "heat_stations",
                group="district",
            )
        )
    return Section("heat", p["heat"], tuple(blocks), new_page=True)


def levels_section(r: ComparisonReport) -> Section:
    lang, p = r.lang, _p(r.lang)
    lv = r.levels
    d = r.districts[r.districts["total"].notna()]
    n_d = np.array([(d["level"] == k).sum() for k in lv["level"]])
    n_s = np.array([(r.stations["level"] == k).sum() for k in lv["level"]])
    frame = pd.DataFrame(
        {
            "level": lv["level"],
            "name": lv["name"],
            "band": [
                f"{fmt(a, 'score')}–{fmt(b, 'score')}"
                for a, b in zip(lv["min_score"], lv["max_score"], strict=True)
            ],
            "districts": n_d,
            "district_share": n_d / max(len(d), 1),
            "stations": n_s,
            "station_share": n_s / max(len(r.stations), 1),
            "names": [
                ("、" if lang == "zh" else ", ").join(
                    d.loc[d["level"] == k, "district"].astype(str)
                )
                for k in lv["level"]
            ],
        }
    )
    cols = (
        Column("level", p["level_no"], "count", align="c"),
        Column("name", p["level"], "text"),
        Column("band", p["band"], "text", align="r"),
        Column("districts", p["n_districts"], "count"),
        Column("district_share", p["share"], "percent"),
        Column("stations", p["n_stations"], "count"),
        Column("station_share", p["share"], "percent"),
        Column("names", p["which_districts"], "text", width=2),
    )
    return Section(
        "levels", p["levels"], (Table(frame, cols, id="level_counts", targets=PDF_ONLY),)
    )


def weakest_section(r: ComparisonReport, ev: Evaluation) -> Section:
    from .comparison_overview import weakest_dimensions

    p = _p(r.lang)
    frame = weakest_dimensions(r, ev)
    cols = (
        Column("district", p["district"], "text", width=1.2),
        Column("dimension", p["weakest_dim"], "text", width=1.6),
        Column("score", p["score"], "score"),
        Column("mean", p["mean"], "score"),
        Column("vs_mean", p["vs_mean"], "signed"),
        Column("second", p["second_weakest"], "text", width=1.6),
    )
    return Section(
        "weakest", p["weakest"], (Table(frame, cols, id="weakest_dims", targets=PDF_ONLY),)
    )


def comparison_pdf_sections(r: ComparisonReport, ev: Evaluation) -> tuple[Section, ...]:
    """The sections of comparison.pdf, in order; last 可复现性 / Reproducibility when the model
    carries the run's provenance."""
    out = (
        overview_section(r, ev),
        ranking_section(r, ev),
        heat_section(r),
        levels_section(r),
        weakest_section(r, ev),
    )
    repro = provenance_section(r.provenance, r.lang)
    return (*out, repro) if repro is not None else out


def render_comparison_pdf(
    r: ComparisonReport,
    ev: Evaluation,
    path: Path,
    *,
    font: Path | str | FontChain | None = None,
) -> Path:
    """comparison.pdf at *path* (atomically), in the report's language and the study's scope."""
    from ..fileio import atomic_write_bytes
    from . import pdf as district_pdf
    from .fonts import FontChain, font_chain
    from .pdf_data import ACCENT, _section, charts_of
    from .phrases import phrases
    from .scope import report_scope

    lang = "zh" if r.lang == "zh" else "en"
    with report_scope(str(getattr(ev.spec, "scope", "province"))):
        sections = comparison_pdf_sections(r, ev)
        p = _p(lang)
        data: dict[str, Any] = {
            "lang": lang,
            "region": "cn" if lang == "zh" else "gb",
            "fonts": [],
            "accent": ACCENT,
            "p": phrases(lang),
            "title": r.title,
            "tree_title": "",
            "district": p["running_head"],
            "report_date": r.report_date,
            "cover": False,
            "headline": p["headline"],
            "sections": [_section(s, lang, 1, k) for k, s in enumerate(sections, start=1)],
        }
    chain = font if isinstance(font, FontChain) else font_chain(font)
    pdf = district_pdf.typeset(data, charts_of(sections), lang, chain, "comparison")
    return atomic_write_bytes(Path(path), pdf)


__all__ = ["comparison_pdf_sections", "render_comparison_pdf"]
