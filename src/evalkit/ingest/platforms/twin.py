"""A 问卷星 按序号 download checked against its 按文本 twin (the same answers, labels for numbers).

Option numbers are only positions in the questionnaire; the labels say what they mean. Rows are
joined on the respondent (问卷星's 序号). Per item, option numbers and labels must correspond one
to one; when the labels say the numbers run differently from the scale (options listed 非常同意 …
非常不同意, so 1 means 非常同意), the labels' values are used and the decision recorded. The
twin also names the option numbers of the station and district questions. Numbers and labels
that do not correspond one to one, an answer present in one file only, or files that are not a
按序号 / 按文本 pair are errors: the two downloads do not belong together.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import DataError, Issue, Location
from ..decision import Decision
from ..text import scale_number
from .match import ROLE_ZH
from .model import Imported, platform_label
from .units import yaml_key

_BOTH_AGAIN = "Download both files of the same survey at the same time."
_BOTH_AGAIN_ZH = "同时重新下载同一问卷的两个文件。"


def text_twin(path: Path) -> Path | None:
    """The 按文本 download beside a 问卷星 按序号 download: the same file name with 按文本 for 按序号
    (the name carries the survey id, title and answer counts, so an older download of the same
    survey is not taken for it)."""
    if "_按序号_" not in path.name:
        return None
    twin = path.with_name(path.name.replace("_按序号_", "_按文本_", 1))
    return twin if twin.exists() else None


class _Check:
    """The problems and decisions of one check, added to those of the 按序号 import."""

    def __init__(self, code: Imported, text_path: Path) -> None:
        self.issues = list(code.detection.issues)
        self.decisions = list(code.detection.decisions)
        self.text_path = text_path

    def flag(
        self,
        message: tuple[str, str],
        found: tuple[str, str],
        fix: tuple[str, str],
        column: str = "",
        expected: tuple[str, str] = ("", ""),
    ) -> None:
        """A problem (each text as English, Chinese) at the 按文本 file."""
        self.issues.append(
            Issue(
                Location(file=str(self.text_path), column=column),
                message[0],
                expected=expected[0],
                found=found[0],
                fix=fix[0],
                check="labels",
                message_zh=message[1],
                expected_zh=expected[1],
                found_zh=found[1],
                fix_zh=fix[1],
            )
        )

    def decide(self, en: str, zh: str) -> None:
        self.decisions.append(Decision(en, zh))


def check_with_labels(
    code: Imported,
    text: Imported,
    path: Path,
    text_path: Path,
    *,
    explicit: bool,
    text_map: Path | str | None,
) -> Imported:
    """The 按序号 import ``code`` checked against ``text``, the import of its 按文本 twin; raises
    DataError listing every problem (see the module's description)."""
    chk = _Check(code, text_path)
    det_c, det_t = code.detection, text.detection
    pair = (det_c.platform, det_c.variant, det_t.platform, det_t.variant) == (
        "wjx",
        "按序号",
        "wjx",
        "按文本",
    )
    if not pair:
        found = f"{platform_label(det_c)} and {platform_label(det_t)} ({text_path.name})"
        found_zh = (
            f"{platform_label(det_c, 'zh')} 与 {platform_label(det_t, 'zh')}（{text_path.name}）"
        )
        if explicit:
            chk.flag(
                (
                    "--labels-from needs a 问卷星 按序号 download and its 按文本 twin",
                    "`--labels-from` 需要问卷星按序号下载文件及其按文本下载文件",
                ),
                (found, found_zh),
                (
                    "Import the 按序号 file and pass the 按文本 file as --labels-from.",
                    "导入按序号文件，并用 `--labels-from` 传入按文本文件。",
                ),
            )
        else:
            chk.decide(
                f"no label check: {found} are not a 按序号 / 按文本 pair",
                f"未核对选项文字：{found_zh} 不是一对按序号 / 按文本下载文件",
            )
        return with_issues(code, chk.issues, chk.decisions, path)
    chk.decide(
        f"checked against the 按文本 download {text_path.name}",
        f"已与按文本下载文件 {text_path.name} 核对",
    )
    if text_map is None and det_c.mapping and det_t.mapping:
        chk.decide(
            "the 按文本 download's columns matched by their texts, not the map",
            "按文本下载文件的列按文字对应，未用映射文件",
        )
    _text_errors(chk, text)
    joined = _join(chk, code, text)
    if joined is None:
        return with_issues(code, chk.issues, chk.decisions, path)
    t, t_why = joined
    values = code.responses.copy()
    proposed = dict(code.proposed_map)
    for role in ("district", "station"):
        _units_from_labels(chk, role, values, t, proposed)
    code = dataclasses.replace(code, proposed_map=proposed)
    n_before = len(chk.issues)
    for iid in [i for i in det_c.mapping if i in det_t.mapping]:
        _check_item(chk, iid, code, t, t_why, text.detection.mapping[iid], values)
    if len(chk.issues) > n_before:
        return with_issues(code, chk.issues, chk.decisions, path)
    return with_issues(dataclasses.replace(code, responses=values), chk.issues, chk.decisions, path)


def _text_errors(chk: _Check, text: Imported) -> None:
    errors = [i for i in text.detection.issues if i.severity == "error"]
    if errors:
        chk.issues.append(
            Issue(
                Location(file=str(chk.text_path)),
                f"{len(errors)} problem(s) in the 按文本 download (first: "
                f"{errors[0].message}); those answers were not checked",
                severity="warning",
                check="labels",
                message_zh=f"按文本下载文件中有 {len(errors)} 个问题（第一个："
                f"{errors[0].message_zh or errors[0].message}），这些答案未核对",
            )
        )


def _join(chk: _Check, code: Imported, text: Imported) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The 按文本 answers and reasons in the rows of the 按序号 ones (joined on 序号); None after
    a problem (a 序号 repeated, different answer sheets)."""
    c, t = code.responses, text.responses
    ids_c, ids_t = c["respondent"].astype(str), t["respondent"].astype(str)
    for ids, which in ((ids_c, "按序号"), (ids_t, "按文本")):
        twice = ", ".join(sorted(set(ids[ids.duplicated()]))[:5])
        if twice:
            chk.flag(
                (f"序号 repeated in the {which} download", f"{which}下载文件中有重复的序号"),
                (twice, twice),
                (
                    "Each answer sheet has one 序号: download the file again.",
                    "每份答卷只有一个序号：请重新下载该文件。",
                ),
            )
            return None
    if set(ids_c) != set(ids_t):
        only_c = sorted(set(ids_c) - set(ids_t))[:5]
        only_t = sorted(set(ids_t) - set(ids_c))[:5]
        chk.flag(
            (
                "the 按序号 and 按文本 downloads hold different answer sheets",
                "按序号和按文本两个下载文件中的答卷不同",
            ),
            (
                f"only in 按序号: {only_c}; only in 按文本: {only_t}",
                f"仅在按序号中：{only_c}；仅在按文本中：{only_t}",
            ),
            (_BOTH_AGAIN, _BOTH_AGAIN_ZH),
        )
        return None
    order = ids_c.to_numpy()
    return (
        t.set_index(ids_t.to_numpy()).loc[order],
        text.reasons.set_index(ids_t.to_numpy()).loc[order],
    )


def _check_item(
    chk: _Check,
    iid: str,
    code: Imported,
    t: pd.DataFrame,
    t_why: pd.DataFrame,
    col: str,
    values: pd.DataFrame,
) -> None:
    """One item's option numbers against its labels; ``values[iid]`` replaced by the labels'
    values when the numbers run against the scale."""
    ids = code.responses["respondent"].astype(str)
    num = code.responses[iid].to_numpy(float)
    lab = t[iid].to_numpy(float)
    # a cell off the scale has no value and no reason: its import reports it, not this check
    off = (np.isnan(num) & (code.reasons[iid].to_numpy() == "")) | (
        np.isnan(lab) & (t_why[iid].to_numpy() == "")
    )
    one_only = (np.isnan(num) != np.isnan(lab)) & ~off
    if one_only.any():
        k = int(np.argmax(one_only))
        chk.flag(
            (
                f"item {iid}: {int(one_only.sum())} answer(s) in one download only",
                f"题目 {iid}：{int(one_only.sum())} 个答案只在一个下载文件中",
            ),
            (
                f"序号 {ids.iloc[k]}: 按序号 {_shown(num[k])}, 按文本 {_shown(lab[k])}",
                f"序号 {ids.iloc[k]}：按序号 {_shown(num[k], 'zh')}，按文本 {_shown(lab[k], 'zh')}",
            ),
            (_BOTH_AGAIN, _BOTH_AGAIN_ZH),
            col,
            ("the same answers in both files", "两个文件中的答案相同"),
        )
        return
    both = ~np.isnan(num) & ~np.isnan(lab)
    pairs = pd.DataFrame({"num": num[both], "lab": lab[both]}).drop_duplicates()
    clash = pairs[pairs["num"].duplicated(keep=False) | pairs["lab"].duplicated(keep=False)]
    if not clash.empty:
        chk.flag(
            (
                f"item {iid}: option numbers and labels do not correspond one to one",
                f"题目 {iid}：选项序号与选项文字不是一一对应",
            ),
            (
                f"option → scale value of the label: {_arrows(clash)}",
                f"选项 → 其文字的量表取值：{_arrows(clash)}",
            ),
            (
                "The two downloads are not of the same survey; download both again.",
                "两个下载文件不是同一问卷的；请重新下载两个文件。",
            ),
            col,
            (
                "one label per option number, one option number per label",
                "每个选项序号一个文字，每个文字一个选项序号",
            ),
        )
        return
    if not (pairs["num"] != pairs["lab"]).any():
        return
    unmatched = ~np.isnan(num) & ~np.isin(num, pairs["num"].to_numpy())
    if unmatched.any():
        k = int(np.argmax(unmatched))
        chk.flag(
            (
                f"item {iid}: option {_shown(num[k])} has no readable label to say what "
                "it means, and the options do not follow the scale",
                f"题目 {iid}：选项 {_shown(num[k])} 没有可读的文字说明其含义，而各选项又不按量表顺序",
            ),
            (f"序号 {ids.iloc[k]}", f"序号 {ids.iloc[k]}"),
            (
                "Correct the label in the 按文本 download (or add it to the map's labels:), "
                "then import again.",
                "改正按文本下载文件中的选项文字（或加到映射文件的 labels: 中），再重新导入。",
            ),
            col,
        )
        return
    values[iid] = pd.Series(num).map(dict(pairs.itertuples(index=False))).to_numpy()
    chk.decide(
        f"item {iid}: the option numbers do not follow the scale ({_arrows(pairs)} by "
        "the labels); the labels' values are used",
        f"题目 {iid}：选项序号不按量表顺序（按选项文字为 {_arrows(pairs)}）；采用选项文字对应的取值",
    )


def _units_from_labels(
    chk: _Check,
    role: str,
    values: pd.DataFrame,
    text: pd.DataFrame,
    proposed: dict[str, Any],
) -> None:
    """The station (or district) option numbers of a 按序号 download named by its 按文本 twin
    (``text``: rows in the order of ``values``); ``values[role]`` is replaced and the pending
    "option numbers" error dropped once the twin has named every number; numbers and names that
    do not correspond one to one are an error."""
    pending = [i for i in chk.issues if i.check == f"{role}_numbers"]
    if not pending:
        return
    num = values[role].astype(str).to_numpy()
    lab = text[role].astype(str).to_numpy()
    answered = num != ""
    pairs = pd.DataFrame({"num": num[answered], "lab": lab[answered]}).drop_duplicates()
    pairs = pairs.assign(key=pairs["num"].astype(float)).sort_values(["key", "lab"])
    chk.issues = [i for i in chk.issues if i not in pending]
    nameless = pairs["lab"] == ""
    clash = pairs[pairs["num"].duplicated(keep=False) | pairs["lab"].duplicated(keep=False)]
    unit = ROLE_ZH[role]
    if nameless.any() or not clash.empty:
        bad = pairs[nameless] if nameless.any() else clash
        shown = ", ".join(f"{a}→{b or 'no name'}" for a, b in bad[["num", "lab"]].values)
        shown_zh = ", ".join(f"{a}→{b or '无名称'}" for a, b in bad[["num", "lab"]].values)
        chk.issues.append(
            Issue(
                dataclasses.replace(pending[0].location, file=str(chk.text_path)),
                f"the {role} option numbers and the 按文本 download's {role} names do not "
                "correspond one to one",
                expected="one name per option number, one option number per name",
                found=f"option → name: {shown}",
                fix="The two downloads are not of the same survey; download both again, or name "
                f"the options in the map ({role}_names:).",
                check="labels",
                message_zh=f"{unit}的选项序号与按文本下载文件中的{unit}名称不是一一对应",
                expected_zh="每个选项序号一个名称，每个名称一个选项序号",
                found_zh=f"选项 → 名称：{shown_zh}",
                fix_zh="两个下载文件不是同一问卷的；请重新下载两个文件，或在映射文件中写明各选项的"
                f"名称（{role}_names:）。",
            )
        )
        return
    values[role] = np.where(answered, lab, "")
    listed = ", ".join(f"{a}→{b}" for a, b in pairs[["num", "lab"]].values)
    chk.decide(
        f"{role}: option numbers named by the 按文本 download {chk.text_path.name}: {listed}",
        f"{unit}：选项序号按按文本下载文件 {chk.text_path.name} 命名：{listed}",
    )
    names = dict(proposed.get(f"{role}_names") or {})
    names.update({yaml_key(a): b for a, b in pairs[["num", "lab"]].values})
    proposed[f"{role}_names"] = names


def _arrows(pairs: pd.DataFrame) -> str:
    """Option number → label value pairs, by option number: "1→5, 2→4, ..."."""
    ordered = pairs.sort_values("num").itertuples(index=False)
    return ", ".join(f"{_shown(a)}→{_shown(b)}" for a, b in ordered)


def _shown(v: float, lang: str = "en") -> str:
    if np.isnan(v):
        return "空" if lang == "zh" else "empty"
    return scale_number(str(v))


def with_issues(imp: Imported, issues: list[Issue], decisions: list[str], path: Path) -> Imported:
    """``imp`` with its detection's issues and decisions replaced; raises on errors."""
    det = dataclasses.replace(imp.detection, issues=issues, decisions=decisions)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise DataError(issues, summary=f"{len(errors)} problem(s) importing {path}")
    return dataclasses.replace(imp, detection=det)


__all__ = ["check_with_labels", "text_twin", "with_issues"]
