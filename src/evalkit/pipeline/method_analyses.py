"""Analyses of the evaluation toolbox: ``fuzzy``, ``methods``, ``obstacles``.

- ``fuzzy``: the fuzzy comprehensive evaluation of every district and station from the data
  (:func:`evalkit.analysis.fuzzy_eval.fuzzy_comprehensive`): membership vectors of every
  indicator, dimension and the total, the maximum-membership grade with its fragility flag and
  the score B · C.
- ``methods``: every district's and shown station's score and rank under the headline
  aggregator and each of ``scoring.compare``, Kendall's tau and Spearman's rho between the
  rankings, and the units whose rank moves most (:mod:`evalkit.analysis.methods`). Every method
  uses the evaluation's weights; stations are ranked across the province, as
  ``rank_in_province``, those not shown (fewer than ``report.min_respondents`` officers) left out.
- ``obstacles``: obstacle degrees of every district and station at indicator and dimension level
  (:mod:`evalkit.analysis.obstacle`): the points lost, global weight x (100 − score), as shares of
  the unit's total loss. They use the goalpost scores and global weights whatever the headline
  aggregator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..analysis.fuzzy_eval import FuzzyEvaluation, fuzzy_comprehensive
from ..analysis.methods import RankComparison, compare_rankings
from ..analysis.obstacle import ObstacleTable, obstacle_table
from .registry import AGGREGATORS, ANALYSES

if TYPE_CHECKING:  # pragma: no cover
    from .evaluation import Evaluation


@ANALYSES.register(
    "fuzzy",
    zh="模糊综合评价",
    en="fuzzy comprehensive evaluation",
    source="Wang Peizhuang (1983); SPSSAU 模糊综合评价; Pedrycz (1994)",
)
def fuzzy(ev: Evaluation) -> FuzzyEvaluation:
    """Memberships, grades, fragility and B · C of every district and station."""
    p = ev.prepared
    return fuzzy_comprehensive(
        ev.tree,
        ev.survey.responses,
        p.station_leaf_scores,
        p.district_leaf_scores,
        ev.weights.local,
    )


@dataclass(frozen=True)
class MethodComparison:
    """Districts and shown stations under each method (headline first)."""

    methods: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    sources: dict[str, str]
    districts: RankComparison
    stations: RankComparison


@ANALYSES.register(
    "methods",
    zh="方法比较",
    en="comparison of methods",
    source="Kendall (1945); Spearman (1904)",
)
def methods(ev: Evaluation) -> MethodComparison:
    """Scores and ranks under the headline aggregator and each of ``scoring.compare``."""
    p = ev.prepared
    goal = ev.tree.goal.id
    names = (ev.scoring, *(m for m in ev.spec.scoring.compare if m != ev.scoring))
    shown = pd.Series(ev.stations["shown"].to_numpy(), index=ev.station_scores.index)
    di: dict[str, pd.Series] = {}
    st: dict[str, pd.Series] = {}
    for name in names:
        if name == ev.scoring:
            d_scores, s_scores = ev.district_scores, ev.station_scores
        else:
            aggregate = AGGREGATORS[name].func
            d_scores = aggregate(ev.tree, p.district_leaf_scores, ev.weights.local)
            s_scores = aggregate(ev.tree, p.station_leaf_scores, ev.weights.local)
        di[name] = d_scores[goal]
        st[name] = s_scores[goal][shown.reindex(s_scores.index).fillna(False).to_numpy(bool)]
    return MethodComparison(
        methods=names,
        labels={m: AGGREGATORS[m].label for m in names},
        sources={m: AGGREGATORS[m].source for m in names},
        districts=compare_rankings(di),
        stations=compare_rankings(st),
    )


@dataclass(frozen=True)
class Obstacles:
    """Obstacle degrees of every district and every station."""

    districts: ObstacleTable
    stations: ObstacleTable


@ANALYSES.register(
    "obstacles",
    zh="障碍度",
    en="obstacle degrees",
    source="obstacle-degree model: factor contribution x indicator deviation, normalised",
)
def obstacles(ev: Evaluation) -> Obstacles:
    """Obstacle degrees at indicator and dimension level."""
    p = ev.prepared
    w = ev.weights.global_
    dims = ev.tree.dimension_of()
    return Obstacles(
        districts=obstacle_table(p.district_leaf_scores, w, dims),
        stations=obstacle_table(p.station_leaf_scores, w, dims),
    )
