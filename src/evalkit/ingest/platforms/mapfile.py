"""MAP.yaml of ``evalkit import``: read and checked (:func:`load_map`), and written
(:func:`write_map`, also for the maps of ``import-judgments``) beside the output
(:func:`proposed_map_path`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ...errors import DataError, Issue, Location
from ...fileio import atomic_write_text
from ...yamlio import YamlProblems, line_of, load_yaml
from ..text import fold

MAP_KEYS = (
    "respondent",
    "district",
    "station",
    "items",
    "labels",
    "missing",
    "respondent_prefix",
    "header_row",
    "sheet",
    "station_names",
    "district_names",
)
_ROLE_ZH = {"station": "派出所", "district": "区县"}


@dataclass(frozen=True)
class ImportMap:
    """A validated MAP.yaml; ``lines`` maps keys such as ``items.ic_std_1`` to YAML lines."""

    file: str = ""
    respondent: str = ""
    district: str = ""
    station: str = ""
    items: dict[str, str] = field(default_factory=dict)
    labels: dict[str, float] = field(default_factory=dict)
    missing: tuple[float | str, ...] = ()
    respondent_prefix: str = ""
    header_row: int | None = None
    sheet: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    # an answer of the station / district question (option number or text) -> its name
    station_names: dict[str, str] = field(default_factory=dict)
    district_names: dict[str, str] = field(default_factory=dict)

    def loc(self, key: str) -> Location:
        return Location(file=self.file, line=self.lines.get(key))

    def names(self, role: str) -> dict[str, str]:
        """The map's names for the answers of the station or district column."""
        return self.station_names if role == "station" else self.district_names


