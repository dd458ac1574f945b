"""AHP kernels: published examples and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.errors import MethodError
from evalkit.weights.ahp import aggregate_aij, ahp_priorities, complete_reciprocal, random_index

# Saaty (1990) "How to make a decision: the analytic hierarchy process", EJOR 48, 9-26:
# the house-buying example, 8 criteria.
SAATY_HOUSE_UPPER = np.array(
    [
        [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
        [0, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
        [0, 0, 1, 6, 3, 4, 6, 1 / 5],
        [0, 0, 0, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
        [0, 0, 0, 0, 1, 1 / 2, 1 / 5, 1 / 6],
        [0, 0, 0, 0, 0, 1, 1 / 5, 1 / 6],
        [0, 0, 0, 0, 0, 0, 1, 1 / 2],
        [0, 0, 0, 0, 0, 0, 0, 1],
    ]
)


def test_ahp_saaty1990_house() -> None:
    res = ahp_priorities(complete_reciprocal(SAATY_HOUSE_UPPER))
    assert res.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert res.ci == pytest.approx(0.238, abs=5e-4)
    assert res.cr == pytest.approx(0.169, abs=5e-4)
    assert res.ri_table == "saaty"
    expected = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    np.testing.assert_allclose(res.weights, expected, atol=6e-4)


def test_cr_depends_on_named_ri_table() -> None:
    a = complete_reciprocal(SAATY_HOUSE_UPPER)
    saaty = ahp_priorities(a, ri_table="saaty")
    chinese = ahp_priorities(a, ri_table="chinese_common")
    assert chinese.cr == pytest.approx(saaty.ci / 1.41)
    assert chinese.ri_table == "chinese_common"


def test_small_matrices_have_zero_cr() -> None:
    assert ahp_priorities(np.array([[1.0, 3.0], [1 / 3, 1.0]])).cr == 0.0
    np.testing.assert_allclose(
        ahp_priorities(np.array([[1.0, 3.0], [1 / 3, 1.0]])).weights, [0.75, 0.25]
    )


def test_ri_table_range_error_names_covering_tables() -> None:
    with pytest.raises(MethodError, match=r"covers n = 1\.\.15"):
        random_index(16)
    with pytest.raises(MethodError, match="unknown RI table"):
        random_index(3, "nope")


weights_strategy = st.lists(st.floats(0.05, 10.0), min_size=2, max_size=9)


@settings(max_examples=60, deadline=None)
@given(weights_strategy)
def test_consistent_matrix_recovers_weights_with_zero_cr(w: list[float]) -> None:
    w_arr = np.asarray(w)
    a = w_arr[:, None] / w_arr[None, :]
    res = ahp_priorities(a)
    np.testing.assert_allclose(res.weights, w_arr / w_arr.sum(), rtol=1e-8)
    assert res.cr == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 9), st.integers(0, 10_000))
def test_lambda_max_at_least_n_and_weights_valid(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])
    up = np.triu(rng.choice(scale, size=(n, n)), 1)
    a = complete_reciprocal(up + np.tril(np.ones((n, n))))
    res = ahp_priorities(a)
    assert res.lambda_max >= n - 1e-9
    assert np.all(res.weights > 0)
    assert res.weights.sum() == pytest.approx(1.0)
    perm = rng.permutation(n)
    res_p = ahp_priorities(a[np.ix_(perm, perm)])
    np.testing.assert_allclose(res_p.weights, res.weights[perm], rtol=1e-7)


def test_batched_equals_one_by_one() -> None:
    rng = np.random.default_rng(1)
    scale = np.array([1 / 5, 1 / 3, 1, 3, 5])
    stack = np.stack(
        [complete_reciprocal(np.triu(rng.choice(scale, (5, 5)), 1)) for _ in range(20)]
    )
    batch = ahp_priorities(stack)
    for i in range(20):
        one = ahp_priorities(stack[i])
        np.testing.assert_allclose(batch.weights[i], one.weights, rtol=1e-10)
        assert batch.cr[i] == pytest.approx(one.cr)


def test_aij_of_identical_experts_is_that_expert_and_reciprocal() -> None:
    a = complete_reciprocal(SAATY_HOUSE_UPPER)
    np.testing.assert_allclose(aggregate_aij(np.stack([a, a, a])), a)
    b = complete_reciprocal(np.triu(np.full((8, 8), 3.0), 1))
    g = aggregate_aij(np.stack([a, b]), expert_weights=[3, 1])
    np.testing.assert_allclose(g * g.T, np.ones((8, 8)))
    np.testing.assert_allclose(g[0, 1], 5**0.75 * 3**0.25)


def test_non_positive_judgment_rejected() -> None:
    with pytest.raises(MethodError):
        ahp_priorities(np.array([[1.0, -3.0], [1 / 3, 1.0]]))
