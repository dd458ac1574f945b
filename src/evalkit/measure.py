r"""From tidy survey data to indicator values per unit, and their 0-100 scores.

Survey indicators: reverse items are recoded :math:`x' = x_{min} + x_{max} - x`; a unit's indicator
value is the mean over its items of the item mean over the unit's respondents (missing answers are
left out). Stations use their own officers; a district pools all its officers.

Statistic indicators: a ratio declared as numerator / denominator is
:math:`v = m \cdot \sum numerator / \sum denominator` over the unit's stations (never a mean of station
ratios); a plain column is aggregated over stations by its declared function (mean, sum, max, min).

Scores: goalposts map a value to :math:`100 (x - worst) / (best - worst)`, clipped to [0, 100];
cost indicators have worst > best, so the same formula handles both directions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import DataError, Issue, Location
from .ingest.overflow import statistic_overflow
from .tree import IndicatorTree

if TYPE_CHECKING:
    from .ingest.survey import SurveyData

UNIT = ["district", "station"]


@dataclass(frozen=True)
class IndicatorMatrix:
    """Indicator values per unit.

    stations: index (district, station), one column per leaf id (raw values, in the indicator unit).
    districts: index district, same columns.
    station_n / district_n: respondents per unit (Series).
    """

    stations: pd.DataFrame
    districts: pd.DataFrame
    station_n: pd.Series
    district_n: pd.Series
    station_counts: pd.Series  # stations per district
    issues: list[Issue] = field(default_factory=list)


def _recoded_items(tree: IndicatorTree, responses: pd.DataFrame) -> pd.DataFrame:
    cols = {}
    for leaf, item in tree.items():
        assert leaf.source is not None
        scale = tree.scales[leaf.source.scale]
        x = responses[item.id].astype(float)
        cols[item.id] = (scale.low + scale.high - x) if item.reverse else x
    return pd.DataFrame(cols, index=responses.index)


def _survey_values(
    tree: IndicatorTree, items: pd.DataFrame, keys: list[pd.Series] | pd.Series
) -> pd.DataFrame:
    """Indicator value per group: mean over items of the per-group item means."""
    item_means = items.groupby(keys, sort=True).mean()
    out = {}
    for leaf in tree.leaves():
        if leaf.source is not None and leaf.source.kind == "survey":
            ids = [i.id for i in leaf.source.items]
            out[leaf.id] = item_means[ids].mean(axis=1, skipna=True)
    return pd.DataFrame(out, index=item_means.index)


def _statistic_values(
    tree: IndicatorTree, stations: pd.DataFrame, by: list[str] | str, per_station: bool
) -> pd.DataFrame:
    out = {}
    grouped = stations.groupby(by, sort=True)
    # the units' index even when the tree has no statistic (a questionnaire-only tree), so the
    # join with the survey values has index names to join on
    units = stations.set_index(UNIT).index if per_station else grouped.size().index
    for leaf in tree.leaves():
        src = leaf.source
        if src is None or src.kind != "statistic":
            continue
        if src.is_ratio:
            if per_station:
                num = stations.set_index(UNIT)[src.numerator]
                den = stations.set_index(UNIT)[src.denominator]
            else:
                num = grouped[src.numerator].sum(min_count=1)
                den = grouped[src.denominator].sum(min_count=1)
            val = src.multiplier * (num / den.where(den > 0))
        else:
            if per_station:
                val = stations.set_index(UNIT)[src.column]
            else:
                val = grouped[src.column].agg(src.aggregate)
        out[leaf.id] = val.astype(float)
    return pd.DataFrame(out, index=units)


def compute_indicator_values(tree: IndicatorTree, data: SurveyData) -> IndicatorMatrix:
    """Raw indicator values for every station and district of the data.

    Raises DataError when a statistic cannot be computed in floating point
    (:func:`statistic_overflow`; :func:`~evalkit.ingest.survey.load_survey_data` reports those
    with the other problems of the files, so this only guards data built by other means)."""
    overflow = statistic_overflow(tree, data.stations)
    if overflow:
        raise DataError(overflow)
    issues: list[Issue] = []
    resp = data.responses
    items = _recoded_items(tree, resp)
    st_survey = _survey_values(tree, items, [resp["district"], resp["station"]])
    st_survey.index.names = UNIT
    di_survey = _survey_values(tree, items, resp["district"])
    di_survey.index.name = "district"
    stations = data.stations.copy()
    st_stats = _statistic_values(tree, stations, UNIT, per_station=True)
    di_stats = _statistic_values(tree, stations, "district", per_station=False)
    # zero denominators at station level
    for leaf in tree.leaves():
        src = leaf.source
        if src is not None and src.kind == "statistic" and src.is_ratio:
            zero = stations[src.denominator] == 0
            for _, r in stations[zero.to_numpy()].iterrows():
                issues.append(
                    Issue(
                        Location(
                            file=str(r["_file"]),
                            sheet=str(r["_sheet"]),
                            row=int(r["_row"]),
                            column=src.denominator,
                        ),
                        f"denominator is 0, so “{leaf.label('en')}” ({leaf.id}) is missing for "
                        "this station",
                        message_zh=f"分母为 0，该派出所的“{leaf.label('zh')}”指标缺失",
                        severity="warning",
                        check="statistic",
                        district=str(r["district"]),
                    )
                )
    leaf_ids = [leaf.id for leaf in tree.leaves()]
    st = st_survey.join(st_stats, how="outer")
    di = di_survey.join(di_stats, how="outer")
    st = st.reindex(columns=leaf_ids)
    di = di.reindex(columns=leaf_ids)
    station_n = resp.groupby(["district", "station"], sort=True).size().rename("respondents")
    district_n = resp.groupby("district", sort=True).size().rename("respondents")
    # every station of the data: the stations sheet's and those named only in the responses
    # (a questionnaire-only project has no stations sheet)
    station_counts = st.index.to_frame(index=False).groupby("district", sort=True).size()
    station_counts = station_counts.rename("stations")
    return IndicatorMatrix(st, di, station_n, district_n, station_counts, issues)


def goalpost_scores(tree: IndicatorTree, values: pd.DataFrame) -> pd.DataFrame:
    """0-100 scores of raw indicator values by the tree's goalposts (clipped; NaN stays NaN)."""
    leaves = [leaf for leaf in tree.leaves() if leaf.id in values.columns]
    worst = np.array([leaf.worst for leaf in leaves])
    best = np.array([leaf.best for leaf in leaves])
    x = values[[leaf.id for leaf in leaves]].to_numpy(dtype=float)
    s = np.clip(100.0 * (x - worst) / (best - worst), 0.0, 100.0)
    return pd.DataFrame(s, index=values.index, columns=[leaf.id for leaf in leaves])


def directions(tree: IndicatorTree) -> np.ndarray:
    """+1 for benefit, -1 for cost, per leaf in tree order."""
    return np.array([1 if leaf.direction == "benefit" else -1 for leaf in tree.leaves()])
