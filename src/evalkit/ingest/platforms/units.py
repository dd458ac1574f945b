"""Who answered and where: the respondent id, district and station of every row.

Each comes from its column (found or named by the map), or is fixed for every row (``--district``,
``--station``, a station sheet's name). Station and district answers become names: a 腾讯问卷
option letter ("C.东湖派出所") is removed, the map's ``station_names`` / ``district_names`` name
answers, and option numbers nobody named are a problem the 按文本 twin can resolve
(:mod:`.twin`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import Issue
from .convert import LETTER_PREFIX
from .layout import Layout
from .mapfile import ImportMap, answer_key
from .match import DISTRICT_NAMES, QNUMBER, ROLE_ZH, STATION_NAMES

ROLES = ("respondent", "district", "station")


@dataclass(frozen=True)
class Units:
    """Per role the value of every row; ``names``: the ``station_names`` / ``district_names``
    a proposed map should carry (answers -> names, "" where no one named them)."""

    ids: dict[str, list[str]]
    names: dict[str, dict[int | str, str]]


def yaml_key(answer: str) -> int | str:
    """An option number as a YAML number key (``1: 东湖派出所``), other answers as text."""
    return int(answer) if answer.isdigit() else answer


def read_units(
    lay: Layout,
    roles: dict[str, int | None],
    rows_excel: np.ndarray,
    imap: ImportMap | None,
    fixed: dict[str, str | None],
    station_default: str | None = None,
) -> Units:
    """The respondent, district and station of each kept row (``rows_excel``: their Excel rows).

    ``fixed[role]``: a value for every row (the column, if any, is not used); the station falls
    back to ``station_default`` (a sheet's name). No respondent column: ids from the row numbers.
    No district or station at all, or an empty cell, is a problem."""
    ids: dict[str, list[str]] = {}
    names: dict[str, dict[int | str, str]] = {}
    prefix = imap.respondent_prefix if imap else ""
    n = len(rows_excel)
    cells = lay.body()
    for role in ROLES:
        j = roles[role]
        value = fixed.get(role)
        if value is not None and value != "":
            ids[role] = [str(value)] * n
            unused = f" (column {lay.where(j)} not used)" if j is not None else ""
            unused_zh = f"（未使用{lay.where_zh(j)}）" if j is not None else ""
            lay.decide(
                f"{role} set to “{value}” for every row{unused}",
                f"每一行的{ROLE_ZH[role]}都设为“{value}”{unused_zh}",
            )
        elif j is None and role == "station" and station_default:
            ids[role] = [station_default] * n
            lay.decide(
                f"station taken from the sheet name “{station_default}”",
                f"派出所取自工作表名“{station_default}”",
            )
        elif j is None:
            ids[role] = _no_column(lay, role, rows_excel, prefix)
        else:
            col = cells.text()[:, j].astype(str)
            if role == "respondent" and prefix:
                col = np.where(col != "", np.char.add(prefix, col), "")
            elif role != "respondent":
                col, proposal = unit_names(lay, role, j, col, rows_excel, imap)
                if proposal:
                    names[role] = proposal
            _empty_cells(lay, role, j, col, rows_excel)
            ids[role] = col.tolist()
    if prefix:
        lay.decide(f"respondent ids prefixed with “{prefix}”", f"问卷编号前加上了“{prefix}”")
    return Units(ids, names)


def _no_column(lay: Layout, role: str, rows_excel: np.ndarray, prefix: str) -> list[str]:
    if role == "respondent":
        lay.decide(
            "no respondent column found: ids made from the row number (r5, r6, ...); "
            "map `respondent:` to a column to use real ids",
            "没有找到问卷编号列：按行号编号（r5、r6……）；要用真实编号，请在映射文件中用 "
            "`respondent:` 指明该列",
        )
        return [f"{prefix}r{r}" for r in rows_excel]
    names = DISTRICT_NAMES if role == "district" else STATION_NAMES
    headers = ", ".join(names)
    unit = ROLE_ZH[role]
    lay.issues.append(
        Issue(
            lay.loc(lay.h + 1),
            f"no {role} for the answers",
            expected=f"a {role} column or a fixed {role}",
            found=f"no column named {headers}",
            fix=f"Map `{role}:` to a column in the map, or pass --{role} NAME.",
            check="ids",
            message_zh=f"答卷没有{unit}",
            expected_zh=f"一个{unit}列，或为所有答卷指定的{unit}",
            found_zh="没有名为 " + "、".join(f"“{h}”" for h in names) + " 的列",
            fix_zh=f"在映射文件中用 `{role}:` 指明一列，或使用 `--{role} 名称`。",
        )
    )
    return [""] * len(rows_excel)


def _empty_cells(lay: Layout, role: str, j: int, col: np.ndarray, rows_excel: np.ndarray) -> None:
    unit = ROLE_ZH[role]
    for r in np.flatnonzero(col == ""):
        lay.issues.append(
            Issue(
                lay.loc(int(rows_excel[r]), lay.columns[j]),
                f"empty {role}",
                expected=f"a {role} name or id",
                found="an empty cell",
                check="ids",
                message_zh=f"{unit}为空",
                expected_zh=f"{unit}名称或编号",
                found_zh="空单元格",
            )
        )


def unit_names(
    lay: Layout,
    role: str,
    j: int,
    answers: np.ndarray,
    rows_excel: np.ndarray,
    imap: ImportMap | None,
) -> tuple[np.ndarray, dict[int | str, str]]:
    """The answers of a station or district column as names, and the names for a proposed map.

    A 腾讯问卷 answer keeps its option letter ("C.东湖派出所"): when every answer of the column has
    one, it is removed. The map's ``station_names`` / ``district_names`` then name answers by
    option number or text (each distinct answer is looked up once). Option numbers nobody named
    (a 问卷星 按序号 download, or numbers the map leaves out) are an error with check
    ``<role>_numbers``: the 按文本 twin, if given, names them (:func:`.twin.check_with_labels`).
    """
    uniq, inverse = np.unique(answers, return_inverse=True)
    filled = uniq != ""
    out = _without_letters(lay, role, j, uniq, filled)
    given = imap.names(role) if imap is not None else {}
    named = np.zeros(len(uniq), bool)
    if given:
        lookup = {answer_key(k): v for k, v in given.items()}
        for k in np.flatnonzero(filled):
            hit = lookup.get(answer_key(uniq[k]), lookup.get(answer_key(str(out[k]))))
            if hit is not None:
                out[k], named[k] = hit, True
        shown = ", ".join(f"{uniq[k]}→{out[k]}" for k in np.flatnonzero(named))
        lay.decide(
            f"{role} named by the map: {shown or 'no answer matched'}",
            f"{ROLE_ZH[role]}按映射文件命名：{shown or '没有相符的答案'}",
        )
    numbers = filled & ~named & np.array([bool(QNUMBER.match(str(u))) for u in out], bool)
    coded = lay.platform == "wjx" and lay.variant == "按序号"
    numbered_map = any(QNUMBER.match(k) for k in given)
    proposal: dict[str, str] = dict(given)
    if numbers.any() and (coded or numbered_map):
        listed = [str(out[k]) for k in np.flatnonzero(numbers)]
        first = int(np.argmax(np.isin(inverse, np.flatnonzero(numbers))))
        _numbers_issue(lay, role, j, listed, int(rows_excel[first]), imap, bool(given))
        proposal.update({n: "" for n in listed if n not in proposal})
    return out[inverse].astype(str), {yaml_key(k): v for k, v in proposal.items()}


def _without_letters(
    lay: Layout, role: str, j: int, uniq: np.ndarray, filled: np.ndarray
) -> np.ndarray:
    """The distinct answers, without their option letters when every answer has one."""
    letters = [LETTER_PREFIX.match(u) for u in uniq]
    if not (filled.any() and all(m is not None for m, f in zip(letters, filled, strict=True) if f)):
        return uniq.astype(object)
    out = np.array(
        [m.group(1).strip() if m else u for m, u in zip(letters, uniq, strict=True)], dtype=object
    )
    k = int(np.argmax(filled))
    lay.decide(
        f"{role}: option letters removed from the answers of column {lay.where(j)} "
        f"({uniq[k]} → {out[k]})",
        f"{ROLE_ZH[role]}：去掉了{lay.where_zh(j)}答案前的选项字母（{uniq[k]} → {out[k]}）",
    )
    return out


def _numbers_issue(
    lay: Layout,
    role: str,
    j: int,
    listed: list[str],
    row: int,
    imap: ImportMap | None,
    given: bool,
) -> None:
    """Option numbers of the station (district) question that no one named."""
    unit = ROLE_ZH[role]
    more = " ..." if len(listed) > 10 else ""
    example = ", ".join(f"{n}: <{role} name>" for n in listed[:2])
    example_zh = ", ".join(f"{n}: <{unit}名称>" for n in listed[:2])
    kw: dict[str, Any] = {
        "expected": f"{role} names as in the stations sheet",
        "found": f"option number(s) {', '.join(listed[:10])}{more}",
        "check": f"{role}_numbers",
        "expected_zh": f"与派出所统计表一致的{unit}名称",
        "found_zh": f"选项序号 {', '.join(listed[:10])}{more}",
    }
    if given:
        lay.issues.append(
            Issue(
                imap.loc(f"{role}_names") if imap is not None else lay.loc(),
                f"the map's {role}_names leaves option number(s) of column {lay.where(j)} "
                "without a name",
                fix=f"Add them to {role}_names in the map ({example}).",
                message_zh=f"映射文件的 {role}_names 未给出{lay.where_zh(j)}中部分选项序号对应的名称",
                fix_zh=f"在映射文件的 {role}_names 中补上它们（{example_zh}）。",
                **kw,
            )
        )
        return
    lay.issues.append(
        Issue(
            lay.loc(row, lay.columns[j]),
            f"the {role} question holds option numbers, not {role} names",
            fix="Give the 按文本 download of the same answers (beside this file with "
            "按文本 for 按序号 in its name, or --labels-from / labels_from:), or name the "
            f"options in the map: {role}_names: {{{example}}}.",
            message_zh=f"{unit}一题只有选项序号，没有{unit}名称",
            fix_zh="请提供同一批答卷的“按文本”下载文件（与本文件同名、把“按序号”换成“按文本”，"
            f"放在同一文件夹，或用 `--labels-from` / `labels_from:`），或在映射文件中写明各序号对应的"
            f"名称：{role}_names: {{{example_zh}}}。",
            **kw,
        )
    )


__all__ = ["ROLES", "Units", "read_units", "unit_names", "yaml_key"]
