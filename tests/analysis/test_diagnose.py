"""Weak points and countermeasures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evalkit.analysis.diagnose import select_recommendations, weakest_indicators
from evalkit.pipeline import evaluate
from evalkit.report.tables import district_report, load_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ev():
    return evaluate(ROOT)


def test_weakest_are_ordered_by_points_lost() -> None:
    scores = pd.Series({"a": 50.0, "b": 80.0, "c": 90.0})
    weights = pd.Series({"a": 0.1, "b": 0.6, "c": 0.3})
    w = weakest_indicators(scores, weights, 2)
    assert w["id"].tolist() == ["b", "a"]  # b loses 0.6 * 20 = 12 points, a loses 0.1 * 50 = 5
    assert w["gap"].tolist() == pytest.approx([12.0, 5.0])


def test_weakest_indicators_get_countermeasures_above_their_trigger(ev) -> None:
    """Regression: 东湖区's weakest indicators (information sources, scores 61-69) sat above the
    library's triggers (< 60), so the report listed no countermeasure for its weakest points."""
    rules = load_rules(ev)
    covered = {i for r in rules for i in r.indicators}
    for district in ev.districts["district"]:
        model = district_report(ev, district, "zh", rules)
        chosen = {r.id for r in model.recommendations}
        chosen_rules = [r for r in rules if r.id in chosen]
        for leaf in model.weakest["id"].head(3):
            if leaf in covered:
                assert any(leaf in r.indicators for r in chosen_rules), (district, leaf)


def test_per_dimension_cap_and_limit(ev) -> None:
    rules = load_rules(ev)
    d = ev.districts["district"].iloc[0]
    scores = ev.district_scores.loc[d] * 0  # everything at 0: every rule fires
    w = ev.weights.table.set_index("id")["global"]
    chosen = select_recommendations(rules, scores, 1, w, ev.tree, per_dimension=2, limit=7)
    assert len(chosen) == 7
    per = pd.Series([r.dimension for r in chosen]).value_counts()
    assert per.max() <= 2
