"""`evalkit init --from-export`: a tree proposed from a survey export loads, and the export imports
against it (with the proposed map) exactly as it does against the tree the survey was made from."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from evalkit.errors import DataError
from evalkit.ingest.platforms import import_responses, write_map
from evalkit.ingest.propose_tree import confirm_marks, propose_tree, proposed_map
from evalkit.tree import IndicatorTree, load_tree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from platforms.fixtures_responses import LAYOUTS, default_tree, make_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "imports"


@pytest.fixture(scope="module")
def tree() -> IndicatorTree:
    return default_tree()


def _propose(export: Path, folder: Path) -> tuple[IndicatorTree, Path, object]:
    proposal = propose_tree(export)
    path = folder / "proposed.yaml"
    path.write_text(proposal.yaml_text, encoding="utf-8")
    t = load_tree(path)  # loads with no hand edit
    map_path = folder / "proposed.map.yaml"
    write_map(proposed_map(export, t, proposal), map_path)
    return t, map_path, proposal


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return np.array_equal(np.nan_to_num(a, nan=-1.0), np.nan_to_num(b, nan=-1.0))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_proposed_tree_loads_and_its_export_imports_the_same_answers(
    layout: str, tree: IndicatorTree, tmp_path: Path
) -> None:
    case = make_case(layout, tree, tmp_path / "export")
    t, map_path, proposal = _propose(case.path, tmp_path)
    fixed = {k: v for k, v in case.kwargs.items() if k != "map_path"}
    imp = import_responses(
        case.path, t, map_path=map_path, missing_codes=list(proposal.missing_codes), **fixed
    )
    ref = import_responses(case.path, tree, **case.kwargs)
    # every item of the survey's own tree became an item of the proposal, on the same column
    by_column = {col: iid for iid, col in imp.detection.mapping.items()}
    assert set(ref.detection.mapping.values()) <= set(by_column)
    for iid, col in ref.detection.mapping.items():
        mine = by_column[col]
        assert _same(imp.responses[mine].to_numpy(float), ref.responses[iid].to_numpy(float)), iid
        assert (imp.reasons[mine] == ref.reasons[iid]).all(), iid
    assert list(imp.responses["respondent"]) == list(ref.responses["respondent"])
    # items named by their text (or the hand-entered question code)
    texts = {item.text["zh"] for _, item in t.items()}
    if layout.startswith(("wjx", "tencent")):
        assert "平台经常卡顿或掉线，影响日常工作。" in texts
    # questions without scale answers are left out, and said so
    if layout.startswith("wjx"):
        assert any("性别" in x for x in proposal.left_out)
        assert any("建议" in x for x in proposal.left_out)
        assert not any("性别" in x for x in texts)


def test_matrices_become_indicators_and_dimensions_without_grouping_rows(
    tree: IndicatorTree, tmp_path: Path
) -> None:
    case = make_case("wjx_text", tree, tmp_path / "export")
    t, _, _ = _propose(case.path, tmp_path)
    leaves = {n.id: n for n in t.leaves()}
    # matrix 2 (three rows: ic_std_1..3 of the survey's tree) is one indicator with three items
    q2 = leaves["q2"]
    assert (
        [i.text["zh"] for i in q2.source.items]
        == [  # type: ignore[union-attr]
            item.text["zh"] for _, item in tree.items()
        ][:3]
    )
    assert q2.name["zh"] == "请根据您的实际工作情况，对下列说法作出评价"
    # no grouping rows: a dimension per matrix question, the single questions after it join it
    first = t.dimensions[0]
    assert [c.id for c in first.children][:1] == ["q2"]
    assert all(len(d.children) <= 9 for d in t.dimensions)
    # the scale from the labels of a 按文本 download
    assert t.scales["likert5"].labels["zh"] == ("非常不同意", "不同意", "一般", "同意", "非常同意")
    # two matrices with the same row texts (外观, 速度) stay apart: the map names them by number
    imported = yaml.safe_load((tmp_path / "proposed.map.yaml").read_text(encoding="utf-8"))
    assert imported["items"]["q9_2"] == "9.2" and imported["items"]["q10_2"] == "10.2"


def test_grouping_rows_give_dimensions_and_codes_become_missing(tmp_path: Path) -> None:
    hand = EXAMPLES / "东湖分局_纸质问卷录入.xlsx"
    t, map_path, proposal = _propose(hand, tmp_path)
    assert [d.name["zh"] for d in t.dimensions] == [
        "信息采集",
        "信息来源",
        "技术环境",
        "研判能力",
        "保障措施",
    ]
    assert proposal.missing_codes == (9, 99)
    assert t.scales["scale1"].values == (1, 2, 3, 4, 5)
    assert t.title["zh"] == "东湖分局社区警务信息化调查问卷数据录入表"
    imp = import_responses(hand, t, map_path=map_path)
    ref = import_responses(hand, default_tree(), map_path=hand.with_suffix(".map.yaml"))
    assert _same(imp.responses["Q7_1"].to_numpy(float), ref.responses["is_mass_3"].to_numpy(float))
    assert imp.responses.shape[0] == ref.responses.shape[0] == 40


def test_exports_without_repeated_texts_import_with_no_map(
    tree: IndicatorTree, tmp_path: Path
) -> None:
    for layout in ("tencent_new", "tencent_old", "generic", "jinshuju", "hand"):
        case = make_case(layout, tree, tmp_path / layout)
        t, _, proposal = _propose(case.path, tmp_path / layout)
        fixed = {k: v for k, v in case.kwargs.items() if k != "map_path"}
        if layout == "hand":
            fixed.update(district="东湖分局")
        imp = import_responses(case.path, t, missing_codes=list(proposal.missing_codes), **fixed)
        assert len(imp.detection.mapping) == len(t.items()), layout


def test_export_without_scale_answers_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("编号,姓名,建议\n1,张三,多培训\n2,李四,加强保障\n", encoding="utf-8")
    with pytest.raises(DataError, match="no column holds scale answers"):
        propose_tree(path)


def _evalkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("evalkit")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_init_from_export_then_import_and_validate_warns_until_confirmed(tmp_path: Path) -> None:
    export = EXAMPLES / "350881459_按序号_东湖派出所社区警务信息化调查_40_40.xlsx"
    res = _evalkit("init", "study", "--from-export", str(export), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    study = tmp_path / "study"
    tree_file = study / "indicators" / "questionnaire.yaml"
    map_file = study / "imports" / f"{export.stem}.map.yaml"
    assert "tree: indicators/questionnaire.yaml" in (study / "evalkit.yaml").read_text("utf-8")
    assert "confirm: true" in tree_file.read_text("utf-8")
    t = load_tree(tree_file)
    assert len(t.items()) == 27  # 23 of the survey's tree + the two 外观/速度 matrices
    out = study / "surveys" / "imports" / "东湖派出所.xlsx"
    res = _evalkit(
        "import", str(export), "--tree", str(tree_file), "--map", str(map_file),
        "--station", "东湖派出所", "--district", "东湖区", "-o", str(out), cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    assert "40 respondents × 27 items" in res.stdout
    # validate lists every remaining mark with its line (and then what data is missing)
    res = _evalkit("validate", "study", cwd=tmp_path)
    marks = confirm_marks(tree_file)
    assert len(marks) == 1 + len(t.scales) + len(t.dimensions) + len(t.leaves())
    assert f"{len(marks)} warning(s)" in res.stdout
    line = marks[1].location.line
    assert f"questionnaire.yaml, line {line}" in res.stdout and "not yet confirmed" in res.stdout
    # confirmed: the marks deleted, no warning left, and the tree still loads
    text = tree_file.read_text("utf-8")
    tree_file.write_text(re.sub(r"(?m)^\s*confirm: true\n", "", text), encoding="utf-8")
    assert confirm_marks(tree_file) == []
    load_tree(tree_file)
    assert "not yet confirmed" not in _evalkit("validate", "study", cwd=tmp_path).stdout
