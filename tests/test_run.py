"""End to end: the example project through evaluate -> Excel + PDF, read back and compared."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from evalkit.errors import DataError, PartialRunError
from evalkit.pipeline import evaluate
from evalkit.run import run_project


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _rows(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory: pytest.TempPathFactory):
    import shutil

    root = Path(__file__).resolve().parents[1]
    dst = tmp_path_factory.mktemp("zh") / "project"
    dst.mkdir()
    shutil.copyfile(root / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(root / "indicators", dst / "indicators")
    shutil.copytree(root / "surveys", dst / "surveys")
    return run_project(dst, lang="zh", jobs=2)


def test_every_district_gets_workbook_and_pdf(zh_run) -> None:
    out = zh_run.evaluation.spec.output_dir
    names = sorted(p.name for p in out.iterdir())
    districts = zh_run.evaluation.districts["district"].tolist()
    assert len(districts) == 4
    for d in districts:
        assert f"{d}.xlsx" in names and f"{d}.pdf" in names and f"{d}.html" in names
    assert {"comparison.xlsx", "comparison.html", "issues.xlsx"} <= set(names)
    assert not [n for n in names if n.endswith(".part") or n.startswith(".")]


def test_excel_and_pdf_agree_with_evaluation(zh_run) -> None:
    ev = zh_run.evaluation
    out = ev.spec.output_dir
    row = ev.districts.sort_values("rank").iloc[-1]  # the weakest district
    district, total, level = row["district"], float(row["total"]), int(row["level"])
    level_name = ev.tree.levels[level - 1].name["zh"]
    # Excel: the summary sheet holds the total as a number equal to the evaluation's
    wb = openpyxl.load_workbook(out / f"{district}.xlsx")
    summary = wb[wb.sheetnames[0]]
    values = [c.value for r in summary.iter_rows() for c in r if c.value is not None]
    assert district in values
    assert any(isinstance(v, float) and v == pytest.approx(total, abs=1e-9) for v in values)
    assert level_name in " ".join(str(v) for v in values)
    # Indicators sheet: every indicator score equals the evaluation's district score
    ind = _rows(out / f"{district}.xlsx", "指标得分")
    header = [str(h) for h in ind[0]]
    score_col = header.index("得分")
    name_col = header.index("名称")
    names = {n.name["zh"]: n.id for n in ev.tree.leaves()}
    got = {names[r[name_col]]: r[score_col] for r in ind[1:] if r[name_col] in names}
    assert len(got) == len(ev.tree.leaves())
    for leaf_id, score in got.items():
        assert score == pytest.approx(ev.district_scores.at[district, leaf_id], abs=1e-9)
    # PDF: district name, total as printed (1 decimal) and level name
    text = _pdf_text(out / f"{district}.pdf")
    assert district in text
    assert f"{total:.1f}" in text
    assert level_name in text
    assert "一致性比率" in text or "CR" in text
    assert "Saaty" in text  # the RI table is named


def test_comparison_workbook_lists_all_units(zh_run) -> None:
    ev = zh_run.evaluation
    out = ev.spec.output_dir
    wb = CalamineWorkbook.from_path(str(out / "comparison.xlsx"))
    districts = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    assert len(districts) - 1 == len(ev.districts)
    top = ev.districts.sort_values("rank").iloc[0]
    assert districts[1][0] == top["district"]
    assert districts[1][1] == pytest.approx(top["total"], abs=1e-9)
    stations = wb.get_sheet_by_name(wb.sheet_names[1]).to_python()
    assert len(stations) - 1 == int(ev.stations["shown"].sum())
    assert "枫林派出所" not in {r[1] for r in stations}  # 3 respondents: hidden for privacy


def test_weights_follow_the_conventions(zh_run) -> None:
    ev = zh_run.evaluation
    t = ev.weights.table.set_index("id")
    for _parent, group in t.groupby("parent"):
        assert group["local"].sum() == pytest.approx(1.0)
        assert group["ahp_local"].sum() == pytest.approx(1.0)
        assert group["objective_local"].sum() == pytest.approx(1.0)
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    assert t.loc[leaves, "global"].sum() == pytest.approx(1.0)
    # linear combination, alpha = 0.5, at every node (the default combine_level)
    expect = 0.5 * t["ahp_local"] + 0.5 * t["objective_local"]
    assert (t["local"] - expect).abs().max() < 1e-12
    # global = product of locals down the path
    parents = ev.tree.parents()
    for leaf in leaves:
        p = parents[leaf]
        g = t.at[leaf, "local"] * (t.at[p, "global"] if p in t.index else 1.0)
        assert t.at[leaf, "global"] == pytest.approx(g)
    # the inconsistent expert is listed with CR > 0.1 and kept (default policy)
    e06 = ev.weights.experts.query("expert == 'E06' and node_id == 'maturity'").iloc[0]
    assert e06["cr"] > 0.1 and not e06["consistent"] and e06["used"]


def test_ratio_statistics_pool_numerators_and_denominators(project: Path) -> None:
    ev = evaluate(project)
    st = ev.survey.stations
    d = ev.districts["district"].iloc[0]
    sub = st[st["district"] == d]
    leaf = ev.tree.node("basic_info_coverage").source
    pooled = leaf.multiplier * sub[leaf.numerator].sum() / sub[leaf.denominator].sum()
    mean_of_ratios = (leaf.multiplier * sub[leaf.numerator] / sub[leaf.denominator]).mean()
    assert ev.district_values.at[d, "basic_info_coverage"] == pytest.approx(pooled)
    assert pooled != pytest.approx(mean_of_ratios, rel=1e-6)


def test_english_report(project: Path) -> None:
    result = run_project(project, lang="en")
    ev = result.evaluation
    row = ev.districts.sort_values("rank").iloc[0]
    text = _pdf_text(ev.spec.output_dir / f"{row['district']}.pdf")
    assert row["district_en"] in text
    assert f"{row['total']:.1f}" in text
    assert ev.tree.levels[int(row["level"]) - 1].name["en"] in text
    assert re.search(r"Information collection", text)


def test_errors_block_only_their_district(project: Path) -> None:
    out = project / "reports"
    out.mkdir()
    old = out / "南港区.pdf"
    old.write_bytes(b"an earlier report")
    path = project / "surveys" / "南港区.xlsx"
    before = path.read_bytes()
    wb = openpyxl.load_workbook(path)
    ws = wb["responses"]
    ws["D5"] = 9
    ws["E7"] = "sometimes"
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(PartialRunError) as info:
        run_project(project, lang="zh")
    assert path.read_bytes() == before  # the user's file is never changed
    errors = [i for i in info.value.issues if i.severity == "error"]
    assert {(i.location.row, i.location.column) for i in errors} == {
        (5, "ic_std_1"),
        (7, "ic_std_2"),
    }
    assert "南港区" in info.value.summary and "3 other district(s)" in info.value.summary
    assert old.read_bytes() == b"an earlier report"  # the blocked district's old report stays
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(
        [
            "comparison.pdf",
            "comparison.xlsx",
            "comparison.html",
            "issues.xlsx",
            "manifest.json",
            "南港区.pdf",
            *(
                f"{d}.{ext}"
                for d in ("东湖区", "北岭区", "西山区")
                for ext in ("pdf", "xlsx", "html")
            ),
        ]
    )
    rows = _rows(
        out / "issues.xlsx", CalamineWorkbook.from_path(str(out / "issues.xlsx")).sheet_names[0]
    )
    flat = " ".join(str(c) for r in rows for c in r)
    assert "南港区.xlsx" in flat and "sometimes" in flat


def test_errors_everywhere_write_only_the_issue_list(project: Path) -> None:
    for path in (project / "surveys").glob("*区.xlsx"):
        wb = openpyxl.load_workbook(path)
        wb["responses"]["D3"] = 0
        wb.save(path)
    with pytest.raises(DataError) as info:
        run_project(project, lang="zh")
    assert not isinstance(info.value, PartialRunError)
    assert len([i for i in info.value.issues if i.severity == "error"]) == 4
    assert sorted(p.name for p in (project / "reports").iterdir()) == ["issues.xlsx"]


def test_same_inputs_same_numbers(project: Path) -> None:
    a = evaluate(project)
    b = evaluate(project)
    assert a.districts.equals(b.districts)
    assert a.weights.table.equals(b.weights.table)


def test_invalid_questionnaires_are_excluded_and_reported(project: Path) -> None:
    path = project / "surveys" / "东湖区.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["responses"]
    header = [c.value for c in ws[1]]
    first = [c.value for c in ws[2]]
    ws.append(first)  # the same respondent id again
    straight = ["R_STRAIGHT", first[1], first[2]] + [5] * (len(header) - 3)
    ws.append(straight)  # the same answer everywhere, reverse-worded items included
    wb.save(path)
    result = run_project(project, lang="zh", pdf=False)
    ev = result.evaluation
    ex = ev.screening.excluded
    assert ex.loc[ex["respondent"] == "R_STRAIGHT", "reason"].tolist() == ["straight_lining"]
    # the shipped data already repeats the first questionnaire once; the test adds a third copy
    assert ex.loc[ex["respondent"] == str(first[0]), "reason"].tolist() == ["duplicate_id"] * 2
    assert "R_STRAIGHT" not in set(ev.survey.responses["respondent"])
    rows = _rows(ev.spec.output_dir / "东湖区.xlsx", "问卷筛查")
    head = rows[0]
    station = next(r for r in rows[1:] if r[0] == first[2])
    counts = ev.screening.counts.set_index(["district", "station"])
    assert station[head.index("剔除问卷")] == counts.at[("东湖区", first[2]), "excluded"] >= 3
    rel = _rows(ev.spec.output_dir / "东湖区.xlsx", "信度分析")
    assert rel[0][4] == "Cronbach's α" and 0 < rel[1][4] < 1


def test_chinese_reports_list_problems_in_chinese(zh_run) -> None:
    from evalkit.report.tables import district_report

    ev = zh_run.evaluation
    zh = district_report(ev, "西山区", "zh").issues
    en = district_report(ev, "西山区", "en").issues
    assert any(
        m.startswith("专家 E06 对“社区警务信息化成熟度”的判断矩阵 CR = 0.254")
        for m in zh["message"]
    )
    assert any("枫林派出所 有效问卷 3 份" in m for m in zh["message"])
    assert any(m.startswith("expert E06: CR = 0.254") for m in en["message"])
