"""Old binary .xls files (pre-2019 问卷星 downloads, WPS saves) read as their .xlsx twins."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import xlwt
from python_calamine import CalamineWorkbook

from evalkit.ingest.platforms import ALL_SHEETS, import_responses, inspect_export

from .fixtures_responses import make_case
from .test_sheets_import import _workbook

XLSX_LAYOUTS = ("wjx_code", "wjx_text", "hand", "jinshuju")


@pytest.fixture(scope="module")
def tree():
    from .fixtures_responses import default_tree

    return default_tree()


def _as_xls(src: Path, dst: Path) -> None:
    """Every sheet of ``src`` written cell by cell into a BIFF8 workbook."""
    book = CalamineWorkbook.from_path(str(src))
    out = xlwt.Workbook(encoding="utf-8")
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for name in book.sheet_names:
        ws = out.add_sheet(name)
        for i, row in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False)):
            for j, v in enumerate(row):
                if isinstance(v, dt.datetime):
                    ws.write(i, j, v, date)
                elif v != "":
                    ws.write(i, j, v)
    out.save(str(dst))


@pytest.mark.parametrize("layout", XLSX_LAYOUTS)
def test_xls_reads_as_its_xlsx_twin(layout: str, tree, tmp_path: Path) -> None:
    case = make_case(layout, tree, tmp_path)
    assert case.path.suffix == ".xlsx"
    xls = case.path.with_suffix(".xls")
    _as_xls(case.path, xls)
    assert xls.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 (BIFF) file
    want = import_responses(case.path, tree, **case.kwargs)
    got = import_responses(xls, tree, **case.kwargs)
    assert got.detection.platform == want.detection.platform == case.platform
    assert got.detection.variant == want.detection.variant
    items = case.truth.item_ids
    assert np.array_equal(got.responses[items].to_numpy(float), case.truth.values, equal_nan=True)
    assert got.responses["respondent"].tolist() == want.responses["respondent"].tolist()
    assert got.dropped_rows == want.dropped_rows
    assert (got.reasons == want.reasons).all().all()


def test_xls_with_one_sheet_per_station(tree, tmp_path: Path) -> None:
    path = tmp_path / "录入.xlsx"
    written = _workbook(tree, path)
    xls = tmp_path / "录入.xls"
    _as_xls(path, xls)
    imp = import_responses(xls, tree, sheet=ALL_SHEETS, district="东湖分局")
    assert imp.responses["station"].value_counts().to_dict() == {"东湖派出所": 6, "西山派出所": 4}
    items = [item.id for _, item in tree.items()]
    want = np.vstack([written["东湖派出所"], written["西山派出所"]])
    assert np.array_equal(imp.responses[items].to_numpy(float), want, equal_nan=True)
    assert inspect_export(xls, tree, sheet=ALL_SHEETS).sheet == ALL_SHEETS
