"""Files written whole or not at all (evalkit.fileio)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import openpyxl
import pytest

from evalkit.fileio import (
    PART_PREFIX,
    atomic_path,
    atomic_workbook,
    atomic_write_bytes,
    atomic_write_text,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(PART_PREFIX))


def test_text_is_written_as_given_and_the_folder_made(tmp_path: Path) -> None:
    path = tmp_path / "new" / "map.yaml"
    atomic_write_text(path, "a: 1\r\nb: 东湖\n", encoding="utf-8-sig")
    assert path.read_bytes() == "\ufeffa: 1\r\nb: 东湖\n".encode()  # no newline translation
    atomic_write_bytes(path, b"x")
    assert path.read_bytes() == b"x"
    assert _leftovers(path.parent) == []


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_file_mode_is_what_the_umask_gives(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
        with atomic_workbook(tmp_path / "b.xlsx") as wb:
            wb.add_worksheet("s").write_string(0, 0, "x")
    finally:
        os.umask(old)
    for name in ("a.txt", "b.xlsx"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


def test_a_failure_keeps_the_earlier_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"earlier")
    with pytest.raises(ZeroDivisionError), atomic_workbook(path) as wb:
        wb.add_worksheet("s").write_string(0, 0, "half")
        1 / 0  # noqa: B018 - fails while the workbook is written
    with pytest.raises(KeyboardInterrupt), atomic_path(path) as tmp:
        tmp.write_bytes(b"half")
        raise KeyboardInterrupt
    assert path.read_bytes() == b"earlier"
    assert _leftovers(tmp_path) == []


def test_a_workbook_is_complete_when_it_appears(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    with atomic_workbook(path, {"strings_to_formulas": False}) as wb:
        wb.add_worksheet("s").write(0, 0, "=1+1")
        assert not path.exists()  # nothing at the target while it is written
    assert openpyxl.load_workbook(path)["s"]["A1"].value == "=1+1"
    assert openpyxl.load_workbook(path)["s"]["A1"].data_type == "s"  # text, not a formula


def test_the_temporary_name_is_short_beside_a_long_target(tmp_path: Path) -> None:
    long = "区" * 80 + ".xlsx"  # 245 bytes in UTF-8: a longer temporary name would not fit
    with atomic_path(tmp_path / long) as tmp:
        assert tmp.parent == tmp_path and len(tmp.name.encode()) < 24
        tmp.write_bytes(b"x")
    assert (tmp_path / long).read_bytes() == b"x"
