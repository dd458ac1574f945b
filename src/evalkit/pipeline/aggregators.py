r"""Aggregators: how indicator scores (0-100) become every node's score, chosen by ``scoring.method``.

Each takes the tree, the units' leaf scores (units x leaves) and the local weights, and returns
every node's score (units x nodes, the goal included, tree pre-order). Vectorised over units; the
loop runs over tree levels.

- ``weighted_sum`` (default): :math:`S_p = \sum_j w_j S_j / \sum_{j\ known} w_j`, full
  compensation between siblings (OECD/JRC Handbook on Constructing Composite Indicators, 2008,
  §6.1).
- ``geometric``: :math:`S_p = \exp(\sum_j w_j \ln \max(S_j, 1) / \sum_{j\ known} w_j)`, partial
  compensation: a low score is harder to make up (Handbook 2008, §6.2). Scores are floored at 1
  on the 0-100 scale, since a single 0 would make every ancestor 0.

``topsis``, ``grey_relational`` and ``fuzzy`` are in :mod:`evalkit.pipeline.mcda` (imported at
the end of this module). Adding an aggregator is adding one function registered with
``@AGGREGATORS.register``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..score.aggregate import aggregate_scores
from ..tree import IndicatorTree, Node
from .registry import AGGREGATORS

GEOMETRIC_FLOOR = 1.0


@AGGREGATORS.register(
    "weighted_sum",
    zh="加权求和",
    en="weighted sum",
    source="OECD/JRC Handbook on Constructing Composite Indicators (2008), 6.1",
)
def weighted_sum(tree: IndicatorTree, leaf_scores: pd.DataFrame, local: pd.Series) -> pd.DataFrame:
    """Weighted arithmetic mean up the tree (a missing child's weight is renormalised away)."""
    return aggregate_scores(tree, leaf_scores, local)


@AGGREGATORS.register(
    "geometric",
    zh="加权几何平均",
    en="weighted geometric mean",
    source="OECD/JRC Handbook on Constructing Composite Indicators (2008), 6.2",
)
def geometric(tree: IndicatorTree, leaf_scores: pd.DataFrame, local: pd.Series) -> pd.DataFrame:
    """Weighted geometric mean up the tree, scores floored at 1 (of 100)."""
    out: dict[str, np.ndarray] = {}

    def visit(node: Node) -> np.ndarray:
        if node.is_leaf:
            out[node.id] = leaf_scores[node.id].to_numpy(dtype=float)
            return out[node.id]
        kids = np.column_stack([visit(c) for c in node.children])
        w = np.array([local[c.id] for c in node.children], dtype=float)
        known = ~np.isnan(kids)
        logs = np.log(np.maximum(np.where(known, kids, 1.0), GEOMETRIC_FLOOR))
        num = np.where(known, logs, 0.0) @ w
        den = known.astype(float) @ w
        mean = np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)
        out[node.id] = np.exp(mean)
        return out[node.id]

    visit(tree.goal)
    order = [n.id for n in tree.goal.walk()]
    return pd.DataFrame({k: out[k] for k in order}, index=leaf_scores.index)


# the evaluation toolbox's aggregators (topsis, grey_relational, fuzzy), registered after these
from . import mcda as mcda  # noqa: E402
