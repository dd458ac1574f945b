"""Within-district imbalance beside the district's score, for the reports.

The columns of comparison.xlsx's Districts sheet (:func:`district_columns`), the sentence of a
district workbook's Summary (:func:`summary_text`) and the terminal summary's cells read
``ev.analysis("imbalance")`` (:mod:`evalkit.pipeline.imbalance`); numbers stay at full precision
in the columns and are rounded in the sentence only (CV and Gini to 3 decimals, scores to 1).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Evaluation
    from .sections import Section

#: Column id -> (zh, en) header; the ids are the model's (ComparisonReport.districts).
HEADERS: dict[str, tuple[str, str]] = {
    "station_cv": ("派出所间变异系数", "CV of station totals"),
    "station_gini": ("派出所间基尼系数", "Gini of station totals"),
    "station_range": ("派出所总分极差", "Range of station totals"),
    "lowest_station": ("总分最低派出所", "Lowest station"),
    "highest_station": ("总分最高派出所", "Highest station"),
}
KINDS = {"station_cv": "ratio", "station_gini": "ratio", "station_range": "score"}
LABEL = ("派出所间发展差异", "Imbalance between stations")
LABEL_TOTAL = ("总分", "Total")


def district_columns(ev: Evaluation, districts: pd.Series, lang: str) -> pd.DataFrame:
    """The imbalance columns (:data:`HEADERS`) for *districts* (names as in the data), in their
    order; station names in *lang*."""
    t = ev.analysis("imbalance").totals.reindex(pd.Index(districts))
    en = "" if lang == "zh" else "_en"
    return pd.DataFrame(
        {
            "station_cv": t["cv"].to_numpy(dtype=float),
            "station_gini": t["gini"].to_numpy(dtype=float),
            "station_range": t["range"].to_numpy(dtype=float),
            "lowest_station": t[f"lowest{en}"].fillna("").to_numpy(dtype=object),
            "highest_station": t[f"highest{en}"].fillna("").to_numpy(dtype=object),
        }
    )


def summary_text(ev: Evaluation, district: str, lang: str) -> str:
    """One sentence: CV, Gini and range of the district's station totals, the lowest and the
    highest station with their totals and the number of stations ("" without a station)."""
    totals = ev.analysis("imbalance").totals
    if district not in totals.index or not totals.loc[district, "n"]:
        return ""
    t = totals.loc[district]
    n = int(t["n"])
    low, high = (t["lowest"], t["highest"]) if lang == "zh" else (t["lowest_en"], t["highest_en"])
    if n < 2 or math.isnan(t["cv"]):
        if lang == "zh":
            return f"只有 1 个派出所（{low}，{t['lowest_score']:.1f} 分）参与比较，无法衡量差异。"
        return f"Only 1 station ({low}, {t['lowest_score']:.1f}) is shown: no spread to measure."
    if lang == "zh":
        return (
            f"变异系数 {t['cv']:.3f}，基尼系数 {t['gini']:.3f}，极差 {t['range']:.1f} 分"
            f"（最低 {low} {t['lowest_score']:.1f} 分，最高 {high} {t['highest_score']:.1f} 分；"
            f"参与比较的派出所 {n} 个）"
        )
    return (
        f"CV {t['cv']:.3f}, Gini {t['gini']:.3f}, range {t['range']:.1f} points (lowest "
        f"{low} {t['lowest_score']:.1f}, highest {high} {t['highest_score']:.1f}; {n} stations compared)"
    )


#: The district sheet's columns: id -> ((zh, en) header, quantity).
SHEET_COLUMNS: dict[str, tuple[tuple[str, str], str]] = {
    "name": (("得分", "Score"), "text"),
    "n": (("参与比较的派出所", "Stations compared"), "count"),
    "mean": (("派出所均值", "Mean of stations"), "score"),
    "cv": (("变异系数", "CV"), "ratio"),
    "gini": (("基尼系数", "Gini"), "ratio"),
    "range": (("极差", "Range"), "score"),
    "lowest": (("最低派出所", "Lowest station"), "text"),
    "lowest_score": (("最低分", "Lowest score"), "score"),
    "highest": (("最高派出所", "Highest station"), "text"),
    "highest_score": (("最高分", "Highest score"), "score"),
}


def district_section(ev: Evaluation | None, district: str, lang: str) -> Section | None:
    """The district workbook's sheet 派出所差异 / Imbalance: the spread of its shown stations'
    totals and of each dimension's station scores (None without an Evaluation or a station)."""
    from .sections import SHEET_ONLY, Column, Note, Section, Table

    if ev is None:
        return None
    rows = ev.analysis("imbalance").of(district)
    if rows.empty or not rows["n"].any():
        return None
    k = 0 if lang == "zh" else 1
    names = {d.id: d.label(lang) for d in ev.tree.dimensions}
    frame = rows.assign(name=[names.get(x, LABEL_TOTAL[k]) for x in rows["node"]])
    if lang != "zh":
        frame = frame.assign(lowest=rows["lowest_en"], highest=rows["highest_en"])
    cols = tuple(Column(c, pair[k], q) for c, (pair, q) in SHEET_COLUMNS.items())
    note = (
        "变异系数 = 标准差 / 均值（总体标准差）；基尼系数 = Σ|xi − xj| / (2n²μ)，0 为完全均衡；"
        "只比较有单独结果的派出所。"
        if k == 0
        else "CV = standard deviation / mean (population); Gini = Σ|xi − xj| / (2n²μ), 0 when "
        "all stations score alike; only the stations shown on their own are compared."
    )
    return Section(
        "imbalance",
        LABEL[k],
        (
            Table(frame, cols, id="imbalance", targets=SHEET_ONLY, freeze_col=1),
            Note(note, targets=SHEET_ONLY),
        ),
        sheet="imbalance",
    )
