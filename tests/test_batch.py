"""Batch runs: output folders of one's choosing kept apart (two languages, two projects, two
folders), resumable runs (a real `evalkit run` killed with SIGKILL and resumed), progress and the
closing summary, and contained reading (a real workbook that aborts the reader). Real runs, real
files read back."""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from evalkit.batch import ReadLimits, parse_langs, run_batch
from evalkit.batch.contain import vet_files
from evalkit.errors import EvalkitError
from evalkit.outdir import OutputError
from evalkit.run import run_project

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evalkit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def _copy(dst: Path) -> Path:
    dst.mkdir(parents=True)
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return dst


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    finally:
        wb.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _manifest(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------ output folders


def test_lang_option_takes_one_or_both_languages() -> None:
    assert parse_langs("zh") == ["zh"]
    assert parse_langs(" en , zh ,en") == ["en", "zh"]
    assert parse_langs(None) == []
    for bad in ("fr", "zh;en", ",", "zh,fr"):
        with pytest.raises(EvalkitError, match="zh,en"):
            parse_langs(bad)


def test_both_languages_go_into_folders_of_their_own(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch = run_batch(project, langs=["zh", "en"], out=out, pdf=False, limits=None)
    assert batch.ok and [r.lang for r in batch.runs] == ["zh", "en"]
    assert sorted(p.name for p in out.iterdir()) == ["en", "zh"]
    assert not (project / "reports").exists()  # --out: nothing in the project's own folder
    zh, en = _cells(out / "zh" / "东湖区.xlsx"), _cells(out / "en" / "东湖区.xlsx")
    assert list(zh) != list(en)  # sheet names in each language
    assert zh[next(iter(zh))][0] != en[next(iter(en))][0]
    for lang in ("zh", "en"):
        m = _manifest(out / lang)
        assert m["lang"] == lang and m["status"] == "complete"
        assert {e["lang"] for e in m["files"].values()} == {lang}
        assert {n for n in m["files"]} == {p.name for p in (out / lang).iterdir()} - {
            "manifest.json"
        }


def test_a_run_in_another_language_is_refused_and_changes_nothing(project: Path) -> None:
    # before: `evalkit run --lang en` replaced the Chinese reports one by one
    run_project(project, lang="zh", pdf=False)
    out = project / "reports"
    before = _files(out)
    done = _cli("run", str(project), "--lang", "en", "--no-pdf")
    assert done.returncode == 1
    err = " ".join(done.stderr.split())
    assert "holds Chinese reports" in err and "--lang zh,en" in err and "--out" in err
    assert _files(out) == before
    with pytest.raises(OutputError, match="would replace them"):
        run_project(project, lang="en", pdf=False)
    assert _files(out) == before
    # the same language again is a normal rerun, and both languages go beside it
    run_project(project, lang="zh", pdf=False)
    assert _files(out) == before
    run_batch(project, langs=["zh", "en"], pdf=False, limits=None)
    assert (out / "en" / "东湖区.xlsx").is_file() and _files(out) == before


def test_two_out_folders_and_two_projects_stay_apart(tmp_path: Path) -> None:
    a, b = _copy(tmp_path / "a"), _copy(tmp_path / "b")
    wb = openpyxl.load_workbook(b / "surveys" / "东湖区.xlsx")
    wb["responses"]["D2"] = 1 if wb["responses"]["D2"].value != 1 else 2
    wb.save(b / "surveys" / "东湖区.xlsx")
    one, two = tmp_path / "one", tmp_path / "two"
    run_project(a, out=one, pdf=False)
    run_project(a, out=two, pdf=False)
    assert _files(one) == _files(two)  # two folders, the same run, byte for byte
    run_project(b, pdf=False)  # its own reports/: a's folders untouched
    assert _files(one) == _files(two)
    assert _files(b / "reports")["东湖区.xlsx"] != _files(one)["东湖区.xlsx"]
    # b into a's folder: refused, a's reports as they were
    with pytest.raises(OutputError, match="another project"):
        run_project(b, out=one, pdf=False)
    assert _files(one) == _files(two)
    done = _cli("run", str(b), "--out", str(two), "--no-pdf")
    assert done.returncode == 1 and "another project" in " ".join(done.stderr.split())


# ------------------------------------------------------------------------ resume


def test_a_resumed_run_skips_only_what_is_done_and_intact(project: Path) -> None:
    out = project / "reports"
    first = run_batch(project, resume=True, pdf=False, limits=None).runs[0]
    assert first.result.kept == ()
    m = _manifest(out)
    assert m["status"] == "complete"
    entry = m["districts"]["东湖区"]
    assert entry["status"] == "done" and entry["files"] == ["东湖区.xlsx"]
    assert entry["inputs"] == {"surveys/东湖区.xlsx": m["inputs"]["surveys/东湖区.xlsx"]}
    assert len(entry["settings"]) == 64
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*区.xlsx")}

    # nothing changed: every district kept, none written again
    again = run_batch(project, resume=True, pdf=False, limits=None).runs[0]
    assert sorted(again.result.kept) == sorted(again.written) and len(again.written) == 4
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*区.xlsx")} == stamps

    # a damaged report: that district alone is written again
    (out / "西山区.xlsx").write_bytes(b"PK\x03\x04 not a workbook any more")
    third = run_batch(project, resume=True, pdf=False, limits=None).runs[0]
    assert sorted(third.written) == sorted([*third.result.kept, "西山区"])
    assert _cells(out / "西山区.xlsx")  # whole again
    assert (out / "东湖区.xlsx").stat().st_mtime_ns == stamps["东湖区.xlsx"]

    # a setting changed (report.weakest): every district again
    text = (project / "evalkit.yaml").read_text(encoding="utf-8")
    (project / "evalkit.yaml").write_text(
        text.replace("weakest: 5", "weakest: 4"), encoding="utf-8"
    )
    assert run_batch(project, resume=True, pdf=False, limits=None).runs[0].result.kept == ()

    # one district's input changed: the province's weights and ranks change, so every district
    wb = openpyxl.load_workbook(project / "surveys" / "南港区.xlsx")
    wb["responses"]["D2"] = 1 if wb["responses"]["D2"].value != 1 else 2
    wb.save(project / "surveys" / "南港区.xlsx")
    assert run_batch(project, resume=True, pdf=False, limits=None).runs[0].result.kept == ()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic project of 8 districts (`evalkit synth`)."""
    root = tmp_path_factory.mktemp("province") / "project"
    root.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", root / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", root / "indicators")
    done = _cli(
        "synth",
        str(root / "surveys"),
        "--tree",
        str(root / "indicators" / "community_policing.yaml"),
        "--districts",
        "8",
    )
    assert done.returncode == 0, done.stderr
    return root


def _done(folder: Path) -> list[str]:
    """The districts *folder*'s manifest enters as done (none while there is no manifest)."""
    try:
        m = _manifest(folder)
    except (OSError, ValueError):
        return []
    return [d for d, e in m.get("districts", {}).items() if e.get("status") == "done"]


def _whole(folder: Path) -> None:
    """Every workbook in *folder* opens and every PDF parses."""
    for p in folder.glob("*.xlsx"):
        assert _cells(p), p
    for p in folder.glob("*.pdf"):
        assert len(PdfReader(p).pages) >= 1, p


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_run_resumes_where_it_stopped(province: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(province, project)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "evalkit", "run", str(project), "-o", str(out), "-j", "1"]
    proc = subprocess.Popen(
        [*cmd, "--resume"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while not _done(out):  # the first district's reports are in place
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no district was written in 5 minutes"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    _whole(out)  # what looks whole is whole
    m = _manifest(out)
    done = [d for d, e in m["districts"].items() if e["status"] == "done"]
    assert m["status"] == "incomplete" and 1 <= len(done) < 8
    stamps = {n: (out / n).stat().st_mtime_ns for d in done for n in m["districts"][d]["files"]}

    resumed = subprocess.run(
        [*cmd, "--resume"], capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{8 - len(done)} district(s) written, {len(done)} kept" in resumed.stdout
    for name, stamp in stamps.items():  # the districts done before were not written again
        assert (out / name).stat().st_mtime_ns == stamp
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temp files
    assert not list(out.rglob("*.part"))
    _whole(out)
    assert _manifest(out)["status"] == "complete"

    ref = tmp_path / "ref"  # the same run, never interrupted
    assert subprocess.run([*cmd[:6], str(ref), "-j", "1", "-q"], check=False).returncode == 0
    names = sorted(p.name for p in ref.iterdir())
    assert sorted(p.name for p in out.iterdir()) == names
    for name in names:
        if name.endswith(".xlsx"):
            assert _cells(out / name) == _cells(ref / name), name
        elif name.endswith(".pdf"):
            texts = [
                [pg.extract_text() for pg in PdfReader(f).pages] for f in (out / name, ref / name)
            ]
            assert texts[0] == texts[1], name


# ------------------------------------------------------------------------ containment

_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>district</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
)
_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
    'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    "schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    '" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="responses" sheetId="1" r:id="rId1"/>'
    '<sheet name="stations" sheetId="2" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
    'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": _SHEET,
}


def _crashing_workbook(path: Path) -> Path:
    """A 1.6 KB workbook whose one cell at XFD1048576 (no declared size for the checks to see)
    makes python-calamine allocate 512 GB and abort the process."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in _PARTS.items():
            z.writestr(name, text)
    return path


def _large_workbook(path: Path, rows: int = 10_000) -> Path:
    """A well-formed workbook of ``rows`` × 10 distinct inline strings (about 6 MB of sheet XML,
    compressed about 8 times): reading it needs fresh memory, whatever the reading process
    already holds."""
    body = "".join(
        f'<row r="{i}">'
        + "".join(
            f'<c t="inlineStr"><is><t>{i * 7919 + j * 104729}</t></is></c>' for j in range(10)
        )
        + "</row>"
        for i in range(1, rows + 1)
    )
    sheet = _SHEET.split("<sheetData>")[0] + f"<sheetData>{body}</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            z.writestr(name, text)
    return path


def test_the_crashing_workbook_aborts_a_reader_in_the_run_s_own_process(tmp_path: Path) -> None:
    # what containment is for: read in the run's process, this file ends it (SIGABRT)
    bad = _crashing_workbook(tmp_path / "bad.xlsx")
    assert bad.stat().st_size < 2000
    code = "from evalkit.ingest.tables import read_grid; read_grid(__import__('pathlib').Path("
    done = subprocess.run(
        [sys.executable, "-c", f"{code}{str(bad)!r}), 'responses')"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGABRT


def test_a_crashing_workbook_costs_only_its_own_district(project: Path) -> None:
    bad = _crashing_workbook(project / "surveys" / "坏区.xlsx")
    batch = run_batch(project, pdf=False, limits=ReadLimits(workers=1))  # in this very process
    assert not batch.ok and list(batch.contained) == [bad]
    run = batch.runs[0]
    assert sorted(run.written) == sorted(["东湖区", "西山区", "南港区", "北岭区"])
    assert run.failed == {"": [("surveys/坏区.xlsx", 1)]}
    out = project / "reports"
    for d in run.written:
        assert _cells(out / f"{d}.xlsx")
    rows = next(iter(_cells(out / "issues.xlsx").values()))
    head = list(rows[0])
    mine = [r for r in rows if r[head.index("文件")] == "surveys/坏区.xlsx"]
    assert len(mine) == 1 and "崩溃（SIGABRT）" in mine[0][head.index("问题")]
    assert mine[0][head.index("级别")] == "错误"

    done = _cli("run", str(project), "--no-pdf")  # the command: exit 1, the file named
    assert done.returncode == 1
    err = " ".join(done.stderr.split())
    assert "surveys/坏区.xlsx: the spreadsheet reader crashed on this workbook (SIGABRT)" in err
    assert "Reports were written for the 4 other district(s)" in err
    assert "4 district(s) written, 1 failed" in " ".join(done.stdout.split())


def test_a_reader_out_of_time_or_memory_is_stopped(tmp_path: Path) -> None:
    good = ROOT / "surveys" / "东湖区.xlsx"
    slow = vet_files([good], ReadLimits(seconds=0.001, workers=1))
    assert "took longer than 0.001 s" in slow[good].message
    # 1 MB of address space: a small workbook may still be read from memory the worker's heap
    # already holds; a large one needs fresh memory, which the limit refuses
    large = _large_workbook(tmp_path / "large.xlsx")
    tight = vet_files([large], ReadLimits(memory=1 << 20, workers=1))
    assert large in tight
    assert "more than 1 MB of memory" in tight[large].message or "crashed" in tight[large].message
    assert vet_files([good, large, tmp_path / "x.csv"], ReadLimits(workers=1)) == {}


# ------------------------------------------------------------------------ progress


def test_plain_progress_lines_quiet_and_the_summary(project: Path) -> None:
    done = _cli("run", str(project), "--no-pdf", "-j", "1")
    assert done.returncode == 0, done.stderr
    lines = [x.strip() for x in done.stdout.splitlines() if x.strip().startswith("[")]
    assert [x.split("]")[0] for x in lines] == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert "Summary (zh): 4 district(s) written, 0 failed" in done.stdout
    quiet = _cli("run", str(project), "--no-pdf", "-q", "--lang", "zh,en")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert (project / "reports" / "en" / "东湖区.xlsx").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_a_terminal_gets_a_progress_bar(project: Path) -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "evalkit", "run", str(project), "--no-pdf", "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env={**os.environ, "COLUMNS": "160", "TERM": "xterm"},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", errors="replace")
    assert "4/4" in shown and "ETA" in shown and "━" in shown
    assert "/s" in shown  # the rate
