"""Objective weights that survive ties: ties counted, every leave-one-out table weighed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.weights.batched import BATCHED
from evalkit.weights.diagnostics import (
    FEW_DISTINCT,
    LOO_CHANGE,
    TIED_SHARE,
    leave_one_out,
    objective_diagnostics,
    ties,
)


def _brute_force(x: np.ndarray, d: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Every table without one row, weighed by the batched kernel: the definition."""
    m = x.shape[0]
    w = BATCHED[method](x[None], d)[0]
    k = np.arange(m - 1)
    loo = BATCHED[method](x[k[None, :] + (k[None, :] >= np.arange(m)[:, None])], d)
    ok = np.isfinite(w) & (w > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(loo - w) / np.where(ok, w, 1.0)
    rel = np.where(np.isnan(rel) | ~ok[None, :], -1.0, rel)
    top = rel.max(axis=0)
    return np.where(top >= 0, top, np.nan), rel


def test_ties_of_a_count_with_three_values() -> None:
    """collection_channels on the example: 5, 6 or 7 channels, 10 of 27 stations at 5."""
    x = np.array([[5.0] * 10 + [6.0] * 12 + [7.0] * 5, np.arange(27.0)]).T
    t = ties(x)
    assert t.distinct.tolist() == [3, 27]
    np.testing.assert_allclose(t.share_at_min, [10 / 27, 1 / 27])
    np.testing.assert_allclose(t.share_at_mode, [12 / 27, 1 / 27])


tables = st.tuples(st.integers(3, 25), st.integers(1, 6)).flatmap(
    lambda mn: st.tuples(
        arrays(float, mn, elements=st.integers(1, 6).map(float))  # many ties, positive
        | arrays(float, mn, elements=st.floats(0.5, 100, allow_subnormal=False)),
        arrays(float, mn[1], elements=st.sampled_from([1.0, -1.0])),
    )
)


@pytest.mark.parametrize("method", sorted(BATCHED))
@given(tables)
def test_leave_one_out_equals_weighing_every_table(method: str, xd) -> None:
    """Downdated sums for most units, the batched kernels for a column's only extreme: the same
    largest relative change as weighing all m tables without one unit."""
    x, d = xd
    got, unit = leave_one_out(x, d, method)
    want, rel = _brute_force(x, d, method)
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)
    for j in np.flatnonzero(~np.isnan(want)):  # the unit named moves the weight the most
        assert rel[unit[j], j] == pytest.approx(want[j], rel=1e-8, abs=1e-10)
    assert (unit[np.isnan(want)] == -1).all()


def test_one_outlier_station_drives_the_weights() -> None:
    """One station far out gives its indicator most of the entropy weight (min-max squeezes every
    other value towards 0); without it the weights are near equal: every weight is flagged, and
    that station named."""
    rng = np.random.default_rng(5)
    x = rng.normal(50, 5, (30, 4))
    x[17, 2] = 400.0
    d = objective_diagnostics(x, np.ones(4), ["a", "b", "c", "e"])
    assert d["entropy"].idxmax() == 2 and d.at[2, "entropy"] > 0.5
    assert d["few_units"].all() and (d["loo_unit"] == 17).all()
    assert (d["loo_change"] > LOO_CHANGE).all() and not d["few_values"].any()
    calm = objective_diagnostics(np.delete(x, 17, axis=0), np.ones(4), list("abce"))
    assert not calm["few_units"].any()


def test_few_values_and_ties_are_flagged() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((27, 4))
    x[:, 0] = rng.integers(5, 8, 27)  # 3 distinct values
    x[:, 1] = np.where(np.arange(27) < 12, 0.0, x[:, 1])  # 12 of 27 at one value, 16 distinct
    d = objective_diagnostics(x, np.array([1, -1, 1, 1]), list("wxyz"), "critic").set_index("id")
    assert d.loc["w", "distinct"] < FEW_DISTINCT and d.loc["x", "share_at_mode"] > TIED_SHARE
    assert d["few_values"].tolist() == [True, True, False, False]
    assert list(d.columns[:3]) == ["entropy", "critic", "std"]  # side by side
    for m in ("entropy", "critic", "std"):
        np.testing.assert_allclose(d[m], BATCHED[m](x[None], np.array([1, -1, 1, 1]))[0])


def test_too_few_stations_give_no_weights_and_no_flags() -> None:
    d = objective_diagnostics(np.array([[1.0, 2.0], [3.0, 1.0]]), None, ["a", "b"])
    assert d["loo_change"].isna().all() and (d["loo_unit"] == -1).all()
    assert not d["few_units"].any()
    one = objective_diagnostics(np.array([[1.0, 2.0]]), None, ["a", "b"])
    assert one["entropy"].isna().all()
