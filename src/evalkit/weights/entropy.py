r"""Objective weights from Shannon entropy (the entropy weight method).

For m units and n indicators, after direction-aware min-max scaling to [0, 1]:

.. math:: p_{ij} = x_{ij} / \sum_i x_{ij},\quad
          e_j = -\frac{1}{\ln m} \sum_i p_{ij} \ln p_{ij}\ (0 \ln 0 := 0),\quad
          d_j = 1 - e_j,\quad w_j = d_j / \sum_k d_k

(Shannon 1948; the weighting as in Zeleny 1982 and the Chinese MCDA literature). Min-max comes first,
so negative raw data is fine and scaling a column by a positive constant does not change the weights.
A constant indicator carries no information: d_j = 0, weight 0 (the caller records a warning).
"""

from __future__ import annotations

import numpy as np

from ..errors import MethodError


def minmax_directional(x: np.ndarray, directions: np.ndarray | None = None) -> np.ndarray:
    """Scale each column to [0, 1]; cost columns (direction -1) are reflected. Constant -> 0."""
    x = np.asarray(x, dtype=float)
    lo = np.nanmin(x, axis=0)
    hi = np.nanmax(x, axis=0)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    z = (x - lo) / safe
    if directions is not None:
        d = np.asarray(directions)
        z = np.where(d < 0, 1.0 - z, z)
    return np.where(span > 0, z, 0.0)


def entropy_divergence(x: np.ndarray, directions: np.ndarray | None = None) -> np.ndarray:
    """Degree of divergence d_j = 1 - e_j of each column (0 for a constant column).

    x: (m, n) raw values, m >= 2, no NaN (impute or drop units first).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise MethodError(f"entropy weights need a units x indicators table, got shape {x.shape}")
    m = x.shape[0]
    if m < 2:
        raise MethodError(
            "entropy weights need at least 2 units; a single district or station cannot produce "
            "them (use AHP weights: weights.method = ahp)"
        )
    if np.isnan(x).any():
        raise MethodError("entropy weights need complete data (no missing values)")
    z = minmax_directional(x, directions)
    col = z.sum(axis=0)
    p = np.divide(z, col, out=np.zeros_like(z), where=col > 0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(m)
    d = np.where(col > 0, 1.0 - e, 0.0)
    return np.clip(d, 0.0, None)


def entropy_weights(x: np.ndarray, directions: np.ndarray | None = None) -> np.ndarray:
    """Entropy weights of the columns of x (sum to 1). Raises MethodError when nothing varies."""
    d = entropy_divergence(x, directions)
    total = d.sum()
    if not total > 0:
        raise MethodError("entropy weights: no indicator varies across the units")
    return d / total
