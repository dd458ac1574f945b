"""The decision matrix the relative methods (TOPSIS, grey relational analysis) take, checked once."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def decision_matrix(
    x: ArrayLike, weights: ArrayLike, directions: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """*x* (units x indicators, NaN for a missing value), *weights* and *directions* as float
    arrays, with ValueError when their shapes disagree, a weight is negative or not finite, or
    *x* holds an infinity."""
    a = np.asarray(x, dtype=float)
    if a.ndim != 2:
        raise ValueError("x must be a matrix: units x indicators")
    w = np.asarray(weights, dtype=float)
    d = np.asarray(directions, dtype=float)
    if w.shape != (a.shape[1],) or d.shape != (a.shape[1],):
        raise ValueError("weights and directions need one entry per column of x")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and non-negative")
    if np.any(np.isinf(a)):
        raise ValueError("x must hold finite numbers (NaN marks a missing value)")
    return a, w, d


__all__ = ["decision_matrix"]
