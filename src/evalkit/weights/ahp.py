r"""Analytic Hierarchy Process: priorities, consistency and group aggregation.

Orientation: ``a[i, j]`` is how much more important item *i* is than item *j* on Saaty's 1-9 scale,
so ``a[j, i] = 1 / a[i, j]`` and ``a[i, i] = 1``.

Priorities (``method``):

- ``eigenvector`` (default; Saaty 1977, 1980): the principal right eigenvector,
  :math:`A w = \lambda_{max} w`, :math:`\sum_i w_i = 1`; :math:`\lambda_{max}` is the Perron root.
- ``geometric_mean`` (row geometric mean; Crawford & Williams 1985, = logarithmic least squares):
  :math:`w_i \propto (\prod_j a_{ij})^{1/n}`.
- ``column_mean`` (normalised columns, row average; Saaty 1980 "approximate method"):
  :math:`w_i = \frac{1}{n} \sum_j a_{ij} / \sum_k a_{kj}`.

For the two approximate methods :math:`\lambda_{max}` is *estimated* as
:math:`\frac{1}{n}\sum_i (A w)_i / w_i` and every result says so (``AhpResult.lambda_max_method``).

.. math:: CI = \max\!\left(0, \frac{\lambda_{max} - n}{n - 1}\right),\quad CR = CI / RI(n)

with RI from a named table (Saaty's by default). For n <= 2 every reciprocal matrix is consistent and
CR = 0. Missing judgments (NaN) are completed first (:mod:`evalkit.weights.incomplete`). Group
judgments are combined by the element-wise weighted geometric mean (AIJ; Aczél & Saaty 1983, Forman &
Peniwati 1998), which keeps the result reciprocal, or by the weighted geometric mean of the
individual priority vectors (AIP; Forman & Peniwati 1998).

The eigenvector kernel is a batched power iteration over a stack (k, n, n) of positive matrices;
for a positive matrix it converges to the Perron vector (Perron-Frobenius), and it runs until the
largest change of any weight is below 1e-14, falling back to LAPACK for any matrix that does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import MethodError
from ..ritables import RI_TABLE_LABELS, RI_TABLES

# Saaty's scale lives in evalkit.saaty (the judgment readers need it too); named here as before
from ..saaty import SAATY_SCALE as SAATY_SCALE
from ..saaty import fmt_judgment
from ..saaty import saaty_round as saaty_round

Method = Literal["eigenvector", "geometric_mean", "column_mean"]
METHODS: tuple[str, ...] = ("eigenvector", "geometric_mean", "column_mean")
METHOD_LABELS: dict[str, str] = {
    "eigenvector": "principal eigenvector",
    "geometric_mean": "row geometric mean",
    "column_mean": "normalised columns, row average",
}
LAMBDA_EXACT = "principal eigenvalue"
LAMBDA_ESTIMATED = "estimated as mean((A w)_i / w_i)"


def random_index(n: int, table: str = "saaty") -> float:
    """RI(n) from a named table; a clear error naming the tables that cover n when this one does not.

    RI(n) is the mean CI of random reciprocal n x n matrices on Saaty's scale (Saaty 1980; the other
    tables and their sources are listed in :data:`RI_TABLES`).
    """
    if table not in RI_TABLES:
        raise MethodError(f"unknown RI table {table!r}; known tables: {', '.join(RI_TABLES)}")
    values = RI_TABLES[table]
    if n < 1 or n > len(values):
        covering = [name for name, vals in RI_TABLES.items() if len(vals) >= n >= 1]
        raise MethodError(
            f"the RI table {table!r} covers n = 1..{len(values)}, not n = {n}"
            + (f"; tables that do: {', '.join(covering)}" if covering else "; no table does")
        )
    return float(values[n - 1])


@dataclass(frozen=True)
class AhpResult:
    """Priorities of one pairwise matrix (or a stack: leading axis = matrices).

    ``completed`` holds the matrix actually used when the input had missing judgments (NaN), and
    ``completion`` names how they were filled; both are None for complete input.
    """

    weights: np.ndarray  # (n,) or (k, n), each summing to 1
    lambda_max: np.ndarray | float
    ci: np.ndarray | float
    cr: np.ndarray | float
    ri_table: str
    method: str = "eigenvector"
    lambda_max_method: str = LAMBDA_EXACT
    labels: tuple[str, ...] | None = None
    completed: np.ndarray | None = None
    completion: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n(self) -> int:
        return int(np.shape(self.weights)[-1])

    def series(self) -> pd.Series:
        """Weights as a Series labelled by item (1-D results only)."""
        if np.ndim(self.weights) != 1:
            raise MethodError("series() needs the result of a single matrix, not a stack")
        index = list(self.labels) if self.labels else list(range(self.n))
        return pd.Series(self.weights, index=index, name="weight")

    def describe(self) -> str:
        """One line that says exactly what was computed."""
        text = (
            f"AHP priorities by {METHOD_LABELS.get(self.method, self.method)}; λmax "
            f"{self.lambda_max_method}; CR = CI / RI with {RI_TABLE_LABELS.get(self.ri_table, self.ri_table)}"
        )
        if self.completion:
            text += f"; missing judgments completed by {self.completion}"
        return text


# --------------------------------------------------------------------------------------------
# input checks


def _labels_of(matrix: Any, labels: Sequence[str] | None) -> tuple[str, ...] | None:
    if labels is not None:
        return tuple(str(x) for x in labels)
    if isinstance(matrix, pd.DataFrame):
        if list(matrix.index) != list(matrix.columns):
            raise MethodError(
                "a pairwise matrix DataFrame needs the same labels on rows and columns, found rows "
                f"{list(matrix.index)} and columns {list(matrix.columns)}"
            )
        return tuple(str(x) for x in matrix.index)
    return None


def _name(labels: Sequence[str] | None, i: int) -> str:
    return str(labels[i]) if labels is not None else str(i)


def as_pairwise(
    matrix: Any, labels: Sequence[str] | None = None, *, rtol: float = 0.01
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """Validate a pairwise matrix (or stack) and return it as floats with its labels.

    Accepts NaN for a missing judgment; when only one of a[i, j], a[j, i] is given the other is
    filled with its reciprocal. Rejects a non-square shape, non-positive or infinite entries, a
    diagonal other than 1, and a[i, j] * a[j, i] further than ``rtol`` from 1, naming the cell.
    """
    labs = _labels_of(matrix, labels)
    a = np.array(matrix, dtype=float, copy=True)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise MethodError(f"a pairwise matrix must be square, got shape {a.shape}")
    n = a.shape[-1]
    if labs is not None and len(labs) != n:
        raise MethodError(f"{len(labs)} labels for a {n} x {n} matrix")
    where = lambda idx: f"matrix {idx[0]}: " if a.ndim > 2 else ""  # noqa: E731
    bad = ~np.isnan(a) & ~((a > 0) & np.isfinite(a))
    if bad.any():
        idx = tuple(int(v) for v in np.argwhere(bad)[0])
        i, j = idx[-2], idx[-1]
        raise MethodError(
            f"{where(idx)}a[{_name(labs, i)}, {_name(labs, j)}] = {a[idx]!r}: pairwise judgments "
            "must be positive numbers (1/9 .. 9 on Saaty's scale)"
        )
    diag = a[..., np.arange(n), np.arange(n)]
    a[..., np.arange(n), np.arange(n)] = np.where(np.isnan(diag), 1.0, diag)
    off = ~np.isclose(a[..., np.arange(n), np.arange(n)], 1.0, rtol=0, atol=1e-9)
    if off.any():
        idx = tuple(int(v) for v in np.argwhere(off)[0])
        i = idx[-1]
        raise MethodError(
            f"{where(idx)}a[{_name(labs, i)}, {_name(labs, i)}] = "
            f"{a[(*idx[:-1], i, i)]:g}: an item compared with itself must be 1"
        )
    at = np.swapaxes(a, -1, -2)
    one_sided = np.isnan(a) & ~np.isnan(at)
    if one_sided.any():
        a = np.where(one_sided, 1.0 / np.where(one_sided, at, 1.0), a)
        at = np.swapaxes(a, -1, -2)
    with np.errstate(invalid="ignore"):
        prod = a * at
    nonrec = ~np.isnan(prod) & (np.abs(prod - 1.0) > rtol)
    if nonrec.any():
        cells = np.argwhere(nonrec)
        cells = cells[cells[:, -2] < cells[:, -1]]
        idx = tuple(int(v) for v in cells[0])
        i, j = idx[-2], idx[-1]
        lead = idx[:-2]
        aij, aji = a[(*lead, i, j)], a[(*lead, j, i)]
        raise MethodError(
            f"{where(idx)}judgment not reciprocal: a[{_name(labs, i)}, {_name(labs, j)}] = "
            f"{fmt_judgment(aij)} but a[{_name(labs, j)}, {_name(labs, i)}] = {fmt_judgment(aji)}; "
            f"expected {fmt_judgment(1 / aij)}. Give one triangle and leave the other empty."
        )
    return a, labs


# --------------------------------------------------------------------------------------------
# kernels


def _power_perron(a: np.ndarray, tol: float = 1e-14, maxiter: int = 1000) -> tuple[np.ndarray, ...]:
    """Batched power iteration: Perron root and vector of each positive matrix in (k, n, n).

    Works in the (n, n, k) layout so every step is one vectorised pass over all matrices, and
    drops converged matrices from the working set. Returns (lambda (k,), w (k, n), converged (k,)).
    """
    k, n, _ = a.shape
    at = np.ascontiguousarray(np.moveaxis(a, 0, -1))  # (n, n, k)
    w = at.sum(axis=1)
    w /= w.sum(axis=0)
    w_out = np.empty((n, k))
    lam_out = np.empty(k)
    ok = np.zeros(k, dtype=bool)
    active = np.arange(k)
    cur = at
    for it in range(1, maxiter + 1):
        v = np.einsum("ijk,jk->ik", cur, w)
        s = v.sum(axis=0)
        v /= s
        done = np.abs(v - w).max(axis=0) <= tol
        w = v
        if done.all():
            w_out[:, active] = w
            lam_out[active] = s
            ok[active] = True
            active = active[:0]
            break
        if it % 4 == 0 and done.any():
            w_out[:, active[done]] = w[:, done]
            lam_out[active[done]] = s[done]
            ok[active[done]] = True
            keep = ~done
            active, cur, w = active[keep], cur[:, :, keep], w[:, keep]
    if active.size:
        w_out[:, active] = w
        lam_out[active] = np.einsum("ijk,jk->ik", cur, w).sum(axis=0)
    return lam_out, w_out.T, ok


def principal_eigen(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Principal eigenvalue and normalised eigenvector of each matrix in a stack.

    .. math:: A w = \lambda_{max} w,\quad w_i > 0,\quad \sum_i w_i = 1

    (Perron-Frobenius: a positive matrix has one such root and vector; Saaty 1977, 1980.)
    a: (..., n, n) positive matrices. Returns (lambda_max (...), w (..., n)) with w summing to 1.
    Vectorised over the stack (batched power iteration; LAPACK for any matrix it does not settle).
    """
    a = np.asarray(a, dtype=float)
    lead = a.shape[:-2]
    n = a.shape[-1]
    flat = a.reshape(-1, n, n)
    lam, w, ok = _power_perron(flat)
    if not ok.all():
        idx = np.flatnonzero(~ok)
        vals, vecs = np.linalg.eig(flat[idx])
        j = np.argmax(vals.real, axis=-1)
        lam[idx] = np.take_along_axis(vals.real, j[:, None], axis=-1)[:, 0]
        vec = np.abs(np.take_along_axis(vecs.real, j[:, None, None], axis=-1)[..., 0])
        w[idx] = vec / vec.sum(axis=-1, keepdims=True)
    return lam.reshape(lead), w.reshape((*lead, n))


