"""ev.analysis("actions"): every countermeasure that fires, why (only the indicators that
triggered it), what it aims at (values in the indicators' units) and its expected gain."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.analysis.actions import ActionInput, fire_rules, rule_arrays
from evalkit.analysis.diagnose import RecommendationRule, select_recommendations, weakest_indicators
from evalkit.errors import InputError
from evalkit.pipeline import AGGREGATORS, evaluate, evaluate_prepared, prepare

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
CUT = np.array([0.0, 60.0, 70.0, 80.0, 90.0])


@pytest.fixture(scope="module")
def prepared():
    """The example with its library's efforts taken out: these tests order by gain alone
    (test_effort_orders_by_gain_per_unit_of_effort gives efforts of its own)."""
    p = prepare(ROOT)
    return dataclasses.replace(p, rules=tuple(dataclasses.replace(r, effort=None) for r in p.rules))


@pytest.fixture(scope="module")
def ev(prepared):
    return evaluate_prepared(prepared)


@pytest.fixture(scope="module")
def actions(ev):
    return ev.analysis("actions")


def _rule(rid, dimension, indicators, condition, threshold, effort=None):
    return RecommendationRule(
        rid,
        dimension,
        tuple(indicators),
        condition,
        threshold,
        "medium",
        {"zh": rid, "en": rid},
        effort,
    )


# ---- the kernel, by hand ---------------------------------------------------------------------


def test_only_the_indicators_below_the_trigger_are_triggers_and_targets() -> None:
    """Indicators a (60) and b (80) under one rule `below 70`: only a triggered it; the unit is
    at 基础级 (total 0.5*60 + 0.3*80 + 0.2*65 = 67), so a aims at 规范级's 70: gain 0.5*10 = 5."""
    leaves, dims = ["a", "b", "c"], ["d1", "d2"]
    leaf_dim = np.array([0, 0, 1])
    rules = [_rule("r", "d1", ["a", "b"], "indicator_below", 70)]
    arrays = rule_arrays(rules, leaves, dims, leaf_dim)
    w = np.array([0.5, 0.3, 0.2])
    s = np.array([[60.0, 80.0, 65.0]])
    total = s @ w

    def nodes(rows):
        rows = np.asarray(rows).reshape(-1, 3)
        return np.column_stack([rows @ w, rows[:, :2] @ w[:2] / 0.8, rows[:, 2]])

    inp = ActionInput(
        s,
        nodes(s)[:, 1:],
        total,
        np.array([2.0]),
        CUT,
        w,
        np.array([90.0, 85, 70]),
        0,
        nodes,
        np.array([np.nan]),
    )
    f = fire_rules(inp, arrays)
    assert f.unit.tolist() == [0] and f.rule.tolist() == [0]
    assert f.t_node.tolist() == [0] and f.t_kind.tolist() == [0]
    assert f.g_leaf.tolist() == [0] and f.g_score.tolist() == [70.0]
    assert f.gain == pytest.approx([5.0])
    assert f.g_gain == pytest.approx([5.0])


def test_a_dimension_rule_acts_on_its_indicators_below_their_targets() -> None:
    """Dimension d1 at 62.5 < 65 fires `dimension_below 65` naming no indicator: it acts on the
    dimension's indicators below their targets: a (50 -> 70, the next level's cut-off); b at 80
    is above it and aims at the best (85): gain 0.5*20 + 0.3*5 = 11.5. Without a weakest, no
    indicator is a trigger: the dimension is."""
    leaves, dims = ["a", "b", "c"], ["d1", "d2"]
    rules = [_rule("r", "d1", [], "dimension_below", 65)]
    arrays = rule_arrays(rules, leaves, dims, np.array([0, 0, 1]))
    w = np.array([0.5, 0.3, 0.2])
    s = np.array([[50.0, 80.0, 90.0]])

    def nodes(rows):
        rows = np.asarray(rows).reshape(-1, 3)
        return np.column_stack([rows @ w, rows[:, :2] @ w[:2] / 0.8, rows[:, 2]])

    inp = ActionInput(
        s,
        nodes(s)[:, 1:],
        s @ w,
        np.array([2.0]),
        CUT,
        w,
        np.array([90.0, 85, 90]),
        0,
        nodes,
        np.array([np.nan]),
    )
    f = fire_rules(inp, arrays)
    assert f.t_kind.tolist() == [1] and f.t_node.tolist() == [0]
    assert f.g_leaf.tolist() == [0, 1]
    assert f.g_score.tolist() == [70.0, 85.0]
    assert f.g_basis.tolist() == [0, 1]  # next_level, province_best
    assert f.gain == pytest.approx([11.5])


# ---- the example -------------------------------------------------------------------------------


