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

from ..system import chunk, in_threads
from .uncertainty_model import GEOMETRIC_FLOOR, Model, Runs, _leaf_globals, local_weights
from .uncertainty_model import run as run_reference

#: Bytes of statistics' scores computed at once: a few goalpost draws' (units x statistics) scores,
#: small enough to stay in the processor's cache while every run drawing them takes its product.
STAT_BLOCK_BYTES = 2**23


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
    survey_goal_log: np.ndarray | None = None  # ln max(score, 1) of survey_goal (geometric runs)
    survey_minmax_log: np.ndarray | None = None
    stat_rows: np.ndarray | None = None  # (Lt, complete U) float32 statistic values, by statistic

    def survey(self, norm: int, log: bool) -> np.ndarray:
        """(R + 1, U, Ls) survey scores of a normalisation (0 goalposts, 1 min-max), in
        logarithms (``ln max(z, 1)``) for geometric runs."""
        if log:
            table = self.survey_minmax_log if norm else self.survey_goal_log
        else:
            table = self.survey_minmax if norm else self.survey_goal
        assert table is not None  # tables() computes every table a run may draw
        return table


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


def _varies(x: np.ndarray) -> np.ndarray:
    """(L,) leaves whose value in some replicate differs from the data as collected (NaN equal
    to NaN), replicates a block at a time (memory)."""
    first = np.nan_to_num(x[:1], nan=-1.0)
    out = np.zeros(x.shape[2], bool)
    step = chunk(len(x), 8 * x[0].size)
    for r0 in range(0, len(x), step):  # blocks of replicates (memory), each vectorised
        out |= (np.nan_to_num(x[r0 : r0 + step], nan=-1.0) != first).any(axis=(0, 1))
    return out


def _any_nan(x: np.ndarray) -> np.ndarray:
    """(U,) units of (R + 1, U, L) values missing some value in some replicate (a chunk of
    replicates at a time: memory)."""
    out = np.zeros(x.shape[1], bool)
    step = chunk(len(x), x[0].size)
    for k in range(0, len(x), step):  # chunks of replicates, each vectorised
        out |= np.isnan(x[k : k + step]).any(axis=(0, 2))
    return out


def _log_scores(z: np.ndarray) -> np.ndarray:
    out = np.maximum(z, GEOMETRIC_FLOOR)
    return np.log(out, out=out)


def tables(m: Model, minmax: bool, geometric: bool = True) -> Tables:
    """Precompute the shared scores (survey indicators are those whose value changes with the
    respondent replicate or that no goalpost shift touches: here, all survey-sourced leaves);
    with *geometric*, their logarithms too. A chunk of replicates at a time (memory; the scores
    are element by element, the same numbers)."""
    st, di = m.station_values, m.district_values
    survey = _varies(st) | _varies(di) | m.survey_leaf
    sc, tc = np.flatnonzero(survey), np.flatnonzero(~survey)
    s = st.shape[1]
    u = m.n_units
    cost = m.best < m.worst
    reps = len(st)
    shape = (reps, u, len(sc))
    goal = np.empty(shape)
    mm = np.empty(shape) if minmax else None
    logs = (
        np.empty(shape) if geometric else None,
        np.empty(shape) if geometric and minmax else None,
    )
    step = chunk(reps, 8 * u * max(1, len(sc)))
    for k in range(0, reps, step):  # chunks of replicates (memory), each vectorised
        x = np.concatenate([st[k : k + step][:, :, sc], di[k : k + step][:, :, sc]], axis=1)
        goal[k : k + step] = _scores(x, m.worst[sc], m.best[sc])
        if mm is not None:
            w, b = _minmax_bounds(x, s, cost[sc])
            mm[k : k + step] = _scores(x, w[:, None, :], b[:, None, :])
        for table, log in ((goal, logs[0]), (mm, logs[1])):
            if log is not None and table is not None:
                log[k : k + step] = _log_scores(table[k : k + step])
    x0 = np.concatenate([st[0][:, tc], di[0][:, tc]])
    tw, tb = _minmax_bounds(x0, s, cost[tc])
    complete = np.r_[~_any_nan(st), ~_any_nan(di)]
    rows = np.ascontiguousarray(x0[complete].T, dtype=np.float32)
    return Tables(sc, tc, goal, mm, x0, np.stack([tw, tb]), complete, *logs, rows)


