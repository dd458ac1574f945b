"""Aggregation up the tree: invariants and missing values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.score.aggregate import aggregate_scores
from evalkit.tree import load_tree

TREE = """
schema_version: 1
id: t
title: {zh: 测试, en: Test}
scales:
  likert5: {values: [1, 2, 3, 4, 5]}
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
          goalposts: {worst: 0, best: 10}
          source: {statistic: {column: c1}}
        - id: d11
          name: {zh: 深, en: Deep}
          children:
            - id: x2
              name: {zh: 乙, en: X2}
              direction: cost
              goalposts: {worst: 10, best: 0}
              source: {statistic: {column: c2}}
            - id: x3
              name: {zh: 丙, en: X3}
              direction: benefit
              source: {survey: {scale: likert5, items: [{id: q1, zh: 问, en: Q}]}}
    - id: x4
      name: {zh: 丁, en: X4}
      direction: benefit
      goalposts: {worst: 0, best: 1}
      source: {statistic: {numerator: n1, denominator: n2}}
"""


def _tree(tmp_path: Path):
    p = tmp_path / "t.yaml"
    p.write_text(TREE, encoding="utf-8")
    return load_tree(p)


def test_three_level_tree_by_hand(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    local = pd.Series({"d1": 0.6, "x4": 0.4, "x1": 0.5, "d11": 0.5, "x2": 0.25, "x3": 0.75})
    leaf = pd.DataFrame({"x1": [100.0], "x2": [0.0], "x3": [40.0], "x4": [50.0]})
    s = aggregate_scores(tree, leaf, local)
    assert s.loc[0, "d11"] == 30.0
    assert s.loc[0, "d1"] == 65.0
    assert s.loc[0, "g"] == 0.6 * 65 + 0.4 * 50
    assert list(s.columns) == ["g", "d1", "x1", "d11", "x2", "x3", "x4"]


def test_missing_child_renormalises_siblings(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    local = pd.Series({"d1": 0.6, "x4": 0.4, "x1": 0.5, "d11": 0.5, "x2": 0.25, "x3": 0.75})
    leaf = pd.DataFrame({"x1": [80.0], "x2": [np.nan], "x3": [40.0], "x4": [np.nan]})
    s = aggregate_scores(tree, leaf, local)
    assert s.loc[0, "d11"] == 40.0
    assert s.loc[0, "g"] == s.loc[0, "d1"] == 60.0


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0, 100), min_size=4, max_size=4),
    st.lists(st.floats(0.01, 1), min_size=6, max_size=6),
)
def test_parent_between_children(tmp_path_factory, scores: list[float], raw_w: list[float]) -> None:
    tree = _tree(tmp_path_factory.mktemp("t"))
    w = dict(zip(["d1", "x4", "x1", "d11", "x2", "x3"], raw_w, strict=True))
    for a, b in (("d1", "x4"), ("x1", "d11"), ("x2", "x3")):
        t = w[a] + w[b]
        w[a], w[b] = w[a] / t, w[b] / t
    leaf = pd.DataFrame([scores], columns=["x1", "x2", "x3", "x4"])
    s = aggregate_scores(tree, leaf, pd.Series(w)).iloc[0]
    for parent, kids in (("d11", ["x2", "x3"]), ("d1", ["x1", "d11"]), ("g", ["d1", "x4"])):
        assert min(s[k] for k in kids) - 1e-9 <= s[parent] <= max(s[k] for k in kids) + 1e-9
