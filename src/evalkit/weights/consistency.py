r"""Consistency diagnostics: the most inconsistent judgment, minimal repair, group consensus.

Most inconsistent judgment (Saaty 2003, "Decision-making with the AHP: why is the principal
eigenvector necessary", EJOR 145, 85-91, §4): with priorities w,

.. math:: \varepsilon_{ij} = a_{ij} w_j / w_i

is 1 for every judgment of a consistent matrix; the judgment with the largest
:math:`|\ln \varepsilon_{ij}|` contributes most to :math:`\lambda_{max} - n`
(:math:`\lambda_{max} = \frac{1}{n}\sum_{i,j} \varepsilon_{ij}`), and the value that would make it
agree with the others is :math:`w_i / w_j`, shown also rounded to the nearest Saaty-scale value.

Repair changes as few judgments as possible: it first tries every single judgment at every
Saaty-scale value (one batched eigen-solve) and, among the single changes that bring CR to
``max_cr`` or below, takes the one closest to the expert's own value; only when no single change
suffices does it take the change that lowers CR most and repeat (greedy). With one change it is
therefore exactly minimal; beyond one it is a greedy bound (cf. Bozóki, Fülöp & Poesz 2011, CEJOR 19,
157-175 on how few changes can make a matrix consistent).

Group consensus: the AHP-OS consensus indicator (Goepel 2013, Proc. ISAHP Kuala Lumpur; the
formula as implemented in AHP-OS, ``AhpGroup::getConsensus``): with the experts' priority vectors
:math:`p_k`, Shannon alpha, gamma and beta entropies

.. math:: H_\alpha = \frac{1}{K}\sum_k -\sum_i p_{ki}\ln p_{ki},\quad
          H_\gamma = -\sum_i \bar p_i \ln \bar p_i,\quad H_\beta = H_\gamma - H_\alpha,

and the AHP bounds :math:`H_{\alpha,min}` (one item M = 9 times more important than all others) and
:math:`H_{\gamma,max} = \ln n`,

.. math:: S^* = \frac{e^{-H_\beta} - D}{1 - D},\quad D = e^{H_{\alpha,min} - H_{\gamma,max}}

which is 1 for identical priorities and about 0 for no agreement. Also available: the geometric
consistency index (Crawford & Williams 1985; Aguarón & Moreno-Jiménez 2003, EJOR 147, 137-145),
:math:`GCI = \frac{2}{(n-1)(n-2)} \sum_{i<j} \ln^2 (a_{ij} w_j / w_i)` with w the row geometric means.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import MethodError
from .ahp import (
    SAATY_SCALE,
    ahp_priorities,
    as_pairwise,
    consistency,
    fmt_judgment,
    geometric_mean_priorities,
    principal_eigen,
    saaty_round,
)

CONSENSUS_MEASURE = "AHP-OS consensus S* (Goepel 2013; Shannon alpha/beta entropy)"


@dataclass(frozen=True)
class Judgment:
    """The most inconsistent judgment a[i, j] of a matrix (i < j, the upper triangle).

    Unpacks as ``(i, j, current, suggested)``; ``saaty`` is ``suggested`` rounded to Saaty's scale.
    """

    i: int
    j: int
    current: float
    suggested: float
    saaty: float
    epsilon: float
    labels: tuple[str, ...] | None = None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.i, self.j, self.current, self.suggested))

    @property
    def pair(self) -> str:
        """'x vs y' with item labels (or indices)."""
        name = (lambda k: self.labels[k]) if self.labels else str
        return f"{name(self.i)} vs {name(self.j)}"

    def __str__(self) -> str:
        return (
            f"a[{self.pair.replace(' vs ', ', ')}] = {fmt_judgment(self.current)}; consistent with the "
            f"other judgments: {self.suggested:.3g} (Saaty scale: {fmt_judgment(self.saaty)})"
        )


def epsilon_matrix(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""Saaty's error matrix for a matrix or a stack (..., n, n) (Saaty 2003, EJOR 145, §4).

    .. math:: \varepsilon_{ij} = a_{ij} \frac{w_j}{w_i}
    """
    return a * w[..., None, :] / w[..., :, None]


