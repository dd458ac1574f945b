"""Fuzzy comprehensive evaluation: SPSSAU's published example, each operator by hand, membership."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.score import fuzzy_evaluate, fuzzy_score, max_membership_grade, triangular_membership

# SPSSAU's example (模糊综合评价, a clothing brand's new style): five factors (花色, 式样, 价格,
# 耐用度, 舒适度) weighted A, four comments (很欢迎, 欢迎, 一般, 不欢迎), membership matrix R.
A = np.array([0.1, 0.1, 0.15, 0.3, 0.35])
R = np.array(
    [
        [0.2, 0.5, 0.3, 0.0],
        [0.1, 0.3, 0.5, 0.1],
        [0.0, 0.1, 0.6, 0.3],
        [0.0, 0.4, 0.5, 0.1],
        [0.5, 0.3, 0.2, 0.0],
    ]
)


def test_fuzzy_spssau_clothing_example_weighted_average() -> None:
    b = fuzzy_evaluate(A, R)
    np.testing.assert_allclose(b, [0.205, 0.320, 0.390, 0.085], atol=1e-15)
    g = max_membership_grade(b)
    assert int(g.grade) + 1 == 3  # 一般, by maximum membership
    assert not g.fragile
    assert float(g.margin) == pytest.approx(0.07)


@pytest.mark.parametrize(
    ("operator", "raw", "grade"),
    [
        # b_j = min(1, sum_i min(a_i, r_ij)): 0.1+0.1+0+0+0.35, 0.1+0.1+0.1+0.3+0.3, ...
        ("bounded_min", [0.55, 0.90, 0.85, 0.35], 2),
        # b_j = max_i a_i r_ij: max(0.02, 0.01, 0, 0, 0.175), max(0.05, 0.03, 0.015, 0.12, 0.105), ...
        ("product_max", [0.175, 0.12, 0.15, 0.045], 1),
        # b_j = max_i min(a_i, r_ij): max(0.1, 0.1, 0, 0, 0.35), max(0.1, 0.1, 0.1, 0.3, 0.3), ...
        ("min_max", [0.35, 0.30, 0.30, 0.15], 1),
        ("weighted_average", [0.205, 0.320, 0.390, 0.085], 3),
    ],
)
def test_fuzzy_spssau_example_each_operator_by_hand(
    operator: str, raw: list[float], grade: int
) -> None:
    b = fuzzy_evaluate(A, R, operator)
    np.testing.assert_allclose(b, np.array(raw) / sum(raw), atol=1e-15)
    assert b.sum() == pytest.approx(1.0)
    assert int(max_membership_grade(b).grade) + 1 == grade


def test_bounded_min_caps_each_grade_at_one() -> None:
    b = fuzzy_evaluate(np.array([0.9, 0.9]), np.array([[1.0, 0.0], [1.0, 0.0]]), "bounded_min")
    np.testing.assert_allclose(b, [1.0, 0.0])  # min(1, 1.8) = 1, not 1.8
    b = fuzzy_evaluate(np.array([0.9, 0.9]), np.array([[0.6, 0.4], [0.6, 0.4]]), "bounded_min")
    np.testing.assert_allclose(b, [1.0, 0.8] / np.array(1.8))


def test_fuzzy_evaluate_is_vectorised_over_units() -> None:
    r = np.stack([R, R[::-1], np.full_like(R, 0.25)])
    b = fuzzy_evaluate(A, r)
    assert b.shape == (3, 4)
    for u in range(3):
        np.testing.assert_allclose(b[u], fuzzy_evaluate(A, r[u]))
    # weights per unit too
    w = np.stack([A, A[::-1], A])
    np.testing.assert_allclose(fuzzy_evaluate(w, r)[1], fuzzy_evaluate(A[::-1], R[::-1]))


def test_all_zero_evaluation_is_nan_not_a_division_by_zero() -> None:
    with np.errstate(all="raise"):
        b = fuzzy_evaluate(np.zeros(5), R, "min_max")
    assert np.isnan(b).all()
    assert int(max_membership_grade(b).grade) == -1


def test_unknown_operator() -> None:
    with pytest.raises(ValueError, match="bounded_min"):
        fuzzy_evaluate(A, R, "max_min")


def test_fragile_when_top_two_within_005() -> None:
    g = max_membership_grade(np.array([[0.40, 0.36, 0.24, 0.0], [0.5, 0.2, 0.2, 0.1]]))
    assert g.grade.tolist() == [0, 0]
    assert g.fragile.tolist() == [True, False]
    # exactly 0.05 apart counts as within
    assert bool(max_membership_grade(np.array([0.45, 0.40, 0.15])).fragile)


def test_triangular_membership_at_the_grade_points_and_between() -> None:
    pts = np.array([0.0, 25.0, 50.0, 75.0, 100.0])
    m = triangular_membership(np.array([0.0, 25.0, 60.0, 100.0, -5.0, 120.0, np.nan]), pts)
    np.testing.assert_allclose(m[0], [1, 0, 0, 0, 0])
    np.testing.assert_allclose(m[1], [0, 1, 0, 0, 0])
    np.testing.assert_allclose(m[2], [0, 0, 0.6, 0.4, 0])  # 60 is 2/5 of the way from 50 to 75
    np.testing.assert_allclose(m[3], [0, 0, 0, 0, 1])
    np.testing.assert_allclose(m[4], [1, 0, 0, 0, 0])  # below the first point: all in grade 1
    np.testing.assert_allclose(m[5], [0, 0, 0, 0, 1])
    assert np.isnan(m[6]).all()


@settings(max_examples=200)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=20),
    st.lists(st.floats(1, 40), min_size=1, max_size=6),
)
def test_triangular_membership_is_a_partition_of_unity_that_reproduces_the_score(
    scores: list[float], steps: list[float]
) -> None:
    pts = np.concatenate([[0.0], np.cumsum(steps)])
    pts = pts * (100.0 / pts[-1])
    m = triangular_membership(np.array(scores), pts)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-12)
    assert (m >= 0).all()
    np.testing.assert_allclose(fuzzy_score(m, pts), scores, atol=1e-9)
