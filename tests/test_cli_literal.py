"""Every user string on the terminal is shown literally: rich markup (``A[/]B``, ``[bold red]``),
emoji codes (``:police_car:``) and the project path are printed as they are, never read as markup
or style and never a MarkupError; control characters and direction marks, which a terminal would
act on, are shown as [U+XXXX]. The CLI runs in a subprocess, as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
NAMES = {  # survey workbook -> the district's new name
    "东湖区.xlsx": "A[/]B",
    "北岭区.xlsx": "[bold red]北岭[/]",
    "南港区.xlsx": ":police_car: \u202eevil",
    "西山区.xlsx": "西山\x9b31m区",
}
SHOWN = {  # what the terminal must show for each
    "A[/]B": "A[/]B",
    "[bold red]北岭[/]": "[bold red]北岭[/]",
    ":police_car: \u202eevil": ":police_car: [U+202E]evil",
    "西山\x9b31m区": "西山[U+009B]31m区",
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evalkit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "COLUMNS": "250"},  # wide enough that no table cell is wrapped
        check=False,
    )


def _rename(project: Path, file: str, name: str, station: str | None = None) -> None:
    path = project / "surveys" / file
    wb = openpyxl.load_workbook(path)
    for ws in (wb["responses"], wb["stations"]):
        head = [c.value for c in ws[1]]
        first = ws.cell(2, head.index("station") + 1).value
        for r in range(2, ws.max_row + 1):
            for col in ("district", "district_en"):
                if col in head:
                    ws.cell(r, head.index(col) + 1).value = name
            cell = ws.cell(r, head.index("station") + 1)
            if station is not None and cell.value == first:
                cell.value = station
    wb.save(path)


@pytest.fixture()
def marked(tmp_path: Path) -> Path:
    """A copy of the example in a folder whose path holds markup, its districts renamed."""
    dst = tmp_path / "A[" / "]B [bold]" / "project"  # the path holds "A[/]B" and "[bold]"
    dst.mkdir(parents=True)
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    for file, name in NAMES.items():
        _rename(dst, file, name)
    return dst


def test_run_shows_names_and_path_literally(marked: Path) -> None:
    # before: "[1/4] A[/]B" raised MarkupError: closing tag '[/]' has nothing to close
    done = _cli("run", str(marked), "--no-pdf", "-j", "1")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    out = done.stdout
    for name, shown in SHOWN.items():
        assert f"] {shown}\n" in out, f"progress line of {name!r}"  # "  [i/4] <name>"
        assert f"│ {shown} " in out, f"{name!r} in the table"  # a cell of the districts table
    assert "🚓" not in out  # :police_car: is a name, not an emoji code
    assert "\x9b" not in out and "\u202e" not in out  # nothing the terminal would act on
    assert f"files written to {marked / 'reports'}" in out
    # the renamed file names: A[/]B holds a /
    assert "A[%2F]B~" in out and "A[/]B -> A[%2F]B~" in out


def test_errors_show_names_and_path_literally(marked: Path) -> None:
    # before: the summary of a run with a district left out, "A[/]B (2 errors in ...)", was
    # read as markup: MarkupError and a traceback instead of the list of problems
    path = marked / "surveys" / "东湖区.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["responses"]["D5"] = 9
    wb.save(path)
    done = _cli("run", str(marked), "--no-pdf", "-j", "1")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    err = " ".join(done.stderr.split())
    assert (
        "Error: 1 district(s) left out because of errors in their files: A[/]B (1 error in " in err
    )
    assert f"{marked / 'reports' / 'issues.xlsx'}" in err


def test_tree_and_weights_show_node_names_literally(marked: Path) -> None:
    tree = marked / "indicators" / "community_policing.yaml"
    text = tree.read_text(encoding="utf-8")
    text = text.replace("zh: 社区警务信息化成熟度评价指标体系（默认版）", 'zh: "[bold]A[/]B"', 1)
    text = text.replace(
        "name: {zh: 信息采集, en: Information collection}",
        'name: {zh: "[red]信息[/]采集", en: "[link=http://x]Info[/link]"}',
        1,
    )
    tree.write_text(text, encoding="utf-8")
    done = _cli("tree", str(marked), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("[bold]A[/]B  (")
    assert "info_collection: [red]信息[/]采集" in done.stdout
    done = _cli("weights", str(marked), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "[link=http://x]Info[/link]" in done.stdout


def test_inspect_shows_the_file_name_literally(tmp_path: Path) -> None:
    # before: "[bold]x[/]y/...[/]" raised MarkupError
    folder = tmp_path / "x[" / "]y"
    folder.mkdir(parents=True)
    sample = (
        ROOT / "examples" / "imports" / "350881459_按序号_东湖派出所社区警务信息化调查_40_40.xlsx"
    )
    export = folder / f"[bold red]{sample.name}"
    shutil.copyfile(sample, export)
    tree = ROOT / "indicators" / "community_policing.yaml"
    done = _cli("inspect", str(export), "--tree", str(tree))
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout.startswith(f"{export}: 问卷星 按序号"), done.stdout[:300]


def test_a_project_folder_with_brackets_finds_its_files(tmp_path: Path) -> None:
    # before: the folder's "[1]" was read as a glob character class: "no file matches"
    from evalkit.spec import load_spec

    dst = tmp_path / "区[1]" / "project"
    dst.mkdir(parents=True)
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    assert len(load_spec(dst).surveys) == 4
    # a file whose own name holds brackets, listed as it is
    (dst / "surveys" / "东湖区.xlsx").rename(dst / "surveys" / "[2024]东湖区.xlsx")
    text = (dst / "evalkit.yaml").read_text(encoding="utf-8")
    text = text.replace("surveys: [surveys/*.xlsx]", 'surveys: ["surveys/[2024]东湖区.xlsx"]', 1)
    (dst / "evalkit.yaml").write_text(text, encoding="utf-8")
    assert [p.name for p in load_spec(dst).surveys] == ["[2024]东湖区.xlsx"]
