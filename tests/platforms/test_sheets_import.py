"""A hand-entered workbook with one sheet per station, read with ``sheet="*"``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.errors import DataError
from evalkit.ingest.platforms import ALL_SHEETS, import_responses, inspect_export
from evalkit.ingest.survey import load_survey_data
from evalkit.spec import ImportSpec

from .fixtures_responses import default_tree

STATIONS = {"东湖派出所": 6, "西山派出所": 4}


@pytest.fixture(scope="module")
def tree():
    return default_tree()


def _workbook(tree, path: Path, bad: tuple[str, int, str] | None = None) -> dict[str, np.ndarray]:
    """A codebook sheet, then one sheet per station numbering its officers 1..n; returns the
    answers written per station. ``bad`` = (station, officer, item) gets the answer 7."""
    items = [item.id for _, item in tree.items()]
    rng = np.random.default_rng(5)
    wb = xlsxwriter.Workbook(str(path))
    code = wb.add_worksheet("编码说明")
    code.write_row(0, 0, ["变量", "含义"])
    code.write_row(1, 0, ["编号", "问卷编号（每个派出所从 1 编起）"])
    written = {}
    for name, n in STATIONS.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["编号", *items])
        answers = rng.integers(1, 6, size=(n, len(items))).astype(float)
        answers[0, 2] = np.nan  # one answer left empty
        for r in range(n):
            ws.write(r + 1, 0, r + 1)
            for j, v in enumerate(answers[r]):
                if not np.isnan(v):
                    ws.write(r + 1, j + 1, v)
        if bad and bad[0] == name:
            ws.write(bad[1], 1 + items.index(bad[2]), 7)
        written[name] = answers
    wb.close()
    return written


def test_every_station_sheet_is_read_with_its_name(tree, tmp_path: Path) -> None:
    path = tmp_path / "东湖分局录入.xlsx"
    written = _workbook(tree, path)
    imp = import_responses(path, tree, sheet=ALL_SHEETS, district="东湖分局")
    items = [item.id for _, item in tree.items()]
    assert imp.responses["station"].tolist() == ["东湖派出所"] * 6 + ["西山派出所"] * 4
    assert imp.sheet_of_row.tolist() == imp.responses["station"].tolist()
    got = imp.responses[items].to_numpy(float)
    want = np.vstack([written["东湖派出所"], written["西山派出所"]])
    assert np.array_equal(got, want, equal_nan=True)
    # both sheets number their officers 1..n: ids get the sheet name in front
    assert imp.responses["respondent"].tolist()[:2] == ["东湖派出所-1", "东湖派出所-2"]
    assert imp.responses["respondent"].iloc[-1] == "西山派出所-4"
    assert list(imp.responses.index) == [2, 3, 4, 5, 6, 7, 2, 3, 4, 5]  # Excel rows per sheet
    assert imp.reasons.iloc[0, 2] == "empty"
    skipped = [i for i in imp.detection.issues if "编码说明" in i.message]
    assert len(skipped) == 1 and skipped[0].severity == "warning"
    assert imp.detection.decisions[0] == "2 of 3 sheets read: 东湖派出所, 西山派出所"
    assert any(
        d.startswith("[西山派出所] station taken from the sheet name")
        for d in imp.detection.decisions
    )
    assert inspect_export(path, tree, sheet=ALL_SHEETS).mapping == imp.detection.mapping
    # the proposed map reads every sheet again, without --sheet
    from evalkit.ingest.platforms import write_map

    write_map(imp.proposed_map, tmp_path / "m.yaml")
    again = import_responses(path, tree, map_path=tmp_path / "m.yaml", district="东湖分局")
    assert again.responses.equals(imp.responses)


def test_a_bad_cell_names_its_sheet_and_row(tree, tmp_path: Path) -> None:
    path = tmp_path / "录入.xlsx"
    _workbook(tree, path, bad=("西山派出所", 3, "ic_dup_1"))
    with pytest.raises(DataError) as exc:
        import_responses(path, tree, sheet=ALL_SHEETS, district="东湖分局")
    errors = [i for i in exc.value.issues if i.severity == "error"]
    assert len(errors) == 1
    assert (errors[0].location.sheet, errors[0].location.row) == ("西山派出所", 4)
    assert "ic_dup_1" in errors[0].message and "7" in errors[0].found


def test_a_workbook_without_answers_is_refused(tree, tmp_path: Path) -> None:
    path = tmp_path / "codebook.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("编码说明").write_row(0, 0, ["变量", "含义"])
    wb.close()
    with pytest.raises(DataError) as exc:
        import_responses(path, tree, sheet=ALL_SHEETS, district="东湖分局")
    assert exc.value.issues[0].message == "no sheet of the workbook holds survey answers"
    assert "编码说明" in exc.value.issues[0].found


def test_project_import_and_cli(tree, tmp_path: Path, project: Path) -> None:
    path = project / "录入.xlsx"
    _workbook(tree, path)
    spec = ImportSpec(file=path, sheet=ALL_SHEETS, district="东湖分局")
    data = load_survey_data(tree, imports=[spec], base=project)
    assert data.responses["_sheet"].tolist() == ["东湖派出所"] * 6 + ["西山派出所"] * 4
    assert data.responses["_row"].tolist() == [2, 3, 4, 5, 6, 7, 2, 3, 4, 5]
    assert any("编码说明" in w.message and w.severity == "warning" for w in data.issues)
    out = tmp_path / "responses.csv"
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(path),
            "--tree",
            str(project / "indicators" / "community_policing.yaml"),
            "--sheet",
            "*",
            "--district",
            "东湖分局",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["station"].value_counts().to_dict() == STATIONS


def test_sheets_without_answers_and_sheets_of_unnamed_answers(tree, tmp_path: Path) -> None:
    from evalkit.ingest.tables import column_letter

    items = [item.id for _, item in tree.items()]
    path = tmp_path / "录入.xlsx"
    _workbook(tree, path)
    # a map naming the items by column letter: it "matches" on the codebook sheet too
    map_path = tmp_path / "letters.map.yaml"
    letters = "\n".join(f"  {iid}: {column_letter(j + 1)}" for j, iid in enumerate(items))
    map_path.write_text(f"respondent: 编号\nitems:\n{letters}\n", encoding="utf-8")
    imp = import_responses(path, tree, sheet=ALL_SHEETS, map_path=map_path, district="东湖分局")
    assert len(imp.responses) == 10
    assert any(
        i.message == 'sheet "编码说明" skipped: no answers under the item columns'
        for i in imp.detection.issues
    )
    # a station sheet whose columns match nothing stops the import: its answers would be lost
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.copy_worksheet(wb["西山派出所"])
    ws.title = "南港派出所"
    for j in range(len(items)):
        ws.cell(1, j + 2).value = f"Q{j + 1}"
    wb.save(path)
    with pytest.raises(DataError) as exc:
        import_responses(path, tree, sheet=ALL_SHEETS, district="东湖分局")
    errors = [i for i in exc.value.issues if i.severity == "error"]
    assert [e.message for e in errors] == [
        'sheet "南港派出所" holds 4 rows of numbers but no column matching an item of the tree'
    ]
    assert errors[0].location.sheet == "南港派出所"


def test_default_sheet_names_csv_and_header_row_beyond_the_sheet(tree, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _workbook(tree, path)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["东湖派出所"].title = "Sheet2"
    wb.save(path)
    imp = import_responses(path, tree, sheet=ALL_SHEETS, district="东湖分局")
    warned = [i for i in imp.detection.issues if "default name" in i.message]
    assert [i.location.sheet for i in warned] == ["Sheet2"]
    csv_path = tmp_path / "t.csv"
    csv_path.write_text("编号,ic_std_1\n1,3\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        import_responses(csv_path, tree, sheet=ALL_SHEETS, district="东湖分局")
    assert "a CSV file holds one table" in exc.value.issues[0].message
    map_path = tmp_path / "h.map.yaml"
    map_path.write_text("header_row: 3\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:  # the codebook has two rows: an error, not a crash
        import_responses(path, tree, sheet="编码说明", map_path=map_path, district="东湖分局")
    issue = exc.value.issues[0]
    assert issue.message == 'header_row 3 is below the last row of sheet "编码说明"'
    assert issue.location.line == 1
