"""What ``evalkit import`` and ``evalkit inspect`` call: :func:`import_responses` (raises on any
error), :func:`inspect_export` (never raises for mapping problems) and :func:`propose_map`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import DataError, Issue, Location
from ...tree import IndicatorTree
from ..decision import Decision
from .mapfile import load_map
from .match import COLUMN_LETTER, ROLE_ZH
from .model import Detection, Imported
from .read import raise_on_errors, read_export
from .stations import ALL_SHEETS, read_sheets
from .twin import check_with_labels, text_twin


def import_responses(
    path: Path | str,
    tree: IndicatorTree,
    *,
    map_path: Path | str | None = None,
    sheet: str | None = None,
    missing_codes: Sequence[float | str] = (),
    district: str | None = None,
    station: str | None = None,
    labels_from: Path | str | bool | None = None,
) -> Imported:
    """Convert one export into evalkit's responses table; raise DataError listing every problem.

    ``sheet="*"`` (or ``sheet: "*"`` in the map) reads every sheet of a workbook holding one sheet
    per station (see :mod:`.stations`). A 问卷星 按序号 download is checked against its 按文本
    twin (``labels_from``, or the file of the same name with 按文本 for 按序号 beside it;
    ``labels_from=False`` turns the check off): option numbers are only positions in the
    questionnaire, the labels say what they mean (see :mod:`.twin`)."""
    path = Path(path)
    imap = load_map(map_path) if map_path is not None else None
    if sheet is None and imap is not None and imap.sheet == ALL_SHEETS:
        sheet = ALL_SHEETS
    if sheet == ALL_SHEETS:
        if labels_from not in (None, False):
            raise DataError(
                [
                    Issue(
                        Location(file=str(path)),
                        "a 按文本 twin cannot be checked against a workbook read sheet by sheet",
                        expected="either --sheet '*' (one sheet per station) or --labels-from",
                        found="both",
                        check="labels",
                        message_zh="按工作表逐个读取的工作簿无法与按文本下载文件核对",
                        expected_zh="`--sheet '*'`（每个派出所一个工作表）与 `--labels-from` 二选一",
                        found_zh="两者都给出了",
                    )
                ]
            )
        imp = read_sheets(
            path,
            tree,
            map_path=map_path,
            missing_codes=missing_codes,
            district=district,
            station=station,
        )
        raise_on_errors(imp.detection.issues, path)
        return imp
    twin = text_twin(path) if labels_from is None else labels_from or None
    kw: dict[str, Any] = {
        "sheet": sheet,
        "missing_codes": missing_codes,
        "district": district,
        "station": station,
    }
    code = read_export(path, tree, map_path=map_path, **kw)
    if twin is None:
        raise_on_errors(code.detection.issues, path)
        return code
    text_map = map_path
    if imap is not None and any(COLUMN_LETTER.match(str(v)) for v in imap.items.values()):
        text_map = None  # column letters shift in 按文本 (a multiple choice is one column there)
    text = read_export(Path(twin), tree, map_path=text_map, **kw)
    return check_with_labels(
        code, text, path, Path(twin), explicit=labels_from is not None, text_map=text_map
    )


def inspect_export(
    path: Path | str,
    tree: IndicatorTree,
    *,
    sheet: str | None = None,
    map_path: Path | str | None = None,
) -> Detection:
    """Detect the layout of an export and propose the item mapping; never raises for mapping
    problems (they are in ``issues``), only for unreadable files and unknown layouts."""
    if sheet == ALL_SHEETS:
        return read_sheets(Path(path), tree, map_path=map_path).detection
    imp = read_export(Path(path), tree, map_path=map_path, sheet=sheet)
    twin = text_twin(Path(path))
    if twin is None:
        return imp.detection
    decisions = list(imp.detection.decisions)
    decisions.append(
        Decision(
            f"the 按文本 download {twin.name} lies beside it: `evalkit import` checks what each "
            "option number means against its labels",
            f"旁边有按文本下载文件 {twin.name}：`evalkit import` 会按其选项文字核对每个选项序号的含义",
        )
    )
    numbered = [
        i for i in imp.detection.issues if i.check in ("station_numbers", "district_numbers")
    ]
    for issue in numbered:
        role = issue.check.split("_")[0]
        listed = issue.found.removeprefix("option number(s) ")
        decisions.append(
            Decision(
                f"{role}: option numbers ({listed}) named at import by {twin.name}",
                f"{ROLE_ZH[role]}：选项序号（{listed}）导入时按 {twin.name} 命名",
            )
        )
    kept = [i for i in imp.detection.issues if i not in numbered]
    return dataclasses.replace(imp.detection, issues=kept, decisions=decisions)


def propose_map(
    path: Path | str,
    tree: IndicatorTree,
    *,
    sheet: str | None = None,
    missing_codes: Sequence[float | str] = (),
) -> dict[str, Any]:
    """The map evalkit would propose for an export (even when the import itself would fail)."""
    if sheet == ALL_SHEETS:
        return read_sheets(
            Path(path), tree, map_path=None, missing_codes=missing_codes
        ).proposed_map
    imp = read_export(Path(path), tree, map_path=None, sheet=sheet, missing_codes=missing_codes)
    return imp.proposed_map


__all__ = ["ALL_SHEETS", "import_responses", "inspect_export", "propose_map"]
