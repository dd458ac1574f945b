r"""The cheapest path to the next maturity level: the fewest indicator improvements that lift a
unit's total over the next level's cut-off.

A unit at level :math:`L` (of :math:`K`) aims at :math:`T = L + 1`, whose cut-off is
:math:`c_T` (the level's ``min_score``). Each indicator can rise at most to its goalpost best
(score 100). Under the weighted sum the total is linear in the indicator scores,

.. math:: S = \sum_j w_j s_j,\qquad \Delta S_j^{max} = w_j (100 - s_j),

(:math:`w_j` the indicator's effective global weight: the product of the local weights down to it,
siblings of a missing indicator renormalised), so raising the indicators with the largest
:math:`\Delta S_j^{max}` first reaches :math:`c_T` with the fewest indicators changed: if :math:`k`
indicators can close the shortfall :math:`c_T - S`, the :math:`k` largest maxima can. The first
:math:`k - 1` go to their best and the last only as far as needed, so the total change is the
shortfall itself. The greedy rule for the fewest items under a budget is the textbook exchange
argument (Kleinberg & Tardos 2006, *Algorithm Design*, ch. 4; with fractional amounts, the
fractional knapsack).

Every total here is computed by re-aggregating the changed indicator scores with the evaluation's
own aggregator (:data:`Nodes`), so the same greedy order (each indicator's own gain, re-aggregated)
and the same last-step solve serve the weighted geometric mean too, where the total is not linear
and the greedy order is a good rule rather than a proven fewest.

Under the staged level rule (level = :math:`\min(L(S), 1 + \min_d L(S_d))`), level :math:`T`
also needs every dimension at least at level :math:`T - 1`, i.e. :math:`S_d \ge c_{T-1}`: each
dimension below that is first lifted the same way with its own indicators (weakest dimension
first), then the total; indicators already raised are taken first for the total, as they add no
indicator to the path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Rows of indicator scores (r, n) -> (r, 1 + D): the total and each dimension's score, by the
#: evaluation's aggregator and weights.
Nodes = Callable[[np.ndarray], np.ndarray]

#: How far above a cut-off a path's last step aims (points of the total): enough to stay above it
#: after the target values are turned into indicator values and scored again.
MARGIN = 1e-6

STATUSES = ("path", "top", "no_score", "unreachable")


@dataclass(frozen=True)
class PathInput:
    """What the path needs: ``scores`` (U, n) indicator scores 0-100 (NaN: no value, never
    changed), ``level`` (U,) the units' current levels (1-based, NaN without a total),
    ``cutoffs`` (K,) the levels' min scores, ``leaf_dim`` (n,) the dimension index of each
    indicator, ``staged`` the level rule, ``nodes`` the aggregator."""

    scores: np.ndarray
    level: np.ndarray
    cutoffs: np.ndarray
    leaf_dim: np.ndarray
    staged: bool
    nodes: Nodes


@dataclass(frozen=True)
class Paths:
    """Each unit's path. Per unit (U,): ``target`` level (0 when none), ``status`` (STATUSES),
    ``final`` (U, n) scores after the path. Per step (r,), units' steps in order:
    ``unit``, ``order`` (1-based), ``leaf``, ``score_from``, ``score_to``, ``reason`` (-1: the
    total, d: dimension d under the staged rule), ``total`` and ``level`` after the step,
    ``dims`` (r, D) the dimensions' scores after it."""

    target: np.ndarray
    status: np.ndarray
    final: np.ndarray
    unit: np.ndarray
    order: np.ndarray
    leaf: np.ndarray
    score_from: np.ndarray
    score_to: np.ndarray
    reason: np.ndarray
    total: np.ndarray
    level: np.ndarray
    dims: np.ndarray


def levels(cutoffs: np.ndarray, total: np.ndarray, dims: np.ndarray, staged: bool) -> np.ndarray:
    r"""Levels (1-based, NaN without a total): :math:`L(S) = \max\{k: S \ge c_k\}`; staged:
    :math:`\min(L(S), 1 + \min_d L(S_d))` over the dimensions with a score."""
    k = len(cutoffs)
    by_total = np.clip(np.searchsorted(cutoffs, total, side="right"), 1, k).astype(float)
    by_total[np.isnan(total)] = np.nan
    if not staged:
        return by_total
    dim_levels = np.clip(np.searchsorted(cutoffs, dims, side="right"), 1, k).astype(float)
    dim_levels[np.isnan(dims)] = np.inf
    weakest = dim_levels.min(axis=-1)
    return np.fmin(by_total, weakest + 1)


