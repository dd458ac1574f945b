"""The batched objective kernels equal the one-table kernels, slice by slice."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from evalkit.weights import critic_weights, cv_weights, entropy_weights, std_weights
from evalkit.weights.batched import BATCHED, objective_weights_batched

ONE = {"entropy": entropy_weights, "critic": critic_weights, "std": std_weights, "cv": cv_weights}


@pytest.mark.parametrize("method", sorted(BATCHED))
def test_batched_equals_one_table(method: str) -> None:
    rng = np.random.default_rng(7)
    x = rng.lognormal(0.0, 0.6, (6, 30, 9))
    x[2, :, 4] = 3.0  # a constant column in one table
    d = np.array([1, -1, 1, 1, -1, 1, 1, 1, -1])
    got = BATCHED[method](x, d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for b in range(x.shape[0]):
            np.testing.assert_allclose(got[b], ONE[method](x[b], d), rtol=1e-10, atol=1e-14)


def test_nothing_varies_is_a_nan_row_not_an_error() -> None:
    x = np.ones((2, 5, 3))
    x[1] = np.random.default_rng(3).random((5, 3)) + 1.0
    for f in BATCHED.values():
        w = f(x, None)
        assert np.isnan(w[0]).all() and w[1].sum() == pytest.approx(1.0)


def test_several_methods_at_once_equal_each_alone() -> None:
    """The min-max scaling shared by entropy, CRITIC and the standard deviation (reflected for
    the first two only) gives each method's weights to the last bit."""
    rng = np.random.default_rng(21)
    x = rng.uniform(0, 50, (4, 30, 6))
    x[1, :, 2] = 7.0  # a constant column
    d = np.array([1, -1, 1, 1, -1, 1])
    got = objective_weights_batched(x, d, ("entropy", "critic", "std", "cv"))
    for method in ("entropy", "critic", "std", "cv"):
        np.testing.assert_array_equal(got[method], BATCHED[method](x, d))
