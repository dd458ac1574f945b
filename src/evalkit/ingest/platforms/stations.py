"""A workbook with one sheet per station (hand-entered returns), read with ``sheet="*"``.

Each sheet is read with the same map; its station is the sheet's name unless a station column (or
``station``) gives it. A sheet with no answer under the item columns (a codebook, notes) is skipped
with a warning, unless its rows hold numbers like answers: then no column matching the tree's items
is an error. Respondent ids that repeat across sheets get the sheet name in front.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError, Issue, Location
from ...tree import IndicatorTree
from ..decision import Decision
from ..tables import read_rows, rows_to_array, sheet_names
from .layout import Cells
from .model import Detection, Imported
from .read import read_export

ALL_SHEETS = "*"
_DEFAULT_SHEET = re.compile(r"^(sheet|工作表|表)\s*\d*$", re.IGNORECASE)


def read_sheets(
    path: Path,
    tree: IndicatorTree,
    *,
    map_path: Path | str | None,
    missing_codes: Sequence[float | str] = (),
    district: str | None = None,
    station: str | None = None,
) -> Imported:
    """Every sheet of a workbook with one sheet per station, as one responses table; problems
    in ``detection.issues``. DataError for a CSV file and when no sheet holds answers."""
    if path.suffix.lower() in (".csv", ".txt"):
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    'sheet "*" reads the sheets of a workbook; a CSV file holds one table',
                    expected="an .xlsx/.xlsm/.ods/.xls workbook",
                    found=path.suffix,
                    fix="Leave out --sheet (or sheet: in the map) for a CSV file.",
                    check="layout",
                    message_zh='`sheet: "*"` 读取工作簿的各个工作表；CSV 文件只有一张表',
                    expected_zh=".xlsx/.xlsm/.ods/.xls 工作簿",
                    fix_zh="读取 CSV 文件时不要给出 `--sheet`（或映射文件中的 `sheet:`）。",
                )
            ]
        )
    names = sheet_names(path, allow_xls=True)
    parts: list[tuple[str, Imported]] = []
    skipped: list[Issue] = []
    for name in names:
        try:
            imp = read_export(
                path,
                tree,
                map_path=map_path,
                sheet=name,
                missing_codes=missing_codes,
                district=district,
                station=station,
                station_default=name,
            )
        except DataError as exc:
            first = exc.issues[0] if exc.issues else None
            skipped.append(_skipped(path, name, first))
            continue
        problem = _sheet_problem(path, name, imp)
        if problem is not None:
            skipped.append(problem)
        if _answered(imp):
            parts.append((name, imp))
    if not parts:
        _nothing_read(path, skipped)
    return _combined(path, names, parts, skipped)


def _answered(imp: Imported) -> bool:
    items = list(imp.detection.mapping)
    return bool(items) and bool(imp.responses[items].notna().to_numpy().sum())


def _skipped(path: Path, name: str, first: Issue | None) -> Issue:
    why = first.message if first else "not a responses table"
    why_zh = (first.message_zh or first.message) if first else "不是答卷表"
    return Issue(
        Location(file=str(path), sheet=name),
        f'sheet "{name}" skipped: {why}',
        severity="warning",
        check="layout",
        message_zh=f"跳过工作表“{name}”：{why_zh}",
    )


def _sheet_problem(path: Path, name: str, imp: Imported) -> Issue | None:
    """What is said of a sheet read: a station named after a default sheet name (a warning),
    rows of numbers with no item column (an error), a sheet without answers (skipped)."""
    where = Location(file=str(path), sheet=name)
    if _answered(imp):
        from_name = any(
            d.startswith("station taken from the sheet name") for d in imp.detection.decisions
        )
        if from_name and _DEFAULT_SHEET.match(name):
            return Issue(
                where,
                f'the station of sheet "{name}" is the sheet\'s default name',
                fix="Rename each sheet after its station, or map a station column.",
                severity="warning",
                check="ids",
                message_zh=f"工作表“{name}”的派出所是工作表的默认名称",
                fix_zh="把每个工作表改名为其派出所的名称，或在映射文件中指明派出所列。",
            )
        return None
    numeric_rows = _numeric_rows(path, name)
    if numeric_rows >= 2:
        cols = ", ".join(imp.detection.columns[:8])
        return Issue(
            where,
            f'sheet "{name}" holds {numeric_rows} rows of numbers but no column matching '
            "an item of the tree",
            expected="the item columns of the other sheets",
            found=cols,
            fix="Name the columns in the map (items: header text, question number or "
            "column letter), or delete the sheet if it holds no answers.",
            check="mapping",
            message_zh=f"工作表“{name}”有 {numeric_rows} 行数字，但没有与指标体系题目相符的列",
            expected_zh="与其他工作表相同的题目列",
            found_zh=cols,
            fix_zh="在映射文件中指明各列（`items:` 表头文字、题号或列字母），"
            "如果该工作表没有答卷就删除它。",
        )
    return Issue(
        where,
        f'sheet "{name}" skipped: no answers under the item columns',
        severity="warning",
        check="layout",
        message_zh=f"跳过工作表“{name}”：题目列下没有答案",
    )


def _numeric_rows(path: Path, sheet: str) -> int:
    """Rows below the first with three or more numbers (answers typed as codes look like that)."""
    _, rows, _ = read_rows(path, sheet, allow_xls=True)
    if len(rows) < 2:
        return 0
    cells = Cells.of(rows_to_array(rows)[1:])
    return int(((cells.kinds()[cells.codes] == 1).sum(axis=1) >= 3).sum())


def _nothing_read(path: Path, skipped: list[Issue]) -> None:
    found = "; ".join(i.message for i in skipped) or "no sheets"
    found_zh = "；".join(i.message_zh or i.message for i in skipped) or "没有工作表"
    raise DataError(
        [
            *[i for i in skipped if i.severity == "error"],
            Issue(
                Location(file=str(path)),
                "no sheet of the workbook holds survey answers",
                expected="sheets with a header row naming the tree's items",
                found=found,
                check="layout",
                message_zh="工作簿中没有一个工作表含有问卷答案",
                expected_zh="表头行列出指标体系题目的工作表",
                found_zh=found_zh,
            ),
        ]
    )


def _combined(
    path: Path, names: list[str], parts: list[tuple[str, Imported]], skipped: list[Issue]
) -> Imported:
    """The sheets read, as one import: rows in sheet order, decisions prefixed by the sheet."""
    sheets = np.repeat([n for n, _ in parts], [len(imp.responses) for _, imp in parts])
    responses = pd.concat([imp.responses for _, imp in parts])
    reasons = pd.concat([imp.reasons for _, imp in parts])
    first = parts[0][1].detection
    read = ", ".join(n for n, _ in parts)
    decisions: list[str] = [
        Decision(
            f"{len(parts)} of {len(names)} sheets read: {read}",
            f"读取了 {len(names)} 个工作表中的 {len(parts)} 个：{read}",
        )
    ]
    ids = responses["respondent"].astype(str).to_numpy(dtype=str)
    per_id = pd.DataFrame({"sheet": sheets, "id": ids}).groupby("id")["sheet"].nunique()
    if (per_id > 1).any():
        responses["respondent"] = np.char.add(np.char.add(sheets.astype(str), "-"), ids)
        example = responses["respondent"].iloc[0]
        decisions.append(
            Decision(
                "respondent ids repeat across sheets (each sheet numbers its own): "
                f"ids prefixed with the sheet name ({example}, ...)",
                f"问卷编号在各工作表间重复（每个工作表各自编号）：编号前加上工作表名（{example}……）",
            )
        )
    markers: dict[str, int] = {}
    for _, imp in parts:
        for m, k in imp.detection.markers.items():
            markers[m] = markers.get(m, 0) + k
        decisions += [_prefixed(imp.detection.sheet, d) for d in imp.detection.decisions]
    issues = list(
        dict.fromkeys([i for _, imp in parts for i in imp.detection.issues] + skipped)
    )  # a map problem is found on every sheet: listed once
    detection = Detection(
        platform=first.platform,
        variant=first.variant,
        encoding=first.encoding,
        sheet=ALL_SHEETS,
        header_row=first.header_row,
        columns=first.columns,
        questions=first.questions,
        mapping=first.mapping,
        unmatched_items=sorted({i for _, imp in parts for i in imp.detection.unmatched_items}),
        markers=markers,
        decisions=decisions,
        issues=issues,
    )
    dropped = [(r, _prefixed(n, why)) for n, imp in parts for r, why in imp.dropped_rows]
    proposed = {**parts[0][1].proposed_map, "sheet": ALL_SHEETS}  # the map reads every sheet
    return Imported(responses, reasons, detection, dropped, proposed, sheets)


def _prefixed(sheet: str, text: str) -> str:
    if isinstance(text, Decision):
        return text.prefixed(f"[{sheet}] ")
    return f"[{sheet}] {text}"


__all__ = ["ALL_SHEETS", "read_sheets"]
