"""The cheapest path to the next level: hand-computed cases, the staged rule, and the fewest
indicators under the weighted sum (a property)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalkit.analysis.next_level import MARGIN, PathInput, cheapest_paths, levels

CUT = np.array([0.0, 60.0, 70.0, 80.0, 90.0])


def _linear(weights: list[float], dims: list[int]):
    """Nodes of a flat weighted sum: total = w . s; dimension d = its leaves' weighted mean."""
    w = np.array(weights)
    dim = np.array(dims)

    def nodes(rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=float).reshape(-1, len(w))
        out = [rows @ w]
        for d in range(dim.max() + 1):
            m = dim == d
            out.append(rows[:, m] @ w[m] / w[m].sum())
        return np.column_stack(out)

    return nodes, dim


def _run(scores, weights, dims, staged=False):
    nodes, dim = _linear(weights, dims)
    s = np.atleast_2d(np.array(scores, dtype=float))
    after = nodes(s)
    lv = levels(CUT, after[:, 0], after[:, 1:], staged)
    return cheapest_paths(PathInput(s, lv, CUT, dim, staged, nodes)), lv


def test_one_step_only_as_far_as_needed() -> None:
    # total 0.5*60 + 0.3*50 + 0.2*90 = 63 (基础级); 规范级 at 70 is 7 points away; the first
    # indicator can give 0.5*40 = 20, the most, so it alone goes 60 -> 60 + 7/0.5 = 74
    paths, lv = _run([60, 50, 90], [0.5, 0.3, 0.2], [0, 0, 1])
    assert lv.tolist() == [2] and paths.target.tolist() == [3]
    assert paths.leaf.tolist() == [0]
    assert paths.score_to[0] == pytest.approx(74.0, abs=1e-5)
    assert paths.total[0] == pytest.approx(70.0, abs=MARGIN) and paths.total[0] >= 70.0
    assert paths.level.tolist() == [3.0] and paths.status.tolist() == ["path"]


def test_two_steps_largest_gain_first_then_the_rest() -> None:
    # total 0.5*84 + 0.3*80 + 0.2*70 = 80 (融合级), 10 short of 智慧级; the largest possible
    # gains are 8, 6, 6: the first to 100 (+8, total 88), then the second (tree order among
    # equals) 80 -> 80 + 2/0.3 = 86.67 (+2, total 90); no single indicator gives 10
    paths, _ = _run([84, 80, 70], [0.5, 0.3, 0.2], [0, 0, 1])
    assert paths.leaf.tolist() == [0, 1]
    assert paths.order.tolist() == [1, 2]
    assert paths.score_to[0] == 100.0
    assert paths.score_to[1] == pytest.approx(80 + 2 / 0.3, abs=1e-5)
    assert paths.total == pytest.approx([88.0, 90.0], abs=MARGIN)
    assert paths.level.tolist() == [4.0, 5.0]


def test_top_level_and_no_total_get_no_path() -> None:
    nodes, dim = _linear([0.5, 0.5], [0, 1])
    s = np.array([[95.0, 95.0], [np.nan, np.nan], [10.0, 20.0]])
    lv = np.array([5.0, np.nan, 1.0])
    paths = cheapest_paths(PathInput(s, lv, CUT, dim, False, nodes))
    assert paths.status.tolist() == ["top", "no_score", "path"]
    assert paths.target.tolist() == [0, 0, 2]
    assert set(paths.unit.tolist()) == {2}


def test_a_missing_indicator_is_never_a_step() -> None:
    # the middle indicator has no value; the aggregator renormalises (0.5 and 0.2 of 0.7)
    def nodes(rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=float).reshape(-1, 3)
        w = np.array([0.5, 0.3, 0.2])
        known = ~np.isnan(rows)
        total = np.where(known, rows, 0) @ w / (known @ w)
        return np.column_stack([total, total])

    s = np.array([[50.0, np.nan, 50.0]])
    paths = cheapest_paths(PathInput(s, np.array([1.0]), CUT, np.zeros(3, int), False, nodes))
    assert 1 not in paths.leaf.tolist()
    # effective weights 5/7 and 2/7: 10 points need 14 on the first
    assert paths.leaf.tolist() == [0]
    assert paths.score_to[0] == pytest.approx(64.0, abs=1e-5)


