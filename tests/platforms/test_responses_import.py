"""Survey exports of every layout read back exactly; bad input is refused with its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import typer
import yaml
from typer.testing import CliRunner

from evalkit.cli.import_cmd import import_cmd, inspect_cmd
from evalkit.errors import DataError
from evalkit.ingest.platforms import (
    import_responses,
    inspect_export,
    load_map,
    propose_map,
    write_map,
    write_responses,
)
from evalkit.ingest.survey import load_survey_data

from .fixtures_responses import LAYOUTS, STATIONS, make_case, make_truth

TREE = None


@pytest.fixture(scope="module")
def tree():
    from .fixtures_responses import default_tree

    return default_tree()


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(np.asarray(a, float), np.asarray(b, float), equal_nan=True))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_round_trip_recovers_the_exact_answers(layout: str, tree, tmp_path: Path) -> None:
    case = make_case(layout, tree, tmp_path)
    imp = import_responses(case.path, tree, **case.kwargs)
    t = case.truth
    det = imp.detection
    assert (det.platform, det.variant, det.header_row) == (
        case.platform,
        case.variant,
        case.header_row,
    )
    assert list(imp.responses.columns) == ["respondent", "district", "station", *t.item_ids]
    assert _same(imp.responses[t.item_ids].to_numpy(), t.values)
    assert (imp.reasons.to_numpy() == t.reasons).all()
    assert list(imp.responses["respondent"]) == t.respondents
    assert list(imp.responses["station"]) == t.stations
    assert set(imp.responses["district"]) == {"东湖分局"}
    assert det.unmatched_items == [] and len(det.mapping) == len(t.item_ids)
    assert not [i for i in det.issues if i.severity == "error"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_written_table_is_read_by_evalkit(layout: str, tree, tmp_path: Path) -> None:
    case = make_case(layout, tree, tmp_path)
    imp = import_responses(case.path, tree, **case.kwargs)
    for suffix in ("csv", "xlsx"):
        out = write_responses(imp, tmp_path / "out" / f"responses.{suffix}")
        data = load_survey_data(tree, responses=[out])
        assert _same(data.responses[case.truth.item_ids].to_numpy(), case.truth.values)
        assert list(data.responses["respondent"]) == case.truth.respondents
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left
    log = (tmp_path / "out" / "responses.import-log.txt").read_text("utf-8")
    assert log.startswith(f"platform: {case.platform}") and "decision:" in log


def test_generator_is_seeded(tree, tmp_path: Path) -> None:
    a = make_case("generic", tree, tmp_path / "a", seed=5)
    b = make_case("generic", tree, tmp_path / "b", seed=5)
    c = make_case("generic", tree, tmp_path / "c", seed=6)
    assert a.path.read_bytes() == b.path.read_bytes() != c.path.read_bytes()
    rng = np.random.default_rng(1)
    t = make_truth(tree, rng, 50, ("empty", "skipped"))
    assert set(t.reasons.ravel()) == {"", "empty", "skipped"}


# ---- 问卷星 -------------------------------------------------------------------------------------


def test_wjx_matrix_columns_and_duplicate_headers(tree, tmp_path: Path) -> None:
    case = make_case("wjx_code", tree, tmp_path)
    det = inspect_export(case.path, tree)
    q = {x["column"]: x for x in det.questions}
    first = next(x for x in det.questions if x["number"] == "2.1")
    assert first["matrix_group"] == "2" and first["column"].startswith("2、请根据")
    row2 = next(x for x in det.questions if x["number"] == "2.2")
    assert row2["column"] == tree.items()[1][1].text["zh"]  # bare row text
    assert det.mapping["ic_std_2"] == row2["column"]
    assert "速度" in q and "速度#2" in q  # the same row text in two matrices
    assert q["速度"]["number"] == "9.2" and q["速度#2"]["number"] == "10.2"
    assert q["第5题(手机)"].get("kind") == "option"
    assert det.markers["-3"] == int((case.truth.reasons == "skipped").sum())
    assert any("按序号" in d and "file name" in d for d in det.decisions)
    assert any("matrix" in d for d in det.decisions)
    assert det.encoding == ""


def test_wjx_variant_from_content_when_the_file_was_renamed(tree, tmp_path: Path) -> None:
    for layout, variant in (("wjx_code", "按序号"), ("wjx_text", "按文本")):
        case = make_case(layout, tree, tmp_path / layout)
        renamed = tmp_path / f"{layout}.xlsx"
        shutil.copyfile(case.path, renamed)
        det = inspect_export(renamed, tree)
        assert det.variant == variant
        assert any("numeric and" in d for d in det.decisions)


def test_wjx_text_markers_keep_their_reason(tree, tmp_path: Path) -> None:
    case = make_case("wjx_text", tree, tmp_path)
    imp = import_responses(case.path, tree, **case.kwargs)
    det = imp.detection
    skipped = int((case.truth.reasons == "skipped").sum())
    empty = int((case.truth.reasons == "empty").sum())
    assert det.markers["(跳过)"] == skipped
    assert det.markers.get("(空)", 0) + det.markers.get("（空）", 0) == empty
    assert any("非常同意→5" in d for d in det.decisions)


def test_map_by_question_number_and_duplicate_text_is_refused(tree, tmp_path: Path) -> None:
    case = make_case("wjx_code", tree, tmp_path)
    det = inspect_export(case.path, tree)
    number_of = {x["column"]: x["number"] for x in det.questions}
    items = {iid: number_of[col] for iid, col in det.mapping.items()}
    m = tmp_path / "by_number.yaml"
    m.write_text(yaml.safe_dump({"items": items}, allow_unicode=True), "utf-8")
    imp = import_responses(case.path, tree, map_path=m, **case.kwargs)
    assert _same(imp.responses[case.truth.item_ids].to_numpy(), case.truth.values)
    items["ic_std_1"] = "速度"  # a row text of two matrices
    m.write_text(yaml.safe_dump({"items": items}, allow_unicode=True), "utf-8")
    with pytest.raises(DataError) as exc:
        import_responses(case.path, tree, map_path=m, **case.kwargs)
    text = str(exc.value)
    assert "ic_std_1" in text and "2 columns" in text and '"速度#2"' in text


# ---- 腾讯问卷 -------------------------------------------------------------------------------------


def test_tencent_encodings_order_and_trailing_comma(tree, tmp_path: Path) -> None:
    new = inspect_export(make_case("tencent_new", tree, tmp_path / "n").path, tree)
    old = inspect_export(make_case("tencent_old", tree, tmp_path / "o").path, tree)
    assert (new.encoding, new.variant) == ("utf-8-sig", "new")
    assert (old.encoding, old.variant) == ("gb18030", "old")
    assert any("without a header ignored" in d and "trailing comma" in d for d in old.decisions)
    assert any(x["number"] == "2.3" and x["matrix_group"] == "2" for x in new.questions)
    assert any(
        "letter prefix" in d
        for d in import_responses(
            make_case("tencent_new", tree, tmp_path / "n2").path, tree, station="s", district="d"
        ).detection.decisions
    )


# ---- hand-entered ------------------------------------------------------------------------------


def test_hand_sheet_drops_summary_and_note_rows(tree, tmp_path: Path) -> None:
    case = make_case("hand", tree, tmp_path)
    imp = import_responses(case.path, tree, **case.kwargs)
    n = len(case.truth.values)
    reasons = [why for _, why in imp.dropped_rows]
    assert [r for r, _ in imp.dropped_rows] == [n + 4, n + 5, n + 7]
    assert reasons[0].startswith("summary row (平均值") and "合计" in reasons[1]
    assert reasons[2].startswith("note row (注：")
    codes = case.truth.codes[case.truth.reasons == "code"]
    assert imp.detection.markers["9"] == int((codes == 9).sum())
    assert imp.detection.markers["99"] == int((codes == 99).sum())
    assert any(q.get("dimension") == "信息采集" for q in imp.detection.questions)
    assert any("row 44 dropped" in d for d in imp.detection.decisions)


def test_hand_sheet_without_map_proposes_by_position_but_does_not_guess(
    tree, tmp_path: Path
) -> None:
    case = make_case("hand", tree, tmp_path)
    det = inspect_export(case.path, tree)
    assert (det.platform, det.header_row) == ("hand", 3)
    assert len(det.unmatched_items) == len(case.truth.item_ids)
    assert any("confirm" in d for d in det.decisions)
    proposed = propose_map(case.path, tree)
    assert proposed["items"]["ic_std_1"] == "Q1" and proposed["station"] == "派出所"
    with pytest.raises(DataError) as exc:
        import_responses(case.path, tree)
    assert "item ic_std_1 of the tree has no column" in str(exc.value)
    # the proposed map, once confirmed, imports (missing codes still needed)
    m = tmp_path / "confirmed.yaml"
    write_map(proposed, m)
    imp = import_responses(case.path, tree, map_path=m, missing_codes=(9, 99))
    assert _same(imp.responses[case.truth.item_ids].to_numpy(), case.truth.values)


def test_hand_missing_codes_not_declared_are_errors_with_a_hint(tree, tmp_path: Path) -> None:
    case = make_case("hand", tree, tmp_path)
    spec = yaml.safe_load(case.kwargs["map_path"].read_text("utf-8"))
    del spec["missing"]
    m = tmp_path / "nocodes.yaml"
    m.write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    with pytest.raises(DataError) as exc:
        import_responses(case.path, tree, map_path=m)
    issues = exc.value.issues
    r, k = np.argwhere(case.truth.reasons == "code")[0]
    first = next(i for i in issues if i.check == "scale" and i.severity == "error")
    assert first.location.row == 4 + r and first.location.column.startswith(f"Q{k + 1}")
    hint = [i for i in issues if i.severity == "warning"]
    assert hint and "--missing" in hint[0].fix


# ---- generic and bad input ---------------------------------------------------------------------


def test_generic_matches_normalised_texts_and_ids(tree, tmp_path: Path) -> None:
    case = make_case("generic", tree, tmp_path)
    det = inspect_export(case.path, tree)
    assert det.encoding == "utf-8"
    assert det.mapping["ic_dup_2"] == "ic_dup_2"  # by item id
    assert det.mapping["ic_std_2"] == "采集信息时,我清楚哪些项目是必填项以及填写口径."  # half width
    assert any("station taken from" in d for d in det.decisions)


def test_unknown_layout_lists_what_was_looked_for_and_the_first_rows(tree, tmp_path: Path) -> None:
    bad = tmp_path / "stations.csv"
    bad.write_text("district,station,officers\n东湖,东湖所,3\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        import_responses(bad, tree)
    text = str(exc.value)
    for part in ("no known survey export layout", "问卷星", "腾讯问卷", "Q1", "item ids"):
        assert part in text
    assert "row 1: district | station | officers" in text and "row 2: 东湖" in text
    with pytest.raises(DataError, match="no known survey export layout"):
        inspect_export(bad, tree)


def _generic_lines(tree, tmp_path: Path) -> tuple[Path, list[list[str]]]:
    case = make_case("generic", tree, tmp_path)
    import csv

    rows = list(csv.reader(case.path.read_text("utf-8").splitlines()))
    return case.path, rows


def _write(path: Path, rows: list[list[str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_item_without_column_is_named(tree, tmp_path: Path) -> None:
    path, rows = _generic_lines(tree, tmp_path)
    col = rows[0].index("te_plat_1")
    _write(path, [r[:col] + r[col + 1 :] for r in rows])
    with pytest.raises(DataError) as exc:
        import_responses(path, tree, district="d")
    assert "item te_plat_1 of the tree has no column" in str(exc.value)
    assert "社区警务信息平台运行稳定" in str(exc.value)


def test_column_matched_twice_names_both_items(tree, tmp_path: Path) -> None:
    case = make_case("generic", tree, tmp_path)
    det = inspect_export(case.path, tree)
    items = dict(det.mapping)
    items["aa_led_3"] = items["aa_led_2"]
    m = tmp_path / "twice.yaml"
    m.write_text(yaml.safe_dump({"items": items}, allow_unicode=True), "utf-8")
    with pytest.raises(DataError) as exc:
        import_responses(case.path, tree, map_path=m, district="d")
    issue = next(i for i in exc.value.issues if "matched to 2 items" in i.message)
    assert "aa_led_2" in issue.message and "aa_led_3" in issue.message
    assert issue.location.file == str(m) and issue.location.line is not None


def test_off_scale_value_names_row_and_column(tree, tmp_path: Path) -> None:
    path, rows = _generic_lines(tree, tmp_path)
    col = rows[0].index("ic_dup_2")
    rows[6][col] = "7"
    rows[9][col + 1] = "很好"
    _write(path, rows)
    with pytest.raises(DataError) as exc:
        import_responses(path, tree, district="d")
    errors = [i for i in exc.value.issues if i.check == "scale" and i.severity == "error"]
    assert [(i.location.row, i.location.column) for i in errors] == [
        (7, "ic_dup_2 (G)"),
        (10, f"{rows[0][col + 1].strip()} (H)"),
    ]
    assert errors[0].found == "'7'" and "one of ['1', '2', '3', '4', '5']" in errors[0].expected


def test_station_or_district_missing_names_the_fix(tree, tmp_path: Path) -> None:
    case = make_case("tencent_new", tree, tmp_path)
    with pytest.raises(DataError) as exc:
        import_responses(case.path, tree, district="d")
    assert "no station" in str(exc.value) and "--station" in str(exc.value)
    assert "`station:`" in str(exc.value)


def test_map_errors_carry_yaml_lines(tree, tmp_path: Path) -> None:
    m = tmp_path / "bad.yaml"
    m.write_text("respondent: ID\nitems:\n  ic_std_1: Q1\n  labels_x: 3\ncolour: red\n", "utf-8")
    with pytest.raises(DataError) as exc:
        load_map(m)
    assert exc.value.issues[0].location.line == 5  # unknown key `colour`
    case = make_case("generic", tree, tmp_path / "g")
    m.write_text("items:\n  ic_std_1: ic_std_1\n  not_an_item: Q1\n", "utf-8")
    with pytest.raises(DataError) as exc:
        import_responses(case.path, tree, map_path=m, district="d")
    bad = next(i for i in exc.value.issues if "not an item" in i.message)
    assert bad.location.line == 3


def test_labels_and_missing_from_the_map(tree, tmp_path: Path) -> None:
    path, rows = _generic_lines(tree, tmp_path)
    col = rows[0].index("ic_dup_2")
    rows[3][col] = "满意"
    rows[4][col] = "不知道"
    _write(path, rows)
    m = tmp_path / "m.yaml"
    m.write_text("labels:\n  满意: 4\nmissing: [不知道]\n", "utf-8")
    imp = import_responses(path, tree, map_path=m, district="d")
    assert imp.responses["ic_dup_2"].iloc[2] == 4
    assert np.isnan(imp.responses["ic_dup_2"].iloc[3])
    assert imp.reasons["ic_dup_2"].iloc[3] == "code"


def test_write_map_round_trip(tree, tmp_path: Path) -> None:
    case = make_case("wjx_code", tree, tmp_path)
    proposed = import_responses(case.path, tree, **case.kwargs).proposed_map
    m = tmp_path / "p.yaml"
    write_map(proposed, m)
    text = m.read_text("utf-8")
    assert text.startswith("# evalkit import map") and "本所对各类" in text  # readable Chinese
    loaded = load_map(m)
    assert loaded.respondent == "序号" and len(loaded.items) == len(case.truth.item_ids)
    imp = import_responses(case.path, tree, map_path=m, **case.kwargs)
    assert _same(imp.responses[case.truth.item_ids].to_numpy(), case.truth.values)


# ---- command line ------------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("inspect")(inspect_cmd)
    app.command("import")(import_cmd)
    return app


def _tree_file(tree) -> str:
    return tree.file


def test_cli_inspect_and_import(tree, tmp_path: Path) -> None:
    runner = CliRunner()
    case = make_case("wjx_text", tree, tmp_path)
    res = runner.invoke(_app(), ["inspect", str(case.path), "--tree", _tree_file(tree)])
    assert res.exit_code == 0, res.output
    assert "问卷星 按文本" in res.output and "header row 1" in res.output
    assert "(跳过)" in res.output and "Decisions" in res.output
    out = tmp_path / "out" / "东湖.csv"
    args = ["import", str(case.path), "--tree", _tree_file(tree), "-o", str(out)]
    res = runner.invoke(_app(), [*args, "--station", STATIONS[0], "--district", "东湖分局"])
    assert res.exit_code == 0, res.output
    assert out.exists() and (tmp_path / "out" / "东湖.map.yaml").exists()
    assert "Proposed map written" in res.output
    res = runner.invoke(_app(), args)  # no station
    assert res.exit_code == 1
    assert "Error:" in res.output and "--station" in res.output


def test_cli_import_failure_still_proposes_a_map(tree, tmp_path: Path) -> None:
    case = make_case("hand", tree, tmp_path)
    out = tmp_path / "r.xlsx"
    res = CliRunner().invoke(
        _app(), ["import", str(case.path), "--tree", _tree_file(tree), "-o", str(out)]
    )
    assert res.exit_code == 1 and not out.exists()
    proposed = load_map(tmp_path / "r.map.yaml")
    assert proposed.items["ic_std_1"] == "Q1"
    res = CliRunner().invoke(
        _app(),
        [
            "import",
            str(case.path),
            "--tree",
            _tree_file(tree),
            "-o",
            str(out),
            "--map",
            str(tmp_path / "r.map.yaml"),
            "--missing",
            "9,99",
        ],
    )
    assert res.exit_code == 0, res.output
    assert out.exists()


def test_points_english_labels_and_full_width_letters(tree, tmp_path: Path) -> None:
    path, rows = _generic_lines(tree, tmp_path)
    col = rows[0].index("ic_dup_2")
    rows[1][col], rows[2][col], rows[3][col], rows[4][col] = "4分", "Agree", "Ｂ．不同意", "（空）"
    _write(path, rows)
    imp = import_responses(path, tree, district="d")
    assert list(imp.responses["ic_dup_2"].iloc[:3]) == [4.0, 4.0, 2.0]
    assert imp.reasons["ic_dup_2"].iloc[3] == "empty"
    assert imp.detection.markers["（空）"] == 1


def test_summary_and_note_rows_are_told_from_answers(tree, tmp_path: Path) -> None:
    """Row tests of a generic table: a summary word at the start of a label cell or as the first
    text of a row, a note in a label column, and an answer row whose id merely starts like a note."""
    case = make_case("generic", tree, tmp_path)
    lines = case.path.read_text(encoding="utf-8").splitlines()
    n_items = len(case.truth.item_ids)
    lines[0] += ",备注"
    lines[1:] = [line + "," for line in lines[1:]]
    n = len(lines) - 1
    answers = ",".join(["3"] * n_items)
    lines += [
        f"平均值（全所）,,{answers},",  # summary word starting the id cell: dropped
        f",,合计:,{','.join([''] * (n_items - 1))},",  # first text of the row: dropped
        f"注：以上为试填,{STATIONS[0]},{','.join([''] * n_items)},试填",  # note, no answers
        f"注：7号,{STATIONS[0]},{answers},",  # an id that starts like a note, with answers: kept
    ]
    case.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imp = import_responses(case.path, tree, **case.kwargs)
    assert imp.dropped_rows == [
        (n + 2, "summary row (平均值(全所))"),  # cell text NFKC-folded
        (n + 3, "summary row (合计:)"),
        (n + 4, "note row (注：以上为试填)"),
    ]
    assert len(imp.responses) == n + 1
    last = imp.responses.iloc[-1]
    assert last["respondent"] == "注:7号"  # NFKC-folded like every id
    assert last[case.truth.item_ids].tolist() == [3.0] * n_items
