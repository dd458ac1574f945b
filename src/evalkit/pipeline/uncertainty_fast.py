r"""Thousands of runs of the model at once, with the work each one shares done once.

When no indicator value is missing, nested weighted sums collapse to one product with the global
leaf weights, and so do nested weighted geometric means (in logarithms):

.. math:: S(u) = \sum_l G_l\, z_{ul},\qquad
          S_{geo}(u) = \exp \sum_l G_l \ln \max(z_{ul}, 1),\qquad G_l = \prod_{j \in path(l)} w_j

So a run is a matrix product of the units' scores with its weights. A survey indicator's score
depends only on the respondent replicate (its goalposts are the scale's ends), so its scores are
computed once per replicate and every run drawing that replicate is one column of one product; a
statistic's score depends only on the goalposts drawn, shared by all the runs of a design row but
the goalpost run. Units with a missing value take the level-by-level path of
:mod:`evalkit.pipeline.uncertainty_model` (a missing child's siblings are renormalised there, which
the collapsed product cannot do). A test checks both paths against each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .uncertainty_model import GEOMETRIC_FLOOR, Model, Runs, _leaf_globals, local_weights
from .uncertainty_model import run as run_reference


@dataclass(frozen=True)
class Tables:
    """Scores shared by many runs: survey-indicator scores per replicate, statistic values."""

    survey_cols: np.ndarray  # positions (in leaf order) of survey indicators
    stat_cols: np.ndarray  # positions of the others
    survey_goal: np.ndarray  # (R + 1, U, Ls) goalpost scores
    survey_minmax: np.ndarray | None  # (R + 1, U, Ls) min-max scores (bounds from stations)
    stat_values: np.ndarray  # (U, Lt) raw values (the same in every replicate)
    stat_bounds: np.ndarray  # (2, Lt) min-max worst, best from the stations
    complete: np.ndarray  # (U,) units with every value in every replicate


def _scores(x: np.ndarray, worst: np.ndarray, best: np.ndarray) -> np.ndarray:
    d = best - worst
    with np.errstate(invalid="ignore", divide="ignore"):
        z = 100.0 * (x - worst) / np.where(d != 0, d, np.nan)
    z = np.where((d == 0) & ~np.isnan(x), 100.0, z)
    return np.clip(z, 0.0, 100.0)


def _minmax_bounds(x: np.ndarray, s: int, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        lo = np.nanmin(x[..., :s, :], axis=-2)
        hi = np.nanmax(x[..., :s, :], axis=-2)
    return np.where(cost, hi, lo), np.where(cost, lo, hi)


def tables(m: Model, minmax: bool) -> Tables:
    """Precompute the shared scores (survey indicators are those whose value changes with the
    respondent replicate or that no goalpost shift touches: here, all survey-sourced leaves)."""
    x = np.concatenate([m.station_values, m.district_values], axis=1)  # (R + 1, U, L)
    varies = (np.nan_to_num(x, nan=-1.0) != np.nan_to_num(x[:1], nan=-1.0)).any(axis=(0, 1))
    survey = varies | m.survey_leaf
    sc, tc = np.flatnonzero(survey), np.flatnonzero(~survey)
    s = m.station_values.shape[1]
    cost = m.best < m.worst
    goal = _scores(x[:, :, sc], m.worst[sc], m.best[sc])
    mm = None
    if minmax:
        w, b = _minmax_bounds(x[:, :, sc], s, cost[sc])
        mm = _scores(x[:, :, sc], w[:, None, :], b[:, None, :])
    tw, tb = _minmax_bounds(x[0][:, tc], s, cost[tc])
    complete = ~np.isnan(x).any(axis=(0, 2))
    return Tables(sc, tc, goal, mm, x[0][:, tc], np.stack([tw, tb]), complete)


def _survey_part(
    t: Tables, runs: Runs, g: np.ndarray, geo: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Survey indicators' share of each run's totals (or log totals) for K weight sets g
    (K, runs, L): runs grouped by the scores they share (replicate, normalisation, aggregation),
    one matrix product per group; (K, runs, U)."""
    k_sets = g.shape[0]
    out = np.zeros((k_sets, len(runs), len(cols)))
    key = (runs.resp * 2 + runs.norm) * 2 + geo
    order = np.argsort(key, kind="stable")
    uniq, first = np.unique(key[order], return_index=True)
    bounds = np.r_[first, len(order)]
    gs = g[:, :, t.survey_cols]  # (K, runs, Ls)
    for k, a, b in zip(uniq, bounds[:-1], bounds[1:], strict=True):  # per replicate, not per run
        idx = order[a:b]
        r, norm, lg = int(k // 4), int(k // 2 % 2), bool(k % 2)
        z = (t.survey_minmax if norm else t.survey_goal)[r][cols]  # type: ignore[index]
        if lg:
            z = np.log(np.maximum(z, GEOMETRIC_FLOOR))
        out[:, idx] = gs[:, idx] @ z.T  # (K, n, Ls) @ (Ls, U)
    return out


def _stat_part(
    m: Model, t: Tables, runs: Runs, g: np.ndarray, geo: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Statistics' share of each run's totals for K weight sets g (K, runs, L): runs grouped by
    their goalposts (shift, normalisation, aggregation), the scores of each group computed once,
    in blocks of groups; (K, runs, U)."""
    k_sets = g.shape[0]
    out = np.zeros((k_sets, len(runs), len(cols)))
    if t.stat_cols.size == 0:
        return out
    tc = t.stat_cols
    shift = runs.shift[:, :, tc].reshape(len(runs), -1)
    key = np.c_[shift, runs.norm, geo]
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=len(uniq))
    group_start = np.cumsum(counts) - counts
    width = int(counts.max())
    slot = np.empty(len(runs), int)
    slot[order] = np.arange(len(runs)) - np.repeat(group_start, counts)
    span = m.best[tc] - m.worst[tc]
    xt = t.stat_values[cols].T.astype(np.float32)  # (Lt, U)
    gt = g[:, :, tc].astype(np.float32)  # (K, runs, Lt)
    block = max(1, int(2e7 / max(1, xt.size * width * k_sets)))
    for q0 in range(0, len(uniq), block):  # blocks of goalpost draws (memory), not single draws
        q1 = min(q0 + block, len(uniq))
        sh = uniq[q0:q1, : 2 * len(tc)].reshape(q1 - q0, 2, len(tc))
        minmax = uniq[q0:q1, -2] == 1
        lg = uniq[q0:q1, -1] == 1
        worst = np.where(minmax[:, None], t.stat_bounds[0], m.worst[tc] + sh[:, 0] * span)
        best = np.where(minmax[:, None], t.stat_bounds[1], m.best[tc] + sh[:, 1] * span)
        a = (100.0 / (best - worst)).astype(np.float32)  # the tree refuses equal goalposts
        c = (-worst * a).astype(np.float32)
        z = np.multiply(xt[None], a[:, :, None])  # (q, Lt, U)
        z += c[:, :, None]
        np.clip(z, 0.0, 100.0, out=z)
        if lg.any():
            zl = z[lg]
            np.maximum(zl, GEOMETRIC_FLOOR, out=zl)
            np.log(zl, out=zl)
            z[lg] = zl
        runs_q = order[group_start[q0] : group_start[q1 - 1] + counts[q1 - 1]]
        grp = inverse[runs_q] - q0
        w = np.zeros((q1 - q0, k_sets * width, len(tc)), np.float32)
        w[grp[:, None], np.arange(k_sets)[None, :] * width + slot[runs_q][:, None]] = gt[
            :, runs_q
        ].transpose(1, 0, 2)
        prod = np.matmul(w, z)  # (q, K * width, U)
        out[:, runs_q] = prod.reshape(q1 - q0, k_sets, width, -1)[grp, :, slot[runs_q]].transpose(
            1, 0, 2
        )
    return out


def totals(m: Model, t: Tables, runs: Runs, g: np.ndarray) -> np.ndarray:
    """(K, runs, units) totals of the complete units (NaN elsewhere) for K leaf weight sets g
    (K, runs, L) that each sum to 1: the global leaf weights, or one dimension's renormalised."""
    geo = runs.agg == 1
    cols = np.flatnonzero(t.complete)
    s = _survey_part(t, runs, g, geo, cols)
    s += _stat_part(m, t, runs, g, geo, cols)
    if geo.any():
        s[:, geo] = np.exp(s[:, geo])
    if cols.size == t.complete.size:
        return s
    out = np.full((g.shape[0], len(runs), t.complete.size), np.nan)
    out[:, :, cols] = s
    return out


def weight_sets(m: Model, local: np.ndarray, dims: bool) -> np.ndarray:
    """(K, runs, L) leaf weights: the global ones, then (with *dims*) each dimension's leaves
    renormalised to sum 1, for the dimension's score."""
    g = _leaf_globals(m.tree, local)
    sets = [g]
    if dims:
        for d in m.tree.dims:
            under = m.tree.under[:, d] > 0
            gd = np.where(under[None, :], g, 0.0)
            total = gd.sum(axis=1, keepdims=True)
            sets.append(np.where(total > 0, gd / np.where(total > 0, total, 1.0), 0.0))
    return np.stack(sets)


@dataclass(frozen=True)
class Result:
    """Per run and unit: total; with ranks; levels only where asked for."""

    total: np.ndarray  # (C, U) float32
    rank: np.ndarray  # (C, U) float32: stations among the shown stations, districts
    rank_in_district: np.ndarray | None  # (C, U) float32
    level: np.ndarray | None  # (C, U) float32


def ordinal_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1 = highest of each row (ties broken by position; NaN unranked)."""
    key = np.where(np.isnan(values), np.inf, -values).astype(np.float32)
    order = np.argsort(key, axis=1)
    ranks = np.empty(values.shape, dtype=np.float32)
    np.put_along_axis(
        ranks, order, np.arange(1, values.shape[1] + 1, dtype=np.float32)[None, :], axis=1
    )
    return np.where(np.isnan(values), np.float32(np.nan), ranks)


def ranks_in_groups(values: np.ndarray, groups: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Ranks within groups (e.g. stations within their district): one sort of (group, -score)."""
    ok = valid[None, :] & ~np.isnan(values)
    key = groups[None, :] * 1000.0 + np.where(ok, 100.0 - values, 999.0)
    order = np.argsort(key, axis=1)
    pos = np.empty_like(order)
    np.put_along_axis(pos, order, np.arange(values.shape[1])[None, :], axis=1)
    start = np.searchsorted(np.sort(groups), groups)  # first position of each unit's group
    return np.where(ok, (pos - start[None, :] + 1).astype(np.float32), np.nan)


def _weakest_plus_one(cutoffs: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """One above the lowest level among the dimensions (dims: (K, runs, U)); NaN ignored."""
    level = np.ones(dims.shape, np.float32)
    for cut in cutoffs[1:]:
        level += dims >= cut
    level[np.isnan(dims)] = np.inf
    return level.min(axis=0) + 1.0


def evaluate(
    m: Model, t: Tables, runs: Runs, *, has_judgments: bool, levels: bool, batch: int = 4096
) -> Result:
    """Totals and ranks of every run; in-district ranks and levels when *levels* (A and B runs)."""
    s = m.station_values.shape[1]
    u = m.n_units
    total = np.empty((len(runs), u), np.float32)
    cap = np.full((len(runs), u), np.inf, np.float32)  # the staged rule's cap on levels
    inc = np.flatnonzero(~t.complete)
    for b0 in range(0, len(runs), batch):  # batches of runs (memory)
        sel = np.arange(b0, min(b0 + batch, len(runs)))
        r = runs.take(sel)
        local = local_weights(m, r, has_judgments)
        total[sel] = totals(m, t, r, weight_sets(m, local, False))[0]
        if inc.size:  # units with a missing value: level by level
            ref = run_reference(m, r, has_judgments=has_judgments)
            total[np.ix_(sel, inc)] = ref.total[:, inc]
        staged = np.flatnonzero(r.rule == 1) if levels else np.empty(0, int)
        if staged.size:
            rs = r.take(staged)
            dims = totals(m, t, rs, weight_sets(m, local[staged], True)[1:])
            if inc.size:
                dims[:, :, inc] = (
                    run_reference(m, rs, has_judgments=has_judgments)
                    .dims[:, inc]
                    .transpose(2, 0, 1)
                )
            cap[sel[staged]] = _weakest_plus_one(m.cutoffs, dims)
    stations = np.r_[m.shown, np.zeros(u - s, bool)]
    districts = np.r_[np.zeros(s, bool), np.ones(u - s, bool)]
    rank = np.full(total.shape, np.nan, np.float32)
    rank[:, stations] = ordinal_ranks(total[:, stations])  # among the shown stations
    rank[:, districts] = ordinal_ranks(total[:, districts])
    if not levels:
        return Result(total, rank, None, None)
    groups = np.r_[m.station_district, np.full(u - s, m.n_districts)]
    in_d = ranks_in_groups(total, groups, stations)
    lv = np.ones(total.shape, np.float32)
    for cut in m.cutoffs[1:]:
        lv += total >= cut
    lv = np.where(np.isnan(total), np.nan, np.fmin(lv, cap))
    return Result(total, rank, in_d, lv)
