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

from .errors import DataError, Issue, Location, show
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


def _where(rows: pd.DataFrame, column: str) -> Location:
    """The place of the first of *rows* (stations of the data), in *column*."""
    first = rows.iloc[0]
    return Location(
        file=str(first.get("_file", "")),
        sheet=str(first.get("_sheet", "")),
        row=int(first["_row"]) if pd.notna(first.get("_row")) else None,
        column=column,
    )


def _largest(rows: pd.DataFrame, column: str, k: int = 3) -> str:
    """The *k* largest values of *column* among *rows*, with their rows: "row 2: 1e+308, ..."."""
    top = rows.assign(_v=rows[column].astype(float)).nlargest(k, "_v")
    return ", ".join(
        f"row {int(r['_row'])}: {show(float(r['_v']))}" if "_row" in top else show(float(r["_v"]))
        for _, r in top.iterrows()
    )


def statistic_overflow(tree: IndicatorTree, stations: pd.DataFrame) -> list[Issue]:
    r"""Errors where a statistic indicator cannot be computed in floating point although every
    cell is a finite number: a district's :math:`\sum` of a numerator or denominator (or of a
    column aggregated by ``sum`` or ``mean``) beyond about 1.8e308 (two cells of 1e308 already),
    or a value :math:`m \cdot \sum num / \sum den` (a station's :math:`m \cdot num / den`)
    that is.

    A sum is named by its column and district, at the district's first stations row; a station's
    value at the station's cell. Overflowing numbers would otherwise be read as infinite: the
    district's indicator would score 0 or 100, and the entropy weights would be NaN.
    """
    issues: list[Issue] = []
    if stations.empty or "district" not in stations:
        return issues
    ratios = [
        leaf
        for leaf in tree.leaves()
        if leaf.source is not None and leaf.source.kind == "statistic" and leaf.source.is_ratio
    ]
    summed = [
        leaf
        for leaf in tree.leaves()
        if leaf.source is not None
        and leaf.source.kind == "statistic"
        and not leaf.source.is_ratio
        and leaf.source.aggregate in ("sum", "mean")
    ]
    columns = list(
        dict.fromkeys(
            [c for leaf in ratios for c in leaf.source.columns]  # type: ignore[union-attr]
            + [leaf.source.column for leaf in summed]  # type: ignore[union-attr]
        )
    )
    columns = [c for c in columns if c in stations]
    if not columns:
        return issues
    by = stations["district"].astype(str)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        values = stations[columns].astype(float)
        sums = values.groupby(by, sort=True).sum(min_count=1)
        over = np.isinf(sums.to_numpy())
        for d, c in zip(*np.nonzero(over), strict=True):
            district, column = str(sums.index[d]), columns[c]
            rows = stations[(by == district).to_numpy()]
            issues.append(
                Issue(
                    _where(rows, column),
                    f"the sum of `{column}` over the stations of {district} is beyond the largest "
                    "number evalkit can compute with (about 1.8e308)",
                    message_zh=f"{district}各派出所的 `{column}` 之和超出 evalkit 能计算的最大数"
                    "（约 1.8e308）",
                    expected="station figures whose sum is a finite number",
                    expected_zh="合计为有限数值的派出所数据",
                    found=f"{len(rows)} station(s), the largest {_largest(rows, column)}",
                    found_zh=f"{len(rows)} 个派出所，最大的为 {_largest(rows, column)}",
                    fix="Check the station figures of this column: one of them is not a real "
                    "count (a value pasted into the wrong column, or a placeholder such as 1e308).",
                    fix_zh="检查该列的派出所数据：其中有不是真实统计数的值（粘贴错列，或 1e308 "
                    "之类的占位值）。",
                    check="statistic",
                    district=district,
                )
            )
        bad_sums = {
            (str(sums.index[d]), columns[c]) for d, c in zip(*np.nonzero(over), strict=True)
        }
        for leaf in ratios:
            src = leaf.source
            assert src is not None
            if src.numerator not in sums or src.denominator not in sums:
                continue
            # districts: m * sum(num) / sum(den), where neither sum overflowed
            den_sum = sums[src.denominator]
            value = src.multiplier * (sums[src.numerator] / den_sum.where(den_sum > 0))
            for district in value.index[np.isinf(value.to_numpy())]:
                if {(district, src.numerator), (district, src.denominator)} & bad_sums:
                    continue
                rows = stations[(by == district).to_numpy()]
                issues.append(
                    Issue(
                        _where(rows, src.numerator),
                        f"the value of “{leaf.label('en')}” ({leaf.id}) for {district}, "
                        f"{src.multiplier:g} × Σ{src.numerator} / Σ{src.denominator}, is beyond the "
                        "largest number evalkit can compute with (about 1.8e308)",
                        message_zh=f"{district}的“{leaf.label('zh')}”指标值（{src.multiplier:g} × "
                        f"Σ{src.numerator} / Σ{src.denominator}）超出 evalkit 能计算的最大数"
                        "（约 1.8e308）",
                        found=f"Σ{src.numerator} = {show(float(sums.at[district, src.numerator]))}, "
                        f"Σ{src.denominator} = {show(float(sums.at[district, src.denominator]))}",
                        fix=f"Check the figures of `{src.numerator}` and `{src.denominator}` of "
                        "this district's stations.",
                        fix_zh=f"检查该区县各派出所 `{src.numerator}` 与 `{src.denominator}` 的数据。",
                        check="statistic",
                        district=district,
                    )
                )
            # stations: m * num / den
            num, den = values[src.numerator], values[src.denominator]
            station_value = src.multiplier * (num / den.where(den > 0))
            for k in np.flatnonzero(np.isinf(station_value.to_numpy())):
                row = stations.iloc[[k]]
                issues.append(
                    Issue(
                        _where(row, src.numerator),
                        f"the value of “{leaf.label('en')}” ({leaf.id}) for station "
                        f"{row['station'].iloc[0] if 'station' in row else ''}, "
                        f"{src.multiplier:g} × {src.numerator} / {src.denominator}, is beyond the "
                        "largest number evalkit can compute with (about 1.8e308)",
                        message_zh=f"派出所{row['station'].iloc[0] if 'station' in row else ''}的"
                        f"“{leaf.label('zh')}”指标值（{src.multiplier:g} × {src.numerator} / "
                        f"{src.denominator}）超出 evalkit 能计算的最大数（约 1.8e308）",
                        found=f"{src.numerator} = {show(float(num.iloc[k]))}, "
                        f"{src.denominator} = {show(float(den.iloc[k]))}",
                        fix=f"Check this station's `{src.numerator}` and `{src.denominator}`.",
                        fix_zh=f"检查该派出所的 `{src.numerator}` 与 `{src.denominator}`。",
                        check="statistic",
                        district=str(row["district"].iloc[0]),
                    )
                )
    return issues


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
