"""What ``evalkit import`` and ``import-judgments`` write: whole files with the mode the umask
gives (they were 0600, readable by their owner only, while every other output was not), no
temporary file left, an earlier file kept when writing fails."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import xlsxwriter

from evalkit.ingest.judgment_formats import import_judgments, write_experts_workbook
from evalkit.ingest.platforms import import_responses, write_map, write_responses

from . import fixtures_judgments as fx
from . import fixtures_responses as fr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_outputs_have_the_umask_mode_and_no_temporary_file(tmp_path: Path) -> None:
    tree = fr.default_tree()
    case = fr.make_case("generic", tree, tmp_path / "in")
    imp = import_responses(case.path, tree, **case.kwargs)
    judged = import_judgments(
        fx.write_row_per_expert(tree, fx.truth(tree), tmp_path / "in" / "j.xlsx"), tree
    )
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        written = [
            write_responses(imp, out / "r.csv"),
            out / "r.import-log.txt",
            write_responses(imp, out / "r.xlsx"),
            write_experts_workbook(judged, tree, out / "experts.xlsx"),
        ]
        write_map(imp.proposed_map, out / "r.map.yaml")
        written.append(out / "r.map.yaml")
    finally:
        os.umask(old)
    assert {p.name: _mode(p) for p in written} == {p.name: 0o644 for p in written}
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)


def test_a_failed_write_keeps_the_earlier_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = fr.default_tree()
    case = fr.make_case("generic", tree, tmp_path / "in")
    imp = import_responses(case.path, tree, **case.kwargs)
    path = tmp_path / "out" / "r.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"earlier")

    def broken(self: xlsxwriter.Workbook) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken)
    with pytest.raises(OSError, match="disk full"):
        write_responses(imp, path)
    assert path.read_bytes() == b"earlier"
    assert [p.name for p in path.parent.iterdir()] == ["r.xlsx"]
