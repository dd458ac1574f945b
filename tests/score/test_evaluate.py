"""The Evaluation under each weighting setting, fallbacks and warnings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from evalkit.errors import FontError
from evalkit.ingest.judgments import load_judgments
from evalkit.ingest.survey import SurveyData
from evalkit.pipeline import evaluate, evaluate_data
from evalkit.run import run_project
from evalkit.spec import load_spec


@pytest.fixture(scope="module")
def base():
    root = Path(__file__).resolve().parents[2]
    return evaluate(root)


def _with(ev, **weights):
    spec = dataclasses.replace(ev.spec, weights=dataclasses.replace(ev.spec.weights, **weights))
    return evaluate_data(spec, ev.tree, ev.survey, ev.judgments)


def test_ahp_only_uses_ahp_local(base) -> None:
    ev = _with(base, method="ahp")
    t = ev.weights.table
    np.testing.assert_allclose(t["local"], t["ahp_local"])
    assert ev.weights.method == "ahp"


def test_entropy_only_uses_the_entropy_weights(base) -> None:
    ev = _with(base, method="entropy")
    t = ev.weights.table
    np.testing.assert_allclose(t["local"], t["objective_local"])


def test_equal_weights(base) -> None:
    ev = _with(base, method="equal")
    t = ev.weights.table.set_index("id")
    for node in ev.tree.criteria():
        for c in node.children:
            assert t.at[c.id, "local"] == pytest.approx(1 / len(node.children))


def test_multiplicative_combination(base) -> None:
    ev = _with(base, combine="multiplicative", combine_level="global")
    t = ev.weights.table.set_index("id")
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    prod = t.loc[leaves, "ahp_global"] * t.loc[leaves, "objective_global"]
    np.testing.assert_allclose(t.loc[leaves, "global"], prod / prod.sum())


def test_alpha_one_gives_ahp_weights(base) -> None:
    ev = _with(base, alpha=1.0)
    t = ev.weights.table
    np.testing.assert_allclose(t["global"], t["ahp_global"], atol=1e-12)


def test_exclude_policy_drops_the_inconsistent_expert(base) -> None:
    ev = _with(base, inconsistent_experts="exclude")
    e = ev.weights.experts
    row = e[(e["expert"] == "E06") & (e["node_id"] == "maturity")].iloc[0]
    assert not row["used"]
    g = ev.weights.group.set_index("node_id")
    assert g.at["maturity", "experts"] == 7
    assert not np.allclose(
        ev.weights.table["ahp_local"].to_numpy(), base.weights.table["ahp_local"].to_numpy()
    )


def test_scores_between_zero_and_hundred_and_levels_match_totals(base) -> None:
    s = base.station_scores.to_numpy()
    assert np.nanmin(s) >= 0 and np.nanmax(s) <= 100
    for _, r in base.districts.iterrows():
        assert base.tree.level_for(r["total"]).level == r["level"]
    assert sorted(base.districts["rank"]) == [1, 2, 3, 4]
    # the designed weaknesses show: 北岭区 is the weakest district in information collection
    dims = base.districts.set_index("district")
    assert dims["info_collection"].idxmin() == "北岭区"
    assert dims["tech_environment"].idxmin() == "西山区" or (
        dims.loc["西山区", "tech_environment"] < dims.loc["西山区", "analysis_ability"]
    )


def test_one_station_falls_back_to_ahp_and_says_so(base) -> None:
    st = base.survey.stations.iloc[[0]]
    key = (st["district"].iloc[0], st["station"].iloc[0])
    resp = base.survey.responses
    resp = resp[(resp["district"] == key[0]) & (resp["station"] == key[1])]
    one = SurveyData(resp, st, [], [])
    ev = evaluate_data(base.spec, base.tree, one, base.judgments)
    assert ev.weights.method == "ahp"
    assert any("at least 2 units" in i.message for i in ev.issues)
    assert len(ev.districts) == 1 and ev.districts["total"].notna().all()


def test_missing_indicator_renormalises_and_warns(base) -> None:
    stations = base.survey.stations.copy()
    d = stations["district"].iloc[0]
    stations.loc[stations["district"] == d, "it_funding"] = np.nan
    ev = evaluate_data(
        base.spec, base.tree, SurveyData(base.survey.responses, stations, [], []), base.judgments
    )
    assert np.isnan(ev.district_values.at[d, "it_spending_per_officer"])
    assert not np.isnan(ev.districts.set_index("district").at[d, "total"])
    assert any("have no data" in i.message and d in i.message for i in ev.issues)


def test_experts_long_csv_equals_workbook(base, tmp_path: Path) -> None:
    rows = []
    for node, stack in base.judgments.matrices.items():
        kids = [c.id for c in base.tree.node(node).children]
        for k, expert in enumerate(base.judgments.experts[node]):
            for i in range(len(kids)):
                for j in range(i + 1, len(kids)):
                    rows.append((expert, node, kids[i], kids[j], stack[k, i, j]))
    csv = tmp_path / "experts.csv"
    pd.DataFrame(rows, columns=["expert", "node", "row", "column", "value"]).to_csv(
        csv, index=False
    )
    j = load_judgments(csv, base.tree)
    for node, stack in base.judgments.matrices.items():
        np.testing.assert_allclose(j.matrices[node], stack, rtol=1e-12)


def test_missing_font_file_is_a_clear_error(project: Path) -> None:
    with pytest.raises(FontError, match="does not exist"):
        run_project(project, lang="zh", font=project / "nope.ttf")
    # no report; the list of problems says why the run stopped
    out = project / "reports"
    assert sorted(p.name for p in out.iterdir()) == ["issues.xlsx"]
    rows = CalamineWorkbook.from_path(str(out / "issues.xlsx")).get_sheet_by_index(0).to_python()
    assert any("字体文件" in str(c) and "nope.ttf" in str(c) for r in rows for c in r)


def test_spec_errors_name_the_line(project: Path) -> None:
    text = (project / "evalkit.yaml").read_text(encoding="utf-8")
    (project / "evalkit.yaml").write_text(
        text.replace("alpha: 0.5", "alpha: 1.5").replace("method: combined", "method: magic"),
        encoding="utf-8",
    )
    from evalkit.errors import SpecError

    with pytest.raises(SpecError) as info:
        load_spec(project)
    lines = text.splitlines()
    by_msg = {i.message: i.location.line for i in info.value.issues}
    assert by_msg["weights.alpha must be a number in [0, 1]"] == next(
        n for n, line in enumerate(lines, 1) if "alpha: 0.5" in line
    )
    assert by_msg["unknown weights.method"] == next(
        n for n, line in enumerate(lines, 1) if "method: combined" in line
    )


def test_repair_policy_reaches_reports(base) -> None:
    from evalkit.report.tables import district_report

    ev = _with(base, inconsistent_experts="repair")
    e06 = ev.weights.experts.query("expert == 'E06' and node_id == 'maturity'").iloc[0]
    assert e06["cr"] > 0.1 and e06["cr_repaired"] <= 0.1 and e06["repairs"]
    model = district_report(ev, "东湖区", "zh")
    row = model.experts.query("expert == 'E06' and node_id == 'maturity'").iloc[0]
    assert row["worst_pair"] == "信息来源 vs 技术环境" and row["suggested"]
    assert "修正" in model.method["inconsistent_experts"]


def test_game_theory_combination_is_reported(base) -> None:
    from evalkit.report.tables import method_dict

    ev = _with(base, combine="game_theory", combine_level="global")
    c = ev.weights.combination
    assert c["method"] == "game_theory" and c["ahp"] + c["objective"] == pytest.approx(
        1.0, abs=1e-9
    )
    assert "博弈论" in method_dict(ev, "zh")["weights"]
    t = ev.weights.table.set_index("id")
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    expect = (
        c["ahp"] * t.loc[leaves, "ahp_global"] + c["objective"] * t.loc[leaves, "objective_global"]
    )
    np.testing.assert_allclose(t.loc[leaves, "global"], expect / expect.sum(), atol=1e-12)


def test_hierarchy_cr_composes_group_ci_by_ahp_global_weight(base) -> None:
    from evalkit.weights.ahp import random_index

    g = base.weights.group.set_index("node_id")
    t = base.weights.table.set_index("id")
    nodes = base.tree.criteria()
    w = np.array([1.0 if n.depth == 0 else t.at[n.id, "ahp_global"] for n in nodes])
    ci = np.array([g.at[n.id, "ci"] for n in nodes])
    ri = np.array([random_index(len(n.children)) for n in nodes])
    h = base.weights.hierarchy.set_index("depth")
    assert h.at[-1, "cr"] == pytest.approx((w * ci).sum() / (w * ri).sum())
    assert h.at[-1, "cr"] < 0.1


def test_per_node_combination_is_each_nodes_linear_mix(base) -> None:
    """The default: every node's children weigh alpha * AHP local + (1 - alpha) * objective local,
    a criterion's objective weight the largest of its leaves' (the objective columns show that)."""
    ev = _with(base, combine_level="node", alpha=0.3)
    t = ev.weights.table.set_index("id")
    np.testing.assert_allclose(t["local"], 0.3 * t["ahp_local"] + 0.7 * t["objective_local"])
    assert ev.weights.combination["level"] == "node"
    leaf_w = {}
    for leaf in ev.tree.leaves():
        leaf_w[leaf.id] = t.at[leaf.id, "objective_local"]
    for dim in ev.tree.dimensions:  # leaf children keep their objective shares among siblings
        kids = [c.id for c in dim.children]
        assert t.loc[kids, "objective_local"].sum() == pytest.approx(1.0)


def test_per_node_multiplicative_and_game_theory(base) -> None:
    for how in ("multiplicative", "game_theory"):
        ev = _with(base, combine=how, combine_level="node")
        t = ev.weights.table.set_index("id")
        for _, group in t.groupby("parent"):
            assert group["local"].sum() == pytest.approx(1.0)
        assert set(ev.weights.combination["coefficients"]) == {n.id for n in ev.tree.criteria()}
