"""Input files that are not readable files: no read permission, a folder named x.xlsx, a symbolic
link loop, a named pipe (which hung the run), for survey workbooks, the experts file, imports, the
tree and the recommendation library. Each is a located problem; a survey file blocks only its own
districts (the others' reports and issues.xlsx are written); nothing that is not a regular file is
opened, and a glob says what it skipped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from evalkit.errors import DataError, PartialRunError, SpecError
from evalkit.files import file_problem
from evalkit.ingest.survey import load_survey_data
from evalkit.pipeline import evaluate
from evalkit.run import run_project
from evalkit.spec import ImportSpec, load_spec
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
SURVEYS = ["东湖区", "北岭区", "南港区", "西山区"]


def _name_surveys(project: Path) -> None:
    """List the four survey workbooks by name instead of the glob `surveys/*.xlsx`."""
    spec = project / "evalkit.yaml"
    text = spec.read_text(encoding="utf-8")
    named = ", ".join(f"surveys/{d}.xlsx" for d in SURVEYS)
    spec.write_text(text.replace("[surveys/*.xlsx]", f"[{named}]"), encoding="utf-8")


def _cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v]


def _replace(path: Path, make: Callable[[Path], None]) -> None:
    path.unlink()
    make(path)


def _as_nobody(fn: Callable[[], dict]) -> dict:
    """``fn()`` in a child process that has dropped to user and group 65534 (who, unlike root, is
    stopped by permission bits); its result comes back as JSON. The child is forked, not exec'd:
    the interpreter may live where that user cannot reach (under /root)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into the tests
        try:
            os.close(read)
            try:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                out = fn()
            except BaseException as exc:
                out = {"crash": f"{type(exc).__name__}: {exc}"}
            os.write(write, json.dumps(out, ensure_ascii=False).encode())
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(data)


