"""ev.analysis("next_level") on the example: each district's and shown station's path, and the
invariant that applying the path's target values to the prepared data and evaluating again
reaches the next level."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.pipeline import AGGREGATORS, evaluate_prepared, prepare

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def prepared():
    return prepare(ROOT)


def _apply(p, steps: pd.DataFrame, stations: bool):
    """The prepared data with the steps' target values in place of the units' values."""
    d = p.matrix.districts.copy()
    s = p.matrix.stations.copy()
    for r in steps.itertuples():
        if r.kind == "district":
            d.loc[r.district, r.indicator] = r.value_to
        elif stations:
            s.loc[(r.district, r.station), r.indicator] = r.value_to
    return dataclasses.replace(p, matrix=dataclasses.replace(p.matrix, districts=d, stations=s))


@pytest.mark.parametrize("scoring", ["weighted_sum", "geometric"])
@pytest.mark.parametrize("method", ["combined", "ahp"])
def test_applying_the_path_reaches_the_next_level(prepared, method: str, scoring: str) -> None:
    """Districts under any weights; stations under AHP (objective weights are computed across
    the stations, so changing a station's values moves them: the path holds them fixed)."""
    w = dataclasses.replace(prepared.spec.weights, method=method)
    ev = evaluate_prepared(prepared, weights=w, scoring=scoring)
    nl = ev.analysis("next_level")
    stations = method == "ahp"
    ev2 = evaluate_prepared(_apply(prepared, nl.steps, stations), weights=w, scoring=scoring)
    units = nl.units.set_index(["kind", "district", "station"])
    got = pd.concat(
        [
            ev2.districts.assign(kind="district", station="").set_index(
                ["kind", "district", "station"]
            ),
            ev2.stations.assign(kind="station").set_index(["kind", "district", "station"]),
        ]
    )[["total", "level"]].reindex(units.index)
    check = units.index.get_level_values("kind") == "district" if not stations else slice(None)
    u, g = units[check], got[check]
    # every unit has a path, but one already at the top level (a station of the example under
    # AHP weights), which keeps its level and total
    top = (u["status"] == "top").to_numpy()
    assert (top | (u["status"] == "path").to_numpy()).all() and not top.all()
    assert (g.loc[top, "level"] == len(prepared.tree.levels)).all()
    u, g = u[~top], g[~top]
    assert (g["level"].to_numpy() >= u["target"].to_numpy()).all()
    assert g["total"].to_numpy() == pytest.approx(u["total_after"].to_numpy(), abs=1e-9)
    # the last step goes only as far as needed: the total ends at the cut-off
    if scoring == "weighted_sum":
        assert u["total_after"].to_numpy() == pytest.approx(u["cutoff"].to_numpy(), abs=1e-5)


def test_example_district_paths(prepared) -> None:
    """The example's paths (weighted sum, combined weights): 北岭区 is 1.1 points short of 基础级
    and one indicator closes it; 东湖区 needs eight for 智慧级 (seven to their goalpost best, the
    last only as far as needed), ordered by gain, each total following."""
    ev = evaluate_prepared(prepared)
    nl = ev.analysis("next_level")
    u = nl.units[nl.units["kind"] == "district"].set_index("district")
    assert u.loc["东湖区", "target_zh"] == "智慧级" and u.loc["北岭区", "target_zh"] == "基础级"
    assert u.loc["东湖区", "shortfall"] == pytest.approx(90 - 83.138991, abs=1e-5)
    assert u["steps"].to_dict() == {"东湖区": 8, "北岭区": 1, "南港区": 1, "西山区": 1}
    assert u.loc["北岭区", "summary_zh"].startswith("还差 1.1 分达到基础级（60 分）")
    assert u.loc["东湖区", "summary_en"].startswith("6.9 points short of Intelligence-led (90)")
    steps = nl.of("东湖区").steps
    assert steps["step"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert (np.diff(steps["gain"].to_numpy()) <= 1e-12).all()  # largest gain first
    before = np.r_[u.loc["东湖区", "total"], steps["total_after"].to_numpy()[:-1]]
    assert steps["gain"].to_numpy() == pytest.approx(steps["total_after"].to_numpy() - before)
    # a step to the goalpost best is the goalpost itself, in the indicator's unit
    leaves = {leaf.id: leaf for leaf in ev.tree.leaves()}
    full = steps[steps["score_to"] == 100.0]
    assert len(full) == 7
    assert full["value_to"].tolist() == [leaves[i].best for i in full["indicator"]]
    first = steps.iloc[0]
    assert first["text_zh"] == "人均网上办案量 16.4 → 20.0 件/人·年，+1.3 分，总分 84.4"
    assert first["text_en"].startswith("Cases handled online per officer 16.4 → 20.0 cases per")


def test_the_path_weighs_with_the_effective_weights(prepared) -> None:
    """Under the weighted sum a step's gain is its indicator's global weight times its score
    change (no value missing in the example)."""
    ev = evaluate_prepared(prepared)
    steps = ev.analysis("next_level").steps
    w = ev.weights.global_.reindex(steps["indicator"]).to_numpy()
    change = steps["score_to"].to_numpy() - steps["score_from"].to_numpy()
    assert steps["gain"].to_numpy() == pytest.approx(w * change, abs=1e-9)


def test_hidden_stations_get_no_path_of_their_own(prepared) -> None:
    ev = evaluate_prepared(prepared)
    units = ev.analysis("next_level").units
    hidden = ev.stations[~ev.stations["shown"]]
    assert len(hidden) == 1
    st = units[units["kind"] == "station"]
    assert len(st) == int(ev.stations["shown"].sum())
    assert not st["station"].isin(hidden["station"]).any()


def test_texts_in_both_languages(prepared) -> None:
    ev = evaluate_prepared(prepared)
    nl = ev.analysis("next_level")
    for frame, cols in ((nl.units, ["summary"]), (nl.steps, ["text", "name", "unit"])):
        for c in cols:
            assert frame[f"{c}_zh"].map(bool).all() and frame[f"{c}_en"].map(bool).all()
            assert frame[f"{c}_zh"].str.contains(CJK).all() or c == "unit"
            assert not frame[f"{c}_en"].str.contains(CJK).any()


def test_a_top_level_unit_gets_none(prepared) -> None:
    """Every indicator of 东湖区 at its goalpost best: 智慧级, no path."""
    d = prepared.matrix.districts.copy()
    for leaf in prepared.tree.leaves():
        d.loc["东湖区", leaf.id] = leaf.best
    p = dataclasses.replace(prepared, matrix=dataclasses.replace(prepared.matrix, districts=d))
    nl = evaluate_prepared(p).analysis("next_level").of("东湖区")
    (row,) = nl.units.to_dict("records")
    assert (row["status"], row["steps"], row["target"]) == ("top", 0, 0)
    assert row["summary_zh"] == "已是最高等级智慧级"
    assert row["summary_en"] == "already at the top level, Intelligence-led"
    assert nl.steps.empty


@pytest.fixture()
def relative_aggregator():
    """An aggregator that scores a unit relative to the others (min-max of the weighted sum)."""
    base = AGGREGATORS["weighted_sum"].func

    @AGGREGATORS.register("test_relative", zh="相对", en="relative")
    def relative(tree, leaf_scores, local):
        out = base(tree, leaf_scores, local)
        lo, hi = out.min(), out.max()
        return 100 * (out - lo) / (hi - lo).where(hi > lo, 1.0)

    yield "test_relative"
    AGGREGATORS._stages.pop("test_relative")


def test_a_relative_aggregator_gets_no_path_and_says_why(prepared, relative_aggregator) -> None:
    ev = evaluate_prepared(prepared, scoring=relative_aggregator)
    nl = ev.analysis("next_level")
    assert not nl.exact and nl.steps.empty
    assert (nl.units["status"] == "relative").all()
    assert nl.units["summary_zh"].iloc[0] == "相对的得分相对于其他参评单位，不按分数线给出晋级路径"
    assert "relative to the other units" in nl.units["summary_en"].iloc[0]


def test_staged_rule_lifts_the_dimension_that_holds_the_level_back(project: Path) -> None:
    """Under the tree's `level_rule: staged`, with 规范级's cut-off (a calibration guess) set at
    68, 南港区 (68.3 under AHP weights: 规范级 by its total) is held at 基础级 by 保障措施 (55.7):
    规范级 needs every dimension at 基础级 (60), so the path lifts 保障措施 first, then 研判能力
    (58.7), each with an indicator of its own; 东湖区 needs 信息来源 and 信息采集 at 融合级 (80) on
    its way to 智慧级. Applying the steps and evaluating again reaches the next level under the
    staged rule, for districts and stations (AHP weights, so the stations' changes leave the
    weights as they are)."""
    tree = project / "indicators" / "community_policing.yaml"
    raw = tree.read_text(encoding="utf-8")
    assert raw.count("    min_score: 70\n") == 1
    raw = raw.replace("    min_score: 70\n", "    min_score: 68\n")
    tree.write_text(raw.replace("level_rule: total", "level_rule: staged"), encoding="utf-8")
    p = prepare(project)
    w = dataclasses.replace(p.spec.weights, method="ahp")
    ev = evaluate_prepared(p, weights=w)
    nl = ev.analysis("next_level")
    assert nl.rule == "staged"
    u = nl.units.set_index(["kind", "district", "station"])
    ng = u.loc[("district", "南港区", "")]
    held = ev.districts.set_index("district").loc["南港区"]
    assert (held["level"], held["level_by_total"], held["held_back_by"]) == (
        2.0,
        3.0,
        "safeguards",
    )
    assert held["safeguards"] < held["analysis_ability"] < 60
    assert ng["dimension"] == "safeguards" and ng["shortfall"] < 0
    assert ng["summary_zh"] == (
        f"总分 {ng['total']:.1f} 已过规范级线（68 分），但维度“保障措施”须达到基础级（60 分）："
        "改进 2 项指标即可"
    )
    steps = nl.of("南港区").steps
    assert steps["reason"].tolist() == ["safeguards", "analysis_ability"]
    for step in steps.itertuples():
        leaves_of = {leaf.id for leaf in ev.tree.node(step.reason).walk() if leaf.is_leaf}
        assert step.indicator in leaves_of
    dh = nl.of("东湖区").steps
    assert dh["reason"].tolist()[:3] == ["info_sources", "info_sources", "info_collection"]
    ev2 = evaluate_prepared(_apply(p, nl.steps, True), weights=w)
    got = pd.concat(
        [
            ev2.districts.assign(kind="district", station=""),
            ev2.stations.assign(kind="station"),
        ]
    ).set_index(["kind", "district", "station"])
    got = got.reindex(u.index)
    assert (got["level"].to_numpy() >= u["target"].to_numpy()).all()
    assert got["total"].to_numpy() == pytest.approx(u["total_after"].to_numpy(), abs=1e-9)
    assert (u["dimension"] != "").sum() > 10
