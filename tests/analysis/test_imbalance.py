"""Within-district imbalance: Gini and CV against hand-computed and published figures, the
spread table of padded districts, and the analysis on the example's stations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.analysis.imbalance import coefficient_of_variation, gini, station_spread

ROOT = Path(__file__).resolve().parents[2]


def test_gini_and_cv_by_hand() -> None:
    # 20, 40, 60, 80: mean 50; |differences| of the 16 ordered pairs sum to 400:
    # G = 400 / (2 * 4^2 * 50) = 0.25; sigma = sqrt((30^2 + 10^2 + 10^2 + 30^2) / 4) = sqrt(500)
    x = np.array([80.0, 20.0, 60.0, 40.0])
    assert gini(x) == pytest.approx(0.25, abs=1e-15)
    assert coefficient_of_variation(x) == pytest.approx(np.sqrt(500.0) / 50.0, abs=1e-15)


def test_gini_of_a_published_worksheet() -> None:
    """The GINI worksheet of docstoc.com (document 10699438): 20 incomes summing to 320,000,
    Gini 0.38625."""
    incomes = 1000.0 * np.array(
        [1, 3, 4, 5, 6, 8, 8, 9, 11, 12, 14, 17, 19, 21, 23, 27, 29, 32, 33, 38]
    )
    assert incomes.sum() == 320_000
    assert gini(incomes[::-1]) == pytest.approx(0.38625, abs=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5, 10, 37])
def test_gini_closed_forms(n: int) -> None:
    # 1, 2, ..., n: G = (n - 1) / (3n); one unit holding everything: G = 1 - 1/n; all equal: 0
    assert gini(np.arange(1.0, n + 1)) == pytest.approx((n - 1) / (3 * n), abs=1e-12)
    assert gini(np.r_[np.zeros(n - 1), 7.0]) == pytest.approx(1 - 1 / n, abs=1e-12)
    assert gini(np.full(n, 63.2)) == pytest.approx(0.0, abs=1e-12)


def test_gini_rows_with_missing_cells_equal_the_pairwise_definition() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 100, (50, 9))
    x[rng.random(x.shape) < 0.3] = np.nan
    got = gini(x, axis=1)
    for row, g in zip(x, got, strict=True):
        v = row[~np.isnan(row)]
        if len(v) < 2:
            assert np.isnan(g)
            continue
        want = np.abs(v[:, None] - v[None, :]).sum() / (2 * len(v) ** 2 * v.mean())
        assert g == pytest.approx(want, abs=1e-12)


def test_station_spread_per_district_and_score() -> None:
    districts = np.array(["乙", "甲", "甲", "乙", "甲", "丙"], dtype=object)
    stations = np.array(["b1", "a1", "a2", "b2", "a3", "c1"], dtype=object)
    scores = pd.DataFrame(
        {
            "total": [50.0, 20.0, 80.0, 70.0, np.nan, 66.0],
            "d1": [10.0, 30.0, 30.0, 10.0, 30.0, 5.0],
        }
    )
    f = station_spread(districts, stations, scores).set_index(["district", "node"])
    a = f.loc[("甲", "total")]
    assert (a["n"], a["range"], a["lowest"], a["highest"]) == (2, 60.0, "a1", "a2")
    assert a["mean"] == 50.0 and a["gini"] == pytest.approx(60 / (2 * 4 * 50) * 2)
    assert a["cv"] == pytest.approx(30.0 / 50.0)
    assert f.loc[("甲", "d1")]["gini"] == 0.0 and f.loc[("甲", "d1")]["n"] == 3
    b = f.loc[("乙", "total")]
    assert (b["lowest"], b["lowest_score"], b["highest"], b["highest_score"]) == (
        "b1",
        50,
        "b2",
        70,
    )
    c = f.loc[("丙", "total")]  # one station: no spread, but it is the lowest and the highest
    assert c["n"] == 1 and np.isnan(c["cv"]) and np.isnan(c["gini"]) and np.isnan(c["range"])
    assert c["lowest"] == c["highest"] == "c1"
    assert list(f.index.get_level_values(0).unique()) == ["丙", "乙", "甲"]


def test_imbalance_analysis_on_the_example_stations() -> None:
    from evalkit.pipeline import evaluate

    ev = evaluate(ROOT)
    im = ev.analysis("imbalance")
    shown = ev.stations[ev.stations["shown"]]
    for district, rows in shown.groupby("district"):
        t = im.totals.loc[district]
        totals = rows["total"].to_numpy()
        assert t["n"] == len(rows)
        assert t["cv"] == pytest.approx(totals.std() / totals.mean(), abs=1e-12)
        assert t["gini"] == pytest.approx(
            np.abs(totals[:, None] - totals[None, :]).sum() / (2 * len(totals) ** 2 * totals.mean())
        )
        assert t["lowest"] == rows.loc[rows["total"].idxmin(), "station"]
        assert t["highest_en"] == rows.loc[rows["total"].idxmax(), "station_en"]
        assert t["range"] == pytest.approx(totals.max() - totals.min())
    # the small station (3 officers) is never named
    hidden = set(ev.stations.loc[~ev.stations["shown"], "station"])
    assert hidden and not hidden & set(im.frame["lowest"]) and not hidden & set(im.frame["highest"])
    assert len(im.of(ev.districts["district"][0])) == 1 + len(ev.tree.dimensions)
