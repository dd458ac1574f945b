"""The redundancy check: its kernels against scipy and hand computation, planted overlaps in trees
and data of the tests' own, the tree's `measures:` field, and the three known pairs of the
shipped tree on the example's data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evalkit.analysis.redundancy import (
    check_redundancy,
    correlated_pairs,
    definition_overlaps,
    item_scaling,
    pair_correlations,
)
from evalkit.analysis.redundancy_text import findings_table, redundancy_issues
from evalkit.errors import TreeError
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[2]
OLD = ROOT / "tests" / "data" / "old_tree"  # the default tree and example before the revision
KNOWN_PAIRS = [
    ("is_mass_2", "community_time_share"),
    ("te_inter_1", "duplicate_collection_burden"),
    ("analysis_skill", "platform_proficiency_share"),
]

TREE = """\
schema_version: 1
id: t
title: {zh: 测试, en: Test}
scales:
  likert5: {values: [1, 2, 3, 4, 5], labels: {zh: [a, b, c, d, e], en: [A, B, C, D, E]}}
levels:
  - {id: low, name: {zh: 低, en: Low}, min_score: 0}
goal:
  id: g
  name: {zh: 目标, en: Goal}
  children:
    - id: d1
      name: {zh: 一, en: One}
      children:
        - id: visits
          name: {zh: 走访时间, en: Visit time}
          measures: beat_time
          direction: benefit
          goalposts: {worst: 0, best: 100}
          source: {statistic: {numerator: beat_hours, denominator: duty_hours, multiplier: 100}}
        - id: visits_again
          name: {zh: 走访时间二, en: Visit time again}
          direction: benefit
          goalposts: {worst: 0, best: 1}
          source: {statistic: {numerator: beat_hours, denominator: duty_hours, multiplier: 100}}
        - id: per_officer
          name: {zh: 人均走访, en: Visits per officer}
          direction: benefit
          goalposts: {worst: 0, best: 9}
          source: {statistic: {numerator: beat_hours, denominator: officers}}
        - id: feel
          name: {zh: 感受, en: Feeling}
          measures: [own_key]
          direction: benefit
          source:
            survey:
              scale: likert5
              items:
                - {id: q1, zh: 我有足够时间走访。, en: I have time to visit., measures: Beat-Time}
                - {id: q2, zh: 我有足够时间 走访, en: Another wording., measures: own_key}
    - id: d2
      name: {zh: 二, en: Two}
      children:
        - id: tools
          name: {zh: 工具, en: Tools}
          direction: benefit
          goalposts: {worst: 0, best: 8}
          source: {statistic: {column: channels, aggregate: mean}}
        - id: tools_again
          name: {zh: 工具二, en: Tools again}
          direction: benefit
          goalposts: {worst: 0, best: 5}
          source: {statistic: {column: channels, aggregate: mean}}