def most_inconsistent(
    matrix: Any, *, method: str = "eigenvector", labels: Sequence[str] | None = None
) -> Judgment:
    r"""The judgment with the largest :math:`|\ln \varepsilon_{ij}|` and the value that would fit.

    .. math:: (i, j) = \arg\max_{i<j} |\ln (a_{ij} w_j / w_i)|,\quad
              a^{fit}_{ij} = w_i / w_j

    (Saaty 2003, "Decision-making with the AHP: why is the principal eigenvector necessary",
    EJOR 145, 85-91, §4.)
    """
    a, labs = as_pairwise(matrix, labels)
    if a.ndim != 2:
        raise MethodError("most_inconsistent takes one matrix; loop over a stack")
    res = ahp_priorities(a, method=method, labels=labs)
    a = res.completed if res.completed is not None else a
    w = res.weights
    n = a.shape[0]
    if n < 2:
        raise MethodError("a 1 x 1 matrix has no judgments")
    eps = np.abs(np.log(epsilon_matrix(a, w)))
    iu = np.triu_indices(n, 1)
    k = int(np.argmax(eps[iu]))
    i, j = int(iu[0][k]), int(iu[1][k])
    suggested = float(w[i] / w[j])
    return Judgment(
        i, j, float(a[i, j]), suggested, float(saaty_round(suggested)),
        float(a[i, j] * w[j] / w[i]), labs,
    )  # fmt: skip


@dataclass(frozen=True)
class Change:
    """One changed judgment in a repair (upper triangle; the reciprocal changes with it)."""

    i: int
    j: int
    old: float
    new: float
    cr_after: float
    labels: tuple[str, ...] | None = None

    def __str__(self) -> str:
        name = (lambda k: self.labels[k]) if self.labels else str
        return f"a[{name(self.i)}, {name(self.j)}] {fmt_judgment(self.old)} -> {fmt_judgment(self.new)}"


@dataclass(frozen=True)
class RepairResult:
    """Repaired matrix and the audit trail of changes (empty when CR was already acceptable)."""

    matrix: np.ndarray
    changes: list[Change]
    cr_before: float
    cr_after: float
    ok: bool  # cr_after <= max_cr

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.matrix, self.changes))

    def audit(self) -> str:
        return "; ".join(str(c) for c in self.changes)


