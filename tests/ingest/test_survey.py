"""Reading survey workbooks: values, labels, and every problem with its exact place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from evalkit.errors import DataError
from evalkit.ingest.survey import load_survey_data
from evalkit.ingest.tables import read_grid
from evalkit.tree import load_tree


def _tree(project: Path):
    return load_tree(project / "indicators" / "community_policing.yaml")


def _headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def test_labels_and_numbers_read_as_scale_values(project: Path) -> None:
    tree = _tree(project)
    path = project / "surveys" / "东湖区.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["responses"]
    col = _headers(ws)["ic_std_1"]
    ws.cell(2, col).value = "同意"
    ws.cell(3, col).value = "Strongly disagree"
    ws.cell(4, col).value = "４"  # full-width digit typed by an IME
    ws.cell(5, col).value = None
    wb.save(path)
    data = load_survey_data(tree, surveys=[path], base=project)
    got = data.responses["ic_std_1"].iloc[:4].tolist()
    assert got[:3] == [4.0, 1.0, 4.0]
    assert np.isnan(got[3])
    assert data.responses["_row"].iloc[0] == 2


def test_bad_cells_reported_with_file_sheet_row_column(project: Path) -> None:
    tree = _tree(project)
    path = project / "surveys" / "东湖区.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["responses"]
    h = _headers(ws)
    ws.cell(17, h["te_plat_1"]).value = 6
    ws.cell(9, h["aa_led_2"]).value = "maybe"
    ws.cell(11, h["station"]).value = None
    st = wb["stations"]
    sh = _headers(st)
    st.cell(3, sh["terminals"]).value = "many"
    st.cell(4, sh["faults"]).value = -2
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(DataError) as info:
        load_survey_data(tree, surveys=[path], base=project)
    assert path.read_bytes() == before  # the user's file is never changed
    where = {(i.location.sheet, i.location.row, i.location.column): i for i in info.value.issues}
    assert set(where) >= {
        ("responses", 17, "te_plat_1"),
        ("responses", 9, "aa_led_2"),
        ("responses", 11, "station"),
        ("stations", 3, "terminals"),
        ("stations", 4, "faults"),
    }
    off = where[("responses", 17, "te_plat_1")]
    assert off.location.file == "surveys/东湖区.xlsx"
    assert off.found == "6"
    assert "one of [1, 2, 3, 4, 5]" in off.expected
    assert where[("stations", 3, "terminals")].found == "'many'"
    text = str(info.value)
    assert 'surveys/东湖区.xlsx, sheet "responses", row 17, column "te_plat_1"' in text
    assert info.value.summary.startswith("5 problems")


def test_missing_item_columns_and_unknown_station(project: Path) -> None:
    tree = _tree(project)
    path = project / "surveys" / "南港区.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["responses"]
    h = _headers(ws)
    ws.delete_cols(h["is_mass_3"])
    ws.cell(1, ws.max_column + 1).value = "comment"
    ws.cell(2, _headers(ws)["station"]).value = "不存在派出所"
    st = wb["stations"]
    st.cell(4, _headers(st)["station"]).value = "无人答卷派出所"
    wb.save(path)
    with pytest.raises(DataError) as info:
        load_survey_data(tree, surveys=[path], base=project)
    idle = [i for i in info.value.issues if "statistics but no survey responses" in i.message]
    assert [(i.location.sheet, i.location.row, i.severity) for i in idle] == [
        ("stations", 4, "warning")
    ]
    assert "无人答卷派出所" in idle[0].found
    msgs = {i.message: i for i in info.value.issues}
    cols = next(i for m, i in msgs.items() if "item column(s) of the tree are missing" in m)
    assert "is_mass_3" in cols.found and cols.location.row == 1
    unknown = [i for i in info.value.issues if "no row in the stations sheet" in i.message]
    assert (unknown[0].location.row, unknown[0].found.split(" / ")[1]) == (2, "不存在派出所")
    assert len(unknown) == 2  # and the renamed station's responses, at their first row
    warnings = [i for i in info.value.issues if i.severity == "warning"]
    assert any("comment" in w.found for w in warnings)


def test_csv_in_gb18030_reads_like_xlsx(project: Path, tmp_path: Path) -> None:
    tree = _tree(project)
    src = project / "surveys" / "西山区.xlsx"
    grid = read_grid(src, "responses")
    grid.data.to_csv(tmp_path / "r.csv", index=False, encoding="gb18030")
    sgrid = read_grid(src, "stations")
    sgrid.data.to_csv(tmp_path / "s.csv", index=False, encoding="utf-8-sig")
    from_csv = load_survey_data(tree, responses=[tmp_path / "r.csv"], stations=[tmp_path / "s.csv"])
    from_xlsx = load_survey_data(tree, surveys=[src])
    items = [i.id for _, i in tree.items()]
    np.testing.assert_array_equal(
        from_csv.responses[items].to_numpy(), from_xlsx.responses[items].to_numpy()
    )
    assert from_csv.responses["station"].tolist() == from_xlsx.responses["station"].tolist()


def test_not_a_workbook_and_hostile_dimension(tmp_path: Path, project: Path) -> None:
    tree = _tree(project)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("this is not a workbook", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_survey_data(tree, surveys=[fake])
    assert "not a readable workbook" in str(info.value)
    # a tiny workbook that declares cells up to XFD1048576 is refused before reading
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(project / "surveys" / "东湖区.xlsx") as zin,
        zipfile.ZipFile(bomb, "w") as zout,
    ):
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                import re

                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', data)
            zout.writestr(item, data)
    with pytest.raises(DataError) as info:
        load_survey_data(tree, surveys=[bomb])
    assert "declares 1048576 rows" in str(info.value)


def test_dont_know_codes_count_as_missing(project: Path) -> None:
    tree = _tree(project)
    path = project / "surveys" / "东湖区.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["responses"]
    col = _headers(ws)["ic_std_1"]
    ws.cell(2, col).value = 9
    ws.cell(3, col).value = "不知道"
    ws.cell(4, col).value = 99
    wb.save(path)
    with pytest.raises(DataError) as info:
        load_survey_data(tree, surveys=[path])
    assert {i.location.row for i in info.value.issues if i.severity == "error"} == {2, 3, 4}
    data = load_survey_data(tree, surveys=[path], missing_codes=[9.0, 99.0, "不知道"])
    assert data.responses["ic_std_1"].iloc[:3].isna().all()
    text = (project / "evalkit.yaml").read_text(encoding="utf-8")
    (project / "evalkit.yaml").write_text(
        text.replace("missing_codes: []", "missing_codes: [9, 99, 不知道]"), encoding="utf-8"
    )
    from evalkit.spec import load_spec

    assert load_spec(project).missing_codes == (9.0, 99.0, "不知道")


# ---- each file once, each problem once ------------------------------------------------------------


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evalkit", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )


def test_a_broken_workbook_is_listed_once_in_validate_run_and_issues_xlsx(
    project: Path, tmp_path: Path
) -> None:
    """Its problem was listed twice (the file is read for its responses and its stations)."""
    (project / "surveys" / "东湖区.xlsx").write_text("not a workbook", encoding="utf-8")
    res = _cli(project, "validate")
    assert res.returncode == 1
    assert res.stderr.count("not a readable workbook") == 1
    assert "Error: 1 problem in 1 file" in res.stderr
    res = _cli(project, "run", "--no-pdf", "--lang", "en")
    assert res.returncode == 1
    assert res.stderr.count("not a readable workbook") == 1
    rows = list(openpyxl.load_workbook(project / "reports" / "issues.xlsx").active.values)
    assert sum("not a readable workbook" in str(r) for r in rows) == 1


def test_one_file_is_one_file_from_outside_the_project(project: Path, tmp_path: Path) -> None:
    """Run from another folder, a sheet missing from a workbook was named by its full path and the
    workbook's other problems by its project path: "2 problems in 2 files" for one file."""
    path = project / "surveys" / "东湖区.xlsx"
    wb = openpyxl.load_workbook(path)
    del wb["stations"]
    wb["responses"].cell(12, _headers(wb["responses"])["ic_std_3"]).value = 7
    wb.save(path)
    res = _cli(tmp_path, "validate", str(project))
    assert res.returncode == 1
    text = " ".join(res.stderr.split())
    assert text.startswith("Error: 9 problems in 1 file ")  # 1 cell, 1 sheet, 7 stations
    assert 'surveys/东湖区.xlsx: no sheet "stations"' in text
    assert str(project) not in text


