"""Every AHP method, RI tables, input checks; objective weights; combination."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.errors import MethodError
from evalkit.weights import (
    RI_TABLES,
    ConstantIndicatorWarning,
    ahp_priorities,
    combine,
    critic_weights,
    cv_weights,
    entropy_weights,
    random_index,
    std_weights,
)
from evalkit.weights.ahp import LAMBDA_ESTIMATED, LAMBDA_EXACT, METHODS

weights_strategy = st.lists(st.floats(0.05, 10.0), min_size=2, max_size=9)


@settings(max_examples=40, deadline=None)
@given(weights_strategy, st.sampled_from(METHODS))
def test_consistent_matrix_recovers_weights_for_every_method(w: list[float], method: str) -> None:
    wa = np.asarray(w)
    res = ahp_priorities(wa[:, None] / wa[None, :], method=method)
    np.testing.assert_allclose(res.weights, wa / wa.sum(), rtol=1e-8)
    assert res.cr == pytest.approx(0.0, abs=1e-9)
    assert res.lambda_max_method == (LAMBDA_EXACT if method == "eigenvector" else LAMBDA_ESTIMATED)


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 9), st.integers(0, 10_000), st.sampled_from(METHODS))
def test_lambda_max_at_least_n_and_permutation_for_every_method(
    n: int, seed: int, method: str
) -> None:
    rng = np.random.default_rng(seed)
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])
    a = np.triu(rng.choice(scale, (n, n)), 1)
    a = a + np.where(a.T > 0, 1 / np.where(a.T > 0, a.T, 1), 0) + np.eye(n)
    res = ahp_priorities(a, method=method)
    assert res.lambda_max >= n - 1e-9
    perm = rng.permutation(n)
    res_p = ahp_priorities(a[np.ix_(perm, perm)], method=method)
    np.testing.assert_allclose(res_p.weights, res.weights[perm], rtol=1e-8)


def test_non_reciprocal_input_is_rejected_naming_the_cell() -> None:
    a = np.array([[1, 3, 5], [0.5, 1, 2], [1 / 5, 1 / 2, 1]])
    with pytest.raises(MethodError, match=r"a\[x, y\] = 3 but a\[y, x\] = 1/2; expected 1/3"):
        ahp_priorities(a, labels=["x", "y", "z"])
    stack = np.stack([np.eye(3) + 0, a])
    stack[0] = 1
    with pytest.raises(MethodError, match="matrix 1"):
        ahp_priorities(stack)


def test_one_triangle_is_enough() -> None:
    a = np.array([[1, 3, 5], [nan := np.nan, 1, 2], [nan, nan, 1]])
    res = ahp_priorities(a)
    assert res.completion is None
    assert res.weights[0] > res.weights[1] > res.weights[2]


def test_ri_tables_named_and_range_errors() -> None:
    assert set(RI_TABLES) >= {
        "saaty",
        "saaty2005",
        "donegan_dodd",
        "tummala_ling",
        "chinese_common",
    }
    assert random_index(4, "chinese_common") == 0.89
    with pytest.raises(MethodError, match="tables that do: donegan_dodd"):
        random_index(18, "saaty")
    with pytest.raises(MethodError, match=r"covers n = 1\.\.15"):
        ahp_priorities(np.ones((16, 16)))


def test_entropy_accepts_string_directions() -> None:
    x = np.array([[1.0, 5.0], [2.0, 3.0], [4.0, 1.0]])
    np.testing.assert_allclose(entropy_weights(x, ["benefit", "cost"]), entropy_weights(x, [1, -1]))
    with pytest.raises(MethodError, match="expected \\+1/-1 or 'benefit'/'cost'"):
        entropy_weights(x, ["benefit", "sideways"])
    with pytest.warns(ConstantIndicatorWarning):
        entropy_weights(np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 2.0]]))


tables = arrays(
    float,
    st.tuples(st.integers(3, 12), st.integers(2, 6)),
    elements=st.floats(1, 100, allow_nan=False),
)


@settings(max_examples=40, deadline=None)
@given(tables, st.floats(0.01, 1000))
def test_objective_weights_valid_and_scale_invariant(x: np.ndarray, c: float) -> None:
    if not (np.ptp(x, axis=0) > 1e-6).all():
        return
    scaled = x.copy()
    scaled[:, 0] *= c
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantIndicatorWarning)
        for fn in (critic_weights, std_weights, cv_weights, entropy_weights):
            try:
                w = fn(x)
            except MethodError as exc:
                # CRITIC is undefined when all columns move in perfect step (every 1 - r = 0)
                assert fn is critic_weights and "perfect step" in str(exc)
                continue
            assert np.all(w >= 0) and w.sum() == pytest.approx(1.0)
            np.testing.assert_allclose(fn(scaled), w, atol=1e-9)


def test_critic_by_hand_diakoulaki1995_formula() -> None:
    x = np.array([[1.0, 2.0, 3.0], [2.0, 1.0, 5.0], [3.0, 4.0, 4.0], [4.0, 3.0, 1.0]])
    z = (x - x.min(0)) / np.ptp(x, axis=0)
    sd = z.std(0)
    r = np.corrcoef(z, rowvar=False)
    c = sd * (1 - r).sum(1)
    np.testing.assert_allclose(critic_weights(x), c / c.sum())


def test_cv_needs_positive_values() -> None:
    with pytest.raises(MethodError, match="positive ratio-scale"):
        cv_weights(np.array([[1.0, -1.0], [2.0, 3.0]]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 1), min_size=2, max_size=8), st.integers(0, 100))
def test_combination_alpha_one_and_zero_give_inputs_back(a: list[float], seed: int) -> None:
    aw = np.asarray(a) / np.sum(a)
    bw = np.random.default_rng(seed).dirichlet(np.ones(aw.size))
    np.testing.assert_allclose(combine(aw, bw, alpha=1.0).weights, aw)
    np.testing.assert_allclose(combine(aw, bw, alpha=0.0).weights, bw)
    gt = combine(aw, bw, method="game_theory")
    assert sum(gt.coefficients) == pytest.approx(1.0)
    assert np.all(gt.weights >= 0) and gt.weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(combine(aw, aw, method="game_theory").weights, aw)


def test_game_theory_solves_the_gram_system() -> None:
    a = np.array([0.5, 0.3, 0.2])
    b = np.array([0.2, 0.2, 0.6])
    g = np.array([[a @ a, a @ b], [b @ a, b @ b]])
    alpha = np.abs(np.linalg.solve(g, [a @ a, b @ b]))
    alpha /= alpha.sum()
    res = combine(a, b, method="game_theory")
    np.testing.assert_allclose(res.coefficients, alpha)
    np.testing.assert_allclose(res.weights, alpha[0] * a + alpha[1] * b)


def test_critic_perfectly_correlated_columns_explain_the_error() -> None:
    # found by hypothesis: two columns in perfect step give every conflict term 1 - r = 0
    with pytest.raises(MethodError, match="perfect step"):
        critic_weights(np.array([[2.0, 2.0], [1.0, 1.0], [1.0, 1.0]]))
