"""What the reports say about problems: each district's own issues, districts left out of a run,
failed runs, and the language of every issue text. Real runs of copies of the example project,
read back from the workbooks (calamine) and PDFs (pypdf)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

import evalkit.report.pdf
from evalkit.errors import EvalkitError, PartialRunError
from evalkit.run import run_project


def _sheet(path: Path, name: str | int) -> list[list[object]]:
    wb = CalamineWorkbook.from_path(str(path))
    sheet = wb.get_sheet_by_index(name) if isinstance(name, int) else wb.get_sheet_by_name(name)
    return sheet.to_python()


def _records(path: Path, name: str | int) -> list[dict[str, object]]:
    rows = _sheet(path, name)
    head = [str(h) for h in rows[0]]
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _squeeze(text: str) -> str:
    """PDF text without the spaces and line breaks that extraction puts between CJK lines."""
    return re.sub(r"\s+", "", text)


def _summary(path: Path) -> dict[str, str]:
    """Label -> value of a district workbook's summary sheet (first column -> second)."""
    return {str(r[0]): str(r[1]) for r in _sheet(path, 0) if r and r[0] != ""}


def _set(path: Path, sheet: str, cells: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)


def _break_xishan(project: Path) -> None:
    """Two answers off the scale in 西山区's workbook: 西山区 is left out of the run."""
    _set(project / "surveys" / "西山区.xlsx", "responses", {"D5": 9, "E7": "sometimes"})


# ------------------------------------------------------------------------ each report's issues


def test_each_report_lists_its_own_and_the_whole_studys_issues(project: Path) -> None:
    out = run_project(project, lang="zh").evaluation.spec.output_dir
    donghu = _records(out / "东湖区.xlsx", "数据问题")
    xishan = _records(out / "西山区.xlsx", "数据问题")

    def scopes(rows: list[dict[str, object]], text: str) -> list[object]:
        return [r["范围"] for r in rows if text in " ".join(str(v) for v in r.values())]

    # 东湖区's duplicate respondent and straight-liner are its own, the expert is everyone's
    assert scopes(donghu, "R00001") == ["本区县"]
    assert scopes(donghu, "R00272") == ["本区县"]
    assert scopes(donghu, "专家 E06") == ["全省"]
    assert scopes(donghu, "枫林派出所") == []
    # 西山区 sees its small station and the expert, not 东湖区's questionnaires
    assert scopes(xishan, "枫林派出所") == ["本区县"]
    assert scopes(xishan, "专家 E06") == ["全省"]
    assert scopes(xishan, "R00001") == scopes(xishan, "R00272") == []
    # own issues first; the whole study's: the expert, the objective weights' ties and pull
    assert [r["范围"] for r in xishan] == ["本区县", "全省", "全省", "全省"]
    # the PDF groups them under the same headings
    text = _squeeze(_pdf_text(out / "西山区.pdf"))
    issues = text[text.rindex("数据问题") :]
    assert "本区县（西山区）" in issues and "全省（专家判断" in issues
    assert issues.index("枫林派出所") < issues.index("全省（专家判断") < issues.index("专家E06")
    assert "R00001" not in text
    # issues.xlsx keeps all of them, each with its district or the whole study
    every = _records(out / "issues.xlsx", "数据问题")
    by_district = {str(r["文件"]) + str(r["指标路径"]): r["区县（分局）"] for r in every}
    assert by_district == {
        "surveys/东湖区.xlsx": "东湖区",
        "surveys/experts.xlsx": "全省",
        "西山区 / 枫林派出所": "西山区",
        # the objective weights: indicators resting on ties, and weights one station moves
        "leader_platform_use": "全省",
        "it_staff_share, mass_base_support, duplicate_collection_burden, "
        "interdepartment_data_links, fault_repair_hours, online_channel_openness, "
        "analysis_products_per_10_officers, imposed_tasks_per_community_officer, "
        "leader_platform_use, info_led_deployment, terminals_per_officer, "
        "police_office_networked_share": "全省",
    }
    assert len(every) == 6


# ------------------------------------------------------------------------ districts left out