def geometric_mean_priorities(a: np.ndarray) -> np.ndarray:
    r"""Row geometric mean, normalised.

    .. math:: w_i = \frac{(\prod_j a_{ij})^{1/n}}{\sum_k (\prod_j a_{kj})^{1/n}}

    Crawford, G. & Williams, C. (1985) J. Math. Psychology 29, 387-405 (the LLSM solution).
    """
    g = np.exp(np.log(a).mean(axis=-1))
    return g / g.sum(axis=-1, keepdims=True)


def column_mean_priorities(a: np.ndarray) -> np.ndarray:
    r"""Normalise every column to sum 1, then average the rows (Saaty 1980, approximate method).

    .. math:: w_i = \frac{1}{n}\sum_j a_{ij} / \sum_k a_{kj}
    """
    return (a / a.sum(axis=-2, keepdims=True)).mean(axis=-1)


def lambda_estimate(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""The principal eigenvalue estimated from a priority vector (Saaty 1980).

    .. math:: \hat\lambda_{max} = \frac{1}{n} \sum_i \frac{(A w)_i}{w_i}

    Exact when w is the Perron vector.
    """
    aw = np.einsum("...ij,...j->...i", a, w)
    return (aw / w).mean(axis=-1)


def consistency(lam: np.ndarray | float, n: int, ri_table: str = "saaty") -> tuple[Any, Any]:
    r"""(CI, CR) from lambda_max; CI clamped at 0; n <= 2 gives 0, 0.

    .. math:: CI = \max\!\left(0, \frac{\lambda_{max} - n}{n - 1}\right),\quad
              CR = \frac{CI}{RI(n)}

    (Saaty 1977, 1980; RI from :func:`random_index`.)
    """
    lam = np.asarray(lam, dtype=float)
    if n <= 2:
        z = np.zeros_like(lam)
        return z, z.copy()
    ci = np.maximum(0.0, (lam - n) / (n - 1))
    return ci, ci / random_index(n, ri_table)


def _priorities_complete(a: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    if method == "eigenvector":
        return principal_eigen(a)[::-1]
    if method == "geometric_mean":
        w = geometric_mean_priorities(a)
    elif method == "column_mean":
        w = column_mean_priorities(a)
    else:
        raise MethodError(f"unknown AHP method {method!r}; known: {', '.join(METHODS)}")
    return w, lambda_estimate(a, w)


def ahp_priorities(
    matrix: Any,
    *,
    method: str = "eigenvector",
    ri_table: str = "saaty",
    incomplete: str = "lambda_max",
    labels: Sequence[str] | None = None,
) -> AhpResult:
    r"""Priorities, lambda_max, CI and CR of a reciprocal matrix, or of a stack of them in one call.

    ``method="eigenvector"`` (default) is Saaty's principal right eigenvector:

    .. math:: A w = \lambda_{max} w,\quad \sum_i w_i = 1,\quad
              CI = \max\!\left(0, \frac{\lambda_{max} - n}{n - 1}\right),\quad
              CR = \frac{CI}{RI(n)}

    Sources: Saaty, T. L. (1977), A scaling method for priorities in hierarchical structures,
    *Journal of Mathematical Psychology* 15(3), 234-281; Saaty, T. L. (1980), *The Analytic
    Hierarchy Process*, McGraw-Hill. ``geometric_mean``:
    :math:`w_i \propto (\prod_j a_{ij})^{1/n}` (Crawford & Williams 1985); ``column_mean``:
    :math:`w_i = \frac{1}{n}\sum_j a_{ij} / \sum_k a_{kj}` (Saaty 1980, approximate method); for
    these two :math:`\lambda_{max}` is estimated as :math:`\frac{1}{n}\sum_i (Aw)_i / w_i`.
    RI(n) from the table ``ri_table`` (Saaty's by default; n <= 2 gives CR = 0).

    matrix: (n, n) array-like or DataFrame (labels from its index), or a stack (k, n, n);
    ``a[i, j]`` = importance of i over j. NaN marks a missing judgment: the matrix is completed by
    ``incomplete`` = ``lambda_max`` (Bozóki, Fülöp & Rónyai 2010) or ``llsm`` (logarithmic least
    squares) before ``method`` is applied; a disconnected comparison graph is an error naming the
    items that cannot be compared. Non-reciprocal input is rejected naming the cell.
    """
    if method not in METHODS:
        raise MethodError(f"unknown AHP method {method!r}; known: {', '.join(METHODS)}")
    a, labs = as_pairwise(matrix, labels)
    n = a.shape[-1]
    if n > 2:
        random_index(n, ri_table)  # fail early with the covering tables
    elif ri_table not in RI_TABLES:
        raise MethodError(f"unknown RI table {ri_table!r}; known tables: {', '.join(RI_TABLES)}")
    completed = None
    completion = None
    if np.isnan(a).any():
        from .incomplete import COMPLETION_LABELS, complete_matrix

        flat = a.reshape(-1, n, n)
        for m in range(flat.shape[0]):
            if np.isnan(flat[m]).any():
                flat[m] = complete_matrix(flat[m], method=incomplete, labels=labs)
        a = flat.reshape(a.shape)
        completed = a
        completion = COMPLETION_LABELS[incomplete]
    w, lam = _priorities_complete(a, method)
    ci, cr = consistency(lam, n, ri_table)
    lam_how = LAMBDA_EXACT if method == "eigenvector" else LAMBDA_ESTIMATED
    if a.ndim == 2:
        return AhpResult(
            w, float(lam), float(ci), float(cr), ri_table, method, lam_how, labs, completed,
            completion,
        )  # fmt: skip
    return AhpResult(w, lam, ci, cr, ri_table, method, lam_how, labs, completed, completion)


# --------------------------------------------------------------------------------------------
# group judgments


def _omega(k: int, expert_weights: Sequence[float] | np.ndarray | None) -> np.ndarray:
    if expert_weights is None:
        return np.full(k, 1.0 / k)
    om = np.asarray(expert_weights, dtype=float)
    if om.shape != (k,) or np.any(om < 0) or not om.sum() > 0:
        raise MethodError(f"expert weights must be {k} non-negative numbers, not all 0")
    return om / om.sum()


def aggregate_aij(
    matrices: np.ndarray, expert_weights: Sequence[float] | np.ndarray | None = None
) -> np.ndarray:
    r"""Aggregate individual judgments (AIJ): element-wise weighted geometric mean.

    .. math:: a^{G}_{ij} = \prod_k a^{(k)}_{ij}^{\,\omega_k},\quad \sum_k \omega_k = 1

    (Aczél & Saaty 1983; Forman & Peniwati 1998, EJOR 108, 165-169.) matrices: (k, n, n). Returns
    (n, n), reciprocal when every input is. A judgment missing (NaN) for some experts is the
    weighted geometric mean of those who gave it; missing for all it stays NaN.
    """
    m = np.asarray(matrices, dtype=float)
    if m.ndim != 3 or m.shape[0] == 0:
        raise MethodError("AIJ needs a stack of at least one matrix, shape (k, n, n)")
    omega = _omega(m.shape[0], expert_weights)
    if not np.isnan(m).any():
        return np.exp(np.tensordot(omega, np.log(m), axes=(0, 0)))
    have = ~np.isnan(m)
    wsum = np.tensordot(omega, have.astype(float), axes=(0, 0))
    logs = np.tensordot(omega, np.where(have, np.log(np.where(have, m, 1.0)), 0.0), axes=(0, 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, np.exp(logs / np.where(wsum > 0, wsum, 1.0)), np.nan)


def aggregate_aip(
    weights: np.ndarray, expert_weights: Sequence[float] | np.ndarray | None = None
) -> np.ndarray:
    r"""Aggregate individual priorities (AIP): weighted geometric mean of priority vectors, renormalised.

    .. math:: w^{G}_i \propto \prod_k (w^{(k)}_i)^{\omega_k}

    (Forman & Peniwati 1998.) weights: (k, n). Returns (n,) summing to 1.
    """
    w = np.asarray(weights, dtype=float)
    omega = _omega(w.shape[0], expert_weights)
    g = np.exp(np.tensordot(omega, np.log(w), axes=(0, 0)))
    return g / g.sum()


@dataclass(frozen=True)
class GroupResult:
    """Group priorities of k experts' judgments at one node.

    ``individual``: the experts' own priorities and CR (a stacked AhpResult); ``group``: the
    AhpResult of the aggregated matrix (AIJ only; None for AIP, which has no group matrix).
    """

    weights: np.ndarray
    method: str  # "aij" | "aip"
    individual: AhpResult
    group: AhpResult | None
    matrix: np.ndarray | None
    expert_weights: np.ndarray


def aggregate_judgments(
    matrices: Any,
    *,
    method: str = "aij",
    expert_weights: Sequence[float] | np.ndarray | None = None,
    priority_method: str = "eigenvector",
    ri_table: str = "saaty",
    labels: Sequence[str] | None = None,
) -> GroupResult:
    r"""Group AHP at one node: AIJ (geometric mean of judgments) or AIP (of priority vectors).

    .. math:: \text{AIJ: } a^G_{ij} = \prod_k a^{(k)}_{ij}{}^{\omega_k},\qquad
              \text{AIP: } w^G_i \propto \prod_k w^{(k)}_i{}^{\omega_k}

    with expert weights :math:`\omega_k` summing to 1 (equal by default); the group priorities of
    AIJ are then those of :math:`A^G` by ``priority_method``. Sources: Aczél, J. & Saaty, T. L.
    (1983), Procedures for synthesizing ratio judgements, *Journal of Mathematical Psychology*
    27(1), 93-102; Forman, E. & Peniwati, K. (1998), Aggregating individual judgments and priorities
    with the AHP, *European Journal of Operational Research* 108(1), 165-169.

    matrices: (k, n, n), one matrix per expert; NaN marks a missing judgment.
    """
    if method not in ("aij", "aip"):
        raise MethodError(f"unknown aggregation {method!r}; known: aij, aip")
    m, labs = as_pairwise(matrices, labels)
    if m.ndim != 3 or m.shape[0] == 0:
        raise MethodError("group aggregation needs a stack of matrices, shape (k, n, n)")
    omega = _omega(m.shape[0], expert_weights)
    individual = ahp_priorities(m, method=priority_method, ri_table=ri_table, labels=labs)
    if method == "aij":
        g = aggregate_aij(m, omega)
        group = ahp_priorities(g, method=priority_method, ri_table=ri_table, labels=labs)
        return GroupResult(group.weights, "aij", individual, group, g, omega)
    w = aggregate_aip(np.atleast_2d(individual.weights), omega)
    return GroupResult(w, "aip", individual, None, None, omega)


def complete_reciprocal(upper: np.ndarray) -> np.ndarray:
    """Fill the diagonal with 1 and the lower triangle with reciprocals of the upper triangle."""
    a = np.array(upper, dtype=float, copy=True)
    n = a.shape[-1]
    iu = np.triu_indices(n, 1)
    a[..., iu[1], iu[0]] = 1.0 / a[..., iu[0], iu[1]]
    a[..., np.arange(n), np.arange(n)] = 1.0
    return a
