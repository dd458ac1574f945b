"""Reliability kernels and report: published figures, identities, invariants, the shipped data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.analysis.reliability import (
    ITEM_COLUMNS,
    KMO_COLUMNS,
    SCALE_COLUMNS,
    alpha_band,
    alpha_if_deleted,
    bartlett_sphericity,
    corrected_item_total,
    cronbach_alpha,
    kmo,
    reliability_report,
)
from evalkit.ingest.survey import load_survey_data
from evalkit.tree import IndicatorTree, Item, Level, Node, Scale, Source, load_tree

ROOT = Path(__file__).resolve().parents[2]

# R's `mtcars` (Henderson & Velleman 1981, from Motor Trend 1974): mpg cyl disp hp drat wt qsec
# vs am gear carb, 32 cars in R's row order.
MTCARS = np.array(
    [
        [21, 6, 160, 110, 3.9, 2.62, 16.46, 0, 1, 4, 4],
        [21, 6, 160, 110, 3.9, 2.875, 17.02, 0, 1, 4, 4],
        [22.8, 4, 108, 93, 3.85, 2.32, 18.61, 1, 1, 4, 1],
        [21.4, 6, 258, 110, 3.08, 3.215, 19.44, 1, 0, 3, 1],
        [18.7, 8, 360, 175, 3.15, 3.44, 17.02, 0, 0, 3, 2],
        [18.1, 6, 225, 105, 2.76, 3.46, 20.22, 1, 0, 3, 1],
        [14.3, 8, 360, 245, 3.21, 3.57, 15.84, 0, 0, 3, 4],
        [24.4, 4, 146.7, 62, 3.69, 3.19, 20, 1, 0, 4, 2],
        [22.8, 4, 140.8, 95, 3.92, 3.15, 22.9, 1, 0, 4, 2],
        [19.2, 6, 167.6, 123, 3.92, 3.44, 18.3, 1, 0, 4, 4],
        [17.8, 6, 167.6, 123, 3.92, 3.44, 18.9, 1, 0, 4, 4],
        [16.4, 8, 275.8, 180, 3.07, 4.07, 17.4, 0, 0, 3, 3],
        [17.3, 8, 275.8, 180, 3.07, 3.73, 17.6, 0, 0, 3, 3],
        [15.2, 8, 275.8, 180, 3.07, 3.78, 18, 0, 0, 3, 3],
        [10.4, 8, 472, 205, 2.93, 5.25, 17.98, 0, 0, 3, 4],
        [10.4, 8, 460, 215, 3, 5.424, 17.82, 0, 0, 3, 4],
        [14.7, 8, 440, 230, 3.23, 5.345, 17.42, 0, 0, 3, 4],
        [32.4, 4, 78.7, 66, 4.08, 2.2, 19.47, 1, 1, 4, 1],
        [30.4, 4, 75.7, 52, 4.93, 1.615, 18.52, 1, 1, 4, 2],
        [33.9, 4, 71.1, 65, 4.22, 1.835, 19.9, 1, 1, 4, 1],
        [21.5, 4, 120.1, 97, 3.7, 2.465, 20.01, 1, 0, 3, 1],
        [15.5, 8, 318, 150, 2.76, 3.52, 16.87, 0, 0, 3, 2],
        [15.2, 8, 304, 150, 3.15, 3.435, 17.3, 0, 0, 3, 2],
        [13.3, 8, 350, 245, 3.73, 3.84, 15.41, 0, 0, 3, 4],
        [19.2, 8, 400, 175, 3.08, 3.845, 17.05, 0, 0, 3, 2],
        [27.3, 4, 79, 66, 4.08, 1.935, 18.9, 1, 1, 4, 1],
        [26, 4, 120.3, 91, 4.43, 2.14, 16.7, 0, 1, 5, 2],
        [30.4, 4, 95.1, 113, 3.77, 1.513, 16.9, 1, 1, 5, 2],
        [15.8, 8, 351, 264, 4.22, 3.17, 14.5, 0, 1, 5, 4],
        [19.7, 6, 145, 175, 3.62, 2.77, 15.5, 0, 1, 5, 6],
        [15, 8, 301, 335, 3.54, 3.57, 14.6, 0, 1, 5, 8],
        [21.4, 4, 121, 109, 4.11, 2.78, 18.6, 1, 1, 4, 2],
    ],
    dtype=float,
)


# ----------------------------------------------------------------------------- published


def test_mtcars_kmo_bartlett_easystats_performance_check_factorstructure() -> None:
    # performance::check_factorstructure(mtcars) (a wrapper of psych::KMO and
    # psych::cortest.bartlett), reference page of easystats/performance:
    # "Chisq(55) = 408.01, p < .001", "KMO = 0.83", individual MSA mpg (0.93), cyl (0.90),
    # disp (0.76), hp (0.84), drat (0.95), wt (0.74), qsec (0.74), vs (0.91), am (0.88),
    # gear (0.85), carb (0.62).
    overall, msa = kmo(MTCARS)
    assert round(overall, 2) == 0.83
    published = [0.93, 0.90, 0.76, 0.84, 0.95, 0.74, 0.74, 0.91, 0.88, 0.85, 0.62]
    np.testing.assert_array_equal(np.round(msa, 2), published)
    chi2, df, p = bartlett_sphericity(MTCARS)
    assert df == 55 and round(chi2, 2) == 408.01 and p < 0.001


def test_mtcars_alpha_item_reliability_easystats_performance() -> None:
    # performance::cronbachs_alpha(mtcars[, c("cyl", "gear", "carb", "hp")]) = 0.09463206 and
    # performance::item_reliability(...) "Alpha if deleted" 0.05 / 0.11 / 0.06 / 0.41 and
    # "Discrimination" (corrected item-total r) 0.83 / -0.13 / 0.75 / 0.88.
    x = MTCARS[:, [1, 9, 10, 3]]  # cyl, gear, carb, hp
    assert cronbach_alpha(x) == pytest.approx(0.09463206, abs=5e-9)
    np.testing.assert_array_equal(np.round(alpha_if_deleted(x), 2), [0.05, 0.11, 0.06, 0.41])
    np.testing.assert_array_equal(np.round(corrected_item_total(x), 2), [0.83, -0.13, 0.75, 0.88])


# ----------------------------------------------------------------------------- identities


def _with_sample_cov(cov: np.ndarray, n: int, seed: int = 1) -> np.ndarray:
    """Data whose sample covariance (ddof=1) is exactly `cov` (whitened, then coloured)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, cov.shape[0]))
    z -= z.mean(axis=0)
    white = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    return 3.0 + white @ np.linalg.cholesky(cov).T


