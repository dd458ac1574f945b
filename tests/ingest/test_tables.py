"""Hostile workbooks are refused from their zip directory before any reader inflates them."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter

from evalkit.errors import DataError
from evalkit.ingest import tables
from evalkit.ingest.judgment_formats import detect_judgment_layout, import_judgments
from evalkit.ingest.judgments import load_judgments
from evalkit.ingest.platforms import import_responses, inspect_export
from evalkit.ingest.survey import load_survey_data
from evalkit.tree import IndicatorTree, load_tree

ROOT = Path(__file__).resolve().parents[2]
TREE = ROOT / "indicators" / "community_policing.yaml"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
ROW = b"<row><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c></row>"


@pytest.fixture(scope="module")
def tree() -> IndicatorTree:
    return load_tree(TREE)


def _workbook(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("responses")
    ws.write_row(0, 0, ["respondent", "district", "station"])
    ws.write_row(1, 0, ["R1", "东湖区", "东湖派出所"])
    wb.close()
    return path


def _rewrite(path: Path, part: str, write: Callable[[bytes, object], None]) -> Path:
    """``path`` with ``part`` replaced by what ``write(original bytes, file)`` streams into it
    (deflate, as every spreadsheet program writes)."""
    src = _workbook(path.with_name(path.stem + ".src.xlsx"))
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                with zout.open(part, "w") as fh:
                    write(data, fh)
            else:
                zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    src.unlink()
    return path


def _sheet_bomb(path: Path, inflated: int) -> Path:
    """A sheet of ``inflated`` bytes of identical rows of four cells (no ``r=`` numbers, as the
    format allows), behind a dimension that says A1."""

    def write(data: bytes, fh) -> None:
        head = data[: data.index(b"<sheetData>") + len(b"<sheetData>")]
        fh.write(re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1"/>', head))
        block = ROW * 10_000
        for _ in range(inflated // len(block)):
            fh.write(block)
        fh.write(b"</sheetData></worksheet>")

    return _rewrite(path, SHEET, write)


def _strings_bomb(path: Path, inflated: int) -> Path:
    def write(data: bytes, fh) -> None:
        fh.write(data[: data.index(b"<si>")])
        block = b"<si><t>x</t></si>" * 10_000
        for _ in range(inflated // len(block)):
            fh.write(block)
        fh.write(data[data.index(b"<si>") :])

    return _rewrite(path, STRINGS, write)


def _with_prolog(path: Path, part: str, prolog: bytes, encoding: str = "utf-8") -> Path:
    """``part`` with ``prolog`` put between its XML declaration and its root element."""

    def write(data: bytes, fh) -> None:
        decl_end = data.index(b"?>") + 2
        if encoding == "utf-8":
            fh.write(data[:decl_end] + prolog + data[decl_end:])
        else:
            text = (data[:decl_end] + prolog + data[decl_end:]).decode("utf-8")
            fh.write(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(encoding))

    return _rewrite(path, part, write)


LOL = (
    b'<!DOCTYPE sst [<!ENTITY a "lol">'
    + b"".join(
        b'<!ENTITY %c "%s">' % (ord("a") + k, (b"&%c;" % (ord("a") + k - 1)) * 10)
        for k in range(1, 10)
    )
    + b"]>"
)


# ---- the reported zip bomb, through the command line ---------------------------------------------


def test_inspect_refuses_a_424_mb_sheet_bomb_without_inflating_it(tmp_path: Path) -> None:
    """A 1.2 MB workbook whose sheet inflates to 424 MB was read in full: 1.2-2.2 GB of memory and
    more than a minute, even for `evalkit inspect`."""
    bomb = _sheet_bomb(tmp_path / "bomb.xlsx", 424_000_000)
    info = zipfile.ZipFile(bomb).getinfo(SHEET)
    assert bomb.stat().st_size < 2_000_000 and info.file_size > 420_000_000
    child = (
        "import resource, sys\n"
        "from evalkit.cli import main\n"
        f"sys.argv = ['evalkit', 'inspect', {str(bomb)!r}, '--tree', {str(TREE)!r}]\n"
        "try:\n    main()\n"
        "finally:\n"
        "    print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    res = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=300)
    assert res.returncode == 1
    err = " ".join(res.stderr.split())
    assert re.search(
        r"bomb\.xlsx: part xl/worksheets/sheet1\.xml of the workbook inflates \d{3} times its "
        r"compressed size \(a zip bomb\); refused before reading; expected at most 100 times for "
        r"a part over 10 MB \(survey sheets inflate about 10 times\), found 1\.\d MB compressed, "
        r"424 MB inflated\.",
        err,
    ), err
    peak_kib = int(re.search(r"peak (\d+)", res.stderr).group(1))
    assert peak_kib < 400_000  # the interpreter and evalkit; nothing of the sheet


# ---- every reader is behind the same guard ------------------------------------------------------


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {
        SHEET: _sheet_bomb(folder / "sheet_bomb.xlsx", 40_000_000),
        STRINGS: _strings_bomb(folder / "strings_bomb.xlsx", 40_000_000),
    }


READERS: dict[str, Callable[[Path, IndicatorTree], object]] = {
    "survey": lambda p, t: load_survey_data(t, surveys=[p]),
    "responses table": lambda p, t: load_survey_data(t, responses=[p]),
    "experts": lambda p, t: load_judgments(p, t),
    "inspect": lambda p, t: inspect_export(p, t),
    "import": lambda p, t: import_responses(p, t, station="s", district="d"),
    "import all sheets": lambda p, t: import_responses(p, t, sheet="*", district="d"),
    "import-judgments": lambda p, t: import_judgments(p, t),
    "judgments layout": lambda p, t: detect_judgment_layout(p),
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("part", [SHEET, STRINGS])
def test_every_reader_refuses_a_zip_bomb(
    reader: str, part: str, tree: IndicatorTree, bombs: dict[str, Path]
) -> None:
    with pytest.raises(DataError) as exc:
        READERS[reader](bombs[part], tree)
    issue = exc.value.issues[0]
    assert issue.check == "file" and issue.location.file.endswith(bombs[part].name)
    assert issue.message.startswith(f"part {part} of the workbook inflates ")
    assert "(a zip bomb); refused before reading" in issue.message
    assert issue.expected.startswith("at most 100 times")


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_refuses_entity_declarations_naming_the_part(
    reader: str, tree: IndicatorTree, tmp_path: Path
) -> None:
    """It said "cannot read the workbook: XmlError: at 0..0: unrecognized entity ... Remove any
    password and save it again as .xlsx"."""
    bomb = _with_prolog(tmp_path / "entities.xlsx", STRINGS, LOL)
    with pytest.raises(DataError) as exc:
        READERS[reader](bomb, tree)
    (issue,) = exc.value.issues
    assert issue.message == (
        "part xl/sharedStrings.xml of the workbook declares XML entities (<!DOCTYPE …>); "
        "refused before reading"
    )
    assert (
        issue.found
        == "'<!DOCTYPE sst [<!ENTITY a \"lol\"><!ENTITY' at the start of xl/sharedStrings.xml"
    )
    assert "password" not in str(exc.value)


