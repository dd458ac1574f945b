"""The command line: every command runs, fails cleanly, and is documented."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import typer
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
    assert "OK:" in res.output and "1166 respondents" in res.output
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
    assert re.search(r"E06 .*0\.254 !", res.output)


def test_tree_prints_dimensions(project: Path) -> None:
    res = runner.invoke(app, ["tree", str(project), "--lang", "zh"])
    assert res.exit_code == 0
    for name in ("信息采集", "信息来源", "技术环境", "研判能力", "保障措施"):
        assert name in res.output


def test_tree_prints_what_goalposts_and_levels_rest_on(project: Path) -> None:
    res = runner.invoke(app, ["tree", str(project), "--lang", "en"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    coverage = next(ln for ln in lines if "basic_info_coverage" in ln)
    assert "50 -> 100 (calibration guess)" in coverage
    standard = next(ln for ln in lines if "collection_standardization" in ln)
    assert "1 -> 5 (the scale's ends)" in standard
    assert any(ln.startswith("levels (calibration guess): 1 Initial >= 0") for ln in lines)
    assert "level rule: total (the level of the total)" in lines
    assert any("Worst raised from 0 to 30" in ln for ln in lines)  # a goalpost's note
    zh = runner.invoke(app, ["tree", str(project), "--lang", "zh"]).output
    assert "50 -> 100 (校准估计值)" in zh and "levels (校准估计值)" in zh


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
    # blank questionnaires lie in templates/, which data.surveys does not read; surveys/ is empty
    assert (target / "templates" / "survey.xlsx").exists()
    assert (target / "templates" / "experts.xlsx").exists()
    assert not list((target / "surveys").iterdir())
    res = runner.invoke(app, ["validate", str(target)])
    assert res.exit_code == 1
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert "`data.surveys`: no file matches 'surveys/*.xlsx'" in err
    assert "the experts file does not exist" in err
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


# ---- first-hour defects of the command line -----------------------------------------------------


def _evalkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `evalkit` script, as a user runs it (wide terminal, no colours)."""
    exe = Path(sys.executable).with_name("evalkit")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


def _all_commands() -> list[tuple[str, Any]]:
    """(name, click command) of every command, `template survey` style for groups."""
    out: list[tuple[str, Any]] = []

    def walk(group: Any, prefix: str) -> None:
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                walk(cmd, f"{prefix}{name} ")
            else:
                out.append((f"{prefix}{name}", cmd))

    walk(typer.main.get_command(app), "")
    return out


def test_version_option_prints_the_installed_version() -> None:
    res = _evalkit("--version")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"evalkit {importlib.metadata.version('evalkit')}"


def test_help_shows_no_bool_type_after_flags() -> None:
    for name, _ in [("", None), *_all_commands()]:
        res = _evalkit(*name.split(), "--help")
        assert res.returncode == 0, (name, res.stderr)
        assert "<bool>" not in res.stdout, name
    assert "--no-pdf" in _evalkit("run", "--help").stdout


def _set_lang(project: Path, lang: str) -> None:
    spec = project / "evalkit.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(re.sub(r"(?m)^  lang: \w+", f"  lang: {lang}", text), encoding="utf-8")


def test_weights_and_tree_use_the_project_language_by_default(project: Path) -> None:
    for cmd in ("weights", "tree"):
        helptext = _evalkit(cmd, "--help").stdout
        assert "[default: en]" not in helptext and "project's report.lang" in helptext
    _set_lang(project, "zh")
    for cmd in ("weights", "tree"):
        res = _evalkit(cmd, str(project))
        assert res.returncode == 0, res.stderr
        assert "信息采集" in res.stdout and "Information collection" not in res.stdout
    # a tree file inside the project takes the project's language too
    res = _evalkit("tree", str(project / "indicators" / "community_policing.yaml"))
    assert "信息采集" in res.stdout
    _set_lang(project, "en")
    for cmd in ("weights", "tree"):
        res = _evalkit(cmd, str(project))
        assert "Information collection" in res.stdout and "信息采集" not in res.stdout
    res = _evalkit("tree", str(project), "--lang", "zh")
    assert "信息采集" in res.stdout
    assert _evalkit("tree", str(project), "--lang", "fr").returncode == 1


