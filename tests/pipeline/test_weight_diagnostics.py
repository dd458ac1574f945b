"""The WeightSet says how far its objective weights can be trusted and how much of the total
weight rests on officers' self-reports, on the shipped example."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from evalkit.pipeline import evaluate_prepared, prepare
from evalkit.weights import critic_weights, entropy_weights, std_weights

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory):
    dst = tmp_path_factory.mktemp("w") / "project"
    dst.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return prepare(dst)


@pytest.fixture(scope="module")
def ev(prepared):
    return evaluate_prepared(prepared)


def _weights(p, **change):
    return evaluate_prepared(p, weights=dataclasses.replace(p.spec.weights, **change)).weights


def test_leader_platform_use_is_flagged_for_its_ties(prepared, ev) -> None:
    """The share of a station's 3-5 leaders who use the platform takes 7 distinct values across
    the 28 stations, 11 of them at one value (more than a third): flagged for its ties; the
    stations' counts of channels (6 values, 7 stations at one) are not."""
    d = ev.weights.diagnostics.set_index("id")
    row = d.loc["leader_platform_use"]
    assert row["distinct"] == 7 and row["share_at_mode"] == pytest.approx(11 / 28)
    assert row["few_values"]
    assert list(d.index[d["few_values"]]) == ["leader_platform_use"]
    channels = d.loc["collection_channels"]
    assert channels["distinct"] == 6 and channels["share_at_mode"] == pytest.approx(7 / 28)
    assert not channels["few_values"]
    units = prepared.objective_units[prepared.leaf_ids].dropna().to_numpy(dtype=float)
    for name, kernel in (("entropy", entropy_weights), ("critic", critic_weights)):
        np.testing.assert_allclose(d[name], kernel(units, prepared.directions), rtol=1e-10)
    np.testing.assert_allclose(d["std"], std_weights(units), rtol=1e-10)
    (issue,) = [i for i in ev.issues if "rest on ties" in i.message]
    assert issue.severity == "warning" and "leader_platform_use" in issue.location.path
    flagged = d[d["few_values"] & (d["entropy"] > 0)].index
    assert issue.location.path == ", ".join(flagged)  # one warning naming every indicator
    assert "leader_platform_use (7 distinct values, 11 stations at one value" in issue.message
    assert "所领导常态使用平台比例（7 个不同取值" in issue.message_zh
    assert issue.fix and issue.fix_zh


def test_a_weight_one_station_moves_names_that_station(ev) -> None:
    d = ev.weights.diagnostics.set_index("id")
    flagged = d[d["few_units"]]
    assert len(flagged) > 0 and (flagged["loo_change"] > 0.30).all()
    stations = set(ev.stations["station"])
    assert set(flagged["loo_station"]) <= stations
    (issue,) = [i for i in ev.issues if "driven by few stations" in i.message]
    order = flagged.sort_values("loo_change", ascending=False)
    assert issue.location.path == ", ".join(order.index)  # the largest change first
    top = order.iloc[0]
    assert f"{order.index[0]} ({100 * top['loo_change']:.0f} % without" in issue.message
    # the English text names the station and its district in English, the Chinese one in Chinese
    st = ev.stations.set_index(["district", "station"])
    station_en = st.at[(top["loo_district"], top["loo_station"]), "station_en"]
    district_en = ev.districts.set_index("district").at[top["loo_district"], "district_en"]
    assert station_en != top["loo_station"] and district_en != top["loo_district"]
    assert f"{district_en} / {station_en}" in issue.message
    assert top["loo_station"] not in issue.message and top["loo_district"] not in issue.message
    assert f"{top['loo_district']} / {top['loo_station']}" in issue.message_zh and issue.fix_zh


def test_no_warning_when_objective_weights_are_not_used(prepared) -> None:
    """AHP alone: the diagnostics are there to read, but flag nothing in the issues."""
    ws = _weights(prepared, method="ahp")
    assert ws.diagnostics.set_index("id").at["leader_platform_use", "few_values"]
    assert not [i for i in ws.issues if "ties" in i.message or "few stations" in i.message]
    critic = _weights(prepared, method="critic")  # the flags follow the objective method used
    d = critic.diagnostics.set_index("id")
    few = [i for i in critic.issues if "few stations" in i.message]
    assert bool(few) == bool(d["few_units"].any())
    assert all(
        "CRITIC" in i.message for i in few + [i for i in critic.issues if "ties" in i.message]
    )


def test_self_report_share_under_global_combination(prepared) -> None:
    """20.9 % of the total weight rests on officers' self-reports on the shipped example when the
    weights are combined on the leaves (20.8 % at every node, the example's setting)."""
    ws = _weights(prepared, combine_level="global")
    assert round(ws.self_report_share, 3) == 0.209
    tree = prepared.tree
    survey = [lf.id for lf in tree.leaves() if lf.source.kind == "survey"]
    t = ws.table.set_index("id")
    assert ws.self_report_share == pytest.approx(t.loc[survey, "global"].sum(), abs=1e-15)
    s = ws.source_shares
    assert s.at["survey", "ahp"] == pytest.approx(t.loc[survey, "ahp_global"].sum())
    assert s.at["survey", "objective"] == pytest.approx(t.loc[survey, "objective_global"].sum())
    np.testing.assert_allclose(s.sum(axis=0), 1.0)


def test_self_report_share_of_equal_weights(prepared) -> None:
    """Equal weights: each dimension 1/5, shared equally by its indicators."""
    ws = _weights(prepared, method="equal")
    tree = prepared.tree
    want = sum(
        sum(lf.source.kind == "survey" for lf in d.children) / len(d.children) / 5
        for d in tree.dimensions
    )
    assert ws.self_report_share == pytest.approx(want)
    assert np.isnan(ws.source_shares.at["survey", "objective"])  # no objective method ran