@pytest.mark.parametrize(
    ("part", "prolog", "encoding"),
    [
        (SHEET, b"<!DOCTYPE worksheet>", "utf-8"),  # any DOCTYPE, in a sheet
        (STRINGS, b"\n<!-- a comment -->\n<?pi x?>  " + LOL, "utf-8"),  # after comments
        (STRINGS, LOL, "utf-16"),  # in a part written in UTF-16
        ("[Content_Types].xml", b"<!doctype Types>", "utf-8"),
    ],
)
def test_doctype_anywhere_before_the_root_is_refused(
    part: str, prolog: bytes, encoding: str, tmp_path: Path
) -> None:
    bomb = _with_prolog(tmp_path / "d.xlsx", part, prolog, encoding)
    with pytest.raises(DataError) as exc:
        tables.sheet_names(bomb)
    assert exc.value.issues[0].message.startswith(f"part {part} of the workbook declares XML")


def test_doctype_hidden_behind_a_long_prolog_is_refused(tmp_path: Path) -> None:
    bomb = _with_prolog(tmp_path / "pad.xlsx", STRINGS, b" " * 70_000 + LOL)
    with pytest.raises(DataError) as exc:
        tables.sheet_names(bomb)
    (issue,) = exc.value.issues
    assert issue.message == (
        "part xl/sharedStrings.xml of the workbook does not begin with its XML element; "
        "refused before reading"
    )
    assert issue.expected == "the root element within the first 65,536 bytes"


def test_damaged_xml_is_not_called_a_password_problem(tmp_path: Path) -> None:
    """An undeclared entity (no DOCTYPE) is left to the reader, whose fix no longer speaks of a
    password."""

    def write(data: bytes, fh) -> None:
        fh.write(data.replace(b"<t>R1</t>", b"<t>&lol9;</t>"))

    path = _rewrite(tmp_path / "damaged.xlsx", STRINGS, write)
    with pytest.raises(DataError) as exc:
        tables.read_rows(path, "responses")
    (issue,) = exc.value.issues
    assert issue.message.startswith("cannot read the workbook: XmlError:")
    assert issue.fix.startswith("Its contents are damaged") and "password" not in issue.fix


# ---- the limits -----------------------------------------------------------------------------------


def test_a_part_over_the_size_limit_is_refused_with_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large part that compresses like a real sheet: the size limit, with a fix for a genuine
    file (the limit is lowered here so that the test need not write 400 MB)."""
    path = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("responses")
    for r in range(3_000):
        ws.write_row(r, 0, [f"R{r}", "东湖区", *(((r * 7 + c * 13) % 5) + 1 for c in range(20))])
    wb.close()
    size = zipfile.ZipFile(path).getinfo(SHEET).file_size
    monkeypatch.setattr(tables, "MAX_PART_BYTES", size - 1)
    with pytest.raises(DataError) as exc:
        tables.read_rows(path, "responses")
    (issue,) = exc.value.issues
    assert issue.message.startswith("part xl/worksheets/sheet1.xml of the workbook inflates to ")
    assert issue.expected.startswith(f"at most {tables._mb(size - 1)} per part")
    assert "export the sheet as CSV" in issue.fix
    monkeypatch.setattr(tables, "MAX_PART_BYTES", size)
    assert len(tables.read_rows(path, "responses")[1]) == 3_000


def test_limits_let_a_100000_by_60_survey_through(tmp_path: Path) -> None:
    """The benchmark's survey (benchmarks/bench_ingest.py), written at 5,000 rows: its sheet
    scaled to 100,000 rows stays well under the size limit and its ratio well under the ratio
    limit, with labels in the cells or in a shared-strings table."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_ingest import make_workbook
    finally:
        sys.path.pop(0)
    for shared in (False, True):
        path = tmp_path / f"survey{shared}.xlsx"
        make_workbook(path, 5_000, 60, shared_strings=shared)
        info = zipfile.ZipFile(path).getinfo(SHEET)
        assert info.file_size * 20 < tables.MAX_PART_BYTES / 2
        assert info.file_size / info.compress_size < tables.MAX_RATIO / 5
        assert len(tables.read_rows(path, "responses")[1]) == 5_001
