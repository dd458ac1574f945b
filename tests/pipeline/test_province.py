"""The province's figures the district reports stand beside (``ev.analysis("province")``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evalkit
from evalkit.pipeline.province import province

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ev() -> evalkit.Evaluation:
    return evalkit.evaluate(ROOT)


def test_means_bests_and_ranks_of_every_node(ev: evalkit.Evaluation) -> None:
    prov = ev.analysis("province")
    scores = ev.district_scores
    assert list(prov.mean.index) == list(scores.columns)
    for node in scores.columns:
        col = scores[node].dropna()
        assert prov.mean[node] == pytest.approx(col.mean(), rel=1e-15)
        assert prov.best[node] == col.max()
        # rank 1 + the number of districts scoring higher
        higher = (col.to_numpy()[None, :] > col.to_numpy()[:, None]).sum(axis=1)
        assert prov.ranks.loc[col.index, node].tolist() == (1 + higher).tolist()
    # the goal's ranks are the districts' ranks
    goal = ev.tree.goal.id
    ranks = ev.districts.set_index("district")["rank"]
    assert prov.ranks[goal].tolist() == ranks.reindex(prov.ranks.index).tolist()


def test_levels_by_the_cut_offs_with_a_score_on_a_cut_off(ev: evalkit.Evaluation) -> None:
    cut = [lv.min_score for lv in ev.tree.levels]  # 0, 60, 70, 80, 90
    scores = pd.DataFrame(
        {"a": [cut[1], np.nextafter(cut[1], 0), 100.0, np.nan, -1.0]}, index=list("vwxyz")
    )
    fake = type("Ev", (), {"district_scores": scores, "tree": ev.tree})()
    levels = province(fake).levels["a"]  # type: ignore[arg-type]
    assert levels.tolist()[:3] == [2.0, 1.0, float(len(cut))]
    assert np.isnan(levels["y"]) and levels["z"] == 1.0
    # the same as the tree's own rule, score by score
    for s, lv in zip(scores["a"], levels, strict=True):
        if s == s:
            assert ev.tree.level_for(float(s)).level == lv


def test_ties_share_the_better_rank(ev: evalkit.Evaluation) -> None:
    scores = pd.DataFrame({"a": [70.0, 80.0, 70.0, 60.0]}, index=list("abcd"))
    fake = type("Ev", (), {"district_scores": scores, "tree": ev.tree})()
    assert province(fake).ranks["a"].tolist() == [2.0, 1.0, 2.0, 4.0]  # type: ignore[arg-type]
