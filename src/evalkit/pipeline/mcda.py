r"""Aggregators of the evaluation toolbox: ``topsis``, ``grey_relational``, ``fuzzy``.

Each has the aggregator interface ``f(tree, leaf_scores, local) -> node scores`` and works on the
0-100 goalpost scores of the indicators (the direction is applied by the goalposts, so every
column is a benefit) with the weights of the evaluation. Indicators keep their goalpost scores;
**every criterion (the total, each dimension, any sub-criterion) is scored by the same method
applied to the indicators under it**, weighted by their weights relative to it (the product of the
local weights from it down to the indicator; for the total, the global weights). A node's score
is therefore the method's verdict on that part of the tree alone, not a combination of its
children's verdicts.

- ``topsis``: :math:`100\,C` with :math:`C` the classic TOPSIS closeness
  (:func:`evalkit.score.topsis`, vector normalisation; Hwang & Yoon 1981). Closeness is relative
  to the units assessed together (stations among stations, districts among districts): the best
  unit on every indicator scores 100 and the worst 0, whatever their goalpost scores. A dimension
  of one indicator scores :math:`100 (x - \min x) / (\max x - \min x)`.
- ``grey_relational``: :math:`100\,\gamma` with :math:`\gamma` the grey relational grade with the
  ideal (:func:`evalkit.score.grey_relational`, ρ = 0.5; Deng Julong 1982). Also relative; with
  ρ = 0.5 a grade is never below 1/3, so the scores lie in [33.3, 100].
- ``fuzzy``: :math:`B \cdot C` of the fuzzy comprehensive evaluation
  (:mod:`evalkit.analysis.fuzzy_eval`), the indicators' memberships taken from their scores by
  triangular functions over the grade points, composed up the tree with the local weights by the
  weighted average :math:`M(\cdot, \oplus)`, grade scores C at the grade points (0, 25, ..., 100
  for a five-point scale). This aggregator sees scores only, not answers: with these choices it
  equals the weighted sum (the operator is linear and the memberships reproduce each score), and
  the fuzzy analysis (``ev.analysis("fuzzy")``) is where the answers' distribution shows.

The maturity levels are defined on goalpost scores; under ``topsis`` and ``grey_relational`` a
level says where a unit stands among those assessed, not how far it is from the goalposts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.fuzzy_eval import comment_set, compose_tree, leaf_membership
from ..score.fuzzy import fuzzy_score
from ..score.grey import grey_relational
from ..score.topsis import topsis
from ..tree import IndicatorTree, Node
from .registry import AGGREGATORS


def relative_leaf_weights(tree: IndicatorTree, local: pd.Series) -> dict[str, dict[str, float]]:
    """For every criterion, its indicators' weights relative to it: the product of the local
    weights on the path from the criterion down to the indicator."""
    out: dict[str, dict[str, float]] = {}

    def visit(node: Node) -> dict[str, float]:
        if node.is_leaf:
            return {node.id: 1.0}
        rel: dict[str, float] = {}
        for child in node.children:
            w = float(local[child.id])
            for leaf, v in visit(child).items():
                rel[leaf] = w * v
        out[node.id] = rel
        return rel

    visit(tree.goal)
    return out


def _per_criterion(tree: IndicatorTree, leaf_scores: pd.DataFrame, local: pd.Series, method):
    """Every node's score: leaves as given, each criterion by *method* over its indicators."""
    rel = relative_leaf_weights(tree, local)
    cols: dict[str, np.ndarray] = {}
    for node in tree.goal.walk():
        if node.is_leaf:
            cols[node.id] = leaf_scores[node.id].to_numpy(dtype=float)
            continue
        ids = list(rel[node.id])
        x = leaf_scores[ids].to_numpy(dtype=float)
        w = np.array([rel[node.id][i] for i in ids])
        cols[node.id] = 100.0 * method(x, w, np.ones(len(ids)))
    return pd.DataFrame(cols, index=leaf_scores.index)


@AGGREGATORS.register(
    "topsis",
    zh="TOPSIS 逼近理想解",
    en="TOPSIS (closeness to the ideal)",
    source="Hwang & Yoon (1981), Multiple Attribute Decision Making, ch. 3",
)
def topsis_aggregator(
    tree: IndicatorTree, leaf_scores: pd.DataFrame, local: pd.Series
) -> pd.DataFrame:
    """100 x TOPSIS closeness (vector normalisation) of each criterion's indicators."""
    return _per_criterion(tree, leaf_scores, local, topsis)


@AGGREGATORS.register(
    "grey_relational",
    zh="灰色关联分析",
    en="grey relational analysis",
    source="Deng Julong (1982), Control problems of grey systems, Systems & Control Letters 1(5)",
)
def grey_aggregator(
    tree: IndicatorTree, leaf_scores: pd.DataFrame, local: pd.Series
) -> pd.DataFrame:
    """100 x grey relational grade (rho = 0.5) of each criterion's indicators with the ideal."""
    return _per_criterion(tree, leaf_scores, local, grey_relational)


@AGGREGATORS.register(
    "fuzzy",
    zh="模糊综合评价",
    en="fuzzy comprehensive evaluation",
    source="Wang Peizhuang (1983); weighted-average operator M(·,⊕)",
)
def fuzzy_aggregator(
    tree: IndicatorTree, leaf_scores: pd.DataFrame, local: pd.Series
) -> pd.DataFrame:
    """B · C of every criterion, memberships from the indicators' scores (triangular)."""
    cs = comment_set(tree)
    nodes = compose_tree(tree, leaf_membership(tree, leaf_scores, cs), local)
    cols = {
        n.id: leaf_scores[n.id].to_numpy(dtype=float)
        if n.is_leaf
        else fuzzy_score(nodes[n.id], cs.scores)
        for n in tree.goal.walk()
    }
    return pd.DataFrame(cols, index=leaf_scores.index)
