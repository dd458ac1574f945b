"""The example's workbooks, cell by cell: a change of structure must not change a value.

``tests/data/example_workbooks.json`` holds every cell value of the example's district workbooks
and comparison.xlsx in both languages (``python tests/data/make_example_workbooks.py`` writes
it, without the uncertainty analysis). A fresh run must give the same values in the same cells.
Only the uncertainty analysis' output and the README sheet are set aside, named here: the sheets
(:data:`ADDED_SHEETS`) and the rows of the summary sheet that carry one of the labels of
:data:`ADDED_SUMMARY_ROWS` in their first cell; ``test_uncertainty_reports.py`` compares those
with the analysis.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "data" / "example_workbooks.json"

#: Sheets added after the snapshot, not in it: the uncertainty analysis' (compared in
#: test_uncertainty_reports.py), the evaluation toolbox's (test_toolbox_reports.py) and the README
#: sheet (the run's provenance: SHA-256 of the inputs, evalkit's version; test_provenance.py).
ADDED_SHEETS: set[str] = {
    "Uncertainty",
    "Sensitivity",
    "Factors",
    "障碍度",
    "Obstacles",
    "方法比较",
    "Methods",
    "模糊评价",
    "Fuzzy",
    "README",
}
#: First-cell labels of the summary rows of the district's uncertainty figures, not in the
#: snapshot.
ADDED_SUMMARY_ROWS: set[str] = {
    "排名区间（5%–95%）",
    "Rank interval (5–95 %)",
    "得分区间（5%–95%）",
    "Score interval (5–95 %)",
    "等级概率",
    "Level probability",
}
#: Headers of columns added to a sheet after the snapshot, set aside before comparing (none
#: now: the within-district imbalance's columns, sheet and summary row are in the snapshot).
ADDED_COLUMNS: dict[str, set[str]] = {}
SUMMARY_SHEETS = ("概览", "Summary")


def _maker() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_example_workbooks", ROOT / "tests" / "data" / "make_example_workbooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return _maker().example_workbooks(tmp_path_factory.mktemp("workbooks"))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _kept_rows(sheet: str, rows: list[list[Any]]) -> list[list[Any]]:
    if sheet in ADDED_COLUMNS and rows:
        gone = {i for i, v in enumerate(rows[0]) if v in ADDED_COLUMNS[sheet]}
        rows = [[v for i, v in enumerate(r) if i not in gone] for r in rows]
    if sheet not in SUMMARY_SHEETS:
        return rows
    return [r for r in rows if not (r and r[0] in ADDED_SUMMARY_ROWS)]


def test_every_cell_of_the_example_workbooks_is_unchanged(fresh: dict[str, Any]) -> None:
    pinned = json.loads(SNAPSHOT.read_text("utf-8"))
    assert set(fresh) == set(pinned)
    for lang, books in pinned.items():
        assert set(fresh[lang]) == set(books), lang
        for name, sheets in books.items():
            got = fresh[lang][name]
            assert [s for s in got if s not in ADDED_SHEETS] == list(sheets), (lang, name)
            for sheet, rows in sheets.items():
                now = _kept_rows(sheet, got[sheet])
                assert len(now) == len(rows), (lang, name, sheet)
                for i, (a, b) in enumerate(zip(now, rows, strict=True)):
                    # JSON has no tuples and keeps ints and floats apart as the file did
                    a = [
                        float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in a
                    ]
                    b = [
                        float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in b
                    ]
                    assert len(a) == len(b) and all(
                        _same(x, y) for x, y in zip(a, b, strict=True)
                    ), (lang, name, sheet, i + 1, a, b)
