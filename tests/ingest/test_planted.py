"""Property: plant bad cells in a real workbook; exactly those cells are reported, nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalkit.errors import DataError
from evalkit.ingest.survey import load_survey_data
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "surveys" / "南港区.xlsx"
TREE = load_tree(ROOT / "indicators" / "community_policing.yaml")
ITEMS = [item.id for _, item in TREE.items()]
STATS = TREE.statistic_columns()

bad_answer = st.sampled_from([0, 6, 7.5, -1, "xyz", "maybe", "同意吗", 55])
bad_stat = st.sampled_from([-1, -0.5, "many", "n/a", "十"])


@st.composite
def plantings(draw):
    n_resp = draw(st.integers(0, 6))
    n_stat = draw(st.integers(0 if n_resp else 1, 3))
    resp = draw(
        st.sets(
            st.tuples(st.integers(2, 150), st.sampled_from(ITEMS)), min_size=n_resp, max_size=n_resp
        )
    )
    stat = draw(
        st.sets(
            st.tuples(st.integers(2, 6), st.sampled_from(STATS)), min_size=n_stat, max_size=n_stat
        )
    )
    return (
        {cell: draw(bad_answer) for cell in sorted(resp)},
        {cell: draw(bad_stat) for cell in sorted(stat)},
    )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plantings())
def test_exactly_the_planted_cells_are_reported(tmp_path_factory, planted) -> None:
    resp_bad, stat_bad = planted
    path = tmp_path_factory.mktemp("planted") / "d.xlsx"
    shutil.copyfile(SOURCE, path)
    wb = openpyxl.load_workbook(path)
    for sheet, bad in (("responses", resp_bad), ("stations", stat_bad)):
        ws = wb[sheet]
        cols = {c.value: c.column for c in ws[1]}
        for (row, col), value in bad.items():
            ws.cell(row, cols[col]).value = value
    wb.save(path)
    with pytest.raises(DataError) as info:
        load_survey_data(TREE, surveys=[path])
    reported = {
        (i.location.sheet, i.location.row, i.location.column)
        for i in info.value.issues
        if i.severity == "error"
    }
    expected = {("responses", r, c) for r, c in resp_bad} | {
        ("stations", r, c) for r, c in stat_bad
    }
    assert reported == expected
