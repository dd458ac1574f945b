r"""Imbalance between the stations of a district ("发展不平衡"): the spread of their scores.

For the :math:`n` stations :math:`x_1, \dots, x_n` of a district with a score (total or one
dimension), mean :math:`\mu`:

- coefficient of variation :math:`CV = \sigma / \mu` with the population standard deviation
  :math:`\sigma = \sqrt{\tfrac{1}{n}\sum_i (x_i - \mu)^2}` (the stations are all of the district,
  not a sample of it);
- Gini coefficient, half the relative mean absolute difference (Gini 1912; as in Cowell,
  *Measuring Inequality*, 3rd ed. 2011, and the population form of R's ``ineq::Gini``):

  .. math:: G = \frac{\sum_{i=1}^{n}\sum_{j=1}^{n} |x_i - x_j|}{2 n^2 \mu}
             = \frac{2 \sum_{i=1}^{n} i\, x_{(i)}}{n \sum_i x_i} - \frac{n + 1}{n}

  with :math:`x_{(i)}` sorted ascending; 0 when every station scores alike, at most
  :math:`1 - 1/n` (one station holds every point);
- range :math:`\max_i x_i - \min_i x_i`, with the lowest and the highest station.

A district with fewer than two stations with a score has no spread (NaN); a mean of 0 gives NaN
CV and Gini. Everything is computed at once for all districts and scores on a padded array
(districts x stations x scores), NaN where a district has fewer stations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = [
    "district",
    "node",
    "n",
    "mean",
    "sd",
    "cv",
    "gini",
    "range",
    "lowest",
    "lowest_score",
    "highest",
    "highest_score",
]


def gini(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Gini coefficient along *axis* (NaN cells left out; see the module doc for the formula);
    NaN for fewer than two values or a mean of 0."""
    x = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    n = (~np.isnan(x)).sum(axis=-1)
    s = np.sort(x, axis=-1)  # NaN sort last, so the ranks 1..n fall on the values
    rank = np.arange(1, x.shape[-1] + 1, dtype=float)
    total = np.nansum(s, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = 2.0 * np.nansum(rank * s, axis=-1) / (n * total) - (n + 1.0) / n
    return np.where((n >= 2) & (total != 0), g, np.nan)


def coefficient_of_variation(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Population standard deviation over mean along *axis* (NaN left out); NaN for fewer than
    two values or a mean of 0."""
    x = np.asarray(x, dtype=float)
    n = (~np.isnan(x)).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(x, axis=axis) / n
        dev = x - np.expand_dims(mean, axis)
        sd = np.sqrt(np.nansum(dev * dev, axis=axis) / n)
        cv = sd / mean
    return np.where((n >= 2) & (mean != 0), cv, np.nan)


def _padded(groups: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of *values* (units x scores) placed by group: (groups x slots x scores) NaN-padded,
    the unit index in each slot (-1 empty), and the groups in order of first appearance."""
    order, codes = np.unique(groups, return_inverse=True)
    codes = codes.ravel()
    counts = np.bincount(codes, minlength=len(order))
    first = np.argsort(codes, kind="stable")
    slot = np.empty(len(codes), dtype=int)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot[first] = np.arange(len(codes)) - np.repeat(starts, counts)
    width = int(counts.max()) if len(counts) else 0
    out = np.full((len(order), width, values.shape[1]), np.nan)
    out[codes, slot] = values
    unit = np.full((len(order), width), -1)
    unit[codes, slot] = np.arange(len(codes))
    return out, unit, order


def station_spread(
    districts: np.ndarray, stations: np.ndarray, scores: pd.DataFrame
) -> pd.DataFrame:
    """The spread of each score (columns of *scores*, one row per station) among the stations of
    each district: one row per district and score (:data:`COLUMNS`), districts sorted, scores in
    column order."""
    if not len(scores):
        return pd.DataFrame(columns=COLUMNS)
    x, unit, order = _padded(np.asarray(districts, dtype=object), scores.to_numpy(dtype=float))
    n = (~np.isnan(x)).sum(axis=1)  # districts x scores
    has = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(x, axis=1) / n
        sd = np.sqrt(np.nansum((x - mean[:, None, :]) ** 2, axis=1) / n)
    low_at = np.argmin(np.where(np.isnan(x), np.inf, x), axis=1)
    high_at = np.argmax(np.where(np.isnan(x), -np.inf, x), axis=1)
    d_idx = np.arange(len(order))[:, None]
    low, high = x[d_idx, low_at, np.arange(x.shape[2])], x[d_idx, high_at, np.arange(x.shape[2])]
    names = np.append(np.asarray(stations, dtype=object), "")
    spread = n >= 2
    frame = pd.DataFrame(
        {
            "district": np.repeat(order, x.shape[2]),
            "node": np.tile(np.asarray(scores.columns, dtype=object), len(order)),
            "n": n.ravel(),
            "mean": np.where(has, mean, np.nan).ravel(),
            "sd": np.where(spread, sd, np.nan).ravel(),
            "cv": coefficient_of_variation(x, axis=1).ravel(),
            "gini": gini(x, axis=1).ravel(),
            "range": np.where(spread, high - low, np.nan).ravel(),
            "lowest": names[np.where(has, unit[d_idx, low_at], -1)].ravel(),
            "lowest_score": np.where(has, low, np.nan).ravel(),
            "highest": names[np.where(has, unit[d_idx, high_at], -1)].ravel(),
            "highest_score": np.where(has, high, np.nan).ravel(),
        },
        columns=COLUMNS,
    )
    return frame
