"""Every synthetic export of this folder imported as ``evalkit import`` and ``import-judgments``
would, compared with a JSON snapshot of what was written: the cell values of every sheet of the
workbook, the proposed map, and what ``inspect`` decides and reports (English texts).

The snapshots pin the importers' behaviour while their code is reorganised. A change of behaviour
that is meant shows here as a difference; ``EVALKIT_UPDATE_SNAPSHOTS=1 pytest
tests/platforms/test_import_snapshots.py`` rewrites them, and the diff is reviewed like code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from evalkit.cli.import_judgments_cmd import consistency_table
from evalkit.errors import DataError, Issue
from evalkit.ingest.judgment_formats import (
    import_judgments,
    inspect_judgments,
    propose_judgment_map,
    write_experts_workbook,
)
from evalkit.ingest.platforms import (
    ALL_SHEETS,
    import_responses,
    inspect_export,
    propose_map,
    write_map,
    write_responses,
)
from evalkit.tree import IndicatorTree

from . import fixtures_judgments as fx
from . import fixtures_responses as fr

SNAPSHOTS = Path(__file__).with_name("snapshots")
UPDATE = os.environ.get("EVALKIT_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture(scope="module")
def tree() -> IndicatorTree:
    return fr.default_tree()


# ---- what is compared ---------------------------------------------------------------------------


def _cell(v: object) -> object:
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    return v


def _workbook(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's values, row by row (formulas as written)."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in wb.worksheets
    }


def _issue(i: Issue) -> list[str]:
    return [i.severity, i.check, str(i)]


def _plain(obj: Any, tmp: Path) -> Any:
    """JSON-ready, with the temporary folder written as <tmp>."""
    text = json.dumps(obj, ensure_ascii=False, default=str)
    return json.loads(text.replace(str(tmp), "<tmp>"))


def _dump(obj: Any, indent: str = "") -> str:
    """JSON with a list of plain values (a row of cells) on one line."""
    inner = indent + " "
    if isinstance(obj, dict) and obj:
        body = ",\n".join(
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dump(v, inner)}" for k, v in obj.items()
        )
        return "{\n" + body + "\n" + indent + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return "[\n" + ",\n".join(inner + _dump(v, inner) for v in obj) + "\n" + indent + "]"
    return json.dumps(obj, ensure_ascii=False)


def _compare(name: str, got: dict[str, Any], tmp: Path) -> None:
    got = _plain(got, tmp)
    path = SNAPSHOTS / f"{name}.json"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(_dump(got) + "\n", encoding="utf-8")
        return
    want = json.loads(path.read_text(encoding="utf-8"))
    for key in want:
        assert got.get(key) == want[key], f"{name}: {key} differs from the snapshot"
    assert sorted(got) == sorted(want)


def _failure(run: Callable[[], object]) -> list[list[str]]:
    with pytest.raises(DataError) as exc:
        run()
    return [_issue(i) for i in exc.value.issues]


def _survey(path: Path, tree: IndicatorTree, tmp: Path, **kw: Any) -> dict[str, Any]:
    """Import, write the table and the map, inspect: everything the user gets back."""
    imp = import_responses(path, tree, **kw)
    out = tmp / "out" / "responses.xlsx"
    write_responses(imp, out)
    map_path = tmp / "out" / "responses.map.yaml"
    write_map(imp.proposed_map, map_path)
    inspect_kw = {k: v for k, v in kw.items() if k in ("sheet", "map_path")}
    det = inspect_export(path, tree, **inspect_kw)
    plain_map = {k: v for k, v in kw.items() if k in ("sheet", "missing_codes")}
    return {
        "workbook": _workbook(out),
        "map": map_path.read_text(encoding="utf-8"),
        "proposed": propose_map(path, tree, **plain_map),
        "dropped": imp.dropped_rows,
        "inspect": {
            "platform": [det.platform, det.variant, det.encoding, det.sheet, det.header_row],
            "questions": det.questions,
            "mapping": det.mapping,
            "unmatched": det.unmatched_items,
            "markers": det.markers,
            "decisions": det.decisions,
            "issues": [_issue(i) for i in det.issues],
        },
    }


# ---- survey exports -----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", fr.LAYOUTS)
def test_survey_layout_imports_as_before(layout: str, tree: IndicatorTree, tmp_path: Path) -> None:
    case = fr.make_case(layout, tree, tmp_path / "in")
    _compare(f"survey_{layout}", _survey(case.path, tree, tmp_path, **case.kwargs), tmp_path)


def _wjx_pair(tree: IndicatorTree, folder: Path, *, reverse: str = "") -> Path:
    """A 按序号 download with its 按文本 twin beside it; stations asked in the questionnaire."""
    options = ["文昌派出所", "湖滨派出所", "花园派出所"]
    rng = np.random.default_rng(11)
    stations = [options[k] for k in rng.permutation(np.arange(30) % 3)]
    truth = fr.make_truth(tree, np.random.default_rng(5), 30, ("skipped", "empty"))
    truth.stations = stations
    folder.mkdir(parents=True, exist_ok=True)
    code = folder / "350881459_按序号_社区警务信息化调查_30_30.xlsx"
    text = folder / "350881459_按文本_社区警务信息化调查_30_30.xlsx"
    units = {"您所在的派出所": (options, stations)}
    fr._wjx(tree, truth, text, "按文本", fr.WJX_ORDER_A, units=units)
    if reverse:  # the questionnaire listed this item's options 非常同意 … 非常不同意
        k = truth.item_ids.index(reverse)
        truth.values[:, k] = 6 - truth.values[:, k]
    fr._wjx(tree, truth, code, "按序号", fr.WJX_ORDER_A, units=units)
    return code


def test_wjx_twin_names_stations_and_reads_reversed_options_as_before(
    tree: IndicatorTree, tmp_path: Path
) -> None:
    code = _wjx_pair(tree, tmp_path / "in", reverse="ic_std_2")
    _compare("survey_wjx_twin", _survey(code, tree, tmp_path, district="东湖区"), tmp_path)


def test_wjx_without_twin_and_tencent_letters_as_before(
    tree: IndicatorTree, tmp_path: Path
) -> None:
    code = _wjx_pair(tree, tmp_path / "in")
    got: dict[str, Any] = {
        "wjx_refused": _failure(
            lambda: import_responses(code, tree, district="东湖区", labels_from=False)
        )
    }
    names = tmp_path / "names.map.yaml"
    names.write_text(
        "station_names:\n  1: 文昌派出所\n  2: 湖滨派出所\n  3: 花园派出所\n", encoding="utf-8"
    )
    got["wjx_map_names"] = _survey(
        code, tree, tmp_path, district="东湖区", labels_from=False, map_path=names
    )
    truth = fr.make_truth(tree, np.random.default_rng(3), 12, ("empty",))
    options = ["东湖派出所", "西山派出所"]
    stations = [options[k % 2] for k in range(12)]
    path = tmp_path / "in" / "9799234_202603.csv"
    fr._tencent(tree, truth, path, False, units={"您所在的派出所": (options, stations)})
    got["tencent_letters"] = _survey(path, tree, tmp_path, district="东湖区")
    _compare("survey_station_names", got, tmp_path)


def test_station_sheets_and_failures_as_before(tree: IndicatorTree, tmp_path: Path) -> None:
    import xlsxwriter

    items = [item.id for _, item in tree.items()]
    rng = np.random.default_rng(5)
    path = tmp_path / "in" / "东湖分局录入.xlsx"
    path.parent.mkdir(parents=True)
    wb = xlsxwriter.Workbook(str(path))
    code = wb.add_worksheet("编码说明")
    code.write_row(0, 0, ["变量", "含义"])
    code.write_row(1, 0, ["编号", "问卷编号（每个派出所从 1 编起）"])
    for name, n in {"东湖派出所": 6, "Sheet3": 4}.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["编号", *items])
        answers = rng.integers(1, 6, size=(n, len(items))).astype(float)
        for r in range(n):
            ws.write(r + 1, 0, r + 1)
            for j, v in enumerate(answers[r]):
                if r or j != 2:
                    ws.write(r + 1, j + 1, 9 if (r, j) == (2, 4) else v)
        ws.write(n + 1, 0, "平均值")
    wb.close()
    got: dict[str, Any] = {
        "sheets": _survey(
            path, tree, tmp_path, sheet=ALL_SHEETS, district="东湖分局", missing_codes=[9]
        ),
        "off_scale": _failure(
            lambda: import_responses(path, tree, sheet=ALL_SHEETS, district="东湖分局")
        ),
    }
    generic = fr.make_case("generic", tree, tmp_path / "generic")
    got["no_district"] = _failure(lambda: import_responses(generic.path, tree))
    hand = fr.make_case("hand", tree, tmp_path / "hand")
    got["hand_without_map"] = _failure(lambda: import_responses(hand.path, tree))
    bad_map = tmp_path / "bad.map.yaml"
    bad_map.write_text(
        "items:\n  ic_std_1: 'Q99'\n  nothing: Q1\nlabels: {好: x}\nheader_row: 0\ncolour: red\n",
        encoding="utf-8",
    )
    got["bad_map"] = _failure(lambda: import_responses(hand.path, tree, map_path=bad_map))
    _compare("survey_sheets_and_failures", got, tmp_path)


# ---- judgments ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(fx.WRITERS))
def test_judgment_layout_imports_as_before(key: str, tree: IndicatorTree, tmp_path: Path) -> None:
    mats = fx.truth(tree)
    writer, _layout = fx.WRITERS[key]
    path = writer(tree, mats, tmp_path / f"{key}.xlsx")
    imp = import_judgments(path, tree)
    out = tmp_path / "out" / "experts.xlsx"
    write_experts_workbook(imp, tree, out, cr=consistency_table(imp.matrices, imp.experts))
    map_path = tmp_path / "out" / "experts.map.yaml"
    write_map(imp.proposed_map, map_path)
    seen = inspect_judgments(path, tree)
    assert seen is not None
    got = {
        "workbook": _workbook(out),
        "map": map_path.read_text(encoding="utf-8"),
        "inspect": {
            "layout": [seen.layout, seen.why],
            "experts": seen.experts,
            "nodes": seen.nodes,
            "columns": [[str(loc), *rest] for loc, *rest in seen.columns],
            "decisions": seen.decisions,
            "issues": [_issue(i) for i in seen.issues],
        },
    }
    _compare(f"judgments_{key}", got, tmp_path)


def test_judgment_failures_as_before(tree: IndicatorTree, tmp_path: Path) -> None:
    mats = fx.truth(tree)
    got: dict[str, Any] = {}
    faults: dict[str, Callable[[Path], Path]] = {
        "blank_and_duplicate": lambda p: fx.write_seventeen_export(
            tree, mats, p, blank=(1, 0), duplicate_column=True
        ),
        "two_ticks": lambda p: fx.write_seventeen_grid(tree, mats, p, two_ticks=("E02", 4)),
        "date_cell": lambda p: fx.write_matrix_per_sheet(tree, mats, p, date_cell=True),
        "unknown_item": lambda p: fx.write_row_per_expert(tree, mats, p, unknown="信息收集情况"),
    }
    for name, write in faults.items():
        path = write(tmp_path / f"{name}.xlsx")
        got[name] = {
            "issues": _failure(lambda path=path: import_judgments(path, tree)),
            "proposed": propose_judgment_map(path, tree),
        }
    _compare("judgments_failures", got, tmp_path)


# ---- a tree proposed from an export (init --from-export) ----------------------------------------


@pytest.mark.parametrize("layout", ["wjx_code", "tencent_old", "hand"])
def test_proposed_tree_as_before(layout: str, tree: IndicatorTree, tmp_path: Path) -> None:
    from evalkit.ingest.propose_tree import propose_tree

    case = fr.make_case(layout, tree, tmp_path / "in")
    p = propose_tree(case.path)
    got = {
        "yaml": p.yaml_text,
        "platform": p.platform,
        "items": p.items,
        "missing_codes": p.missing_codes,
        "left_out": p.left_out,
        "decisions": p.decisions,
    }
    _compare(f"proposed_tree_{layout}", got, tmp_path)