def test_missing_project_file_message_has_no_double_period(tmp_path: Path) -> None:
    res = _evalkit("validate", cwd=tmp_path)
    assert res.returncode == 1
    assert "no project file" in res.stderr
    assert ".." not in res.stderr and ". ." not in res.stderr
    assert f"evalkit.yaml in the folder {tmp_path.resolve()}. Run" in res.stderr


def test_run_lists_warnings_and_names_levels_and_districts_in_the_report_language(
    project: Path,
) -> None:
    res = _evalkit("run", str(project), "--no-pdf", "--lang", "en")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Donghu District" in out and "东湖区 " not in out.split("Districts")[1].split("\n\n")[0]
    rows = [line for line in out.splitlines() if "Donghu District" in line and "│" in line]
    assert rows and "Integrated (4)" in rows[0]  # the level's name, not a bare "4"
    assert "6 warning(s) (all of them are in" in out
    assert out.count("  warning: ") == 6 and "E06" in out and "枫林派出所" in out
    assert "rest on ties" in out and "driven by few stations" in out  # the objective weights
    # Chinese into a folder of its own: the English reports are not replaced
    res = _evalkit("run", str(project), "--no-pdf", "--lang", "zh", "--out", str(project / "zh"))
    assert res.returncode == 0, res.stderr
    row = next(line for line in res.stdout.splitlines() if "东湖区" in line and "│" in line)
    assert "融合级 (4)" in row


def test_warnings_beyond_the_limit_are_counted(project: Path) -> None:
    from evalkit.cli.common import SHOWN

    # every station below the minimum group size: one privacy warning per station
    spec = project / "evalkit.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("min_respondents: 5", "min_respondents: 500"),
        encoding="utf-8",
    )
    res = runner.invoke(app, ["validate", str(project)])
    assert res.exit_code == 0, res.output
    n = int(re.search(r"(\d+) warning\(s\)", res.output).group(1))
    assert n > SHOWN
    assert res.output.count("  warning: ") == SHOWN
    assert f"... and {n - SHOWN} more warnings" in res.output


def test_inspect_exits_1_when_the_import_would_stop_and_0_otherwise(tmp_path: Path) -> None:
    tree = str(ROOT / "indicators" / "community_policing.yaml")
    export = (
        ROOT / "examples" / "imports" / "350881459_按序号_东湖派出所社区警务信息化调查_40_40.xlsx"
    )
    # hand-entered Q-codes read through their map: nothing stops the import
    hand = ROOT / "examples" / "imports" / "东湖分局_纸质问卷录入.xlsx"
    ok = _evalkit("inspect", str(hand), "--tree", tree, "--map", str(hand.with_suffix(".map.yaml")))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "problem(s) to fix" not in ok.stdout
    # a platform export has no district or station column: --district / --station on import
    res = _evalkit("inspect", str(export), "--tree", tree)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "no district column: pass --district NAME to `evalkit import`" in res.stdout
    assert "problem(s) to fix" not in res.stdout
    # hand-entered Q-codes without their map: no item has a column, the import would stop
    bad = _evalkit("inspect", str(hand), "--tree", tree)
    assert bad.returncode == 1
    assert "problem(s) to fix before import" in bad.stdout and "has no column" in bad.stdout
    unknown = tmp_path / "notes.csv"
    unknown.write_text("a\nb\n", encoding="utf-8")
    res = _evalkit("inspect", str(unknown), "--tree", tree)
    assert res.returncode == 1 and "matches no known survey export layout" in res.stderr


def _readme_sections() -> dict[str, str]:
    """README text under each `### ` heading, keyed by the heading."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(###? .*)$", readme)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_option_is_documented_in_its_commands_readme_section() -> None:
    sections = _readme_sections()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "evalkit --version" in readme
    missing = []
    for name, cmd in _all_commands():
        text = "".join(
            body for head, body in sections.items() if re.search(rf"`evalkit {name}\b", head)
        )
        assert text, f"no README section for `evalkit {name}`"
        for p in cmd.params:
            if p.param_type_name != "option" or "--help" in p.opts:
                continue
            names = [o for o in (*p.opts, *p.secondary_opts) if o.startswith("--")]
            if not any(re.search(rf"{re.escape(o)}\b", text) for o in names):
                missing.append(f"evalkit {name} {names[0]}")
    assert not missing, f"options not documented in their README section: {missing}"
