"""Contained reading: a district's workbook that crashes the reader, or exhausts memory or time,
costs only its own district.

Every workbook is checked before it is read (:mod:`evalkit.ingest.tables`: the zip directory,
XML entity declarations, the sheets' declared sizes). What those checks cannot see (a sheet
without a declared size whose cells reach XFD1048576 makes python-calamine abort the whole
process, a Rust abort that no ``try`` catches) is met by reading every workbook once first in a
worker process under a memory limit (``RLIMIT_AS``) and a time limit: a worker that dies (a
signal), runs out of memory or out of time marks its file, the worker is replaced, and the run
then refuses that file unread (:data:`evalkit.ingest.tables.REFUSED`): it is left out with its
district like any file with errors, and the problem (file, what happened, the fix) is listed in
``issues.xlsx``. Files the workers read without trouble are read again by the run itself.

Workers come from a fork server (Linux; spawned elsewhere) holding the readers already imported,
so starting one costs milliseconds; they end with the run (their pipe closes; on Linux also
``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from ..errors import Issue, Location
from ..system import cores

WORKBOOKS = (".xlsx", ".xlsm", ".ods", ".xls")
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ReadLimits:
    """What reading one workbook may take in a worker: ``memory`` bytes of address space
    (``RLIMIT_AS``; 0: no limit), ``seconds`` of wall time, and at most ``workers`` workers
    (None: one per core)."""

    memory: int = 4 << 30
    seconds: float = 300.0
    workers: int | None = None


def _serve(conn: Any, memory: int) -> None:
    """A worker: read each workbook path it is sent, whole (every sheet), and answer ``ok`` or
    ``memory``; a problem the reader reports as bad input is the run's to report (``ok``)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    devnull = os.open(os.devnull, os.O_WRONLY)  # a reader's crash report is not the user's
    os.dup2(devnull, 2)
    if memory:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from ..ingest.tables import read_rows, sheet_names

    while True:
        try:
            path = Path(conn.recv())
        except (EOFError, OSError):
            return
        try:
            for name in sheet_names(path, allow_xls=True):
                read_rows(path, name, allow_xls=True)
            answer = "ok"
        except MemoryError:
            answer = "memory"
        except Exception:  # bad input: the run's own reading says what, where
            answer = "ok"
        conn.send(answer)


@dataclass
class _Worker:
    proc: Any
    conn: Any
    path: Path | None = None
    deadline: float = 0.0


def _context() -> Any:
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["evalkit.ingest.tables"])
        return ctx
    return multiprocessing.get_context("spawn")


def _start(ctx: Any, limits: ReadLimits) -> _Worker:
    ours, theirs = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(theirs, limits.memory), daemon=True)
    proc.start()
    theirs.close()
    return _Worker(proc, ours)


def _end(w: _Worker) -> int | None:
    """Stop a worker (killed when it still runs); its exit code."""
    with contextlib.suppress(OSError):
        w.conn.close()
    w.proc.join(2)
    if w.proc.is_alive():
        w.proc.kill()
        w.proc.join(5)
    return w.proc.exitcode


def vet_files(paths: Iterable[Path], limits: ReadLimits | None = None) -> dict[Path, Issue]:
    """Read every workbook of *paths* once in worker processes under *limits*; the files that
    crashed a worker, or took too much memory or time, with the problem to list."""
    limits = limits or ReadLimits()
    todo = deque(dict.fromkeys(Path(p) for p in paths if Path(p).suffix.lower() in WORKBOOKS))
    found: dict[Path, Issue] = {}
    if not todo:
        return found
    ctx = _context()
    n = max(1, min(limits.workers or cores(), len(todo)))
    idle = [_start(ctx, limits) for _ in range(n)]
    busy: list[_Worker] = []
    try:
        while todo or busy:
            while todo and idle:
                w = idle.pop()
                w.path, w.deadline = todo.popleft(), time.monotonic() + limits.seconds
                w.conn.send(str(w.path))
                busy.append(w)
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            wait([x for w in busy for x in (w.conn, w.proc.sentinel)], timeout)
            for w in list(busy):
                problem, alive = _look(w, limits)
                if problem is None and alive is None:
                    continue  # still reading
                busy.remove(w)
                if problem is not None:
                    found[w.path] = problem  # type: ignore[index]
                if alive:
                    idle.append(w)
                elif todo:
                    idle.append(_start(ctx, limits))
    finally:
        for w in idle + busy:
            _end(w)
    return found