"""


def _tree(tmp_path: Path, text: str = TREE):
    path = tmp_path / "tree.yaml"
    path.write_text(text, encoding="utf-8")
    return load_tree(path)


# ----------------------------------------------------------------- kernels


def test_pair_correlations_equal_scipy_on_the_complete_cells() -> None:
    rng = np.random.default_rng(7)
    a = rng.normal(size=(6, 40))
    b = 0.6 * a + rng.normal(size=(6, 40))
    b[:, :5] = np.round(b[:, :5])  # ties
    a[0, 3] = b[1, 7] = a[2, 10] = np.nan
    a[3, :] = np.where(rng.random(40) < 0.3, np.nan, a[3, :])
    r, rho, n = pair_correlations(a, b)
    for k in range(6):
        ok = ~(np.isnan(a[k]) | np.isnan(b[k]))
        assert n[k] == ok.sum()
        assert r[k] == pytest.approx(stats.pearsonr(a[k, ok], b[k, ok])[0], abs=1e-12)
        assert rho[k] == pytest.approx(stats.spearmanr(a[k, ok], b[k, ok])[0], abs=1e-12)


def test_pair_correlations_of_a_constant_or_too_short_row_are_missing() -> None:
    a = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 2.0, np.nan, np.nan], [1.0, 2.0, 3.0, 4.0]])
    b = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]])
    r, rho, n = pair_correlations(a, b)
    assert np.isnan(r[:2]).all() and np.isnan(rho[:2]).all()
    assert r[2] == pytest.approx(-1.0) and rho[2] == pytest.approx(-1.0)
    assert n.tolist() == [4, 2, 4]


def test_correlated_pairs_flags_the_planted_pair_either_way_round() -> None:
    rng = np.random.default_rng(3)
    base = rng.uniform(0, 100, 30)
    scores = pd.DataFrame(
        {
            "a": base,
            "b": rng.uniform(0, 100, 30),
            "c": 100 - base + rng.normal(0, 3, 30),  # the same, measured the other way round
            "d": rng.uniform(0, 100, 30),
        }
    )
    out = correlated_pairs(scores, {"a": "x", "b": "x", "c": "y", "d": "y"}, 0.8)
    assert out[["a", "b"]].values.tolist() == [["a", "c"]]
    row = out.iloc[0]
    assert row["pearson"] == pytest.approx(np.corrcoef(scores["a"], scores["c"])[0, 1])
    assert row["pearson"] < -0.95 and row["n"] == 30 and not row["same_dimension"]
    # a lower threshold flags more, never fewer
    assert len(correlated_pairs(scores, {}, 0.05)) > 1


def test_one_outlying_station_shows_as_pearson_high_spearman_low() -> None:
    rng = np.random.default_rng(11)
    scores = pd.DataFrame({"a": rng.uniform(45, 55, 25), "b": rng.uniform(45, 55, 25)})
    scores.iloc[0] = [100.0, 100.0]
    out = correlated_pairs(scores, {}, 0.8)
    assert len(out) == 1
    assert out.iloc[0]["pearson"] >= 0.8 > abs(out.iloc[0]["spearman"])


def _officers(n: int, seed: int = 5) -> pd.DataFrame:
    """Answers of n officers to six items: d1 (i1-i3) and d2 (j1-j3) two independent traits;
    i3 is written as a d1 item but answers the d2 trait."""
    rng = np.random.default_rng(seed)
    t1, t2 = rng.normal(size=(2, n, 1))
    d1 = t1 + rng.normal(0, 0.7, (n, 3))
    d2 = t2 + rng.normal(0, 0.7, (n, 3))
    d1[:, 2] = t2[:, 0] + rng.normal(0, 0.7, n)
    x = np.clip(np.rint(3 + np.hstack([d1, d2])), 1, 5)
    x[rng.random(x.shape) < 0.03] = np.nan
    return pd.DataFrame(x, columns=["i1", "i2", "i3", "j1", "j2", "j3"])


def test_item_scaling_finds_the_item_answering_another_dimension() -> None:
    keyed = _officers(400)
    dims = {"i1": "d1", "i2": "d1", "i3": "d1", "j1": "d2", "j2": "d2", "j3": "d2"}
    out = item_scaling(keyed, dims)
    assert out["item"].tolist() == ["i3"]
    row = out.iloc[0]
    assert row["other"] == "d2" and bool(row["definite"])
    # by hand: i3 against the mean of i1 and i2 (complete cases), and against d2's mean
    rest = keyed[["i1", "i2"]].mean(axis=1)
    ok = keyed["i3"].notna() & rest.notna()
    assert row["r_own"] == pytest.approx(np.corrcoef(keyed["i3"][ok], rest[ok])[0, 1], abs=1e-12)
    d2 = keyed[["j1", "j2", "j3"]].mean(axis=1)
    ok = keyed["i3"].notna() & d2.notna()
    assert row["r_other"] == pytest.approx(np.corrcoef(keyed["i3"][ok], d2[ok])[0, 1], abs=1e-12)
    assert row["n"] == int((keyed["i3"].notna() & keyed[["i1", "i2"]].notna().any(axis=1)).sum())


def test_item_scaling_of_items_where_they_belong_flags_nothing() -> None:
    keyed = _officers(400).drop(columns="i3")
    dims = {"i1": "d1", "i2": "d1", "j1": "d2", "j2": "d2", "j3": "d2"}
    assert item_scaling(keyed, dims).empty


# ----------------------------------------------------------------- the tree's definitions


def test_definition_overlaps_of_a_tree(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    got = {
        (k, frozenset((a, b))) for k, a, b in definition_overlaps(tree)[["kind", "a", "b"]].values
    }
    assert got == {
        ("declared", frozenset(("visits", "q1"))),  # beat_time and Beat-Time, compared loosely
        ("same_text", frozenset(("q1", "q2"))),  # the same Chinese wording but for a space and a 。
        ("same_source", frozenset(("visits", "visits_again"))),
        ("same_source", frozenset(("tools", "tools_again"))),
        ("same_numerator", frozenset(("visits", "per_officer"))),
        ("same_numerator", frozenset(("visits_again", "per_officer"))),
    }  # feel and its own item q2 share own_key: an item and its indicator are no pair
    row = definition_overlaps(tree).iloc[0]
    assert row["kind"] == "declared" and row["key"] == "beat_time"


def test_measures_is_a_text_or_a_list_of_texts_on_indicators_and_items(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    assert tree.node("visits").measures == ("beat_time",)
    assert tree.node("feel").measures == ("own_key",)
    assert [i.measures for i in tree.node("feel").source.items] == [("Beat-Time",), ("own_key",)]
    bad = TREE.replace("measures: beat_time", "measures: 3").replace(
        "      name: {zh: 二, en: Two}", "      name: {zh: 二, en: Two}\n      measures: x"
    )
    with pytest.raises(TreeError) as err:
        _tree(tmp_path, bad)
    found = {(i.location.line, i.message) for i in err.value.issues}
    lines = bad.splitlines()
    assert (
        lines.index("          measures: 3") + 1,
        "`measures` must be a text or a list of texts",
    ) in found
    assert any("only an indicator or a survey item" in m for _, m in found)
    assert all(i.message_zh for i in err.value.issues)


def test_findings_in_both_languages_and_one_warning_per_kind(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    rng = np.random.default_rng(1)
    base = rng.uniform(0, 100, 12)
    scores = pd.DataFrame({leaf.id: rng.uniform(0, 100, 12) for leaf in tree.leaves()}).assign(
        tools=base, tools_again=base / 2
    )
    red = check_redundancy(tree, scores, None, 0.9)
    assert frozenset(("tools", "tools_again")) in red.flagged()
    zh, en = findings_table(red, "zh"), findings_table(red, "en")
    assert len(zh) == len(en) == len(red.pairs) + len(red.definitions)
    assert zh.iloc[0]["kind"] == "派出所得分高度相关" and en.iloc[0]["figures"].startswith(
        "rho = 1.00, r = 1.00, 12 stations"
    )
    assert "工具" in zh.iloc[0]["a"] and "tools" not in zh.iloc[0]["a"]
    issues = redundancy_issues(red)
    assert [i.severity for i in issues] == ["warning"] * 5  # correlated + four definition kinds
    assert all(i.message_zh and i.fix_zh and i.check == "redundancy" for i in issues)
    with pytest.raises(ValueError):
        check_redundancy(tree, scores, None, 1.5)


# ----------------------------------------------------------------- the shipped tree and example


def test_the_three_known_overlaps_of_the_previous_tree_are_flagged_on_its_example() -> None:
    """The tree before its revision (tests/data/old_tree, with its example data): its three known
    overlaps are flagged, and the data show the self-rating with the assessed share."""
    from evalkit.pipeline import prepare
    from evalkit.pipeline.redundancy import redundancy_of

    red = redundancy_of(prepare(OLD))
    flagged = red.flagged()
    for pair in KNOWN_PAIRS:
        assert frozenset(pair) in flagged, pair
    # the last one is in the data too: the self-rating and the assessed share move together
    data = {frozenset((a, b)) for a, b in red.pairs[["a", "b"]].values}
    assert frozenset(("analysis_skill", "platform_proficiency_share")) in data
    assert red.stations == 27  # the stations shown (one has 3 officers)


def test_the_revised_default_tree_flags_nothing_on_its_example() -> None:
    """The revised default tree merged the three pairs: nothing it defines twice, no item fitting
    another dimension, none of the old pairs' ids left, and on the example's 28 shown stations no
    pair of its 35 indicators reaches 0.8. The example's indicators still hang together: those of
    one dimension correlate moderately (median r 0.43), more than those of two dimensions (0.18),
    as the generator designs (each indicator's own variation beside its dimension's and its
    station's). Before each indicator had its own variation, 89 of the 595 pairs reached 0.8."""
    from evalkit.pipeline import prepare
    from evalkit.pipeline.redundancy import redundancy_of

    prepared = prepare(ROOT)
    red = redundancy_of(prepared)
    assert red.definitions.empty and red.scaling.empty
    ids = {leaf.id for leaf in red.tree.leaves()} | {item.id for _, item in red.tree.items()}
    assert ids.isdisjoint({"is_mass_2", "te_inter_1", "analysis_skill"})
    assert red.stations == 28
    assert red.pairs.empty  # of 595 pairs
    # every pair's figures, as the check computes them
    shown = prepared.station_respondents.to_numpy() >= prepared.spec.report.min_respondents
    scores = prepared.station_leaf_scores[shown]
    leaves = [leaf.id for leaf in red.tree.leaves()]
    x = scores[leaves].to_numpy(dtype=float)
    i, j = np.triu_indices(len(leaves), 1)
    r, rho, n = pair_correlations(x[:, i].T, x[:, j].T)
    assert len(r) == 595 and (n == 28).all()
    dim_of = red.tree.dimension_of()
    same = np.array([dim_of[leaves[a]] == dim_of[leaves[b]] for a, b in zip(i, j, strict=True)])
    assert same.sum() == 110
    assert np.median(r[same]) == pytest.approx(0.43, abs=0.005)
    assert np.median(r[~same]) == pytest.approx(0.18, abs=0.005)
    assert max(np.abs(r).max(), np.abs(rho).max()) < 0.8
    # the check can flag this data: with the threshold just below the highest pair, it does
    top = int(np.argmax(np.fmax(np.abs(r), np.abs(rho))))
    lower = redundancy_of(prepared, threshold=float(max(abs(r[top]), abs(rho[top]))) - 0.001)
    assert {frozenset(p) for p in zip(lower.pairs["a"], lower.pairs["b"], strict=True)} >= {
        frozenset((leaves[i[top]], leaves[j[top]]))
    }


def test_cross_pearson_equals_pairwise_complete_corrcoef() -> None:
    from evalkit.analysis.redundancy import cross_pearson

    rng = np.random.default_rng(4)
    x = rng.normal(50, 10, (60, 4))
    y = np.c_[x[:, :2] @ rng.normal(size=(2, 2)) + rng.normal(size=(60, 2)), np.full(60, 3.0)]
    x[rng.random(x.shape) < 0.2] = np.nan
    y[rng.random(y.shape) < 0.1] = np.nan
    got = cross_pearson(x, y)
    assert got.shape == (4, 3) and np.isnan(got[:, 2]).all()  # a constant column
    for i in range(4):
        for j in range(2):
            ok = ~(np.isnan(x[:, i]) | np.isnan(y[:, j]))
            assert got[i, j] == pytest.approx(np.corrcoef(x[ok, i], y[ok, j])[0, 1], abs=1e-12)
