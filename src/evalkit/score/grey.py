r"""Grey relational analysis (灰色关联分析): how closely each unit follows the ideal sequence.

Deng Julong (1982), "Control problems of grey systems", *Systems & Control Letters* 1(5),
288-294; 邓聚龙,《灰色系统理论教程》, 华中理工大学出版社 (1990): the relational coefficient with
the distinguishing coefficient ρ = 0.5 and Δmin, Δmax taken over the whole matrix (the two-level
minimum and maximum, 两级最小差 / 两级最大差), the reference sequence being the ideal unit.
"""

from __future__ import annotations

import numpy as np

from .matrix import decision_matrix


def grey_relational(
    x: np.ndarray, weights: np.ndarray, directions: np.ndarray, rho: float = 0.5
) -> np.ndarray:
    r"""Grey relational grade of each unit (row of *x*) with the ideal, in (0, 1].

    .. math::

        z_{ij} = \frac{x_{ij} - \min_u x_{uj}}{\max_u x_{uj} - \min_u x_{uj}}
        \ \text{(benefit)}, \qquad
        z_{ij} = \frac{\max_u x_{uj} - x_{ij}}{\max_u x_{uj} - \min_u x_{uj}}\ \text{(cost)}

        \Delta_{ij} = |z_{0j} - z_{ij}| = 1 - z_{ij} \quad (z_{0j} = 1,\ \text{the ideal})

        \xi_{ij} = \frac{\Delta_{\min} + \rho \Delta_{\max}}{\Delta_{ij} + \rho \Delta_{\max}},
        \quad \Delta_{\min} = \min_{u,j} \Delta_{uj},\ \Delta_{\max} = \max_{u,j} \Delta_{uj}

        \gamma_i = \sum_j w_j \xi_{ij} \Big/ \sum_j w_j

    (Deng Julong 1982; 1990.) x: (m units, n indicators) raw values; weights: (n,) non-negative
    (normalised to sum 1 here, so the grade is a weighted mean of coefficients); directions: (n,)
    +1 benefit, -1 cost; rho in (0, 1], the distinguishing coefficient (0.5 by convention: a
    smaller ρ spreads the coefficients further apart).

    Min-max normalisation makes the grade invariant to a positive scaling or a shift of any
    column. Edge cases:

    - a constant column (every unit equal) is at the ideal for every unit (z = 1, Δ = 0), so it
      adds the same to every grade and cannot change the order;
    - when nothing varies (Δmax = 0) every unit coincides with the ideal: ξ = 1, grade 1;
    - two units: each column's better unit has z = 1 and the other z = 0;
    - a missing value (NaN) is left out of its column's range, of Δmin and Δmax, and of that unit's
      grade, whose weights are renormalised over what it has; a unit with nothing known gets NaN.
    """
    if not 0 < rho <= 1:
        raise ValueError("rho, the distinguishing coefficient, must be in (0, 1]")
    a, w, d = decision_matrix(x, weights, directions)
    known = ~np.isnan(a)
    lo = np.min(np.where(known, a, np.inf), axis=0)
    hi = np.max(np.where(known, a, -np.inf), axis=0)
    span = hi - lo
    varies = span > 0
    z = np.divide(a - lo, span, out=np.ones_like(a), where=varies)
    z = np.where(varies & (d < 0), 1.0 - z, z)
    delta = np.where(known, 1.0 - z, np.nan)
    if not known.any():
        return np.full(len(a), np.nan)
    dmin = np.nanmin(delta)
    dmax = np.nanmax(delta)
    if dmax > 0:
        xi = (dmin + rho * dmax) / (delta + rho * dmax)
    else:
        xi = np.where(known, 1.0, np.nan)
    wk = np.where(known, w, 0.0)
    num = np.where(known, xi, 0.0) @ w
    den = wk.sum(axis=1)
    return np.divide(num, den, out=np.full(len(a), np.nan), where=den > 0)


__all__ = ["grey_relational"]
