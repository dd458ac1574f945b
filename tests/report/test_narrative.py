"""The sentences of the reports (report/narrative.py): exact texts in both languages, and the
groups of units whose rank intervals overlap."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from evalkit.report.narrative import level_probability, overlap_groups, overlap_sentences

ZH = ["初始级", "基础级", "规范级", "融合级", "智慧级"]
EN = ["Initial", "Basic", "Standardized", "Integrated", "Intelligence-led"]


def test_the_stated_levels_probability_then_the_others() -> None:
    probs = [0.0, 0.0, 0.75, 0.25, 0.0]
    assert level_probability(ZH, probs, 3, "zh") == "规范级（概率 0.75；融合级 0.25）"
    assert (
        level_probability(EN, probs, 3, "en")
        == "Standardized with probability 0.75; Integrated 0.25"
    )


def test_levels_rounding_to_zero_are_left_out_and_the_rest_most_likely_first() -> None:
    probs = [0.004, 0.58, 0.416, 0.0, 0.0]
    assert level_probability(ZH, probs, 3, "zh") == "规范级（概率 0.42；基础级 0.58）"
    assert level_probability(EN, [0, 0, 1.0, 0, 0], 3, "en") == "Standardized with probability 1.00"
    # rounded as Excel shows it: 0.125 -> 0.13
    assert level_probability(EN, [0.125, 0.875, 0, 0, 0], 2, "en") == (
        "Basic with probability 0.88; Initial 0.13"
    )


def test_overlap_sentences_in_both_languages() -> None:
    names_zh, names_en = (
        ["东湖区", "南港区", "西山区", "北岭区"],
        ["Donghu", "Nangang", "Xishan", "Beiling"],
    )
    lo, hi = np.array([1.0, 2, 2, 4]), np.array([1.0, 3, 3, 4])
    assert overlap_sentences(names_zh, lo, hi, "zh", distinct="unc_districts_distinct") == [
        "南港区与西山区的排名区间重叠，二者无法区分。"
    ]
    assert overlap_sentences(names_en, lo, hi, "en", distinct="unc_districts_distinct") == [
        "The rank intervals of Nangang and Xishan overlap: they cannot be told apart."
    ]
    lo3, hi3 = np.array([1.0, 1, 2, 4]), np.array([2.0, 3, 3, 4])
    assert overlap_sentences(names_zh, lo3, hi3, "zh", distinct="unc_districts_distinct") == [
        "东湖区、南港区与西山区的排名区间依次重叠，彼此无法区分。"
    ]
    apart = overlap_sentences(
        names_en, np.arange(4.0), np.arange(4.0), "en", distinct="unc_districts_distinct"
    )
    assert apart == [
        "No two districts' rank intervals overlap: every rank in the province is distinguishable."
    ]


intervals = st.lists(st.tuples(st.integers(1, 30), st.integers(0, 6)), min_size=0, max_size=25).map(
    lambda xs: (np.array([a for a, _ in xs], float), np.array([a + w for a, w in xs], float))
)


@given(intervals)
def test_overlap_groups_are_the_connected_parts_of_pairwise_overlaps(iv: tuple) -> None:
    lo, hi = iv
    n = len(lo)
    # brute force: union-find over every overlapping pair
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(n), 2):
        if lo[i] <= hi[j] and lo[j] <= hi[i]:
            parent[root(i)] = root(j)
    parts: dict[int, set[int]] = {}
    for i in range(n):
        parts.setdefault(root(i), set()).add(i)
    want = sorted(sorted(p) for p in parts.values() if len(p) > 1)
    got = sorted(sorted(int(i) for i in g) for g in overlap_groups(lo, hi))
    assert got == want


def test_missing_intervals_overlap_nothing() -> None:
    lo = np.array([1.0, np.nan, 1.0])
    hi = np.array([2.0, np.nan, 3.0])
    assert [g.tolist() for g in overlap_groups(lo, hi)] == [[0, 2]]
