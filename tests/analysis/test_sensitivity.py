"""Sobol indices: the estimator reproduces the Ishigami function's analytic indices."""

from __future__ import annotations

import numpy as np
import pytest

from evalkit.analysis.sensitivity import (
    ishigami,
    ishigami_indices,
    saltelli_matrices,
    sobol_indices,
)


def test_ishigami_analytic_values() -> None:
    """a = 7, b = 0.1: S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244) (Saltelli et al. 2008)."""
    s1, st = ishigami_indices()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-4)
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=5e-4)


def test_sobol_estimator_reproduces_ishigami_n10000() -> None:
    rng = np.random.default_rng(20261201)
    n = 10_000
    a = rng.uniform(-np.pi, np.pi, (n, 3))
    b = rng.uniform(-np.pi, np.pi, (n, 3))
    ab = saltelli_matrices(a, b)
    ix = sobol_indices(ishigami(a), ishigami(b), ishigami(ab))
    s1, st = ishigami_indices()
    # Monte Carlo error at N = 10,000 is about 0.01-0.02 for these estimators
    np.testing.assert_allclose(ix.first_order, s1, atol=0.03)
    np.testing.assert_allclose(ix.total, st, atol=0.03)


def test_saltelli_matrices_swap_one_column_each() -> None:
    a = np.zeros((4, 3))
    b = np.ones((4, 3))
    ab = saltelli_matrices(a, b)
    assert ab.shape == (3, 4, 3)
    for i in range(3):
        assert (ab[i][:, i] == 1).all() and ab[i].sum() == 4


def test_constant_output_gives_nan_not_a_warning() -> None:
    f = np.ones((50, 2))
    ix = sobol_indices(f, f, np.ones((3, 50, 2)))
    assert np.isnan(ix.first_order).all() and np.isnan(ix.total).all()


def test_additive_model_indices_are_the_variance_shares() -> None:
    """f = x1 + 2 x2 with independent uniforms: S1 = ST = (1/5, 4/5)."""
    rng = np.random.default_rng(1)
    n = 20_000
    a, b = rng.random((n, 2)), rng.random((n, 2))

    def f(x: np.ndarray) -> np.ndarray:
        return x[..., 0] + 2 * x[..., 1]

    ix = sobol_indices(f(a), f(b), f(saltelli_matrices(a, b)))
    np.testing.assert_allclose(ix.first_order, [0.2, 0.8], atol=0.02)
    np.testing.assert_allclose(ix.total, [0.2, 0.8], atol=0.02)
    assert ix.first_order.sum() == pytest.approx(1.0, abs=0.03)
