"""Reading experts' pairwise judgments."""

from __future__ import annotations

import ast
import subprocess
import sys
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


def test_value_on_the_diagonal_is_a_located_problem_not_a_type_error(project: Path) -> None:
    """A 3 in a diagonal cell crashed every reader of the experts workbook with
    ``TypeError: IssueLog.add() takes 3 positional arguments but 5 were given``."""
    tree = load_tree(project / "indicators" / "community_policing.yaml")
    path = project / "surveys" / "experts.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["maturity"]
    assert (ws.cell(2, 2).value, ws.cell(1, 3).value) == ("info_collection", "info_collection")
    ws.cell(2, 3).value = 3  # E01's a[info_collection, info_collection]
    ws.cell(4, 5).value = "２"  # E01's a[tech_environment, tech_environment], full-width text
    wb.save(path)
    with pytest.raises(DataError) as info:
        load_judgments(path, tree, base=project)
    issues = info.value.issues
    assert [
        (i.location.file, i.location.sheet, i.location.row, i.location.column) for i in issues
    ] == [
        ("surveys/experts.xlsx", "maturity", 2, "info_collection"),
        ("surveys/experts.xlsx", "maturity", 4, "tech_environment"),
    ]
    first, second = issues
    assert first.message == (
        "expert E01: the diagonal cell a[info_collection, info_collection] compares the item "
        "with itself"
    )
    assert first.expected == "1 or an empty cell on the diagonal"
    assert (first.found, second.found) == ("3", "'２'")
    assert first.fix.startswith("Write 1 there or leave it empty")
    assert first.message_zh.startswith("专家 E01：对角线单元格")


def test_validate_and_weights_report_a_diagonal_value_with_exit_1(project: Path) -> None:
    path = project / "surveys" / "experts.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["safeguards"].cell(3, 4).value = 5  # E01's diagonal cell of the second item
    wb.save(path)
    for command in ("validate", "weights"):
        res = subprocess.run(
            [sys.executable, "-m", "evalkit", command, str(project)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert res.returncode == 1, res.stderr
        assert "Traceback" not in res.stderr and "TypeError" not in res.stderr
        assert 'surveys/experts.xlsx, sheet "safeguards", row 3, column "' in res.stderr
        assert (
            "compares the item with itself; expected 1 or an empty cell on the diagonal, found 5"
            in (" ".join(res.stderr.split()))
        )


def test_no_issue_log_call_passes_expected_or_found_by_position() -> None:
    """IssueLog.add/warn take (location, message) and keywords; a third positional argument is a
    TypeError that only shows when the problem occurs. Every call in src/ is checked here."""
    src = Path(__file__).resolve().parents[2] / "src"
    bad = []
    for file in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("add", "warn")
                and "log" in ast.unparse(node.func.value).lower()
                and len(node.args) > 2
            ):
                bad.append(f"{file.relative_to(src)}:{node.lineno}")
    assert bad == []