@dataclass(frozen=True)
class Kernels:
    r"""How each run's products are computed. BLAS rounds a matrix-vector product and a row of a
    matrix-matrix product differently in the last bit; a run's products are computed the way a
    batch evaluated on its own computes them, whichever runs it is later summed beside:

    - survey scores: a matrix-vector product for a run no other run of its batch shares the
      (replicate, normalisation, aggregation) of (*survey_alone*), else a row of a matrix product;
    - statistics: matrix-vector products when no two runs of the batch share their goalposts
      (*stat_alone*, one weight set), else rows of matrix products.
    """

    survey_alone: np.ndarray  # (C,) bool
    stat_alone: np.ndarray  # (C,) bool

    @classmethod
    def of(cls, t: Tables, runs: Runs, k_sets: int = 1) -> Kernels:
        """The kernels of a batch of runs evaluated on its own, for *k_sets* weight sets."""
        geo = runs.agg == 1
        key = (runs.resp * 2 + runs.norm) * 2 + geo
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        alone = counts[inverse.ravel()] == 1
        shared = False
        if t.stat_cols.size and len(runs) > 1:
            gp = np.c_[runs.shift[:, :, t.stat_cols].reshape(len(runs), -1), runs.norm, geo]
            shared = len(np.unique(gp, axis=0)) < len(runs)
        return cls(alone, np.full(len(runs), k_sets == 1 and not shared))

    def take(self, idx: np.ndarray) -> Kernels:
        return Kernels(self.survey_alone[idx], self.stat_alone[idx])


def _slots(codes: np.ndarray) -> np.ndarray:
    """Each element's position among the elements of the same code (in order of position)."""
    order = np.argsort(codes, kind="stable")
    srt = codes[order]
    first = np.r_[True, srt[1:] != srt[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(srt)), 0))
    out = np.empty(len(codes), int)
    out[order] = np.arange(len(srt)) - start
    return out


