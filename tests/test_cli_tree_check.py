"""`evalkit tree --check` and the redundancy warnings of `evalkit validate`, run as a user runs
them: findings are warnings (exit 0), bad input is an error (exit 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from evalkit.cli import app

runner = CliRunner()


def _evalkit(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("evalkit")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=600)


def test_tree_check_lists_the_findings_with_figures_and_exits_0(old_project: Path) -> None:
    """On the tree before its revision, with its example data (tests/data/old_tree)."""
    project = old_project
    res = _evalkit("tree", str(project), "--check", "--lang", "en")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Redundancy check: indicator scores of 27 stations" in out
    assert "correlated across stations" in out and "declared to measure the same (3)" in out
    assert "item is_mass_2" in out and "both declare measures: beat_time" in out
    assert "rho = " in out and "27 stations" in out
    zh = _evalkit("tree", str(project), "--check", "--lang", "zh").stdout
    assert (
        "冗余检查" in zh and "两者均声明 measures: beat_time" in zh and "派出所得分高度相关" in zh
    )


def test_tree_check_threshold_changes_what_is_flagged(project: Path) -> None:
    """On the revised example no pair reaches the default 0.8; lower thresholds flag more."""
    default = runner.invoke(app, ["tree", str(project), "--check", "-l", "en"])
    loose = runner.invoke(app, ["tree", str(project), "--check", "--threshold", "0.7", "-l", "en"])
    looser = runner.invoke(app, ["tree", str(project), "--check", "--threshold", "0.6", "-l", "en"])
    assert default.exit_code == loose.exit_code == looser.exit_code == 0
    assert "0 finding(s)" in default.output
    assert "correlated across stations" not in default.output
    count = lambda out: int(out.split("correlated across stations (")[1].split(")")[0])  # noqa: E731
    assert (count(loose.output), count(looser.output)) == (7, 30)


def test_tree_check_bad_input_exits_1(project: Path) -> None:
    res = runner.invoke(app, ["tree", str(project), "--check", "--threshold", "0"])
    assert res.exit_code == 1 and "--threshold" in res.output
    (project / "surveys" / "东湖区.xlsx").write_bytes(b"not a workbook")
    res = _evalkit("tree", str(project), "--check")
    assert res.returncode == 1 and "东湖区.xlsx" in res.stderr


def test_tree_check_of_a_tree_file_alone_checks_its_definitions(
    project: Path, old_project: Path
) -> None:
    res = runner.invoke(
        app,
        [
            "tree",
            str(old_project / "indicators" / "community_policing.yaml"),
            "--check",
            "-l",
            "en",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Only the tree's definitions were checked" in res.output
    assert "declared to measure the same (3)" in res.output
    assert "correlated across stations" not in res.output
    # the revised default tree defines nothing twice
    res = runner.invoke(
        app,
        ["tree", str(project / "indicators" / "community_policing.yaml"), "--check", "-l", "en"],
    )
    assert res.exit_code == 0, res.output
    assert "0 finding(s)" in res.output and "Nothing counted twice was found" in res.output


def test_validate_warns_of_possible_double_counting(project: Path, old_project: Path) -> None:
    res = runner.invoke(app, ["validate", str(old_project)])
    assert res.exit_code == 0, res.output
    assert "possible double counting, declared to measure the same (3)" in res.output
    assert "possible double counting, correlated across stations" in res.output
    res = runner.invoke(app, ["validate", str(project)])  # the revised tree and its example
    assert res.exit_code == 0, res.output
    assert "OK: tree community_policing.yaml (35 indicators" in res.output
    assert "possible double counting" not in res.output
