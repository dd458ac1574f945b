"""Screening invalid questionnaires: duplicates, missing answers, straight-lining, counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evalkit.ingest.quality import COUNT_COLUMNS, EXCLUDED_COLUMNS, REASONS, screen_responses
from evalkit.ingest.survey import load_survey_data
from evalkit.tree import IndicatorTree, Item, Level, Node, Scale, Source, load_tree

ROOT = Path(__file__).resolve().parents[2]


def _tree(k: int, reverse: tuple[int, ...] = ()) -> IndicatorTree:
    """One dimension, one survey indicator with items i0..i{k-1}; `reverse` are reverse-worded."""
    scale = Scale("likert5", (1.0, 2.0, 3.0, 4.0, 5.0), {})
    items = tuple(Item(f"i{j}", {"en": f"i{j}"}, j in reverse) for j in range(k))
    leaf = Node("ind", {"en": "ind"}, "g/d/ind", 2, source=Source("survey", "likert5", items))
    goal = Node("g", {"en": "g"}, "g", 0, (Node("d", {"en": "d"}, "g/d", 1, (leaf,)),))
    return IndicatorTree("t", {"en": "t"}, goal, {"likert5": scale}, (Level(1, "l", {}, 0, {}),))


def _frame(values: np.ndarray, ids: list[str] | None = None, stations=None) -> pd.DataFrame:
    n, k = values.shape
    df = pd.DataFrame(values, columns=[f"i{j}" for j in range(k)])
    df.insert(0, "station", stations if stations is not None else "s1")
    df.insert(0, "district", "D")
    df.insert(0, "respondent", ids if ids is not None else [f"R{i}" for i in range(n)])
    df["_file"] = "surveys/D.xlsx"
    df["_sheet"] = "responses"
    df["_row"] = np.arange(n) + 2
    return df


def _varied(n: int, k: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).integers(1, 6, size=(n, k)).astype(float)
    x[:, 0], x[:, 1] = 1.0, 5.0  # never straight-lining
    return x


def test_too_many_missing_threshold_is_strict() -> None:
    x = _varied(4, 10)
    x[1, 2:4] = np.nan  # 2 of 10 = 20 %: kept
    x[2, 2:5] = np.nan  # 3 of 10 = 30 %: excluded
    x[3, :] = np.nan  # nothing answered
    sc = screen_responses(_tree(10), _frame(x))
    assert sc.excluded["respondent"].tolist() == ["R2", "R3"]
    assert sc.excluded["reason"].tolist() == ["too_many_missing"] * 2
    assert sc.excluded["detail"].iloc[0] == "3 of 10 items missing (more than 20%)"
    assert sc.kept["respondent"].tolist() == ["R0", "R1"]
    none = screen_responses(_tree(10), _frame(x), max_missing_share=1.0)
    assert none.excluded.empty  # nothing answered is not straight-lining either


def test_straight_lining_needs_min_answered_items() -> None:
    x = _varied(3, 12)
    x[0, :] = 4.0  # 12 answers, all 4: straight-lining
    x[1, :] = 2.0
    x[1, 3:] = np.nan  # only 3 answered: not enough evidence (and too many missing)
    x[2, :] = 3.0
    x[2, 10:] = np.nan  # 10 answered, all 3 (2 missing = 16.7 %): straight-lining
    sc = screen_responses(_tree(12), _frame(x), straightline_min_items=10)
    got = dict(zip(sc.excluded["respondent"], sc.excluded["reason"], strict=True))
    assert got == {"R0": "straight_lining", "R1": "too_many_missing", "R2": "straight_lining"}
    details = sc.excluded.set_index("respondent")["detail"]
    assert details["R0"] == "all 12 answered items = 4"
    assert details["R2"] == "all 10 answered items = 3"
    relaxed = screen_responses(_tree(12), _frame(x), straightline_min_items=11)
    assert "R2" not in set(relaxed.excluded["respondent"])


def test_straight_lining_with_reverse_items_is_called_contradictory() -> None:
    x = _varied(2, 10)
    x[0, :] = 5.0
    x[0, 7] = np.nan  # one of the three reverse-worded items unanswered
    sc = screen_responses(_tree(10, reverse=(2, 5, 7)), _frame(x), straightline_min_items=9)
    assert sc.excluded["detail"].tolist() == [
        "all 9 answered items = 5; contradictory: 2 of them are reverse-worded"
    ]


def test_duplicate_ids_keep_first_occurrence() -> None:
    x = _varied(5, 10)
    x[3, :] = 4.0  # a duplicate that also straight-lines: reported once, as duplicate_id
    df = _frame(x, ids=["A", "B", "A", "A", "C"])
    sc = screen_responses(_tree(10), df)
    assert sc.excluded["_row"].tolist() == [4, 5]
    assert sc.excluded["reason"].tolist() == ["duplicate_id", "duplicate_id"]
    assert sc.excluded["detail"].iloc[0] == "respondent id A already used at surveys/D.xlsx row 2"
    assert sc.kept["respondent"].tolist() == ["A", "B", "C"]
    assert sc.kept["_row"].tolist() == [2, 3, 6]


def test_counts_per_station_and_issue_locations() -> None:
    x = _varied(7, 10)
    x[0, :] = 3.0
    x[4, :6] = np.nan
    stations = ["s1", "s1", "s1", "s2", "s2", "s2", "s2"]
    df = _frame(x, ids=["a", "b", "c", "d", "e", "a", "f"], stations=stations)
    sc = screen_responses(_tree(10), df)
    assert list(sc.excluded.columns) == EXCLUDED_COLUMNS
    assert list(sc.counts.columns) == COUNT_COLUMNS
    c = sc.counts.set_index("station")
    assert c.loc["s1"].tolist() == ["D", 3, 0, 0, 1, 1, 2]
    assert c.loc["s2"].tolist() == ["D", 4, 1, 1, 0, 2, 2]
    assert [i.severity for i in sc.issues] == ["warning"] * 3
    assert all(i.check == "quality" for i in sc.issues)
    first = sc.issues[0]
    assert (first.location.file, first.location.sheet, first.location.row) == (
        "surveys/D.xlsx",
        "responses",
        2,
    )
    assert first.location.column == "respondent"
    assert "straight-lining" in first.message and first.found.startswith("a: all 10")


def test_input_is_not_modified_and_settings_are_checked() -> None:
    df = _frame(_varied(4, 10))
    before = df.copy()
    sc = screen_responses(_tree(10), df)
    pd.testing.assert_frame_equal(df, before)
    pd.testing.assert_frame_equal(sc.kept, df)
    assert sc.excluded.empty and sc.counts["excluded"].sum() == 0
    with pytest.raises(ValueError, match="max_missing_share"):
        screen_responses(_tree(10), df, max_missing_share=1.5)
    with pytest.raises(ValueError, match="straightline_min_items"):
        screen_responses(_tree(10), df, straightline_min_items=1)


def test_empty_responses() -> None:
    sc = screen_responses(_tree(10), _frame(np.empty((0, 10))))
    assert sc.kept.empty and sc.excluded.empty and sc.counts.empty and sc.issues == []


@settings(max_examples=100, deadline=None)
@given(
    arrays(
        float,
        st.tuples(st.integers(1, 40), st.just(10)),
        elements=st.sampled_from([1.0, 3.0, 5.0, np.nan]),
    ),
    st.lists(st.sampled_from(list("ABCDEFGH")), min_size=40, max_size=40),
    st.floats(0, 1),
    st.integers(2, 10),
)
def test_kept_and_excluded_partition_the_input(x, ids, share, min_items) -> None:
    df = _frame(x, ids=ids[: len(x)], stations=[f"s{i % 3}" for i in range(len(x))])
    sc = screen_responses(_tree(10), df, max_missing_share=share, straightline_min_items=min_items)
    assert len(sc.kept) + len(sc.excluded) == len(df)
    assert sorted([*sc.kept["_row"], *sc.excluded["_row"]]) == df["_row"].tolist()
    assert not sc.kept["respondent"].duplicated().any()
    assert set(sc.excluded["reason"]) <= set(REASONS)
    assert sc.counts["respondents"].sum() == len(df)
    assert (sc.counts[list(REASONS)].sum(axis=1) == sc.counts["excluded"]).all()
    assert sc.counts["kept"].sum() == len(sc.kept)
    assert len(sc.issues) == len(sc.excluded)
    answered = sc.kept[[f"i{j}" for j in range(10)]]
    assert (answered.isna().mean(axis=1) <= share + 1e-9).all()


def test_shipped_example_with_injected_duplicates() -> None:
    tree = load_tree(ROOT / "indicators" / "community_policing.yaml")
    data = load_survey_data(tree, surveys=sorted((ROOT / "surveys").glob("*区.xlsx")), base=ROOT)
    shipped = screen_responses(tree, data.responses)
    # the synthetic data holds exactly the two invalid questionnaires the generator plants
    assert shipped.excluded["reason"].tolist() == ["duplicate_id", "straight_lining"]
    assert shipped.excluded["_row"].tolist() == [273, 274]
    resp = shipped.kept
    clean = screen_responses(tree, resp)
    assert clean.excluded.empty  # 2 % random blanks trip no rule
    assert clean.counts["kept"].sum() == len(resp)
    again = resp.iloc[[0, 5]].assign(_row=[9001, 9002])
    sc = screen_responses(tree, pd.concat([resp, again], ignore_index=True))
    assert sc.excluded["reason"].tolist() == ["duplicate_id", "duplicate_id"]
    assert sc.excluded["_row"].tolist() == [9001, 9002]
    assert len(sc.kept) == len(resp)
