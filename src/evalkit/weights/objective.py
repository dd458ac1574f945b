r"""Objective weights other than entropy: CRITIC, standard deviation, coefficient of variation.

All take x: (m units, n indicators) raw values, m >= 2, no NaN (an array, or a DataFrame, whose
column names then index the returned Series), and directions (+1/-1 or "benefit"/"cost" per
indicator; None treats every indicator as a benefit indicator). Constant indicators get weight 0
with a :class:`~evalkit.weights.entropy.ConstantIndicatorWarning` naming them; no varying
indicator is a MethodError. Each column is first divided by its largest magnitude, which min-max
scaling and the coefficient of variation cancel, so no intermediate overflows and the weights do
not change when a column is scaled by a positive constant.

- CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995, Computers & Operations Research 22(7), 763-770),
  on direction-aware min-max scaled z:

  .. math:: C_j = \sigma_j \sum_k (1 - r_{jk}),\quad w_j = C_j / \sum_k C_k

  with :math:`\sigma_j` the standard deviation of :math:`z_{\cdot j}` and r the Pearson
  correlation between indicators; constant indicators are left out of the correlation sums.
- Standard deviation (e.g. Diakoulaki et al. 1995 §2; Wang & Luo 2010): on min-max scaled z,
  :math:`w_j = \sigma_j / \sum_k \sigma_k`. Reflecting a cost column does not change
  :math:`\sigma_j`, so directions do not matter here.
- Coefficient of variation (变异系数法): on raw values, :math:`v_j = \sigma_j / |\bar x_j|`,
  :math:`w_j = v_j / \sum_k v_k`. It needs ratio-scale data (a meaningful zero), so every column
  must be positive; it is direction-free (CV of 1/x is not CV of x, so no reflection is attempted).

Standard deviations are population ones (ddof = 0); weights do not depend on that choice.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import MethodError
from .entropy import (
    _as_table,
    _warn_constant,
    column_names,
    labelled,
    minmax_directional,
    parse_directions,
    scale_columns,
)


def _normalise(
    v: np.ndarray,
    what: str,
    names: list[Any] | None,
    why: str = "no indicator varies across the units",
) -> np.ndarray:
    v = np.where(np.isfinite(v) & (v > 0), v, 0.0)
    total = v.sum()
    if not total > 0:
        raise MethodError(f"{what}: {why}")
    _warn_constant(v, what, names)
    return v / total


def _complete(x: np.ndarray) -> np.ndarray:
    if np.isnan(x).any():
        raise MethodError("objective weights need complete data (no missing values)")
    return x


def std_weights(x: Any, directions: Any = None) -> np.ndarray | pd.Series:
    r"""Standard-deviation weights of min-max scaled columns (sum to 1).

    .. math:: z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}},\quad
              w_j = \frac{\sigma_j}{\sum_k \sigma_k},\quad
              \sigma_j = \sqrt{\tfrac{1}{m}\sum_i (z_{ij} - \bar z_j)^2}

    Source: Diakoulaki, Mavrotas & Papayannakis (1995), Computers & Operations Research 22(7),
    763-770, section 2 (the standard-deviation method CRITIC extends). Reflecting a cost column does
    not change :math:`\sigma_j`, so ``directions`` are only checked (None: all benefit).
    """
    names = column_names(x)
    a = _complete(_as_table(x))
    parse_directions(directions, a.shape[1], names)
    z = minmax_directional(a)
    return labelled(_normalise(z.std(axis=0), "standard-deviation weights", names), names, "std")


def critic_weights(x: Any, directions: Any = None) -> np.ndarray | pd.Series:
    r"""CRITIC weights (contrast intensity x conflict) of the columns of x (sum to 1).

    .. math:: z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}
              \ (1 - z_{ij} \text{ for a cost indicator}),\quad
              C_j = \sigma_j \sum_{k=1}^{n} (1 - r_{jk}),\quad w_j = \frac{C_j}{\sum_k C_k}

    with :math:`\sigma_j` the (population) standard deviation of :math:`z_{\cdot j}` and
    :math:`r_{jk}` the Pearson correlation of indicators j and k; constant indicators are left out
    of the correlation sums. Source: Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995),
    Determining objective weights in multiple criteria problems: the CRITIC method, *Computers &
    Operations Research* 22(7), 763-770. directions: None treats every indicator as a benefit.
    MethodError when every indicator moves in perfect step with the others (all 1 - r = 0).
    """
    names = column_names(x)
    a = _complete(_as_table(x))
    z = minmax_directional(a, parse_directions(directions, a.shape[1], names))
    sd = z.std(axis=0)
    varies = sd > 0
    c = np.zeros(a.shape[1])
    if varies.sum() == 1:
        c[varies] = sd[varies]
    elif varies.any():
        r = np.corrcoef(z[:, varies], rowvar=False)
        c[varies] = sd[varies] * (1.0 - r).sum(axis=1)
    w = _normalise(
        c,
        "CRITIC weights",
        names,
        "no indicator carries information (none varies, or all vary in perfect step with each "
        "other, so every conflict term 1 - r is 0)",
    )
    return labelled(w, names, "critic")


def cv_weights(x: Any, directions: Any = None) -> np.ndarray | pd.Series:
    r"""Coefficient-of-variation weights on raw, positive, ratio-scale values (sum to 1).

    .. math:: v_j = \frac{\sigma_j}{\bar x_j},\quad w_j = \frac{v_j}{\sum_k v_k}

    (变异系数法; e.g. Diakoulaki et al. 1995 on variability as information.) It needs ratio-scale
    data with a meaningful zero, so every value must be positive; it is direction-free (the CV of
    1/x is not the CV of x, so no reflection is attempted and ``directions`` are only checked).
    """
    names = column_names(x)
    a = _complete(_as_table(x))
    parse_directions(directions, a.shape[1], names)
    if np.any(a <= 0):
        j = int(np.flatnonzero((a <= 0).any(axis=0))[0])
        which = f"indicator {names[j]!r}" if names is not None else f"column {j} (from 0)"
        raise MethodError(
            f"coefficient-of-variation weights need positive ratio-scale values; {which} has "
            "a value <= 0 (use entropy, CRITIC or standard-deviation weights instead)"
        )
    a = scale_columns(a)  # the CV does not change; the sums below cannot overflow
    v = a.std(axis=0) / a.mean(axis=0)
    return labelled(_normalise(v, "coefficient-of-variation weights", names), names, "cv")
