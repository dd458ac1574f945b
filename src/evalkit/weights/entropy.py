r"""Objective weights from Shannon entropy (the entropy weight method).

For m units and n indicators, after direction-aware min-max scaling to [0, 1]
(:math:`z_{ij} = (x_{ij} - \min_i x_{ij}) / (\max_i x_{ij} - \min_i x_{ij})` for a benefit
indicator, :math:`1 - z_{ij}` for a cost indicator):

.. math:: p_{ij} = z_{ij} / \sum_i z_{ij},\quad
          e_j = -\frac{1}{\ln m} \sum_i p_{ij} \ln p_{ij}\ (0 \ln 0 := 0),\quad
          d_j = 1 - e_j,\quad w_j = d_j / \sum_k d_k

(Shannon 1948; the weighting as in Zeleny 1982, *Multiple Criteria Decision Making*, and the Chinese
MCDA literature). Min-max comes first, so negative raw data is fine and scaling a column by a
positive constant does not change the weights. A constant indicator carries no information:
d_j = 0, weight 0, and a :class:`ConstantIndicatorWarning`.

The kernel uses :math:`\sum_i p \ln p = \frac{1}{S}\sum_i z \ln z - \ln S` (S = column sum of z) and
walks the table in row blocks that stay in cache, so a 100,000 x 60 table costs two passes over
memory and one logarithm per cell.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import MethodError

_BLOCK_ROWS = 4096
_TINY = np.finfo(float).tiny


class ConstantIndicatorWarning(UserWarning):
    """An indicator does not vary across the units; its objective weight is 0."""


def parse_directions(directions: Any, n: int) -> np.ndarray | None:
    """+1 / -1 per indicator from numbers or the words "benefit" / "cost" (None: all benefit)."""
    if directions is None:
        return None
    if isinstance(directions, (str, bytes)):
        directions = [directions] * n
    vals = list(directions.values()) if isinstance(directions, dict) else list(directions)
    if len(vals) != n:
        raise MethodError(f"{len(vals)} directions for {n} indicators")
    out = np.empty(n)
    for j, d in enumerate(vals):
        if isinstance(d, str):
            key = d.strip().lower()
            if key in ("benefit", "max", "+", "+1", "positive"):
                out[j] = 1
            elif key in ("cost", "min", "-", "-1", "negative"):
                out[j] = -1
            else:
                raise MethodError(
                    f"direction of indicator {j}: expected +1/-1 or 'benefit'/'cost', found {d!r}"
                )
        else:
            v = float(d)
            if v not in (1.0, -1.0):
                raise MethodError(
                    f"direction of indicator {j}: expected +1/-1 or 'benefit'/'cost', found {d!r}"
                )
            out[j] = v
    return out


def _as_table(x: Any) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 2:
        raise MethodError(f"objective weights need a units x indicators table, got shape {a.shape}")
    if a.shape[0] < 2:
        raise MethodError(
            "objective weights need at least 2 units; a single district or station cannot produce "
            "them (use AHP weights: weights.method = ahp)",
            zh="客观赋权至少需要 2 个评价单元，单个区县或派出所无法计算（可改用层次分析法："
            "`weights.method = ahp`）",
        )
    return a


def _column_range(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column min and max in one pass over memory (row blocks; NaN propagates)."""
    m = x.shape[0]
    lo = np.full(x.shape[1], np.inf)
    hi = np.full(x.shape[1], -np.inf)
    for s in range(0, m, _BLOCK_ROWS):
        b = x[s : s + _BLOCK_ROWS]
        np.minimum(lo, b.min(axis=0), out=lo)
        np.maximum(hi, b.max(axis=0), out=hi)
    return lo, hi


def minmax_directional(x: np.ndarray, directions: Any = None) -> np.ndarray:
    """Scale each column to [0, 1]; cost columns (direction -1) are reflected. Constant -> 0."""
    x = np.asarray(x, dtype=float)
    lo = np.nanmin(x, axis=0)
    hi = np.nanmax(x, axis=0)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    z = (x - lo) / safe
    d = parse_directions(directions, x.shape[1])
    if d is not None:
        z = np.where(d < 0, 1.0 - z, z)
    return np.where(span > 0, z, 0.0)


def entropy_divergence(x: Any, directions: Any = None) -> np.ndarray:
    """Degree of divergence d_j = 1 - e_j of each column (0 for a constant column).

    x: (m, n) raw values, m >= 2, no NaN (impute or drop units first). directions: +1/-1 or
    "benefit"/"cost" per column (None: all benefit).
    """
    x = _as_table(x)
    m, n = x.shape
    d = parse_directions(directions, n)
    lo, hi = _column_range(x)
    if np.isnan(lo).any() or np.isnan(hi).any():
        raise MethodError(
            "entropy weights need complete data (no missing values)",
            zh="熵权法需要完整数据（不能有缺失值）",
        )
    span = hi - lo
    varies = span > 0
    # divide (not multiply by 1/span, which overflows for a subnormal span); constant -> z = 0
    divisor = np.where(varies, span, np.inf)
    base = lo.copy()
    if d is not None:
        cost = d < 0
        base[cost] = hi[cost]
        divisor[cost] = -divisor[cost]
    s_z = np.zeros(n)
    s_zlogz = np.zeros(n)
    rows = min(_BLOCK_ROWS, m)
    z = np.empty((rows, n))
    lz = np.empty((rows, n))
    for s in range(0, m, _BLOCK_ROWS):
        b = x[s : s + _BLOCK_ROWS]
        k = b.shape[0]
        zb, lb = z[:k], lz[:k]
        np.subtract(b, base, out=zb)
        np.divide(zb, divisor, out=zb)
        s_z += zb.sum(axis=0)
        np.maximum(zb, _TINY, out=lb)
        np.log(lb, out=lb)
        np.multiply(lb, zb, out=lb)  # z ln z, exactly 0 where z = 0
        s_zlogz += lb.sum(axis=0)
    ok = varies & (s_z > 0)
    safe = np.where(ok, s_z, 1.0)
    plogp = s_zlogz / safe - np.log(safe)
    e = -plogp / np.log(m)
    return np.where(ok, np.clip(1.0 - e, 0.0, None), 0.0)


def _warn_constant(d: np.ndarray, what: str) -> None:
    const = np.flatnonzero(d == 0)
    if const.size:
        warnings.warn(
            f"{what}: indicator(s) {', '.join(map(str, const))} do not vary across the units and "
            "get weight 0",
            ConstantIndicatorWarning,
            stacklevel=3,
        )


def entropy_weights(x: Any, directions: Sequence[Any] | Any = None) -> np.ndarray:
    """Entropy weights of the columns of x (sum to 1).

    Constant columns get weight 0 with a :class:`ConstantIndicatorWarning`; MethodError when no
    column varies or there are fewer than 2 units.
    """
    d = entropy_divergence(x, directions)
    total = d.sum()
    if not total > 0:
        raise MethodError("entropy weights: no indicator varies across the units")
    _warn_constant(d, "entropy weights")
    return d / total
