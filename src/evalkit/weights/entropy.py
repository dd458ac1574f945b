r"""Objective weights from Shannon entropy (the entropy weight method).

For m units and n indicators, after direction-aware min-max scaling to [0, 1]
(:math:`z_{ij} = (x_{ij} - \min_i x_{ij}) / (\max_i x_{ij} - \min_i x_{ij})` for a benefit
indicator, :math:`1 - z_{ij}` for a cost indicator):

.. math:: p_{ij} = z_{ij} / \sum_i z_{ij},\quad
          e_j = -\frac{1}{\ln m} \sum_i p_{ij} \ln p_{ij}\ (0 \ln 0 := 0),\quad
          d_j = 1 - e_j,\quad w_j = d_j / \sum_k d_k

(Shannon 1948; the weighting as in Zeleny 1982, *Multiple Criteria Decision Making*, and the Chinese
MCDA literature). Min-max comes first, so negative raw data is fine and scaling a column by a
positive constant does not change the weights. Each column is first divided by its largest
magnitude :math:`M_j = \max_i |x_{ij}|`, which min-max scaling cancels, so that no intermediate
overflows (a column spanning -1e308 to 1e308) and a column of subnormal numbers (5e-324) gives the
weights of the same column at any scale. A constant indicator carries no information: d_j = 0,
weight 0, and a :class:`ConstantIndicatorWarning`.

The kernel uses :math:`\sum_i p \ln p = \frac{1}{S}\sum_i z \ln z - \ln S` (S = column sum of z) and
walks the table in row blocks that stay in cache, so a 100,000 x 60 table costs two passes over
memory and one logarithm per cell.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MethodError

_BLOCK_ROWS = 4096
_TINY = np.finfo(float).tiny


class ConstantIndicatorWarning(UserWarning):
    """An indicator does not vary across the units; its objective weight is 0."""


def parse_directions(
    directions: Any, n: int, names: Sequence[Any] | None = None
) -> np.ndarray | None:
    """+1 / -1 per indicator from numbers or the words "benefit" / "cost" (None: all benefit).

    A mapping is read by column name when ``names`` are given (every column must be named), else in
    its order.
    """
    if directions is None:
        return None
    if isinstance(directions, (str, bytes)):
        directions = [directions] * n
    if isinstance(directions, dict) and names is not None:
        unknown = [k for k in directions if k not in set(names)]
        missing = [c for c in names if c not in directions]
        if unknown or missing:
            raise MethodError(
                "directions must name every column once"
                + (f"; not columns: {', '.join(map(str, unknown))}" if unknown else "")
                + (f"; no direction for: {', '.join(map(str, missing))}" if missing else ""),
                zh="方向须为每一列各给一次"
                + (f"；不是列名：{'、'.join(map(str, unknown))}" if unknown else "")
                + (f"；缺少方向：{'、'.join(map(str, missing))}" if missing else ""),
            )
        vals = [directions[c] for c in names]
    elif hasattr(directions, "reindex") and names is not None:  # a Series indexed by column
        vals = list(directions.reindex(names))
    else:
        vals = list(directions.values()) if isinstance(directions, dict) else list(directions)
    if len(vals) != n:
        raise MethodError(
            f"{len(vals)} directions for {n} indicators",
            zh=f"给出 {len(vals)} 个方向，指标有 {n} 个",
        )
    out = np.empty(n)
    for j, d in enumerate(vals):
        label = _label(names, j)
        if isinstance(d, str):
            key = d.strip().lower()
            if key in ("benefit", "max", "+", "+1", "positive"):
                out[j] = 1
            elif key in ("cost", "min", "-", "-1", "negative"):
                out[j] = -1
            else:
                raise MethodError(
                    f"direction of {label}: expected +1/-1 or 'benefit'/'cost', found {d!r}",
                    zh=f"{_label(names, j, 'zh')} 的方向应为 +1/-1 或 'benefit'/'cost'，实为 {d!r}",
                )
        else:
            try:
                v = float(d)
            except (TypeError, ValueError):
                v = math.nan
            if v not in (1.0, -1.0):
                raise MethodError(
                    f"direction of {label}: expected +1/-1 or 'benefit'/'cost', found {d!r}",
                    zh=f"{_label(names, j, 'zh')} 的方向应为 +1/-1 或 'benefit'/'cost'，实为 {d!r}",
                )
            out[j] = v
    return out


def _label(names: Sequence[Any] | None, j: int, lang: str = "en") -> str:
    if lang == "zh":
        return f"指标 {names[j]!r}" if names is not None else f"第 {j} 列（从 0 起）"
    return f"indicator {names[j]!r}" if names is not None else f"column {j} (from 0)"


def column_names(x: Any) -> list[Any] | None:
    """The column labels of a DataFrame (None for arrays and lists)."""
    return list(x.columns) if isinstance(x, pd.DataFrame) else None


def labelled(w: np.ndarray, names: Sequence[Any] | None, name: str) -> np.ndarray | pd.Series:
    """Weights as a Series indexed by the column names when the input was a DataFrame."""
    return pd.Series(w, index=list(names), name=name) if names is not None else w


def scale_columns(x: np.ndarray) -> np.ndarray:
    """Each column divided by its largest magnitude (all-zero and all-NaN columns unchanged).

    Min-max scaling and the coefficient of variation cancel this factor; dividing first keeps every
    later difference and sum finite (no overflow) and exact for subnormal data.
    """
    with np.errstate(invalid="ignore"):
        mag = np.nanmax(np.abs(x), axis=0) if x.size else np.ones(x.shape[1])
    mag = np.where(np.isfinite(mag) & (mag > 0), mag, 1.0)
    return x / mag


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
    r"""Scale each column to [0, 1]; cost columns (direction -1) are reflected. Constant -> 0.

    .. math:: z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}
              \ \text{(benefit)},\qquad 1 - z_{ij}\ \text{(cost)}

    (min-max normalisation; OECD/JRC (2008), *Handbook on Constructing Composite Indicators*,
    section 5.) directions: None treats every column as a benefit indicator.
    """
    x = scale_columns(np.asarray(x, dtype=float))
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
    r"""Degree of divergence :math:`d_j = 1 - e_j` of each column (0 for a constant column).

    .. math:: z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}
              \ (1 - z_{ij} \text{ for a cost column}),\quad
              p_{ij} = \frac{z_{ij}}{\sum_i z_{ij}},\quad
              e_j = -\frac{1}{\ln m}\sum_i p_{ij}\ln p_{ij}\ (0 \ln 0 := 0)

    (Shannon 1948; Zeleny 1982.) x: (m, n) raw values, m >= 2, no NaN (impute or drop units
    first). directions: +1/-1 or "benefit"/"cost" per column; None means every column is a benefit
    indicator (higher is better).
    """
    names = column_names(x)
    x = _as_table(x)
    m, n = x.shape
    d = parse_directions(directions, n, names)
    lo, hi = _column_range(x)
    if np.isnan(lo).any() or np.isnan(hi).any():
        raise MethodError(
            "entropy weights need complete data (no missing values)",
            zh="熵权法需要完整数据（不能有缺失值）",
        )
    # divide each column by its largest magnitude first: min-max cancels the factor, and no
    # difference below can overflow (a column spanning -1e308..1e308) or lose a subnormal column
    mag = np.maximum(np.abs(lo), np.abs(hi))
    mag = np.where(np.isfinite(mag) & (mag > 0), mag, 1.0)
    lo, hi = lo / mag, hi / mag
    span = hi - lo
    varies = span > 0
    # divide (not multiply by 1/span, which overflows for a tiny span); constant -> z = 0
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
        np.divide(b, mag, out=zb)
        np.subtract(zb, base, out=zb)
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


def _warn_constant(d: np.ndarray, what: str, names: Sequence[Any] | None = None) -> None:
    const = np.flatnonzero(d == 0)
    if const.size:
        shown = (
            ", ".join(str(names[j]) for j in const)
            if names is not None
            else "column(s) " + ", ".join(map(str, const)) + " (counting from 0)"
        )
        warnings.warn(
            f"{what}: {shown} do(es) not vary across the units and get(s) weight 0",
            ConstantIndicatorWarning,
            stacklevel=3,
        )


def entropy_weights(x: Any, directions: Sequence[Any] | Any = None) -> np.ndarray | pd.Series:
    r"""Objective weights from Shannon entropy (the entropy weight method).

    .. math:: z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}
              \ (1 - z_{ij} \text{ for a cost indicator}),\quad
              p_{ij} = \frac{z_{ij}}{\sum_i z_{ij}},

    .. math:: e_j = -\frac{1}{\ln m}\sum_{i=1}^{m} p_{ij}\ln p_{ij}\ (0 \ln 0 := 0),\quad
              d_j = 1 - e_j,\quad w_j = \frac{d_j}{\sum_k d_k}

    Sources: Shannon, C. E. (1948), A mathematical theory of communication, *Bell System
    Technical Journal* 27, 379-423 (the entropy); Zeleny, M. (1982), *Multiple Criteria Decision
    Making*, McGraw-Hill, and Hwang & Yoon (1981), *Multiple Attribute Decision Making*, Springer
    (entropy as the weight of a criterion's contrast).

    x: (m units, n indicators) raw values, m >= 2, no NaN: a 2-D array, or a DataFrame, in which
    case the weights come back as a Series indexed by its column names. directions: +1/-1 or
    "benefit"/"cost" per indicator (a list, or a mapping by column name); **None treats every
    indicator as a benefit indicator** (higher is better): pass the directions when any is a cost.
    Constant indicators get weight 0 with a :class:`ConstantIndicatorWarning` naming them;
    MethodError when no indicator varies or there are fewer than 2 units. Invariant to positive
    scaling of a column.
    """
    names = column_names(x)
    d = entropy_divergence(x, directions)
    total = d.sum()
    if not total > 0:
        raise MethodError("entropy weights: no indicator varies across the units")
    _warn_constant(d, "entropy weights", names)
    return labelled(d / total, names, "entropy")
