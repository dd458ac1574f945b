"""Reading experts' pairwise judgments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from evalkit.errors import DataError
from evalkit.ingest.judgments import load_judgments, parse_judgment
from evalkit.tree import load_tree


def test_parse_judgment_forms() -> None:
    assert parse_judgment("1/3") == pytest.approx(1 / 3)
    assert parse_judgment(" 5 ") == 5.0
    assert parse_judgment("１/５") == pytest.approx(0.2)
    assert parse_judgment(0.25) == 0.25
    assert np.isnan(parse_judgment(None)) and np.isnan(parse_judgment(""))
    assert parse_judgment("abc") == -1.0


def test_shipped_experts_are_reciprocal_stacks(project: Path) -> None:
    tree = load_tree(project / "indicators" / "community_policing.yaml")
    j = load_judgments(project / "surveys" / "experts.xlsx", tree, base=project)
    assert set(j.matrices) == {n.id for n in tree.criteria()}
    for node in tree.criteria():
        m = j.matrices[node.id]
        assert m.shape == (8, len(node.children), len(node.children))
        np.testing.assert_allclose(m * np.swapaxes(m, 1, 2), 1.0, rtol=1e-9)
    assert j.experts["maturity"][0] == "E01"


def test_non_reciprocal_and_off_scale_reported_with_cells(project: Path) -> None:
    tree = load_tree(project / "indicators" / "community_policing.yaml")
    path = project / "surveys" / "experts.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["maturity"]
    # block of E01 starts at row 2; columns: expert, item, then the five dimensions (C..G)
    a13 = ws.cell(2, 4).value
    ws.cell(3, 3).value = 7  # lower triangle a[info_sources, info_collection]: not the reciprocal
    ws.cell(2, 5).value = 12  # off Saaty's scale
    wb.save(path)
    with pytest.raises(DataError) as info:
        load_judgments(path, tree, base=project)
    issues = {(i.location.sheet, i.location.row, i.location.column): i for i in info.value.issues}
    assert ("maturity", 3, "info_collection") in issues
    assert "not reciprocal" in issues[("maturity", 3, "info_collection")].message
    assert ("maturity", 2, "tech_environment") in issues
    assert issues[("maturity", 2, "tech_environment")].found == "12"
    assert a13 is not None