def _solve(
    rows: np.ndarray, leaf: np.ndarray, col: int, cut: np.ndarray, nodes: Nodes
) -> np.ndarray:
    """The least score of ``rows[i, leaf[i]]`` in [its value, 100] for which node *col* reaches
    ``cut[i]`` (it does at 100): a secant step aimed just above the cut-off (exact at once under
    the weighted sum), alternating with bisection for other aggregators; the answer stays within
    MARGIN above the cut-off."""
    idx = np.arange(len(rows))
    work = rows.copy()

    def f(x: np.ndarray) -> np.ndarray:
        work[idx, leaf] = x
        return nodes(work)[:, col]

    lo = rows[idx, leaf].astype(float)
    hi = np.full(len(rows), 100.0)
    f_lo, f_hi = f(lo), f(hi)
    aim = cut + MARGIN / 2
    for it in range(100):
        open_ = f_hi - cut > MARGIN
        if not open_.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            secant = lo + (aim - f_lo) / (f_hi - f_lo) * (hi - lo)
        x = np.where(np.isfinite(secant) & (it % 2 == 0), secant, (lo + hi) / 2)
        x = np.clip(x, lo, hi)
        fx = f(x)
        up = open_ & (fx >= cut)
        down = open_ & ~(fx >= cut)
        hi, f_hi = np.where(up, x, hi), np.where(up, fx, f_hi)
        lo, f_lo = np.where(down, x, lo), np.where(down, fx, f_lo)
    return hi


