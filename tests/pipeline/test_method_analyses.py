"""ev.analysis("fuzzy"), ("methods") and ("obstacles") on the shipped example."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.pipeline import ANALYSES, evaluate_prepared, prepare


@pytest.fixture(scope="module")
def ev(tmp_path_factory: pytest.TempPathFactory):
    root = Path(__file__).resolve().parents[2]
    dst = tmp_path_factory.mktemp("p") / "project"
    dst.mkdir()
    shutil.copyfile(root / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(root / "indicators", dst / "indicators")
    shutil.copytree(root / "surveys", dst / "surveys")
    p = prepare(dst)
    shutil.rmtree(dst)  # analyses read no file
    return evaluate_prepared(p)


def test_registered() -> None:
    for name in ("fuzzy", "methods", "obstacles"):
        assert name in ANALYSES


def test_methods_of_the_example(ev) -> None:
    m = ev.analysis("methods")
    assert m.methods == ("weighted_sum", "geometric", "topsis", "grey_relational", "fuzzy")
    assert m.labels["topsis"]["zh"] and m.sources["grey_relational"].startswith("Deng")
    d = m.districts.table
    head = ev.districts.set_index("district")
    np.testing.assert_allclose(d["score_weighted_sum"], head.loc[d.index, "total"])
    np.testing.assert_array_equal(d["rank_weighted_sum"], head.loc[d.index, "rank"])
    assert len(m.districts.agreement) == 10 and len(m.stations.agreement) == 10
    # stations: the shown ones, ranked across the province as rank_in_province
    shown = ev.stations[ev.stations["shown"]].set_index(["district", "station"])
    s = m.stations.table
    assert set(s.index) == set(shown.index)
    np.testing.assert_array_equal(s["rank_weighted_sum"], shown.loc[s.index, "rank_in_province"])
    # the fuzzy aggregator equals the weighted sum: the same ranking
    assert m.stations.tau("weighted_sum", "fuzzy") == pytest.approx(1.0)
    a = m.stations.agreement
    assert a["kendall_tau"].between(-1, 1).all() and a["spearman_rho"].between(-1, 1).all()
    assert (a["n"] == len(shown)).all()
    movers = m.stations.movers()
    assert len(movers) <= 5 and movers["move"].is_monotonic_decreasing
    assert movers["move"].iloc[0] == s["move"].max()


def test_methods_with_nothing_to_compare(ev) -> None:
    spec = dataclasses.replace(ev.spec.scoring, compare=())
    alone = evaluate_prepared(ev.prepared, scoring=spec).analysis("methods")
    assert alone.methods == ("weighted_sum",)
    assert alone.districts.agreement.empty


def test_obstacles_rows_sum_to_one_and_order_as_points_lost(ev) -> None:
    o = ev.analysis("obstacles")
    for table in (o.districts, o.stations):
        busy = ~table.unobstructed
        np.testing.assert_allclose(table.indicators[busy].sum(axis=1, min_count=1), 1.0)
        np.testing.assert_allclose(table.dimensions[busy].sum(axis=1, min_count=1), 1.0)
    assert list(o.districts.dimensions.columns) == ev.dimension_ids
    diagnosis = ev.analysis("diagnosis")
    w = ev.weights.global_
    for district in ev.district_names():
        ranked = o.districts.ranked(district)
        scores = ev.district_scores.loc[district, ranked.index]
        lost = w[ranked.index] * (100 - scores)
        # the same numerator as the points lost, normalised
        np.testing.assert_allclose(ranked, lost / lost.sum())
        assert list(ranked.index[:5]) == list(diagnosis[district]["id"].iloc[:5])


def test_obstacles_of_a_dimension_are_the_sum_of_its_indicators(ev) -> None:
    o = ev.analysis("obstacles")
    for dim in ev.tree.dimensions:
        ids = [n.id for n in dim.walk() if n.is_leaf]
        np.testing.assert_allclose(
            o.stations.dimensions[dim.id], o.stations.indicators[ids].sum(axis=1, min_count=1)
        )


def test_fuzzy_of_the_example(ev) -> None:
    f = ev.analysis("fuzzy")
    n_nodes = len(ev.tree.nodes())
    assert len(f.districts) == 4 * n_nodes and len(f.stations) == len(ev.stations) * n_nodes
    assert f.comment_set.names["zh"] == ("非常不同意", "不同意", "一般", "同意", "非常同意")
    m = f.districts[[f"m{k}" for k in range(1, 6)]].to_numpy(dtype=float)
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    totals = f.totals().set_index("district")
    head = ev.districts.set_index("district")["total"]
    # B . C pools the answers over items (the weighted sum averages item means): close, not equal
    np.testing.assert_allclose(totals.loc[head.index, "score"], head, atol=0.05)
    assert set(totals["grade_zh"]) <= set(f.comment_set.names["zh"])
    assert totals["fragile"].dtype == bool
    assert isinstance(totals["grade"].dtype, pd.Int64Dtype)
