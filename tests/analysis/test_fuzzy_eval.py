"""Fuzzy comprehensive evaluation from the data: shares of answers, triangular memberships of
statistics, two levels with the local weights, grades from the tree, fragility."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.analysis.fuzzy_eval import comment_set, fuzzy_comprehensive
from evalkit.tree import load_tree

TREE = """
schema_version: 1
id: t
title: {zh: 测试, en: Test}
scales:
  likert5:
    values: [1, 2, 3, 4, 5]
    labels: {zh: [很差, 差, 中, 好, 很好], en: [Very poor, Poor, Fair, Good, Very good]}
levels:
  - {id: a, name: {zh: 低, en: Low}, min_score: 0}
  - {id: b, name: {zh: 高, en: High}, min_score: 60}
goal:
  id: g
  name: {zh: 目标, en: Goal}
  children:
    - id: d1
      name: {zh: 一, en: One}
      children:
        - id: x1
          name: {zh: 甲, en: X1}
          direction: benefit
          source:
            survey:
              scale: likert5
              items: [{id: q1, zh: 问一, en: Q1}, {id: q2, zh: 问二, en: Q2, reverse: true}]
        - id: x2
          name: {zh: 乙, en: X2}
          direction: benefit
          goalposts: {worst: 0, best: 100}
          source: {statistic: {column: c1}}
    - id: x3
      name: {zh: 丙, en: X3}
      direction: cost
      source: {survey: {scale: likert5, items: [{id: q3, zh: 问三, en: Q3}]}}