def ref_text(v: object) -> str:
    """A MAP value as text: YAML 5.3 (a float) -> "5.3", 12 -> "12"."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return repr(v) if not v.is_integer() else str(int(v))
    return str(v).strip()


def answer_key(text: str) -> str:
    """An answer as looked up in station_names / district_names: folded (width, case, spaces
    and punctuation do not matter)."""
    return fold(text) or text


def load_map(path: Path | str) -> ImportMap:
    """Read and check a MAP.yaml; problems raise DataError with their YAML line."""
    path = Path(path)
    raw = load_yaml(path, error=DataError)
    file = str(path)
    if not isinstance(raw, dict):
        raise DataError(
            [
                Issue(
                    Location(file=file),
                    "the map must be a YAML mapping",
                    check="map",
                    message_zh="映射文件须为 YAML 映射（键: 值）",
                )
            ]
        )
    err = YamlProblems(file, check="map")
    lines: dict[str, int] = {}
    for key in raw:
        lines[str(key)] = line_of(raw, str(key)) or 0
        if key not in MAP_KEYS:
            err(
                raw,
                str(key),
                f"unknown key `{key}`",
                f"one of {list(MAP_KEYS)}",
                zh=f"未知的键 `{key}`",
                expected_zh=f"{list(MAP_KEYS)} 之一",
            )
    texts = _texts(raw, err)
    items = _items(raw, err, lines)
    labels = _labels(raw, err, lines)
    missing = _missing(raw, err)
    names = {role: _unit_names(raw, role, err, lines) for role in ("station", "district")}
    header_row = _header_row(raw, err)
    if err.issues:
        raise DataError(err.issues, summary=f"{len(err.issues)} problem(s) in the map {file}")
    return ImportMap(
        file=file,
        respondent=texts.get("respondent", ""),
        district=texts.get("district", ""),
        station=texts.get("station", ""),
        items=items,
        labels=labels,
        missing=missing,
        respondent_prefix=texts.get("respondent_prefix", ""),
        header_row=header_row,
        sheet=texts.get("sheet"),
        lines=lines,
        station_names=names["station"],
        district_names=names["district"],
    )


def _texts(raw: dict[str, Any], err: YamlProblems) -> dict[str, str]:
    texts: dict[str, str] = {}
    for key in ("respondent", "district", "station", "respondent_prefix", "sheet"):
        v = raw.get(key)
        if v is None:
            continue
        if isinstance(v, (dict, list, bool)):  # yes/no/on/off unquoted are booleans in YAML
            err(
                raw,
                key,
                f"`{key}` must be a column header text",
                "a text (quoted if yes/no)",
                v,
                zh=f"`{key}` 须为列的表头文字",
                expected_zh="一段文字（yes/no 须加引号）",
            )
            continue
        texts[key] = ref_text(v)
    return texts


def _items(raw: dict[str, Any], err: YamlProblems, lines: dict[str, int]) -> dict[str, str]:
    items: dict[str, str] = {}
    raw_items = raw.get("items")
    if raw_items is None:
        return items
    if not isinstance(raw_items, dict):
        err(
            raw,
            "items",
            "`items` must map tree item ids to columns",
            "{item_id: column}",
            zh="`items` 须把指标体系的题目编号对应到列",
            expected_zh="{题目编号: 列}",
        )
        return items
    for iid, ref in raw_items.items():
        lines[f"items.{iid}"] = line_of(raw_items, str(iid)) or 0
        if ref is None or isinstance(ref, (dict, list)) or ref_text(ref) == "":
            err(
                raw_items,
                str(iid),
                f"item `{iid}` needs a column",
                "a header text, a question number such as '5.3' or a column letter",
                ref,
                zh=f"题目 `{iid}` 需要指明一列",
                expected_zh="表头文字、题号（如 '5.3'）或列字母",
            )
            continue
        items[str(iid)] = ref_text(ref)
    return items


def _labels(raw: dict[str, Any], err: YamlProblems, lines: dict[str, int]) -> dict[str, float]:
    labels: dict[str, float] = {}
    raw_labels = raw.get("labels")
    if raw_labels is None:
        return labels
    if not isinstance(raw_labels, dict):
        err(
            raw,
            "labels",
            "`labels` must map answer texts to scale values",
            "{label: 5}",
            zh="`labels` 须把答案文字对应到量表取值",
            expected_zh="{答案文字: 5}",
        )
        return labels
    for lab, val in raw_labels.items():
        lines[f"labels.{lab}"] = line_of(raw_labels, str(lab)) or 0
        if isinstance(val, bool) or not isinstance(val, (int, float)):
            err(
                raw_labels,
                str(lab),
                f"label `{lab}` needs a number",
                "a number",
                val,
                zh=f"答案文字 `{lab}` 需要对应一个数值",
                expected_zh="一个数",
            )
            continue
        labels[fold(str(lab)) or str(lab)] = float(val)
    return labels


def _missing(raw: dict[str, Any], err: YamlProblems) -> tuple[float | str, ...]:
    missing: list[float | str] = []
    raw_missing = raw.get("missing")
    if raw_missing is None:
        return ()
    if not isinstance(raw_missing, list):
        raw_missing = [raw_missing]
    for v in raw_missing:
        if isinstance(v, (bool, dict, list)):
            err(
                raw,
                "missing",
                "missing codes must be numbers or texts",
                found=v,
                zh="缺失值代码须为数字或文字",
            )
        elif isinstance(v, (int, float)):
            missing.append(float(v))
        elif v is not None:
            missing.append(str(v))
    return tuple(missing)


def _unit_names(
    raw: dict[str, Any], role: str, err: YamlProblems, lines: dict[str, int]
) -> dict[str, str]:
    """``station_names`` / ``district_names``: answer (option number or text) -> name."""
    key = f"{role}_names"
    given = raw.get(key)
    out: dict[str, str] = {}
    if given is None:
        return out
    unit = _ROLE_ZH[role]
    if not isinstance(given, dict):
        err(
            raw,
            key,
            f"`{key}` must map the answers of the {role} question to names",
            f"{{1: <{role} name>, 2: ...}}",
            given,
            zh=f"`{key}` 须把{unit}一题的答案对应到{unit}名称",
            expected_zh=f"{{1: <{unit}名称>, 2: ...}}",
        )
        return out
    for answer, name in given.items():
        lines[f"{key}.{answer}"] = line_of(given, str(answer)) or 0
        if name is None or isinstance(name, (dict, list, bool)) or ref_text(name) == "":
            err(
                given,
                str(answer),
                f"answer `{answer}` of the {role} question needs a name",
                f"the {role}'s name as in the stations sheet",
                name,
                zh=f"{unit}一题的答案 `{answer}` 需要对应一个名称",
                expected_zh=f"与派出所统计表一致的{unit}名称",
            )
            continue
        out[ref_text(answer)] = ref_text(name)
    return out


def _header_row(raw: dict[str, Any], err: YamlProblems) -> int | None:
    header_row = raw.get("header_row")
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        err(
            raw,
            "header_row",
            "`header_row` must be a row number",
            "1, 2, ...",
            header_row,
            zh="`header_row` 须为行号",
        )
        return None
    return header_row


def proposed_map_path(output: Path | str) -> Path:
    """Where ``evalkit import`` and ``import-judgments`` write the map they used or propose: beside
    the output, named after it without its extension (``surveys/experts.xlsx`` ->
    ``surveys/experts.map.yaml``)."""
    output = Path(output)
    return output.with_name(f"{output.stem}.map.yaml")


class FlowList(list):  # type: ignore[type-arg]
    """A list that :func:`write_map` writes on one line, ``[a, b]`` (a judgment map's pairs)."""


class _MapDumper(yaml.SafeDumper):
    pass


_MapDumper.add_representer(
    FlowList,
    lambda dumper, value: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", list(value), flow_style=True
    ),
)


def write_map(proposed: dict[str, Any], path: Path | str) -> None:
    """Write a (proposed) map as MAP.yaml: UTF-8, readable Chinese, keys in the documented order;
    ``_comments`` become comment lines at the top."""
    ordered = {k: proposed[k] for k in MAP_KEYS if k in proposed}
    ordered.update({k: v for k, v in proposed.items() if k not in ordered and k != "_comments"})
    head = "".join(f"# {c}\n" for c in proposed.get("_comments", []))
    body = yaml.dump(ordered, Dumper=_MapDumper, allow_unicode=True, sort_keys=False, width=1000)
    atomic_write_text(path, head + body, encoding="utf-8")


__all__ = [
    "MAP_KEYS",
    "FlowList",
    "ImportMap",
    "answer_key",
    "load_map",
    "proposed_map_path",
    "ref_text",
    "write_map",
]