def test_every_rule_that_fires_is_returned(ev, actions) -> None:
    """Regression: 北岭区 had 9 fired rules cut silently by a limit of 8 (one of them on its
    lowest indicator). The analysis returns every rule that fires: the same set the old
    selection finds without its caps."""
    rules = list(ev.prepared.rules)
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    w = ev.weights.global_
    k = ev.spec.report.weakest
    for d in ev.districts["district"]:
        scores = ev.district_scores.loc[d]
        level = int(ev.districts.set_index("district").loc[d, "level"])
        weak = weakest_indicators(scores[leaves], w, k)["id"].tolist()
        expected = select_recommendations(
            rules, scores, level, w, ev.tree, weakest=weak, per_dimension=99, limit=99
        )
        got = actions.of(d).countermeasures
        assert sorted(got["id"]) == sorted(r.id for r in expected), d
    bl = actions.of("北岭区").countermeasures
    assert len(bl) == 20 and bl["order"].tolist() == list(range(1, 21))
    lowest = ev.district_scores.loc["北岭区", leaves].idxmin()
    assert lowest in set(actions.of("北岭区").targets["indicator"])
    top, more = actions.of("北岭区").top(8)
    assert (len(top), more) == (8, 12)


def test_triggers_are_only_the_indicators_that_triggered(ev, actions) -> None:
    """A rule names two indicators and one is below its trigger: only that one is listed
    (the trigger column listed every indicator of a rule)."""
    by_id = {r.id: r for r in ev.prepared.rules}
    t = actions.triggers[actions.triggers["kind"] == "district"]
    below = t[t["reason"] == "indicator_below"]
    assert (below["score"] < below["threshold"]).all()
    weak = t[t["reason"] == "weakest"]
    assert len(weak) and (weak["what"] == "indicator").all()
    left_out = 0
    k = ev.spec.report.weakest
    w = ev.weights.global_
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    for (d, rid), rows in t.groupby(["district", "id"]):
        rule = by_id[rid]
        scores = ev.district_scores.loc[d]
        weakest = set(weakest_indicators(scores[leaves], w, k)["id"])
        for i in rule.indicators:
            triggered = (
                rule.condition == "indicator_below" and scores[i] < rule.threshold
            ) or i in weakest
            assert (i in set(rows["node"])) == triggered, (d, rid, i)
            left_out += not triggered
    assert left_out > 0  # some rule names an indicator that did not trigger it
    ic = actions.of("北岭区").triggers
    ic = ic[ic["id"] == "aa_demand_led_mechanism"]
    assert ic["node"].tolist() == ["analysis_products_per_10_officers", "info_led_deployment"]


def test_trigger_figures_are_the_units_compared(ev, actions) -> None:
    t = actions.of("北岭区").triggers
    row = t[(t["id"] == "ic_unified_standard") & (t["node"] == "collection_standardization")].iloc[
        0
    ]
    col = ev.district_scores["collection_standardization"]
    assert row["score"] == pytest.approx(col["北岭区"])
    assert row["mean"] == pytest.approx(col.mean())
    assert row["best"] == pytest.approx(col.max()) and row["best_unit_zh"] == col.idxmax()
    assert row["gap_to_mean"] == pytest.approx(col.mean() - col["北岭区"])
    assert row["text_zh"] == (
        "采集标准规范化程度 36.1 分，低于触发线 70（全省均值 67.6，差 31.5；最高 83.7（东湖区））"
    )
    assert row["text_en"] == (
        "Standardisation of collection 36.1, below the trigger 70 (province mean 67.6, 31.5 below "
        "it; best 83.7, Donghu District)"
    )
    st = actions.triggers[actions.triggers["kind"] == "station"]
    shown = ev.stations[ev.stations["shown"]]
    one = st[st["what"] == "indicator"].iloc[0]
    scores = ev.station_scores.loc[
        list(zip(shown["district"], shown["station"], strict=True)), one["node"]
    ]
    assert one["mean"] == pytest.approx(scores.mean())
    assert one["best"] == pytest.approx(scores.max())