def _survey_part(
    t: Tables,
    runs: Runs,
    g: np.ndarray,
    geo: np.ndarray,
    cols: np.ndarray,
    alone: np.ndarray,
    out: np.ndarray,
) -> None:
    """Survey indicators' share of each run's totals (or log totals) for K weight sets g
    (K, runs, L), written into out (K, runs, U): runs grouped by the scores they share
    (replicate, normalisation, aggregation), each group's scores read once; a run alone in its
    batch's group by a matrix-vector product, the others as rows of one matrix product."""
    key = (runs.resp * 2 + runs.norm) * 2 + geo
    order = np.argsort(key, kind="stable")
    uniq, first = np.unique(key[order], return_index=True)
    bounds = np.r_[first, len(order)]
    gs = g[:, :, t.survey_cols]  # (K, runs, Ls)
    every = cols.size == t.complete.size
    for k, a, b in zip(uniq, bounds[:-1], bounds[1:], strict=True):  # per replicate, not per run
        idx = order[a:b]
        r, norm, lg = int(k // 4), int(k // 2 % 2), bool(k % 2)
        z = t.survey(norm, lg)[r]
        if not every:
            z = z[cols]
        one = alone[idx]
        if one.any():  # (K, n, 1, Ls) @ (Ls, U): one matrix-vector product per run
            i1 = idx[one]
            out[:, i1] = np.matmul(gs[:, i1][:, :, None, :], z.T)[:, :, 0]
        if not one.all():  # (K, n, Ls) @ (Ls, U), at least two rows: a matrix product
            im = idx[~one]
            w = gs[:, im]
            if len(im) == 1:
                w = np.concatenate([w, np.zeros_like(w)], axis=1)
            out[:, im] = np.matmul(w, z.T)[:, : len(im)]


def _stat_part(
    m: Model,
    t: Tables,
    runs: Runs,
    g: np.ndarray,
    geo: np.ndarray,
    cols: np.ndarray,
    alone: np.ndarray,
    out: np.ndarray,
) -> None:
    """Statistics' share of each run's totals for K weight sets g (K, runs, L), added to out
    (K, runs, U): runs grouped by their goalposts (shift, normalisation, aggregation), each group's
    scores computed once, a few groups at a time (:data:`STAT_BLOCK_BYTES`: they stay in the cache
    while the group's runs take their products); matrix-vector products for the runs that are
    *alone* (one weight set), rows of matrix products for the others."""
    if t.stat_cols.size == 0:
        return
    tc = t.stat_cols
    k_sets = g.shape[0]
    shift = runs.shift[:, :, tc].reshape(len(runs), -1)
    key = np.c_[shift, runs.norm, geo]
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=len(uniq))
    group_start = np.cumsum(counts) - counts
    slot = _slots(inverse * 2 + alone)  # position among the group's runs of the same kernel
    span = m.best[tc] - m.worst[tc]
    if t.stat_rows is not None and cols.size == t.stat_rows.shape[1]:
        xt = t.stat_rows  # (Lt, U): the complete units' values, by statistic
    else:
        xt = np.ascontiguousarray(t.stat_values[cols].T, dtype=np.float32)
    gt = g[:, :, tc].astype(np.float32)  # (K, runs, Lt)
    block = max(1, STAT_BLOCK_BYTES // max(1, xt.nbytes))
    for q0 in range(0, len(uniq), block):  # blocks of goalpost draws (cache), not single draws
        q1 = min(q0 + block, len(uniq))
        sh = uniq[q0:q1, : 2 * len(tc)].reshape(q1 - q0, 2, len(tc))
        minmax = uniq[q0:q1, -2] == 1
        lg = uniq[q0:q1, -1] == 1
        worst = np.where(minmax[:, None], t.stat_bounds[0], m.worst[tc] + sh[:, 0] * span)
        best = np.where(minmax[:, None], t.stat_bounds[1], m.best[tc] + sh[:, 1] * span)
        a = (100.0 / (best - worst)).astype(np.float32)  # the tree refuses equal goalposts
        c = (-worst * a).astype(np.float32)
        zc = np.multiply(xt[None], a[:, :, None])  # (q, Lt, U), each statistic's units in a row
        zc += c[:, :, None]
        np.clip(zc, 0.0, 100.0, out=zc)
        # the products' layout: a unit's statistics side by side (BLAS's matrix-vector product
        # rounds by layout; this is the one the analysis has always used)
        z = np.empty((q1 - q0, zc.shape[2], zc.shape[1]), np.float32).transpose(0, 2, 1)
        z[...] = zc
        if lg.any():
            zl = z[lg]
            np.maximum(zl, GEOMETRIC_FLOOR, out=zl)
            np.log(zl, out=zl)
            z[lg] = zl
        runs_q = order[group_start[q0] : group_start[q1 - 1] + counts[q1 - 1]]
        grp = inverse[runs_q] - q0
        one = alone[runs_q]
        if one.any():  # (q, width, 1, Lt) @ (q, 1, Lt, U): one matrix-vector product per run
            r, gr, sl = runs_q[one], grp[one], slot[runs_q[one]]
            w = np.zeros((q1 - q0, int(sl.max()) + 1, 1, len(tc)), np.float32)
            w[gr, sl, 0] = gt[0, r]
            out[0, r] += np.matmul(w, z[:, None])[gr, sl, 0]
        if not one.all():  # (q, rows, Lt) @ (q, Lt, U), at least two rows: matrix products
            r, gr, sl = runs_q[~one], grp[~one], slot[runs_q[~one]]
            width = int(sl.max()) + 1
            w = np.zeros((q1 - q0, max(2, k_sets * width), len(tc)), np.float32)
            rows = np.arange(k_sets)[None, :] * width + sl[:, None]  # (n, K)
            w[gr[:, None], rows] = gt[:, r].transpose(1, 0, 2)
            prod = np.matmul(w, z)  # (q, rows, U)
            out[:, r] += prod[gr[:, None], rows].transpose(1, 0, 2)


def totals(
    m: Model, t: Tables, runs: Runs, g: np.ndarray, kernels: Kernels | None = None
) -> np.ndarray:
    """(K, runs, units) totals of the complete units (NaN elsewhere) for K leaf weight sets g
    (K, runs, L) that each sum to 1: the global leaf weights, or one dimension's renormalised.
    *kernels*: how each run's products are computed (default: as this batch on its own)."""
    k = kernels or Kernels.of(t, runs, g.shape[0])
    geo = runs.agg == 1
    cols = np.flatnonzero(t.complete)
    s = np.empty((g.shape[0], len(runs), len(cols)))
    _survey_part(t, runs, g, geo, cols, k.survey_alone, s)
    _stat_part(m, t, runs, g, geo, cols, k.stat_alone, s)
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
    """Ranks within groups (e.g. stations within their district): one sort of (group, -score).

    Sorted first by a stable sort (merging runs: twice as fast on units already in group
    order); a row where two valid units of a group have equal keys (equal scores, or scores the
    key rounds alike) is sorted again as it always has been, so ties fall as before."""
    ok = valid[None, :] & ~np.isnan(values)
    key = groups[None, :] * 1000.0 + np.where(ok, 100.0 - values, 999.0)
    order = np.argsort(key, axis=1, kind="stable")
    srt = np.take_along_axis(key, order, axis=1)
    # the sorted keys of every row fall in the groups' order: position j is in group by_group[j]
    by_group = np.sort(groups)
    scored = srt[:, 1:] < by_group[1:] * 1000.0 + 500.0  # a valid unit's key, not 999
    tie = ((srt[:, 1:] == srt[:, :-1]) & scored).any(axis=1)
    if tie.any():
        order[tie] = np.argsort(key[tie], axis=1)
    pos = np.empty_like(order)
    np.put_along_axis(pos, order, np.arange(key.shape[1])[None, :], axis=1)
    start = np.searchsorted(by_group, groups)  # first position of each unit's group
    return np.where(ok, (pos - start[None, :] + 1).astype(np.float32), np.nan)


def _weakest_plus_one(cutoffs: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """One above the lowest level among the dimensions (dims: (K, runs, U)); NaN ignored."""
    level = np.ones(dims.shape, np.float32)
    for cut in cutoffs[1:]:
        level += dims >= cut
    level[np.isnan(dims)] = np.inf
    return level.min(axis=0) + 1.0


@dataclass(frozen=True)
class Planned:
    """Runs with what they need besides their choices, computed once: local weights and kernels
    as evaluating them in batches of *batch* runs gives (:func:`plan`); *batch_of* numbers each
    run's batch (the staged rule's dimension products take the kernels of the batch's staged
    runs on their own)."""

    runs: Runs
    local: np.ndarray  # (C, nodes)
    kernels: Kernels
    batch_of: np.ndarray  # (C,)

    def __len__(self) -> int:
        return len(self.runs)

    def take(self, idx: np.ndarray) -> Planned:
        return Planned(
            self.runs.take(idx), self.local[idx], self.kernels.take(idx), self.batch_of[idx]
        )

    @staticmethod
    def concat(parts: list[Planned]) -> Planned:
        """The runs of several plans, one after the other (batches kept apart)."""
        fields = Runs.__dataclass_fields__
        runs = Runs(*(np.concatenate([getattr(p.runs, f) for p in parts]) for f in fields))
        offset = np.cumsum([0] + [int(p.batch_of.max(initial=-1)) + 1 for p in parts])
        return Planned(
            runs,
            np.concatenate([p.local for p in parts]),
            Kernels(
                np.concatenate([p.kernels.survey_alone for p in parts]),
                np.concatenate([p.kernels.stat_alone for p in parts]),
            ),
            np.concatenate([p.batch_of + o for p, o in zip(parts, offset, strict=False)]),
        )

    def same_as(self, other: Planned) -> np.ndarray:
        """(C,) runs whose evaluation is that of the same row of *other* to the last bit: the
        same local weights, data replicate, goalposts, normalisation and aggregation, computed
        by the same kernels (the level rule aside: these runs give totals and ranks only)."""
        a, b = self.runs, other.runs
        return (
            (self.local == other.local).all(axis=1)
            & (a.resp == b.resp)
            & (a.norm == b.norm)
            & (a.agg == b.agg)
            & (a.shift == b.shift).all(axis=(1, 2))
            & (self.kernels.survey_alone == other.kernels.survey_alone)
            & (self.kernels.stat_alone == other.kernels.stat_alone)
        )


def plan(m: Model, t: Tables, runs: Runs, *, has_judgments: bool, batch: int = 4096) -> Planned:
    """Local weights and kernels of *runs* evaluated in batches of *batch* runs."""
    parts = []
    for b0 in range(0, len(runs), batch):  # batches of runs, as evaluated on their own
        r = runs.take(np.arange(b0, min(b0 + batch, len(runs))))
        parts.append(
            Planned(
                r,
                local_weights(m, r, has_judgments),
                Kernels.of(t, r),
                np.full(len(r), b0 // batch),
            )
        )
    if not parts:
        return Planned(runs, np.zeros((0, len(m.tree.ids))), Kernels.of(t, runs), np.zeros(0, int))
    return Planned.concat(parts)


def evaluate(
    m: Model, t: Tables, p: Planned, *, has_judgments: bool, levels: bool, threads: int = 1
) -> Result:
    """Totals and ranks of every run; in-district ranks and levels when *levels* (A and B runs).
    Runs are evaluated a chunk at a time (:data:`~evalkit.system.CHUNK_BYTES`), in *threads* threads; each run's
    products by its planned kernels, its ranks by a sort of its own row, so the numbers do not
    depend on the chunks or the threads."""
    s = m.station_values.shape[1]
    u = m.n_units
    runs = p.runs
    c = len(runs)
    total = np.empty((c, u), np.float32)
    rank = np.full((c, u), np.nan, np.float32)
    in_d = np.empty((c, u), np.float32) if levels else None
    lv = np.empty((c, u), np.float32) if levels else None
    inc = np.flatnonzero(~t.complete)
    stations = np.r_[m.shown, np.zeros(u - s, bool)]
    districts = np.r_[np.zeros(s, bool), np.ones(u - s, bool)]
    groups = np.r_[m.station_district, np.full(u - s, m.n_districts)]
    staged = (runs.rule == 1) if levels else np.zeros(c, bool)
    dims_alone = np.zeros(c, bool)  # survey kernels of the dimension products: the staged runs
    for b in np.unique(p.batch_of[staged]):  # of each batch on their own (one or a few batches)
        in_b = np.flatnonzero(staged & (p.batch_of == b))
        dims_alone[in_b] = Kernels.of(t, runs.take(in_b), len(m.tree.dims)).survey_alone
    k_sets = 1 + (len(m.tree.dims) if staged.any() else 0)
    per_run = 8 * u * k_sets * (1 + (8 * len(m.worst) if inc.size else 0))
    step = chunk(c, per_run)

    def one(c0: int) -> None:
        sel = np.arange(c0, min(c0 + step, c))
        r = runs.take(sel)
        out = total[c0 : c0 + len(sel)]
        out[:] = totals(m, t, r, weight_sets(m, p.local[sel], False), p.kernels.take(sel))[0]
        if inc.size:  # units with a missing value: level by level
            ref = run_reference(m, r, has_judgments=has_judgments)
            out[:, inc] = ref.total[:, inc]
        rk = rank[c0 : c0 + len(sel)]
        rk[:, stations] = ordinal_ranks(out[:, stations])  # among the shown stations
        rk[:, districts] = ordinal_ranks(out[:, districts])
        if not levels:
            return
        cap = np.full(out.shape, np.inf, np.float32)  # the staged rule's cap on levels
        st = np.flatnonzero(staged[sel])
        if st.size:
            rs = r.take(st)
            g = weight_sets(m, p.local[sel[st]], True)[1:]
            k = Kernels(dims_alone[sel[st]], np.zeros(st.size, bool))
            dims = totals(m, t, rs, g, k)
            if inc.size:
                ref_dims = run_reference(m, rs, has_judgments=has_judgments).dims
                dims[:, :, inc] = ref_dims[:, inc].transpose(2, 0, 1)
            cap[st] = _weakest_plus_one(m.cutoffs, dims)
        in_d[c0 : c0 + len(sel)] = ranks_in_groups(out, groups, stations)  # type: ignore[index]
        level = np.ones(out.shape, np.float32)
        for cut in m.cutoffs[1:]:
            level += out >= cut
        lv[c0 : c0 + len(sel)] = np.where(np.isnan(out), np.nan, np.fmin(level, cap))  # type: ignore[index]

    in_threads(one, range(0, c, step), threads)
    return Result(total, rank, in_d, lv)