def _phase(
    s: np.ndarray,
    active: np.ndarray,
    room: np.ndarray,
    first: np.ndarray,
    col: int,
    cut: np.ndarray,
    nodes: Nodes,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lift node *col* of the *active* units to ``cut`` (per unit) with the indicators in
    *room*: those in *first* before the others, each group by its own gain (re-aggregated),
    the last one only as far as needed.

    Returns the new scores (U, n), the rank of each changed indicator in the phase ((U, n),
    -1 unchanged) and whether each active unit reached the cut-off (unreached ones have every
    indicator in *room* at 100)."""
    u_idx = np.flatnonzero(active)
    a, n = len(u_idx), s.shape[1]
    out = s.copy()
    rank_out = np.full(s.shape, -1)
    reached = np.ones(len(s), dtype=bool)
    if a == 0:
        return out, rank_out, reached
    sa, ra = s[u_idx], room[u_idx]
    cols = np.arange(n)
    # each indicator alone at its best: rows (a, n, n)
    alone = np.repeat(sa[:, None, :], n, axis=1)
    alone[:, cols, cols] = np.where(ra, 100.0, sa)
    base = nodes(sa)[:, col]
    gain = nodes(alone.reshape(-1, n))[:, col].reshape(a, n) - base[:, None]
    group = np.where(ra, np.where(first[u_idx], 0, 1), 2)
    order = np.lexsort((np.broadcast_to(cols, (a, n)), -np.nan_to_num(gain), group), axis=-1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(cols, (a, n)), axis=-1)
    n_room = ra.sum(axis=1)
    # the first p + 1 indicators of the order at their best: rows (a, n, n)
    prefix = np.where(
        (rank[:, None, :] <= cols[None, :, None]) & ra[:, None, :], 100.0, sa[:, None, :]
    )
    node_p = nodes(prefix.reshape(-1, n))[:, col].reshape(a, n)
    ok = (node_p >= cut[u_idx, None]) & (cols[None, :] < n_room[:, None])
    hit = ok.any(axis=1)
    k = np.where(hit, ok.argmax(axis=1), np.maximum(n_room - 1, 0))
    rows = np.where(
        ((rank < k[:, None]) & ra)[:, :],
        100.0,
        sa,
    )
    last = order[np.arange(a), k]
    x = np.full(a, 100.0)
    if hit.any():
        x[hit] = _solve(rows[hit], last[hit], col, cut[u_idx][hit], nodes)
    has = n_room > 0
    rows[np.arange(a)[has], last[has]] = x[has]
    out[u_idx] = rows
    changed = (rank <= k[:, None]) & ra & has[:, None]
    rank_out[u_idx] = np.where(changed, rank, -1)
    reached[u_idx] = hit
    return out, rank_out, reached


def cheapest_paths(p: PathInput) -> Paths:
    """Every unit's cheapest path to the next level (see the module's docstring)."""
    s0 = np.asarray(p.scores, dtype=float)
    u, n = s0.shape
    k_levels = len(p.cutoffs)
    level = np.asarray(p.level, dtype=float)
    top = level >= k_levels
    no_score = np.isnan(level)
    target = np.where(top | no_score, 0, np.nan_to_num(level) + 1).astype(int)
    go = ~top & ~no_score
    status = np.where(top, "top", np.where(no_score, "no_score", "path"))
    if not go.any():
        return _steps(p, s0, s0, np.full((u, n), np.inf), np.full((u, n), -1), target, status)
    cut_total = np.where(go, p.cutoffs[np.clip(target - 1, 0, k_levels - 1)], np.inf)
    known = ~np.isnan(s0)
    s = s0.copy()
    pos = np.full((u, n), np.inf)  # where each changed indicator stands in the path
    reason = np.full((u, n), -1)
    reached = np.ones(u, dtype=bool)
    n_dims = int(p.leaf_dim.max()) + 1 if n else 0
    if p.staged:
        dims0 = p.nodes(s0)[:, 1:]
        cut_dim = np.where(go, p.cutoffs[np.clip(target - 2, 0, k_levels - 1)], -np.inf)
        dim_rank = np.argsort(np.argsort(np.where(np.isnan(dims0), np.inf, dims0), axis=1), axis=1)
        for d in range(n_dims):  # a loop over the tree's dimensions
            active = go & (dims0[:, d] < cut_dim)
            room = known & (s < 100.0) & (p.leaf_dim == d)[None, :]
            s, rank, hit = _phase(s, active, room, room, 1 + d, cut_dim, p.nodes)
            new = (rank >= 0) & np.isinf(pos)
            pos = np.where(new, dim_rank[:, [d]] * n + rank, pos)
            reason = np.where(new, d, reason)
            reached &= hit
    active = go & (p.nodes(s)[:, 0] < cut_total)
    room = known & (s < 100.0)
    s, rank, hit = _phase(s, active, room, np.isfinite(pos), 0, cut_total, p.nodes)
    new = (rank >= 0) & np.isinf(pos)
    pos = np.where(new, n_dims * n + rank, pos)
    reached &= hit
    status = np.where(go & ~reached, "unreachable", status)
    return _steps(p, s0, s, pos, reason, target, status)


def _steps(
    p: PathInput,
    s0: np.ndarray,
    final: np.ndarray,
    pos: np.ndarray,
    reason: np.ndarray,
    target: np.ndarray,
    status: np.ndarray,
) -> Paths:
    """The changed indicators of each unit in path order, with the total, dimensions and level
    after each step (the steps up to it applied, re-aggregated)."""
    u, n = s0.shape
    order = np.argsort(pos, axis=1, kind="stable")
    m = np.isfinite(pos).sum(axis=1)
    step_rank = np.empty_like(order)
    np.put_along_axis(step_rank, order, np.broadcast_to(np.arange(n), (u, n)), axis=1)
    step_rank = np.where(np.isfinite(pos), step_rank, n)
    q = np.arange(n)
    valid = q[None, :] < m[:, None]  # (U, n): unit u's step q exists
    unit, qq = np.nonzero(valid)
    leaf = order[unit, qq]
    rows = np.where(step_rank[unit] <= qq[:, None], final[unit], s0[unit])
    n_dims = int(p.leaf_dim.max()) + 1 if n else 0
    after = p.nodes(rows) if len(rows) else np.empty((0, 1 + n_dims))
    lv = levels(p.cutoffs, after[:, 0], after[:, 1:], p.staged)
    return Paths(
        target=target,
        status=status,
        final=final,
        unit=unit,
        order=qq + 1,
        leaf=leaf,
        score_from=s0[unit, leaf],
        score_to=final[unit, leaf],
        reason=reason[unit, leaf],
        total=after[:, 0],
        level=lv,
        dims=after[:, 1:],
    )
