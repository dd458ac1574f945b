"""Grey relational analysis (Deng Julong's convention): a hand-computed case and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.score import grey_relational


def test_grey_relational_deng_hand_computed() -> None:
    # benefit column 1, 2, 3 -> z = 0, 0.5, 1; cost column 10, 30, 20 -> z = 1, 0, 0.5
    # delta = 1 - z: (1, 0), (0.5, 1), (0, 0.5); min 0, max 1; xi = 0.5 / (delta + 0.5)
    # xi: (1/3, 1), (1/2, 1/3), (1, 1/2); equal weights
    x = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])
    g = grey_relational(x, np.array([1.0, 1.0]), np.array([1, -1]))
    np.testing.assert_allclose(g, [2 / 3, 5 / 12, 3 / 4], atol=1e-15)


def test_grey_relational_rho_spreads_the_coefficients() -> None:
    x = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])
    w, d = np.array([1.0, 1.0]), np.array([1, -1])
    # rho = 1: xi = 1 / (delta + 1): (1/2, 1), (2/3, 1/2), (1, 2/3)
    np.testing.assert_allclose(grey_relational(x, w, d, rho=1.0), [3 / 4, 7 / 12, 5 / 6])
    with pytest.raises(ValueError, match="rho"):
        grey_relational(x, w, d, rho=0.0)


def test_grey_relational_weights_are_normalised() -> None:
    x = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])
    d = np.array([1, -1])
    np.testing.assert_allclose(
        grey_relational(x, np.array([3.0, 1.0]), d), grey_relational(x, np.array([0.75, 0.25]), d)
    )


def test_grey_relational_constant_column_and_nothing_varying() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    with np.errstate(all="raise"):
        g = grey_relational(x, np.array([0.5, 0.5]), np.array([1, 1]))
        # the constant column is at the ideal for everyone: xi = 1 there
        only = grey_relational(x[:, :1], np.array([1.0]), np.array([1]))
        np.testing.assert_allclose(g, 0.5 * only + 0.5)
        np.testing.assert_allclose(
            grey_relational(np.ones((3, 2)), np.array([0.5, 0.5]), np.array([1, -1])), 1.0
        )


def test_grey_relational_missing_value_renormalises_that_unit() -> None:
    x = np.array([[1.0, 10.0], [2.0, np.nan], [3.0, 20.0]])
    g = grey_relational(x, np.array([0.5, 0.5]), np.array([1, 1]))
    assert np.isfinite(g).all()
    # unit 2 has only the first column: z = 0.5, delta 0.5, xi = 0.5 / 1 = 0.5
    assert g[1] == pytest.approx(0.5)


# values to six decimals, as indicator data come: a subnormal such as 5e-324 scaled by 0.5 is 0,
# which changes the matrix itself (a column becomes constant), not how the method treats it
matrices = arrays(
    float,
    st.tuples(st.integers(3, 8), st.integers(2, 5)),
    elements=st.floats(-50, 100).map(lambda v: round(v, 6)),
)


@settings(max_examples=100)
@given(matrices, st.data())
def test_grey_relational_ranks_unchanged_by_positive_scaling_of_a_column(
    x: np.ndarray, data
) -> None:
    n = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    d = np.array(data.draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n)))
    j = data.draw(st.integers(0, n - 1))
    k = data.draw(st.floats(0.01, 1000))
    scaled = x.copy()
    scaled[:, j] *= k
    before, after = grey_relational(x, w, d), grey_relational(scaled, w, d)
    np.testing.assert_allclose(after, before, atol=1e-9)


@settings(max_examples=100)
@given(matrices, st.data())
def test_grey_relational_a_unit_dominating_all_others_has_the_highest_grade(
    x: np.ndarray, data
) -> None:
    n = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    d = np.array(data.draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n)))
    best = np.where(d > 0, x.max(axis=0) + 1.0, x.min(axis=0) - 1.0)
    u = data.draw(st.integers(0, len(x)))
    x = np.insert(x, u, best, axis=0)
    g = grey_relational(x, w, d)
    assert g[u] == pytest.approx(1.0)
    assert np.all(np.delete(g, u) < g[u])
