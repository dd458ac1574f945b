"""A large sheet parsed in parts on several cores reads exactly as the sheet parsed in one piece."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from evalkit.ingest import tables, xlsxsplit
from evalkit.ingest.xlsxsplit import NotSplittable, split_blocks

CELL = st.one_of(
    st.none(),
    st.integers(-5, 12),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from(["同意", "非常同意", " 3 ", "", "  ", "=1+1", "R001", "a&b<c>", "4.5"]),
    st.booleans(),
    st.just(dt.datetime(2026, 5, 17, 8, 30)),
)


def _write(path: Path, grid: list[list[object]], writer: str, top: int = 0, left: int = 0) -> None:
    """Write ``grid`` to sheet "s" (plus a second sheet) starting at (top, left)."""
    if writer == "openpyxl":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "s"
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                if v is not None:
                    c = ws.cell(top + i + 1, left + j + 1, v)
                    if isinstance(v, str) and v.startswith("="):
                        c.data_type = "s"
        wb.create_sheet("other").append(["x", 1])
        wb.save(path)
        return
    options = {"strings_to_formulas": False, "constant_memory": writer == "constant_memory"}
    wb = xlsxwriter.Workbook(str(path), options)
    ws = wb.add_worksheet("s")
    date = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write_datetime(top + i, left + j, v, date)
            elif isinstance(v, str):
                ws.write_string(top + i, left + j, v)
            elif v is not None:
                ws.write(top + i, left + j, v)
    wb.add_worksheet("other").write_row(0, 0, ["x", 1])
    wb.close()


def _whole(path: Path, sheet: str = "s") -> list[list[object]]:
    return (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name(sheet)
        .to_python(skip_empty_area=False)
    )


@pytest.fixture()
def split_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split every .xlsx sheet, however small, into up to four parts on two 'cores'."""
    monkeypatch.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 1)
    monkeypatch.setattr(xlsxsplit, "cores", lambda: 2)


GRIDS = st.lists(st.lists(CELL, min_size=1, max_size=7), min_size=1, max_size=40)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    grid=GRIDS,
    writer=st.sampled_from(["xlsxwriter", "constant_memory", "openpyxl"]),
    top=st.integers(0, 3),
    left=st.integers(0, 2),
    parts=st.integers(2, 6),
)
def test_parts_read_as_the_whole_sheet(
    tmp_path: Path, grid: list[list[object]], writer: str, top: int, left: int, parts: int
) -> None:
    path = tmp_path / f"g{parts}.xlsx"
    _write(path, grid, writer, top, left)
    whole = _whole(path)
    blocks = split_blocks(path, "s", parts=parts)
    assert blocks is not None
    if all(v is None for r in grid for v in r):  # an empty sheet
        if writer == "openpyxl":  # <sheetData></sheetData>: one part without cells, no block
            assert list(blocks) == [] and all(v == "" for r in whole for v in r)
        else:  # xlsxwriter's <sheetData/>: nothing to split
            with pytest.raises(NotSplittable):
                list(blocks)
        return
    got: list[list[object]] = []
    width = len(whole[0])
    for first, col, rows in blocks:
        assert first >= len(got)
        got.extend([""] * width for _ in range(first - len(got)))
        got.extend([""] * col + r + [""] * (width - col - len(r)) for r in rows)
    # the whole-sheet reader keeps trailing empty rows of a sheet: compare the used rows
    used = max((i + 1 for i, r in enumerate(whole) if any(v != "" for v in r)), default=0)
    assert got[:used] == whole[:used]
    assert all(v == "" for r in got[used:] for v in r)


