"""Provenance of a run: shown in every report (PDF appendix, README sheet, HTML footer), the same
bytes on every run of the same inputs, dated by the project and never by the clock."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from evalkit.provenance import (
    InputFile,
    Provenance,
    content_date,
    effective_settings,
    provenance,
    with_settings,
)
from evalkit.report.reproducibility import footer_html
from evalkit.run import run_project
from evalkit.spec import RunSpec, load_spec


@pytest.fixture()
def project(project: Path) -> Path:
    """The example project with an uncertainty analysis of 32 draws (seeded: the intervals are
    the same on every run)."""
    with open(project / "evalkit.yaml", "a", encoding="utf-8") as fh:
        fh.write("uncertainty:\n  draws: 32\n")
    return project


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _readme(path: Path) -> dict[str, str]:
    """key (column C) -> value (column B) of a workbook's README sheet."""
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["README"].iter_rows(min_col=1, max_col=3, values_only=True))
    wb.close()
    return {str(c): str(b) for a, b, c in rows if c is not None and a is not None}


def _with_output(spec_dir: Path, output: str) -> RunSpec:
    spec = load_spec(spec_dir)
    return dataclasses.replace(spec, report=dataclasses.replace(spec.report, output=output))


def test_two_runs_give_identical_workbook_bytes_and_pdf_text(project: Path) -> None:
    first = run_project(_with_output(project, "reports_a"), jobs=1)
    second = run_project(_with_output(project, "reports_b"), jobs=1)
    a, b = project / "reports_a", project / "reports_b"
    books = sorted(p.name for p in a.glob("*.xlsx"))
    assert len(books) == 6 and books == sorted(p.name for p in b.glob("*.xlsx"))
    for name in books:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    pdfs = sorted(p.name for p in a.glob("*.pdf"))
    assert len(pdfs) == 5  # the districts and comparison.pdf
    for name in pdfs:
        assert _pdf_text(a / name) == _pdf_text(b / name), name
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert first.run_id == second.run_id
    # the workbook's own creation date is the project's date, not the clock
    with zipfile.ZipFile(a / "东湖区.xlsx") as z:
        core = z.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-01T00:00:00Z' in core


def test_every_report_shows_the_provenance(project: Path) -> None:
    run_project(project, jobs=1)
    prov = provenance(load_spec(project))
    reports = project / "reports"
    text = _pdf_text(reports / "西山区.pdf").replace("\u200b", "")
    appendix = text[text.index("可复现性") :]
    assert "evalkit 版本" in appendix and prov.version in appendix
    assert "项目日期" in appendix and "2026-11-01" in appendix
    assert prov.settings_sha256 in appendix
    assert "uncertainty.seed = 20261201" in appendix
    assert len(prov.inputs) == 8
    for f in prov.inputs:
        assert f.path in appendix and f.sha256 in appendix
    comparison = _pdf_text(reports / "comparison.pdf").replace("\u200b", "")
    tail = comparison[comparison.index("可复现性") :]
    assert prov.settings_sha256 in tail
    assert all(f.path in tail and f.sha256 in tail for f in prov.inputs)
    for name in ("西山区.xlsx", "comparison.xlsx"):
        readme = _readme(reports / name)
        assert readme["settings_sha256"] == prov.settings_sha256
        assert readme["date"] == "2026-11-01" and readme["project"] == ".."
        assert readme["input:survey"]  # the rows of the inputs carry their role
        wb = openpyxl.load_workbook(reports / name, read_only=True)
        assert wb.sheetnames[-1] == "README"
        rows = list(wb["README"].iter_rows(values_only=True))
        wb.close()
        assert rows[0][:2] == ("工作表", "内容")
        listed = [r[0] for r in rows[1 : 1 + len(wb.sheetnames)]]
        assert listed == wb.sheetnames  # every sheet is described, in the workbook's order
        assert all(r[1] for r in rows[1 : 1 + len(wb.sheetnames)])
        sha = {r[0]: r[1] for r in rows if r[2] and str(r[2]).startswith("input:")}
        assert sha == {f.path: f.sha256 for f in prov.inputs}


def test_english_reports_show_the_same_provenance_in_english(project: Path) -> None:
    zh = provenance(load_spec(project))
    run_project(project, lang="en", jobs=1)
    reports = project / "reports"
    text = _pdf_text(reports / "东湖区.pdf").replace("\u200b", "")
    appendix = text[text.index("Reproducibility\n") :]
    assert "evalkit version" in appendix and "SHA-256 of the effective settings" in appendix
    assert zh.settings_sha256 in appendix  # the language is no setting
    assert "surveys/东湖区.xlsx survey data" in appendix
    wb = openpyxl.load_workbook(reports / "comparison.xlsx", read_only=True)
    rows = list(wb["README"].iter_rows(values_only=True))
    wb.close()
    assert rows[0][:2] == ("Sheet", "What it holds")
    assert ("Districts", "Each district's total, level, rank and dimension scores") in [
        r[:2] for r in rows
    ]


