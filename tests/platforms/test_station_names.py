"""Stations (and districts) chosen in the questionnaire become the names of the stations sheet:
a 问卷星 按序号 download's option numbers named by its 按文本 twin, a 腾讯问卷 answer's option letter
removed, or the map's ``station_names`` / ``district_names``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from evalkit.errors import DataError
from evalkit.ingest.platforms import import_responses, inspect_export
from evalkit.pipeline import evaluate

from . import fixtures_responses as fr

OPTIONS = ["文昌派出所", "湖滨派出所", "花园派出所"]  # stations of 东湖区 in the example project
QUESTION = "您所在的派出所"
N = 30


@pytest.fixture(scope="module")
def tree():
    return fr.default_tree()


def _answers(n: int = N, seed: int = 11) -> list[str]:
    rng = np.random.default_rng(seed)
    return [OPTIONS[k] for k in rng.permutation(np.arange(n) % len(OPTIONS))]


def _wjx_pair(
    tree, folder: Path, stations: list[str], *, text_stations: list[str] | None = None, **units
) -> tuple[fr.Truth, Path, Path]:
    truth = fr.make_truth(tree, np.random.default_rng(5), len(stations), ("skipped", "empty"))
    truth.stations = stations
    code = folder / f"350881459_按序号_社区警务信息化调查_{N}_{N}.xlsx"
    text = folder / f"350881459_按文本_社区警务信息化调查_{N}_{N}.xlsx"
    fr._wjx(
        tree, truth, code, "按序号", fr.WJX_ORDER_A, units={QUESTION: (OPTIONS, stations), **units}
    )
    fr._wjx(
        tree,
        truth,
        text,
        "按文本",
        fr.WJX_ORDER_A,
        units={QUESTION: (OPTIONS, text_stations or stations), **units},
    )
    return truth, code, text


def test_wjx_option_numbers_are_named_by_the_text_twin(tree, tmp_path: Path) -> None:
    stations = _answers()
    truth, code, _ = _wjx_pair(tree, tmp_path, stations)
    imp = import_responses(code, tree, district="东湖区")
    assert imp.responses["station"].tolist() == stations
    assert np.array_equal(
        imp.responses[truth.item_ids].to_numpy(float), truth.values, equal_nan=True
    )
    assert (
        "station: option numbers named by the 按文本 download "
        f"350881459_按文本_社区警务信息化调查_{N}_{N}.xlsx: 1→文昌派出所, 2→湖滨派出所, 3→花园派出所"
    ) in imp.detection.decisions
    # the proposed map keeps the names, so a re-run with it needs no twin
    assert imp.proposed_map["station_names"] == {1: "文昌派出所", 2: "湖滨派出所", 3: "花园派出所"}


def test_wjx_option_numbers_named_by_an_explicit_labels_from(tree, tmp_path: Path) -> None:
    stations = _answers()
    _, code, text = _wjx_pair(tree, tmp_path, stations)
    other = tmp_path / "elsewhere" / "文本版.xlsx"
    other.parent.mkdir()
    shutil.move(text, other)
    imp = import_responses(code, tree, district="东湖区", labels_from=other)
    assert imp.responses["station"].tolist() == stations


def test_wjx_option_numbers_without_names_stop_the_import_with_the_fix(
    tree, tmp_path: Path
) -> None:
    _, code, _ = _wjx_pair(tree, tmp_path, _answers())
    with pytest.raises(DataError) as exc:
        import_responses(code, tree, district="东湖区", labels_from=False)
    (issue,) = exc.value.issues
    loc = issue.location
    assert (loc.file, loc.sheet, loc.row, loc.column) == (str(code), "Sheet1", 2, f"2、{QUESTION}")
    assert issue.message == "the station question holds option numbers, not station names"
    assert issue.expected == "station names as in the stations sheet"
    assert issue.found == "option number(s) 1, 2, 3"
    assert "按文本" in issue.fix and "station_names: {1: <station name>" in issue.fix


def test_inspect_says_the_twin_will_name_the_stations(tree, tmp_path: Path) -> None:
    _, code, text = _wjx_pair(tree, tmp_path, _answers())
    det = inspect_export(code, tree)
    assert not [i for i in det.issues if i.check == "station_numbers"]
    assert f"station: option numbers (1, 2, 3) named at import by {text.name}" in det.decisions
    text.unlink()
    det = inspect_export(code, tree)
    assert [i.check for i in det.issues if i.severity == "error"].count("station_numbers") == 1


def test_twin_whose_names_do_not_match_the_numbers_is_refused(tree, tmp_path: Path) -> None:
    stations = _answers()
    swapped = list(stations)
    k = swapped.index("湖滨派出所")
    swapped[k] = "花园派出所"  # the 按文本 file says 花园 where 按序号 says 2 (湖滨)
    _, code, text = _wjx_pair(tree, tmp_path, stations, text_stations=swapped)
    with pytest.raises(DataError) as exc:
        import_responses(code, tree, district="东湖区")
    (issue,) = [i for i in exc.value.issues if i.severity == "error"]
    assert issue.location.file == str(text)
    assert "do not correspond one to one" in issue.message
    assert issue.found == "option → name: 2→湖滨派出所, 2→花园派出所, 3→花园派出所"


def test_district_question_is_named_like_the_station(tree, tmp_path: Path) -> None:
    stations = _answers()
    districts = ["东湖区"] * N
    units = {"您所在的分局": (["东湖区", "西山区"], districts)}
    _, code, _ = _wjx_pair(tree, tmp_path, stations, **units)
    imp = import_responses(code, tree)
    assert imp.responses["district"].tolist() == districts
    assert imp.responses["station"].tolist() == stations
    assert any(d.startswith("district: option numbers named by") for d in imp.detection.decisions)


def test_tencent_option_letters_are_removed(tree, tmp_path: Path) -> None:
    stations = _answers()
    truth = fr.make_truth(tree, np.random.default_rng(5), N, ("empty",))
    path = tmp_path / "9799234_202603.csv"
    fr._tencent(tree, truth, path, False, units={QUESTION: (OPTIONS, stations)})
    assert "C.花园派出所" in path.read_text(encoding="utf-8-sig")
    imp = import_responses(path, tree, district="东湖区")
    assert imp.responses["station"].tolist() == stations
    assert any(
        d.startswith("station: option letters removed") and "(A.文昌派出所 → 文昌派出所)" in d
        for d in imp.detection.decisions
    )


def test_map_names_stations_by_option_number_or_text(tree, tmp_path: Path) -> None:
    stations = _answers()
    _, code, _ = _wjx_pair(tree, tmp_path, stations)
    mp = tmp_path / "MAP.yaml"
    mp.write_text("station_names:\n  1: 文昌派出所\n  2: 湖滨派出所\n  3: 花园派出所\n", "utf-8")
    imp = import_responses(code, tree, district="东湖区", labels_from=False, map_path=mp)
    assert imp.responses["station"].tolist() == stations
    # by text: a 腾讯问卷 answer "B.湖滨所" (the questionnaire's short name) renamed
    truth = fr.make_truth(tree, np.random.default_rng(5), N, ("empty",))
    short = ["文昌所", "湖滨所", "花园所"]
    path = tmp_path / "9799234_202603.csv"
    fr._tencent(
        tree, truth, path, False, units={QUESTION: (short, [s[:2] + "所" for s in stations])}
    )
    mp.write_text(
        "station_names: {文昌所: 文昌派出所, 湖滨 所: 湖滨派出所, 花园所: 花园派出所}\n", "utf-8"
    )
    imp = import_responses(path, tree, district="东湖区", map_path=mp)
    assert imp.responses["station"].tolist() == stations


def test_option_number_the_map_leaves_out_is_an_error_at_its_line(tree, tmp_path: Path) -> None:
    _, code, _ = _wjx_pair(tree, tmp_path, _answers())
    mp = tmp_path / "MAP.yaml"
    mp.write_text("respondent: 序号\nstation_names:\n  1: 文昌派出所\n  2: 湖滨派出所\n", "utf-8")
    with pytest.raises(DataError) as exc:
        import_responses(code, tree, district="东湖区", labels_from=False, map_path=mp)
    (issue,) = exc.value.issues
    assert (issue.location.file, issue.location.line) == (str(mp), 2)
    assert issue.found == "option number(s) 3"
    assert issue.fix == "Add them to station_names in the map (3: <station name>)."
    mp.write_text("station_names:\n  1: 文昌派出所\n  2:\n", "utf-8")
    with pytest.raises(DataError) as exc:
        import_responses(code, tree, district="东湖区", labels_from=False, map_path=mp)
    (issue,) = exc.value.issues
    assert (
        issue.location.line == 3
        and issue.message == "answer `2` of the station question needs a name"
    )


def test_project_imports_match_the_stations_sheet(tree, project: Path) -> None:
    """With option numbers (问卷星 按序号) or letters (腾讯问卷) as stations, every imported answer
    was refused as "station has responses but no row in the stations sheet"."""
    before = evaluate(project).stations.set_index("station")["respondents"]
    raw = project / "raw"
    raw.mkdir()
    stations = _answers()
    _wjx_pair(tree, raw, stations)
    truth = fr.make_truth(tree, np.random.default_rng(9), N, ("empty",))
    fr._tencent(
        tree, truth, raw / "9799234_202603.csv", False, units={QUESTION: (OPTIONS, stations)}
    )
    (raw / "tencent.map.yaml").write_text("respondent_prefix: T-\n", encoding="utf-8")
    spec = project / "evalkit.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "data:\n",
            "data:\n  imports:\n"
            f"    - {{file: raw/350881459_按序号_社区警务信息化调查_{N}_{N}.xlsx, district: 东湖区}}\n"
            "    - {file: raw/9799234_202603.csv, district: 东湖区, map: raw/tencent.map.yaml}\n",
        ),
        encoding="utf-8",
    )
    res = subprocess.run(
        [sys.executable, "-m", "evalkit", "validate", str(project)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    ev = evaluate(project)
    kept = ev.survey.responses
    imported = kept[kept["_file"].str.startswith("raw/")]
    assert set(imported["district"]) == {"东湖区"}
    assert set(imported["station"]) == set(OPTIONS)
    assert len(imported) > N  # both files, less any questionnaire screened out
    after = ev.stations.set_index("station")["respondents"]
    added = imported.groupby("station").size()
    for name in OPTIONS:
        assert after[name] == before[name] + added[name]