def _look(w: _Worker, limits: ReadLimits) -> tuple[Issue | None, bool | None]:
    """(the problem of *w*'s file or None, whether *w* can go on); (None, None) while it reads."""
    answer = None
    try:
        if w.conn.poll():
            answer = w.conn.recv()
    except (EOFError, OSError):
        answer = "died"
    if answer == "ok":
        return None, True
    if answer == "memory":
        return _problem(w.path, "memory", limits), True
    if answer is None and time.monotonic() < w.deadline and w.proc.is_alive():
        return None, None
    if answer is None and w.proc.is_alive():
        _end(w)
        return _problem(w.path, "time", limits), False
    code = _end(w)
    return _problem(w.path, "crash", limits, code), False


def _problem(path: Path | None, what: str, limits: ReadLimits, code: int | None = None) -> Issue:
    """The problem listed for a workbook the reader could not read in a worker."""
    mb = limits.memory >> 20
    if what == "memory":
        en = f"reading this workbook needed more than {mb:,} MB of memory; the file was left out"
        zh = f"读取该工作簿需要超过 {mb:,} MB 的内存，已跳过该文件"
    elif what == "time":
        en = (
            f"reading this workbook took longer than {limits.seconds:g} s; the reader was "
            "stopped and the file left out"
        )
        zh = f"读取该工作簿超过 {limits.seconds:g} 秒，已中止读取并跳过该文件"
    else:
        sig = sig_zh = ""
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                sig = f" ({signal.Signals(-code).name})"
        sig_zh = f"（{sig.strip()[1:-1]}）" if sig else ""
        en = (
            f"the spreadsheet reader crashed on this workbook{sig}; it was read in a process of "
            "its own, so only this file was left out"
        )
        zh = f"电子表格读取器在读取该工作簿时崩溃{sig_zh}；它在单独的进程中读取，只有该文件被跳过"
    return Issue(
        Location(file=str(path)),
        en,
        message_zh=zh,
        expected="a workbook as Excel, WPS or LibreOffice save it",
        expected_zh="由 Excel、WPS 或 LibreOffice 保存的工作簿",
        fix="The file is damaged or built to harm the reader: open it in Excel/WPS and save it "
        "again as .xlsx, or export the sheets as CSV. A genuine, very large workbook may be read "
        "with higher limits: evalkit run --read-memory MB --read-timeout SECONDS.",
        fix_zh="文件已损坏或是为破坏读取器而构造的：请用 Excel/WPS 打开后重新另存为 .xlsx，或把"
        "工作表导出为 CSV。确属正常的超大工作簿，可提高限制后读取：evalkit run --read-memory "
        "MB --read-timeout 秒。",
        check="file",
    )


def spec_workbooks(spec: Any) -> list[Path]:
    """The workbooks a project reads: survey, responses and stations files, imports, experts,
    those of every survey period too."""
    paths: list[Path] = []
    for data in (spec, *getattr(spec, "periods", ())):
        paths += [*data.surveys, *data.responses, *data.stations, *(i.file for i in data.imports)]
        if data.experts is not None:
            paths.append(data.experts)
    root = Path(spec.root)
    return list(dict.fromkeys(p if Path(p).is_absolute() else root / p for p in paths))


@contextlib.contextmanager
def contained(spec: Any, limits: ReadLimits | None = None) -> Iterator[dict[Path, Issue]]:
    """Vet *spec*'s workbooks (:func:`vet_files`); while the block runs, the files found are
    refused unread by every reader (:data:`evalkit.ingest.tables.REFUSED`)."""
    from ..ingest.tables import REFUSED

    found = vet_files(spec_workbooks(spec), limits)
    saved = dict(REFUSED)
    REFUSED.update({os.path.realpath(p): issue for p, issue in found.items()})
    try:
        yield found
    finally:
        REFUSED.clear()
        REFUSED.update(saved)


__all__ = ["ReadLimits", "contained", "spec_workbooks", "vet_files"]
