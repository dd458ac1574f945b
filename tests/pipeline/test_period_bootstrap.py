"""Bootstrap replicates of a period's scores under fixed weights (pipeline.period_bootstrap)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.pipeline import AGGREGATORS, evaluate_prepared, prepare
from evalkit.pipeline.period_bootstrap import BLOCK, bootstrap, local_vector, totals_of
from evalkit.pipeline.uncertainty_model import TreeArrays

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory):
    dst = tmp_path_factory.mktemp("pb") / "project"
    dst.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return prepare(dst)


@pytest.mark.parametrize("method", ["weighted_sum", "geometric"])
def test_totals_equal_the_aggregator_with_missing_scores(prepared, method: str) -> None:
    """The collapsed product and the level-by-level path for missing scores give the
    aggregator's totals: 300 random units, a fifth of their scores missing, some units with a
    whole dimension missing."""
    ev = evaluate_prepared(prepared, scoring=method)
    tree = prepared.tree
    ta = TreeArrays.of(tree)
    leaves = [lf.id for lf in tree.leaves()]
    rng = np.random.default_rng(5)
    z = rng.uniform(0, 100, (300, len(leaves)))
    z[rng.random(z.shape) < 0.2] = np.nan
    z[:20, :5] = np.nan  # the first dimension's indicators
    z[20] = np.nan  # nothing known
    frame = pd.DataFrame(z, columns=leaves)
    want = AGGREGATORS[method].func(tree, frame, ev.weights.local)[tree.goal.id].to_numpy()
    got = totals_of(
        ta,
        z[None],
        np.zeros(len(leaves)),
        np.full(len(leaves), 100.0),
        local_vector(ev, ta),
        method == "geometric",
    )[0]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)
    assert np.isnan(got[20]) and np.isnan(want[20])


@pytest.mark.parametrize("method", ["weighted_sum", "geometric"])
def test_nominal_replicate_is_the_evaluation(prepared, method: str) -> None:
    ev = evaluate_prepared(prepared, scoring=method)
    r = bootstrap(ev, 20, 3)
    want = np.r_[ev.stations["total"].to_numpy(float), ev.districts["total"].to_numpy(float)]
    np.testing.assert_allclose(r.nominal, want, rtol=0, atol=1e-10)
    # the replicates scatter around it: districts pool more officers than stations
    spread = r.total.std(axis=0)
    n_st = len(ev.stations)
    assert 0 < np.median(spread[n_st:]) < np.median(spread[:n_st])


def test_draws_are_seeded_and_more_draws_extend_the_same_ones(prepared) -> None:
    ev = evaluate_prepared(prepared)
    a = bootstrap(ev, BLOCK + 30, 11)
    b = bootstrap(ev, BLOCK, 11)
    c = bootstrap(ev, BLOCK, 12)
    np.testing.assert_array_equal(a.total[:BLOCK], b.total)
    assert not np.array_equal(b.total, c.total)
    assert a.total.shape == (BLOCK + 30, len(ev.stations) + len(ev.districts))


def test_ranks_cover_shown_stations_and_districts(prepared) -> None:
    ev = evaluate_prepared(prepared)
    r = bootstrap(ev, 50, 1)
    n_st = len(ev.stations)
    shown = ev.stations["shown"].to_numpy(bool)
    st_rank = r.rank[:, :n_st]
    assert np.isnan(st_rank[:, ~shown]).all()
    # every replicate ranks the shown stations 1..n and the districts 1..D, once each
    np.testing.assert_array_equal(
        np.sort(st_rank[:, shown], axis=1), np.tile(np.arange(1, shown.sum() + 1), (50, 1))
    )
    np.testing.assert_array_equal(
        np.sort(r.rank[:, n_st:], axis=1), np.tile(np.arange(1, len(ev.districts) + 1), (50, 1))
    )
    # in-district ranks run 1..n within each district
    for rows in ev.stations[shown].groupby("district").groups.values():
        got = np.sort(r.rank_in_district[:, rows], axis=1)
        np.testing.assert_array_equal(got, np.tile(np.arange(1, len(rows) + 1), (50, 1)))
