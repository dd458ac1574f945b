"""Questionnaire templates generated from the tree: structure, and filled templates read back."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from evalkit.cli.template_cmd import template_app
from evalkit.errors import DataError, EvalkitError
from evalkit.ingest.judgments import load_judgments, parse_judgment
from evalkit.ingest.survey import load_survey_data
from evalkit.templates import (
    SAATY_VALUES,
    saaty_labels,
    write_blank_experts,
    write_blank_survey,
    write_experts_template,
    write_survey_template,
)
from evalkit.tree import IndicatorTree, load_tree
from evalkit.weights.ahp import ahp_priorities

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "indicators" / "community_policing.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def tree() -> IndicatorTree:
    return load_tree(TREE)


def _header(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[object]:
    return [c.value for c in ws[1]]


# ---- survey -----------------------------------------------------------------------------------


def _fill_survey(tree: IndicatorTree, path: Path, seed: int = 1) -> tuple[dict, dict]:
    """Fill responses and stations with openpyxl; return what was written."""
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(path)
    ws, st = wb["responses"], wb["stations"]
    head, shead = _header(ws), _header(st)
    items = [item.id for _, item in tree.items()]
    units = [("东湖区", "东湖派出所"), ("东湖区", "南门派出所"), ("西山区", "西山派出所")]
    answers: dict[str, dict[str, float]] = {}
    for r in range(2, 42):
        rid = f"R{r - 1:04d}"
        district, station = units[r % 3]
        ws.cell(r, head.index("respondent") + 1, rid)
        ws.cell(r, head.index("district") + 1, district)
        ws.cell(r, head.index("station") + 1, station)
        answers[rid] = {}
        for iid in items:
            if rng.random() < 0.1:
                answers[rid][iid] = float("nan")  # unanswered
                continue
            v = rng.randint(1, 5)
            ws.cell(r, head.index(iid) + 1, v)
            answers[rid][iid] = float(v)
    stats: dict[tuple[str, str], dict[str, float]] = {}
    for r, (district, station) in enumerate(units, start=2):
        st.cell(r, shead.index("district") + 1, district)
        st.cell(r, shead.index("station") + 1, station)
        stats[(district, station)] = {}
        for col in tree.statistic_columns():
            v = round(rng.uniform(1, 500), 2)
            st.cell(r, shead.index(col) + 1, v)
            stats[(district, station)][col] = v
    wb.save(path)
    return answers, stats


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_survey_template_round_trip(tree: IndicatorTree, tmp_path: Path, lang: str) -> None:
    path = write_survey_template(tree, tmp_path / f"survey_{lang}.xlsx", lang=lang)
    answers, stats = _fill_survey(tree, path)
    data = load_survey_data(tree, surveys=[path])
    assert data.issues == []  # no warning either: no unknown columns, every station answered
    resp = data.responses.set_index("respondent")
    assert sorted(resp.index) == sorted(answers)
    for rid, row in answers.items():
        for iid, v in row.items():
            got = resp.at[rid, iid]
            assert (np.isnan(v) and np.isnan(got)) or got == v, (rid, iid)
    assert resp.at["R0001", "district"] == "西山区"
    stations = data.stations.set_index(["district", "station"])
    for key, row in stats.items():
        for col, v in row.items():
            assert stations.at[key, col] == v


def test_survey_template_structure(tree: IndicatorTree, tmp_path: Path) -> None:
    path = write_survey_template(tree, tmp_path / "survey.xlsx", lang="zh", rows=500)
    assert not list(tmp_path.glob(".*.part"))  # atomic write leaves no temporary file
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填写说明", "responses", "stations", "codebook"]
    ws = wb["responses"]
    items = [item for _, item in tree.items()]
    assert _header(ws) == ["respondent", "district", "station", *(i.id for i in items)]
    assert ws.freeze_panes == "D2"
    # item text in the header comment, with the scale's labels
    first = ws.cell(1, 4)
    assert first.comment is not None and items[0].text["zh"] in first.comment.text
    assert "1 非常不同意" in first.comment.text
    # a list validation of the scale's values on every item column, rows 2..501
    dvs = ws.data_validations.dataValidation
    lists = [dv for dv in dvs if dv.type == "list"]
    assert lists and all(dv.formula1 == '"1,2,3,4,5"' for dv in lists)
    assert all(dv.showErrorMessage and dv.errorStyle in (None, "stop") for dv in lists)
    covered = " ".join(str(dv.sqref) for dv in lists)
    assert "D2:D501" in covered
    assert "非常同意" in lists[0].prompt
    # stations: statistic columns, unit/use in the header comment, non-negative validation
    st = wb["stations"]
    assert _header(st) == [
        "district",
        "station",
        "district_en",
        "station_en",
        *tree.statistic_columns(),
    ]
    assert st.freeze_panes == "C2"
    comments = {c.value: c.comment.text for c in st[1] if c.comment is not None}
    assert "基础信息采集覆盖率 (%)" in comments["verified_records"]
    assert "分子" in comments["verified_records"] and "分母" in comments["actual_records"]
    assert "单位：类/所" in comments["channels_in_use"]
    assert any(dv.type == "decimal" for dv in st.data_validations.dataValidation)
    # codebook: item -> indicator, reverse-coded or not
    cb = wb["codebook"]
    rows = [[c.value for c in r] for r in cb.iter_rows()]
    assert rows[0][:5] == ["item", "indicator", "indicator_name", "dimension", "reverse"]
    book = {r[0]: r for r in rows[1:]}
    assert len(book) == len(items)
    for leaf, item in tree.items():
        assert book[item.id][1] == leaf.id
        assert book[item.id][4] == ("是" if item.reverse else "否")
        assert book[item.id][6] == item.text["zh"] and book[item.id][7] == item.text["en"]
    assert any(i.reverse for i in items) and any(not i.reverse for i in items)
    # the instructions list every item
    text = " ".join(str(c.value) for r in wb["填写说明"].iter_rows() for c in r if c.value)
    assert all(i.id in text for i in items)


def test_blank_survey_reads_as_no_data(tree: IndicatorTree, tmp_path: Path) -> None:
    path = write_blank_survey(tree, tmp_path / "district.xlsx")
    with pytest.raises(DataError) as info:
        load_survey_data(tree, surveys=[path])
    assert {i.message for i in info.value.issues} == {
        "the responses sheet has no data rows",
        "the stations sheet has no data rows",
    }


def test_survey_template_rejects_bad_arguments(tree: IndicatorTree, tmp_path: Path) -> None:
    with pytest.raises(EvalkitError, match="zh or en"):
        write_survey_template(tree, tmp_path / "x.xlsx", lang="fr")
    with pytest.raises(EvalkitError, match="rows"):
        write_survey_template(tree, tmp_path / "x.xlsx", rows=0)
    assert not (tmp_path / "x.xlsx").exists()


# ---- experts ----------------------------------------------------------------------------------

_CHOICES: list[object] = ["9", "7", "5", "3", "2", "1", "1/2", "1/3", "1/5", "1/9", 3, 4, 0.5]


def _block_top(b: int, n: int) -> int:
    """Excel row of the first row of expert block b (0-based): blocks of n rows, one blank between."""
    return 2 + b * (n + 1)


def _fill_experts(
    tree: IndicatorTree, path: Path, experts: list[str], seed: int = 2
) -> dict[tuple[str, str], np.ndarray]:
    """Fill the upper triangle of every block with openpyxl (text fractions and numbers)."""
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(path)
    want: dict[tuple[str, str], np.ndarray] = {}
    for node in tree.criteria():
        ws = wb[node.id]
        head = _header(ws)
        kids = [c.id for c in node.children]
        n = len(kids)
        for b, expert in enumerate(experts):
            top = _block_top(b, n)
            a = np.ones((n, n))
            for i in range(n):
                assert ws.cell(top + i, 1).value == expert
                assert ws.cell(top + i, 2).value == kids[i]
                for j in range(i + 1, n):
                    v = "1/3" if (i, j) == (0, 1) else rng.choice(_CHOICES)
                    ws.cell(top + i, head.index(kids[j]) + 1, v)
                    a[i, j] = parse_judgment(v)
                    a[j, i] = 1.0 / a[i, j]
            want[(node.id, expert)] = a
    wb.save(path)
    return want


def test_experts_template_round_trip_stacked_blocks(tree: IndicatorTree, tmp_path: Path) -> None:
    names = ["E01", "E02", "E03"]
    path = write_experts_template(tree, tmp_path / "experts.xlsx", experts=names, lang="zh")
    want = _fill_experts(tree, path, names)
    j = load_judgments(path, tree)
    assert j.issues == []
    assert j.expert_weights == {"E01": 1.0, "E02": 1.0, "E03": 1.0}
    for node in tree.criteria():
        assert j.experts[node.id] == names
        for k, e in enumerate(names):
            np.testing.assert_array_equal(j.matrices[node.id][k], want[(node.id, e)])
    assert j.matrices["maturity"][0][0, 1] == 1 / 3 and j.matrices["maturity"][0][1, 0] == 3.0


def test_experts_template_one_expert_file(tree: IndicatorTree, tmp_path: Path) -> None:
    path = write_experts_template(tree, tmp_path / "zhang.xlsx", experts=["张三"], lang="en")
    want = _fill_experts(tree, path, ["张三"], seed=5)
    j = load_judgments(path, tree)
    for node in tree.criteria():
        assert j.experts[node.id] == ["张三"]
        np.testing.assert_array_equal(j.matrices[node.id][0], want[(node.id, "张三")])


def test_blank_experts_template_lower_triangle_reads_as_empty(
    tree: IndicatorTree, tmp_path: Path
) -> None:
    """Unfilled: the lower-triangle formulas cache "" so only 'missing judgment' is reported."""
    path = write_blank_experts(tree, tmp_path / "experts.xlsx")
    with pytest.raises(DataError) as info:
        load_judgments(path, tree)
    messages = {i.message.split(":")[-1].strip().split(" ")[0] for i in info.value.issues}
    assert all("missing judgment" in i.message for i in info.value.issues), messages
    pairs = sum(len(n.children) * (len(n.children) - 1) // 2 for n in tree.criteria())
    assert len(info.value.issues) == pairs


def test_experts_template_structure(tree: IndicatorTree, tmp_path: Path) -> None:
    path = write_experts_template(tree, tmp_path / "experts.xlsx", experts=["E01", "E02"])
    wb = openpyxl.load_workbook(path)
    criteria = [n.id for n in tree.criteria()]
    assert wb.sheetnames == ["填写说明", *criteria, "experts"]
    node = tree.node("maturity")
    kids = [c.id for c in node.children]
    n = len(kids)
    ws = wb["maturity"]
    head = _header(ws)
    assert head[:2] == ["expert", "item"] and head[3 : 3 + n] == kids
    assert head[3 + n] is None  # a blank gap column before the live calculation
    assert {"CR", "λmax", "CI", "RI", "权重 w"} <= set(head)
    assert ws.freeze_panes == "D2"
    assert ws.protection.sheet  # only the upper triangle (and the expert ids) are unlocked
    assert ws.cell(1, 4).comment is not None and "信息采集" in ws.cell(1, 4).comment.text
    # upper triangle: list validation of Saaty's values as text
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == 2 * n * (n - 1) // 2
    assert dvs[0].formula1 == '"' + ",".join(SAATY_VALUES) + '"'
    assert "3 稍微" in dvs[0].prompt and "“信息来源”更重要" in dvs[0].prompt
    upper = ws.cell(2, 5)
    assert upper.number_format == "@" and upper.protection.locked is False
    # diagonal 1, lower triangle by formula from the upper cell
    assert ws.cell(2, 4).value == 1
    assert str(ws.cell(3, 4).value).startswith('=IF(E2=""')
    # the live consistency check: geometric-mean weights, lambda_max, CI, RI, CR, status
    cr_col = head.index("CR") + 1
    g_col = head.index("几何平均") + 1
    for b in range(2):
        top = _block_top(b, n)
        assert "GEOMEAN(" in ws.cell(top, g_col).value
        assert ws.cell(top, head.index("RI") + 1).value == pytest.approx(1.12)
        assert "/" in ws.cell(top, cr_col).value
        assert "AVERAGE(" in ws.cell(top, head.index("λmax") + 1).value
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert any(f"{0.1}" in r.formula[0] and ">" in r.formula[0] for r in rules)
    # nothing below the last block (the reader would take it for a block row)
    assert ws.max_row == _block_top(1, n) + n - 1
    # the drop-down values carry their meaning in the labels
    labels = saaty_labels("en")
    assert "3 — row item moderately more important than the column item" in labels
    assert labels[SAATY_VALUES.index("1/3")].startswith("1/3 — column item moderately")


def test_experts_template_rejects_bad_names(tree: IndicatorTree, tmp_path: Path) -> None:
    with pytest.raises(EvalkitError, match="unique"):
        write_experts_template(tree, tmp_path / "x.xlsx", experts=["A", "A"])
    with pytest.raises(EvalkitError, match="empty"):
        write_experts_template(tree, tmp_path / "x.xlsx", experts=[" "])
    assert not (tmp_path / "x.xlsx").exists()


def _saaty(x: float) -> str:
    """Nearest value of Saaty's scale, as the drop-down text."""
    return min(SAATY_VALUES, key=lambda v: abs(np.log(parse_judgment(v)) - np.log(x)))


