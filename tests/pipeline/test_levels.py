"""Maturity levels by the tree's rule: the total alone, or staged (at most one level above the
weakest dimension's), with the dimension that holds a unit back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.pipeline import evaluate, level_table, levels_of
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[2]
TREE = load_tree(ROOT / "indicators" / "community_policing.yaml")  # cut-offs 0/60/70/80/90
DIMS = [d.id for d in TREE.dimensions]
CUTS = np.array([lv.min_score for lv in TREE.levels])


def _level(score: float) -> int:
    return int((score >= CUTS).sum())


scores = arrays(
    float,
    st.tuples(st.integers(1, 30), st.just(len(DIMS))),
    elements=st.floats(0, 100, allow_nan=False) | st.just(float("nan")),
)


@given(scores, st.lists(st.floats(0.01, 1), min_size=len(DIMS), max_size=len(DIMS)))
def test_staged_level_is_at_most_one_above_the_weakest_dimension(
    x: np.ndarray, w: list[float]
) -> None:
    dims = pd.DataFrame(x, columns=DIMS)
    weights = np.array(w) / sum(w)
    known = ~np.isnan(x)
    with np.errstate(invalid="ignore"):
        total = pd.Series(np.where(known, x, 0) @ weights / (known @ weights))  # NaN: no dimension
    t = level_table(TREE, total, dims, "staged")
    for i in range(len(x)):
        if np.isnan(total[i]):
            assert np.isnan(t.at[i, "level"]) and t.at[i, "held_back_by"] == ""
            continue
        weakest = min(_level(v) for v in x[i] if v == v)
        by_total = _level(total[i])
        assert t.at[i, "level_by_total"] == by_total
        assert t.at[i, "level"] <= weakest + 1
        assert t.at[i, "level"] == min(by_total, weakest + 1)
        held = t.at[i, "held_back_by"]
        if t.at[i, "level"] < by_total:
            assert _level(dims.at[i, held]) == weakest  # the dimension named is a weakest one
        else:
            assert held == ""
    total_rule = level_table(TREE, total, dims, "total")
    np.testing.assert_array_equal(total_rule["level"], t["level_by_total"])
    assert (total_rule["held_back_by"] == "").all()


def test_a_high_total_with_one_low_dimension_is_capped() -> None:
    """花园派出所 on the example: total 80.5 (融合级) while information sources score 62.1
    (基础级); staged, it is 规范级, held back by information sources."""
    dims = pd.DataFrame([[79.1, 62.1, 79.7, 89.6, 88.9]], columns=DIMS, index=["花园派出所"])
    total = pd.Series([80.5], index=dims.index)
    assert levels_of(TREE, total).tolist() == [4.0]  # the tree's rule: total
    t = level_table(TREE, total, dims, "staged")
    assert t.loc["花园派出所"].tolist() == [3.0, 4.0, "info_sources"]
    assert TREE.levels[2].name["zh"] == "规范级"


def test_the_staged_rule_needs_the_dimensions() -> None:
    with pytest.raises(ValueError, match="dimensions"):
        levels_of(TREE, pd.Series([75.0]), rule="staged")


def test_a_staged_tree_caps_stations_and_districts(project: Path) -> None:
    """`level_rule: staged` in the tree file: the tables give the capped level, the level of the
    total and the dimension that binds; the total rule's tables name none. The tree's cut-offs
    are calibration guesses; set 规范级's at 68 (a bureau's calibration), 南港区 (68.4) and
    西山区 (68.2) reach it by their totals while their safeguards (57.2) and technical environment
    (45.9) are 初始级: staged, both stay 基础级, each held back by that dimension."""
    path = project / "indicators" / "community_policing.yaml"
    raw = path.read_text(encoding="utf-8")
    assert raw.count("    min_score: 70\n") == 1
    raw = raw.replace("    min_score: 70\n", "    min_score: 68\n")
    path.write_text(raw, encoding="utf-8")
    total = evaluate(project)
    path.write_text(raw.replace("level_rule: total", "level_rule: staged"), encoding="utf-8")
    staged = evaluate(project)
    assert staged.tree.level_rule == "staged"
    cuts = np.array([lv.min_score for lv in staged.tree.levels])
    assert cuts.tolist() == [0, 60, 68, 80, 90]
    for kind in ("stations", "districts"):
        a, b = getattr(total, kind), getattr(staged, kind)
        np.testing.assert_array_equal(b["level_by_total"], a["level"])
        assert (a["held_back_by"] == "").all()
        capped = b["level"] < b["level_by_total"]
        assert capped.any(), kind
        assert (b.loc[capped, "held_back_by"] != "").all()
        assert (b.loc[~capped, "held_back_by"] == "").all()
        for _, row in b[capped].iterrows():
            low = min(row[d] for d in staged.dimension_ids)
            assert row[row["held_back_by"]] == low
            assert row["level"] == int((low >= cuts).sum()) + 1
    d = staged.districts.set_index("district")
    assert d.loc[["南港区", "西山区"], "level_by_total"].tolist() == [3, 3]
    assert d.loc[["南港区", "西山区"], "level"].tolist() == [2, 2]
    assert d.loc[["南港区", "西山区"], "held_back_by"].tolist() == [
        "safeguards",
        "tech_environment",
    ]
    assert d.loc[["东湖区", "北岭区"], "held_back_by"].tolist() == ["", ""]
    garden = staged.stations.set_index("station").loc["花园派出所"]
    assert garden["level_by_total"] == 4 and garden["level"] == 3
