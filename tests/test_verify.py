"""`evalkit verify`: a run's reports checked against their inputs, by the installed command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from evalkit.verify import shown, verify


def _evalkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("evalkit")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


@pytest.fixture()
def ran(project: Path) -> Path:
    """The example project after `evalkit run --no-pdf` (English reports), with an uncertainty
    analysis of 32 draws (its intervals are in the workbooks)."""
    with open(project / "evalkit.yaml", "a", encoding="utf-8") as fh:
        fh.write("uncertainty:\n  draws: 32\n")
    res = _evalkit("run", str(project), "--no-pdf", "--lang", "en", "-j", "1")
    assert res.returncode == 0, res.stderr
    return project


def _lines(out: str, name: str) -> list[str]:
    """The verdict block of the file *name*."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}: "))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        block.append(line)
    return block


def test_verify_after_a_run_matches(ran: Path) -> None:
    res = _evalkit("verify", str(ran / "reports"))
    assert res.returncode == 0, res.stdout + res.stderr
    names = ["comparison.xlsx", "issues.xlsx", "东湖区.xlsx", "北岭区.xlsx", "南港区.xlsx"]
    for name in [*names, "西山区.xlsx"]:
        assert _lines(res.stdout, name) == [f"{name}: match"]
    assert res.stdout.splitlines()[-1].startswith("all match: 6 of 6 files match")


def test_verify_checks_the_uncertainty_intervals(ran: Path) -> None:
    path = ran / "reports" / "comparison.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Uncertainty"]
    assert ws["F2"].value == "rank_p95"  # the second header row holds the column ids
    ws["F3"] = ws["F3"].value + 1
    wb.save(path)
    res = _evalkit("verify", str(ran / "reports"))
    assert res.returncode == 1
    block = _lines(res.stdout, "comparison.xlsx")
    assert block[:2] == ["comparison.xlsx: does not match", "  numbers differ in 1 cell:"]
    assert block[2].startswith("    Uncertainty!F3: expected ")


def test_verify_accepts_a_run_given_settings_on_the_command_line(project: Path) -> None:
    res = _evalkit("run", str(project), "--no-pdf", "--uncertainty", "8", "-j", "1")
    assert res.returncode == 0, res.stderr
    res = _evalkit("verify", str(project / "reports"))
    assert res.returncode == 0, res.stdout + res.stderr
    assert _lines(res.stdout, "西山区.xlsx") == [
        "西山区.xlsx: 一致",
        "  运行时另有项目文件之外的设置（如命令行选项；运行所用 -> 项目文件，已按运行所用的重新计算）："
        "uncertainty.draws: 8 -> 1000",
    ]


def test_verify_names_the_survey_file_edited_in_one_cell(ran: Path) -> None:
    path = ran / "surveys" / "北岭区.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["responses"]
    ws["D2"] = 1 if ws["D2"].value != 1 else 5  # one answer of one officer
    wb.save(path)
    res = _evalkit("verify", str(ran / "reports"))
    assert res.returncode == 1
    for name in ("东湖区.xlsx", "comparison.xlsx"):
        block = _lines(res.stdout, name)
        assert block[0] == f"{name}: does not match"
        changed = [line for line in block if "inputs changed:" in line]
        assert len(changed) == 1 and "surveys/北岭区.xlsx (SHA-256 " in changed[0]
        assert "surveys/东湖区.xlsx" not in changed[0] and "evalkit.yaml" not in changed[0]
    # the numbers recomputed from the edited survey: 北岭区's own scores moved
    block = "\n".join(_lines(res.stdout, "北岭区.xlsx"))
    assert re.search(r"numbers differ in \d+ cells?:", block)


def test_verify_names_the_tampered_workbook_cell(ran: Path) -> None:
    path = ran / "reports" / "南港区.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Dimensions"]
    assert ws["C1"].value == "Score"
    original = ws["C3"].value
    ws["C3"] = original + 1.0
    wb.save(path)
    res = _evalkit("verify", str(ran / "reports"))
    assert res.returncode == 1
    assert _lines(res.stdout, "南港区.xlsx") == [
        "南港区.xlsx: does not match",
        "  numbers differ in 1 cell:",
        f"    Dimensions!C3: expected {original:.1f}, found {original + 1.0:.1f}",
    ]
    assert _lines(res.stdout, "东湖区.xlsx") == ["东湖区.xlsx: match"]
    assert _lines(res.stdout, "comparison.xlsx") == ["comparison.xlsx: match"]


def test_verify_a_change_below_the_shown_rounding_is_no_difference(ran: Path) -> None:
    path = ran / "reports" / "南港区.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Dimensions"]
    value = ws["C3"].value
    ws["C3"] = round(value, 1)  # shown with one decimal: the same number on the sheet
    wb.save(path)
    res = _evalkit("verify", str(ran / "reports"))
    assert _lines(res.stdout, "南港区.xlsx") == ["南港区.xlsx: match"], res.stdout


def test_verify_says_which_setting_changed_and_recomputes_with_the_recorded_one(
    ran: Path,
) -> None:
    yaml = ran / "evalkit.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text.replace("  alpha: 0.5 ", "  alpha: 0.7 ", 1), encoding="utf-8")
    result = verify(ran / "reports")
    assert not result.matches
    for v in result.verdicts:
        assert v.settings_changed == ("weights.alpha: 0.5 -> 0.7",)
        assert [c.path for c in v.inputs_changed] == ["evalkit.yaml"]
        assert v.differences == ()  # the recorded alpha recomputes the same numbers
    res = _evalkit("verify", str(ran / "reports"))
    assert res.returncode == 1
    assert (
        "  settings changed (recomputed with the recorded ones): weights.alpha: 0.5 -> 0.7"
        in _lines(res.stdout, "西山区.xlsx")
    )


def test_verify_finds_a_moved_project_only_with_project_option(ran: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "handed-over"
    shutil.copytree(ran / "reports", elsewhere)
    moved = tmp_path / "moved"
    ran.rename(moved)
    res = _evalkit("verify", str(elsewhere))
    assert res.returncode == 1
    assert "give the project folder with --project" in res.stderr
    res = _evalkit("verify", str(elsewhere), "--project", str(moved))
    assert res.returncode == 0, res.stdout + res.stderr


def test_verify_a_folder_without_evalkit_workbooks_is_an_error(tmp_path: Path) -> None:
    res = _evalkit("verify", str(tmp_path))
    assert res.returncode == 1
    assert "README sheet" in res.stderr


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (63.25, "0.0", "63.2"),  # Python rounds half to even on the binary value: 63.25 -> 63.2
        (63.26, "0.0", "63.3"),
        (0.123456, "0.000", "0.123"),
        (3, "0", "3"),
        (-0.04, "0.0", "0.0"),
        (0.5, "+0.0;-0.0;0.0", "0.5"),
        (1234.5, "#,##0", "1234"),
        (0.00012345, "0.00E+00", "1.23E-04"),
        (1 / 3, "General", "0.3333333333"),
        (0.256, "0.0%", "25.6"),
        ("融合级", "General", "融合级"),
        (None, "0.0", ""),
    ],
)
def test_numbers_are_compared_as_the_cell_shows_them(value: object, fmt: str, text: str) -> None:
    assert shown(value, fmt) == text
