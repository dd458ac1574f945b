r"""Countermeasures with numbers: which rules of the library fire for each unit, on which
indicators, what each aims at and what it is expected to add to the total.

A rule fires for a unit when its condition holds (an indicator it names scores below the rule's
threshold; its dimension, or for ``overall`` the total, scores below it; the level is at most
it) or when it names one of the unit's ``weakest`` indicators, those losing the most points of the
total, :math:`w_j (100 - s_j)` (the report discusses them, so it says what to do about them).
Only the indicators that triggered a rule are its triggers.

Targets. A unit at level :math:`L` aims at the next level's band: an indicator scoring below the
next level's cut-off :math:`c_{L+1}` aims at it; one already there aims at the best score among
the units it is compared with (the province's districts, or its shown stations), and the best
unit itself at the goalpost best (score 100); at the top level, the province best. A target
score :math:`t` is the indicator value :math:`x = worst + t (best - worst) / 100` by the
indicator's goalposts (the inverse of its scoring).

What a rule acts on: the indicators that triggered it; for a dimension or level rule also the
indicators it names (a dimension rule without any: the dimension's indicators) that are below
their targets; a level rule naming none acts through the unit's path to the next level
(:mod:`evalkit.analysis.next_level`).

Gain: the total after the rule's indicators reach their targets minus the total now, computed by
re-aggregating with the evaluation's aggregator and weights. Under the weighted sum this is
exactly :math:`\sum_j w_j (t_j - s_j)` with :math:`w_j` the effective global weight; under an
aggregator that scores a unit relative to the others (no :data:`Nodes` given) it is that sum with
the global weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .diagnose import RecommendationRule
from .next_level import Nodes

#: target bases, in the order of the codes
BASES = ("next_level", "province_best", "goalpost_best")
#: trigger reasons, in the order of the codes
REASONS = ("indicator_below", "weakest", "dimension_below", "level_at_most")
CONDITION_CODE = {"indicator_below": 0, "dimension_below": 1, "level_at_most": 2}


@dataclass(frozen=True)
class RuleArrays:
    """The library as arrays over the tree's indicators (R rules, n indicators, D dimensions):
    ``cond`` (R,) CONDITION_CODE, ``threshold`` (R,), ``listed`` (R, n) the indicators a rule
    names, ``dim`` (R,) its dimension's index (-1 overall), ``acts`` (R, n) what a dimension or
    level rule acts on (its indicators; a dimension rule naming none: the dimension's)."""

    cond: np.ndarray
    threshold: np.ndarray
    listed: np.ndarray
    dim: np.ndarray
    acts: np.ndarray


def rule_arrays(
    rules: list[RecommendationRule] | tuple[RecommendationRule, ...],
    leaf_ids: list[str],
    dim_ids: list[str],
    leaf_dim: np.ndarray,
) -> RuleArrays:
    """:class:`RuleArrays` of a library for a tree's indicators and dimensions."""
    col = {leaf: j for j, leaf in enumerate(leaf_ids)}
    r, n = len(rules), len(leaf_ids)
    listed = np.zeros((r, n), dtype=bool)
    for i, rule in enumerate(rules):  # the library's rules, not units
        listed[i, [col[x] for x in rule.indicators if x in col]] = True
    dim = np.array([dim_ids.index(x.dimension) if x.dimension in dim_ids else -1 for x in rules])
    cond = np.array([CONDITION_CODE[x.condition] for x in rules], dtype=int)
    own = (leaf_dim[None, :] == dim[:, None]) & (dim[:, None] >= 0)
    acts = np.where(listed.any(axis=1)[:, None] | (cond != 1)[:, None], listed, own)
    threshold = np.array([x.threshold for x in rules], dtype=float)
    return RuleArrays(cond.reshape(r), threshold.reshape(r), listed, dim.reshape(r), acts)


@dataclass(frozen=True)
class ActionInput:
    """One kind of unit (districts, or shown stations): ``scores`` (U, n), ``dims`` (U, D),
    ``total`` (U,), ``level`` (U,), ``cutoffs`` (K,), ``weights`` (n,) global weights, ``best``
    (n,) the best score of each indicator among these units, ``weakest`` how many indicators
    count as the weakest, ``nodes`` the aggregator (None: it scores units relative to each other,
    gains by the weighted sum), ``path_gain`` (U,) the gain of each unit's path to the next level
    (NaN without one)."""

    scores: np.ndarray
    dims: np.ndarray
    total: np.ndarray
    level: np.ndarray
    cutoffs: np.ndarray
    weights: np.ndarray
    best: np.ndarray
    weakest: int
    nodes: Nodes | None
    path_gain: np.ndarray


@dataclass(frozen=True)
class Fired:
    """The rules that fire. Per pair (m,) of unit and rule, units in order, rules in library
    order: ``unit``, ``rule``, ``gain`` (of the total), ``by_path`` (a level rule acting through
    the unit's path). Per trigger (t,): ``t_pair`` (index into the pairs), ``t_kind`` (0
    indicator, 1 dimension, 2 total), ``t_node`` (indicator or dimension index, -1 the total),
    ``t_reason`` (REASONS code). Per target (g,): ``g_pair``, ``g_leaf``, ``g_score`` (target
    score), ``g_basis`` (BASES code), ``g_gain`` (that indicator alone)."""

    unit: np.ndarray
    rule: np.ndarray
    gain: np.ndarray
    by_path: np.ndarray
    t_pair: np.ndarray
    t_kind: np.ndarray
    t_node: np.ndarray
    t_reason: np.ndarray
    g_pair: np.ndarray
    g_leaf: np.ndarray
    g_score: np.ndarray
    g_basis: np.ndarray
    g_gain: np.ndarray


def weakest_mask(scores: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """(U, n): the *k* indicators of each unit losing the most points, :math:`w_j (100 - s_j)`,
    ties by the lower score, then tree order (as :func:`~evalkit.analysis.diagnose.weakest_indicators`);
    one that loses nothing (at its best) is no weak point."""
    u, n = scores.shape
    known = ~np.isnan(scores)
    gap = np.where(known, weights[None, :] * (100.0 - scores), -np.inf)
    cols = np.broadcast_to(np.arange(n), (u, n))
    order = np.lexsort((cols, np.where(known, scores, np.inf), -gap), axis=-1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, cols, axis=-1)
    return known & (rank < k) & (gap > 0)


def target_scores(
    scores: np.ndarray, level: np.ndarray, cutoffs: np.ndarray, best: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(U, n) target scores and their BASES codes: the next level's cut-off when below it, else
    the best among the units compared when above the unit, else 100 (see the module's docstring)."""
    k = len(cutoffs)
    at = np.clip(np.nan_to_num(level).astype(int), 0, k - 1)
    nxt = np.where(level < k, cutoffs[at], np.nan)  # NaN: at the top level, no next one
    below_next = scores < nxt[:, None]
    below_best = scores < best[None, :]
    target = np.where(below_next, nxt[:, None], np.where(below_best, best[None, :], 100.0))
    basis = np.where(below_next, 0, np.where(below_best, 1, 2))
    return target, basis


def _gains(inp: ActionInput, rows: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Total of each row of indicator scores minus its unit's total now."""
    if len(rows) == 0:
        return np.empty(0)
    if inp.nodes is None:
        delta = np.nan_to_num(rows - inp.scores[unit])
        return delta @ inp.weights
    return inp.nodes(rows)[:, 0] - inp.total[unit]


def fire_rules(inp: ActionInput, rules: RuleArrays) -> Fired:
    """Every rule that fires for every unit, with its triggers, targets and gains."""
    s = inp.scores
    known = ~np.isnan(s)
    is_ind, is_dim, is_lvl = (rules.cond == c for c in (0, 1, 2))
    thr = rules.threshold
    # (U, R, n): indicators below their rule's threshold; the weakest among those a rule names
    below = known[:, None, :] & (s[:, None, :] < thr[None, :, None])
    below &= rules.listed[None] & is_ind[None, :, None]
    weak = weakest_mask(s, inp.weights, inp.weakest)
    weak_trig = weak[:, None, :] & rules.listed[None] & ~below
    has_dim = (rules.dim >= 0)[None, :]
    node = np.where(has_dim, inp.dims[:, np.maximum(rules.dim, 0)], inp.total[:, None])  # (U, R)
    dim_fire = is_dim[None, :] & (node < thr[None, :])
    lvl_fire = is_lvl[None, :] & (inp.level[:, None] <= thr[None, :])
    fires = below.any(axis=2) | weak_trig.any(axis=2) | dim_fire | lvl_fire
    target, basis = target_scores(s, inp.level, inp.cutoffs, inp.best)
    room = known & (target > s)
    acts = (below | weak_trig) & room[:, None, :]
    acts |= (dim_fire | lvl_fire)[:, :, None] & rules.acts[None] & room[:, None, :]
    unit, rule = np.nonzero(fires)
    pair_acts = acts[unit, rule]  # (m, n)
    by_path = lvl_fire[unit, rule] & ~rules.acts[rule].any(axis=1)
    rows = np.where(pair_acts, target[unit], s[unit])
    gain = _gains(inp, rows, unit)
    gain = np.where(by_path, np.nan_to_num(inp.path_gain[unit]), gain)
    # each indicator alone at its target: rows (U * n)
    u_all, n_all = np.nonzero(np.ones(s.shape, dtype=bool))
    alone_rows = s[u_all].copy()
    alone_rows[np.arange(len(u_all)), n_all] = target[u_all, n_all]
    alone = _gains(inp, alone_rows, u_all).reshape(s.shape)
    g_pair, g_leaf = np.nonzero(pair_acts)
    g_unit = unit[g_pair]
    # triggers: indicators (below a threshold or among the weakest), dimensions, levels
    tb_pair, tb_leaf = np.nonzero(below[unit, rule])
    tw_pair, tw_leaf = np.nonzero(weak_trig[unit, rule])
    td_pair = np.flatnonzero(dim_fire[unit, rule])
    tl_pair = np.flatnonzero(lvl_fire[unit, rule])
    t_pair = np.concatenate([tb_pair, tw_pair, td_pair, tl_pair])
    t_kind = np.concatenate(
        [
            np.zeros(len(tb_pair) + len(tw_pair), int),
            np.where(rules.dim[rule[td_pair]] >= 0, 1, 2),
            np.full(len(tl_pair), 2),
        ]
    )
    t_node = np.concatenate([tb_leaf, tw_leaf, rules.dim[rule[td_pair]], np.full(len(tl_pair), -1)])
    t_reason = np.concatenate(
        [
            np.zeros(len(tb_pair), int),
            np.ones(len(tw_pair), int),
            np.full(len(td_pair), 2),
            np.full(len(tl_pair), 3),
        ]
    )
    sort = np.lexsort((t_node, t_reason, t_pair))
    return Fired(
        unit=unit,
        rule=rule,
        gain=gain,
        by_path=by_path,
        t_pair=t_pair[sort],
        t_kind=t_kind[sort],
        t_node=t_node[sort],
        t_reason=t_reason[sort],
        g_pair=g_pair,
        g_leaf=g_leaf,
        g_score=target[g_unit, g_leaf],
        g_basis=basis[g_unit, g_leaf],
        g_gain=alone[g_unit, g_leaf],
    )
