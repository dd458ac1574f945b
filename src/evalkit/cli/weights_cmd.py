"""What ``evalkit weights`` prints: method, RI table, weights, group CR and consensus, CR per expert.

``show_weights(ev, lang, experts, console)`` reads only the Evaluation's WeightSet; the command in
``evalkit.cli`` parses options, builds the Evaluation and calls it.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from ..weights.ahp import fmt_judgment
from ..weights.weightset import WEIGHT_COLUMNS

_WEIGHT_COLS = WEIGHT_COLUMNS
_WEIGHT_HEADS = (
    "AHP local",
    "objective local",
    "local",
    "AHP global",
    "objective global",
    "global",
)


def _num(v: Any, fmt: str = ".3f") -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return "" if math.isnan(f) else format(f, fmt)


def show_weights(ev: Any, lang: str, experts: bool, console: Console) -> None:
    """Print the weights of an Evaluation and how they were obtained.

    Shows: the method actually used (and the combination coefficients), the RI table and CR
    threshold; the local / global weights of every node; per node the group (AIJ) CR and the
    consensus with its measure; per expert and node the CR; and for each expert above the
    threshold the most inconsistent judgment with the value that would fit the others (Saaty
    scale), plus the repairs made under the ``repair`` policy.
    """
    from ..report.i18n import text

    ws = ev.weights
    names = {n.id: text(n.name, lang) for n in ev.tree.nodes()}
    _print_method(ws, console)
    _print_weights(ws, names, console)
    if len(ws.group):
        _print_group(ws, names, console)
    if not (experts and len(ws.experts)):
        return
    _print_expert_crs(ws, names, console)
    bad = ws.experts[~ws.experts["consistent"].astype(bool)]
    if len(bad):
        _print_worst_judgments(bad, names, console)


def _print_method(ws: Any, console: Console) -> None:
    """The method used, how AHP was computed, the RI table, the CR threshold and the policy for
    experts above it, the objective method; the combination when there is one."""
    spec = ws.spec
    console.print(
        f"Method: {ws.describe()}; AHP priorities by principal eigenvector, group judgments by "
        f"AIJ (element-wise geometric mean); RI table: {ws.ri_label}; CR threshold "
        f"{spec.cr_threshold:g}; experts above it: {spec.inconsistent_experts}; {ws.objective} weights "
        f"across {ws.objective_units} stations",
        highlight=False,
    )
    comb = getattr(ws, "combination", {}) or {}
    if comb.get("description"):
        console.print(f"Combination: {comb['description']}", highlight=False)


def _print_weights(ws: Any, names: dict[str, str], console: Console) -> None:
    """Every node's local and global weights (AHP, objective, combined), indented by depth."""
    t = Table(title="Weights (local / global)")
    t.add_column("node")
    for head in _WEIGHT_HEADS:
        t.add_column(head, justify="right")
    for _, r in ws.table.iterrows():
        t.add_row(
            "  " * (int(r["depth"]) - 1) + names.get(r["id"], r["id"]),
            *(_num(r[c]) for c in _WEIGHT_COLS),
        )
    console.print(t)


def _print_group(ws: Any, names: dict[str, str], console: Console) -> None:
    """Per node the group judgments' (AIJ) lambda_max, CI, CR and consensus; the hierarchy's CR
    and the consensus measure."""
    g = Table(title=f"Group judgments (AIJ), CR with {ws.ri_label}")
    for col in ("node", "experts", "λmax", "CI", "CR", "consistent", "consensus"):
        g.add_column(col, justify="left" if col == "node" else "right")
    measure = ""
    for _, r in ws.group.iterrows():
        measure = str(r.get("consensus_measure", "") or measure)
        g.add_row(
            names.get(r["node_id"], r["node_id"]),
            str(r["experts"]),
            _num(r["lambda_max"]),
            _num(r["ci"]),
            _num(r["cr"]),
            "yes" if r["consistent"] else "NO",
            _num(r.get("consensus", float("nan"))),
        )
    console.print(g)
    h = getattr(ws, "hierarchy", None)
    if h is not None and len(h):
        levels = ", ".join(
            f"depth {int(r['depth'])}: {r['cr']:.3f}" for _, r in h.iterrows() if r["depth"] >= 0
        )
        total = float(h.loc[h["depth"] == -1, "cr"].iloc[0])
        console.print(
            f"Hierarchy CR (sum W*CI / sum W*RI): {total:.3f} "
            f"({'passed' if total <= ws.spec.cr_threshold else 'NOT passed'}); by level: {levels}",
            highlight=False,
        )
    if measure:
        console.print(f"consensus: {measure}", highlight=False)


def _print_expert_crs(ws: Any, names: dict[str, str], console: Console) -> None:
    """Each expert's CR per node, marked ! above the threshold."""
    threshold = ws.spec.cr_threshold
    e = Table(title=f"CR per expert and node ({ws.ri_label})")
    nodes = list(dict.fromkeys(ws.experts["node_id"]))
    e.add_column("expert")
    for n in nodes:
        e.add_column(names.get(n, n), justify="right")
    piv = ws.experts.pivot(index="expert", columns="node_id", values="cr")
    for expert, row in piv.iterrows():
        e.add_row(
            str(expert),
            *(_num(row[n]) + (" !" if row[n] > threshold else "") for n in nodes),
        )
    console.print(e)
    console.print(f"! = CR above {threshold:g}", highlight=False)


def _print_worst_judgments(bad: Any, names: dict[str, str], console: Console) -> None:
    """For each expert above the threshold (the rows *bad* of the experts table): the most
    inconsistent judgment, its value and the value that fits the others, and what was done
    (repaired, kept with a warning, excluded)."""
    s = Table(title="Most inconsistent judgment of each expert above the threshold")
    for col in ("expert", "node", "CR", "judgment", "given", "fits the others", "action"):
        s.add_column(col, justify="right" if col in ("CR", "given", "fits the others") else "left")
    for _, r in bad.iterrows():
        repairs = str(r.get("repairs", "") or "")
        if repairs:
            action = f"repaired: {repairs} (CR {_num(r.get('cr_repaired'))})"
        else:
            action = "kept (warning)" if r["used"] else "excluded"
        pair = str(r.get("worst_pair", "") or "")
        s.add_row(
            str(r["expert"]),
            names.get(r["node_id"], r["node_id"]),
            _num(r["cr"]),
            pair,
            fmt_judgment(float(r["current"])) if pair else "",
            fmt_judgment(float(r["suggested"])) if pair else "",
            action,
        )
    console.print(s)
