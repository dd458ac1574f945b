"""Tree weights: expert diagnostics, the repair policy, consensus, game-theory combination."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from evalkit.cli.weights_cmd import show_weights
from evalkit.pipeline import evaluate


def _set(project: Path, **values: str) -> None:
    p = project / "evalkit.yaml"
    lines = []
    for line in p.read_text(encoding="utf-8").splitlines():
        key = line.strip().split(":")[0]
        if line.startswith("  ") and key in values:
            line = f"  {key}: {values[key]}"
        lines.append(line)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_experts_table_names_worst_pair_and_group_has_consensus(project: Path) -> None:
    ws = evaluate(project).weights
    e = ws.experts
    for col in ("worst_pair", "current", "suggested", "repairs", "cr_repaired", "cr", "used"):
        assert col in e.columns
    bad = e[~e["consistent"]]
    assert len(bad) >= 1
    assert all(" vs " in p for p in bad["worst_pair"])
    assert ws.group["consensus"].between(0, 1).all()
    assert ws.group["consensus_measure"].str.contains("AHP-OS").all()
    assert any("most inconsistent judgment" in i.message for i in ws.issues)


def test_repair_policy_records_audit_and_lowers_group_cr(project: Path) -> None:
    keep = evaluate(project).weights
    _set(project, inconsistent_experts="repair")
    ws = evaluate(project).weights
    rep = ws.experts[ws.experts["repairs"] != ""]
    assert len(rep) == int((~keep.experts["consistent"]).sum())
    assert rep["repairs"].str.match(r"a\[.+, .+\] \S+ -> \S+").all()
    assert (rep["cr_repaired"] <= ws.spec.cr_threshold).all()
    assert rep["used"].all()
    node = rep["node_id"].iloc[0]
    g_keep = keep.group.set_index("node_id").loc[node, "cr"]
    g_rep = ws.group.set_index("node_id").loc[node, "cr"]
    assert g_rep <= g_keep + 1e-12


def test_game_theory_combination_records_coefficients(project: Path) -> None:
    _set(project, combine="game_theory")
    ws = evaluate(project).weights
    c = ws.combination
    assert c["method"] == "game_theory"
    assert c["ahp"] + c["objective"] == pytest.approx(1.0)
    assert "game theory" in ws.describe()
    leaves = ws.table[ws.table["id"].isin([r for r in ws.table["id"]])]
    assert np.isclose(ws.table.loc[ws.table["depth"] == 1, "local"].sum(), 1.0)
    assert len(leaves)


def test_show_weights_prints_method_cr_and_suggestions(project: Path) -> None:
    _set(project, inconsistent_experts="repair")
    ev = evaluate(project)
    buf = io.StringIO()
    show_weights(ev, "en", True, Console(file=buf, width=200))
    out = buf.getvalue()
    for text in ("Saaty (1980) RI", "CR per expert and node", "consensus", "repaired:", "->"):
        assert text in out, text


def _wide_tree(n: int) -> str:
    """A goal with n - 1 survey indicators (one item each) and a statistic: an n x n matrix."""
    kids = "\n".join(
        f"    - id: x{k}\n      name: {{zh: 指标{k}, en: X{k}}}\n      direction: benefit\n"
        f"      source: {{survey: {{scale: likert5, items: [{{id: q{k}, zh: 问{k}, en: Q{k}}}]}}}}"
        for k in range(1, n)
    )
    kids += (
        f"\n    - id: x{n}\n      name: {{zh: 指标{n}, en: X{n}}}\n      direction: benefit\n"
        "      goalposts: {worst: 0, best: 10}\n      source: {statistic: {column: s}}"
    )
    return (
        "schema_version: 1\nid: wide\ntitle: {zh: 宽, en: Wide}\nscales:\n"
        "  likert5: {values: [1, 2, 3, 4, 5], labels: {zh: [a, b, c, d, e], en: [A, B, C, D, E]}}\n"
        "levels:\n  - {id: low, name: {zh: 低, en: Low}, min_score: 0}\n"
        "  - {id: high, name: {zh: 高, en: High}, min_score: 60}\n"
        f"goal:\n  id: g\n  name: {{zh: 目标, en: Goal}}\n  children:\n{kids}\n"
    )


def test_node_larger_than_the_ri_table_is_a_located_error_and_issues_are_written(
    tmp_path: Path,
) -> None:
    """16 children: 'the RI table saaty covers n = 1..15' used to stop the run with no place and
    no issues.xlsx."""
    from evalkit.errors import InputError
    from evalkit.run import run_project
    from evalkit.synth import synthesize

    tree_text = _wide_tree(16)
    (tmp_path / "indicators").mkdir()
    tree_path = tmp_path / "indicators" / "tree.yaml"
    tree_path.write_text(tree_text, encoding="utf-8")
    synthesize(tree_path, tmp_path / "surveys", districts=2)
    (tmp_path / "evalkit.yaml").write_text(
        "schema_version: 1\ntitle: {zh: 宽, en: Wide}\ntree: indicators/tree.yaml\n"
        "data:\n  surveys: [surveys/*.xlsx]\n  experts: surveys/experts.xlsx\n"
        'report:\n  lang: en\n  date: "2026-11-01"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        run_project(tmp_path, pdf=False)
    (issue,) = [i for i in info.value.issues if i.check == "ahp"]
    assert issue.location.line == tree_text.splitlines().index("  id: g") + 1
    assert issue.location.file.endswith("tree.yaml") and issue.location.path == "g"
    assert "16 children" in issue.message and "n = 1..15" in issue.message
    assert "split the node" in issue.fix and "weights.method" in issue.fix
    assert (tmp_path / "reports" / "issues.xlsx").is_file()