def test_a_sheet_is_really_cut_and_read_through_the_public_readers(
    tmp_path: Path, split_everything: None
) -> None:
    rng = np.random.default_rng(3)
    grid = [["respondent", "station", "q1", "q2"]]
    grid += [
        [f"R{i:03d}", f"S{i % 4}", int(rng.integers(1, 6)), ["同意", None, 2][i % 3]]
        for i in range(300)
    ]
    grid[150] = [None] * 4  # an empty row inside the data
    path = tmp_path / "big.xlsx"
    _write(path, grid, "xlsxwriter")
    blocks = list(split_blocks(path, "s") or [])
    assert len(blocks) == 4
    assert blocks[0][:2] == (0, 0)
    name, rows, _ = tables.read_rows(path, "s")
    assert name == "s" and rows == _whole(path)
    split = tables.read_grid(path, "s")
    xlsxsplit_min = xlsxsplit.SPLIT_MIN_BYTES
    xlsxsplit.SPLIT_MIN_BYTES = 10**12
    try:
        one = tables.read_grid(path, "s")
    finally:
        xlsxsplit.SPLIT_MIN_BYTES = xlsxsplit_min
    assert split.header == one.header == ["respondent", "station", "q1", "q2"]
    assert list(split.data.index) == list(one.data.index)
    assert 151 not in split.data.index  # the empty Excel row 151 is dropped, numbering kept
    assert split.data.equals(one.data)
    assert split.numbers.equals(one.numbers)
    assert split.blank.equals(one.blank)
    assert split.numbers.loc[301, "q1"] == grid[300][2]


def _strip_row_numbers(src: Path, dst: Path) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<row r="\d+"', b"<row", data)
                data = re.sub(rb"<row>", b"<row >", data)
            zout.writestr(info.filename, data)


def test_rows_numbered_by_position_only_are_read_in_one_piece(
    tmp_path: Path, split_everything: None
) -> None:
    grid = [[f"r{i}", i] for i in range(60)]
    plain = tmp_path / "plain.xlsx"
    _write(plain, grid, "xlsxwriter")
    path = tmp_path / "unnumbered.xlsx"
    _strip_row_numbers(plain, path)
    blocks = split_blocks(path, "s")
    assert blocks is not None
    with pytest.raises(NotSplittable):
        list(blocks)
    assert tables.read_rows(path, "s")[1] == _whole(path) == _whole(plain)


def test_small_sheets_and_one_core_are_not_split(tmp_path: Path) -> None:
    path = tmp_path / "small.xlsx"
    _write(path, [["a", 1], ["b", 2]], "xlsxwriter")
    assert split_blocks(path, "s") is None  # far below the size worth splitting
    assert split_blocks(path, "missing sheet", parts=2) is None


def _rezip(src: Path, dst: Path, rename: dict[str, str] | None = None, **kw: object) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", **kw) as zout:
        for info in zin.infolist():
            zout.writestr((rename or {}).get(info.filename, info.filename), zin.read(info))


def test_unusual_packages_are_read_in_one_piece(tmp_path: Path, split_everything: None) -> None:
    grid = [[f"r{i}", i, i * 2] for i in range(60)]
    plain = tmp_path / "plain.xlsx"
    _write(plain, grid, "xlsxwriter")
    # compression calamine does not read: the one-piece read reports it, the split must not hide it
    bz = tmp_path / "bzip2.xlsx"
    _rezip(plain, bz, compression=zipfile.ZIP_BZIP2)
    assert split_blocks(bz, "s") is None
    # two sheet parts whose names differ only in case: calamine's lookup decides, not ours
    dup = tmp_path / "case.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(dup, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("xl/worksheets/Sheet1.xml", zin.read("xl/worksheets/sheet2.xml"))
    assert split_blocks(dup, "s") is None
    assert tables.read_rows(dup, "s")[1] == _whole(dup)


def test_no_usable_temporary_folder_reads_in_one_piece(
    tmp_path: Path, split_everything: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid = [[f"r{i}", i] for i in range(60)]
    path = tmp_path / "s.xlsx"
    _write(path, grid, "xlsxwriter")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such folder"))
    blocks = split_blocks(path, "s")
    assert blocks is not None
    with pytest.raises(NotSplittable):
        list(blocks)
    assert tables.read_rows(path, "s")[1] == _whole(path)