@pytest.mark.libreoffice
def test_live_cr_recalculated_by_libreoffice_matches_evalkit(
    tree: IndicatorTree, tmp_path: Path
) -> None:
    """LibreOffice recomputes the sheet's formulas; the geometric-mean CR approximates evalkit's
    eigenvector CR (loosely: within 0.02 and 15 %), and the recalculated file still reads back.
    Selected with `-m libreoffice` (.ci/run installs LibreOffice for it)."""
    assert shutil.which("soffice"), "this test needs LibreOffice: apt-get install libreoffice-calc"
    names = ["E01", "E02"]
    path = write_experts_template(tree, tmp_path / "filled.xlsx", experts=names)
    wb = openpyxl.load_workbook(path)
    rng = np.random.default_rng(11)
    want = {}
    for node in tree.criteria():
        ws = wb[node.id]
        n = len(node.children)
        for b in range(2):
            w = rng.dirichlet(np.ones(n))
            noise = 0.15 if b == 0 else 1.2  # E01 nearly consistent, E02 inconsistent
            a = np.ones((n, n))
            for i in range(n):
                for j in range(i + 1, n):
                    v = _saaty(w[i] / w[j] * np.exp(rng.normal(0, noise)))
                    ws.cell(_block_top(b, n) + i, 4 + j, v)
                    a[i, j], a[j, i] = parse_judgment(v), 1 / parse_judgment(v)
            want[(node.id, names[b])] = a
    wb.save(path)
    out = tmp_path / "recalc"
    profile = (tmp_path / "lo_profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    recalc = out / "filled.xlsx"
    book = CalamineWorkbook.from_path(str(recalc))
    seen_red = seen_green = False
    for node in tree.criteria():
        rows = book.get_sheet_by_name(node.id).to_python(skip_empty_area=False)
        head = rows[0]
        n = len(node.children)
        for b, e in enumerate(names):
            first = rows[_block_top(b, n) - 1]
            sheet_cr = first[head.index("CR")]
            ev = ahp_priorities(want[(node.id, e)])
            assert isinstance(sheet_cr, float), (node.id, e, sheet_cr)
            assert abs(sheet_cr - ev.cr) <= max(0.02, 0.15 * ev.cr), (node.id, e, sheet_cr, ev.cr)
            w_sheet = [rows[_block_top(b, n) - 1 + i][head.index("权重 w")] for i in range(n)]
            print(f"{node.id} {e}: sheet CR {sheet_cr:.4f}, evalkit CR {ev.cr:.4f}")
            if ev.cr < 0.1:  # near-consistent: geometric-mean and eigenvector weights agree
                np.testing.assert_allclose(w_sheet, ev.weights, atol=0.03)
            status = first[head.index("一致性")]
            if sheet_cr > 0.1:
                seen_red = True
                assert "✗" in status
            else:
                seen_green = True
                assert "✓" in status
    assert seen_red and seen_green
    # the recalculated workbook (lower triangle now holding reciprocals) reads back the same
    j = load_judgments(recalc, tree)
    for node in tree.criteria():
        for k, e in enumerate(names):
            np.testing.assert_allclose(j.matrices[node.id][k], want[(node.id, e)], rtol=1e-12)


# ---- CLI --------------------------------------------------------------------------------------


def test_cli_survey_and_experts(tree: IndicatorTree, tmp_path: Path) -> None:
    survey = tmp_path / "survey.xlsx"
    res = runner.invoke(
        template_app, ["survey", "--tree", str(TREE), "-o", str(survey), "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    assert len(tree.items()) == 20  # the default tree's survey items
    assert survey.exists() and "20 items" in res.output
    assert openpyxl.load_workbook(survey).sheetnames[0] == "How to fill"

    experts = tmp_path / "experts.xlsx"
    res = runner.invoke(
        template_app, ["experts", "--tree", str(TREE), "-o", str(experts), "--experts", "3"]
    )
    assert res.exit_code == 0, res.output
    _fill_experts(tree, experts, ["E01", "E02", "E03"])
    assert load_judgments(experts, tree).experts["maturity"] == ["E01", "E02", "E03"]

    one = tmp_path / "li.xlsx"
    res = runner.invoke(
        template_app, ["experts", "--tree", str(TREE), "-o", str(one), "--expert", "李四"]
    )
    assert res.exit_code == 0, res.output
    _fill_experts(tree, one, ["李四"])
    assert load_judgments(one, tree).experts["safeguards"] == ["李四"]


def test_cli_errors_exit_1(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    res = runner.invoke(template_app, ["survey", "--tree", str(TREE), "-o", str(out), "-l", "fr"])
    assert res.exit_code == 1 and "Error:" in res.output
    res = runner.invoke(
        template_app, ["survey", "--tree", str(tmp_path / "no.yaml"), "-o", str(out)]
    )
    assert res.exit_code == 1 and "Error:" in res.output and "Traceback" not in res.output
    out.write_bytes(b"answers")
    res = runner.invoke(template_app, ["survey", "--tree", str(TREE), "-o", str(out)])
    assert res.exit_code == 1 and "exists" in res.output and out.read_bytes() == b"answers"
    res = runner.invoke(template_app, ["survey", "--tree", str(TREE), "-o", str(out), "--force"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        template_app,
        [
            *("experts", "--tree", str(TREE), "-o", str(tmp_path / "e.xlsx")),
            *("--expert", "A", "--expert", "B", "--experts", "1"),
        ],
    )
    assert res.exit_code == 1 and "fewer" in res.output
