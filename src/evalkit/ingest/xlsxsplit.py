"""Parse one large .xlsx sheet on several cores, as a pipeline.

A writer thread inflates the sheet's XML as a stream and cuts it at row boundaries into parts;
each part goes, uncompressed, into a small workbook of its own (with the original's shared
strings, styles and workbook parts, so text, numbers and dates read exactly as before), and is
parsed by python-calamine in a pool thread as soon as it is written (calamine releases the
interpreter lock while it parses). The caller receives the parts in sheet order, each as soon as
it is parsed, and converts one part while the next ones are still being inflated and parsed.

Each block is ``(first row index, first column index, rows)``; together the blocks hold exactly
the cells of ``to_python(skip_empty_area=False)`` on the whole sheet, the cells outside them
being empty. Whenever the sheet is not in the shape this relies on (rows without
``r="…"`` numbers, element names with a namespace prefix, a part not starting at the row its
first ``<row>`` names, anything unreadable), :class:`NotSplittable` is raised and the caller
parses the sheet in one piece: the split is only ever a faster route to the same cells.
"""

from __future__ import annotations

import posixpath
import queue
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from python_calamine import CalamineSheet, CalamineWorkbook

from ..system import cores

SPLIT_MIN_BYTES = 16_000_000  # inflated XML per part; a smaller sheet is parsed in one piece
PARTS_PER_CORE = 2  # more parts than cores, so converting one part overlaps parsing the next
CHUNK = 1 << 22
_SHEET_DATA = b"<sheetData>"
_PART_END = b"</sheetData></worksheet>"
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
# parts a sheet's values do not depend on: not copied into the parts (the sheet itself is written)
_NOT_COPIED = (
    "xl/worksheets/",
    "xl/chartsheets/",
    "xl/drawings/",
    "xl/media/",
    "xl/embeddings/",
    "xl/pivotCache/",
    "xl/pivotTables/",
    "xl/externalLinks/",
    "xl/printerSettings/",
    "xl/activeX/",
    "xl/ctrlProps/",
    "xl/vbaProject.bin",
    "customXml/",
)

Block = tuple[int, int, list[list[object]]]  # first row, first column (0-based), rows


class NotSplittable(Exception):
    """The sheet cannot be split safely; read it in one piece."""


def sheet_path(zf: zipfile.ZipFile, name: str) -> str | None:
    """The archive path of the worksheet called ``name`` (via workbook.xml and its relations)."""
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    rid = None
    for el in book.iter():
        if el.tag.endswith("}sheet") and el.get("name") == name:
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
    if rid is None:
        return None
    for el in rels.iter():
        if el.tag.endswith("}Relationship") and el.get("Id") == rid:
            target = el.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
            return path if path in zf.NameToInfo else None
    return None


def split_blocks(path: Path, name: str, parts: int | None = None) -> Iterator[Block] | None:
    """Blocks of sheet ``name`` parsed in ``parts`` pieces (default: two per core, each at least
    :data:`SPLIT_MIN_BYTES` of XML), or ``None`` when the sheet is too small to gain from it or
    its package is unusual (a sheet part name that is not unique ignoring case, as calamine looks
    names up; compression other than deflate)."""
    try:
        with zipfile.ZipFile(path) as zf:
            sheet = sheet_path(zf, name)
            if sheet is None:
                return None
            if sum(n.lower() == sheet.lower() for n in zf.namelist()) != 1:
                return None
            info = zf.getinfo(sheet)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                return None  # calamine reads deflate only: the one-piece read reports it
            size = info.file_size
    except Exception:  # anything odd about the package: the one-piece read says what
        return None
    n = parts if parts is not None else min(PARTS_PER_CORE * cores(), size // SPLIT_MIN_BYTES)
    if n < 2 or (parts is None and cores() < 2):
        return None
    return _blocks(Path(path), sheet, name, size, n)


def _parse(file: str, name: str) -> CalamineSheet:
    return CalamineWorkbook.from_path(file).get_sheet_by_name(name)


def _blocks(path: Path, sheet: str, name: str, size: int, n: int) -> Iterator[Block]:
    pending: queue.Queue[tuple[int | None, Future[CalamineSheet]] | BaseException | None]
    pending = queue.Queue()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="evalkit-split-") as tmp,
            ThreadPoolExecutor(1) as writer,
            ThreadPoolExecutor(max(1, min(cores(), n))) as parsers,
        ):
            writer.submit(
                _write_parts,
                path,
                sheet,
                size,
                n,
                Path(tmp),
                lambda file: parsers.submit(_parse, file, name),
                pending,
            )
            try:
                yield from _in_order(pending)
            except BaseException:
                parsers.shutdown(wait=False, cancel_futures=True)  # unparsed parts: skip them
                raise
    except NotSplittable:
        raise
    except Exception as exc:  # no temporary folder, no thread, ...: read in one piece
        raise NotSplittable(f"{type(exc).__name__}: {exc}") from exc


