r"""Rankings under several aggregation methods side by side, and how far they agree.

For each pair of methods, over the units both rank:

- Kendall's :math:`\tau_b = (n_c - n_d) / \sqrt{(n_0 - n_1)(n_0 - n_2)}` (concordant minus
  discordant pairs, ties corrected; Kendall 1945, "The treatment of ties in ranking problems",
  Biometrika 33(3)), with its p-value;
- Spearman's :math:`\rho`, the Pearson correlation of the ranks (Spearman 1904), with its p-value;

both from :mod:`scipy.stats` (``kendalltau``, ``spearmanr``). With few units the p-values mean
little (4 districts have 24 orders); the coefficients are descriptive. A unit's *move* is the
spread of its ranks, :math:`\max_m r_m - \min_m r_m`: the units that move most are those whose
place depends on the method.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class RankComparison:
    """One kind of unit under several methods.

    table: one row per unit (the units' index): ``score_<method>`` and ``rank_<method>`` for
    every method (headline first; rank 1 = highest score, ties share the better rank), ``move``
    (largest minus smallest rank). agreement: one row per pair of methods: method_a, method_b,
    n (units ranked by both), kendall_tau, kendall_p, spearman_rho, spearman_p.
    """

    methods: tuple[str, ...]
    table: pd.DataFrame
    agreement: pd.DataFrame

    def movers(self, n: int = 5) -> pd.DataFrame:
        """The *n* units whose rank moves most between methods (those that move at all), the
        largest move first, then by the headline method's rank."""
        t = self.table[self.table["move"] > 0]
        head = f"rank_{self.methods[0]}"
        return t.sort_values(["move", head], ascending=[False, True], kind="stable").head(n)

    def tau(self, a: str, b: str) -> float:
        """Kendall's tau between the rankings of methods *a* and *b*."""
        row = self.agreement[
            ((self.agreement["method_a"] == a) & (self.agreement["method_b"] == b))
            | ((self.agreement["method_a"] == b) & (self.agreement["method_b"] == a))
        ]
        return float(row["kendall_tau"].iloc[0]) if len(row) else float("nan")


def compare_rankings(scores: dict[str, pd.Series]) -> RankComparison:
    """Scores of the same units under each method (headline first) -> ranks and agreement."""
    methods = tuple(scores)
    if not methods:
        raise ValueError("no method to compare")
    index = next(iter(scores.values())).index
    table = pd.DataFrame(index=index)
    for m in methods:
        table[f"score_{m}"] = scores[m].reindex(index).to_numpy(dtype=float)
    for m in methods:
        table[f"rank_{m}"] = table[f"score_{m}"].rank(ascending=False, method="min")
    ranks = table[[f"rank_{m}" for m in methods]].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        table["move"] = np.nanmax(ranks, axis=1) - np.nanmin(ranks, axis=1)
    rows = []
    for a, b in itertools.combinations(methods, 2):
        ra, rb = table[f"rank_{a}"].to_numpy(), table[f"rank_{b}"].to_numpy()
        both = ~(np.isnan(ra) | np.isnan(rb))
        n = int(both.sum())
        tau = tau_p = rho = rho_p = float("nan")
        if n >= 2:
            with warnings.catch_warnings():
                # a constant ranking has no correlation: scipy warns and returns NaN
                warnings.simplefilter("ignore")
                k = stats.kendalltau(ra[both], rb[both])
                s = stats.spearmanr(ra[both], rb[both])
            tau, tau_p = float(k.statistic), float(k.pvalue)
            rho, rho_p = float(s.statistic), float(s.pvalue)
        rows.append(
            {
                "method_a": a,
                "method_b": b,
                "n": n,
                "kendall_tau": tau,
                "kendall_p": tau_p,
                "spearman_rho": rho,
                "spearman_p": rho_p,
            }
        )
    cols = ["method_a", "method_b", "n", "kendall_tau", "kendall_p", "spearman_rho", "spearman_p"]
    return RankComparison(methods, table, pd.DataFrame(rows, columns=cols))


__all__ = ["RankComparison", "compare_rankings"]
