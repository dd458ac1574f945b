r"""Bootstrap replicates of one survey period's scores under fixed weights (the base period's).

The officers of every station are resampled with replacement within their station
(:func:`evalkit.pipeline.uncertainty_model._replicate_values`: all replicates of a block as one
sparse product; a district pools its stations' officers); the station records (statistics) are
not samples and stay as they are. Every replicate is scored with the same local weights, so the
spread of a unit's score is the sampling error of its officers' answers alone (Efron & Tibshirani
1993, *An Introduction to the Bootstrap*, ch. 6 and 13: the percentile interval).

A replicate's total is, for a unit with every indicator score, one product with the global leaf
weights :math:`G_l = \prod_{j \in path(l)} w_j` (nested weighted sums collapse; nested weighted
geometric means do so in logarithms):

.. math:: S(u) = \sum_l G_l z_{ul} \qquad S_{geo}(u) = \exp \sum_l G_l \ln \max(z_{ul}, 1)

with :math:`z_{ul}` the goalpost score of the replicate's value. A (replicate, unit) with a missing
indicator score (an item nobody in the resample answered) is scored level by level
(:func:`~evalkit.pipeline.uncertainty_model.aggregate_nodes`: a missing child's siblings are
renormalised), all such pairs as one batch. Replicates are drawn in blocks of :data:`BLOCK` (memory),
each from its own stream of the seed, so the draws depend on the seed alone, not on the machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .evaluation import Evaluation
from .uncertainty_fast import _scores, ordinal_ranks, ranks_in_groups
from .uncertainty_model import (
    GEOMETRIC_FLOOR,
    TreeArrays,
    _leaf_globals,
    _replicate_values,
    aggregate_nodes,
)

#: Replicates drawn at once (a block's arrays are BLOCK x units x indicators).
BLOCK = 200


@dataclass(frozen=True)
class Replicates:
    """Bootstrap replicates of one period: stations first (in the order of ``ev.stations``), then
    districts (``ev.districts``).

    nominal: (U,) the totals of the data as collected, by the same arithmetic (equal to the
    evaluation's totals: a check that the replicates use the evaluation's weights);
    total: (R, U); rank: (R, U) ordinal ranks (1 = best; ties by position): stations among the
    period's shown stations (NaN for the others), districts among districts;
    rank_in_district: (R, S) stations among their district's shown stations.
    """

    nominal: np.ndarray
    total: np.ndarray
    rank: np.ndarray
    rank_in_district: np.ndarray

    @property
    def draws(self) -> int:
        return self.total.shape[0]


def local_vector(ev: Evaluation, ta: TreeArrays) -> np.ndarray:
    """The evaluation's local weights in the order of ``ta.ids`` (the goal 1)."""
    local = ev.weights.local
    return np.array([1.0 if k == 0 else float(local[i]) for k, i in enumerate(ta.ids)])


def totals_of(
    ta: TreeArrays,
    x: np.ndarray,
    worst: np.ndarray,
    best: np.ndarray,
    local: np.ndarray,
    geometric: bool,
) -> np.ndarray:
    """(R, U) totals of raw values x (R, U, L) under one set of local weights (see the module
    docstring): the collapsed product where every score is known, level by level elsewhere."""
    z = _scores(x, worst, best)
    g = _leaf_globals(ta, local[None, :])[0]
    known = ~np.isnan(z)
    if geometric:
        total = np.exp(np.log(np.maximum(np.where(known, z, 1.0), GEOMETRIC_FLOOR)) @ g)
    else:
        total = np.where(known, z, 0.0) @ g
    r, u = np.nonzero(~known.all(axis=2))
    if r.size:
        agg = np.array([1 if geometric else 0])
        nodes = aggregate_nodes(ta, z[r, u][None], local[None, :], agg)
        total[r, u] = nodes[0, :, 0]
    return total


def bootstrap(ev: Evaluation, draws: int, seed: int | np.random.SeedSequence) -> Replicates:
    """*draws* bootstrap replicates of the evaluation's stations and districts, scored with the
    evaluation's own weights (the base period's for a later period) and aggregation."""
    p = ev.prepared
    ta = TreeArrays.of(p.tree)
    leaves = p.tree.leaves()
    worst = np.array([lf.worst for lf in leaves], dtype=float)
    best = np.array([lf.best for lf in leaves], dtype=float)
    local = local_vector(ev, ta)
    geometric = ev.scoring == "geometric"
    n_st = len(p.matrix.stations)
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    streams = root.spawn(max(1, -(-draws // BLOCK)))
    x0 = np.concatenate(
        [p.matrix.stations.to_numpy(dtype=float), p.matrix.districts.to_numpy(dtype=float)]
    )
    nominal = totals_of(ta, x0[None], worst, best, local, geometric)[0]
    total = np.empty((draws, len(x0)))
    for b, start in enumerate(range(0, draws, BLOCK)):  # blocks of replicates (memory)
        n = min(BLOCK, draws - start)
        st, di = _replicate_values(p, n, streams[b])
        x = np.concatenate([st[1:], di[1:]], axis=1)
        total[start : start + n] = totals_of(ta, x, worst, best, local, geometric)
    shown = ev.stations["shown"].to_numpy(bool)
    rank = np.full(total.shape, np.nan)
    if draws:
        rank[:, :n_st][:, shown] = ordinal_ranks(total[:, :n_st][:, shown])
        rank[:, n_st:] = ordinal_ranks(total[:, n_st:])
    codes = np.unique(ev.stations["district"].to_numpy(), return_inverse=True)[1].ravel()
    in_district = ranks_in_groups(total[:, :n_st], codes, shown) if draws else rank[:, :n_st]
    return Replicates(nominal, total, rank, np.asarray(in_district, dtype=float))
