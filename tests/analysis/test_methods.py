"""Rankings under several methods: Kendall's tau, Spearman's rho, the units that move."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evalkit.analysis.methods import compare_rankings

UNITS = pd.Index(["a", "b", "c", "d"], name="district")


def test_one_swap_of_four_by_hand() -> None:
    s = {
        "weighted_sum": pd.Series([90.0, 80.0, 70.0, 60.0], index=UNITS),
        "topsis": pd.Series([0.8, 0.9, 0.5, 0.1], index=UNITS),  # a and b swap
    }
    c = compare_rankings(s)
    assert c.table["rank_weighted_sum"].tolist() == [1, 2, 3, 4]
    assert c.table["rank_topsis"].tolist() == [2, 1, 3, 4]
    row = c.agreement.iloc[0]
    # 6 pairs, 5 concordant, 1 discordant: tau = 4/6; rho = 1 - 6 * 2 / (4 * 15) = 0.8
    assert row["kendall_tau"] == pytest.approx(2 / 3)
    assert row["spearman_rho"] == pytest.approx(0.8)
    assert row["n"] == 4
    assert c.tau("topsis", "weighted_sum") == pytest.approx(2 / 3)
    assert c.table["move"].tolist() == [1, 1, 0, 0]
    assert c.movers().index.tolist() == ["a", "b"]  # by the headline's rank on a tie


def test_reversed_ranking_is_minus_one_and_moves_most() -> None:
    s = {
        "m1": pd.Series([4.0, 3.0, 2.0, 1.0], index=UNITS),
        "m2": pd.Series([1.0, 2.0, 3.0, 4.0], index=UNITS),
        "m3": pd.Series([4.0, 3.0, 2.0, 1.0], index=UNITS),
    }
    c = compare_rankings(s)
    assert c.tau("m1", "m2") == pytest.approx(-1.0)
    assert c.tau("m1", "m3") == pytest.approx(1.0)
    assert len(c.agreement) == 3
    assert c.movers(n=2).index.tolist() == ["a", "d"]
    assert c.movers(n=2)["move"].tolist() == [3, 3]


def test_a_unit_without_score_is_left_out_of_the_pair() -> None:
    s = {
        "m1": pd.Series([4.0, 3.0, np.nan, 1.0], index=UNITS),
        "m2": pd.Series([4.0, 3.0, 2.0, 1.0], index=UNITS),
    }
    c = compare_rankings(s)
    assert c.agreement.iloc[0]["n"] == 3
    assert c.agreement.iloc[0]["kendall_tau"] == pytest.approx(1.0)
    assert np.isnan(c.table.loc["c", "rank_m1"])


def test_a_single_method_has_no_pairs() -> None:
    c = compare_rankings({"m1": pd.Series([1.0, 2.0], index=UNITS[:2])})
    assert c.agreement.empty
    assert c.movers().empty
