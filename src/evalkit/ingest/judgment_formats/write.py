"""evalkit's experts workbook (docs/formats.md) written from imported judgments, atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...errors import DataError, Issue, Location
from ...fileio import atomic_workbook
from ...tree import IndicatorTree
from .model import ImportedJudgments

_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def judgment_text(v: float) -> str | None:
    """ "3" or "1/3" when v is exactly an integer or its reciprocal, else None (write a number)."""
    if abs(v - round(v)) < 1e-12 and round(v) >= 1:
        return str(round(v))
    inv = 1.0 / v
    if abs(inv - round(inv)) < 1e-9 and abs(1.0 / round(inv) - v) < 1e-15:
        return f"1/{round(inv)}"
    return None


def write_experts_workbook(
    imported: ImportedJudgments,
    tree: IndicatorTree,
    path: Path | str,
    *,
    cr: pd.DataFrame | None = None,
) -> Path:
    """Write evalkit's experts workbook (docs/formats.md) from imported judgments; atomically.

    One sheet per node with children, columns ``expert, item, <child ids>``; the upper triangle
    holds "3" / "1/3" for values on Saaty's scale and the exact number otherwise; the diagonal is 1
    and the lower triangle is left empty (evalkit fills the reciprocals). A sheet ``experts`` lists
    the experts (weight 1) and ``import_log`` the source, layout and decisions, and the
    consistency ratio of each node and expert when ``cr`` (columns node_id, expert, cr) is given.
    """
    path = Path(path)
    criteria = tree.criteria()
    missing = [n.id for n in criteria if n.id not in imported.matrices]
    if missing:
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "cannot write an experts workbook without judgments for every node",
                    expected=f"matrices for {[n.id for n in criteria]}",
                    found=f"none for {missing}",
                    message_zh="没有全部节点的判断，无法写出专家判断工作簿",
                    expected_zh=f"{[n.label('zh') for n in criteria]} 各节点的判断矩阵",
                    found_zh=f"{[tree.label(n, 'zh') for n in missing]} 没有判断矩阵",
                )
            ]
        )
    ids = {n.id for n in criteria}
    with atomic_workbook(path, _OPTIONS) as wb:
        head = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1})
        diag = wb.add_format({"bg_color": "#D9D9D9", "align": "center"})
        num = wb.add_format({"align": "center"})
        for node in criteria:
            kids = [c.id for c in node.children]
            ws = wb.add_worksheet(node.id)
            for j, h in enumerate(["expert", "item", *kids]):
                ws.write_string(0, j, h, head)
            r = 1
            stack = imported.matrices[node.id]
            for expert, a in zip(imported.experts[node.id], stack, strict=True):
                for i, kid in enumerate(kids):
                    ws.write_string(r, 0, expert)
                    ws.write_string(r, 1, kid)
                    for j in range(len(kids)):
                        if i == j:
                            ws.write_number(r, 2 + j, 1, diag)
                        elif i < j:
                            text = judgment_text(float(a[i, j]))
                            if text is None:
                                ws.write_number(r, 2 + j, float(a[i, j]), num)
                            else:
                                ws.write_string(r, 2 + j, text, num)
                    r += 1
            ws.set_column(0, 1, 18)
            ws.freeze_panes(1, 2)
        everyone = list(dict.fromkeys(e for lst in imported.experts.values() for e in lst))
        if "experts" not in ids:
            ws = wb.add_worksheet("experts")
            for j, h in enumerate(("expert", "name", "weight")):
                ws.write_string(0, j, h, head)
            for i, e in enumerate(everyone, start=1):
                ws.write_string(i, 0, e)
                ws.write_number(i, 2, 1)
        if "import_log" not in ids:
            ws = wb.add_worksheet("import_log")
            ws.write_string(0, 0, "import_log", head)
            lines = [f"source: {imported.file}", f"layout: {imported.layout}"]
            lines += [f"decision: {d}" for d in imported.decisions]
            if cr is not None:
                lines += [f"CR {r.node_id} {r.expert}: {r.cr:.4f}" for r in cr.itertuples()]
            for i, line in enumerate(lines, start=1):
                ws.write_string(i, 0, line)
            ws.set_column(0, 0, 120)
    return path


__all__ = ["judgment_text", "write_experts_workbook"]