@pytest.mark.parametrize(("k", "r"), [(2, 0.3), (4, 0.5), (7, 0.2), (12, 0.8)])
def test_parallel_items_spearman_brown(k: int, r: float) -> None:
    # k parallel items (equal variances, common correlation r): alpha is the Spearman-Brown
    # prophecy k r / (1 + (k-1) r); deleting one item gives the same for k-1 items; the item-rest
    # correlation is (k-1) r / sqrt((k-1)(1 + (k-2) r)).
    var = 1.7
    cov = var * ((1 - r) * np.eye(k) + r * np.ones((k, k)))
    x = _with_sample_cov(cov, n=200)
    np.testing.assert_allclose(np.cov(x, rowvar=False), cov, atol=1e-10)
    assert cronbach_alpha(x) == pytest.approx(k * r / (1 + (k - 1) * r), abs=1e-10)
    if k >= 3:
        expected = (k - 1) * r / (1 + (k - 2) * r)
        np.testing.assert_allclose(alpha_if_deleted(x), expected, atol=1e-10)
    rest = (k - 1) * r / np.sqrt((k - 1) * (1 + (k - 2) * r))
    np.testing.assert_allclose(corrected_item_total(x), rest, atol=1e-10)


@pytest.mark.parametrize(("p", "rho"), [(3, 0.4), (6, 0.3), (10, 0.6)])
def test_kmo_equicorrelation_closed_form(p: int, rho: float) -> None:
    # R = (1-rho) I + rho J has partial correlations rho / (1 + (p-2) rho), so every MSA and the
    # overall KMO equal 1 / (1 + (1 + (p-2) rho)^-2).
    x = _with_sample_cov((1 - rho) * np.eye(p) + rho * np.ones((p, p)), n=150)
    expected = 1.0 / (1.0 + (1.0 + (p - 2) * rho) ** -2)
    overall, msa = kmo(x)
    assert overall == pytest.approx(expected, abs=1e-10)
    np.testing.assert_allclose(msa, expected, atol=1e-10)
    # Bartlett from |R| = (1-rho)^(p-1) (1 + (p-1) rho)
    logdet = (p - 1) * np.log(1 - rho) + np.log(1 + (p - 1) * rho)
    chi2, df, _ = bartlett_sphericity(x)
    assert chi2 == pytest.approx(-(150 - 1 - (2 * p + 5) / 6) * logdet, rel=1e-10)
    assert df == p * (p - 1) // 2


