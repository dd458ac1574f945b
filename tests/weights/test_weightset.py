"""Tree weights: expert diagnostics, the repair policy, consensus, game-theory combination."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from evalkit.cli.weights_cmd import show_weights
from evalkit.score.evaluate import evaluate


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
    assert c["ahp"] + c["entropy"] == pytest.approx(1.0)
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
