"""Entropy weights: definition, zeros, invariants and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.errors import MethodError
from evalkit.weights.entropy import entropy_divergence, entropy_weights

pytestmark = pytest.mark.filterwarnings("ignore::evalkit.weights.ConstantIndicatorWarning")


def test_entropy_by_hand() -> None:
    # 3 units, 2 indicators; after min-max: col0 = [0, 0.5, 1], col1 = [0, 0, 1]
    x = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 20.0]])
    p0 = np.array([0, 1 / 3, 2 / 3])
    e0 = -(p0[1:] * np.log(p0[1:])).sum() / np.log(3)
    e1 = 0.0  # all mass in one unit: 0 ln 0 := 0 and 1 ln 1 = 0
    d = np.array([1 - e0, 1 - e1])
    np.testing.assert_allclose(entropy_divergence(x), d)
    np.testing.assert_allclose(entropy_weights(x), d / d.sum())


def test_constant_indicator_gets_zero_weight() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    w = entropy_weights(x)
    assert w[1] == 0.0 and w[0] == pytest.approx(1.0)


def test_errors_for_one_unit_and_all_constant() -> None:
    with pytest.raises(MethodError, match="at least 2 units"):
        entropy_weights(np.array([[1.0, 2.0]]))
    with pytest.raises(MethodError, match="no indicator varies"):
        entropy_weights(np.ones((4, 3)))


matrices = arrays(
    float,
    st.tuples(st.integers(3, 12), st.integers(2, 6)),
    elements=st.floats(-100, 100, allow_nan=False),
)


@settings(max_examples=80, deadline=None)
@given(matrices, st.floats(0.01, 1000))
def test_invariant_to_positive_scaling_and_direction_reflection(x: np.ndarray, c: float) -> None:
    if not (np.ptp(x, axis=0) > 1e-6).any():
        return
    w = entropy_weights(x)
    assert np.all(np.isfinite(w)) and np.all(w >= 0) and w.sum() == pytest.approx(1.0)
    scaled = x.copy()
    scaled[:, 0] *= c
    np.testing.assert_allclose(entropy_weights(scaled), w, atol=1e-9)
    dirs = np.ones(x.shape[1])
    dirs[0] = -1
    reflected = x.copy()
    reflected[:, 0] = -reflected[:, 0]
    np.testing.assert_allclose(entropy_weights(reflected, dirs), w, atol=1e-9)


def test_subnormal_spread_does_not_overflow() -> None:
    # regression: scaling by 1/span overflowed to inf for a column whose range is subnormal
    x = np.array([[2.2250738585072014e-308, 1.0], [0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(entropy_weights(x), [0.5, 0.5])
