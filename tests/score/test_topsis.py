"""TOPSIS: the classic form against the published libraries, edge cases, invariants.

The expected closeness values below were computed once by pyDecision 5.1.8 (``topsis_method``),
scikit-criteria 0.10 (``VectorScaler(target="matrix")`` then ``TOPSIS``), pymcdm 1.4.0 and
pyrepo-mcda 0.1.15 (``TOPSIS()`` with their default min-max normalisation, and pymcdm with
``vector_normalization``), installed in a separate environment, on three cases drawn with
``numpy.random.default_rng(20261201)``. pyDecision, scikit-criteria and pymcdm-with-vector agreed
with each other to the last digit; they are kept here as fixed numbers, so the test needs none of
those libraries.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.score import topsis

CASES = [
    (
        [
            [67.0, 6.56, 39.47, 35.98],
            [62.69, 16.34, 35.76, 50.06],
            [19.61, 50.72, 9.04, 25.02],
            [29.49, 93.02, 51.86, 21.13],
            [52.43, 54.3, 66.92, 42.33],
        ],
        [0.3547, 0.2759, 0.1737, 0.1957],
        [1, 1, 1, 1],
        # pyDecision = scikit-criteria = pymcdm (vector normalisation)
        [
            0.4420144456101931,
            0.46770077886165906,
            0.3221203996392245,
            0.6035891595764158,
            0.649093229820366,
        ],
        # pymcdm = pyrepo-mcda defaults (min-max normalisation)
        [
            0.5560065332074908,
            0.5944548370276698,
            0.24142015562385677,
            0.47571004751042906,
            0.6794356912954034,
        ],
    ),
    (
        [
            [47.84, 27.62, 26.46],
            [90.52, 86.92, 87.43],
            [2.45, 10.68, 18.25],
            [13.86, 9.92, 87.11],
            [40.55, 63.7, 93.02],
            [4.62, 46.67, 26.48],
            [32.57, 34.45, 42.82],
        ],
        [0.2497, 0.2502, 0.5001],
        [1, -1, -1],
        [
            0.713127234552237,
            0.42441685124218925,
            0.5884333815159845,
            0.36933987644747446,
            0.2572771850823063,
            0.5186664547737977,
            0.5598358630147634,
        ],
        [
            0.7760898341400444,
            0.3243173392059251,
            0.6908766064472125,
            0.3339615794230791,
            0.19373172863098484,
            0.6263262149791797,
            0.6111572385942995,
        ],
    ),
    (
        [
            [75.99, 43.81, 4.67, 37.98, 5.05, 52.63],
            [95.66, 97.49, 11.0, 83.75, 57.29, 26.04],
            [48.95, 79.03, 96.76, 35.02, 49.03, 23.47],
            [96.04, 68.78, 50.01, 92.09, 52.61, 78.79],
        ],
        [0.2436, 0.0562, 0.3044, 0.2179, 0.0367, 0.1412],
        [1, -1, -1, -1, 1, 1],
        [0.8423106156191956, 0.6917975194003911, 0.2539208687445768, 0.5180681849878456],
        [0.7579184288910393, 0.6128153648186826, 0.3466836198136817, 0.5496012507296217],
    ),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_topsis_classic_agrees_with_pydecision_and_scikit_criteria(case: int) -> None:
    x, w, d, classic, _ = CASES[case]
    np.testing.assert_allclose(topsis(np.array(x), np.array(w), np.array(d)), classic, atol=1e-15)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_topsis_minmax_agrees_with_pymcdm_and_pyrepo_mcda_defaults(case: int) -> None:
    x, w, d, _, minmax = CASES[case]
    got = topsis(np.array(x), np.array(w), np.array(d), normalisation="minmax")
    np.testing.assert_allclose(got, minmax, atol=1e-15)


def test_the_two_normalisations_can_order_units_differently() -> None:
    *_, classic, minmax = CASES[0]
    assert np.argsort(classic).tolist() != np.argsort(minmax).tolist()


def test_topsis_hand_computed_two_columns() -> None:
    # columns 3,4 / 0,5 (norms 5, 5): r = (0.6, 0), (0.8, 1); weights 0.5: v = (0.3, 0), (0.4, 0.5)
    # unit 1: D+ = sqrt(0.1^2 + 0.5^2), D- = 0 -> 0; unit 2 is the ideal -> 1
    c = topsis(np.array([[3.0, 0.0], [4.0, 5.0]]), np.array([0.5, 0.5]), np.array([1, 1]))
    np.testing.assert_allclose(c, [0.0, 1.0])
    # a cost second column: unit 1 best on it
    c = topsis(np.array([[3.0, 0.0], [4.0, 5.0]]), np.array([0.5, 0.5]), np.array([1, -1]))
    dp1, dm1 = 0.1, 0.5
    np.testing.assert_allclose(c, [dm1 / (dp1 + dm1), dp1 / (dp1 + dm1)])


def test_topsis_two_units_closeness_sums_to_one() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.normal(size=(2, 5))
        d = rng.choice([-1, 1], size=5)
        for how in ("vector", "minmax"):
            assert topsis(x, rng.uniform(size=5), d, how).sum() == pytest.approx(1.0)


def test_topsis_constant_and_zero_columns_change_nothing() -> None:
    x, w, d, classic, _ = CASES[0]
    x = np.array(x)
    wider = np.column_stack([x, np.full(5, 7.0), np.zeros(5)])
    with np.errstate(all="raise"):
        got = topsis(wider, np.array([*w, 0.3, 0.3]), np.array([*d, 1, -1]))
    np.testing.assert_allclose(got, classic, atol=1e-15)


def test_topsis_nothing_varies_or_one_unit_is_one_half() -> None:
    with np.errstate(all="raise"):
        np.testing.assert_allclose(
            topsis(np.ones((3, 2)), np.array([0.5, 0.5]), np.array([1, 1])), 0.5
        )
        assert topsis(np.array([[1.0, 2.0]]), np.array([0.5, 0.5]), np.array([1, -1]))[0] == 0.5


def test_topsis_negative_values_keep_the_order_of_a_column() -> None:
    x = np.array([[-3.0], [-1.0], [2.0]])
    c = topsis(x, np.array([1.0]), np.array([1]))
    assert np.argsort(c).tolist() == [0, 1, 2]
    np.testing.assert_allclose(c, topsis(x, np.array([1.0]), np.array([1]), "minmax"))


def test_topsis_missing_value_left_out_of_that_unit() -> None:
    x = np.array([[1.0, 2.0], [3.0, np.nan], [2.0, 5.0]])
    c = topsis(x, np.array([0.5, 0.5]), np.array([1, 1]))
    assert np.isfinite(c).all()
    # unit 2 is best on the one column it has
    assert c[1] == pytest.approx(1.0)
    assert np.isnan(topsis(np.array([[np.nan], [1.0]]), np.array([1.0]), np.array([1]))[0])


def test_topsis_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="normalisation"):
        topsis(np.ones((2, 2)), np.ones(2), np.ones(2), "sum")
    with pytest.raises(ValueError, match="one entry per column"):
        topsis(np.ones((2, 2)), np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="non-negative"):
        topsis(np.ones((2, 2)), np.array([1.0, -1.0]), np.ones(2))


matrices = arrays(
    float, st.tuples(st.integers(3, 8), st.integers(2, 5)), elements=st.floats(0.5, 100)
)


@settings(max_examples=100)
@given(matrices, st.data())
def test_topsis_ranks_unchanged_by_positive_scaling_of_a_column(x: np.ndarray, data) -> None:
    n = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    d = np.array(data.draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n)))
    j = data.draw(st.integers(0, n - 1))
    k = data.draw(st.floats(0.01, 1000))
    scaled = x.copy()
    scaled[:, j] *= k
    np.testing.assert_allclose(topsis(scaled, w, d), topsis(x, w, d), atol=1e-9)


@settings(max_examples=100)
@given(matrices, st.data())
def test_topsis_a_unit_dominating_all_others_is_closest(x: np.ndarray, data) -> None:
    n = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    d = np.array(data.draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n)))
    best = np.where(d > 0, x.max(axis=0) + 1.0, x.min(axis=0) - 0.25)
    u = data.draw(st.integers(0, len(x)))
    x = np.insert(x, u, best, axis=0)
    for how in ("vector", "minmax"):
        c = topsis(x, w, d, how)
        assert c[u] == pytest.approx(1.0)
        assert np.all(np.delete(c, u) < c[u])