def _set_surveys(project: Path, entry: str, imports: str = "") -> None:
    spec = project / "evalkit.yaml"
    text = spec.read_text(encoding="utf-8").replace("surveys: [surveys/*.xlsx]", entry)
    if imports:
        text = text.replace("data:\n", f"data:\n  imports:\n    - {imports}\n")
    spec.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("how", "warning"),
    [
        (
            "glob and path",
            "surveys/东湖区.xlsx: the file is named twice in data.surveys (as "
            "surveys/东湖区.xlsx and surveys/../surveys/东湖区.xlsx); it is read once",
        ),
        (
            "symbolic link",
            "surveys/东湖区.xlsx: the file is named twice in data.surveys (as "
            "surveys/东湖区-link.xlsx and surveys/东湖区.xlsx); it is read once",
        ),
        (
            "import and glob",
            "surveys/wjx.xlsx: the file is in data.imports and in data.surveys; it is read "
            "once, as data.imports reads it",
        ),
    ],
)
def test_a_file_named_twice_is_read_once_with_a_warning(
    how: str, warning: str, project: Path
) -> None:
    from evalkit.pipeline import evaluate

    before = evaluate(project).districts.set_index("district")["respondents"]
    if how == "glob and path":
        _set_surveys(project, "surveys: [surveys/*.xlsx, surveys/../surveys/东湖区.xlsx]")
    elif how == "symbolic link":
        (project / "surveys" / "东湖区-link.xlsx").symlink_to("东湖区.xlsx")
    else:
        root = Path(__file__).resolve().parents[2]
        wjx = (
            root
            / "examples"
            / "imports"
            / "350881459_按序号_东湖派出所社区警务信息化调查_40_40.xlsx"
        )
        shutil.copyfile(wjx, project / "surveys" / "wjx.xlsx")
        _set_surveys(
            project,
            "surveys: [surveys/*.xlsx]",
            "{file: surveys/wjx.xlsx, district: 东湖区, station: 东湖派出所}",
        )
    ev = evaluate(project)
    (issue,) = [i for i in ev.issues if i.check == "files"]
    assert str(issue).startswith(warning) and issue.severity == "warning"
    after = ev.districts.set_index("district")["respondents"]
    if how == "import and glob":
        assert after["东湖区"] > before["东湖区"]  # the export's answers, read once
        after, before = after.drop("东湖区"), before.drop("东湖区")
    assert after.to_dict() == before.to_dict()
    res = _cli(project, "validate")
    assert res.returncode == 0, res.stderr
    assert f"warning: {warning}" in " ".join(res.stdout.split())


def test_a_copied_workbook_is_a_located_problem_not_a_crash(project: Path) -> None:
    """The stations of a copy (南港区 (2).xlsx) crashed validate with "cannot handle a
    non-unique multi-index"."""
    shutil.copyfile(project / "surveys" / "南港区.xlsx", project / "surveys" / "南港区 (2).xlsx")
    res = _cli(project, "validate")
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    text = " ".join(res.stderr.split())
    assert text.startswith("Error: 8 problems in 1 file surveys/南港区.xlsx, ")
    assert (
        'surveys/南港区.xlsx, sheet "stations", row 2, column "station": station listed twice; '
        "expected one row per (district, station) in all the stations sheets together, found "
        '南港区 / 南港派出所, already at surveys/南港区 (2).xlsx sheet "stations" row 2. Delete the '
        "repeated row, or the copy of the workbook."
    ) in text
