"""Entropy weights: definition, zeros, invariants and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.errors import MethodError
from evalkit.weights import ConstantIndicatorWarning, critic_weights, cv_weights, std_weights
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
    # no subnormals here: c * 5e-324 rounds to 0 or 1e-323 for most c, so the scaled column is not
    # the same column (the exact-scaling property below covers subnormal and huge values)
    elements=st.floats(-100, 100, allow_nan=False, allow_subnormal=False),
)


@settings(max_examples=80)
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


any_finite = arrays(
    float,
    st.tuples(st.integers(2, 8), st.integers(2, 5)),
    # subnormal to 1.8e308, with the extremes drawn often
    elements=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([0.0, 5e-324, -5e-324, 1e-310, 1.7e308, -1.7e308, 1.0]),
    ),
)


def _weights_or_error(fn, x: np.ndarray) -> np.ndarray | str:  # type: ignore[no-untyped-def]
    try:
        return np.asarray(fn(x))
    except MethodError as exc:
        return str(exc)


@settings(max_examples=150)
@given(any_finite, st.integers(0, 5), st.integers(-80, 80))
def test_every_objective_method_is_exactly_invariant_to_power_of_two_column_scaling(
    x: np.ndarray, j: int, k: int
) -> None:
    j %= x.shape[1]
    c = 2.0**k
    scaled = x.copy()
    with np.errstate(over="ignore"):
        scaled[:, j] *= c
    # multiplying by 2**k is exact unless it underflows or overflows: then it is the same column
    assume(np.all(np.isfinite(scaled)) and np.array_equal(scaled[:, j] / c, x[:, j]))
    for fn in (entropy_weights, critic_weights, std_weights, cv_weights):
        w = _weights_or_error(fn, x)
        ws = _weights_or_error(fn, scaled)
        if isinstance(w, str) or isinstance(ws, str):
            assert isinstance(w, str) and isinstance(ws, str) and ws == w, (fn.__name__, w, ws)
            continue
        assert np.all(np.isfinite(w)) and w.sum() == pytest.approx(1.0), fn.__name__
        np.testing.assert_array_equal(ws, w, err_msg=fn.__name__)


def test_subnormal_spread_does_not_overflow() -> None:
    # regression: scaling by 1/span overflowed to inf for a column whose range is subnormal
    x = np.array([[2.2250738585072014e-308, 1.0], [0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(entropy_weights(x), [0.5, 0.5])


def test_subnormal_column_gives_the_weights_of_the_same_column_at_any_scale() -> None:
    # the case the scaling property found: x = [[5e-324, 1], [0, 0], [0, 0]]
    x = np.array([[5e-324, 1.0], [0.0, 0.0], [0.0, 0.0]])
    w = entropy_weights(x)
    np.testing.assert_array_equal(w, [0.5, 0.5])
    for k in (1, 52, 600, 1074, 1100):  # 5e-324 * 2**1074 = 1
        scaled = x.copy()
        scaled[:, 0] = np.ldexp(x[:, 0], k)
        np.testing.assert_array_equal(entropy_weights(scaled), w)
        np.testing.assert_array_equal(std_weights(scaled), std_weights(x))
    # c < 1 rounds 5e-324 to 0 before any kernel sees it: the column is then constant
    assert not (x[:, 0] * 0.4).any()
    with pytest.warns(ConstantIndicatorWarning, match="column\\(s\\) 0"):
        np.testing.assert_array_equal(entropy_weights(x * [0.4, 1.0]), [0.0, 1.0])


def test_columns_spanning_the_float_range_do_not_overflow() -> None:
    # regression: max - min overflowed to inf, so a varying column got weight 0 (and NaN inside)
    x = np.array([[-1e308, 1.0], [1e308, 0.0], [0.0, 2.0]])
    small = x * [1e-300, 1.0]
    with np.errstate(over="raise", invalid="raise"):
        for fn in (entropy_weights, critic_weights, std_weights):
            np.testing.assert_allclose(fn(x), fn(small), rtol=1e-12, err_msg=fn.__name__)
            assert fn(x)[0] > 0
        big = np.array([[1.5e308, 1.0], [1.7e308, 2.0], [1.6e308, 4.0]])
        np.testing.assert_allclose(cv_weights(big), cv_weights(big * [1e-300, 1.0]), rtol=1e-12)
