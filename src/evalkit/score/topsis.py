r"""TOPSIS: closeness of each unit to the ideal solution (逼近理想解排序法).

Hwang, C.-L. & Yoon, K. (1981), *Multiple Attribute Decision Making: Methods and Applications*,
Springer, ch. 3. With entropy weights it is the "entropy-TOPSIS" (熵权-TOPSIS) of many Chinese
evaluation studies; SPSSAU offers both.

evalkit uses the classic form: vector normalisation, the ideal and anti-ideal as the best and
worst weighted value of each column by its direction, Euclidean distances. On that form evalkit
agrees to the last digits with pyDecision (``topsis_method``) and scikit-criteria
(``VectorScaler`` then ``TOPSIS``) (tests/score/test_topsis.py keeps the comparison as fixed
numbers). pymcdm and pyrepo-mcda default to min-max normalisation, which gives other closeness
values (often another order): ``normalisation="minmax"`` reproduces that variant.
"""

from __future__ import annotations

import numpy as np

from .matrix import decision_matrix

NORMALISATIONS = ("vector", "minmax")


def _normalise(x: np.ndarray, directions: np.ndarray, how: str) -> np.ndarray:
    """Columns normalised; NaN stays NaN. Min-max turns cost columns round (best = 1)."""
    known = ~np.isnan(x)
    if how == "vector":
        norm = np.sqrt(np.where(known, x * x, 0.0).sum(axis=0))
        return np.divide(x, norm, out=np.zeros_like(x), where=norm > 0) + np.where(
            known, 0.0, np.nan
        )
    lo = np.nanmin(np.where(known, x, np.inf), axis=0)
    hi = np.nanmax(np.where(known, x, -np.inf), axis=0)
    span = hi - lo
    z = np.divide(x - lo, span, out=np.zeros_like(x), where=span > 0)
    z = np.where(directions > 0, z, np.where(span > 0, 1.0 - z, 0.0))
    return z + np.where(known, 0.0, np.nan)


def topsis(
    x: np.ndarray,
    weights: np.ndarray,
    directions: np.ndarray,
    normalisation: str = "vector",
) -> np.ndarray:
    r"""Relative closeness of each unit (row of *x*) to the ideal solution, in [0, 1].

    .. math::

        r_{ij} = \frac{x_{ij}}{\sqrt{\sum_u x_{uj}^2}} \quad\text{(vector; or min-max:}\
        r_{ij} = \frac{x_{ij} - \min_u x_{uj}}{\max_u x_{uj} - \min_u x_{uj}},
        \ 1 - r_{ij}\ \text{for a cost column)}

        v_{ij} = w_j r_{ij}, \quad
        v_j^+ = \max_u v_{uj}\ (\text{benefit}),\ \min_u v_{uj}\ (\text{cost}), \quad
        v_j^- = \text{the other end}

        D_i^\pm = \sqrt{\sum_j (v_{ij} - v_j^\pm)^2}, \qquad C_i = \frac{D_i^-}{D_i^+ + D_i^-}

    (Hwang & Yoon 1981.) x: (m units, n indicators) raw values; weights: (n,) non-negative
    (their scale cancels in C); directions: (n,) +1 benefit, -1 cost. ``normalisation="vector"``
    is the classic form evalkit reports; ``"minmax"`` is the default of pymcdm and pyrepo-mcda.

    Edge cases, all without a division by zero:

    - a constant column (every unit equal) has ideal = anti-ideal, adds nothing to either
      distance and so cannot change the order; a column of zeros has no vector norm and is taken
      as constant (normalised to 0);
    - negative values are allowed: dividing a column by its (positive) norm keeps its order, and
      min-max is defined for any real numbers. Vector normalisation is not invariant to shifting a
      column (its norm depends on where 0 lies), so a column on an interval scale (a change that
      can be negative) weighs by accident there: min-max is the form for such data;
    - two units: in each column one is ideal and the other anti-ideal, so
      :math:`C_1 + C_2 = 1` (a unit better in every column gets 1, the other 0);
    - a unit at both the ideal and the anti-ideal (every column constant, or one unit alone) has
      :math:`D^+ = D^- = 0` and gets :math:`C = 0.5`, neither close nor far;
    - a missing value (NaN) is left out: of its column's norm or range and ideal, and of that
      unit's distances (both of them, so the ratio stays comparable); a unit with nothing known
      gets NaN.
    """
    if normalisation not in NORMALISATIONS:
        raise ValueError(
            f"unknown normalisation {normalisation!r}; known: {', '.join(NORMALISATIONS)}"
        )
    a, w, d = decision_matrix(x, weights, directions)
    known = ~np.isnan(a)
    if normalisation == "minmax":
        d_eff = np.ones_like(d)  # min-max already made every column a benefit
    else:
        d_eff = d
    v = _normalise(a, d, normalisation) * w
    vmax = np.max(np.where(known, v, -np.inf), axis=0)
    vmin = np.min(np.where(known, v, np.inf), axis=0)
    ideal = np.where(d_eff > 0, vmax, vmin)
    anti = np.where(d_eff > 0, vmin, vmax)
    d_plus = np.sqrt(np.where(known, (v - ideal) ** 2, 0.0).sum(axis=1))
    d_minus = np.sqrt(np.where(known, (v - anti) ** 2, 0.0).sum(axis=1))
    total = d_plus + d_minus
    c = np.divide(d_minus, total, out=np.full(len(a), 0.5), where=total > 0)
    return np.where(known.any(axis=1), c, np.nan)


__all__ = ["NORMALISATIONS", "topsis"]
