"""17-point platform downloads, ``evalkit inspect`` of judgment files and the proposed MAP.yaml.

A 问卷星 按序号 download of a 17-point AHP questionnaire carries the question number and text in
the first column of each matrix ("3、<title>—A 比 B"); ``inspect`` and ``import-judgments`` read
that header with the same function. ``inspect`` tells a judgments file from a survey and names
the command that imports it; ``import-judgments`` writes the map it used, which read back gives
the same experts workbook.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml

from evalkit.errors import DataError
from evalkit.ingest.judgment_formats import (
    import_judgments,
    inspect_judgments,
    propose_judgment_map,
    read_judgment_map,
    write_experts_workbook,
)
from evalkit.ingest.platforms import (
    HeaderReading,
    inspect_export,
    proposed_map_path,
    read_question_header,
    write_map,
)
from evalkit.tree import IndicatorTree, load_tree

from . import fixtures_judgments as fx
from .fixtures_responses import LAYOUTS as SURVEY_LAYOUTS
from .fixtures_responses import make_case

ROOT = Path(__file__).resolve().parents[2]
TREE_PATH = ROOT / "indicators" / "community_policing.yaml"
# what 问卷星 writes (an em dash), and the other marks found between a title and its first row
MARKS = ["—", "——", "–", "-", "－", ":", "：", "_", "＿"]


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


def _evalkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "evalkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )


def _values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's cell values but the import log (it records how the file was read)."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)]
        for ws in wb.worksheets
        if ws.title != "import_log"
    }


# ---- the header of a matrix's first column ------------------------------------------------------


def test_question_header_readings() -> None:
    head = "3、请比较“信息采集”下各指标的相对重要性（矩阵单选题 *必答）—基础信息采集覆盖率 比 人均月信息采集量"
    assert read_question_header(head)[0] == HeaderReading(
        "3", "请比较“信息采集”下各指标的相对重要性", "基础信息采集覆盖率 比 人均月信息采集量"
    )
    # a bare row text and a plain question have no row
    assert read_question_header("信息采集 比 信息来源") == [
        HeaderReading(None, "信息采集 比 信息来源", None)
    ]
    assert read_question_header("1、您的姓名") == [HeaderReading("1", "您的姓名", None)]
    # a row text holding the mark itself: the platform's reading first, then the others
    readings = read_question_header("3、标题—信息采集—信息来源")
    assert readings[0] == HeaderReading("3", "标题—信息采集", "信息来源")
    assert HeaderReading("3", "标题", "信息采集—信息来源") in readings
    # 腾讯问卷: "N.题干:行文本"; the first reading keeps it whole (its matrices are told apart by
    # the common stem of their columns), a further one cuts at the colon
    readings = read_question_header("2.请比较:信息采集 比 信息来源")
    assert readings[0] == HeaderReading("2", "请比较:信息采集 比 信息来源", None)
    assert readings[1] == HeaderReading("2", "请比较", "信息采集 比 信息来源")


@pytest.mark.parametrize("mark", MARKS)
def test_wjx_17_point_matrix_first_column_with_question_and_title(
    mark: str, tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    """Regression: the first pair of each matrix ("N、<title>—A 比 B") was not split into its
    pair, so the import failed with an unknown item "<title>—A" unless a map was written."""
    path = fx.write_wjx_matrix_export(
        tree, mats, tmp_path / "123_按序号_AHP专家问卷_3_3.xlsx", mark=mark
    )
    imp = import_judgments(path, tree)
    assert imp.layout == "seventeen_point"
    _same(imp.matrices, mats)
    # the expert names come from the fill-in question "1、您的姓名", not from 序号
    assert imp.experts["maturity"] == list(fx.EXPERTS)
    assert 'expert names from column G ("1、您的姓名")' in "\n".join(imp.decisions)


def test_tencent_matrix_headers(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_wjx_matrix_export(tree, mats, tmp_path / "9799234_2026.xlsx", tencent=True)
    imp = import_judgments(path, tree)
    _same(imp.matrices, mats)
    assert imp.experts["safeguards"] == list(fx.EXPERTS)


def test_inspect_and_import_read_the_first_column_alike(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_wjx_matrix_export(tree, mats, tmp_path / "123_按序号_AHP_3_3.xlsx")
    det = inspect_export(path, tree)  # the survey reader's view of the same columns
    firsts = [q for q in det.questions if q["number"] and q["number"].endswith(".1")]
    assert len(firsts) == len(tree.criteria())
    judged = inspect_judgments(path, tree)
    assert judged is not None
    by_column = {loc.column: (node, a, b) for loc, _h, node, a, b in judged.columns}
    names = {c.name["zh"]: c.id for n in tree.criteria() for c in n.children}
    for q in firsts:
        left, right = q["text"].split(" 比 ")
        node, a, b = by_column[q["letter"]]
        assert (a, b) == (names[left], names[right])
        assert node == tree.parents()[a]


# ---- inspect recognises judgment files -----------------------------------------------------------


@pytest.mark.parametrize("key", sorted(fx.WRITERS))
def test_inspect_recognises_every_judgment_layout(
    key: str, tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    writer, layout = fx.WRITERS[key]
    path = writer(tree, mats, tmp_path / f"{key}.xlsx")
    judged = inspect_judgments(path, tree)
    assert judged is not None and judged.layout == layout
    assert judged.experts == list(fx.EXPERTS)
    need = {n.id: len(n.children) * (len(n.children) - 1) // 2 for n in tree.criteria()}
    assert judged.nodes == {nid: (k, k) for nid, k in need.items()}
    assert [i for i in judged.issues if i.severity == "error"] == []


@pytest.mark.parametrize("key", SURVEY_LAYOUTS)
def test_surveys_are_not_taken_for_judgments(key: str, tree: IndicatorTree, tmp_path) -> None:
    case = make_case(key, tree, tmp_path)
    assert inspect_judgments(case.path, tree) is None


def test_inspect_command_on_a_17_point_export(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    """Regression: `inspect` read a 17-point export as a Likert survey with a problem per survey
    item of the tree; it says what the file is and how to import it."""
    path = fx.write_wjx_matrix_export(tree, mats, tmp_path / "123_按序号_AHP专家问卷_3_3.xlsx")
    res = _evalkit("inspect", path.name, "--tree", str(TREE_PATH), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert f"{path.name}: experts' pairwise judgments (layout seventeen_point)" in out
    assert "Experts: 3 (E01, E02, E03)" in out
    assert "Items matched" not in out and "problem(s)" not in out
    assert "│ safeguards       │          36 │           36 │" in out  # 9 indicators
    assert "│ H   │" in out and "maturity: info_collection vs" in out
    want = f"Import it with: evalkit import-judgments {path.name} -o surveys/experts.xlsx"
    assert f"{want} --tree {TREE_PATH}" in out


def test_inspect_lists_a_judgment_files_problems_with_exit_1(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    """A recognised file whose problems would stop the import lists them and exits 1, as a survey
    export does (the rule of every command: 1 when the work would stop); an unknown layout exits
    1 too."""
    path = fx.write_seventeen_grid(tree, mats, tmp_path / "g.xlsx", two_ticks=("E02", 4))
    res = _evalkit("inspect", str(path), "--tree", str(TREE_PATH), cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert "1 problem(s) to fix before import" in res.stdout
    assert "Once the problems are fixed, import it with: evalkit import-judgments" in res.stdout
    assert 'sheet "E02", row 5' in res.stdout and "a row with 2 ticks" in res.stdout
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "数量"])
    wb.active.append(["甲", 1])
    wb.save(other)
    res = _evalkit("inspect", str(other), "--tree", str(TREE_PATH), cwd=tmp_path)
    assert res.returncode == 1 and "matches no known survey export layout" in res.stderr


def test_inspect_of_evalkits_own_workbook(tree: IndicatorTree, tmp_path: Path) -> None:
    res = _evalkit("inspect", str(ROOT / "surveys" / "experts.xlsx"), cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert "experts' pairwise judgments (layout evalkit)" in res.stdout
    assert "Experts: 8 (E01, E02, E03, E04, E05, E06, E07, E08)" in res.stdout
    assert "no import is needed" in res.stdout and "Import it with" not in res.stdout


def _unknown_first_item(
    tree: IndicatorTree, mats: dict[str, np.ndarray], path: Path
) -> tuple[str, str]:
    """A row-per-expert file whose first pair column names "信息收集情况" instead of an item;
    returns that item's id and the column's header."""
    clean = fx.write_row_per_expert(tree, mats, path.with_name("clean.xlsx"))
    fx.write_row_per_expert(tree, mats, path, unknown="信息收集情况")
    left = openpyxl.load_workbook(clean)["社区警务信息化成熟度"]["B1"].value.split(" vs ")[0]
    header = openpyxl.load_workbook(path)["社区警务信息化成熟度"]["B1"].value
    en = {c.name["en"]: c.id for c in tree.goal.children}
    return en[left], header


def test_inspect_with_a_judgment_map(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = tmp_path / "r.xlsx"
    item, _header = _unknown_first_item(tree, mats, path)
    judged = inspect_judgments(path, tree)
    assert judged is not None
    assert any('unknown item "信息收集情况"' in str(i) for i in judged.issues)
    m = tmp_path / "m.yaml"
    m.write_text(f"nodes:\n  maturity:\n    items:\n      {item}: 信息收集情况\n", encoding="utf-8")
    res = _evalkit("inspect", str(path), "--tree", str(TREE_PATH), "--map", str(m), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "problem(s)" not in res.stdout
    assert f"--map {m}" in res.stdout
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "数量"])
    wb.save(other)
    res = _evalkit("inspect", str(other), "--tree", str(TREE_PATH), "--map", str(m), cwd=tmp_path)
    assert res.returncode == 1 and "no judgment layout found and none named in" in res.stderr


# ---- the proposed map ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(fx.WRITERS))
def test_proposed_map_gives_the_same_judgments(
    key: str, tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    writer, layout = fx.WRITERS[key]
    path = writer(tree, mats, tmp_path / f"{key}.xlsx")
    first = import_judgments(path, tree)
    assert first.proposed_map["layout"] == layout
    m = tmp_path / "m.map.yaml"
    write_map(first.proposed_map, m)
    read_judgment_map(m, tree)  # a valid map
    again = import_judgments(path, tree, map_path=m)
    _same(again.matrices, mats)
    assert again.experts == first.experts
    a = write_experts_workbook(first, tree, tmp_path / "a.xlsx")
    b = write_experts_workbook(again, tree, tmp_path / "b.xlsx")
    assert _values(a) == _values(b)


def test_proposed_map_of_a_17_point_export_names_every_column(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_wjx_matrix_export(tree, mats, tmp_path / "123_按序号_AHP_3_3.xlsx")
    proposed = import_judgments(path, tree).proposed_map
    head = next(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    pairs = {h: p for spec in proposed["nodes"].values() for h, p in spec["pairs"].items()}
    assert set(pairs) == {h for h in head[7:]}  # every column after 1、您的姓名
    assert pairs[head[7]] == [p for p in pairs[head[7]]] and len(pairs[head[7]]) == 2
    assert proposed["experts"] == {"column": "1、您的姓名"}
    assert all(spec["sheet"] == "Sheet1" for spec in proposed["nodes"].values())


def test_failed_import_proposes_what_it_read_and_names_the_rest(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = tmp_path / "r.xlsx"
    item, header = _unknown_first_item(tree, mats, path)
    with pytest.raises(DataError):
        import_judgments(path, tree)
    proposed = propose_judgment_map(path, tree)
    assert any("信息收集情况" in c for c in proposed["_comments"])
    assert header not in proposed["nodes"]["maturity"]["pairs"]
    m = tmp_path / "m.yaml"
    write_map(proposed, m)
    text = m.read_text(encoding="utf-8")
    assert text.startswith("# evalkit import-judgments map proposed for r.xlsx")
    # the user names the column the map could not: the import then reads everything
    data = yaml.safe_load(text)
    en = {c.name["en"]: c.id for c in tree.goal.children}
    data["nodes"]["maturity"]["pairs"][header] = [item, en[header.split(" vs ")[1]]]
    m.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _same(import_judgments(path, tree, map_path=m).matrices, mats)


def test_map_items_may_list_several_texts(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    path = fx.write_matrix_per_sheet(
        tree, mats, tmp_path / "m.xlsx", rename={"info_collection": "信息收集情况"}
    )
    m = tmp_path / "m.yaml"
    m.write_text(
        "nodes:\n  maturity:\n    items:\n      info_collection: [信息收集, 信息收集情况]\n",
        encoding="utf-8",
    )
    _same(import_judgments(path, tree, map_path=m).matrices, mats)
    m.write_text("nodes:\n  maturity:\n    items:\n      info_collection: [{}]\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_judgment_map(m, tree)
    assert "item info_collection needs the text the file uses for it" in str(exc.value)


def test_command_writes_the_map_beside_the_output_and_it_round_trips(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    """Regression: import-judgments wrote no map; it writes <output name>.map.yaml as `import`
    does, and the same command with --map writes the same workbook."""
    src = fx.write_wjx_matrix_export(tree, mats, tmp_path / "123_按序号_AHP专家问卷_3_3.xlsx")
    out = tmp_path / "surveys" / "experts.xlsx"
    args = ["import-judgments", src.name, "--tree", str(TREE_PATH), "-o", "surveys/experts.xlsx"]
    res = _evalkit(*args, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    map_out = tmp_path / "surveys" / "experts.map.yaml"
    assert proposed_map_path(out) == map_out and map_out.exists()
    assert "Proposed map written to surveys/experts.map.yaml" in res.stdout
    first = _values(out)
    out.unlink()
    map_out.rename(tmp_path / "mine.map.yaml")
    res = _evalkit(*args, "--map", "mine.map.yaml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert not map_out.exists()  # with --map, no map is proposed
    assert _values(out) == first
    wb = openpyxl.load_workbook(out)
    log = [r[0] for r in wb["import_log"].iter_rows(min_row=2, values_only=True)]
    assert "decision: layout seventeen_point (MAP.yaml)" in log


def test_command_failure_still_proposes_a_map(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    src = fx.write_row_per_expert(tree, mats, tmp_path / "r.xlsx", unknown="信息收集情况")
    res = _evalkit(
        "import-judgments", "r.xlsx", "--tree", str(TREE_PATH), "-o", "x.xlsx", cwd=tmp_path
    )
    assert res.returncode == 1 and not (tmp_path / "x.xlsx").exists()
    assert "A proposed map was written to x.map.yaml" in res.stderr
    assert read_judgment_map(tmp_path / "x.map.yaml", tree).layout == "row_per_expert"
    assert src.exists()


def test_command_refuses_to_write_over_its_input(
    tree: IndicatorTree, mats: dict[str, np.ndarray], tmp_path: Path
) -> None:
    src = fx.write_ticked_grid(tree, mats, tmp_path / "t.xlsx")
    before = src.read_bytes()
    res = _evalkit(
        "import-judgments", "t.xlsx", "--tree", str(TREE_PATH), "-o", "t.xlsx", cwd=tmp_path
    )
    assert res.returncode == 1 and "would overwrite the file read" in res.stderr
    assert src.read_bytes() == before
