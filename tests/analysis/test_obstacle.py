"""The obstacle-degree model: hand-computed degrees, rows summing to 1, no obstacle said so."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.analysis import obstacle_degree


def test_obstacle_degree_hand_computed() -> None:
    # w (0.5, 0.3, 0.2), x (0.6, 1.0, 0.0): losses 0.2, 0, 0.2 -> 0.5, 0, 0.5
    o = obstacle_degree(np.array([[0.6, 1.0, 0.0]]), np.array([0.5, 0.3, 0.2]))
    np.testing.assert_allclose(o.degrees, [[0.5, 0.0, 0.5]])
    np.testing.assert_allclose(o.deviation, [[0.4, 0.0, 1.0]])
    assert not o.unobstructed[0]
    # dimensions {0, 1} and {2}
    np.testing.assert_allclose(o.grouped(np.array([0, 0, 1])), [[0.5, 0.5]])


def test_a_unit_at_one_everywhere_has_no_obstacles_not_a_division_by_zero() -> None:
    with np.errstate(all="raise"):
        o = obstacle_degree(np.array([[1.0, 1.0], [0.5, 1.0]]), np.array([0.5, 0.5]))
    assert o.unobstructed.tolist() == [True, False]
    np.testing.assert_allclose(o.degrees, [[0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(o.grouped(np.array([0, 1])), [[0.0, 0.0], [1.0, 0.0]])


def test_missing_score_is_left_out_and_the_rest_sum_to_one() -> None:
    o = obstacle_degree(np.array([[0.5, np.nan, 0.0]]), np.array([0.2, 0.3, 0.5]))
    assert np.isnan(o.degrees[0, 1])
    np.testing.assert_allclose(np.nansum(o.degrees), 1.0)
    np.testing.assert_allclose(o.degrees[0, [0, 2]], [0.1 / 0.6, 0.5 / 0.6])
    # a group with nothing known is NaN
    g = obstacle_degree(np.array([[0.5, np.nan]]), np.array([0.5, 0.5])).grouped(np.array([0, 1]))
    assert g[0, 0] == pytest.approx(1.0) and np.isnan(g[0, 1])


def test_obstacle_degree_rejects_scores_off_zero_to_one() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        obstacle_degree(np.array([[50.0]]), np.array([1.0]))


@settings(max_examples=150)
@given(
    arrays(float, st.tuples(st.integers(1, 8), st.integers(1, 6)), elements=st.floats(0, 1)),
    st.data(),
)
def test_obstacle_rows_sum_to_one(x: np.ndarray, data) -> None:
    n = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=n, max_size=n)))
    groups = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    o = obstacle_degree(x, w)
    sums = o.degrees.sum(axis=1)
    np.testing.assert_allclose(sums[~o.unobstructed], 1.0, atol=1e-12)
    np.testing.assert_allclose(sums[o.unobstructed], 0.0)
    assert (o.degrees >= 0).all()
    np.testing.assert_allclose(np.nansum(o.grouped(groups, 3), axis=1), sums, atol=1e-12)
    # the order of the degrees is the order of the points lost, w (1 - x)
    lost = w * (1 - x)
    busy = ~o.unobstructed
    np.testing.assert_allclose(
        o.degrees[busy], lost[busy] / lost[busy].sum(axis=1, keepdims=True), atol=1e-12
    )
