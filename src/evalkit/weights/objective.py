r"""Objective weights other than entropy: CRITIC, standard deviation, coefficient of variation.

All take x: (m units, n indicators) raw values, m >= 2, no NaN, and directions (+1/-1 or
"benefit"/"cost"; None = all benefit). Constant indicators get weight 0 with a
:class:`~evalkit.weights.entropy.ConstantIndicatorWarning`; no varying indicator is a MethodError.

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

from ..errors import MethodError
from .entropy import _as_table, _warn_constant, minmax_directional, parse_directions


def _normalise(
    v: np.ndarray, what: str, why: str = "no indicator varies across the units"
) -> np.ndarray:
    v = np.where(np.isfinite(v) & (v > 0), v, 0.0)
    total = v.sum()
    if not total > 0:
        raise MethodError(f"{what}: {why}")
    _warn_constant(v, what)
    return v / total


def _complete(x: np.ndarray) -> np.ndarray:
    if np.isnan(x).any():
        raise MethodError("objective weights need complete data (no missing values)")
    return x


def std_weights(x: Any, directions: Any = None) -> np.ndarray:
    """Standard-deviation weights of min-max scaled columns (sum to 1)."""
    a = _complete(_as_table(x))
    parse_directions(directions, a.shape[1])
    z = minmax_directional(a, directions)
    return _normalise(z.std(axis=0), "standard-deviation weights")


def critic_weights(x: Any, directions: Any = None) -> np.ndarray:
    """CRITIC weights (contrast intensity x conflict) of the columns of x (sum to 1)."""
    a = _complete(_as_table(x))
    z = minmax_directional(a, parse_directions(directions, a.shape[1]))
    sd = z.std(axis=0)
    varies = sd > 0
    c = np.zeros(a.shape[1])
    if varies.sum() == 1:
        c[varies] = sd[varies]
    elif varies.any():
        r = np.corrcoef(z[:, varies], rowvar=False)
        c[varies] = sd[varies] * (1.0 - r).sum(axis=1)
    return _normalise(
        c,
        "CRITIC weights",
        "no indicator carries information (none varies, or all vary in perfect step with each "
        "other, so every conflict term 1 - r is 0)",
    )


def cv_weights(x: Any, directions: Any = None) -> np.ndarray:
    """Coefficient-of-variation weights on raw, positive, ratio-scale values (sum to 1)."""
    a = _complete(_as_table(x))
    parse_directions(directions, a.shape[1])
    if np.any(a <= 0):
        j = int(np.flatnonzero((a <= 0).any(axis=0))[0])
        raise MethodError(
            f"coefficient-of-variation weights need positive ratio-scale values; indicator {j} has "
            "a value <= 0 (use entropy, CRITIC or standard-deviation weights instead)"
        )
    return _normalise(a.std(axis=0) / a.mean(axis=0), "coefficient-of-variation weights")
