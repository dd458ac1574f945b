"""Numbers that are none to compute with: TRUE/FALSE cells, infinities, NaN and numbers beyond the
floating-point range (typed as text, stored in a workbook's numeric cell, or in a CSV file), and
sums of station figures that overflow. Each is a located error; before, ``inf`` typed as a
statistic moved 东湖区 from level 3 to level 4 and TRUE counted as 1."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evalkit.errors import DataError
from evalkit.ingest.judgments import load_judgments, parse_judgment
from evalkit.ingest.overflow import statistic_overflow
from evalkit.ingest.survey import load_survey_data
from evalkit.ingest.tables import odd_value, read_grid
from evalkit.measure import compute_indicator_values
from evalkit.pipeline import evaluate
from evalkit.tree import load_tree


def _tree(project: Path):
    return load_tree(project / "indicators" / "community_policing.yaml")


def _set(path: Path, sheet: str, row: int, column: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = [c.value for c in ws[1]].index(column) + 1
    ws.cell(row, col).value = value
    wb.save(path)


def _set_stored_number(path: Path, sheet: str, row: int, column: str, text: str) -> None:
    """Store *text* as the numeric value (``<c t="n"><v>text</v></c>``) of a cell: the only way a
    workbook holds an infinity or a NaN (openpyxl and xlsxwriter refuse to write one)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    header = [c.value for c in next(wb[sheet].iter_rows(max_row=1))]
    index = wb.sheetnames.index(sheet) + 1
    wb.close()
    ref = f"{openpyxl.utils.get_column_letter(header.index(column) + 1)}{row}"
    part = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename == part:
                xml, n = re.subn(
                    rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(),
                    f'<c r="{ref}" t="n"><v>{text}</v></c>'.encode(),
                    data,
                    count=1,
                )
                assert n == 1
                data = xml
            zf.writestr(info, data)


def _errors(exc: pytest.ExceptionInfo[DataError]) -> list:
    return [i for i in exc.value.issues if i.severity == "error"]


@pytest.mark.parametrize("typed", ["inf", "1e400", "-inf", "nan", "NaN", "∞", "Infinity", "ＩＮＦ"])
def test_statistic_typed_inf_or_nan_is_an_error_at_its_cell(project: Path, typed: str) -> None:
    path = project / "surveys" / "东湖区.xlsx"
    _set(path, "stations", 2, "channels_in_use", typed)
    with pytest.raises(DataError) as exc:
        evaluate(project)
    (err,) = _errors(exc)
    loc = err.location
    assert (loc.file, loc.sheet, loc.row, loc.column) == (
        "surveys/东湖区.xlsx",
        "stations",
        2,
        "channels_in_use",
    )
    assert err.message == "statistic is not a finite number"
    assert typed in err.found and err.found_zh and err.message_zh == "统计数据不是有限的数值"


def test_statistic_inf_no_longer_lifts_donghu_a_level(project: Path) -> None:
    """The case that showed the bug: 东湖区 at 79.2 (level 3) read 81.3 (level 4) with `inf` (on
    the example of the former default tree; 东湖区 is now at level 4, and `inf` still blocks it)."""
    before = evaluate(project).districts.set_index("district").loc["东湖区"]
    assert before["level"] == 4
    _set(project / "surveys" / "东湖区.xlsx", "stations", 2, "channels_in_use", "inf")
    ev = evaluate(project, isolate=True)
    assert ev.blocked == {"surveys/东湖区.xlsx": ["东湖区"]}
    assert "东湖区" not in set(ev.districts["district"])
    assert not any("constant across stations" in i.message for i in ev.issues)


@pytest.mark.parametrize(
    ("stored", "found"),
    [
        ("inf", "an infinite number"),
        ("-inf", "an infinite number"),
        ("1e400", "an infinite number"),
        ("nan", "NaN stored as a number (not a number)"),
    ],
)
def test_statistic_stored_as_a_non_finite_number_is_an_error(
    project: Path, stored: str, found: str
) -> None:
    path = project / "surveys" / "东湖区.xlsx"
    _set_stored_number(path, "stations", 3, "terminals", stored)
    with pytest.raises(DataError) as exc:
        load_survey_data(_tree(project), surveys=[path], base=project)
    (err,) = _errors(exc)
    assert (err.location.row, err.location.column, err.found) == (3, "terminals", found)


def test_true_false_cells_are_errors_in_statistics_and_answers(project: Path) -> None:
    path = project / "surveys" / "东湖区.xlsx"
    _set(path, "stations", 4, "data_links", True)
    _set(path, "responses", 5, "ic_std_1", True)
    _set(path, "responses", 6, "ic_std_2", False)
    with pytest.raises(DataError) as exc:
        load_survey_data(_tree(project), surveys=[path], base=project)
    got = {(i.location.sheet, i.location.row, i.location.column): i for i in _errors(exc)}
    assert set(got) == {
        ("stations", 4, "data_links"),
        ("responses", 5, "ic_std_1"),
        ("responses", 6, "ic_std_2"),
    }
    assert got[("stations", 4, "data_links")].found == "TRUE (a TRUE/FALSE cell, not a number)"
    assert got[("responses", 6, "ic_std_2")].found == "FALSE (a TRUE/FALSE cell, not a number)"
    assert got[("responses", 5, "ic_std_1")].message.startswith("answer off the scale")