def test_identity_like_correlation_bartlett_zero_kmo_one_half() -> None:
    # R = I: chi2 = 0, p = 1. As R -> I the partial correlations approach the correlations, so
    # KMO -> 1/2 (the equicorrelation formula with rho -> 0).
    x = _with_sample_cov(np.eye(5), n=40)
    chi2, df, p = bartlett_sphericity(x)
    assert chi2 == pytest.approx(0.0, abs=1e-9) and df == 10 and p == pytest.approx(1.0)
    near = _with_sample_cov(0.999 * np.eye(5) + 0.001 * np.ones((5, 5)), n=40)
    overall, msa = kmo(near)
    expected = 1.0 / (1.0 + (1.0 + 3 * 0.001) ** -2)  # 0.5015
    assert overall == pytest.approx(expected, abs=1e-10) and abs(overall - 0.5) < 0.002
    np.testing.assert_allclose(msa, expected, atol=1e-10)


def test_bartlett_independent_not_significant_correlated_significant() -> None:
    rng = np.random.default_rng(7)
    independent = rng.normal(size=(300, 8))
    _, _, p_ind = bartlett_sphericity(independent)
    assert p_ind > 0.05
    overall, _ = kmo(independent)
    assert 0.3 < overall < 0.7  # identity-like: correlations and partials of equal size
    latent = rng.normal(size=(300, 1))
    correlated = latent + 0.5 * rng.normal(size=(300, 8))
    chi2, _, p_cor = bartlett_sphericity(correlated)
    assert p_cor < 1e-30 and chi2 > 1000
    assert kmo(correlated)[0] > 0.9


def test_alpha_by_hand() -> None:
    # 5 respondents x 3 items; item variances 1.3, 0.7, 1.5 (sum 3.5); sum scores 4, 7, 9, 11, 11
    # with mean 8.4 and variance 35.2 / 4 = 8.8
    x = np.array([[1, 2, 1], [2, 2, 3], [3, 3, 3], [4, 3, 4], [3, 4, 4]], dtype=float)
    np.testing.assert_allclose(x.var(axis=0, ddof=1), [1.3, 0.7, 1.5])
    assert x.sum(axis=1).var(ddof=1) == pytest.approx(8.8)
    assert cronbach_alpha(x) == pytest.approx(1.5 * (1 - 3.5 / 8.8))


def test_listwise_deletion() -> None:
    x = np.array([[1, 2, 1], [2, 2, 3], [3, 3, 3], [4, 3, 4], [3, 4, 4]], dtype=float)
    with_gap = np.vstack([x, [5.0, np.nan, 1.0]])
    assert cronbach_alpha(with_gap) == cronbach_alpha(x)
    np.testing.assert_array_equal(alpha_if_deleted(with_gap), alpha_if_deleted(x))
    np.testing.assert_array_equal(corrected_item_total(with_gap), corrected_item_total(x))
    assert kmo(with_gap)[0] == kmo(x)[0]
    assert bartlett_sphericity(with_gap) == bartlett_sphericity(x)


def test_degenerate_inputs_give_nan_not_errors() -> None:
    assert np.isnan(cronbach_alpha(np.ones((5, 1))))  # one item
    assert np.isnan(cronbach_alpha(np.array([[1.0, 2.0]])))  # one respondent
    assert np.isnan(cronbach_alpha(np.full((4, 3), 2.0)))  # nobody varies
    assert np.isnan(alpha_if_deleted(np.random.default_rng(0).normal(size=(9, 2)))).all()
    assert np.isnan(corrected_item_total(np.ones((4, 3)))).all()
    assert np.isnan(bartlett_sphericity(np.ones((4, 3)))[0])


def test_constant_rest_score_gives_nan_not_rounding_noise() -> None:
    # found by hypothesis: without item 0 the sum of items 1 and 2 is 5 for everybody; its
    # variance is 0 up to rounding and once gave alpha_-0 = -3e15
    x = np.array([[4, 3, 2], [1, 2, 3], [1, 3, 2], [2, 2, 3]], dtype=float)
    got = alpha_if_deleted(x)
    assert np.isnan(got[0])
    np.testing.assert_allclose(got[1:], [-0.8, 4 / 9])
    assert np.isnan(cronbach_alpha(x[:, 1:])) and np.isnan(corrected_item_total(x)[0])


