r"""Station figures whose sums leave the floating-point range.

Every cell may be a finite number and a district's indicator still not computable: two cells of
1e308 sum to infinity (the largest double is about 1.8e308), and a ratio of finite sums may
overflow too. Read as infinite, such a value would score the district 0 or 100 and make the
entropy weights NaN; :func:`statistic_overflow` makes each a located error instead, which blocks
the district it concerns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Issue, Location, show
from ..tree import IndicatorTree, Node

_LIMIT = "the largest number evalkit can compute with (about 1.8e308)"
_LIMIT_ZH = "evalkit 能计算的最大数（约 1.8e308）"


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


def _summed_columns(tree: IndicatorTree) -> tuple[list[Node], list[str]]:
    """The ratio indicators, and every column a district sums (numerators, denominators, and
    the columns aggregated by ``sum`` or ``mean``)."""
    ratios, columns = [], []
    for leaf in tree.leaves():
        src = leaf.source
        if src is None or src.kind != "statistic":
            continue
        if src.is_ratio:
            ratios.append(leaf)
            columns += [src.numerator, src.denominator]
        elif src.aggregate in ("sum", "mean"):
            columns.append(src.column)
    return ratios, list(dict.fromkeys(columns))


def _sum_issue(rows: pd.DataFrame, column: str, district: str) -> Issue:
    return Issue(
        _where(rows, column),
        f"the sum of `{column}` over the stations of {district} is beyond {_LIMIT}",
        message_zh=f"{district}各派出所的 `{column}` 之和超出{_LIMIT_ZH}",
        expected="station figures whose sum is a finite number",
        expected_zh="合计为有限数值的派出所数据",
        found=f"{len(rows)} station(s), the largest {_largest(rows, column)}",
        found_zh=f"{len(rows)} 个派出所，最大的为 {_largest(rows, column)}",
        fix="Check the station figures of this column: one of them is not a real count (a value "
        "pasted into the wrong column, or a placeholder such as 1e308).",
        fix_zh="检查该列的派出所数据：其中有不是真实统计数的值（粘贴错列，或 1e308 之类的占位值）。",
        check="statistic",
        district=district,
    )


def _district_ratio_issue(
    leaf: Node, rows: pd.DataFrame, district: str, num: float, den: float
) -> Issue:
    src = leaf.source
    assert src is not None
    return Issue(
        _where(rows, src.numerator),
        f"the value of “{leaf.label('en')}” ({leaf.id}) for {district}, {src.multiplier:g} × "
        f"Σ{src.numerator} / Σ{src.denominator}, is beyond {_LIMIT}",
        message_zh=f"{district}的“{leaf.label('zh')}”指标值（{src.multiplier:g} × "
        f"Σ{src.numerator} / Σ{src.denominator}）超出{_LIMIT_ZH}",
        found=f"Σ{src.numerator} = {show(num)}, Σ{src.denominator} = {show(den)}",
        fix=f"Check the figures of `{src.numerator}` and `{src.denominator}` of this district's "
        "stations.",
        fix_zh=f"检查该区县各派出所 `{src.numerator}` 与 `{src.denominator}` 的数据。",
        check="statistic",
        district=district,
    )


def _station_ratio_issue(leaf: Node, row: pd.DataFrame, num: float, den: float) -> Issue:
    src = leaf.source
    assert src is not None
    station = row["station"].iloc[0] if "station" in row else ""
    return Issue(
        _where(row, src.numerator),
        f"the value of “{leaf.label('en')}” ({leaf.id}) for station {station}, "
        f"{src.multiplier:g} × {src.numerator} / {src.denominator}, is beyond {_LIMIT}",
        message_zh=f"派出所{station}的“{leaf.label('zh')}”指标值（{src.multiplier:g} × "
        f"{src.numerator} / {src.denominator}）超出{_LIMIT_ZH}",
        found=f"{src.numerator} = {show(num)}, {src.denominator} = {show(den)}",
        fix=f"Check this station's `{src.numerator}` and `{src.denominator}`.",
        fix_zh=f"检查该派出所的 `{src.numerator}` 与 `{src.denominator}`。",
        check="statistic",
        district=str(row["district"].iloc[0]),
    )


def statistic_overflow(tree: IndicatorTree, stations: pd.DataFrame) -> list[Issue]:
    r"""Errors where a statistic indicator cannot be computed in floating point although every
    cell is a finite number: a district's :math:`\sum` of a numerator or denominator (or of a
    column aggregated by ``sum`` or ``mean``) beyond about 1.8e308 (two cells of 1e308 already),
    or a value :math:`m \cdot (\sum num / \sum den)`, or a station's :math:`m \cdot (num / den)`,
    that is.

    A sum is named by its column and district, at the district's first stations row; a station's
    value at the station's cell. Vectorised over stations and districts; only the overflowing
    ones are visited.
    """
    if stations.empty or "district" not in stations:
        return []
    ratios, columns = _summed_columns(tree)
    columns = [c for c in columns if c in stations]
    if not columns:
        return []
    issues: list[Issue] = []
    by = stations["district"].astype(str)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        values = stations[columns].astype(float)
        sums = values.groupby(by, sort=True).sum(min_count=1)
        over = np.isinf(sums.to_numpy())
        bad_sums = set()
        for d, c in zip(*np.nonzero(over), strict=True):
            district, column = str(sums.index[d]), columns[c]
            bad_sums.add((district, column))
            issues.append(_sum_issue(stations[(by == district).to_numpy()], column, district))
        for leaf in ratios:
            src = leaf.source
            assert src is not None
            if src.numerator not in sums or src.denominator not in sums:
                continue
            num_sum, den_sum = sums[src.numerator], sums[src.denominator]
            value = src.multiplier * (num_sum / den_sum.where(den_sum > 0))
            for district in value.index[np.isinf(value.to_numpy())]:
                if {(district, src.numerator), (district, src.denominator)} & bad_sums:
                    continue
                rows = stations[(by == district).to_numpy()]
                num, den = float(num_sum[district]), float(den_sum[district])
                issues.append(_district_ratio_issue(leaf, rows, district, num, den))
            num_s, den_s = values[src.numerator], values[src.denominator]
            station_value = src.multiplier * (num_s / den_s.where(den_s > 0))
            for k in np.flatnonzero(np.isinf(station_value.to_numpy())):
                row = stations.iloc[[k]]
                num, den = float(num_s.iloc[k]), float(den_s.iloc[k])
                issues.append(_station_ratio_issue(leaf, row, num, den))
    return issues


__all__ = ["statistic_overflow"]