@pytest.fixture()
def no_hang() -> Iterator[None]:
    """Fail instead of hanging when a reader opens a named pipe (which waits for a writer)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("the reader opened a named pipe and waited for a writer")

    before = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


@pytest.fixture()
def shared_project(project: Path) -> Iterator[Path]:
    """A copy of the example in a folder user 65534 can traverse and write (pytest's own temporary
    folders are private to root)."""
    top = Path(tempfile.mkdtemp(prefix="evalkit-perm-"))
    try:
        top.chmod(0o755)
        dst = top / "project"
        shutil.copytree(project, dst)
        for p in [dst, *dst.rglob("*")]:
            p.chmod(0o777 if p.is_dir() else 0o644)
        yield dst
    finally:
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to another user")
def test_survey_without_read_permission_blocks_only_its_district(
    project: Path, shared_project: Path
) -> None:
    run_project(project, pdf=False)  # every module the run imports is loaded before the fork
    target = shared_project / "surveys" / "北岭区.xlsx"
    target.chmod(0)

    def run() -> dict:
        try:
            run_project(shared_project, pdf=False)
        except PartialRunError as exc:
            return {
                "partial": [str(i) for i in exc.issues],
                "written": sorted(os.listdir(shared_project / "reports")),
            }
        return {"complete": True}

    got = _as_nobody(run)
    assert "crash" not in got, got["crash"]  # was PermissionError from the zip check
    assert got["partial"] == [
        "surveys/北岭区.xlsx: no permission to read this file. Give your user read access to it "
        "(or copy it to a folder of yours)."
    ]
    assert got["written"] == [
        "comparison.html",
        "comparison.xlsx",
        "issues.xlsx",
        "manifest.json",
        "东湖区.html",
        "东湖区.xlsx",
        "南港区.html",
        "南港区.xlsx",
        "西山区.html",
        "西山区.xlsx",
    ]
    issues = _cells(shared_project / "reports" / "issues.xlsx")
    assert any("没有读取该文件的权限" in c for c in issues)  # the project's language: Chinese


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to another user")
def test_experts_file_without_read_permission_is_a_located_problem(
    project: Path, shared_project: Path
) -> None:
    evaluate(project)
    (shared_project / "surveys" / "experts.xlsx").chmod(0)

    def run() -> dict:
        try:
            evaluate(shared_project, isolate=True)
        except DataError as exc:
            return {"errors": [str(i) for i in exc.issues if i.severity == "error"]}
        return {"complete": True}

    got = _as_nobody(run)
    assert got == {
        "errors": [
            "surveys/experts.xlsx: no permission to read this file. Give your user read access "
            "to it (or copy it to a folder of yours)."
        ]
    }


def test_survey_named_as_a_folder_blocks_only_its_district(project: Path) -> None:
    _name_surveys(project)
    _replace(project / "surveys" / "南港区.xlsx", lambda p: p.mkdir())
    with pytest.raises(PartialRunError) as exc:
        run_project(project, pdf=False)
    (err,) = [i for i in exc.value.issues if i.severity == "error"]
    assert (err.location.file, err.message) == ("surveys/南港区.xlsx", "is a folder, not a file")
    reports = project / "reports"
    assert sorted(p.name for p in reports.glob("*.xlsx")) == [
        "comparison.xlsx",
        "issues.xlsx",
        "东湖区.xlsx",
        "北岭区.xlsx",
        "西山区.xlsx",
    ]
    assert "这是文件夹，不是文件" not in _cells(reports / "issues.xlsx")
    assert any("是文件夹，不是文件" in c for c in _cells(reports / "issues.xlsx"))


def test_survey_named_as_a_symlink_loop_is_a_located_problem(project: Path) -> None:
    _name_surveys(project)
    loop = project / "surveys" / "西山区.xlsx"
    _replace(loop, lambda p: p.symlink_to(p.name))
    ev = evaluate(project, isolate=True)  # was RuntimeError: Symlink loop
    assert ev.blocked == {"surveys/西山区.xlsx": []}
    (err,) = ev.errors
    assert err.message == "is a symbolic link that leads back to itself (a loop), not a file"
    assert sorted(ev.districts["district"]) == ["东湖区", "北岭区", "南港区"]


def test_survey_named_as_a_pipe_is_refused_without_opening(project: Path) -> None:
    _name_surveys(project)
    _replace(project / "surveys" / "东湖区.xlsx", lambda p: os.mkfifo(p))
    # the CLI, as a user runs it; opening the pipe waited for a writer forever
    done = subprocess.run(
        [sys.executable, "-m", "evalkit", "validate", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert (
        "surveys/东湖区.xlsx: is a named pipe (FIFO), not a regular file; it was not opened"
        in done.stdout + done.stderr
    )
    assert "Traceback" not in done.stderr


@pytest.mark.usefixtures("no_hang")
def test_glob_skips_folders_pipes_and_loops_and_says_so(project: Path) -> None:
    surveys = project / "surveys"
    (surveys / "x.xlsx").mkdir()
    os.mkfifo(surveys / "pipe.xlsx")
    (surveys / "loop.xlsx").symlink_to("loop.xlsx")
    (surveys / "gone.xlsx").symlink_to("nowhere.xlsx")
    ev = evaluate(project)
    assert sorted(ev.districts["district"]) == sorted(SURVEYS)
    skipped = {
        i.message: i.location.line
        for i in ev.issues
        if i.check == "files" and "skipped" in i.message
    }
    assert skipped == {
        "`data.surveys`: 'surveys/*.xlsx' matches surveys/gone.xlsx, which is a symbolic link to "
        "nowhere.xlsx, which does not exist; it is skipped": 10,
        "`data.surveys`: 'surveys/*.xlsx' matches surveys/loop.xlsx, which is a symbolic link that "
        "leads back to itself (a loop), not a file; it is skipped": 10,
        "`data.surveys`: 'surveys/*.xlsx' matches surveys/pipe.xlsx, which is a named pipe (FIFO), "
        "not a regular file; it was not opened; it is skipped": 10,
        "`data.surveys`: 'surveys/*.xlsx' matches surveys/x.xlsx, which is a folder, not a file; "
        "it is skipped": 10,
    }
    assert all(i.severity == "warning" and i.message_zh for i in ev.issues if i.check == "files")


@pytest.mark.usefixtures("no_hang")
@pytest.mark.parametrize("kind", ["folder", "pipe", "loop"])
def test_experts_file_that_is_no_file_is_a_located_problem(project: Path, kind: str) -> None:
    experts = project / "surveys" / "experts.xlsx"
    make = {
        "folder": lambda p: p.mkdir(),
        "pipe": lambda p: os.mkfifo(p),
        "loop": lambda p: p.symlink_to(p.name),
    }[kind]
    _replace(experts, make)
    if kind == "loop":  # cannot be resolved at all: the project file's line says so
        with pytest.raises(SpecError) as spec_exc:
            load_spec(project)
        (err,) = spec_exc.value.issues
        assert err.location.line == 11
        assert "leads back to itself" in err.message
        return
    with pytest.raises(DataError) as exc:
        run_project(project, pdf=False)
    (err,) = [i for i in exc.value.issues if i.severity == "error"]
    assert err.location.file == "surveys/experts.xlsx"
    assert (
        err.message
        == {
            "folder": "is a folder, not a file",
            "pipe": "is a named pipe (FIFO), not a regular file; it was not opened",
        }[kind]
    )
    assert (project / "reports" / "issues.xlsx").exists()  # the run says what stopped it


@pytest.mark.usefixtures("no_hang")
@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_import_file_that_is_no_file_blocks_only_its_district(project: Path, kind: str) -> None:
    raw = project / "raw"
    raw.mkdir()
    target = raw / "问卷星.xlsx"
    target.mkdir() if kind == "folder" else os.mkfifo(target)
    shutil.copyfile(ROOT / "examples/imports/东湖分局_纸质问卷录入.map.yaml", raw / "map.yaml")
    spec = project / "evalkit.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "  missing_codes: []",
            "  missing_codes: []\n  imports:\n"
            "    - {file: raw/问卷星.xlsx, map: raw/map.yaml, district: 西山区}",
        ),
        encoding="utf-8",
    )
    ev = evaluate(project, isolate=True)
    assert ev.blocked == {"raw/问卷星.xlsx": ["西山区"]}
    assert sorted(ev.districts["district"]) == ["东湖区", "北岭区", "南港区"]
    (err,) = ev.errors
    assert err.location.file == "raw/问卷星.xlsx" and "not" in err.message


@pytest.mark.usefixtures("no_hang")
def test_import_read_directly_refuses_a_pipe(project: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "导出.xlsx"
    os.mkfifo(pipe)
    tree = load_tree(project / "indicators" / "community_policing.yaml")
    with pytest.raises(DataError) as exc:
        load_survey_data(tree, imports=[ImportSpec(pipe, district="东湖区")], base=tmp_path)
    (err,) = exc.value.issues
    assert (err.location.file, err.district) == ("导出.xlsx", "东湖区")
    assert err.message.startswith("is a named pipe (FIFO)")


@pytest.mark.parametrize("key", ["tree", "recommendations"])
def test_tree_or_library_pointing_at_a_folder_is_an_error_at_its_line(
    project: Path, key: str
) -> None:
    spec = project / "evalkit.yaml"
    lines = spec.read_text(encoding="utf-8").splitlines()
    line = next(k for k, t in enumerate(lines, start=1) if t.startswith(f"{key}:"))
    lines[line - 1] = f"{key}: indicators"
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (err,) = exc.value.issues
    assert err.location.line == line
    assert err.message.endswith("indicators: is a folder, not a file")
    assert err.message_zh.endswith("indicators：是文件夹，不是文件")


def test_file_problem_names_each_kind(tmp_path: Path) -> None:
    (tmp_path / "f.xlsx").write_bytes(b"x")
    (tmp_path / "d.xlsx").mkdir()
    os.mkfifo(tmp_path / "p.xlsx")
    (tmp_path / "l.xlsx").symlink_to("l.xlsx")
    (tmp_path / "dangling.xlsx").symlink_to("missing.xlsx")
    kinds = {
        name: (p.kind if (p := file_problem(tmp_path / name)) else None)
        for name in ("f.xlsx", "d.xlsx", "p.xlsx", "l.xlsx", "dangling.xlsx", "none.xlsx")
    }
    assert kinds == {
        "f.xlsx": None,
        "d.xlsx": "folder",
        "p.xlsx": "special",
        "l.xlsx": "loop",
        "dangling.xlsx": "missing",
        "none.xlsx": "missing",
    }
    assert stat.S_ISFIFO(os.stat(tmp_path / "p.xlsx").st_mode)  # still a pipe, never opened