"""

LOCAL = pd.Series({"d1": 0.7, "x1": 0.6, "x2": 0.4, "x3": 0.3})
C = np.array([0.0, 25.0, 50.0, 75.0, 100.0])


def _tree(tmp_path: Path, text: str = TREE):
    p = tmp_path / "t.yaml"
    p.write_text(text, encoding="utf-8")
    return load_tree(p)


def _responses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district": ["D"] * 5,
            "station": ["A", "A", "A", "A", "B"],
            "q1": [5, 4, 4, 3, 1],
            "q2": [1, 2, np.nan, 3, 5],  # reverse-worded: 1 -> 5
            "q3": [1, 2, 2, 5, 3],  # a cost indicator: agreeing is bad
        }
    )


def _scores() -> tuple[pd.DataFrame, pd.DataFrame]:
    st = pd.DataFrame(
        {"x2": [60.0, 90.0]},
        index=pd.MultiIndex.from_tuples([("D", "A"), ("D", "B")], names=["district", "station"]),
    )
    di = pd.DataFrame({"x2": [70.0]}, index=pd.Index(["D"], name="district"))
    return st, di


def _row(frame: pd.DataFrame, node: str, **unit: str) -> pd.Series:
    sel = frame["node"] == node
    for k, v in unit.items():
        sel &= frame[k] == v
    return frame[sel].iloc[0]


def _m(row: pd.Series) -> np.ndarray:
    return row[[f"m{k}" for k in range(1, 6)]].to_numpy(dtype=float)


def test_memberships_by_hand_two_levels(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    st, di = _scores()
    fe = fuzzy_comprehensive(tree, _responses(), st, di, LOCAL)
    s = fe.stations
    # x1 at station A: q1 5,4,4,3 and q2 recoded 5,4,3 (one missing): 7 answers
    x1 = np.array([0, 0, 2, 3, 2]) / 7
    np.testing.assert_allclose(_m(_row(s, "x1", station="A")), x1)
    # x3 (cost): answers 1,2,2,5 are grades 5,4,4,1
    x3 = np.array([1, 0, 0, 2, 1]) / 4
    np.testing.assert_allclose(_m(_row(s, "x3", station="A")), x3)
    # x2, a statistic at 60: 0.6 in grade 3 (50), 0.4 in grade 4 (75)
    x2 = np.array([0, 0, 0.6, 0.4, 0])
    np.testing.assert_allclose(_m(_row(s, "x2", station="A")), x2)
    d1 = 0.6 * x1 + 0.4 * x2
    np.testing.assert_allclose(_m(_row(s, "d1", station="A")), d1)
    g = 0.7 * d1 + 0.3 * x3
    total = _row(s, "g", station="A")
    np.testing.assert_allclose(_m(total), g)
    assert total["score"] == pytest.approx(g @ C)
    assert total["grade"] == int(np.argmax(g)) + 1
    assert total["grade_zh"] == ["很差", "差", "中", "好", "很好"][int(np.argmax(g))]
    assert total["depth"] == 0 and _row(s, "d1", station="A")["depth"] == 1


def test_district_pools_the_answers_of_its_stations(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    st, di = _scores()
    fe = fuzzy_comprehensive(tree, _responses(), st, di, LOCAL)
    # x1 in D: station A's 7 answers and B's q1 = 1, q2 = 5 recoded to 1: 9 answers
    np.testing.assert_allclose(
        _m(_row(fe.districts, "x1", district="D")), np.array([2, 0, 2, 3, 2]) / 9
    )
    np.testing.assert_allclose(
        _m(_row(fe.districts, "x2", district="D")), [0, 0, 0.2, 0.8, 0]
    )  # 70: 0.2 at 50, 0.8 at 75
    assert len(fe.totals()) == 1 and len(fe.totals("station")) == 2


def test_every_membership_vector_sums_to_one_and_score_is_b_dot_c(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    st, di = _scores()
    fe = fuzzy_comprehensive(tree, _responses(), st, di, LOCAL)
    for frame in (fe.stations, fe.districts):
        m = frame[[f"m{k}" for k in range(1, 6)]].to_numpy(dtype=float)
        np.testing.assert_allclose(m.sum(axis=1), 1.0)
        np.testing.assert_allclose(frame["score"], m @ C)


def test_fragile_grade_when_top_two_are_close(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    st, di = _scores()
    fe = fuzzy_comprehensive(tree, _responses(), st, di, LOCAL)
    # x2 at station B: 90 is 0.4 at 75 and 0.6 at 100: a clear grade 5 (gap 0.2)
    b = _row(fe.stations, "x2", station="B")
    assert b["grade"] == 5 and not b["fragile"]
    assert b["top_gap"] == pytest.approx(0.2)
    st2 = st.copy()
    st2.loc[("D", "B"), "x2"] = 88.0  # 0.48 at 75, 0.52 at 100
    fe2 = fuzzy_comprehensive(tree, _responses(), st2, di, LOCAL)
    b2 = _row(fe2.stations, "x2", station="B")
    assert b2["fragile"] and b2["top_gap"] == pytest.approx(0.04)


def test_a_station_without_answers_drops_its_survey_indicators(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    st, di = _scores()
    st.loc[("D", "C"), "x2"] = 50.0
    fe = fuzzy_comprehensive(tree, _responses(), st, di, LOCAL)
    x1 = _row(fe.stations, "x1", station="C")
    assert np.isnan(_m(x1)).all()
    assert pd.isna(x1["grade"]) and x1["grade_zh"] == "" and not x1["fragile"]
    # d1 is x2 alone (its sibling's weight renormalised away); x3 has no data either
    np.testing.assert_allclose(_m(_row(fe.stations, "d1", station="C")), [0, 0, 1, 0, 0])
    total = _row(fe.stations, "g", station="C")
    np.testing.assert_allclose(_m(total), [0, 0, 1, 0, 0])
    assert total["score"] == pytest.approx(50.0)


def test_comment_set_is_the_survey_scale_named_by_the_tree(tmp_path: Path) -> None:
    cs = comment_set(_tree(tmp_path))
    assert cs.source == "scale:likert5"
    assert cs.names["en"] == ("Very poor", "Poor", "Fair", "Good", "Very good")
    np.testing.assert_allclose(cs.points, C)
    np.testing.assert_allclose(cs.scores, C)


def test_comment_set_of_a_tree_without_survey_is_its_levels(tmp_path: Path) -> None:
    text = """
schema_version: 1
id: s
title: {zh: 统计, en: Stats}
scales:
  likert5: {values: [1, 2, 3, 4, 5]}  # declared, used by no indicator
levels:
  - {id: a, name: {zh: 初始级, en: Initial}, min_score: 0}
  - {id: b, name: {zh: 基础级, en: Basic}, min_score: 60}
  - {id: c, name: {zh: 规范级, en: Standard}, min_score: 80}
goal:
  id: g
  name: {zh: 目标, en: Goal}
  children:
    - id: x
      name: {zh: 甲, en: X}
      direction: benefit
      goalposts: {worst: 0, best: 1}
      source: {statistic: {column: c}}
"""
    cs = comment_set(_tree(tmp_path, text))
    assert cs.source == "levels"
    assert cs.names["zh"] == ("初始级", "基础级", "规范级")
    np.testing.assert_allclose(cs.points, [30.0, 70.0, 90.0])  # midpoints of 0-60, 60-80, 80-100
