r"""Aggregate indicator scores up the tree by weighted sums.

.. math:: S_{parent}(u) = \frac{\sum_{j \in children} w_j S_j(u)}{\sum_{j: S_j(u)\ known} w_j}

A missing child score drops out and its siblings' weights are renormalised (the caller records a
warning), so a parent's score always lies between its children's minimum and maximum. Vectorised
over units; the loop runs over tree levels (nodes), never over units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tree import IndicatorTree


def aggregate_scores(
    tree: IndicatorTree, leaf_scores: pd.DataFrame, local: pd.Series
) -> pd.DataFrame:
    r"""Scores of every node (goal included) for every unit; columns in tree pre-order.

    .. math:: S_{parent}(u) = \frac{\sum_{j \in children} w_j S_j(u)}
              {\sum_{j:\ S_j(u)\ known} w_j}

    (linear additive aggregation; OECD/JRC (2008), *Handbook on Constructing Composite
    Indicators*, section 6.1.) ``local`` holds each node's local weight.
    """
    out: dict[str, np.ndarray] = {}

    def visit(node) -> np.ndarray:
        if node.is_leaf:
            out[node.id] = leaf_scores[node.id].to_numpy(dtype=float)
            return out[node.id]
        kids = np.column_stack([visit(c) for c in node.children])
        w = np.array([local[c.id] for c in node.children], dtype=float)
        known = ~np.isnan(kids)
        num = np.where(known, kids, 0.0) @ w
        den = known.astype(float) @ w
        out[node.id] = np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)
        return out[node.id]

    visit(tree.goal)
    order = [n.id for n in tree.goal.walk()]
    return pd.DataFrame({k: out[k] for k in order}, index=leaf_scores.index)


def rank_desc(values: pd.Series) -> pd.Series:
    """1 = highest; ties share the better rank (competition ranking); NaN stays NaN."""
    return values.rank(ascending=False, method="min")
