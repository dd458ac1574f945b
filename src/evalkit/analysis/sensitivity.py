r"""Variance-based sensitivity indices from a Saltelli sample design.

With two independent N x k samples A and B of the k factors (or groups of factors) and, for each
factor i, the matrix :math:`A_B^{(i)}` (A with its i-th factor taken from B), the model outputs
:math:`f(A), f(B), f(A_B^{(i)})` give, per output:

.. math::

    V = \mathrm{Var}[f(A) \cup f(B)],\quad
    S_i = \frac{\frac1N \sum_j f(B)_j \left(f(A_B^{(i)})_j - f(A)_j\right)}{V},\quad
    S_{Ti} = \frac{\frac1{2N} \sum_j \left(f(A)_j - f(A_B^{(i)})_j\right)^2}{V}

the first-order estimator of Saltelli et al. (2010, "Variance based sensitivity analysis of model
output. Design and estimator for the total sensitivity index", Computer Physics Communications
181, 259-270, Table 2 (b)) and the total-effect estimator of Jansen (1999, "Analysis of variance
designs for model output", Computer Physics Communications 117, 35-43), as recommended there, applied to outputs centred on their sample mean (which leaves the
expectations unchanged and keeps the error from growing with the mean).
:math:`N(k + 2)` model runs in all. Estimates carry Monte Carlo error of order :math:`1/\sqrt N`:
a first-order index may come out slightly below 0 or above the total index; they are reported as
estimated, with :func:`bootstrap_ci` for their uncertainty. Outputs are vectorised: every array
may have trailing axes (e.g. units), and indices are computed for each.

Factors that are groups (all goalposts, all respondents) are handled the same way: the whole group
is taken from B (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, §4.6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SobolIndices:
    """First-order (S1) and total (ST) indices: arrays of shape (k, *outputs); variance (*outputs)."""

    first_order: np.ndarray
    total: np.ndarray
    variance: np.ndarray


def saltelli_matrices(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The k matrices :math:`A_B^{(i)}`: shape (k, N, k) from A and B of shape (N, k)."""
    a, b = np.asarray(a), np.asarray(b)
    n, k = a.shape
    ab = np.broadcast_to(a, (k, n, k)).copy()
    idx = np.arange(k)
    ab[idx, :, idx] = b.T
    return ab


def sobol_indices(
    f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray | Sequence[np.ndarray]
) -> SobolIndices:
    """S1 (Saltelli 2010) and ST (Jansen 1999) from f(A), f(B) of shape (N, *out) and f(A_B^(i))
    of shape (k, N, *out) (or a list of k such arrays). An output that does not vary gets NaN
    indices (0/0). The sums go through :class:`SobolStream`, one design matrix at a time."""
    stream = SobolStream(f_a, f_b, len(f_ab))
    for i in range(len(f_ab)):  # one factor at a time keeps memory at one design matrix
        stream.add(i, f_ab[i])
    return stream.indices()


class SobolStream:
    r"""The sums the estimators need, accumulated block by block of :math:`f(A_B^{(i)})`.

    Built from f(A) and f(B) (N, *out), which give the centre :math:`c` (their mean) and
    :math:`V`; :meth:`add` takes rows ``start:start + m`` of one factor's outputs and adds
    :math:`\sum_j (f(B)_j - c)\, d_j` and :math:`\sum_j d_j^2`, :math:`d_j = f(A_B^{(i)})_j -
    f(A)_j`, so no factor's outputs need be kept once added.
    """

    def __init__(self, f_a: np.ndarray, f_b: np.ndarray, k: int) -> None:
        f_a = np.asarray(f_a, dtype=float)
        f_b = np.asarray(f_b, dtype=float)
        both = np.concatenate([f_a, f_b], axis=0)
        # centred on the sample mean: the estimators do not change in expectation, and their
        # Monte Carlo error no longer grows with the output's mean (a score near 80, spread 2)
        self.centre = both.mean(axis=0)
        self.variance = np.var(both, axis=0)
        del both
        self.f_a = f_a - self.centre  # centred, float64
        self.f_b = f_b - self.centre
        self.n = len(self.f_a)
        self.num1 = np.zeros((k, *self.variance.shape))
        self.numt = np.zeros((k, *self.variance.shape))
        self.rows = np.zeros(k, dtype=np.int64)

    def add(self, i: int, f_ab: np.ndarray, start: int = 0) -> None:
        """Rows ``start:start + len(f_ab)`` of factor *i*'s outputs f(A_B^(i))."""
        rows = slice(start, start + len(f_ab))
        d = np.asarray(f_ab, dtype=float) - self.centre
        d -= self.f_a[rows]
        flat = d.reshape(len(d), -1)
        self.num1[i] += np.einsum("ij,ij->j", self.f_b[rows].reshape(len(d), -1), flat).reshape(
            self.variance.shape
        )
        self.numt[i] += np.einsum("ij,ij->j", flat, flat).reshape(self.variance.shape)
        self.rows[i] += len(f_ab)

    def indices(self) -> SobolIndices:
        """S1 and ST from the sums (every factor's N rows added)."""
        if (self.rows != self.n).any():
            raise ValueError(f"each factor needs {self.n} rows; added: {self.rows.tolist()}")
        v = self.variance
        num1 = self.num1 / self.n
        numt = 0.5 * self.numt / self.n
        with np.errstate(invalid="ignore", divide="ignore"):
            s1 = np.where(v > 0, num1 / np.where(v > 0, v, 1.0), np.nan)
            st = np.where(v > 0, numt / np.where(v > 0, v, 1.0), np.nan)
        return SobolIndices(s1, st, v)


def pooled_indices(
    ix: SobolIndices, axis: int | tuple[int, ...] = -1
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of several outputs pooled into one figure per factor: the share of the summed
    variance, :math:`\\sum_u S_{i,u} V_u / \\sum_u V_u` (outputs that do not vary weigh nothing)."""
    v = np.nan_to_num(ix.variance)
    total_v = np.sum(v, axis=axis)
    s1 = np.sum(np.nan_to_num(ix.first_order) * v, axis=axis)
    st = np.sum(np.nan_to_num(ix.total) * v, axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (
            np.where(total_v > 0, s1 / np.where(total_v > 0, total_v, 1.0), np.nan),
            np.where(total_v > 0, st / np.where(total_v > 0, total_v, 1.0), np.nan),
        )


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    r"""The Ishigami function :math:`\sin x_1 + a \sin^2 x_2 + b x_3^4 \sin x_1` on
    :math:`[-\pi, \pi]^3` (Ishigami & Homma 1990), the usual test of sensitivity estimators."""
    x = np.asarray(x, dtype=float)
    return np.sin(x[..., 0]) + a * np.sin(x[..., 1]) ** 2 + b * x[..., 2] ** 4 * np.sin(x[..., 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The analytic (S1, ST) of the Ishigami function (Sobol' & Levitan 1999)."""
    pi = np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v
