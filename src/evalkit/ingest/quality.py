"""Invalid questionnaires: which officers' answers a researcher must leave out, and why.

Three rules, checked on the whole responses table at once (no loop over respondents):

- ``duplicate_id``: a respondent id already used by an earlier row (file order) - the first
  occurrence is kept, every later one excluded;
- ``too_many_missing``: more than ``max_missing_share`` of the tree's survey items unanswered
  (e.g. with 23 items and 0.2, five or more missing answers exclude the questionnaire);
- ``straight_lining``: every answered item has the same value and at least
  ``straightline_min_items`` items are answered. When some of the answered items are
  reverse-worded, the identical raw answers are also contradictory (agreeing with a statement and
  with its opposite); the detail says so.

A questionnaire meeting several rules is excluded once, under the first reason in that order
(:data:`REASONS`). Exclusions are counted per station and reported as warnings with the row of the
questionnaire in its workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import Issue, Location
from ..tree import IndicatorTree

REASONS = ("duplicate_id", "too_many_missing", "straight_lining")
EXCLUDED_COLUMNS = [
    "respondent",
    "district",
    "station",
    "reason",
    "detail",
    "detail_zh",
    "_file",
    "_sheet",
    "_row",
]
COUNT_COLUMNS = ["district", "station", "respondents", *REASONS, "excluded", "kept"]

_MESSAGES = {
    "duplicate_id": "questionnaire excluded: duplicate respondent id",
    "too_many_missing": "questionnaire excluded: too many missing answers",
    "straight_lining": "questionnaire excluded: the same answer to every item (straight-lining)",
}
_FIXES = {
    "duplicate_id": "Give every questionnaire its own respondent id, or delete the repeated row.",
    "too_many_missing": "Complete the answers from the paper form if they exist; otherwise the "
    "exclusion is correct.",
    "straight_lining": "Check the paper form; if the officer really answered this way, the "
    "exclusion is correct.",
}


@dataclass(frozen=True)
class Screening:
    """Result of :func:`screen_responses`.

    kept: the responses frame without the excluded rows (same columns, original index).
    excluded: one row per excluded questionnaire, in input order: respondent, district, station,
        reason (one of :data:`REASONS`), detail (English), detail_zh (Chinese), _file, _sheet,
        _row.
    counts: one row per (district, station) present in the input, sorted: respondents (rows in the
        input), duplicate_id, too_many_missing, straight_lining (excluded by reason), excluded,
        kept.
    issues: one warning per excluded questionnaire, check="quality", located at its row and the
        column "respondent".
    max_missing_share, straightline_min_items: the settings used (for the methodology appendix).
    """

    kept: pd.DataFrame
    excluded: pd.DataFrame
    counts: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    max_missing_share: float = 0.2
    straightline_min_items: int = 10


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index, dtype=object)


def _fmt(v: pd.Series) -> pd.Series:
    """Scale values as text: 4.0 -> "4", 2.5 -> "2.5" (vectorised)."""
    f = v.astype(float)
    whole = np.isfinite(f) & (f == np.round(f))
    return f.round().astype("Int64").astype(str).where(whole, f.astype(str))


@dataclass(frozen=True)
class _Answers:
    """The tree's survey items of each questionnaire (a row per questionnaire), for every rule."""

    k: int  # the tree's survey items
    missing: np.ndarray  # (rows, k): unanswered (or no such column)
    n_missing: np.ndarray  # (rows,)
    n_answered: np.ndarray  # (rows,)
    hi: np.ndarray  # (rows,) the highest answer (-inf when none)
    lo: np.ndarray  # (rows,) the lowest answer (inf when none)
    reverse: np.ndarray  # (k,) reverse-worded items


@dataclass(frozen=True)
class _Details:
    """Why each excluded questionnaire is excluded, in English and Chinese."""

    en: np.ndarray
    zh: np.ndarray


