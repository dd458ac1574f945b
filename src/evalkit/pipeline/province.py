"""The province's figures beside which each district is reported (``ev.analysis("province")``).

For every node of the tree (the goal, the dimensions, the indicators), over the districts
assessed: the mean score, the best score, each district's rank and each district's maturity level
by the tree's cut-offs. The reports read them; nothing is computed in a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .registry import ANALYSES

if TYPE_CHECKING:  # pragma: no cover
    from .evaluation import Evaluation


@dataclass(frozen=True)
class Province:
    """mean, best: every node's mean and highest score over the districts (NaN left out);
    ranks: district x node, 1 = best, tied districts share the better rank, NaN without a score;
    levels: district x node, the level of the node's score by the tree's cut-offs (1-based;
    NaN without a score)."""

    mean: pd.Series
    best: pd.Series
    ranks: pd.DataFrame
    levels: pd.DataFrame


@ANALYSES.register("province", zh="全省对比", en="province figures")
def province(ev: Evaluation) -> Province:
    r"""Mean :math:`\bar s_j = \frac1m \sum_d s_{dj}`, best :math:`\max_d s_{dj}`, rank
    :math:`1 + \#\{e : s_{ej} > s_{dj}\}` and level :math:`\max\{k : s_{dj} \ge c_k\}` of every
    node *j* over the *m* districts assessed."""
    scores = ev.district_scores
    cutoffs = np.array([lv.min_score for lv in ev.tree.levels], dtype=float)
    x = scores.to_numpy(dtype=float)
    lv = np.clip(np.searchsorted(cutoffs, x, side="right"), 1, len(cutoffs))
    return Province(
        mean=scores.mean(axis=0),
        best=scores.max(axis=0),
        ranks=scores.rank(ascending=False, method="min"),
        levels=pd.DataFrame(
            np.where(np.isnan(x), np.nan, lv), index=scores.index, columns=scores.columns
        ),
    )