def test_alpha_band_george_mallery_2003() -> None:
    cases = {
        0.95: "excellent",
        0.9: "excellent",
        0.85: "good",
        0.8: "good",
        0.7: "acceptable",
        0.69: "questionable",
        0.6: "questionable",
        0.5: "poor",
        0.49: "unacceptable",
        -0.3: "unacceptable",
    }
    assert {a: alpha_band(a) for a in cases} == cases
    assert alpha_band(float("nan")) == "undefined"


# ----------------------------------------------------------------------------- properties

likert = arrays(
    float,
    st.tuples(st.integers(4, 30), st.integers(2, 7)),
    elements=st.integers(1, 5).map(float),
)


def _ok(x: np.ndarray) -> bool:
    return bool((x.std(axis=0) > 0).all() and x.sum(axis=1).std() > 0)


@settings(max_examples=150, deadline=None)
@given(likert, st.floats(-10, 10), st.randoms(use_true_random=False))
def test_alpha_at_most_one_and_invariant(x: np.ndarray, c: float, rnd) -> None:
    if not _ok(x):
        return
    a = cronbach_alpha(x)
    assert a <= 1 + 1e-12
    shifted = x.copy()
    shifted[:, 0] += c
    assert cronbach_alpha(shifted) == pytest.approx(a, abs=1e-9)
    perm = list(range(x.shape[1]))
    rnd.shuffle(perm)
    assert cronbach_alpha(x[:, perm]) == pytest.approx(a, abs=1e-9)
    np.testing.assert_allclose(alpha_if_deleted(x[:, perm]), alpha_if_deleted(x)[perm], atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(likert)
def test_alpha_if_deleted_matches_naive_loop(x: np.ndarray) -> None:
    k = x.shape[1]
    naive = [cronbach_alpha(np.delete(x, j, axis=1)) if k >= 3 else np.nan for j in range(k)]
    np.testing.assert_allclose(alpha_if_deleted(x), naive, atol=1e-9, equal_nan=True)


@settings(max_examples=150, deadline=None)
@given(likert)
def test_corrected_item_total_matches_corrcoef_with_rest_sum(x: np.ndarray) -> None:
    got = corrected_item_total(x)
    for j in range(x.shape[1]):
        rest = np.delete(x, j, axis=1).sum(axis=1)
        if x[:, j].std() == 0 or rest.std() == 0:
            assert np.isnan(got[j])
        else:
            assert got[j] == pytest.approx(np.corrcoef(x[:, j], rest)[0, 1], abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.tuples(st.integers(12, 40), st.integers(2, 6)), elements=st.floats(-5, 5)))
def test_kmo_in_unit_interval(x: np.ndarray) -> None:
    overall, msa = kmo(x)
    if np.isfinite(overall):
        assert -1e-12 <= overall <= 1 + 1e-12
        finite = msa[np.isfinite(msa)]
        assert ((finite >= -1e-12) & (finite <= 1 + 1e-12)).all()


# ----------------------------------------------------------------------------- report


def _tree(dims: list[list[tuple[str, list[tuple[str, bool]]]]]) -> IndicatorTree:
    """A tree from [[(leaf id + optional ':cost', [(item id, reverse), ...]), ...] per dimension]."""
    scale = Scale("likert5", (1.0, 2.0, 3.0, 4.0, 5.0), {})
    kids = []
    for d, leaves in enumerate(dims):
        nodes = []
        for spec, items in leaves:
            lid, _, kind = spec.partition(":")
            src = Source("survey", "likert5", tuple(Item(i, {"en": i}, rev) for i, rev in items))
            direction = "cost" if kind == "cost" else "benefit"
            nodes.append(
                Node(lid, {"en": lid}, f"g/d{d}/{lid}", 2, source=src, direction=direction)
            )
        kids.append(Node(f"d{d}", {"en": f"d{d}"}, f"g/d{d}", 1, tuple(nodes)))
    goal = Node("g", {"en": "g"}, "g", 0, tuple(kids))
    return IndicatorTree("t", {"en": "t"}, goal, {"likert5": scale}, (Level(1, "l", {}, 0, {}),))