def test_a_scale_labelled_true_still_refuses_a_true_false_cell(project: Path) -> None:
    """The text TRUE may be a label of a scale; Excel's TRUE/FALSE cell is never an answer."""
    tree_path = project / "indicators" / "community_policing.yaml"
    text = tree_path.read_text(encoding="utf-8")
    text = text.replace(
        "en: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]",
        "en: [Strongly disagree, Disagree, Neutral, Agree, 'TRUE']",
    )
    tree_path.write_text(text, encoding="utf-8")
    path = project / "surveys" / "东湖区.xlsx"
    _set(path, "responses", 5, "ic_std_1", "TRUE")
    tree = load_tree(tree_path)
    data = load_survey_data(tree, surveys=[path], base=project)
    assert data.responses.loc[data.responses["_row"] == 5, "ic_std_1"].item() == 5.0
    _set(path, "responses", 5, "ic_std_1", True)
    with pytest.raises(DataError) as exc:
        load_survey_data(tree, surveys=[path], base=project)
    assert [(i.location.row, i.location.column) for i in _errors(exc)] == [(5, "ic_std_1")]


def test_csv_statistics_with_inf_nan_or_true_are_errors(project: Path, tmp_path: Path) -> None:
    tree = _tree(project)
    src = read_grid(project / "surveys" / "东湖区.xlsx", "stations").data
    frame = src.copy()
    frame.loc[2, "terminals"] = "inf"
    frame.loc[3, "faults"] = "NaN"
    frame.loc[4, "data_links"] = "TRUE"
    frame.loc[5, "tipoffs"] = "1e400"
    csv = tmp_path / "stations.csv"
    frame.to_csv(csv, index=False)
    with pytest.raises(DataError) as exc:
        load_survey_data(
            tree, responses=[project / "surveys" / "东湖区.xlsx"], stations=[csv], base=project
        )
    got = {(i.location.row, i.location.column): i.found for i in _errors(exc)}
    # the CSV's rows: the header is row 1, the station of the workbook's row 2 is the CSV's row 2
    assert got == {
        (2, "terminals"): "'inf' (infinite)",
        (3, "faults"): "'NaN' (not a number)",
        (4, "data_links"): "'TRUE' (a TRUE/FALSE value, not a number)",
        (5, "tipoffs"): "'1e400', beyond the largest number evalkit can compute with "
        "(about 1.8e308)",
    }


def test_two_values_of_1e308_overflow_a_ratio_sum_named_by_column_and_district(
    project: Path,
) -> None:
    path = project / "surveys" / "东湖区.xlsx"
    for row in (2, 3):
        _set(path, "stations", row, "verified_records", 1e308)
        _set(path, "stations", row, "actual_records", 1e308)
    with pytest.raises(DataError) as exc:
        load_survey_data(_tree(project), surveys=[path], base=project)
    errs = _errors(exc)
    assert [(i.location.column, i.district) for i in errs] == [
        ("verified_records", "东湖区"),
        ("actual_records", "东湖区"),
    ]
    assert "the sum of `verified_records` over the stations of 东湖区" in errs[0].message
    assert "row 2: 1e+308, row 3: 1e+308" in errs[0].found
    assert "东湖区各派出所的 `verified_records` 之和" in errs[0].message_zh


def test_an_overflowing_sum_blocks_only_its_district(project: Path) -> None:
    path = project / "surveys" / "南港区.xlsx"
    for row in (2, 3):
        _set(path, "stations", row, "tipoffs", 1e308)
    ev = evaluate(project, isolate=True)
    assert ev.blocked == {"surveys/南港区.xlsx": ["南港区"]}
    assert sorted(ev.districts["district"]) == ["东湖区", "北岭区", "西山区"]
    assert np.isfinite(ev.districts["total"]).all()


def test_station_ratio_beyond_the_float_range_is_an_error_at_its_cell(project: Path) -> None:
    tree = _tree(project)
    path = project / "surveys" / "西山区.xlsx"
    data = load_survey_data(tree, surveys=[path], base=project)
    stations = data.stations.copy()
    stations.iloc[0, stations.columns.get_loc("verified_records")] = 1e300
    stations.iloc[0, stations.columns.get_loc("actual_records")] = 1e-10
    issues = statistic_overflow(tree, stations)
    # the station's value only: the district's sums are finite, and so is their ratio
    assert [(i.location.row, i.location.column, i.district) for i in issues] == [
        (int(stations["_row"].iloc[0]), "verified_records", "西山区")
    ]
    station = stations["station"].iloc[0]
    assert f"for station {station}, 100 × verified_records / actual_records" in issues[0].message
    assert issues[0].found == "verified_records = 1e+300, actual_records = 1e-10"
    # the measures refuse such data too, however it was built
    with pytest.raises(DataError):
        compute_indicator_values(tree, type(data)(data.responses, stations))