def screen_responses(
    tree: IndicatorTree,
    responses: pd.DataFrame,
    *,
    max_missing_share: float = 0.2,
    straightline_min_items: int = 10,
) -> Screening:
    """Find invalid questionnaires (duplicate id, too many missing answers, straight-lining).

    responses: as in SurveyData.responses (respondent, district, station, one float column per
    item id with NaN = missing and reverse items not recoded, _file, _sheet, _row); duplicate
    respondent ids are allowed. A missing item column counts as unanswered. The input is not
    modified. Raises ValueError for settings outside 0 <= max_missing_share <= 1 or
    straightline_min_items < 2.
    """
    if not 0.0 <= max_missing_share <= 1.0:
        raise ValueError(f"max_missing_share must lie in [0, 1], got {max_missing_share}")
    if straightline_min_items < 2:
        raise ValueError(f"straightline_min_items must be at least 2, got {straightline_min_items}")
    ans = _answers(tree, responses)
    dup = _column(responses, "respondent", "").duplicated(keep="first").to_numpy()
    share = ans.n_missing / ans.k if ans.k else np.zeros(len(responses))
    too_many = share > max_missing_share + 1e-12
    straight = (ans.n_answered >= straightline_min_items) & (ans.hi == ans.lo)
    reason = np.select([dup, too_many, straight], list(REASONS), default="")
    out = reason != ""
    share_text = f"{max_missing_share * 100:g}%"
    excluded = _excluded(responses, ans, reason, dup, share_text)
    return Screening(
        kept=responses[~out],
        excluded=excluded,
        counts=_counts(responses, reason),
        issues=_issues(excluded, ans.k, share_text),
        max_missing_share=max_missing_share,
        straightline_min_items=straightline_min_items,
    )


def _answers(tree: IndicatorTree, responses: pd.DataFrame) -> _Answers:
    pairs = tree.items()
    item_ids = [item.id for _, item in pairs]
    x = responses.reindex(columns=item_ids).to_numpy(dtype=float)
    missing = np.isnan(x)
    n_missing = missing.sum(axis=1)
    return _Answers(
        k=len(item_ids),
        missing=missing,
        n_missing=n_missing,
        n_answered=len(item_ids) - n_missing,
        hi=np.where(missing, -np.inf, x).max(axis=1, initial=-np.inf),
        lo=np.where(missing, np.inf, x).min(axis=1, initial=np.inf),
        reverse=np.array([item.reverse for _, item in pairs], dtype=bool),
    )


def _excluded(
    responses: pd.DataFrame, ans: _Answers, reason: np.ndarray, dup: np.ndarray, share_text: str
) -> pd.DataFrame:
    """One row per excluded questionnaire (the columns EXCLUDED_COLUMNS), in input order; the
    details built column-wise for the excluded rows only (positions ``pos``)."""
    pos = np.flatnonzero(reason != "")
    why = reason[pos]
    files = _column(responses, "_file", "").to_numpy()
    rows = _column(responses, "_row", None).to_numpy()
    idv = _column(responses, "respondent", "").to_numpy()
    detail = np.full(len(pos), "", dtype=object)
    detail_zh = np.full(len(pos), "", dtype=object)
    is_dup, is_missing, is_straight = (why == r for r in REASONS)
    if is_dup.any():
        found = _duplicate_details(idv, files, rows, dup, pos[is_dup])
        detail[is_dup], detail_zh[is_dup] = found.en, found.zh
    if is_missing.any():
        found = _missing_details(ans, pos[is_missing], share_text)
        detail[is_missing], detail_zh[is_missing] = found.en, found.zh
    if is_straight.any():
        found = _straight_details(ans, pos[is_straight])
        detail[is_straight], detail_zh[is_straight] = found.en, found.zh
    return pd.DataFrame(
        {
            "respondent": idv[pos],
            "district": _column(responses, "district", "").to_numpy()[pos],
            "station": _column(responses, "station", "").to_numpy()[pos],
            "reason": why,
            "detail": detail,
            "detail_zh": detail_zh,
            "_file": files[pos],
            "_sheet": _column(responses, "_sheet", "").to_numpy()[pos],
            "_row": rows[pos],
        },
        columns=EXCLUDED_COLUMNS,
    )


def _duplicate_details(
    idv: np.ndarray, files: np.ndarray, rows: np.ndarray, dup: np.ndarray, at: np.ndarray
) -> _Details:
    """For the repeated ids at positions *at*: where the id was first used."""
    keep = ~dup
    first = pd.Series(
        pd.Series(files[keep]).astype(str) + " row " + pd.Series(rows[keep]).astype(str)
    )
    first.index = pd.Index(idv[keep])
    first_zh = pd.Series(
        pd.Series(files[keep]).astype(str) + " 第 " + pd.Series(rows[keep]).astype(str) + " 行"
    )
    first_zh.index = pd.Index(idv[keep])
    dup_ids = pd.Series(idv[at])
    return _Details(
        (
            "respondent id " + dup_ids.astype(str) + " already used at " + dup_ids.map(first)
        ).to_numpy(),
        ("问卷编号 " + dup_ids.astype(str) + " 已用于 " + dup_ids.map(first_zh)).to_numpy(),
    )


