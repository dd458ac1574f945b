r"""Analytic Hierarchy Process: priorities, consistency and group aggregation.

Orientation: ``a[i, j]`` is how much more important item *i* is than item *j* on Saaty's 1-9 scale,
so ``a[j, i] = 1 / a[i, j]`` and ``a[i, i] = 1``.

Priorities are the principal right eigenvector of A (Saaty 1977, 1980):

.. math:: A w = \lambda_{max} w,\quad \sum_i w_i = 1,\quad
          CI = \max\!\left(0, \frac{\lambda_{max} - n}{n - 1}\right),\quad CR = CI / RI(n)

with RI from a named table (Saaty's by default). For n <= 2 every reciprocal matrix is consistent and
CR = 0. Group judgments are combined by the element-wise weighted geometric mean (AIJ; Aczél & Saaty
1983, Forman & Peniwati 1998), which keeps the result reciprocal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import MethodError

#: Random consistency indices, n = 1, 2, 3, ...
RI_TABLES: dict[str, tuple[float, ...]] = {
    # Saaty, T. L. (1980/1990) The Analytic Hierarchy Process; table reproduced in Saaty (1990)
    # "How to make a decision", EJOR 48, 9-26. Every published Saaty example's CR reproduces with it.
    "saaty": (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59),
    # The table common in Chinese textbooks and tutorials (1000-matrix simulation, e.g. Xu Shubai
    # 1988 "实用决策方法——层次分析法原理").
    "chinese_common": (
        0,
        0,
        0.52,
        0.89,
        1.12,
        1.26,
        1.36,
        1.41,
        1.46,
        1.49,
        1.52,
        1.54,
        1.56,
        1.58,
        1.59,
    ),
}

RI_TABLE_LABELS: dict[str, str] = {
    "saaty": "Saaty (1980) RI",
    "chinese_common": "RI table common in Chinese textbooks (0.52, 0.89, 1.12, ...)",
}


def random_index(n: int, table: str = "saaty") -> float:
    """RI(n) from a named table; a clear error when the table does not reach n."""
    if table not in RI_TABLES:
        raise MethodError(f"unknown RI table {table!r}; known tables: {', '.join(RI_TABLES)}")
    values = RI_TABLES[table]
    if n < 1 or n > len(values):
        covering = [name for name, vals in RI_TABLES.items() if len(vals) >= n]
        raise MethodError(
            f"the RI table {table!r} covers n = 1..{len(values)}, not n = {n}"
            + (f"; tables that do: {', '.join(covering)}" if covering else "")
        )
    return float(values[n - 1])


@dataclass(frozen=True)
class AhpResult:
    """Priorities of one pairwise matrix (or a stack: leading axis = matrices)."""

    weights: np.ndarray  # (n,) or (k, n), each summing to 1
    lambda_max: np.ndarray | float
    ci: np.ndarray | float
    cr: np.ndarray | float
    ri_table: str
    method: str = "eigenvector"


def principal_eigen(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal eigenvalue and normalised eigenvector of each matrix in a stack.

    a: (..., n, n) positive matrices. Returns (lambda_max (...), w (..., n)) with w summing to 1.
    Vectorised over the stack (one LAPACK call for all matrices).
    """
    a = np.asarray(a, dtype=float)
    vals, vecs = np.linalg.eig(a)
    idx = np.argmax(vals.real, axis=-1)
    lam = np.take_along_axis(vals.real, idx[..., None], axis=-1)[..., 0]
    vec = np.take_along_axis(vecs.real, idx[..., None, None], axis=-1)[..., 0]
    vec = np.abs(vec)
    w = vec / vec.sum(axis=-1, keepdims=True)
    return lam, w


def ahp_priorities(matrix: np.ndarray, *, ri_table: str = "saaty") -> AhpResult:
    """Eigenvector priorities, lambda_max, CI and CR of a reciprocal matrix or a stack of them.

    matrix: (n, n) or (k, n, n), a[i, j] = importance of i over j.
    """
    a = np.asarray(matrix, dtype=float)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise MethodError(f"a pairwise matrix must be square, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise MethodError("pairwise judgments must be finite and positive")
    n = a.shape[-1]
    ri = random_index(n, ri_table) if n > 2 else 0.0
    lam, w = principal_eigen(a)
    if n <= 2:
        ci = np.zeros_like(lam)
        cr = np.zeros_like(lam)
    else:
        ci = np.maximum(0.0, (lam - n) / (n - 1))
        cr = ci / ri
    if a.ndim == 2:
        return AhpResult(w, float(lam), float(ci), float(cr), ri_table)
    return AhpResult(w, lam, ci, cr, ri_table)


def aggregate_aij(
    matrices: np.ndarray, expert_weights: Sequence[float] | None = None
) -> np.ndarray:
    r"""Aggregate individual judgments (AIJ): element-wise weighted geometric mean.

    .. math:: a^{G}_{ij} = \prod_k a^{(k)}_{ij}^{\,\omega_k},\quad \sum_k \omega_k = 1

    matrices: (k, n, n). Returns (n, n), reciprocal when every input is.
    """
    m = np.asarray(matrices, dtype=float)
    if m.ndim != 3 or m.shape[0] == 0:
        raise MethodError("AIJ needs a stack of at least one matrix, shape (k, n, n)")
    k = m.shape[0]
    omega = np.full(k, 1.0 / k) if expert_weights is None else np.asarray(expert_weights, float)
    omega = omega / omega.sum()
    return np.exp(np.tensordot(omega, np.log(m), axes=(0, 0)))


def complete_reciprocal(upper: np.ndarray) -> np.ndarray:
    """Fill the diagonal with 1 and the lower triangle with reciprocals of the upper triangle."""
    a = np.array(upper, dtype=float, copy=True)
    n = a.shape[-1]
    iu = np.triu_indices(n, 1)
    a[..., iu[1], iu[0]] = 1.0 / a[..., iu[0], iu[1]]
    a[..., np.arange(n), np.arange(n)] = 1.0
    return a
