"""A run and its output folder: faults of the file system, killed runs, the workers they leave,
stale temporary files, two runs into one folder, the manifest, and byte-identical reruns. Real
runs (the CLI in a subprocess where a kill or an exit code is what is tested), real files."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.errors import DataError, PartialRunError
from evalkit.outdir import OutputError, OutputLock
from evalkit.run import run_project
from evalkit.synth import synthesize

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evalkit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic project of 12 districts: big enough to keep two workers busy for seconds."""
    root = tmp_path_factory.mktemp("province") / "project"
    root.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", root / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", root / "indicators")
    synthesize(root / "indicators" / "community_policing.yaml", root / "surveys", districts=12)
    return root


@pytest.fixture()
def big(province: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "province"
    shutil.copytree(province, dst)
    return dst


# ------------------------------------------------------------------------ killed runs


def _children(pid: int) -> list[int]:
    """Processes whose parent is *pid* (from /proc, or ps where there is none)."""
    if Path("/proc/self/stat").exists():
        out = []
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid:
                    out.append(int(d.name))
        return out
    ps = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid="], capture_output=True, text=True)
    pairs = [line.split() for line in ps.stdout.splitlines() if line.strip()]
    return [int(p) for p, pp in pairs if int(pp) == pid]


def _running(pid: int) -> bool:
    """Whether *pid* still runs (a zombie waiting to be reaped has ended)."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    ps = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return bool(ps.stdout.strip()) and not ps.stdout.strip().startswith("Z")


def _start_and_kill(project: Path) -> list[int]:
    """Start `evalkit run -j 2`, SIGKILL it while its workers render; return its children."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "evalkit", "run", str(project), "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = project / "reports"
    deadline = time.monotonic() + 120
    while not list(out.glob(".evalkit-*/*.pdf")):  # a worker has written a report
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no report was rendered in 2 minutes"
        time.sleep(0.05)
    children = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return children


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_workers_end_when_their_run_is_killed(big: Path) -> None:
    # before: the two workers went on rendering, then waited for work for ever (200-360 MB each)
    children = _start_and_kill(big)
    assert len(children) >= 2  # the two workers (and multiprocessing's resource tracker)
    deadline = time.monotonic() + 5
    while [c for c in children if _running(c)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [c for c in children if _running(c)] == [], "worker processes outlived their run"

    # the next run removes what the killed one left: its staging folder; the reports are whole
    out = big / "reports"
    assert [p.name for p in out.glob(".evalkit-*") if p.is_dir()]
    done = _cli("run", str(big), "--no-pdf")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert len(list(out.glob("*.xlsx"))) == 12 + 2


# ------------------------------------------------------------------------ stale files, the lock


def test_a_run_removes_the_temporary_files_of_killed_runs(project: Path) -> None:
    # before: a truncated .西山区.xlsx.<pid>.<hex>.part stayed in reports/ for good
    out = project / "reports"
    out.mkdir()
    stale_dir = out / ".evalkit-ab12cd34"
    stale_dir.mkdir()
    (stale_dir / "东湖区.xlsx").write_bytes(b"PK half a workbook")
    stale = [
        ".西山区.xlsx.4242.0f1e2d3c.part",  # evalkit 0.1's own temporary names
        ".东湖区.pdf.x1y2z3w4.tmp",
        ".evalkit-1a2b3c4d.part",  # today's
        ".evalkit-q_w3e4r5.part",
    ]
    for name in stale:
        (out / name).write_bytes(b"truncated")
    # not evalkit's: kept
    mine = [".西山区.xlsx", "notes.part", ".evalkit-notes", "西山区.xlsx.1.2.part"]
    for name in mine:
        (out / name).write_bytes(b"the user's")
    # a staging folder holding an earlier report a run could not put back: kept, with a warning
    kept = out / ".evalkit-zz99yy88"
    kept.mkdir()
    (kept / ".earlier-0").write_bytes(b"an earlier report")

    result = run_project(project, pdf=False)
    left = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert left == sorted([".西山区.xlsx", ".evalkit-notes", ".evalkit-zz99yy88"])
    assert (out / "notes.part").read_bytes() == b"the user's"
    assert (kept / ".earlier-0").read_bytes() == b"an earlier report"
    warned = [i for i in result.evaluation.issues if ".evalkit-zz99yy88" in i.message]
    assert len(warned) == 1 and warned[0].severity == "warning" and warned[0].message_zh


def test_a_second_run_into_the_same_folder_is_refused(project: Path) -> None:
    out = project / "reports"
    before = _files(out) if out.exists() else {}
    with OutputLock(out):  # another run, holding the folder
        done = _cli("run", str(project), "--no-pdf")
        assert done.returncode == 1
        err = " ".join(done.stderr.split())
        assert "Traceback" not in done.stderr
        assert f"another evalkit run (process {os.getpid()}) is writing into {out}" in err
        assert "Wait for it to finish" in err
        assert {n: d for n, d in _files(out).items() if n != ".evalkit.lock"} == before
    done = _cli("run", str(project), "--no-pdf")  # released: the next run goes ahead
    assert done.returncode == 0, done.stderr
    assert not (out / ".evalkit.lock").exists()


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from evalkit.outdir import OutputLock;"
            f"OutputLock(Path({str(out)!r})).acquire(); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(OutputError, match=f"process {holder.pid}"):
        OutputLock(out).acquire()
    holder.send_signal(signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
    holder.wait()
    lock = OutputLock(out).acquire()  # the OS released it with the process
    lock.release()


# ------------------------------------------------------------------------ output-side faults


def test_an_output_path_that_is_a_file_is_a_clear_problem(project: Path) -> None:
    (project / "reports").write_bytes(b"not a folder")
    done = _cli("run", str(project))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    err = " ".join(done.stderr.split())
    assert f"{project / 'reports'} is a file, not a folder" in err
    assert "report.output" in err
    assert (project / "reports").read_bytes() == b"not a folder"


def _read_only(folder: Path) -> list[str]:
    """A command prefix under which *folder* cannot be written: its permissions for a user; for
    root (whom permissions do not stop), a read-only bind mount in a private mount namespace."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    unshare = shutil.which("unshare")
    probe = (
        subprocess.run(
            [unshare, "-rm", "sh", "-c", f"mount --bind {folder} {folder}"], capture_output=True
        )
        if unshare
        else None
    )
    if probe is None or probe.returncode != 0:
        pytest.skip("running as root without mount namespaces: no folder can be read-only")
    return [
        unshare,
        "-rm",
        "sh",
        "-c",
        'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"',
        str(folder),
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_output_folder_is_a_clear_problem(project: Path) -> None:
    assert run_project(project, pdf=False).files
    out = project / "reports"
    before = _files(out)
    prefix = _read_only(out)
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "evalkit", "run", str(project)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    finally:
        out.chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    err = " ".join(done.stderr.split())
    assert (
        f"no permission to write in {out}" in err or f"{out} is on a read-only file system" in err
    ), err
    assert "report.output" in err
    assert _files(out) == before


def _redate(project: Path) -> None:
    """Another report date in the project file: every report of a rerun differs."""
    text = (project / "evalkit.yaml").read_text(encoding="utf-8")
    assert 'date: "2026-11-01"' in text
    (project / "evalkit.yaml").write_text(
        text.replace('date: "2026-11-01"', 'date: "2026-11-02"'), encoding="utf-8"
    )


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, good: int) -> list[str]:
    """Every workbook after the first *good* ones fails half-way with ENOSPC, as on a full disk."""
    import xlsxwriter.workbook

    real = xlsxwriter.workbook.Workbook._store_workbook
    seen: list[str] = []

    def store(self):  # type: ignore[no-untyped-def]
        seen.append(self.filename)
        if len(seen) <= good:
            return real(self)
        Path(self.filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", store)
    return seen


def test_a_full_disk_is_a_clear_problem_and_keeps_the_earlier_reports(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_project(project, lang="zh", pdf=False)
    out = project / "reports"
    before = _files(out)
    _redate(project)  # the reports would differ: a replaced one would show
    seen = _disk_full_after(monkeypatch, good=2)
    res = CliRunner().invoke(app, ["run", str(project), "--lang", "zh", "--no-pdf", "-j", "1"])
    assert len(seen) >= 3  # two workbooks written, the third hit the full disk
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit)
    err = " ".join((res.stderr if hasattr(res, "stderr") else res.output).split())
    assert "Traceback" not in err
    assert f"the disk holding {out} is full" in err
    assert "Free some space" in err
    assert "No earlier report was replaced" in err
    assert "issues.xlsx could not be written either" in err  # the disk is full for it too
    assert _files(out) == before  # every earlier report as it was, nothing half-written
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------------ manifest


def test_the_manifest_says_which_run_wrote_each_file(project: Path) -> None:
    first = run_project(project, lang="zh", pdf=False)
    out = project / "reports"
    m1 = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m1["run_id"] == first.run_id and len(first.run_id) == 16
    assert m1["lang"] == "zh" and m1["evalkit_version"]
    listed = set(m1["files"])
    assert listed == {p.name for p in out.iterdir()} - {"manifest.json"}
    for name, entry in m1["files"].items():
        assert entry["sha256"] == _sha(out / name)
        assert entry["run_id"] == first.run_id and entry["lang"] == "zh"
    assert m1["files"]["东湖区.xlsx"]["district"] == "东湖区"
    assert m1["districts"]["东湖区"]["inputs"] == {
        "surveys/东湖区.xlsx": _sha(project / "surveys" / "东湖区.xlsx")
    }
    assert m1["inputs"]["surveys/experts.xlsx"] == _sha(project / "surveys" / "experts.xlsx")

    # 西山区 left out of a second run: its reports of the first run stay, and say so
    wb = openpyxl.load_workbook(project / "surveys" / "西山区.xlsx")
    wb["responses"]["D5"] = 9
    wb.save(project / "surveys" / "西山区.xlsx")
    with pytest.raises(PartialRunError):
        run_project(project, lang="zh", pdf=False)
    m2 = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m2["run_id"] != first.run_id  # an input changed
    assert m2["files"]["西山区.xlsx"] == m1["files"]["西山区.xlsx"]  # the first run's, unchanged
    assert m2["files"]["东湖区.xlsx"]["run_id"] == m2["run_id"]
    assert m2["files"]["东湖区.xlsx"]["lang"] == "zh"
    assert m2["left_out"] == {
        "西山区": {"inputs": {"surveys/西山区.xlsx": _sha(project / "surveys" / "西山区.xlsx")}}
    }
    assert m2["districts"]["西山区"]["run_id"] == first.run_id
    for name, entry in m2["files"].items():
        assert entry["sha256"] == _sha(out / name)


def test_a_run_that_stops_enters_its_issue_list_in_the_manifest(project: Path) -> None:
    first = run_project(project, lang="zh", pdf=False)
    out = project / "reports"
    m1 = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for path in (project / "surveys").glob("*区.xlsx"):  # errors everywhere: nothing to report
        wb = openpyxl.load_workbook(path)
        wb["responses"]["D3"] = 0
        wb.save(path)
    with pytest.raises(DataError):
        run_project(project, lang="zh", pdf=False)
    m2 = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = m2["files"]["issues.xlsx"]
    assert entry["stopped"] is True and entry["sha256"] == _sha(out / "issues.xlsx")
    assert entry["run_id"] != first.run_id  # the run that stopped, whose inputs differ
    assert {k: v for k, v in m2["files"].items() if k != "issues.xlsx"} == {
        k: v for k, v in m1["files"].items() if k != "issues.xlsx"
    }
    assert m2["run_id"] == first.run_id  # still the last complete run's manifest
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------------ determinism


def test_reruns_in_other_folders_with_other_job_counts_give_identical_files(
    tmp_path: Path,
) -> None:
    # before: issues.xlsx held the clock's time as its creation date
    runs = []
    for k, jobs in enumerate((1, 2)):
        dst = tmp_path / f"copy{k}" / "project"
        dst.mkdir(parents=True)
        shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
        shutil.copytree(ROOT / "indicators", dst / "indicators")
        shutil.copytree(ROOT / "surveys", dst / "surveys")
        runs.append(run_project(dst, jobs=jobs))
        if k == 0:
            time.sleep(1.1)  # a clock read into a file would differ now
    a, b = (_files(r.evaluation.spec.output_dir) for r in runs)
    assert sorted(a) == sorted(b)
    assert {"comparison.xlsx", "issues.xlsx", "manifest.json"} <= set(a)
    assert len([n for n in a if n.endswith(".pdf")]) == 4
    for name in a:
        assert a[name] == b[name], f"{name} differs between the two runs"
    assert runs[0].run_id == runs[1].run_id
    sheets = CalamineWorkbook.from_path(str(runs[0].evaluation.spec.output_dir / "issues.xlsx"))
    assert sheets.sheet_names == ["数据问题"]
