"""Hostile district and station names through whole runs: a property test.

Names built of what breaks file systems, markup languages, terminals and fonts (``$``, ``[``,
``]``, ``#``, ``/``, ``\\``, ``.``, ``..``, emoji, right-to-left marks, control characters, names
differing only in case, 300 characters, names the run or Windows reserves) are written into a copy
of a small synthetic project (3 districts) and run with PDFs. Every run must end without a
traceback, give every district a workbook and a PDF of its own, and show every name literally:
in the workbook's cells, and in the PDF's text with ``[U+XXXX]`` for a character no font has.
"""

from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from evalkit.report.fonts import font_chain, visible
from evalkit.run import run_project
from evalkit.synth import synthesize

ROOT = Path(__file__).resolve().parents[1]
STATIONS_RENAMED = 2  # per district

FRAGMENTS = [
    "$", "[", "]", "#", "/", "\\", ".", "..", "%", "~", "{", "}", "*", "_", "`", "@", "<b>", "&",
    "'", '"', "=1+1", "$ x $", "$\\frac{$", "[bold red]", "[/]", "A[/]B", "👮", "🚓", "\u200f",
    "\u202e", "\u200e", "\t", "\n", "\x7f", "\x85", "\x9b", "CON", "NUL.txt", "comparison",
]  # fmt: skip
RESERVED = [".", "..", "comparison", "issues", "manifest", "district", "CON", "nul", "Com1"]


def _kept_by_reading(name: str) -> bool:
    # survey readers trim the whitespace around a cell's text, as users expect
    return bool(name) and name == name.strip()


_part = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(alphabet="东湖区西山派出所分局", min_size=1, max_size=4),
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=4),
)
NAME = st.one_of(
    st.lists(_part, min_size=1, max_size=6).map("".join),
    st.sampled_from(RESERVED),
    st.text(alphabet="长a$[]/#.👮\u200f", min_size=300, max_size=300),
).filter(_kept_by_reading)


@st.composite
def provinces(draw: st.DrawFn) -> tuple[list[str], list[list[str]], str]:
    """Three district names (two differing only in case, sometimes), two station names for each
    district, and the report language."""
    districts = draw(st.lists(NAME, min_size=3, max_size=3, unique=True))
    if draw(st.booleans()):
        twin = districts[0].swapcase()
        if twin != districts[0] and twin not in districts and _kept_by_reading(twin):
            districts[1] = twin
    stations = [
        draw(st.lists(NAME, min_size=STATIONS_RENAMED, max_size=STATIONS_RENAMED, unique=True))
        for _ in districts
    ]
    return districts, stations, draw(st.sampled_from(["zh", "en"]))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small") / "project"
    root.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", root / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", root / "indicators")
    synthesize(root / "indicators" / "community_policing.yaml", root / "surveys", districts=3)
    return root


def _rename(
    project: Path, districts: list[str], stations: list[list[str]]
) -> dict[str, dict[str, str]]:
    """Rename each survey workbook's district (both languages) and its first stations, in the
    responses and the stations sheets; return district -> {old station: new station}."""
    files = sorted(p for p in (project / "surveys").glob("*.xlsx") if p.name != "experts.xlsx")
    assert len(files) == len(districts)
    renamed: dict[str, dict[str, str]] = {}
    for path, district, new_stations in zip(files, districts, stations, strict=True):
        wb = openpyxl.load_workbook(path)
        st_sheet = wb["stations"]
        head = [c.value for c in st_sheet[1]]
        column = next(st_sheet.iter_cols(head.index("station") + 1, head.index("station") + 1))
        old = [c.value for c in column[1:] if c.value][:STATIONS_RENAMED]
        mapping = dict(zip(old, new_stations, strict=True))
        renamed[district] = mapping
        for ws in (wb["responses"], wb["stations"]):
            head = [c.value for c in ws[1]]
            cols = {c: head.index(c) + 1 for c in head if c}
            for r in range(2, ws.max_row + 1):
                if ws.cell(r, cols["station"]).value is None:
                    continue
                for col in ("district", "district_en"):
                    if col in cols:
                        _text(ws.cell(r, cols[col]), district)
                station = ws.cell(r, cols["station"]).value
                if station in mapping:
                    _text(ws.cell(r, cols["station"]), mapping[station])
                    if "station_en" in cols:
                        _text(ws.cell(r, cols["station_en"]), mapping[station])
        wb.save(path)
    return renamed