def _in_order(pending: queue.Queue) -> Iterator[Block]:
    """Blocks of the parsed parts as they come off ``pending``, checked for row order."""
    last = -1
    while (item := pending.get()) is not None:
        if isinstance(item, BaseException):
            raise NotSplittable(str(item)) from item
        first_row, future = item
        try:
            part = future.result()
            start, end = part.start, part.end
            if start is None:
                continue  # no cells in this part
            (r0, c0), (r1, _) = start, end
            if r0 <= last or (first_row is not None and r0 < first_row - 1):
                raise NotSplittable("rows are not numbered in sheet order")
            rows = part.to_python(skip_empty_area=True)
        except NotSplittable:
            raise
        except Exception as exc:  # any parse trouble: read in one piece
            raise NotSplittable(str(exc)) from exc
        yield r0, c0, rows
        last = r1


def _write_parts(
    path: Path,
    sheet: str,
    size: int,
    n: int,
    tmp: Path,
    submit: Callable[[str], Future[CalamineSheet]],
    pending: queue.Queue,
) -> None:
    """Inflate the sheet as a stream, write parts cut at ``<row`` tags, submit each for parsing.

    Puts ``(number of the part's first row, future)`` per part on ``pending`` (``None`` for the
    first part), an exception if something fails, and ``None`` at the end.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            others = [
                (info.filename, zf.read(info))
                for info in zf.infolist()
                if info.filename.lower() != sheet.lower()
                and not info.filename.startswith(_NOT_COPIED)
            ]
            with zf.open(sheet) as src:
                data = b""
                while (i := data.find(_SHEET_DATA)) < 0:
                    chunk = src.read(1 << 16)
                    if not chunk or len(data) > CHUNK:
                        raise NotSplittable("no <sheetData> element without a namespace prefix")
                    data += chunk
                start = i + len(_SHEET_DATA)
                head = _DIMENSION.sub(b"", data[:start], count=1)  # no cell reservation per part
                if b"<worksheet" not in head:
                    raise NotSplittable("no <worksheet> element without a namespace prefix")
                buf = bytearray(data[start:])
                target = max(1, (size - start) // n)
                k, first_row, written = 0, None, 0
                out, fh = _open_part(tmp, k, sheet, others, head)
                while True:
                    due = k < n - 1 and written + len(buf) >= target
                    if due:
                        pos = buf.find(b"<row ", max(0, target - written))
                        gt = buf.find(b">", pos) if pos >= 0 else -1
                        if gt >= 0:
                            m = _ROW_NUMBER.search(buf, pos, gt + 1)
                            if m is None:
                                raise NotSplittable("rows without an r= row number")
                            fh.write(memoryview(buf)[:pos])
                            fh.write(_PART_END)
                            pending.put((first_row, submit(_close_part(out, fh))))
                            first_row = int(m.group(1))
                            del buf[:pos]
                            k, written = k + 1, 0
                            out, fh = _open_part(tmp, k, sheet, others, head)
                            continue
                    chunk = src.read(CHUNK)
                    if not chunk:
                        break
                    if due:
                        buf += chunk  # still looking for the next row start
                        if len(buf) > 16 * CHUNK:
                            raise NotSplittable("no row start found in 64 MB of XML")
                    else:
                        fh.write(buf)
                        written += len(buf)
                        buf = bytearray(chunk)
                fh.write(buf)  # the last part ends with the sheet's own closing elements
                pending.put((first_row, submit(_close_part(out, fh))))
    except BaseException as exc:  # the reader reads in one piece
        pending.put(exc)
    finally:
        pending.put(None)


def _open_part(
    tmp: Path, k: int, sheet: str, others: list[tuple[str, bytes]], head: bytes
) -> tuple[zipfile.ZipFile, IO[bytes]]:
    out = zipfile.ZipFile(tmp / f"part{k}.xlsx", "w", zipfile.ZIP_STORED)
    for name, data in others:
        out.writestr(name, data)
    fh = out.open(sheet, "w", force_zip64=True)
    fh.write(head)
    return out, fh


def _close_part(out: zipfile.ZipFile, fh: IO[bytes]) -> str:
    fh.close()
    out.close()
    return str(out.filename)