def _missing_details(ans: _Answers, at: np.ndarray, share_text: str) -> _Details:
    """For the questionnaires at positions *at*: how many items are unanswered."""
    n_miss = pd.Series(ans.n_missing[at]).astype(str)
    return _Details(
        (n_miss + f" of {ans.k} items missing (more than {share_text})").to_numpy(),
        (f"{ans.k} 题中缺答 " + n_miss + f" 题（超过 {share_text}）").to_numpy(),
    )


def _straight_details(ans: _Answers, at: np.ndarray) -> _Details:
    """For the questionnaires at positions *at*: the one answer given, and how many of the items
    are reverse-worded (the answers then contradict each other)."""
    n_rev = (~ans.missing[at][:, ans.reverse]).sum(axis=1)
    answered = pd.Series(ans.n_answered[at]).astype(str)
    value = _fmt(pd.Series(ans.hi[at]))
    text = "all " + answered + " answered items = " + value
    contradiction = (
        "; contradictory: " + pd.Series(n_rev).astype(str) + " of them are reverse-worded"
    ).where(n_rev > 0, "")
    text_zh = "所答 " + answered + " 题均为 " + value
    contradiction_zh = (
        "；其中 " + pd.Series(n_rev).astype(str) + " 题为反向题，答案自相矛盾"
    ).where(n_rev > 0, "")
    return _Details((text + contradiction).to_numpy(), (text_zh + contradiction_zh).to_numpy())


def _counts(responses: pd.DataFrame, reason: np.ndarray) -> pd.DataFrame:
    """Per (district, station), sorted: questionnaires, exclusions by reason, excluded, kept."""
    units = pd.DataFrame(
        {
            "district": _column(responses, "district", ""),
            "station": _column(responses, "station", ""),
            "respondents": 1,
            **{r: reason == r for r in REASONS},
            "excluded": reason != "",
        },
        index=responses.index,
    )
    counts = (
        units.groupby(["district", "station"], sort=True)[["respondents", *REASONS, "excluded"]]
        .sum()
        .astype(int)
        .reset_index()
    )
    counts["kept"] = counts["respondents"] - counts["excluded"]
    return counts[COUNT_COLUMNS]


def _issues(excluded: pd.DataFrame, k: int, share_text: str) -> list[Issue]:
    """A warning per excluded questionnaire, at its row and the column "respondent"."""
    expected = {
        "duplicate_id": "each respondent id once",
        "too_many_missing": f"at most {share_text} of the {k} items unanswered",
        "straight_lining": "answers that vary across items",
    }
    expected_zh = {
        "duplicate_id": "每个问卷编号只出现一次",
        "too_many_missing": f"{k} 题中未答的不超过 {share_text}",
        "straight_lining": "各题答案有所不同",
    }
    return [
        Issue(
            Location(
                file=str(file),
                sheet=str(sheet),
                row=int(row) if row is not None and row == row else None,
                column="respondent",
            ),
            _MESSAGES[rsn],
            message_zh=f"问卷 {rid}：{_MESSAGES_ZH[rsn]}",
            expected=expected[rsn],
            expected_zh=expected_zh[rsn],
            found=f"{rid}: {text}",
            found_zh=f"{rid}：{text_zh}",
            fix=_FIXES[rsn],
            fix_zh=_FIXES_ZH[rsn],
            severity="warning",
            check="quality",
            district=str(district),
        )
        for rid, rsn, text, text_zh, district, file, sheet, row in zip(
            excluded["respondent"],
            excluded["reason"],
            excluded["detail"],
            excluded["detail_zh"],
            excluded["district"],
            excluded["_file"],
            excluded["_sheet"],
            excluded["_row"],
            strict=True,
        )
    ]


__all__ = ["REASONS", "Screening", "screen_responses"]


_MESSAGES_ZH = {
    "duplicate_id": "问卷编号重复，已剔除后出现的一份",
    "too_many_missing": "缺答过多，问卷无效，已剔除",
    "straight_lining": "所有题目选择同一选项，问卷无效，已剔除",
}
_FIXES_ZH = {
    "duplicate_id": "为每份问卷编一个不同的编号，或删除重复的行。",
    "too_many_missing": "若纸质问卷上有这些答案，请补录；否则剔除是正确的。",
    "straight_lining": "核对纸质问卷；若民警确实如此作答，剔除是正确的。",
}
