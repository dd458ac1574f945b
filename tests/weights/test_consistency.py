"""Most inconsistent judgment, repair, consensus, group aggregation, incomplete-graph errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.errors import MethodError
from evalkit.weights import (
    aggregate_judgments,
    ahp_consensus,
    ahp_priorities,
    complete_reciprocal,
    gci,
    most_inconsistent,
    repair,
    saaty_round,
)

from .test_ahp import SAATY_HOUSE_UPPER

HOUSE = complete_reciprocal(SAATY_HOUSE_UPPER)
nan = np.nan


def test_most_inconsistent_saaty1990_house_is_a37() -> None:
    i, j, current, suggested = most_inconsistent(HOUSE)
    w = ahp_priorities(HOUSE).weights
    assert (i, j, current) == (2, 6, 6.0)  # a_37 in Saaty's 1-based numbering
    assert suggested == pytest.approx(w[2] / w[6])
    assert most_inconsistent(HOUSE).saaty == 1.0


def test_most_inconsistent_finds_a_planted_error() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = w[:, None] / w[None, :]
    a[0, 3], a[3, 0] = 1 / 4, 4.0  # should be 4
    j = most_inconsistent(pd.DataFrame(a, index=list("wxyz"), columns=list("wxyz")))
    assert (j.i, j.j) == (0, 3) and j.pair == "w vs z"
    assert j.suggested > 3 * j.current  # moves towards the planted 4


def test_repair_saaty1990_house_one_change_and_audit() -> None:
    res = repair(HOUSE, max_cr=0.1)
    assert res.cr_before == pytest.approx(0.169, abs=5e-4)
    assert res.ok and res.cr_after <= 0.1
    assert len(res.changes) == 1  # one change suffices, so repair must use exactly one
    m, changes = res
    assert np.allclose(m * m.T, 1.0)
    assert str(changes[0]).startswith("a[")
    assert "->" in res.audit()
    assert np.array_equal(HOUSE, complete_reciprocal(SAATY_HOUSE_UPPER))  # input untouched


def test_repair_consistent_matrix_changes_nothing() -> None:
    w = np.array([0.5, 0.3, 0.2])
    res = repair(w[:, None] / w[None, :])
    assert res.changes == [] and res.ok


@settings(max_examples=25, deadline=None)
@given(st.integers(4, 7), st.integers(0, 10_000))
def test_repair_reaches_threshold_with_saaty_values(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])
    a = complete_reciprocal(np.triu(rng.choice(scale, (n, n)), 1))
    res = repair(a, max_cr=0.1)
    if res.ok:
        assert ahp_priorities(res.matrix).cr <= 0.1 + 1e-12
    for c in res.changes:
        assert saaty_round(c.new) == c.new


def test_consensus_identical_experts_is_one_and_disagreement_lower() -> None:
    w = np.array([[0.5, 0.3, 0.2]] * 3)
    assert ahp_consensus(w) == pytest.approx(1.0)
    opposed = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    assert ahp_consensus(opposed) < 0.2
    assert np.isnan(ahp_consensus(w[:1]))


def test_gci_zero_for_consistent_positive_otherwise() -> None:
    w = np.array([0.5, 0.3, 0.2])
    assert gci(w[:, None] / w[None, :]) == pytest.approx(0.0, abs=1e-12)
    assert gci(HOUSE) > 0.3


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 8), st.integers(1, 5), st.integers(0, 10_000))
def test_aij_and_aip_of_identical_experts_is_that_expert(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    scale = np.array([1 / 5, 1 / 3, 1, 3, 5])
    a = complete_reciprocal(np.triu(rng.choice(scale, (n, n)), 1))
    one = ahp_priorities(a)
    for method in ("aij", "aip"):
        g = aggregate_judgments(np.stack([a] * k), method=method)
        np.testing.assert_allclose(g.weights, one.weights, rtol=1e-9)
    assert aggregate_judgments(np.stack([a] * k)).group.cr == pytest.approx(one.cr)


def test_aggregate_with_missing_judgments_uses_the_experts_who_gave_them() -> None:
    a = np.array([[1, 3, nan], [1 / 3, 1, 2], [nan, 1 / 2, 1]])
    b = np.array([[1, 3, 6], [1 / 3, 1, 2], [1 / 6, 1 / 2, 1]])
    g = aggregate_judgments(np.stack([a, b]))
    assert g.matrix[0, 2] == pytest.approx(6.0)


def test_disconnected_judgments_name_the_groups() -> None:
    a = np.array([[1, 2, nan, nan], [1 / 2, 1, nan, nan], [nan, nan, 1, 3], [nan, nan, 1 / 3, 1]])
    with pytest.raises(MethodError, match=r"\{p, q\}; \{r, s\}"):
        ahp_priorities(a, labels=list("pqrs"))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.05, 10.0), min_size=4, max_size=8), st.integers(0, 1000))
def test_incomplete_consistent_matrix_is_completed_exactly(w: list[float], seed: int) -> None:
    wa = np.asarray(w)
    n = wa.size
    a = wa[:, None] / wa[None, :]
    rng = np.random.default_rng(seed)
    # drop judgments off a spanning path so the graph stays connected
    for i in range(n):
        for j in range(i + 2, n):
            if rng.random() < 0.5:
                a[i, j] = a[j, i] = nan
    for how in ("lambda_max", "llsm"):
        res = ahp_priorities(a, incomplete=how)
        np.testing.assert_allclose(res.weights, wa / wa.sum(), rtol=1e-6)
        assert res.cr == pytest.approx(0.0, abs=1e-8)


def test_hierarchical_cr_weights_ci_and_ri_by_global_weight() -> None:
    from evalkit.weights import hierarchical_cr

    # Saaty's composition: two criteria with weights 0.6 / 0.4 and sub-matrices of CI 0.02 / 0.05
    # (n = 4 and 3, RI 0.90 and 0.58): CR = (0.6*0.02 + 0.4*0.05) / (0.6*0.90 + 0.4*0.58)
    assert hierarchical_cr([0.02, 0.05], [0.90, 0.58], [0.6, 0.4]) == pytest.approx(
        (0.012 + 0.02) / (0.54 + 0.232)
    )
    assert hierarchical_cr([0.0], [0.0], [1.0]) == 0.0