def test_targets_are_values_in_the_indicators_units(ev, actions) -> None:
    g = actions.targets
    leaves = {leaf.id: leaf for leaf in ev.tree.leaves()}
    worst = g["indicator"].map(lambda i: leaves[i].worst)
    best = g["indicator"].map(lambda i: leaves[i].best)
    assert g["target_value"].to_numpy() == pytest.approx(
        (worst + g["target_score"] / 100 * (best - worst)).to_numpy()
    )
    levels = pd.concat(
        [
            ev.districts.assign(kind="district", station="")[
                ["kind", "district", "station", "level"]
            ],
            ev.stations.assign(kind="station")[["kind", "district", "station", "level"]],
        ]
    )
    g = g.merge(levels, on=["kind", "district", "station"])
    # at the top level there is no next level: never a next_level target (-inf: no score below it)
    nxt = g["level"].map(lambda lv: ev.tree.levels[int(lv)].min_score if lv < 5 else -np.inf)
    own = g[g["basis"] != "next_level_path"]
    n = nxt[own.index]
    assert ((own["basis"] == "next_level") == (own["score"] < n)).all()
    assert (
        own.loc[own["basis"] == "next_level", "target_score"] == n[own["basis"] == "next_level"]
    ).all()
    assert (own["target_score"] > own["score"]).all()
    row = actions.of("北岭区").targets
    row = row[
        (row["id"] == "ic_unified_standard") & (row["indicator"] == "collection_standardization")
    ]
    assert (
        row["text_zh"].iloc[0]
        == "采集标准规范化程度 2.45 → 3.40分（1-5）（达到基础级下限 60 分），总分 +0.8"
    )


def test_gain_is_the_weighted_score_change_and_what_evaluating_again_gives(
    prepared, ev, actions
) -> None:
    """Under the weighted sum (no value missing) a countermeasure's gain is the sum of its
    indicators' global weight x score change; applying its target values to the data and
    evaluating again adds exactly that to the district's total."""
    c = actions.countermeasures
    g = actions.targets
    own = c[~c["by_path"]]
    w = ev.weights.global_
    g = g.assign(part=w.reindex(g["indicator"]).to_numpy() * (g["target_score"] - g["score"]))
    summed = g.groupby(["kind", "district", "station", "id"])["part"].sum()
    key = pd.MultiIndex.from_frame(own[["kind", "district", "station", "id"]])
    assert own["gain"].to_numpy() == pytest.approx(
        summed.reindex(key).fillna(0).to_numpy(), abs=1e-9
    )
    row = actions.of("北岭区").countermeasures.iloc[3]
    targets = actions.of("北岭区").targets
    targets = targets[targets["id"] == row["id"]]
    d = prepared.matrix.districts.copy()
    for t in targets.itertuples():
        d.loc["北岭区", t.indicator] = t.target_value
    ev2 = evaluate_prepared(
        dataclasses.replace(prepared, matrix=dataclasses.replace(prepared.matrix, districts=d))
    )
    after = ev2.districts.set_index("district").loc["北岭区", "total"]
    before = ev.districts.set_index("district").loc["北岭区", "total"]
    assert after - before == pytest.approx(row["gain"], abs=1e-9)


def test_a_level_rule_naming_no_indicator_acts_through_the_path(ev, actions) -> None:
    c = actions.of("西山区").countermeasures
    row = c[c["id"] == "all_long_term_mechanism"].iloc[0]
    path = ev.analysis("next_level").of("西山区")
    assert bool(row["by_path"])
    assert row["gain"] == pytest.approx(
        path.units["total_after"].iloc[0] - path.units["total"].iloc[0]
    )
    t = actions.of("西山区").targets
    t = t[t["id"] == "all_long_term_mechanism"]
    assert t["indicator"].tolist() == path.steps["indicator"].tolist()
    assert (t["basis"] == "next_level_path").all()
    assert row["gain_zh"] == "预计总分 +1.8（按晋级路径）"


@pytest.mark.parametrize(
    ("channels", "basis"), [(5.857143, "province_best"), (7.0, "goalpost_best")]
)
def test_at_the_top_level_targets_are_the_best(prepared, channels: float, basis: str) -> None:
    """东湖区 with every indicator at its best but one: 智慧级 has no next level, so the one
    aims at the best district's score, or when it is itself the best, at the goalpost best.
    Indicators at their best lose nothing and are no weak points."""
    d = prepared.matrix.districts.copy()
    for leaf in prepared.tree.leaves():
        d.loc["东湖区", leaf.id] = leaf.best
    d.loc["东湖区", "collection_channels"] = channels
    p = dataclasses.replace(prepared, matrix=dataclasses.replace(prepared.matrix, districts=d))
    ev = evaluate_prepared(p)
    assert ev.districts.set_index("district").loc["东湖区", "level"] == 5
    a = ev.analysis("actions").of("东湖区")
    assert a.countermeasures["id"].tolist() == ["is_tap_social_resources"]
    (t,) = a.targets.to_dict("records")
    best = ev.district_scores["collection_channels"].drop("东湖区").max()
    assert t["basis"] == basis
    assert t["target_score"] == pytest.approx(best if basis == "province_best" else 100.0)
    assert t["target_score"] > t["score"]