def test_staged_rule_lifts_the_weakest_dimension_first() -> None:
    # dimensions: {0, 1} (weights 0.3, 0.2 of the total, 0.6/0.4 inside) and {2} (0.5).
    # scores 90, 90, 55: total 72.5 (规范级 by the total) but the second dimension at 55 is
    # 初始级, so the staged level is 基础级; 规范级 needs it at 基础级 (60): 55 -> 60
    paths, lv = _run([90, 90, 55], [0.3, 0.2, 0.5], [0, 0, 1], staged=True)
    assert lv.tolist() == [2.0] and paths.target.tolist() == [3]
    assert paths.leaf.tolist() == [2]
    assert paths.score_to[0] == pytest.approx(60.0, abs=1e-5)
    assert paths.reason.tolist() == [1]
    assert paths.total[0] == pytest.approx(75.0, abs=MARGIN)
    assert paths.level.tolist() == [3.0]


def test_staged_rule_reuses_the_indicator_it_raised_for_the_total() -> None:
    # scores 55, 55, 70: dimension 1 at 55 (初始级), dimension 2 at 70, total 62.5: level
    # 基础级. 规范级: dimension 1 to 60 (first indicator 55 -> 63.33), then the total from 65 to
    # 70 by the same indicator (63.33 -> 80): one indicator in all, where a new one would make two
    paths, lv = _run([55, 55, 70], [0.3, 0.2, 0.5], [0, 0, 1], staged=True)
    assert lv.tolist() == [2.0]
    assert paths.leaf.tolist() == [0]
    assert paths.score_to[0] == pytest.approx(80.0, abs=1e-4)
    assert paths.total[0] == pytest.approx(70.0, abs=MARGIN)
    assert paths.dims[0] == pytest.approx([0.6 * 80 + 0.4 * 55, 70.0], abs=1e-4)
    assert paths.level.tolist() == [3.0]


def test_staged_and_total_rules_agree_on_the_level_formula() -> None:
    dims = np.array([[55.0, 90.0], [95.0, 92.0], [np.nan, np.nan]])
    total = np.array([72.5, 93.5, 61.0])
    assert levels(CUT, total, dims, False).tolist() == [3.0, 5.0, 2.0]
    assert levels(CUT, total, dims, True).tolist() == [2.0, 5.0, 2.0]


@given(
    st.lists(st.floats(0.05, 1.0), min_size=2, max_size=6).flatmap(
        lambda w: st.tuples(
            st.just(w),
            st.lists(
                st.lists(st.floats(0, 100), min_size=len(w), max_size=len(w)),
                min_size=1,
                max_size=5,
            ),
        )
    )
)
def test_fewest_indicators_under_the_weighted_sum(case) -> None:
    """No smaller set of indicators reaches the next level; the path does, with the total
    change the shortfall itself, every step within [score, 100]."""
    raw, units = case
    w = np.array(raw) / sum(raw)
    paths, lv = _run(units, list(w), [0] * len(w))
    s = np.array(units)
    for u in range(len(s)):
        mine = paths.unit == u
        if lv[u] >= 5:
            assert not mine.any()
            continue
        cut = CUT[int(lv[u])]
        k = int(mine.sum())
        assert paths.level[mine][-1] >= lv[u] + 1
        assert paths.total[mine][-1] == pytest.approx(cut, abs=MARGIN)
        assert (paths.score_to[mine] >= paths.score_from[mine]).all()
        assert (paths.score_to[mine] <= 100.0).all()
        room = w * (100.0 - s[u])
        for smaller in itertools.combinations(range(len(w)), k - 1):
            assert s[u] @ w + room[list(smaller)].sum() < cut
