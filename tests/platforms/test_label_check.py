"""A 问卷星 按序号 download checked against its 按文本 twin: option numbers are positions, labels
say what they mean."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from evalkit.errors import DataError
from evalkit.ingest.platforms import import_responses, text_twin

from . import fixtures_responses as fr


@pytest.fixture(scope="module")
def tree():
    return fr.default_tree()


def _pair(tree, folder: Path, n: int = 30, seed: int = 7) -> tuple[fr.Truth, Path, Path]:
    truth = fr.make_truth(tree, np.random.default_rng(seed), n, ("skipped", "empty"))
    code = folder / f"350881459_按序号_社区警务信息化调查_{n}_{n}.xlsx"
    text = folder / f"350881459_按文本_社区警务信息化调查_{n}_{n}.xlsx"
    fr._wjx(tree, truth, code, "按序号", fr.WJX_ORDER_A)
    fr._wjx(tree, truth, text, "按文本", fr.WJX_ORDER_A)
    return truth, code, text


KW = {"station": fr.STATIONS[0], "district": fr.DISTRICT}


def test_twin_found_beside_and_agreeing(tree, tmp_path: Path) -> None:
    truth, code, text = _pair(tree, tmp_path)
    assert text_twin(code) == text and text_twin(text) is None
    imp = import_responses(code, tree, **KW)
    assert np.array_equal(
        imp.responses[truth.item_ids].to_numpy(float), truth.values, equal_nan=True
    )
    assert f"checked against the 按文本 download {text.name}" in imp.detection.decisions
    assert not any("do not follow the scale" in d for d in imp.detection.decisions)


def test_options_numbered_against_the_scale_are_read_by_their_labels(tree, tmp_path: Path) -> None:
    truth, code, _ = _pair(tree, tmp_path)
    # the questionnaire listed item ic_std_2's options 非常同意 … 非常不同意: 1 means 非常同意
    k = truth.item_ids.index("ic_std_2")
    numbered = copy.deepcopy(truth)
    numbered.values[:, k] = 6 - truth.values[:, k]
    fr._wjx(tree, numbered, code, "按序号", fr.WJX_ORDER_A)
    alone = import_responses(code, tree, labels_from=None, **KW)  # the twin is found anyway
    assert np.array_equal(alone.responses["ic_std_2"], truth.values[:, k], equal_nan=True)
    note = [d for d in alone.detection.decisions if d.startswith("item ic_std_2:")]
    assert note == [
        "item ic_std_2: the option numbers do not follow the scale (1→5, 2→4, 3→3, 4→2, 5→1 "
        "by the labels); the labels' values are used"
    ]
    others = [i for i in truth.item_ids if i != "ic_std_2"]
    assert np.array_equal(
        alone.responses[others].to_numpy(float),
        truth.values[:, [truth.item_ids.index(i) for i in others]],
        equal_nan=True,
    )


def test_downloads_of_different_answers_are_refused(tree, tmp_path: Path) -> None:
    _, code, _ = _pair(tree, tmp_path, n=30)
    other = tmp_path / "other"
    other.mkdir()
    _, _, text31 = _pair(tree, other, n=31)
    with pytest.raises(DataError) as exc:
        import_responses(code, tree, labels_from=text31, **KW)
    msg = [i for i in exc.value.issues if i.severity == "error"]
    assert msg[0].message == "the 按序号 and 按文本 downloads hold different answer sheets"
    assert "only in 按文本: ['31']" in msg[0].found


def test_one_option_number_for_two_labels_is_refused(tree, tmp_path: Path) -> None:
    truth, code, text = _pair(tree, tmp_path)
    shuffled = copy.deepcopy(truth)
    k = truth.item_ids.index("ic_dup_1")
    answered = ~np.isnan(truth.values[:, k])
    shuffled.values[answered, k] = np.random.default_rng(3).permutation(truth.values[answered, k])
    fr._wjx(tree, shuffled, code, "按序号", fr.WJX_ORDER_A)
    with pytest.raises(DataError) as exc:
        import_responses(code, tree, **KW)
    errors = [i for i in exc.value.issues if i.severity == "error"]
    assert [e.message for e in errors] == [
        "item ic_dup_1: option numbers and labels do not correspond one to one"
    ]
    # two options for one label (4 -> 5 and 5 -> 5) are refused the same way
    merged = copy.deepcopy(truth)
    merged.values[:, k] = np.where(truth.values[:, k] == 4, 5, truth.values[:, k])
    fr._wjx(tree, merged, text, "按文本", fr.WJX_ORDER_A)
    fr._wjx(tree, truth, code, "按序号", fr.WJX_ORDER_A)
    with pytest.raises(DataError) as exc:
        import_responses(code, tree, **KW)
    assert "4→5, 5→5" in exc.value.issues[-1].found


def test_pairs_that_are_not_a_pair_are_refused(tree, tmp_path: Path) -> None:
    truth, code, text = _pair(tree, tmp_path)
    # the files the wrong way round: a 按文本 import "checked" against 按序号 numbers
    with pytest.raises(DataError) as exc:
        import_responses(text, tree, labels_from=code, **KW)
    assert exc.value.issues[-1].message == (
        "--labels-from needs a 问卷星 按序号 download and its 按文本 twin"
    )
    # an answer in one file only
    k = truth.item_ids.index("ic_std_1")
    row = int(np.flatnonzero(~np.isnan(truth.values[:, k]))[0])
    gap = copy.deepcopy(truth)
    gap.values[row, k] = np.nan
    gap.reasons[row, k] = "skipped"
    fr._wjx(tree, gap, code, "按序号", fr.WJX_ORDER_A)
    with pytest.raises(DataError) as exc:
        import_responses(code, tree, **KW)
    issue = exc.value.issues[-1]
    assert issue.message == "item ic_std_1: 1 answer(s) in one download only"
    assert issue.found.startswith(f"序号 {row + 1}: 按序号 empty, 按文本 ")
    # the check can be turned off: the 按序号 file alone is read as it is
    alone = import_responses(code, tree, labels_from=False, **KW)
    assert np.isnan(alone.responses["ic_std_1"].iloc[row])
    assert not any("按文本" in d for d in alone.detection.decisions)


def test_project_file_names_the_twin(tree, project: Path) -> None:
    from evalkit.errors import SpecError
    from evalkit.ingest.survey import load_survey_data
    from evalkit.spec import load_spec

    raw = project / "raw"
    raw.mkdir()
    truth, code, text = _pair(tree, raw)
    renamed = raw / "问卷星文本版.xlsx"  # renamed by hand: not found by its name any more
    text.rename(renamed)
    k = truth.item_ids.index("ic_std_2")
    numbered = copy.deepcopy(truth)
    numbered.values[:, k] = 6 - truth.values[:, k]
    fr._wjx(tree, numbered, code, "按序号", fr.WJX_ORDER_A)
    cfg = project / "evalkit.yaml"
    original = cfg.read_text(encoding="utf-8")
    entry = f"{{file: raw/{code.name}, labels_from: raw/{renamed.name}, district: 东湖区, station: 东湖派出所}}"
    cfg.write_text(
        original.replace("data:\n", f"data:\n  imports:\n    - {entry}\n"), encoding="utf-8"
    )
    spec = load_spec(project)
    assert spec.imports[0].labels_from == raw / renamed.name
    data = load_survey_data(tree, imports=spec.imports, base=project)
    got = data.responses[data.responses["_file"] == f"raw/{code.name}"]
    assert np.array_equal(got["ic_std_2"], truth.values[:, k], equal_nan=True)
    # a twin that is not there is named with its line in the project file
    cfg.write_text(
        original.replace(
            "data:\n",
            "data:\n  imports:\n    - {file: raw/" + code.name + ", labels_from: raw/gone.xlsx}\n",
        ),
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    assert any("labels_from" in i.message and i.location.line for i in exc.value.issues)
