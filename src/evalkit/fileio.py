"""Files written whole or not at all.

Every file evalkit writes for a user goes first to a short temporary name in the folder of its
target (``.evalkit-XXXXXXXX.part``: a district's name may fill most of the 255 bytes a file name
can have), is flushed to disk, and is then renamed onto the target in one step. A reader never sees
half a file, an earlier file stays as it was until the new one is complete, and on any failure
(an exception, Ctrl-C) the temporary file is removed. The file gets the mode the umask gives a new
file, like any file a program creates (not the 0600 of :func:`tempfile.mkstemp`).

This module is at the bottom of evalkit: it imports nothing of evalkit.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PART_PREFIX = ".evalkit-"
PART_SUFFIX = ".part"


def part_name(path: Path) -> Path:
    """A fresh temporary name beside *path*: ``.evalkit-<8 hex digits>.part``."""
    return path.with_name(f"{PART_PREFIX}{secrets.token_hex(4)}{PART_SUFFIX}")


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path to write *path*'s content to; renamed onto *path* when the block ends.

    The folder is created when missing. When the block raises, nothing is renamed and the
    temporary file, if it was created, is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_name(path)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the original error matters, not the cleanup's
            tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write *text* to *path* atomically (line endings as given: no newline translation)."""
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "x", encoding=encoding, newline="") as fh:
        fh.write(text)
    return path


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write *data* to *path* atomically."""
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "xb") as fh:
        fh.write(data)
    return path


@contextlib.contextmanager
def atomic_workbook(path: Path | str, options: dict[str, Any] | None = None) -> Iterator[Any]:
    """An xlsxwriter workbook that becomes *path* when the block ends without an error.

    ``options`` are xlsxwriter's (pass ``strings_to_formulas: False`` for user text)."""
    import xlsxwriter

    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), options or {})
        try:
            yield wb
            wb.close()
        except BaseException:
            wb.fileclosed = True  # nothing more to write; keep xlsxwriter from closing it later
            raise


__all__ = [
    "PART_PREFIX",
    "PART_SUFFIX",
    "atomic_path",
    "atomic_workbook",
    "atomic_write_bytes",
    "atomic_write_text",
    "part_name",
]
