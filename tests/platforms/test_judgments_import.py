"""``import_judgments``: every questionnaire layout gives back the judgments it was written from."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import typer
import xlsxwriter
from typer.testing import CliRunner

from evalkit.cli.import_judgments_cmd import consistency_table, import_judgments_cmd
from evalkit.errors import DataError
from evalkit.ingest.judgment_formats import (
    detect_judgment_layout,
    import_judgments,
    normalise,
    seventeen_value,
    write_experts_workbook,
)
from evalkit.ingest.judgments import load_judgments
from evalkit.tree import IndicatorTree, load_tree
from evalkit.weights import ahp_priorities

from . import fixtures_judgments as fx

ROOT = Path(__file__).resolve().parents[2]
TREE_PATH = ROOT / "indicators" / "community_policing.yaml"


@pytest.fixture(scope="module")
def tree() -> IndicatorTree:
    return load_tree(TREE_PATH)


@pytest.fixture(scope="module")
def mats(tree: IndicatorTree) -> dict[str, np.ndarray]:
    return fx.truth(tree)


def _same(got: dict[str, np.ndarray], want: dict[str, np.ndarray]) -> None:
    assert set(got) == set(want)
    for nid, stack in want.items():
        np.testing.assert_allclose(got[nid], stack, rtol=0, atol=1e-12, err_msg=nid)


def _errors(exc: pytest.ExceptionInfo[DataError]) -> list[str]:
    return [str(i) for i in exc.value.issues if i.severity == "error"]


# ---- the mapping of positions -------------------------------------------------------------------


def test_seventeen_point_positions_map_to_saaty_values() -> None:
    assert [seventeen_value(p) for p in (1, 2, 8, 9)] == [9, 8, 2, 1]
    assert seventeen_value(10) == 1 / 2 and seventeen_value(17) == 1 / 9
    for v in [*range(1, 10), *(1 / k for k in range(2, 10))]:
        assert seventeen_value(fx.position(v)) == pytest.approx(v, abs=1e-15)
    with pytest.raises(ValueError):
        seventeen_value(18)


def test_normalise_drops_spaces_punctuation_and_width() -> None:
    assert normalise(" 信息 采集（ ") == normalise("信息采集")
    assert normalise("Information-Collection") == normalise("information collection")
    assert normalise("ＡＢＣ") == "abc"


# ---- every layout -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(fx.WRITERS))
def test_layout_recovers_the_exact_matrices(
    key: str, tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    writer, layout = fx.WRITERS[key]
    path = writer(tree, mats, tmp_path / f"{key}.xlsx")
    assert detect_judgment_layout(path) == layout
    imp = import_judgments(path, tree)
    assert imp.layout == layout
    _same(imp.matrices, mats)
    assert all(imp.experts[n.id] == list(fx.EXPERTS) for n in tree.criteria())
    assert imp.decisions and imp.decisions[0].startswith(f"layout {layout} detected")
    # the CR the command prints for each expert is ahp_priorities' CR of the true matrix
    crs = consistency_table(imp.matrices, imp.experts)
    for node in tree.criteria():
        want = np.asarray(ahp_priorities(mats[node.id]).cr)
        got = crs[crs["node_id"] == node.id]
        assert list(got["expert"]) == list(fx.EXPERTS)
        np.testing.assert_allclose(got["cr"].to_numpy(), want, rtol=0, atol=1e-12)


def test_seventeen_export_as_csv(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    xlsx = fx.write_seventeen_export(tree, mats, tmp_path / "wjx.xlsx")
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(xlsx).active.iter_rows()]
    path = tmp_path / "wjx.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    imp = import_judgments(path, tree)
    assert imp.layout == "seventeen_point"
    _same(imp.matrices, mats)


def test_seventeen_point_text_download_is_refused_not_misread(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    """按文本 labels repeat on both sides (9 ... 1 ... 9): a "9" there would be read as box 9
    (equal importance); the download is refused and the 按序号 twin named."""
    code = fx.write_seventeen_export(tree, mats, tmp_path / "123_按序号_AHP问卷_8_8.xlsx")
    text = tmp_path / "123_按文本_AHP问卷_8_8.xlsx"
    text.write_bytes(code.read_bytes())  # the cells do not matter: the name says 按文本
    with pytest.raises(DataError) as exc:
        import_judgments(text, tree)
    issue = exc.value.issues[0]
    assert issue.message == "a 问卷星 按文本 download of 17-point judgments cannot be read"
    assert issue.fix == "Import 123_按序号_AHP问卷_8_8.xlsx instead."
    _same(import_judgments(code, tree).matrices, mats)


def test_decisions_list_the_automatic_choices(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    imp = import_judgments(fx.write_matrix_per_sheet(tree, mats, tmp_path / "m.xlsx"), tree)
    text = "\n".join(imp.decisions)
    assert "0.333 read as 1/3" in text  # decimals snapped to Saaty's scale, with a cell
    assert 'sheet "E02" (expert E02): 6 matrices with one triangle filled' in text
    assert "items matched by their exact names" in text
    imp = import_judgments(fx.write_seventeen_export(tree, mats, tmp_path / "w.xlsx"), tree)
    text = "\n".join(imp.decisions)
    assert 'expert names from column D ("专家姓名")' in text
    assert '"序号", "提交答卷时间", "所用时间"' in text  # ignored columns are named
    assert "p <= 9 -> a_AB = 10 - p" in text


# ---- round trip through evalkit's own workbook --------------------------------------------------


@pytest.mark.parametrize("key", ["matrix_per_sheet", "seventeen_grid"])
def test_round_trip_through_the_experts_workbook(
    key: str, tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    writer, _ = fx.WRITERS[key]
    imp = import_judgments(writer(tree, mats, tmp_path / "in.xlsx"), tree)
    out = write_experts_workbook(imp, tree, tmp_path / "experts.xlsx")
    assert not list(tmp_path.glob(".*.part"))
    j = load_judgments(out, tree)
    _same(j.matrices, mats)
    assert j.experts == imp.experts
    assert detect_judgment_layout(out) == "evalkit"
    again = import_judgments(out, tree)
    assert again.layout == "evalkit"
    _same(again.matrices, mats)


def test_non_saaty_values_survive_the_round_trip(tree: IndicatorTree, tmp_path: Path) -> None:
    mats = fx.truth(tree, experts=("E01",))
    mats["maturity"][0, 0, 1], mats["maturity"][0, 1, 0] = 2.5, 0.4
    imp = import_judgments(
        fx.write_row_per_expert(tree, mats, tmp_path / "r.xlsx", experts=("E01",)), tree
    )
    assert any(re.match(r"(2\.5|'0\.4') kept as it is", d) for d in imp.decisions), imp.decisions
    j = load_judgments(write_experts_workbook(imp, tree, tmp_path / "x.xlsx"), tree)
    _same(j.matrices, mats)


# ---- errors ------------------------------------------------------------------------------------


def test_date_cell_is_reported_not_guessed(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_matrix_per_sheet(tree, mats, tmp_path / "d.xlsx", date_cell=True)
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    errs = _errors(exc)
    assert len(errs) == 1
    m = re.search(r"(\d+)月(\d+)日 looks like (\d+)/(\d+) turned into a date by Excel", errs[0])
    assert m and m.group(1) == m.group(3) == "1" and m.group(2) == m.group(4)
    assert f"type it as =1/{m.group(2)} or {1 / int(m.group(2)):.3g}" in errs[0]
    issue = exc.value.issues[0]
    assert issue.location.sheet == "E02" and issue.location.row and issue.location.column


def test_date_message_for_one_third(tree: IndicatorTree, tmp_path: Path) -> None:
    mats = fx.truth(tree, experts=("E01", "E02"))
    for node in tree.criteria():  # make the first judgment of E02 a 1/3 everywhere
        mats[node.id][1, 0, 1], mats[node.id][1, 1, 0] = 1 / 3, 3.0
    path = tmp_path / "d.xlsx"
    fx.write_matrix_per_sheet(tree, mats, path, experts=("E01", "E02"), date_cell=3)
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    assert any(
        "1月3日 looks like 1/3 turned into a date by Excel; type it as =1/3 or 0.333" in e
        for e in _errors(exc)
    )


def test_two_ticks_in_a_row(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_seventeen_grid(tree, mats, tmp_path / "g.xlsx", two_ticks=("E02", 4))
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    errs = _errors(exc)
    assert len(errs) == 1
    assert 'sheet "E02", row 5' in errs[0] and "a row with 2 ticks" in errs[0]
    assert "missing comparison" not in errs[0]


def test_unknown_item_names_the_column(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_row_per_expert(tree, mats, tmp_path / "u.xlsx", unknown="信息收集情况")
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    errs = _errors(exc)
    assert any('unknown item "信息收集情况"' in e and 'column "B (' in e for e in errs)
    # the pair that column should have held is then missing for every expert
    assert sum("missing comparison" in e for e in errs) == len(fx.EXPERTS)


def test_map_yaml_names_what_the_file_spells_differently(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_matrix_per_sheet(
        tree, mats, tmp_path / "m.xlsx", rename={"info_collection": "信息收集情况"}
    )
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    errs = _errors(exc)
    assert any('unknown item "信息收集情况"' in e for e in errs)
    assert any("item info_collection has no column" in e for e in errs)
    mp = tmp_path / "MAP.yaml"
    mp.write_text(
        "nodes:\n  maturity:\n    items:\n      info_collection: 信息收集情况\n"
        "experts:\n  names: {E03: 王五}\n",
        encoding="utf-8",
    )
    imp = import_judgments(path, tree, map_path=mp)
    _same(imp.matrices, mats)
    assert imp.experts["maturity"] == ["E01", "E02", "王五"]
    assert any(
        '"信息收集情况" read as item info_collection (matched by MAP.yaml)' in d
        for d in imp.decisions
    )
    assert any('expert "E03" renamed to "王五"' in d for d in imp.decisions)


def test_column_matched_twice_names_both(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_seventeen_export(tree, mats, tmp_path / "w.xlsx", duplicate_column=True)
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    errs = _errors(exc)
    assert len(errs) == 1 and "has two columns" in errs[0]
    assert re.search(r'columns E \(".+"\) and [A-Z]+ \(".+"\)', errs[0])


def test_missing_comparison(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_seventeen_export(tree, mats, tmp_path / "w.xlsx", blank=(1, 0))
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    errs = _errors(exc)
    assert len(errs) == 1
    assert "row 3" in errs[0] and 'column "E (' in errs[0] and "missing comparison" in errs[0]


def test_whole_numbers_one_to_nine_are_ambiguous_until_the_map_says(
    tree: IndicatorTree, tmp_path: Path
) -> None:
    path = tmp_path / "ints.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["expert", "信息采集 vs 信息来源"])
    ws.write_row(1, 0, ["E01", 3])
    wb.close()
    with pytest.raises(DataError) as exc:
        detect_judgment_layout(path)
    assert "layout: row_per_expert or layout: seventeen_point" in str(exc.value.issues[0])
    mp = tmp_path / "MAP.yaml"
    mp.write_text("layout: seventeen_point\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:  # the other nodes have no judgments: named
        import_judgments(path, tree, map_path=mp)
    errs = _errors(exc)
    assert any("E01, node maturity: missing comparison" in e for e in errs)
    assert any('no judgments for node "safeguards"' in e for e in errs)


def test_map_yaml_is_checked(tree: IndicatorTree, tmp_path: Path) -> None:
    mp = tmp_path / "MAP.yaml"
    mp.write_text("nodez: {}\nnodes:\n  nope: {}\n  maturity: {items: {x: y}}\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        import_judgments(tmp_path / "whatever.xlsx", tree, map_path=mp)
    text = "\n".join(_errors(exc))
    assert "unknown key 'nodez'" in text and "unknown key 'nope'" in text
    assert "unknown key 'x'" in text and "line 4" in text


# ---- the command ---------------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("import-judgments")(import_judgments_cmd)
    app.command("noop")(lambda: None)
    return app


def test_command_prints_layout_decisions_and_cr(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    src = fx.write_ticked_grid(tree, mats, tmp_path / "t.xlsx")
    out = tmp_path / "experts.xlsx"
    res = CliRunner().invoke(
        _app(), ["import-judgments", str(src), "--tree", str(TREE_PATH), "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "Layout: ticked_grid" in res.output and "Decisions:" in res.output
    assert "*" in res.output  # the random experts (E02) are inconsistent
    _same(load_judgments(out, tree).matrices, mats)


def test_command_error_exit_code(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    src = fx.write_seventeen_grid(tree, mats, tmp_path / "g.xlsx", two_ticks=("E01", 4))
    out = tmp_path / "experts.xlsx"
    res = CliRunner().invoke(
        _app(), ["import-judgments", str(src), "--tree", str(TREE_PATH), "-o", str(out)]
    )
    assert res.exit_code == 1
    assert "Error:" in res.output and "2 ticks" in res.output
    assert not out.exists()


def test_map_pairs_name_columns_that_name_no_items(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_row_per_expert(tree, mats, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["社区警务信息化成熟度"]
    a, b = str(ws["B1"].value).split(" vs ")
    ws["B1"].value = "Q1_1"
    wb.save(path)
    en = {c.name["en"]: c.id for c in tree.goal.children}
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    pair = sorted((en[a], en[b]), key=[c.id for c in tree.goal.children].index)
    errs = _errors(exc)
    assert sum(f"missing comparison {pair[0]} vs {pair[1]}" in e for e in errs) == len(fx.EXPERTS)
    mp = tmp_path / "MAP.yaml"
    mp.write_text(
        f"nodes:\n  maturity:\n    sheet: 社区警务信息化成熟度\n    pairs:\n"
        f"      Q1_1: [{en[a]}, {en[b]}]\n",
        encoding="utf-8",
    )
    imp = import_judgments(path, tree, map_path=mp)
    _same(imp.matrices, mats)


def test_value_on_the_diagonal_of_an_expert_matrix_is_a_located_problem(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    """It raised ``TypeError: IssueLog.add() takes 3 positional arguments but 5 were given``."""
    path = fx.write_matrix_per_sheet(tree, mats, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["E02"]
    assert ws.cell(2, 2).value == 1  # the first block's first diagonal cell
    ws.cell(2, 2).value = 3
    wb.save(path)
    with pytest.raises(DataError) as exc:
        import_judgments(path, tree)
    (issue,) = [i for i in exc.value.issues if i.severity == "error"]
    assert (issue.location.sheet, issue.location.row) == ("E02", 2)
    assert issue.location.column.startswith("B")
    assert "compares the item with itself" in issue.message
    assert issue.message.startswith("expert E02, node maturity: the diagonal cell ")
    assert (issue.expected, issue.found) == ("1 or an empty cell on the diagonal", "3")


def test_unknown_layout_in_the_map_is_a_located_problem(
    tree: IndicatorTree, tmp_path: Path
) -> None:
    mp = tmp_path / "MAP.yaml"
    mp.write_text("layout: matrix\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        import_judgments(tmp_path / "whatever.xlsx", tree, map_path=mp)
    (issue,) = exc.value.issues
    assert (issue.location.line, issue.message, issue.found) == (1, "unknown layout", "'matrix'")
    assert issue.expected.startswith("seventeen_point | ticked_grid")