def _frame(values: np.ndarray, ids: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(values, columns=ids)
    df.insert(0, "station", "s")
    df.insert(0, "district", "d")
    df.insert(0, "respondent", [f"R{i}" for i in range(len(df))])
    return df


def test_report_keys_reverse_and_cost_items() -> None:
    rng = np.random.default_rng(3)
    n = 300
    latent = rng.normal(size=(n, 1))
    good = np.clip(np.rint(3 + latent + 0.6 * rng.normal(size=(n, 4))), 1, 5)
    # a: plain, b: reverse-worded, c: cost indicator, e: reverse-worded item of a cost indicator
    raw = good.copy()
    raw[:, 1] = 6 - good[:, 1]
    raw[:, 2] = 6 - good[:, 2]
    tree = _tree([[("p", [("a", False), ("b", True)]), ("q:cost", [("c", False), ("e", True)])]])
    rel = reliability_report(tree, _frame(raw, ["a", "b", "c", "e"]))
    assert list(rel.scales.columns) == SCALE_COLUMNS
    assert list(rel.items.columns) == ITEM_COLUMNS
    assert list(rel.kmo.columns) == KMO_COLUMNS
    assert rel.items["keyed"].tolist() == [False, True, True, False]
    d0 = rel.scales.set_index("id").loc["d0"]
    assert d0["alpha"] == pytest.approx(cronbach_alpha(good)) and d0["alpha"] > 0.8
    np.testing.assert_allclose(rel.items["alpha_if_deleted"], alpha_if_deleted(good))
    np.testing.assert_allclose(rel.items["r_item_rest"], corrected_item_total(good))
    np.testing.assert_allclose(rel.items["mean"], good.mean(axis=0))
    np.testing.assert_allclose(rel.items["sd"], good.std(axis=0, ddof=1))


def test_report_one_item_dimension_gets_nan_and_note() -> None:
    rng = np.random.default_rng(4)
    x = rng.integers(1, 6, size=(50, 4)).astype(float)
    x[0, 0] = np.nan
    tree = _tree([[("p", [("a", False), ("b", False), ("c", False)])], [("q", [("z", False)])]])
    rel = reliability_report(tree, _frame(x, ["a", "b", "c", "z"]))
    scales = rel.scales.set_index("id")
    assert list(scales.index) == ["d0", "d1", "overall"]
    assert np.isnan(scales.loc["d1", "alpha"]) and "at least 2" in scales.loc["d1", "note"]
    assert scales.loc["d1", "band"] == "undefined"
    assert scales.loc["d0", "respondents"] == 49 and scales.loc["overall", "items"] == 4
    assert np.isnan(rel.items.set_index("item").loc["z", "r_item_rest"])
    assert rel.items.set_index("item").loc["a", "missing_share"] == pytest.approx(1 / 50)
    assert any("d1" in i.message and i.check == "reliability" for i in rel.issues)


def test_report_empty_responses_never_raises() -> None:
    tree = _tree([[("p", [("a", False), ("b", False)])]])
    rel = reliability_report(tree, _frame(np.empty((0, 2)), ["a", "b"]))
    assert rel.scales["alpha"].isna().all() and rel.kmo["n"].iloc[0] == 0


def test_report_does_not_mutate_responses() -> None:
    tree = _tree([[("p", [("a", False), ("b", True)])]])
    df = _frame(np.array([[1.0, 2.0], [3.0, 5.0], [4.0, 1.0]]), ["a", "b"])
    before = df.copy()
    reliability_report(tree, df)
    pd.testing.assert_frame_equal(df, before)


def test_shipped_example_alpha_per_dimension() -> None:
    tree = load_tree(ROOT / "indicators" / "community_policing.yaml")
    data = load_survey_data(tree, surveys=sorted((ROOT / "surveys").glob("*区.xlsx")))
    rel = reliability_report(tree, data.responses)
    scales = rel.scales.set_index("id")
    assert list(scales.index) == [d.id for d in tree.dimensions] + ["overall"]
    # the synthetic officers share a station mean, an officer and an officer x dimension effect,
    # so every dimension is at least acceptable; cost items (ic_dup_*) must be keyed for this
    assert (scales["alpha"] >= 0.7).all(), scales
    assert (rel.items["r_item_rest"] > 0.3).all()
    assert rel.kmo["kmo"].iloc[0] > 0.8 and rel.kmo["p_value"].iloc[0] < 1e-6
    assert not [i for i in rel.issues if i.check == "reliability"]
