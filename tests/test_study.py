"""README's "A study from start to finish", run exactly as written with the installed `evalkit`."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## A study from start to finish"


def study_steps() -> dict[int, list[str]]:
    """The `evalkit ...` commands of each numbered step of the README section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    steps: dict[int, list[str]] = {}
    for m in re.finditer(r"(?ms)^(\d+)\. (.*?)(?=^\d+\. |\Z)", body):
        text = " ".join(m.group(2).split())
        commands = re.findall(r"`(evalkit [^`]+)`", text)
        # alternatives with placeholders (FILE, DIR) are documented, not run
        steps[int(m.group(1))] = [c for c in commands if not re.search(r"\b[A-Z]{3,}\b", c)]
    return steps


def _evalkit(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("evalkit")
    args = shlex.split(command)
    assert args[0] == "evalkit"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    res = subprocess.run(
        [str(exe), *args[1:]], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )
    assert res.returncode == 0, f"`{command}` failed:\n{res.stdout}\n{res.stderr}"
    return res


def _fill_survey(path: Path, district: str, rng: np.random.Generator) -> None:
    """Answers typed into the generated questionnaire, as the officers would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["responses"]
    head = [c.value for c in ws[1]]
    items = head[3:]
    stations = [f"{district}{k}所" for k in range(1, 4)]
    r = 2
    for s_i, station in enumerate(stations):
        for k in range(8):
            ws.cell(r, 1, f"{district}-{s_i}-{k}")
            ws.cell(r, 2, district)
            ws.cell(r, 3, station)
            base = 2 + s_i  # stations differ, officers vary around them
            for j in range(len(items)):
                ws.cell(r, 4 + j, int(np.clip(base + rng.integers(-1, 2), 1, 5)))
            r += 1
    st = wb["stations"]
    cols = [c.value for c in st[1]]
    for s_i, station in enumerate(stations):
        st.cell(2 + s_i, 1, district)
        st.cell(2 + s_i, 2, station)
        for j in range(4, len(cols)):
            st.cell(2 + s_i, 1 + j, float(rng.integers(20, 100)))
    wb.save(path)


def _fill_experts(path: Path) -> None:
    """Near-consistent judgments in every expert block's upper triangle."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        head = [c.value for c in ws[1]]
        if head[:2] != ["expert", "item"]:
            continue
        r = 2
        while r <= ws.max_row:
            expert = ws.cell(r, 1).value
            if not expert:
                r += 1
                continue
            n = 0  # the block: rows of this expert, one per child
            while ws.cell(r + n, 1).value == expert:
                n += 1
            k = int(str(expert)[1:])
            w = np.arange(n, 0, -1, dtype=float) + (k % 3) * np.arange(n) / 2
            for i in range(n):
                for j in range(i + 1, n):
                    ratio = w[i] / w[j]
                    v = max(1, min(9, round(ratio if ratio >= 1 else 1 / ratio)))
                    ws.cell(r + i, 4 + j, str(v) if ratio >= 1 or v == 1 else f"1/{v}")
            r += n
    wb.save(path)


def test_readme_study_steps_run_as_written(tmp_path: Path) -> None:
    steps = study_steps()
    assert steps[1] == ["evalkit init mystudy"]
    assert len(steps[2]) == 2 and all(c.startswith("evalkit template") for c in steps[2])
    for command in steps[1]:
        _evalkit(command, tmp_path)
    study = tmp_path / "mystudy"
    # nothing in surveys/ is read as a district before the questionnaires come back
    assert not list((study / "surveys").iterdir())
    survey_cmd, experts_cmd = steps[2]
    _evalkit(survey_cmd, tmp_path)
    _evalkit(survey_cmd.replace("东湖区", "西山区"), tmp_path)  # "one workbook per district"
    _evalkit(experts_cmd, tmp_path)
    rng = np.random.default_rng(11)
    for district in ("东湖区", "西山区"):
        _fill_survey(study / "surveys" / f"{district}.xlsx", district, rng)
    _fill_experts(study / "surveys" / "experts.xlsx")
    (validate,) = steps[4]
    out = _evalkit(validate, tmp_path).stdout
    assert "OK:" in out and "48 respondents, 6 stations in 2 districts; 8 experts" in out
    run_cmd, weights_cmd = steps[5]
    out = _evalkit(run_cmd + " --no-pdf", tmp_path).stdout
    assert "东湖区" in out and "西山区" in out
    reports = study / "reports"
    assert {p.name for p in reports.glob("*.xlsx")} >= {
        "东湖区.xlsx",
        "西山区.xlsx",
        "comparison.xlsx",
    }
    out = _evalkit(weights_cmd, tmp_path).stdout
    assert "信息采集" in out and "E08" in out


def test_template_outside_the_project_finds_its_tree_or_says_how(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("evalkit")

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True)

    assert run("init", "study", cwd=tmp_path).returncode == 0
    (tmp_path / "study" / "indicators" / "community_policing.yaml").rename(
        tmp_path / "study" / "indicators" / "mine.yaml"
    )
    spec = tmp_path / "study" / "evalkit.yaml"
    text = spec.read_text(encoding="utf-8").replace("community_policing.yaml", "mine.yaml")
    spec.write_text(text.replace("  lang: zh", "  lang: en"), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the output's project gives the tree and the language
    res = run(
        "template", "survey", "-o", str(tmp_path / "study" / "surveys" / "a.xlsx"), cwd=elsewhere
    )
    assert res.returncode == 0, res.stderr
    assert "(en)" in res.stdout
    # --project names it when the output lies elsewhere
    res = run(
        "template", "experts", "--project", str(tmp_path / "study"), "-o", "e.xlsx", cwd=elsewhere
    )
    assert res.returncode == 0, res.stderr
    # no project anywhere: the error says how to name the tree
    res = run("template", "survey", "-o", "s.xlsx", cwd=elsewhere)
    assert res.returncode == 1
    assert "indicators/community_policing.yaml: file not found" in res.stderr
    assert "--tree" in res.stderr and "--project" in res.stderr
    res = run("template", "survey", "--project", str(elsewhere), "-o", "s.xlsx", cwd=elsewhere)
    assert res.returncode == 1 and "no evalkit.yaml" in res.stderr
