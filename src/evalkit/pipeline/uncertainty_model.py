r"""The evaluation as a vectorised function of the choices an uncertainty analysis varies.

:class:`Model` holds, computed once from a :class:`~evalkit.pipeline.prepare.Prepared`, everything a
run needs as arrays: the tree as index arrays, the units' raw indicator values for the nominal data
and for bootstrap replicates of the respondents (resampled within each station), the experts' AHP
local weights for bootstrap replicates of the experts (resampled with replacement, aggregated by
AIJ, Forman & Peniwati 1998), and the objective leaf weights of every replicate. :func:`run` then
evaluates a batch of runs, each a choice of:

- the data: respondent replicate (0 = the data as collected) and expert replicate (0 = all experts);
- the weighting method (combined, AHP, an objective method, equal), the objective method, the
  combination's alpha and whether it combines at every node or on global leaf weights;
- a left-out indicator (its siblings share its weight) or none;
- normalisation (goalposts, shifted within a band for goalposts marked as calibration guesses; or
  min-max over the units of the same kind) and aggregation (weighted sum or geometric);

returning every unit's total, dimension scores, ranks and maturity level (total or staged rule).
Everything is numpy over (runs, units, nodes); the loops run over tree nodes, never over runs or
units. Run 0 of the nominal choices equals :func:`~evalkit.pipeline.evaluate_prepared`.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ..measure import UNIT
from ..spec import WeightSpec
from ..system import chunk, in_threads
from ..weights.ahp import ahp_priorities
from ..weights.batched import objective_weights_batched
from ..weights.weightset import ahp_group
from .prepare import Prepared

METHOD_FAMILIES = ("combined", "ahp", "objective", "equal", "fixed")
OBJECTIVES = ("entropy", "critic", "std", "cv")
NORMALISATIONS = ("goalposts", "minmax")
AGGREGATIONS = ("weighted_sum", "geometric")
COMBINE_LEVELS = ("node", "global")
LEVEL_RULES = ("total", "staged")
GEOMETRIC_FLOOR = 1.0


@dataclass(frozen=True)
class TreeArrays:
    """The tree as index arrays. Nodes: the goal at 0, then every other node in pre-order."""

    ids: list[str]
    leaves: np.ndarray  # positions of the leaves, in tree leaf order
    parent: np.ndarray  # position of each node's parent (-1 for the goal)
    post: list[tuple[int, np.ndarray]]  # criteria children-first: (node, child positions)
    dims: np.ndarray  # positions of the goal's children
    siblings: np.ndarray  # (nodes, groups) 0/1: node j belongs to the children of group g
    under: np.ndarray  # (leaves, nodes) 0/1: leaf l lies under (or is) node j

    @classmethod
    def of(cls, tree) -> TreeArrays:
        nodes = list(tree.goal.walk())
        ids = [n.id for n in nodes]
        pos = {n: i for i, n in enumerate(ids)}
        parent = np.full(len(ids), -1)
        for n in nodes:
            for c in n.children:
                parent[pos[c.id]] = pos[n.id]
        crit = [n for n in nodes if n.children]
        post = [
            (pos[n.id], np.array([pos[c.id] for c in n.children]))
            for n in reversed(crit)  # pre-order reversed: children before parents
        ]
        leaves = np.array([pos[n.id] for n in nodes if not n.children])
        siblings = np.zeros((len(ids), len(crit)))
        for g, n in enumerate(crit):
            siblings[[pos[c.id] for c in n.children], g] = 1.0
        under = np.zeros((len(leaves), len(ids)))
        for j, n in enumerate(nodes):
            for leaf in n.walk():
                if not leaf.children:
                    under[list(leaves).index(pos[leaf.id]), j] = 1.0
        dims = np.array([pos[c.id] for c in tree.goal.children])
        return cls(ids, leaves, parent, post, dims, siblings, under)


@dataclass(frozen=True)
class Runs:
    """A batch of runs: one value per run of every choice (arrays of length C)."""

    resp: np.ndarray  # respondent replicate, 0 = nominal
    expert: np.ndarray  # expert replicate, 0 = nominal
    family: np.ndarray  # index into METHOD_FAMILIES
    objective: np.ndarray  # index into OBJECTIVES
    alpha: np.ndarray
    level: np.ndarray  # index into COMBINE_LEVELS
    leave_out: np.ndarray  # leaf index (into leaves) or -1
    norm: np.ndarray  # index into NORMALISATIONS
    agg: np.ndarray  # index into AGGREGATIONS
    shift: np.ndarray  # (C, 2, L) goalpost shifts (fractions of the span), worst then best
    rule: np.ndarray  # index into LEVEL_RULES

    def __len__(self) -> int:
        return len(self.resp)

    def take(self, idx: np.ndarray) -> Runs:
        return Runs(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))


@dataclass(frozen=True)
class Outputs:
    """Per run and unit (stations first, then districts): total, level, ranks."""

    total: np.ndarray  # (C, U)
    dims: np.ndarray  # (C, U, n_dims)
    rank: np.ndarray  # (C, U): stations among the province's shown stations; districts
    rank_in_district: np.ndarray  # (C, U): stations among their district's shown ones
    level: np.ndarray  # (C, U), 1-based


def _replicate_values(
    p: Prepared, r: int, seed: int | np.random.SeedSequence, threads: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Raw values of (stations, districts) for r respondent replicates resampled within stations:
    arrays (r + 1, S, L) and (r + 1, D, L), replicate 0 the data as collected. *seed* seeds the
    draws (a number, or a SeedSequence for independent streams: periods, blocks of replicates);
    chunks of replicates are summed in *threads* threads (the same numbers)."""
    tree = p.tree
    base_st = p.matrix.stations.to_numpy(dtype=float)
    base_di = p.matrix.districts.to_numpy(dtype=float)
    st = np.repeat(base_st[None], r + 1, axis=0)
    di = np.repeat(base_di[None], r + 1, axis=0)
    items = [(leaf, it) for leaf, it in tree.items()]
    if r == 0 or not items:
        return st, di
    cols, starts, counts, d_starts, st_rows, di_rows = _officers(p, items)
    leaf_pos = {lf.id: i for i, lf in enumerate(tree.leaves())}
    leaf_of_item = np.array([leaf_pos[leaf.id] for leaf, _ in items])
    leaf_cols = np.unique(leaf_of_item)
    member = (leaf_of_item[:, None] == leaf_cols[None, :]).astype(float)  # (I, Ls)
    station_of = np.repeat(np.arange(len(starts)), counts)
    rng = np.random.default_rng(seed)
    n = len(station_of)
    n_items = len(cols)
    # every replicate at once: which officer of their station each draw takes
    pick = rng.integers(0, counts[station_of], size=(r, n), dtype=np.int32)  # as int64 draws
    d_first = np.searchsorted(starts, d_starts)

    def values(sums: np.ndarray, rows: np.ndarray, out: np.ndarray, k0: int) -> None:
        """Indicator values of units from their sums (replicates k0.., units, 2 I): the mean
        answer of each item, then of the items of each indicator; a chunk of replicates at a
        time (memory), each replicate's mean of means of every unit one matrix product (BLAS
        rounds a product of fewer rows otherwise)."""
        ok = rows >= 0
        step = chunk(len(sums), 8 * sums[0].size)
        for k in range(0, len(sums), step):  # chunks of replicates (memory), each vectorised
            part = np.asarray(sums[k : k + step], dtype=float)
            s_sum, s_cnt = part[..., :n_items], part[..., n_items:]
            with np.errstate(invalid="ignore", divide="ignore"):
                item_mean = s_sum / s_cnt  # NaN where no answer
            have = ~np.isnan(item_mean)
            num = np.where(have, item_mean, 0.0) @ member
            den = have.astype(float) @ member
            with np.errstate(invalid="ignore", divide="ignore"):
                val = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
            at = slice(1 + k0 + k, 1 + k0 + k + len(part))
            out[at, rows[ok][:, None], leaf_cols[None, :]] = val[:, ok]

    exact = _exact_dtype(cols, int(counts.max(initial=0)))
    if exact is None:
        # sums that depend on their order: as one sparse product, then the districts' in order
        x = np.column_stack(cols)
        valid = ~np.isnan(x)
        both = np.concatenate([np.where(valid, x, 0.0), valid], axis=1)
        sums = _station_draw_sums_sparse(pick, starts, counts, both)
        values(sums, st_rows, st, 0)
        values(np.add.reduceat(sums, d_first, axis=1), di_rows, di, 0)
        return st, di
    # sums exact in any order: the answers and the answered cells of each officer (row n: past
    # a station's officers), summed block by block of like-sized stations, a chunk of replicates
    # at a time into a buffer of the thread's (memory), chunks in one thread per core
    padded = np.zeros((n + 1, 2 * n_items), exact)
    for j, x in enumerate(cols):  # the items, each vectorised
        answered = ~np.isnan(x)
        np.copyto(padded[:n, j], x, where=answered)
        padded[:n, n_items + j] = answered
    del cols
    kc = chunk(r, len(starts) * padded[0].nbytes, chunks=4)  # a buffer a thread, reused
    buffers: queue.SimpleQueue = queue.SimpleQueue()
    workers = min(threads, -(-r // kc))
    for _ in range(workers):
        buffers.put(
            (
                np.empty((kc, len(starts), padded.shape[1]), exact),
                np.empty((kc, len(d_starts), padded.shape[1])),
            )
        )

    def one(k0: int) -> None:
        sums, d_sums = buffers.get()
        part = sums[: min(kc, r - k0)]
        for sts, block in station_draw_sums(pick[k0 : k0 + kc], starts, counts, padded):
            part[:, sts] = block.transpose(1, 0, 2)
        values(part, st_rows, st, k0)
        # a district pools its stations' officers: the sums of its stations (exact)
        dpart = d_sums[: len(part)]
        np.add.reduceat(part, d_first, axis=1, dtype=float, out=dpart)
        values(dpart, di_rows, di, k0)
        buffers.put((sums, d_sums))

    in_threads(one, range(0, r, kc), workers)  # chunks of replicates, writing apart
    return st, di


def _officers(p: Prepared, items: list) -> tuple:
    """The officers sorted by district, then station (a stable sort, as ``sort_values(UNIT)``
    sorts): each item's recoded answers in that order (NaN unanswered), the first row and the
    count of each station, the first row of each district, and the stations' and districts' rows
    in the values matrix (-1 for one it lacks)."""
    tree = p.tree
    resp = p.survey.responses
    d_code, d_names = pd.factorize(resp["district"], sort=True)
    s_code, s_names = pd.factorize(resp["station"], sort=True)
    pair = d_code.astype(np.int64) * max(len(s_names), 1) + s_code
    order = np.argsort(pair, kind="stable")
    pair = pair[order]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    counts = np.diff(np.append(starts, len(pair)))
    dist = d_code[order]
    d_starts = np.flatnonzero(np.r_[True, dist[1:] != dist[:-1]])
    keys = pd.MultiIndex.from_arrays(
        [d_names[dist[starts]], s_names[s_code[order[starts]]]], names=UNIT
    )
    cols = []
    for leaf, it in items:  # the items (a few dozen columns), each vectorised over the officers
        scale = tree.scales[leaf.source.scale]
        x = pd.to_numeric(resp[it.id], errors="coerce").to_numpy(dtype=float)[order]
        cols.append((scale.low + scale.high - x) if it.reverse else x)
    st_rows = p.matrix.stations.index.get_indexer(keys)
    di_rows = p.matrix.districts.index.get_indexer(pd.Index(np.asarray(d_names), name="district"))
    return cols, starts, counts, d_starts, st_rows, di_rows


def station_draw_sums(
    pick: np.ndarray, starts: np.ndarray, counts: np.ndarray, padded: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    r"""Sums over each station's bootstrap draws of its officers' values, a block of stations at
    a time: (the block's stations, their sums (block, r, c)) with

    .. math:: \mathrm{sums}_{s,k} = \sum_{j < n_s} v_{b_s + p_{k, b_s + j}}

    officers sorted by station (station s holds rows :math:`b_s .. b_s + n_s - 1` of *padded*
    (n + 1, c), whose row n is zero; *starts* b, *counts* n) and :math:`p_{k,i}` (*pick*, (r, n))
    the officer of the station that draw i of replicate k takes. Blocks hold stations of like
    size (padded to the largest, W, at most 1.5 times the smallest): how often each officer is
    drawn, (block, r, W) from one bincount, times the values (block, W, c), one batched matrix
    product in the dtype of *padded*, which must hold every sum exactly (:func:`_exact_dtype`):
    then the sums are those of adding draw by draw, in any order.
    """
    r = pick.shape[0]
    n = len(padded) - 1
    by_size = np.argsort(counts, kind="stable")
    sizes = counts[by_size]
    b0 = 0
    while b0 < len(by_size):  # blocks of like-sized stations (memory)
        w = max(1, int(sizes[b0]))
        b1 = min(
            b0 + chunk(len(by_size), 8 * r * (w * 3 // 2 + 1)),
            int(np.searchsorted(sizes, w * 1.5, side="right")),
        )
        b1 = max(b1, b0 + 1)
        sts = by_size[b0:b1]
        c = counts[sts]
        width = max(1, int(c.max()))
        first = np.repeat(np.cumsum(c) - c, c)
        rows = np.repeat(starts[sts], c) + np.arange(int(c.sum())) - first  # the block's officers
        local = np.repeat(np.arange(len(sts)), c)
        flat = (local[None, :] * r + np.arange(r)[:, None]) * width + pick[:, rows]
        drawn = np.bincount(flat.ravel(), minlength=len(sts) * r * width)
        slot = np.arange(width)[None, :]
        officer = np.where(slot < c[:, None], starts[sts][:, None] + slot, n)
        times = drawn.reshape(len(sts), r, width).astype(padded.dtype)
        yield sts, np.matmul(times, padded[officer])
        b0 = b1


def _exact_dtype(cols: list[np.ndarray], count: int) -> type | None:
    """The dtype in which every sum of up to *count* draws of each column (NaN left out) and of
    the answered cells is exact: float32 for whole numbers whose sums stay below 2**24, float64
    for binary fractions of at most 10 bits (halves, quarters, ...) whose sums stay below 2**52;
    None otherwise."""
    whole, biggest = True, 0.0
    for x in cols:  # the columns, each vectorised
        v = x[~np.isnan(x)]
        scaled = v * 1024.0
        if not np.array_equal(scaled, np.round(scaled)):  # infinities fail here too
            return None
        whole = whole and bool(np.array_equal(v, np.round(v)))
        biggest = max(biggest, float(np.abs(v).max(initial=0.0)))
    count = max(count, 1)
    if whole and max(biggest, 1.0) * count < 2.0**24:
        return np.float32
    if max(biggest, 1.0) * 1024.0 * count < 2.0**52:
        return np.float64
    return None


def _station_draw_sums_sparse(
    pick: np.ndarray, starts: np.ndarray, counts: np.ndarray, values: np.ndarray
) -> np.ndarray:
    """:func:`station_draw_sums` as one sparse product: row (replicate k, station s) holds how
    often each of s's officers is drawn (contiguous, as rows are sorted by station)."""
    r, n = pick.shape
    station_of = np.repeat(np.arange(len(starts)), counts)
    drawn = np.bincount(
        (pick + starts[station_of][None, :] + n * np.arange(r)[:, None]).ravel(), minlength=r * n
    )
    indptr = np.r_[(n * np.arange(r)[:, None] + starts[None, :]).ravel(), r * n]
    a = sparse.csr_matrix(
        (drawn.astype(float), np.tile(np.arange(n), r), indptr), shape=(r * len(starts), n)
    )
    return np.asarray(a @ values).reshape(r, len(starts), -1)


def _expert_replicates(p: Prepared, spec: WeightSpec, r: int, seed: int) -> np.ndarray:
    """AHP local weights of every node (positions of TreeArrays.ids, goal 0) for r replicates of
    the experts resampled with replacement: (r + 1, nodes), replicate 0 all experts."""
    tree = p.tree
    ids = [n.id for n in tree.goal.walk()]
    pos = {i: k for k, i in enumerate(ids)}
    group = ahp_group(tree, p.judgments, spec)
    out = np.zeros((r + 1, len(ids)))
    for node_id, w in group.local.items():
        out[:, pos[node_id]] = w
    rng = np.random.default_rng(seed + 1)
    for node_id, (mats, ew) in group.used.items():
        k = len(mats)
        if r == 0 or k < 2:
            continue
        kids = [pos[c.id] for c in tree.node(node_id).children]
        draws = rng.integers(0, k, (r, k))
        counts = np.stack([np.bincount(d, minlength=k) for d in draws]) * ew[None, :]
        omega = counts / counts.sum(axis=1, keepdims=True)
        logs = np.log(mats)
        agg = np.exp(np.tensordot(omega, logs, axes=(1, 0)))  # (r, n, n)
        out[1:, kids] = ahp_priorities(agg, ri_table=spec.ri_table).weights
    return out


@dataclass(frozen=True)
class Model:
    """Everything a run needs, as arrays (see the module docstring)."""

    tree: TreeArrays
    station_values: np.ndarray  # (R + 1, S, L)
    district_values: np.ndarray  # (R + 1, D, L)
    shown: np.ndarray  # (S,) stations with enough respondents (ranked; objective weights)
    station_district: np.ndarray  # (S,) district code of each station
    n_districts: int
    worst: np.ndarray  # (L,)
    best: np.ndarray  # (L,)
    ahp: np.ndarray  # (E + 1, nodes) AHP local weights
    fixed: np.ndarray  # (nodes,) the tree's weights (equal where it gives none)
    equal: np.ndarray  # (nodes,)
    objective_leaf: np.ndarray  # (n_objectives, R + 1, L) leaf weights, NaN where one failed
    cutoffs: np.ndarray  # level min scores
    combine: str  # linear | multiplicative | game_theory
    survey_leaf: np.ndarray  # (L,) leaves measured by the survey (their goalposts: scale ends)
    rule: int = 0  # the tree's level rule (index into LEVEL_RULES): the nominal runs' rule

    @property
    def n_units(self) -> int:
        return self.station_values.shape[1] + self.district_values.shape[1]


def build_model(
    p: Prepared,
    spec: WeightSpec,
    *,
    replicates: int,
    seed: int,
    respondents: bool,
    experts: bool,
    objectives: tuple[str, ...] = OBJECTIVES,
    threads: int = 1,
) -> Model:
    """Precompute the arrays of :class:`Model` (replicates only for the factors that vary), the
    replicates' values and objective weights in *threads* threads (the same numbers)."""
    tree = p.tree
    ta = TreeArrays.of(tree)
    st, di = _replicate_values(p, replicates if respondents else 0, seed, threads)
    shown = p.station_respondents.to_numpy() >= p.spec.report.min_respondents
    ahp = _expert_replicates(p, spec, replicates if experts and p.judgments else 0, seed)
    n = len(ta.ids)
    equal = np.zeros(n)
    fixed = np.zeros(n)
    for node in tree.criteria():
        k = len(node.children)
        given = [c.weight for c in node.children]
        tot = sum(g for g in given if g is not None)
        for c in node.children:
            j = ta.ids.index(c.id)
            equal[j] = 1.0 / k
            fixed[j] = (c.weight / tot) if all(g is not None for g in given) else 1.0 / k  # type: ignore[operator]
    complete = ~np.isnan(st[0][shown]).any(axis=1)
    obj = np.full((len(OBJECTIVES), st.shape[0], st.shape[2]), np.nan)
    if complete.sum() >= 2:
        rows = np.flatnonzero(shown)[complete]
        # a chunk of replicates at a time (memory; each replicate's weights are its own table's)
        step = chunk(len(st), 4 * 8 * len(rows) * st.shape[2])

        wanted = tuple(name for name in OBJECTIVES if name in objectives)

        def weigh(k: int) -> None:
            units = st[k : k + step, rows]  # (replicates, m, L)
            with np.errstate(all="ignore"):
                got = objective_weights_batched(units, p.directions, wanted)
            for name, w in got.items():
                obj[OBJECTIVES.index(name), k : k + step] = w

        in_threads(weigh, range(0, len(st), step), threads)  # chunks, writing apart
    codes = pd.factorize(p.matrix.stations.index.get_level_values("district"))[0]
    leaves = tree.leaves()
    return Model(
        tree=ta,
        station_values=st,
        district_values=di,
        shown=shown,
        station_district=codes,
        n_districts=int(codes.max() + 1) if len(codes) else 0,
        worst=np.array([lf.worst for lf in leaves], dtype=float),
        best=np.array([lf.best for lf in leaves], dtype=float),
        ahp=ahp,
        fixed=fixed,
        equal=equal,
        objective_leaf=obj,
        cutoffs=np.array([lv.min_score for lv in tree.levels], dtype=float),
        combine=spec.combine,
        survey_leaf=np.array(
            [lf.source is not None and lf.source.kind == "survey" for lf in leaves], dtype=bool
        ),
        rule=LEVEL_RULES.index(tree.level_rule),
    )


# ---------------------------------------------------------------- weights of a batch of runs


def _group_normalise(w: np.ndarray, siblings: np.ndarray) -> np.ndarray:
    """Each node's weight divided by its sibling group's sum; a group summing to 0 goes equal."""
    total = w @ siblings  # (C, G)
    size = siblings.sum(axis=0)
    per_node = total @ siblings.T
    count = (siblings * size).sum(axis=1)  # group size of each node (0 for the goal)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(per_node > 0, w / np.where(per_node > 0, per_node, 1.0), 1.0 / count)
    out[:, siblings.sum(axis=1) == 0] = 1.0  # the goal
    return out


def _local_from_leaf(ta: TreeArrays, leaf: np.ndarray) -> np.ndarray:
    """Local weights whose globals are the given leaf weights (a node weighs its leaves' sum)."""
    node_sum = leaf @ ta.under  # (C, nodes)
    return _group_normalise(node_sum, ta.siblings)


def _leaf_globals(ta: TreeArrays, local: np.ndarray) -> np.ndarray:
    """Global weights of the leaves: products of local weights down each path."""
    glob = np.ones_like(local)
    for j in range(1, local.shape[1]):  # pre-order: a parent comes before its children
        glob[:, j] = glob[:, ta.parent[j]] * local[:, j]
    return glob[:, ta.leaves]


def _node_objective(ta: TreeArrays, leaf: np.ndarray) -> np.ndarray:
    """Objective weights among every node's children (criterion: its leaves' largest weight)."""
    masked = np.where(ta.under[None] > 0, leaf[:, :, None], -np.inf)
    return _group_normalise(masked.max(axis=1), ta.siblings)


def _combine(
    how: str, a: np.ndarray, b: np.ndarray, alpha: np.ndarray, groups: np.ndarray
) -> np.ndarray:
    """Combine two weight sets within each sibling group (see weights.combine for the formulas)."""
    if how == "linear":
        return alpha[:, None] * a + (1.0 - alpha[:, None]) * b
    if how == "multiplicative":
        return _group_normalise(a * b, groups)
    # game theory per group: solve [[a.a, a.b], [a.b, b.b]] c = [a.a, b.b], c* = |c| / sum |c|
    aa, ab, bb = (a * a) @ groups, (a * b) @ groups, (b * b) @ groups
    det = aa * bb - ab * ab
    with np.errstate(invalid="ignore", divide="ignore"):
        c1 = np.where(np.abs(det) > 1e-12 * aa * bb, (aa * bb - ab * bb) / det, 1.0)
        c2 = np.where(np.abs(det) > 1e-12 * aa * bb, (aa * bb - ab * aa) / det, 1.0)
    s = np.abs(c1) + np.abs(c2)
    c1, c2 = np.abs(c1) / s, np.abs(c2) / s
    return _group_normalise(a * (c1 @ groups.T) + b * (c2 @ groups.T), groups)


def local_weights(m: Model, runs: Runs, has_judgments: bool) -> np.ndarray:
    """(C, nodes) local weights of a batch of runs; the goal's column is 1."""
    ta = m.tree
    ahp = m.ahp[runs.expert]
    obj_leaf = m.objective_leaf[runs.objective, runs.resp]
    failed = np.isnan(obj_leaf).any(axis=1)
    obj_leaf = np.where(failed[:, None], 1.0 / obj_leaf.shape[1], obj_leaf)
    family = np.asarray(METHOD_FAMILIES)[runs.family]
    fallback = ahp if has_judgments else np.broadcast_to(m.equal, ahp.shape)
    out = np.where((family == "ahp")[:, None], ahp, np.broadcast_to(m.equal, ahp.shape))
    out = np.where((family == "fixed")[:, None], m.fixed[None, :], out)
    objective = family == "objective"
    if objective.any():
        out = np.where(objective[:, None], _local_from_leaf(ta, obj_leaf), out)
    combined = family == "combined"
    if combined.any():
        node = _combine(m.combine, ahp, _node_objective(ta, obj_leaf), runs.alpha, ta.siblings)
        all_leaves = np.ones((len(ta.leaves), 1))
        glob = _combine(m.combine, _leaf_globals(ta, ahp), obj_leaf, runs.alpha, all_leaves)
        by_level = np.where((runs.level == 0)[:, None], node, _local_from_leaf(ta, glob))
        out = np.where(combined[:, None], by_level, out)
    out = np.where((failed & (objective | combined))[:, None], fallback, out)
    drop = runs.leave_out >= 0
    if drop.any():
        cols = ta.leaves[np.where(drop, runs.leave_out, 0)]
        out = out.copy()
        out[np.flatnonzero(drop), cols[drop]] = 0.0
        out = _group_normalise(out, ta.siblings)
    out[:, 0] = 1.0
    return out


# ---------------------------------------------------------------- scores of a batch of runs


def _normalised(m: Model, runs: Runs) -> np.ndarray:
    """(C, U, L) 0-100 scores: goalposts (shifted) or min-max over the stations."""
    x = np.concatenate([m.station_values[runs.resp], m.district_values[runs.resp]], axis=1)
    span = m.best - m.worst
    gw = m.worst + runs.shift[:, 0] * span  # (C, L)
    gb = m.best + runs.shift[:, 1] * span
    s = m.station_values.shape[1]
    minmax = runs.norm == 1
    if minmax.any():
        # min-max bounds from the stations of that replicate (the finer, larger set of units),
        # applied to stations and districts alike so both stay on one scale; cost reversed
        cost = m.best < m.worst
        with np.errstate(all="ignore"):
            lo = np.nanmin(x[:, :s], axis=1)
            hi = np.nanmax(x[:, :s], axis=1)
        w_unit = np.where(minmax[:, None], np.where(cost, hi, lo), gw)[:, None]
        b_unit = np.where(minmax[:, None], np.where(cost, lo, hi), gb)[:, None]
    else:
        w_unit, b_unit = gw[:, None], gb[:, None]
    d = b_unit - w_unit
    with np.errstate(invalid="ignore", divide="ignore"):
        z = 100.0 * (x - w_unit) / np.where(d != 0, d, np.nan)
    z = np.where(np.isfinite(d) & (d == 0) & ~np.isnan(x), 100.0, z)  # a constant: all at best
    return np.clip(z, 0.0, 100.0)


def _aggregate(m: Model, z: np.ndarray, local: np.ndarray, agg: np.ndarray) -> np.ndarray:
    """(C, U, nodes) scores of every node; weighted sum or geometric per run."""
    return aggregate_nodes(m.tree, z, local, agg)


def aggregate_nodes(
    ta: TreeArrays, z: np.ndarray, local: np.ndarray, agg: np.ndarray
) -> np.ndarray:
    r"""(C, U, nodes) scores of every node from (C, U, L) leaf scores, level by level: per run c,
    weighted sum (agg 0) :math:`S_p = \sum_j w_j S_j / \sum_{j\ known} w_j` or geometric mean
    (agg 1) :math:`S_p = \exp(\sum_j w_j \ln \max(S_j, 1) / \sum_{j\ known} w_j)` with the local
    weights ``local[c]``; a missing child drops out and its siblings' weights are renormalised, as
    :mod:`evalkit.pipeline.aggregators` does (OECD/JRC Handbook 2008, 6.1 and 6.2)."""
    c, u, _ = z.shape
    ns = np.full((c, u, len(ta.ids)), np.nan)
    ns[:, :, ta.leaves] = z
    geo = agg == 1
    for node, kids in ta.post:
        v = ns[:, :, kids]
        w = local[:, kids]
        known = ~np.isnan(v)
        den = np.einsum("cuk,ck->cu", known.astype(float), w)
        num = np.einsum("cuk,ck->cu", np.where(known, v, 0.0), w)
        with np.errstate(invalid="ignore", divide="ignore"):
            val = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
            if geo.any():
                logs = np.log(np.maximum(np.where(known, v, 1.0), GEOMETRIC_FLOOR))
                gnum = np.einsum("cuk,ck->cu", np.where(known, logs, 0.0), w)
                gval = np.exp(np.where(den > 0, gnum / np.where(den > 0, den, 1.0), np.nan))
                val = np.where(geo[:, None], gval, val)
        ns[:, :, node] = val
    return ns


def _ranks(values: np.ndarray, groups: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = highest; ties share the better rank) within groups, per run.

    values (C, n); groups (n,) non-negative codes; valid (n,) units that are ranked. NaN values and
    invalid units get NaN. One sort for the whole batch: key = (run, group) * 1000 + score."""
    c, _n = values.shape
    ok = valid[None, :] & ~np.isnan(values)
    g = (np.arange(c)[:, None] * (groups.max(initial=0) + 1) + groups[None, :]).astype(float)
    key = np.where(ok, g * 1000.0 + values, -np.inf)
    flat = np.sort(key[ok])
    greater = np.searchsorted(flat, (g + 1) * 1000.0, side="left") - np.searchsorted(
        flat, key, side="right"
    )
    return np.where(ok, greater + 1.0, np.nan)


def _levels(cutoffs: np.ndarray, scores: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(cutoffs, scores, side="right")
    return np.where(np.isnan(scores), np.nan, np.clip(idx, 1, len(cutoffs)))


def run(m: Model, runs: Runs, *, has_judgments: bool) -> Outputs:
    """Evaluate a batch of runs (see the module docstring)."""
    local = local_weights(m, runs, has_judgments)
    ns = _aggregate(m, _normalised(m, runs), local, runs.agg)
    total = ns[:, :, 0]
    dims = ns[:, :, m.tree.dims]
    s = m.station_values.shape[1]
    u = total.shape[1]
    kind = np.r_[np.zeros(s, int), np.ones(u - s, int)]
    valid = np.r_[m.shown, np.ones(u - s, bool)]
    rank = _ranks(total, kind, valid)
    in_district = np.r_[m.station_district, np.full(u - s, -1)]
    rank_d = _ranks(
        total, np.where(in_district >= 0, in_district, m.n_districts), valid & (in_district >= 0)
    )
    level = _levels(m.cutoffs, total)
    staged = runs.rule == 1
    if staged.any():
        with np.errstate(all="ignore"):
            weakest = np.nanmin(np.where(np.isnan(dims), np.inf, _levels(m.cutoffs, dims)), axis=2)
        level = np.where(staged[:, None], np.fmin(level, weakest + 1), level)
    return Outputs(total, dims, rank, rank_d, level)