def test_a_district_left_out_is_named_with_why_in_every_report(project: Path) -> None:
    _break_xishan(project)
    with pytest.raises(PartialRunError) as info:
        run_project(project, lang="zh")
    assert "西山区 (2 errors in surveys/西山区.xlsx)" in info.value.summary
    assert "cover 3 of 4 districts" in info.value.summary
    out = project / "reports"
    assert not (out / "西山区.xlsx").exists()

    # the workbook's summary sheet: rank among 3 of 4, who was left out and why
    summary = _summary(out / "东湖区.xlsx")
    assert summary["全省排名"] == "1 / 3（4 个区县中 3 个参评）"
    assert summary["未参评区县"] == "西山区（surveys/西山区.xlsx 中有 2 个错误）"
    notice = next(v for v in summary if v.startswith("未参评："))
    assert "详见 issues.xlsx" in notice and "只按 4 个区县中参评的 3 个计算" in notice

    # the PDF's summary page says the same
    page = _squeeze(PdfReader(out / "东湖区.pdf").pages[1].extract_text())
    assert "在4个区县中参评的3个中排第1名" in page
    assert "未参评：西山区（surveys/西山区.xlsx中有2个错误），详见issues.xlsx" in page
    assert "（全省均值只按参评的3个区县计算。）" in page

    # comparison.xlsx: 西山区 listed, unscored, with why; the note under the table
    rows = _sheet(out / "comparison.xlsx", "区县对比")
    head = [str(h) for h in rows[0]]
    xishan = next(r for r in rows if r[0] == "西山区")
    assert xishan[head.index("排名")] == "" and xishan[head.index("综合得分")] == ""
    assert xishan[head.index("备注")] == (
        "未参评：西山区（surveys/西山区.xlsx 中有 2 个错误），详见 issues.xlsx"
    )
    assert any(str(r[0]).startswith("未参评：") and "3 个计算" in str(r[0]) for r in rows)

    # the same run in English (a folder of its own: the Chinese reports are not replaced)
    with pytest.raises(PartialRunError):
        run_project(project, lang="en", pdf=False, out=project / "reports-en")
    summary = _summary(project / "reports-en" / "东湖区.xlsx")
    assert summary["Rank in province"] == "1 / 3 (3 of 4 districts assessed)"
    assert summary["Districts left out"] == "Xishan District (2 errors in surveys/西山区.xlsx)"