def test_multiplier_applied_after_the_ratio(project: Path) -> None:
    """100 x 1e308 / 1e308 is 100 %, not an overflow of 100 x 1e308."""
    tree = _tree(project)
    data = load_survey_data(tree, surveys=[project / "surveys" / "西山区.xlsx"], base=project)
    stations = data.stations.copy()
    stations["verified_records"] = 1e308
    stations.iloc[1:, stations.columns.get_loc("verified_records")] = 0.0
    stations["actual_records"] = 1e308
    stations.iloc[1:, stations.columns.get_loc("actual_records")] = 1.0
    assert statistic_overflow(tree, stations) == []
    values = compute_indicator_values(tree, type(data)(data.responses, stations))
    first = (stations["district"].iloc[0], stations["station"].iloc[0])
    assert values.stations.loc[first, "basic_info_coverage"] == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("inf", -1.0),
        ("nan", -1.0),
        ("1e400", -1.0),
        (float("inf"), -1.0),
        (float("nan"), -1.0),
        (True, -1.0),
        ("TRUE", -1.0),
        ("1/0", -1.0),
        ("1/3", 1 / 3),
        (None, None),
        ("", None),
    ],
)
def test_parse_judgment_refuses_non_finite_values(value: object, expected: float | None) -> None:
    got = parse_judgment(value)
    assert np.isnan(got) if expected is None else got == pytest.approx(expected)


def test_judgments_inf_true_nan_are_located_errors(project: Path) -> None:
    path = project / "surveys" / "experts.xlsx"
    _set(path, "maturity", 2, "info_sources", "inf")
    _set(path, "maturity", 2, "tech_environment", True)
    _set(path, "maturity", 3, "info_collection", "nan")  # below the diagonal: was read as empty
    _set(path, "maturity", 4, "info_collection", "1e400")  # below the diagonal: was accepted
    with pytest.raises(DataError) as exc:
        load_judgments(path, _tree(project), base=project)
    got = {(i.location.row, i.location.column): i.found for i in _errors(exc)}
    assert got == {
        (2, "info_sources"): "'inf' (infinite)",
        (2, "tech_environment"): "TRUE (a TRUE/FALSE cell, not a number)",
        (3, "info_collection"): "'nan' (not a number)",
        (4, "info_collection"): "'1e400', beyond the largest number evalkit can compute with "
        "(about 1.8e308)",
    }


def test_judgment_stored_as_nan_below_the_diagonal_is_an_error(project: Path) -> None:
    path = project / "surveys" / "experts.xlsx"
    _set(path, "maturity", 3, "info_collection", 3)  # a real number cell to store over
    _set_stored_number(path, "maturity", 3, "info_collection", "nan")
    with pytest.raises(DataError) as exc:
        load_judgments(path, _tree(project), base=project)
    assert [(i.location.row, i.found) for i in _errors(exc)] == [
        (3, "NaN stored as a number (not a number)")
    ]


@pytest.mark.parametrize("weight", ["inf", True, "nan", "1e400"])
def test_expert_weight_inf_or_true_is_an_error(project: Path, weight: object) -> None:
    path = project / "surveys" / "experts.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("experts")
    ws.append(["expert", "weight"])
    for k in range(1, 9):
        ws.append([f"E{k:02d}", 1])
    ws.cell(3, 2).value = weight
    wb.save(path)
    with pytest.raises(DataError) as exc:
        load_judgments(path, _tree(project), base=project)
    (err,) = _errors(exc)
    assert (err.location.sheet, err.location.row, err.location.column) == ("experts", 3, "weight")
    assert err.found == odd_value(weight)[0]  # type: ignore[index]


def test_odd_cells_in_grid_not_numbers_and_not_blank(tmp_path: Path) -> None:
    csv = tmp_path / "t.csv"
    csv.write_text("a,b\ninf,1\n-Infinity,2\nnan,3\nTRUE,4\nfalse,5\n1e400,6\n,7\nx,8\n")
    grid = read_grid(csv)
    assert grid.odd["a"].tolist() == [True] * 6 + [False, False]
    assert grid.blank["a"].tolist() == [False] * 6 + [True, False]
    assert grid.numbers["a"].isna().all()
    assert grid.numbers["b"].tolist() == list(range(1, 9))
    assert not grid.odd["b"].any()


def test_judgments_long_csv_true_is_an_error(project: Path, tmp_path: Path) -> None:
    tree = _tree(project)
    rows = []
    for node in tree.criteria():
        kids = [c.id for c in node.children]
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                rows.append(["E01", node.id, a, b, "2"])
    rows[0][4] = "TRUE"
    csv = tmp_path / "experts.csv"
    pd.DataFrame(rows, columns=["expert", "node", "row", "column", "value"]).to_csv(
        csv, index=False
    )
    with pytest.raises(DataError) as exc:
        load_judgments(csv, tree)
    (err,) = _errors(exc)
    assert err.found == "'TRUE' (a TRUE/FALSE value, not a number)"