def _single_change_candidates(
    a: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every upper-triangle judgment set to every Saaty value: (stack, i, j, value)."""
    n = a.shape[0]
    iu, ju = np.triu_indices(n, 1)
    p, s = iu.size, SAATY_SCALE.size
    stack = np.broadcast_to(a, (p, s, n, n)).copy()
    ii = np.repeat(iu, s)
    jj = np.repeat(ju, s)
    vv = np.tile(SAATY_SCALE, p)
    flat = stack.reshape(p * s, n, n)
    r = np.arange(p * s)
    flat[r, ii, jj] = vv
    flat[r, jj, ii] = 1.0 / vv
    return flat, ii, jj, vv


def repair(
    matrix: Any,
    *,
    max_cr: float = 0.1,
    ri_table: str = "saaty",
    labels: Sequence[str] | None = None,
    max_changes: int | None = None,
) -> RepairResult:
    r"""Change as few judgments as possible (to Saaty-scale values) until CR <= max_cr.

    .. math:: \min_{A'} \#\{(i, j): a'_{ij} \ne a_{ij}\}\quad \text{s.t. } CR(A') \le
              CR_{max},\ a'_{ij} \in \{1/9, \dots, 9\}

    solved exactly for one change (every judgment at every scale value) and greedily beyond (the
    change lowering CR most, repeated); cf. Bozóki, Fülöp & Poesz (2011), CEJOR 19, 157-175.
    Returns a RepairResult (unpacks as ``(matrix, changes)``); ``ok`` is False when the limit of
    changes (default n(n-1)/2) was reached first. The input is never modified.
    """
    a, labs = as_pairwise(matrix, labels)
    if a.ndim != 2:
        raise MethodError("repair takes one matrix; loop over a stack")
    if np.isnan(a).any():
        res0 = ahp_priorities(a, ri_table=ri_table, labels=labs)
        a = res0.completed  # type: ignore[assignment]
    n = a.shape[0]
    lam, _ = principal_eigen(a)
    cr0 = float(consistency(lam, n, ri_table)[1])
    cur, cr = a.copy(), cr0
    changes: list[Change] = []
    limit = max_changes if max_changes is not None else n * (n - 1) // 2
    while cr > max_cr and len(changes) < limit:
        flat, ii, jj, vv = _single_change_candidates(cur)
        lam_c, _ = principal_eigen(flat)
        cr_c = np.asarray(consistency(lam_c, n, ri_table)[1])
        dist = np.abs(np.log(vv / cur[ii, jj]))
        unchanged = dist < 1e-12
        cr_c = np.where(unchanged, np.inf, cr_c)
        good = cr_c <= max_cr
        if good.any():
            # closest to the expert's own judgment; ties by lower CR
            key = np.where(good, dist + 1e-9 * cr_c, np.inf)
            k = int(np.argmin(key))
        else:
            k = int(np.argmin(cr_c))
            if not cr_c[k] < cr:
                break  # no single change lowers CR any further
        i, j, v = int(ii[k]), int(jj[k]), float(vv[k])
        changes.append(Change(i, j, float(cur[i, j]), v, float(cr_c[k]), labs))
        cur[i, j], cur[j, i] = v, 1.0 / v
        cr = float(cr_c[k])
    return RepairResult(cur, changes, cr0, cr, cr <= max_cr)


def gci(matrix: Any) -> np.ndarray | float:
    r"""Geometric consistency index of a matrix or stack.

    .. math:: GCI = \frac{2}{(n-1)(n-2)} \sum_{i<j} \ln^2 \left(a_{ij} \frac{w_j}{w_i}\right)

    with w the row geometric means (Aguarón, J. & Moreno-Jiménez, J. M. (2003), The geometric
    consistency index: approximated thresholds, EJOR 147(1), 137-145). n <= 2 gives 0.
    """
    a, _ = as_pairwise(matrix)
    n = a.shape[-1]
    if n <= 2:
        return 0.0 if a.ndim == 2 else np.zeros(a.shape[0])
    w = geometric_mean_priorities(a)
    e = np.log(epsilon_matrix(a, w)) ** 2
    iu = np.triu_indices(n, 1)
    out = e[..., iu[0], iu[1]].sum(axis=-1) * 2.0 / ((n - 1) * (n - 2))
    return float(out) if a.ndim == 2 else out


def _h_alpha_min(n: int, scale_max: float = 9.0) -> float:
    p1 = scale_max / (n + scale_max - 1.0)
    p = 1.0 / (n + scale_max - 1.0)
    return float(-p1 * np.log(p1) - (n - 1) * p * np.log(p))


def ahp_consensus(
    weights: np.ndarray, expert_weights: Sequence[float] | np.ndarray | None = None,
    *, scale_max: float = 9.0,
) -> float:  # fmt: skip
    r"""AHP-OS consensus S* of K experts' priority vectors (K, n); 1 = identical priorities.

    .. math:: S^* = \frac{e^{-H_\beta} - D}{1 - D},\quad H_\beta = H_\gamma - H_\alpha,\quad
              D = e^{H_{\alpha,min} - H_{\gamma,max}}

    with the Shannon alpha (mean of the experts'), gamma (of the mean priorities) and beta
    entropies as in the module docstring (Goepel 2013, Proc. ISAHP, Kuala Lumpur).

    expert_weights (optional) weight the averages (AHP-OS uses equal weights). K < 2 gives NaN.
    """
    p = np.asarray(weights, dtype=float)
    if p.ndim != 2:
        raise MethodError("consensus needs a (experts, items) array of priority vectors")
    k, n = p.shape
    if k < 2:
        return float("nan")
    om = np.full(k, 1.0 / k) if expert_weights is None else np.asarray(expert_weights, float)
    om = om / om.sum()
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    h_alpha = float(-(om @ plogp.sum(axis=1)))
    pbar = om @ p
    h_gamma = float(-np.sum(np.where(pbar > 0, pbar * np.log(np.where(pbar > 0, pbar, 1.0)), 0.0)))
    h_beta = max(0.0, h_gamma - h_alpha)
    d = float(np.exp(_h_alpha_min(n, scale_max) - np.log(n)))
    return float((np.exp(-h_beta) - d) / (1.0 - d))


def hierarchical_cr(ci: Any, ri: Any, weights: Any) -> float:
    r"""Consistency ratio of a whole hierarchy level (Saaty 1980, ch. 3; the 层次总排序一致性检验 of
    Chinese textbooks).

    .. math:: CR_{total} = \frac{\sum_j W_j \, CI_j}{\sum_j W_j \, RI_j}

    ci, ri: CI and RI(n_j) of each node j of a level that has children; weights: the global weights
    W_j of those nodes. Nodes with n <= 2 contribute CI = RI = 0. Returns 0 when the denominator is 0.
    """
    ci_a, ri_a, w_a = (np.asarray(v, dtype=float) for v in (ci, ri, weights))
    den = float(np.sum(w_a * ri_a))
    return float(np.sum(w_a * ci_a) / den) if den > 0 else 0.0