def test_the_terminal_names_the_districts_left_out(project: Path) -> None:
    _break_xishan(project)
    done = subprocess.run(
        [sys.executable, "-m", "evalkit", "run", str(project), "--no-pdf"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 1
    err = " ".join(done.stderr.split())
    assert "西山区 (2 errors in surveys/西山区.xlsx)" in err
    assert "Reports were written for the 3 other district(s)" in err
    assert "cover 3 of 4 districts" in err and "issues.xlsx" in err


# ------------------------------------------------------------------------ failed runs


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failed_run_keeps_the_earlier_reports_and_says_why(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_project(project, lang="zh").evaluation.spec.output_dir
    before = _files(out)
    assert "西山区.pdf" in before and "西山区.xlsx" in before

    real = evalkit.report.pdf.render_district_pdf
    rendered: list[str] = []

    def third_fails(report, path, **kw):  # type: ignore[no-untyped-def]
        rendered.append(report.district_id)
        if len(rendered) == 3:
            raise RuntimeError("Typst stopped")
        return real(report, path, **kw)

    monkeypatch.setattr(evalkit.report.pdf, "render_district_pdf", third_fails)
    text = (project / "evalkit.yaml").read_text(encoding="utf-8")  # another report date: a
    (project / "evalkit.yaml").write_text(  # report replaced would differ
        text.replace('date: "2026-11-01"', 'date: "2026-11-02"'), encoding="utf-8"
    )
    with pytest.raises(EvalkitError, match="could not be written") as info:
        run_project(project, lang="zh", jobs=1)
    failed = rendered[2]
    assert failed in str(info.value) and "No earlier report was replaced" in str(info.value)

    after = _files(out)  # nothing hidden is left behind either
    assert sorted(after) == sorted(before)
    for name, data in before.items():
        if name not in ("issues.xlsx", "manifest.json"):
            assert after[name] == data, f"{name} was replaced by a failed run"
    # the manifest changes only where the failed run wrote: its issues.xlsx
    entries = [
        json.loads(x.decode("utf-8"))["files"]
        for x in (before["manifest.json"], after["manifest.json"])
    ]
    assert {k: v for k, v in entries[0].items() if k != "issues.xlsx"} == {
        k: v for k, v in entries[1].items() if k != "issues.xlsx"
    }
    assert entries[1]["issues.xlsx"]["stopped"] is True
    # issues.xlsx says what stopped the run (in the run's language), beside the data issues
    rows = _records(out / "issues.xlsx", "数据问题")
    stop = [r for r in rows if str(r["问题"]).startswith("运行中止")]
    assert len(stop) == 1 and stop[0]["级别"] == "错误"
    assert stop[0]["问题"] == f"运行中止：{failed}的报告未能生成（Typst stopped）"
    assert any("E06" in str(r["问题"]) for r in rows)


def test_bad_input_everywhere_leaves_a_chinese_issue_list(project: Path) -> None:
    for path in (project / "surveys").glob("*区.xlsx"):
        _set(path, "responses", {"D3": 0})
    with pytest.raises(EvalkitError):
        run_project(project, lang="zh")
    rows = _records(project / "reports" / "issues.xlsx", "数据问题")
    assert len(rows) == 4
    assert {r["区县（分局）"] for r in rows} == {"东湖区", "西山区", "南港区", "北岭区"}
    assert {r["问题"] for r in rows} == {"答案不在量表 `likert5` 的取值范围内（题目 ic_std_1）"}
    assert {r["处理建议"] for r in rows} == {"改正该单元格；若民警未作答，请留空。"}


def test_long_district_names_fit_in_file_names(project: Path) -> None:
    long80 = "长" * 78 + "分局"  # 80 characters, 240 bytes: the longest stem kept whole
    long90 = "远" * 88 + "分局"  # 90 characters: cut, with a hash of the whole name
    for file, name in (("北岭区.xlsx", long80), ("南港区.xlsx", long90)):
        wb = openpyxl.load_workbook(project / "surveys" / file)
        for sheet, col in (("responses", 2), ("stations", 1)):
            ws = wb[sheet]
            for row in range(2, ws.max_row + 1):
                ws.cell(row, col).value = name
        wb.save(project / "surveys" / file)
    files = run_project(project, lang="zh", jobs=1).files
    names = {p.name for p in files}
    assert {f"{long80}.xlsx", f"{long80}.pdf", f"{long80}.html"} <= names
    cut = [n for n in names if n.startswith("远" * 20)]
    assert len(cut) == 3 and all(re.search(r"~[0-9a-f]{8}\.(xlsx|pdf|html)$", n) for n in cut)
    assert max(len(n.encode("utf-8")) for n in names) <= 255
    assert _summary(project / "reports" / f"{long80}.xlsx")["区县（分局）"] == long80


# ------------------------------------------------------------------------ the language of issues

# words that may stand in a Chinese text: names of methods and measures, and YAML literals
ALLOWED = {
    "AHP",
    "CR",
    "CRITIC",
    "KMO",
    "Cronbach",
    "Saaty",
    "RI",
    "GB",
    "UTF",
    "YAML",
    "CSV",
    "PDF",
}
LOCATION = ("文件", "工作表", "列", "指标路径")
TEXTS = ("级别", "范围", "区县（分局）", "检查项", "问题", "应为", "实际", "处理建议")


def _words(text: str) -> set[str]:
    """English words of a text, leaving out `code`, quoted values, file names and ids."""
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|“[^”]*”", " ", text)
    text = re.sub(r"\S+\.(xlsx|yaml|csv|ttf|otf)\b", " ", text)
    return {w for w in re.findall(r"(?<![\w/.])[A-Za-z]{2,}(?![\w/.])", text) if w not in ALLOWED}


def _many_issues(project: Path) -> None:
    """Problems of many kinds: 西山区's file has errors (it is left out); 东湖区's and 北岭区's
    files have warnings; the experts' file has an inconsistent expert."""
    _set(
        project / "surveys" / "西山区.xlsx",
        "responses",
        {"D5": 9, "E7": "sometimes", "C9": None, "A12": None},
    )
    wb = openpyxl.load_workbook(project / "surveys" / "西山区.xlsx")
    ws = wb["stations"]
    ws.append([c.value for c in ws[2]])  # a station listed twice
    wb["responses"]["C20"] = "无名派出所"  # answers from a station with no statistics
    wb.save(project / "surveys" / "西山区.xlsx")
    wb = openpyxl.load_workbook(project / "surveys" / "东湖区.xlsx")
    ws = wb["responses"]
    ws.cell(1, ws.max_column + 1).value = "备注"  # a column the tree does not know
    first = [c.value for c in ws[3]]
    ws.append(["R_GAPS", first[1], first[2], *first[3:6], *[None] * (len(first) - 6)])
    st = wb["stations"]
    head = [c.value for c in st[1]]
    st.cell(2, head.index("residents") + 1).value = 0  # a zero denominator
    st.cell(3, head.index("faults") + 1).value = None  # an empty statistic
    st.append(["东湖区", "空白派出所", "Blank Station", "Donghu District"] + [1] * (len(head) - 4))
    wb.save(project / "surveys" / "东湖区.xlsx")


def test_chinese_reports_hold_no_english_issue_text(project: Path) -> None:
    _many_issues(project)
    with pytest.raises(PartialRunError):
        run_project(project, lang="zh")
    out = project / "reports"
    zh = _records(out / "issues.xlsx", "数据问题")
    checks = {r["检查项"] for r in zh}
    assert {"量表取值", "编号", "区县与派出所", "表头列", "问卷筛查", "统计数据"} <= checks
    assert {"专家判断一致性", "数据覆盖"} <= checks
    assert {r["区县（分局）"] for r in zh if "西山区.xlsx" in str(r["文件"])} == {"西山区"}
    donghu = _records(out / "东湖区.xlsx", "数据问题")
    comparison = _records(out / "comparison.xlsx", "数据问题")
    pdf = _pdf_text(out / "东湖区.pdf").replace("\u200b", "")  # break opportunities in ids
    pdf_issues = pdf[pdf.rindex("数据问题") :]

    run_project_en = pytest.raises(PartialRunError)
    with run_project_en:
        run_project(project, lang="en", pdf=False, out=project / "reports-en")
    en = _records(project / "reports-en" / "issues.xlsx", "Data issues")
    assert len(en) == len(zh)
    # every English word of the issue texts, less those the locations hold (sheet names, columns)
    english = set().union(
        *(_words(str(r[c])) for r in en for c in ("Problem", "Expected", "Found", "How to fix"))
    )
    english -= set().union(*(_words(str(r[c])) for r in zh for c in LOCATION))
    assert {"answer", "scale", "empty", "expert", "listed", "twice"} <= english

    for where, rows in (("issues.xlsx", zh), ("东湖区.xlsx", donghu), ("comparison", comparison)):
        for r in rows:
            for col in TEXTS:
                cell = str(r.get(col, ""))
                stray = _words(cell) & english
                assert not stray, f"{where}, {col}: English {sorted(stray)} in {cell!r}"
                if col != "实际" and _words(cell):
                    assert re.search(r"[\u4e00-\u9fff]", cell), f"{where}, {col}: {cell!r}"
    stray = _words(pdf_issues) & english
    assert not stray, f"东湖区.pdf: English {sorted(stray)} in its data issues"

    # 处理建议 (and 应为, 实际) are filled wherever the English report fills How to fix
    for z, e in zip(zh, en, strict=True):
        for zc, ec in (("处理建议", "How to fix"), ("应为", "Expected"), ("实际", "Found")):
            assert bool(z[zc]) == bool(e[ec]), f"{zc} of {z['问题']!r}: English {e[ec]!r}"
    assert sum(bool(z["处理建议"]) for z in zh) >= 5


def test_a_failed_move_puts_the_earlier_files_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import evalkit.run as run

    out = tmp_path / "reports"
    out.mkdir()
    (out / "东湖区.xlsx").write_bytes(b"earlier workbook")
    (out / "东湖区.pdf").write_bytes(b"earlier pdf")
    (out / "issues.xlsx").write_bytes(b"earlier issues")
    stage = run._Staging(out)
    new = []
    for name in ("东湖区.xlsx", "东湖区.pdf", "comparison.xlsx"):
        (stage.dir / name).write_bytes(b"new " + name.encode())
        new.append(stage.dir / name)
    real = run.os.replace
    moves: list[str] = []

    def pdf_locked(src, dst):  # type: ignore[no-untyped-def]
        moves.append(Path(dst).name)
        if Path(src) == stage.dir / "东湖区.pdf":  # the new PDF cannot take the old one's place
            raise PermissionError("the file is open in another program")
        return real(src, dst)

    monkeypatch.setattr(run.os, "replace", pdf_locked)
    with pytest.raises(PermissionError):
        stage.commit(new, remove=("issues.xlsx",))
    monkeypatch.setattr(run.os, "replace", real)
    assert "东湖区.xlsx" in moves  # the new workbook had been moved in, then taken out again
    assert "comparison.xlsx" not in {p.name for p in out.iterdir()}
    stage.discard()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        "东湖区.pdf": b"earlier pdf",
        "东湖区.xlsx": b"earlier workbook",
        "issues.xlsx": b"earlier issues",
    }
