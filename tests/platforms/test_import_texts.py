"""What the importers say reaches a Chinese report and ``issues.xlsx``: every problem and every
import decision has its Chinese, with no English words in it (ids, file names, quoted values and
`code` aside), and the English texts are as they were."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from evalkit.errors import DataError, Issue
from evalkit.ingest.decision import Decision, zh_of
from evalkit.ingest.judgment_formats import import_judgments, inspect_judgments
from evalkit.ingest.platforms import ALL_SHEETS, import_responses, inspect_export
from evalkit.ingest.survey import load_survey_data
from evalkit.spec import ImportSpec
from evalkit.tree import IndicatorTree

from . import fixtures_judgments as fx
from . import fixtures_responses as fr

# names of platforms, formats and methods that stand in Chinese texts as they are
ALLOWED = {"AHP", "CR", "Saaty", "YAML", "CSV", "BOM", "UTF", "MAP", "IP", "Excel", "xlsx"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _english(text: str) -> set[str]:
    """English words of a Chinese text, leaving out `code`, quoted values, file names, ids and
    column letters."""
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’", " ", text)
    text = re.sub(r"\S+\.(xlsx|yaml|csv|xls|ods|txt)\b", " ", text)
    text = re.sub(
        r"\b[A-Z]{1,3}(?= 列)|\b[A-Z]{1,3}(, [A-Z]{1,3})*(?=）| 列)", " ", text
    )  # columns
    words = re.findall(r"(?<![\w/.])[A-Za-z]{2,}(?![\w/.])", text)
    return {w for w in words if w not in ALLOWED}


def _check(issues: list[Issue], decisions: list[str]) -> None:
    assert issues or decisions
    for i in issues:
        message, expected, found, fix = i.texts("zh")
        assert CJK.search(message), f"no Chinese message: {i}"
        for part, en in ((expected, i.expected), (fix, i.fix)):
            assert bool(part) == bool(en), f"{i}: {part!r} for {en!r}"
            assert not en or part != en or not _english(en), f"English only: {en!r}"
        # a found value (no found_zh) reads the same in both languages
        for part in (message, expected, found if i.found_zh else "", fix):
            assert not _english(part), f"English {_english(part)} in {part!r} ({i.message})"
    for d in decisions:
        assert isinstance(d, Decision), f"a decision without its Chinese: {d!r}"
        assert CJK.search(d.zh) and not _english(d.zh), f"{d.zh!r} (for {d!r})"


@pytest.fixture(scope="module")
def tree() -> IndicatorTree:
    return fr.default_tree()


@pytest.mark.parametrize("layout", fr.LAYOUTS)
def test_every_layout_is_described_in_chinese(
    layout: str, tree: IndicatorTree, tmp_path: Path
) -> None:
    case = fr.make_case(layout, tree, tmp_path)
    det = inspect_export(case.path, tree, map_path=case.kwargs.get("map_path"))
    imp = import_responses(case.path, tree, **case.kwargs)
    _check(det.issues + imp.detection.issues, det.decisions + imp.detection.decisions)
    assert all(isinstance(why, Decision) for _, why in imp.dropped_rows)


def _problems(run) -> list[Issue]:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError) as exc:
        run()
    return exc.value.issues


def test_problems_of_imports_are_in_chinese(tree: IndicatorTree, tmp_path: Path) -> None:
    generic = fr.make_case("generic", tree, tmp_path / "g")
    hand = fr.make_case("hand", tree, tmp_path / "h")
    bad_map = tmp_path / "bad.map.yaml"
    bad_map.write_text(
        "items: {ic_std_1: 'Q99', nothing: Q1, ic_std_2: Q1, ic_std_3: Q1}\nstation: 单位\n",
        encoding="utf-8",
    )
    yaml_map = tmp_path / "yaml.map.yaml"
    yaml_map.write_text(
        "items: [a]\nlabels: {好: x}\nheader_row: 0\ncolour: red\nmissing: [true]\n"
        "station_names: {1: ~}\nrespondent: {a: 1}\n",
        encoding="utf-8",
    )
    issues = [
        *_problems(lambda: import_responses(generic.path, tree)),
        *_problems(lambda: import_responses(hand.path, tree)),
        *_problems(lambda: import_responses(hand.path, tree, map_path=bad_map)),
        *_problems(lambda: import_responses(hand.path, tree, map_path=yaml_map)),
        *_problems(lambda: import_responses(tmp_path / "none.xlsx", tree)),
        *_problems(lambda: import_responses(generic.path, tree, sheet=ALL_SHEETS)),
        *_problems(lambda: import_responses(bad_map, tree)),
    ]
    checks = {i.check for i in issues}
    assert {"ids", "mapping", "map"} <= checks
    _check(issues, [])


def test_decisions_reach_the_issue_list_in_chinese(tree: IndicatorTree, tmp_path: Path) -> None:
    """An import of a project: its decisions are notes of issues.xlsx, Chinese in a Chinese
    report (they were the English text behind "导入：")."""
    case = fr.make_case("wjx_code", tree, tmp_path)
    spec = ImportSpec(case.path, None, None, fr.DISTRICT, fr.STATIONS[0], None)
    data = load_survey_data(tree, imports=[spec], base=tmp_path)
    notes = [i for i in data.issues if i.check == "import"]
    assert len(notes) >= 5
    for i in notes:
        assert i.message_zh.startswith("导入：")
        assert not _english(i.message_zh.removeprefix("导入：")), i.message_zh
    assert "导入：平台为问卷星：第 1 行有它的固定列" in "\n".join(i.message_zh for i in notes)


def test_twin_and_station_sheet_texts_are_in_chinese(tree: IndicatorTree, tmp_path: Path) -> None:
    options = ["文昌派出所", "湖滨派出所", "花园派出所"]
    stations = [options[k % 3] for k in range(30)]
    truth = fr.make_truth(tree, np.random.default_rng(5), 30, ("skipped", "empty"))
    truth.stations = stations
    code = tmp_path / "350881459_按序号_社区警务信息化调查_30_30.xlsx"
    text = tmp_path / "350881459_按文本_社区警务信息化调查_30_30.xlsx"
    units = {"您所在的派出所": (options, stations)}
    fr._wjx(tree, truth, text, "按文本", fr.WJX_ORDER_A, units=units)
    k = truth.item_ids.index("ic_std_2")
    truth.values[:, k] = 6 - truth.values[:, k]
    fr._wjx(tree, truth, code, "按序号", fr.WJX_ORDER_A, units=units)
    imp = import_responses(code, tree, district="东湖区")
    det = inspect_export(code, tree)
    alone = _problems(lambda: import_responses(code, tree, district="东湖区", labels_from=False))
    other = tmp_path / "other.xlsx"
    fr._wjx(tree, truth, other, "按序号", fr.WJX_ORDER_B, units=units)
    mismatch = _problems(lambda: import_responses(code, tree, labels_from=other, district="x"))
    _check(
        imp.detection.issues + det.issues + alone + mismatch,
        imp.detection.decisions + det.decisions,
    )
    assert [zh_of(d) for d in imp.detection.decisions if d.startswith("item ic_std_2")] == [
        "题目 ic_std_2：选项序号不按量表顺序（按选项文字为 1→5, 2→4, 3→3, 4→2, 5→1）；"
        "采用选项文字对应的取值"
    ]


def test_judgment_problems_are_in_chinese(tree: IndicatorTree, tmp_path: Path) -> None:
    mats = fx.truth(tree)
    files = [
        fx.write_seventeen_export(
            tree, mats, tmp_path / "a.xlsx", blank=(1, 0), duplicate_column=True
        ),
        fx.write_seventeen_grid(tree, mats, tmp_path / "b.xlsx", two_ticks=("E02", 4)),
        fx.write_matrix_per_sheet(tree, mats, tmp_path / "c.xlsx", date_cell=True),
        fx.write_row_per_expert(tree, mats, tmp_path / "d.xlsx", unknown="信息收集情况"),
    ]
    issues = [i for f in files for i in _problems(lambda f=f: import_judgments(f, tree))]
    seen = inspect_judgments(files[0], tree)
    assert seen is not None
    _check(issues + seen.issues, [])
    # nodes are named by their Chinese names, not their ids
    ids = {n.id for n in tree.nodes()}
    for i in issues:
        assert not any(re.search(rf"(?<![\w`]){re.escape(x)}(?![\w`])", i.message_zh) for x in ids)
