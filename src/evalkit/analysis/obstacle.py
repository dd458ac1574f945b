r"""The obstacle-degree model (障碍度模型): what holds a unit back, as shares of its shortfall.

Each indicator's factor contribution (因子贡献度, its global weight) times its deviation from the
best (指标偏离度, 1 − x), as a share of the unit's whole weighted deviation. The model is a standard
diagnostic of Chinese composite-evaluation studies (障碍因子诊断: urbanisation, resilience,
ecological security and many more), applied after the weighted evaluation it explains; it has no
single agreed original reference, so the formula below is the definition evalkit uses. Its
numerator is the "points lost" of evalkit's weak points, ``global weight x (100 - score)``,
divided by 100.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ObstacleDegrees:
    """Obstacle degrees of every unit.

    degrees: (units, indicators); each row sums to 1 over its known indicators, except for a unit
    with no obstacle, whose row is 0 (NaN where the score is missing). deviation: 1 − x.
    unobstructed: (units,) True where the unit is at 1 on every known indicator (or every weight of
    a shortfall is 0): nothing holds it back, and its degrees are 0 rather than 0 / 0.
    """

    degrees: np.ndarray
    deviation: np.ndarray
    unobstructed: np.ndarray

    def grouped(self, groups: np.ndarray, n_groups: int | None = None) -> np.ndarray:
        r"""Degrees of groups of indicators (dimensions): :math:`O_D = \sum_{j \in D} O_j`.

        groups: (indicators,) the 0-based group of each indicator. Returns (units, groups); rows
        still sum to 1 (0 for an unobstructed unit); a group with no known indicator is NaN.
        """
        g = np.asarray(groups, dtype=int)
        k = int(g.max()) + 1 if n_groups is None else n_groups
        onehot = (g[:, None] == np.arange(k)[None, :]).astype(float)
        known = ~np.isnan(self.degrees)
        total = np.where(known, self.degrees, 0.0) @ onehot
        has = known.astype(float) @ onehot
        return np.where(has > 0, total, np.nan)


def obstacle_degree(x: np.ndarray, weights: np.ndarray) -> ObstacleDegrees:
    r"""Obstacle degree of every indicator for every unit.

    .. math::

        O_{ij} = \frac{w_j (1 - x_{ij})}{\sum_k w_k (1 - x_{ik})}

    with :math:`x_{ij} \in [0, 1]` the standardised score (1 = best, direction applied) and
    :math:`w_j` the indicator's global weight (factor contribution); :math:`1 - x_{ij}` is the
    indicator deviation. Dimension (criterion-layer) degrees are the sums of their indicators'
    (:meth:`ObstacleDegrees.grouped`). Source: the obstacle-degree model (障碍度模型) of Chinese
    composite-evaluation studies, factor contribution x indicator deviation, normalised per unit.

    x: (m units, n indicators), NaN for a missing score (left out: the unit's degrees are shares
    of what is known); weights: (n,) non-negative. A unit at 1 on every indicator has no
    obstacle: its denominator is 0, and it is flagged ``unobstructed`` with degrees 0, never
    divided by zero.
    """
    a = np.asarray(x, dtype=float)
    w = np.asarray(weights, dtype=float)
    if a.ndim != 2 or w.shape != (a.shape[1],):
        raise ValueError("x must be units x indicators and weights one per indicator")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and non-negative")
    known = ~np.isnan(a)
    if np.any(known & ((a < -1e-12) | (a > 1 + 1e-12))):
        raise ValueError("x must be standardised scores in [0, 1]")
    dev = np.where(known, 1.0 - np.clip(a, 0.0, 1.0), np.nan)
    loss = np.where(known, w * np.where(known, dev, 0.0), 0.0)
    total = loss.sum(axis=1, keepdims=True)
    none = (total[:, 0] <= 0) & known.any(axis=1)
    deg = np.divide(loss, total, out=np.zeros_like(loss), where=total > 0)
    deg = np.where(known, deg, np.nan)
    return ObstacleDegrees(deg, dev, none)


@dataclass(frozen=True)
class ObstacleTable:
    """Obstacle degrees of one kind of unit, labelled.

    indicators: units x indicator ids; dimensions: units x dimension ids (sums of their
    indicators); each row sums to 1 (NaN for an indicator without data). unobstructed: units at
    the best on every indicator (no obstacle: their rows are 0).
    """

    indicators: pd.DataFrame
    dimensions: pd.DataFrame
    unobstructed: pd.Series

    def ranked(self, unit: object, level: str = "indicator") -> pd.Series:
        """One unit's degrees, the largest obstacle first (level ``indicator`` or ``dimension``)."""
        frame = self.indicators if level == "indicator" else self.dimensions
        return frame.loc[unit].dropna().sort_values(ascending=False, kind="stable")


def obstacle_table(
    leaf_scores: pd.DataFrame, weights: pd.Series, dimension_of: dict[str, str]
) -> ObstacleTable:
    """Obstacle degrees of 0-100 indicator scores (x = score / 100) with global *weights*,
    grouped into dimensions by *dimension_of* (indicator id -> dimension id, dimensions in the
    order they first appear)."""
    ids = list(leaf_scores.columns)
    o = obstacle_degree(
        leaf_scores.to_numpy(dtype=float) / 100.0, weights.reindex(ids).to_numpy(dtype=float)
    )
    dims = list(dict.fromkeys(dimension_of[i] for i in ids))
    groups = np.array([dims.index(dimension_of[i]) for i in ids])
    index = leaf_scores.index
    return ObstacleTable(
        indicators=pd.DataFrame(o.degrees, index=index, columns=ids),
        dimensions=pd.DataFrame(o.grouped(groups, len(dims)), index=index, columns=dims),
        unobstructed=pd.Series(o.unobstructed, index=index, name="unobstructed"),
    )


__all__ = ["ObstacleDegrees", "ObstacleTable", "obstacle_degree", "obstacle_table"]
