"""The toolbox's aggregators in the staged pipeline: topsis, grey_relational, fuzzy."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from evalkit.pipeline import AGGREGATORS, evaluate_prepared, prepare
from evalkit.pipeline.mcda import relative_leaf_weights
from evalkit.score import grey_relational, topsis
from evalkit.spec import SCORING_METHODS


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory):
    root = Path(__file__).resolve().parents[2]
    dst = tmp_path_factory.mktemp("p") / "project"
    dst.mkdir()
    shutil.copyfile(root / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(root / "indicators", dst / "indicators")
    shutil.copytree(root / "surveys", dst / "surveys")
    p = prepare(dst)
    shutil.rmtree(dst)
    return p


@pytest.fixture(scope="module")
def base(prepared):
    return evaluate_prepared(prepared)


def test_registered_and_known_to_the_project_file() -> None:
    for name in ("topsis", "grey_relational", "fuzzy"):
        assert name in AGGREGATORS
        assert name in SCORING_METHODS
        assert AGGREGATORS[name].source


@pytest.mark.parametrize(
    ("name", "kernel"), [("topsis", topsis), ("grey_relational", grey_relational)]
)
def test_total_is_the_method_over_all_indicators_with_global_weights(
    prepared, base, name: str, kernel
) -> None:
    ev = evaluate_prepared(prepared, scoring=name)
    assert ev.scoring == name
    leaves = prepared.leaf_ids
    w = base.weights.global_[leaves].to_numpy()
    for scores, frame in (
        (prepared.district_leaf_scores, ev.district_scores),
        (prepared.station_leaf_scores, ev.station_scores),
    ):
        x = scores[leaves].to_numpy(dtype=float)
        expect = 100 * kernel(x, w, np.ones(len(leaves)))
        np.testing.assert_allclose(frame[ev.tree.goal.id], expect, rtol=1e-12)
        # indicators keep their goalpost scores
        np.testing.assert_allclose(frame[leaves], scores[leaves])


@pytest.mark.parametrize(
    ("name", "kernel"), [("topsis", topsis), ("grey_relational", grey_relational)]
)
def test_dimension_is_the_method_within_the_dimension(prepared, base, name: str, kernel) -> None:
    ev = evaluate_prepared(prepared, scoring=name)
    local = base.weights.local
    for dim in ev.tree.dimensions:
        ids = [n.id for n in dim.walk() if n.is_leaf]
        w = np.array([local[i] for i in ids])
        x = prepared.station_leaf_scores[ids].to_numpy(dtype=float)
        expect = 100 * kernel(x, w, np.ones(len(ids)))
        np.testing.assert_allclose(ev.station_scores[dim.id], expect, rtol=1e-12)


def test_relative_leaf_weights_of_the_goal_are_the_global_weights(prepared, base) -> None:
    rel = relative_leaf_weights(prepared.tree, base.weights.local)
    goal = rel[prepared.tree.goal.id]
    g = base.weights.global_
    np.testing.assert_allclose([goal[i] for i in prepared.leaf_ids], g[prepared.leaf_ids])


def test_fuzzy_aggregator_equals_the_weighted_sum(prepared, base) -> None:
    # memberships reproduce each score and M(., +) is linear, so B . C is the weighted sum
    ev = evaluate_prepared(prepared, scoring="fuzzy")
    np.testing.assert_allclose(ev.station_scores, base.station_scores, atol=1e-9)
    np.testing.assert_allclose(ev.district_scores, base.district_scores, atol=1e-9)


@pytest.mark.parametrize("name", ["topsis", "grey_relational", "fuzzy"])
def test_headline_on_0_100_with_levels_and_ranks(prepared, name: str) -> None:
    ev = evaluate_prepared(prepared, scoring=name)
    for table in (ev.districts, ev.stations):
        assert table["total"].between(0, 100).all()
        assert table["level"].between(1, len(ev.tree.levels)).all()
    assert sorted(ev.districts["rank"]) == [1, 2, 3, 4]
    # a closeness: the best district on every part has the top score; ranks follow the total
    best = ev.districts.sort_values("total", ascending=False)["district"].iloc[0]
    assert ev.districts.set_index("district").at[best, "rank"] == 1


def test_grey_scores_are_never_below_a_third(prepared) -> None:
    ev = evaluate_prepared(prepared, scoring="grey_relational")
    assert (ev.station_scores[ev.tree.goal.id] >= 100 / 3 - 1e-9).all()


def test_a_string_headline_keeps_the_spec_comparisons(prepared) -> None:
    ev = evaluate_prepared(prepared, scoring="topsis")
    assert ev.spec.scoring.method == "topsis"
    assert "topsis" not in ev.spec.scoring.compare
    assert set(ev.spec.scoring.compare) == {"geometric", "grey_relational", "fuzzy"}


def test_a_missing_indicator_is_left_out_of_that_station(prepared, base) -> None:
    scores = prepared.station_leaf_scores.copy()
    leaf = prepared.leaf_ids[0]
    scores.iloc[0, scores.columns.get_loc(leaf)] = np.nan
    out = AGGREGATORS["topsis"].func(prepared.tree, scores, base.weights.local)
    assert np.isfinite(out[prepared.tree.goal.id]).all()


def test_uncertainty_with_a_headline_it_cannot_vary_says_so(prepared) -> None:
    # was: ValueError "'topsis' is not in tuple" from deep inside the Monte Carlo design
    from evalkit.errors import MethodError

    ev = evaluate_prepared(prepared, scoring="topsis")
    with pytest.raises(MethodError, match="weighted_sum") as exc:
        ev.analysis("uncertainty")
    assert "topsis" in exc.value.zh
