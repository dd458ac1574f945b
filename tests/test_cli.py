"""The command line: every command runs, fails cleanly, and is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from evalkit.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_every_command_is_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert set(commands) >= {"run", "init", "validate", "weights", "synth", "tree"}
    for name in commands:
        assert re.search(rf"`evalkit {name}\b", readme), f"`evalkit {name}` is not in the README"
    for group in app.registered_groups:
        for c in group.typer_instance.registered_commands:
            full = f"{group.name} {c.name or c.callback.__name__}"
            assert f"`evalkit {full}" in readme, f"`evalkit {full}` is not in the README"


def test_validate_ok(project: Path) -> None:
    res = runner.invoke(app, ["validate", str(project)])
    assert res.exit_code == 0, res.output
    assert "OK:" in res.output and "1053 respondents" in res.output
    assert "E06" in res.output  # the inconsistent expert is a warning


def test_validate_reports_every_problem_with_place_and_exit_1(project: Path) -> None:
    path = project / "surveys" / "西山区.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["responses"]["F12"] = 7
    wb["stations"]["G3"] = "n/a"
    wb.save(path)
    res = runner.invoke(app, ["validate", str(project)])
    assert res.exit_code == 1
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert "Error:" in err
    assert 'surveys/西山区.xlsx, sheet "responses", row 12' in err
    assert 'sheet "stations", row 3' in err
    assert "Traceback" not in err


def test_weights_shows_cr_per_expert_and_ri_table(project: Path) -> None:
    res = runner.invoke(app, ["weights", str(project)])
    assert res.exit_code == 0, res.output
    assert "Saaty" in res.output
    assert re.search(r"E06 .*0\.307 !", res.output)


def test_tree_prints_dimensions(project: Path) -> None:
    res = runner.invoke(app, ["tree", str(project), "--lang", "zh"])
    assert res.exit_code == 0
    for name in ("信息采集", "信息来源", "技术环境", "研判能力", "保障措施"):
        assert name in res.output


def test_synth_is_deterministic(tmp_path: Path) -> None:
    tree = ROOT / "indicators" / "community_policing.yaml"
    for d in ("a", "b"):
        res = runner.invoke(app, ["synth", str(tmp_path / d), "--tree", str(tree), "--seed", "7"])
        assert res.exit_code == 0, res.output
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()


def test_init_then_validate_explains_what_is_missing(tmp_path: Path) -> None:
    target = tmp_path / "study"
    res = runner.invoke(app, ["init", str(target)])
    assert res.exit_code == 0, res.output
    assert (target / "evalkit.yaml").exists()
    import datetime

    today = datetime.date.today().isoformat()
    assert f'date: "{today}"' in (target / "evalkit.yaml").read_text(encoding="utf-8")
    assert (target / "indicators" / "community_policing.yaml").exists()
    assert (target / "surveys" / "district.xlsx").exists()
    res = runner.invoke(app, ["validate", str(target)])
    assert res.exit_code == 1
    assert "no data rows" in (res.stderr if hasattr(res, "stderr") else res.output)
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 1 and "not empty" in (
        again.stderr if hasattr(again, "stderr") else again.output
    )


def test_missing_project_file_is_a_clear_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", str(tmp_path)])
    assert res.exit_code == 1
    assert "no project file" in (res.stderr if hasattr(res, "stderr") else res.output)


def test_python_dash_m_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "evalkit", "--help"], capture_output=True, text=True, check=True
    )
    assert "validate" in out.stdout and "weights" in out.stdout
