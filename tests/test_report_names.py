"""Report file names: every district gets its own, safe on Windows, macOS and Linux, and the
mapping is reported (comparison.xlsx, issues, manifest.json). Unit checks of the naming, a
property test over random names, and real runs of copies of the example project."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from evalkit.outdir import MAX_STEM_BYTES, name_of, report_names, safe_filename
from evalkit.run import run_project

WINDOWS_BAD = set('<>:"/\\|?*')
DEVICES = {"con", "prn", "aux", "nul", *(f"{p}{d}" for p in ("com", "lpt") for d in "123456789")}


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def _assert_safe(stem: str) -> None:
    """What Windows, macOS and Linux all accept as a file name stem, and nothing hidden."""
    assert stem, "an empty file name"
    assert not (set(stem) & WINDOWS_BAD), stem
    assert not any(unicodedata.category(c) == "Cc" for c in stem), repr(stem)
    assert not any(ord(c) in (0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E) for c in stem)
    assert stem[0] not in ". " and stem[-1] not in ". ", repr(stem)
    assert stem.split(".", 1)[0].rstrip(" ").casefold() not in DEVICES, stem
    assert _fold(stem) not in {"comparison", "issues", "manifest"}, stem
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES


def _check(names: list[str]) -> dict[str, str]:
    got = report_names(names)
    stems = {d: r.stem for d, r in got.items()}
    assert set(stems) == set(names)
    for d, stem in stems.items():
        _assert_safe(stem)
        if len(stem.encode("utf-8")) < MAX_STEM_BYTES - 9:
            assert name_of(stem) == d  # reversible
    folded = [_fold(s) for s in stems.values()]
    assert len(set(folded)) == len(folded), f"two districts share a file: {stems}"
    return stems


def test_names_that_map_to_one_file_get_files_of_their_own() -> None:
    # before: a/b and a_b were both a_b.xlsx; ".", ".." and "district" were all district.xlsx
    stems = _check(["a/b", "a_b", ".", "..", "district"])
    assert stems["a_b"] == "a_b" and stems["district"] == "district"  # safe names are kept
    assert re.fullmatch(r"a%2Fb~[0-9a-f]{8}", stems["a/b"])
    assert re.fullmatch(r"%2E~[0-9a-f]{8}", stems["."])
    assert re.fullmatch(r"%2E\.~[0-9a-f]{8}", stems[".."])


def test_districts_named_like_the_runs_own_files_are_renamed() -> None:
    stems = _check(["comparison", "issues", "manifest", "Comparison", "ISSUES", "东湖区"])
    assert stems["东湖区"] == "东湖区"
    for d in ("comparison", "issues", "manifest", "Comparison", "ISSUES"):
        assert stems[d].startswith(d + "~")
    assert report_names(["issues"])["issues"].reasons == ("reserved",)


def test_names_differing_only_in_case_or_unicode_form_do_not_share_a_file() -> None:
    # Windows and macOS compare file names ignoring case (and macOS the Unicode form)
    stems = _check(["Ab", "ab", "东湖区", "e\u0301", "\u00e9"])
    assert stems["东湖区"] == "东湖区"
    assert stems["Ab"].startswith("Ab~") and stems["ab"].startswith("ab~")
    assert report_names(["Ab", "ab"])["ab"].reasons == ("case",)


def test_windows_device_names_and_trailing_dots_are_made_safe() -> None:
    names = ["CON", "nul", "Com1", "lpt9", "NUL.txt", "aux ", "a.", "b ", " c", "x~0123abcd"]
    stems = _check(names)
    assert stems["CON"].startswith("CON~")
    assert stems[" c"].startswith("%20c~")
    # a name ending like a hash would be read back as a hashed one: it gets a hash of its own
    assert stems["x~0123abcd"] != "x~0123abcd"


def test_hostile_characters_are_escaped_readably() -> None:
    names = ["A[/]B", "50%", "\u202eexe.pdf", "tab\there", "line\nbreak", "emoji👮", 'q?*<>|"']
    stems = _check(names)
    assert stems["emoji👮"] == "emoji👮"
    assert stems["50%"].startswith("50%25~")
    assert stems["\u202eexe.pdf"].startswith("%E2%80%AEexe.pdf~")


def test_long_names_are_cut_with_the_hash_of_the_whole_name() -> None:
    a, b = "远" * 90 + "一", "远" * 90 + "二"
    stems = _check([a, b, "长" * 80])
    assert stems["长" * 80] == "长" * 80  # 240 bytes: kept whole
    assert stems[a] != stems[b] and stems[a].startswith("远" * 70)
    assert safe_filename(a) == stems[a]


NAME_PARTS = st.sampled_from(
    [
        "东湖区",
        "a",
        "A",
        "/",
        "\\",
        ".",
        "..",
        " ",
        "%",
        "~",
        "[",
        "]",
        "$",
        "#",
        "CON",
        "nul",
        "comparison",
        "issues",
        "\u200f",
        "\u202e",
        "\t",
        "\x7f",
        "👮",
        "e\u0301",
        "\u00e9",
        "~0a1b2c3d",
    ]
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.lists(NAME_PARTS, min_size=1, max_size=6).map("".join),
            st.text(min_size=1, max_size=40),
            st.text(alphabet="远a", min_size=70, max_size=300),
        ),
        min_size=1,
        max_size=8,
        unique=True,
    )
)
def test_any_set_of_names_gets_unique_safe_reversible_file_names(names: list[str]) -> None:
    _check(names)


# ------------------------------------------------------------------------------ real runs


def _rename_district(project: Path, file: str, name: str) -> None:
    """Give the district of surveys/<file> another name (in both languages), in its responses
    and stations."""
    path = project / "surveys" / file
    wb = openpyxl.load_workbook(path)
    for ws in (wb["responses"], wb["stations"]):
        head = [c.value for c in ws[1]]
        for col in ("district", "district_en"):
            if col in head:
                for row in range(2, ws.max_row + 1):
                    ws.cell(row, head.index(col) + 1).value = name
    wb.save(path)


def _cells(path: Path) -> set[str]:
    wb = CalamineWorkbook.from_path(str(path))
    return {str(c) for s in wb.sheet_names for r in wb.get_sheet_by_name(s).to_python() for c in r}


def _records(path: Path, sheet: str) -> list[dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [dict(zip([str(h) for h in rows[0]], r, strict=True)) for r in rows[1:]]


def _district_reports(out: Path) -> dict[str, list[str]]:
    """District -> the files in *out* that are its reports (the workbook's summary names it; a
    PDF and an HTML page are its workbook's twins)."""
    found: dict[str, list[str]] = {}
    for path in sorted(out.glob("*.xlsx")):
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        label = [r[1] for r in rows[1:] if r and r[0] in ("区县（分局）", "District")]
        if label:
            found.setdefault(str(label[0]), []).append(path.name)
            for twin in (".pdf", ".html"):
                if path.with_suffix(twin).is_file():
                    found[str(label[0])].append(path.with_suffix(twin).name)
    return found


def test_no_report_is_lost_to_a_name_collision(project: Path) -> None:
    # before: a/b and a_b wrote one a_b.xlsx, "." and "district" one district.xlsx: two reports
    # where four districts were reported, exit 0
    names = {
        "东湖区.xlsx": "a/b",
        "北岭区.xlsx": "a_b",
        "南港区.xlsx": ".",
        "西山区.xlsx": "district",
    }
    for file, name in names.items():
        _rename_district(project, file, name)
    result = run_project(project, lang="zh", jobs=1)
    out = project / "reports"
    reports = _district_reports(out)
    assert sorted(reports) == sorted(names.values())
    assert all(len(files) == 3 for files in reports.values()), reports  # workbook, PDF, page
    stems = {d: r.stem for d, r in result.names.items()}
    for district, stem in stems.items():
        assert sorted(reports[district]) == [f"{stem}.html", f"{stem}.pdf", f"{stem}.xlsx"]
    assert {r.district for r in result.renamed} == {"a/b", "."}
    # the mapping: sheet 报告文件 of comparison.xlsx, the issues, manifest.json
    files = {r["区县（分局）"]: r for r in _records(out / "comparison.xlsx", "报告文件")}
    assert files["a/b"]["Excel 报告"] == f"{stems['a/b']}.xlsx"
    assert files["a/b"]["PDF 报告"] == f"{stems['a/b']}.pdf"
    assert files["a/b"]["网页报告"] == f"{stems['a/b']}.html"
    assert "文件名中不能使用" in str(files["a/b"]["文件名与区县名不同的原因"])
    assert files["a_b"]["文件名与区县名不同的原因"] == ""
    warned = [r for r in _records(out / "issues.xlsx", "数据问题") if r["检查项"] == "报告文件名"]
    assert {r["区县（分局）"] for r in warned} == {"a/b", "."}
    said = next(str(r["问题"]) for r in warned if r["区县（分局）"] == "a/b")
    stem = stems["a/b"]
    assert f"{stem}.xlsx、{stem}.pdf 和 {stem}.html" in said
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the district's workbook and PDF (what a resumed run checks); the page is listed with the
    # run's other files, made again by every run
    assert manifest["districts"]["a/b"]["files"] == sorted([f"{stem}.pdf", f"{stem}.xlsx"])
    assert manifest["files"][f"{stem}.html"]["run_id"] == manifest["run_id"]


def test_the_terminal_names_every_renamed_report_file(project: Path) -> None:
    # before: the list named the workbook and the PDF, not the HTML page written beside them
    _rename_district(project, "东湖区.xlsx", "a/b")
    cmd = [sys.executable, "-m", "evalkit", "run", str(project), "--lang", "en", "-j", "1"]
    done = subprocess.run([*cmd, "--no-pdf", "--uncertainty", "0"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((project / "reports" / "manifest.json").read_text(encoding="utf-8"))
    stem = Path(manifest["districts"]["a/b"]["file_stem"]).name
    line = next(x for x in done.stdout.splitlines() if x.strip().startswith("a/b ->"))
    assert line.split(" (")[0].strip() == f"a/b -> {stem}.xlsx, {stem}.html"


def test_districts_named_comparison_or_issues_keep_their_reports(project: Path) -> None:
    # before: comparison.xlsx replaced the district "comparison"'s workbook, issues.xlsx the
    # district "issues"' (or the run deleted it, having no warnings to list)
    names = {
        "东湖区.xlsx": "comparison",
        "北岭区.xlsx": "issues",
        "南港区.xlsx": "..",
        "西山区.xlsx": "Issues",
    }
    for file, name in names.items():
        _rename_district(project, file, name)
    result = run_project(project, lang="en", jobs=1, pdf=False)
    out = project / "reports"
    reports = _district_reports(out)
    assert sorted(reports) == sorted(names.values())
    # a workbook and its page each (no PDF asked for)
    suffixes = [sorted(Path(f).suffix for f in files) for files in reports.values()]
    assert suffixes == [[".html", ".xlsx"]] * len(names), reports
    assert "Districts" in CalamineWorkbook.from_path(str(out / "comparison.xlsx")).sheet_names
    assert "Data issues" in CalamineWorkbook.from_path(str(out / "issues.xlsx")).sheet_names
    assert all(r.changed for r in result.names.values())
    why = {
        r["District"]: r["Why the file name differs from the name"]
        for r in _records(out / "comparison.xlsx", "Files")
    }
    assert "a file the run writes itself" in str(why["issues"])
    assert "differs from it only in case" in str(why["Issues"])