def test_settings_hash_ignores_language_title_date_output_and_font(project: Path) -> None:
    spec = load_spec(project)
    base = provenance(spec).settings_sha256
    report = dataclasses.replace(
        spec.report, lang="en", date="2027-01-01", output="elsewhere", font="x.ttf"
    )
    same = dataclasses.replace(spec, report=report, title={"zh": "另一个", "en": "Another"})
    assert provenance(same).settings_sha256 == base
    for changed in (
        dataclasses.replace(spec, weights=dataclasses.replace(spec.weights, alpha=0.7)),
        dataclasses.replace(spec, uncertainty=dataclasses.replace(spec.uncertainty, seed=7)),
        dataclasses.replace(spec, uncertainty=dataclasses.replace(spec.uncertainty, draws=10)),
        dataclasses.replace(spec, scoring=dataclasses.replace(spec.scoring, method="geometric")),
    ):
        assert provenance(changed).settings_sha256 != base
    assert with_settings(spec, effective_settings(spec)) == spec
    altered = with_settings(spec, effective_settings(changed))
    assert altered.scoring.method == "geometric" and altered.root == spec.root


def test_an_undated_project_takes_its_newest_input_workbooks_date(project: Path) -> None:
    yaml = project / "evalkit.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(re.sub(r"\n  date: .*\n", "\n", text, count=1), encoding="utf-8")
    newer = project / "surveys" / "南港区.xlsx"
    _set_core_date(newer, "2026-11-20T08:30:00Z")
    spec = load_spec(project)
    assert spec.report.date == ""
    prov = provenance(spec)
    assert (prov.date, prov.date_source, prov.date_file) == (
        "2026-11-20",
        "input",
        "surveys/南港区.xlsx",
    )
    assert content_date(project / "surveys" / "东湖区.xlsx") == "2026-11-01"
    assert content_date(yaml) == ""
    run_project(project, jobs=1, pdf=False)
    readme = _readme(project / "reports" / "东湖区.xlsx")
    assert readme["date"] == "2026-11-20"
    assert "surveys/南港区.xlsx" in readme["date_source"]


def _set_core_date(path: Path, stamp: str) -> None:
    """Rewrite the modification date a workbook records in docProps/core.xml."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
                if b"dcterms:modified" not in data:
                    data = data.replace(
                        b"</cp:coreProperties>",
                        b'<dcterms:modified xsi:type="dcterms:W3CDTF">'
                        + stamp.encode()
                        + b"</dcterms:modified></cp:coreProperties>",
                    )
            z.writestr(info, data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_footer_escapes_every_text(lang: str) -> None:
    prov = Provenance(
        version="0.1.0",
        project="..",
        date="2026-11-01",
        date_source="project",
        date_file="",
        inputs=(InputFile("surveys/<script>alert(1)</script>.xlsx", "survey", "ab" * 32),),
        settings='{"weights":{"alpha":0.5}}',
        settings_sha256="cd" * 32,
        seeds=(("uncertainty.seed", 1),),
    )
    page = footer_html(prov, lang)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;.xlsx" in page
    assert page.startswith('<footer class="evalkit-provenance"') and "cd" * 32 in page
    assert ("可复现性" if lang == "zh" else "Reproducibility") in page


def test_an_input_that_is_a_named_pipe_is_never_opened(project: Path) -> None:
    experts = project / "surveys" / "experts.xlsx"  # named in the project file, not a glob
    experts.unlink()
    os.mkfifo(experts)  # opening it for reading waits for a writer forever
    assert load_spec(project).experts is not None
    code = (
        "from evalkit.provenance import provenance; from evalkit.spec import load_spec; "
        f"p = provenance(load_spec({str(project)!r})); "
        "print([(f.path, f.sha256) for f in p.inputs if f.path == 'surveys/experts.xlsx'])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[('surveys/experts.xlsx', '')]", done.stderr


def test_every_sheet_a_workbook_can_have_is_described_in_both_languages() -> None:
    from evalkit.report.i18n import SHEETS
    from evalkit.report.reproducibility import SHEET_NOTES

    missing = set(SHEETS) - set(SHEET_NOTES)
    assert not missing, f"add a README description to SHEET_NOTES for {sorted(missing)}"
    assert all(zh and en for zh, en in SHEET_NOTES.values())