def test_order_by_gain_and_priority_by_thirds(actions) -> None:
    assert actions.ordered_by == "gain"
    for _, c in actions.countermeasures.groupby(["kind", "district", "station"]):
        assert (np.diff(c["gain"].to_numpy()) <= 1e-12).all()
        n = len(c)
        expected = [
            "high" if i < np.ceil(n / 3) else "medium" if i < np.ceil(2 * n / 3) else "low"
            for i in range(n)
        ]
        expected = [e if g > 0 else "low" for e, g in zip(expected, c["gain"], strict=True)]
        assert c["priority"].tolist() == expected
    bl = actions.of("北岭区").countermeasures
    assert bl["priority"].value_counts().to_dict() == {"high": 7, "medium": 7, "low": 6}
    assert set(bl["priority_zh"]) == {"高", "中", "低"}


def test_effort_orders_by_gain_per_unit_of_effort(project: Path) -> None:
    lib = project / "indicators" / "recommendations.yaml"
    text = re.sub(r"(?m)^    effort: .*\n", "", lib.read_text(encoding="utf-8"))
    text = text.replace(
        "  - id: is_tap_social_resources\n", "  - id: is_tap_social_resources\n    effort: high\n"
    )
    text = text.replace(
        "  - id: aa_demand_led_mechanism\n", "  - id: aa_demand_led_mechanism\n    effort: low\n"
    )
    text = text.replace(
        "  - id: ic_multi_source_mechanism\n", "  - id: ic_multi_source_mechanism\n    effort: 6\n"
    )
    lib.write_text(text, encoding="utf-8")
    a = evaluate(project).analysis("actions")
    assert a.ordered_by == "gain_per_effort"
    c = a.of("北岭区").countermeasures.set_index("id")
    assert c.loc["is_tap_social_resources", "effort_units"] == 3.0
    assert c.loc["aa_demand_led_mechanism", "effort_units"] == 1.0
    assert c.loc["ic_multi_source_mechanism", "effort_units"] == 6.0
    assert c.loc["sg_clarify_duties", "effort_units"] == 2.0  # none given: medium
    assert c["gain_per_effort"].to_numpy() == pytest.approx(
        (c["gain"] / c["effort_units"]).to_numpy()
    )
    assert (np.diff(c["gain_per_effort"].to_numpy()) <= 1e-12).all()
    assert c.index[0] == "aa_demand_led_mechanism"
    assert c.loc["is_tap_social_resources", "order"] > 3  # the largest gain, at three units


def test_texts_in_both_languages(actions) -> None:
    c, t, g = actions.countermeasures, actions.triggers, actions.targets
    for frame, cols in (
        (c, ["text", "why", "targets", "gain", "priority", "dimension"]),
        (t, ["text", "name"]),
        (g, ["text", "basis", "name"]),
    ):
        for col in cols:
            zh, en = frame[f"{col}_zh"], frame[f"{col}_en"]
            assert zh.map(bool).all() and en.map(bool).all(), col
            assert zh.str.contains(CJK).all(), col
            assert not en.str.contains(CJK).any(), col


def test_gains_under_a_relative_aggregator_are_the_weighted_sum(prepared) -> None:
    base = AGGREGATORS["weighted_sum"].func

    @AGGREGATORS.register("test_relative_actions", zh="相对", en="relative")
    def relative(tree, leaf_scores, local):
        out = base(tree, leaf_scores, local)
        return 100 * (out - out.min()) / (out.max() - out.min())

    try:
        ev = evaluate_prepared(prepared, scoring="test_relative_actions")
        a = ev.analysis("actions")
    finally:
        AGGREGATORS._stages.pop("test_relative_actions")
    assert not a.exact
    own = a.countermeasures[~a.countermeasures["by_path"]]
    g = a.targets
    w = ev.weights.global_
    part = w.reindex(g["indicator"]).to_numpy() * (g["target_score"] - g["score"])
    summed = g.assign(part=part).groupby(["kind", "district", "station", "id"])["part"].sum()
    key = pd.MultiIndex.from_frame(own[["kind", "district", "station", "id"]])
    assert own["gain"].to_numpy() == pytest.approx(summed.reindex(key).to_numpy(), abs=1e-9)


def test_no_library_no_countermeasures(prepared) -> None:
    p = dataclasses.replace(prepared, rules=())
    a = evaluate_prepared(p).analysis("actions")
    assert a.countermeasures.empty and a.triggers.empty and a.targets.empty
    assert "why_zh" in a.countermeasures.columns


def test_prepare_reads_the_library_and_files_its_problems_with_the_others(project: Path) -> None:
    assert len(prepare(project).rules) == 31
    lib = project / "indicators" / "recommendations.yaml"
    lib.write_text(
        lib.read_text(encoding="utf-8").replace("    priority: high\n", "    priorty: high\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        prepare(project)
    (issue,) = exc.value.issues
    assert issue.location.file == str(lib)
    assert issue.fix == "Did you mean `priority`?"