def _text(cell: openpyxl.cell.Cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # "=1+1" is a name here, not a formula


def _cells(path: Path) -> set[str]:
    wb = CalamineWorkbook.from_path(str(path))
    return {str(c) for s in wb.sheet_names for r in wb.get_sheet_by_name(s).to_python() for c in r}


def _squeeze(text: str) -> str:
    """Text without the white space that line breaking and text extraction add or drop."""
    return re.sub(r"\s+", "", text)


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a whole run per example: no time to shrink
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=provinces())
@example(  # what random draws reach seldom: control characters, an override, case twins
    case=(
        ["A[/]B\t$x$\x7f", "a[/]b\t$X$\x7f", "issues"],
        [
            ["\u202eevil\x85fdp.exe", "[bold red]站#"],
            ["..", "👮" + "长" * 299],
            ["\x9bCSI\\p", "NUL.txt"],
        ],
        "zh",
    )
)
def test_hostile_names_survive_a_whole_run(
    small: Path, tmp_path_factory: pytest.TempPathFactory, case: tuple
) -> None:
    districts, stations, lang = case
    project = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(small, project)
    renamed = _rename(project, districts, stations)

    result = run_project(project, lang=lang, jobs=1)  # no exception: nothing crashed

    ev = result.evaluation
    out = ev.spec.output_dir
    assert sorted(ev.districts["district"]) == sorted(districts)  # read as they were written
    stems = {d: r.stem for d, r in result.names.items()}
    assert sorted(stems) == sorted(districts)
    workbooks = [p for p in out.glob("*.xlsx") if p.name not in ("comparison.xlsx", "issues.xlsx")]
    assert len(workbooks) == len(districts)  # none lost, none extra
    assert len(list(out.glob("*.pdf"))) == len(districts)
    chain = font_chain(None)
    for district in districts:
        xlsx, pdf = out / f"{stems[district]}.xlsx", out / f"{stems[district]}.pdf"
        assert xlsx.is_file() and pdf.is_file()
        shown = ev.stations[(ev.stations["district"] == district) & ev.stations["shown"]]
        mine = [s for s in renamed[district].values() if s in set(shown["station"])]
        cells = _cells(xlsx)
        text = _squeeze(_pdf_text(pdf))
        for name in (district, *mine):
            assert name in cells, f"{name!r} is not in {xlsx.name}"
            missing = chain.with_fallbacks([name]).missing([name]) | _hidden(name)
            expected = _squeeze(visible(name, missing))
            assert expected in text, f"{expected!r} is not in the text of {pdf.name}"
    sheets = CalamineWorkbook.from_path(str(out / "comparison.xlsx")).sheet_names
    files = sheets.index("报告文件" if lang == "zh" else "Files")
    listed = {r[0] for r in _rows(out / "comparison.xlsx", files)[1:]}
    assert set(districts) <= listed  # the Files sheet maps every district to its files


def _rows(path: Path, index: int) -> list[list[object]]:
    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(wb.sheet_names[index]).to_python()


BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _hidden(name: str) -> set[str]:
    """What a PDF shows as [U+XXXX] although a font may have it: control characters (not tabs
    and line breaks) and direction marks, which would hide or reorder the name's letters."""
    return {c for c in name if c in BIDI or (unicodedata.category(c) == "Cc" and c not in "\t\n\r")}


HOSTILE = (
    ["A[/]B\t$x$\x7f", "a[/]b\t$X$\x7f", "[bold red]:police_car:\u202eevil"],
    [
        ["\u202eevil\x85fdp.exe", "[bold red]站#"],
        ["..", "👮" + "长" * 299],
        ["\x9bCSI\\p", "NUL.txt"],
    ],
)


def test_the_terminal_shows_hostile_names_literally(small: Path, tmp_path: Path) -> None:
    districts, stations = HOSTILE
    project = tmp_path / "[red]x[/]" / "project"
    shutil.copytree(small, project)
    _rename(project, districts, stations)
    done = subprocess.run(
        [sys.executable, "-m", "evalkit", "run", str(project), "--no-pdf", "-j", "1"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "COLUMNS": "1000"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    for name in districts:
        shown = "".join(f"[U+{ord(c):04X}]" if c in _hidden(name) else c for c in name)
        progress = [ln for ln in lines if re.match(r"  \[\d/3\] ", ln)]
        assert any(_squeeze(ln).endswith(_squeeze(shown)) for ln in progress), (name, progress)
        assert any(_squeeze(shown) in _squeeze(ln) for ln in lines if "│" in ln)  # the table
    assert not set(done.stdout) & {"\x7f", "\x85", "\x9b", "\u202e"}
    assert f"files written to {project / 'reports'}" in done.stdout
