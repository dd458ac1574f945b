"""What ``evalkit tree --check`` prints: the redundancy check of a project's tree and data.

``show_tree_check(path, lang, threshold, console)`` prepares the project (its data read and checked
as ``evalkit run`` reads it: bad input is an error, exit code 1), runs
:func:`evalkit.pipeline.redundancy.redundancy_of` and prints each kind of finding under a heading
that says why it matters, with its figures, in zh or en. A tree file alone gets the checks of its
definitions only, and a note saying where the data checks come from. Findings are warnings: the
command then exits with 0.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..analysis.redundancy import Redundancy, check_redundancy
from ..analysis.redundancy_text import HEADERS, KIND_LABELS, WHY, findings_table, summary_line
from ..errors import EvalkitError


def _check_threshold(threshold: float) -> None:
    if not 0.0 < threshold <= 1.0:
        raise EvalkitError(
            f"--threshold must be a correlation above 0 and at most 1 (such as 0.8), "
            f"not {threshold:g}",
            zh=f"--threshold 须为大于 0、不超过 1 的相关系数（如 0.8），而不是 {threshold:g}",
        )


def redundancy_for(path: Path, tree_only: bool, threshold: float) -> Redundancy:
    """The check of a project (its tree and data), or of a tree file alone (definitions only)."""
    _check_threshold(threshold)
    if tree_only:
        from ..tree import load_tree

        return check_redundancy(load_tree(path), None, None, threshold)
    from ..pipeline.prepare import prepare
    from ..pipeline.redundancy import redundancy_of

    return redundancy_of(prepare(path), threshold)


def show_tree_check(red: Redundancy, lang: str, tree_only: bool, console: Console) -> None:
    """Print the findings of *red* grouped by kind, each group under why it matters."""
    console.print(summary_line(red, lang))
    if tree_only:
        console.print(
            "只检查了指标树中的定义；给出项目文件夹可同时检查数据（派出所得分的相关、题目所属维度）。"
            if lang == "zh"
            else "Only the tree's definitions were checked; give the project folder to check the "
            "data too (correlations of station scores, the dimension items fit)."
        )
    table = findings_table(red, lang)
    if table.empty:
        console.print(
            "未发现可能重复计分的指标或题目。"
            if lang == "zh"
            else "Nothing counted twice was found."
        )
        return
    heads = HEADERS[lang]
    for kind, labels in KIND_LABELS.items():
        rows = table[table["kind"] == labels[lang]]
        if rows.empty:
            continue
        out = Table(title=f"{labels[lang]} ({len(rows)})", title_justify="left")
        for col in ("a", "b", "figures"):
            out.add_column(heads[col], overflow="fold")
        for _, r in rows.iterrows():
            out.add_row(r["a"], r["b"], r["figures"])
        console.print(out)
        console.print(("说明：" if lang == "zh" else "Why: ") + WHY[kind][lang])
