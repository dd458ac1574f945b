"""Judgments collected per node and expert as the readers meet them: each cell checked (a date
Excel made of a fraction, empty, off Saaty's scale), snapped to Saaty's scale within 1 %, and a
pair given twice reported; what the readers found, for the proposed map and ``evalkit inspect``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ...errors import IssueLog, Location, show
from ...saaty import SAATY_MAX, SAATY_MIN, fmt_judgment, saaty_round
from ..judgments import parse_judgment
from .mapfile import JudgmentMap
from .match import Matcher
from .sheets import date_text, is_date, where_zh


@dataclass(frozen=True)
class Judgment:
    """One cell's judgment a_AB, where it is and what the cell held."""

    value: float
    loc: Location
    raw: object


@dataclass(frozen=True)
class Pair:
    """Two children of a node: the cell judges ``a`` over ``b``."""

    node: str
    a: str
    b: str


@dataclass
class Found:
    """What the readers found, for the proposed MAP.yaml and for ``evalkit inspect``."""

    pair_columns: list[tuple[Location, str, Pair]] = field(default_factory=list)  # where, header
    expert_columns: dict[str, str] = field(default_factory=dict)  # sheet -> expert column header
    unresolved: list[tuple[Location, str, str]] = field(default_factory=list)  # where, text, why


class Collector:
    """Judgments per node and expert, checked and snapped to Saaty's scale as they come.

    ``zh``: node id -> its Chinese name (Chinese texts name nodes by their names)."""

    def __init__(self, log: IssueLog, jmap: JudgmentMap, zh: dict[str, str]) -> None:
        self.log = log
        self.jmap = jmap
        self.zh = zh
        self.data: dict[str, dict[str, dict[tuple[str, str], Judgment]]] = {}
        self.first: dict[tuple[str, str], Location] = {}
        self.snapped: dict[str, list[Location]] = {}
        self.off_scale: dict[str, list[Location]] = {}
        self.renamed: set[tuple[str, str]] = set()
        self.failed: set[tuple[str, str, frozenset[str]]] = set()  # reported at the cell
        self.sheets: dict[str, dict[str, None]] = {}  # node -> sheets its judgments came from

    def name(self, node_id: str) -> str:
        """A node as Chinese texts name it: “信息采集”."""
        return f"“{self.zh.get(node_id, node_id)}”"

    def bad(self, node: str, expert: str, a: str, b: str, loc: Location) -> None:
        """A pair whose cell was unreadable (already reported): not reported again as missing."""
        self.failed.add((node, expert, frozenset((a, b))))
        self.first.setdefault((node, expert), loc)
        self.sheets.setdefault(node, {})[loc.sheet] = None

    def expert(self, name: object) -> str:
        text = show(name).strip("'\"") if not isinstance(name, str) else name.strip()
        new = self.jmap.expert_names.get(text)
        if new is not None:
            self.renamed.add((text, new))
            return new
        return text

    def value(self, raw: object, loc: Location, expert: str, a: str, b: str) -> float | None:
        """A cell as a judgment a_AB, or None after logging why it is not one."""
        what = f"expert {expert}: {a} vs {b}"
        what_zh = f"专家 {expert}：{self.name(a)}对{self.name(b)}"
        if is_date(raw):
            t = date_text(raw)
            frac = f"{raw.month}/{raw.day}" if isinstance(raw, dt.date) else "a fraction"
            frac_zh = frac if isinstance(raw, dt.date) else "一个分数"
            typed = f"{1 / raw.day if isinstance(raw, dt.date) else 0.333:.3g}"
            self.log.add(
                loc,
                f"{what}: {t} looks like {frac} turned into a date by Excel; type it as "
                f"={frac} or {typed}",
                expected="a judgment from 1/9 to 9",
                found=f"the date {t}",
                check="judgments",
                message_zh=f"{what_zh}：{t} 像是 Excel 把 {frac_zh} 变成了日期；请输入 ={frac} "
                f"或 {typed}",
                expected_zh="1/9 到 9 之间的判断值",
                found_zh=f"日期 {t}",
            )
            return None
        v = parse_judgment(raw)
        if np.isnan(v):
            self.log.add(
                loc,
                f"{what}: missing comparison",
                expected="a judgment from 1/9 to 9",
                found="an empty cell",
                fix="A formula without a saved value also reads as empty: open and save the file.",
                check="judgments",
                message_zh=f"{what_zh}：缺少比较",
                expected_zh="1/9 到 9 之间的判断值",
                found_zh="空单元格",
                fix_zh="没有保存计算结果的公式也读作空：请打开文件并保存一次。",
            )
            return None
        if not (SAATY_MIN * 0.99 <= v <= SAATY_MAX * 1.01):
            self.log.add(
                loc,
                f"{what}: not a judgment on Saaty's scale",
                expected="a value from 1/9 to 9 (or a fraction such as 1/3)",
                found=show(raw),
                check="judgments",
                message_zh=f"{what_zh}：不是 Saaty 标度上的判断值",
                expected_zh="1/9 到 9 之间的数（或 1/3 这样的分数）",
                found_zh=show(raw, "zh"),
            )
            return None
        return self.snap(v, raw, loc)

    def snap(self, v: float, raw: object, loc: Location) -> float:
        s = float(saaty_round(v))
        if abs(v / s - 1) <= 0.01:
            if abs(v - s) > 1e-9:
                self.snapped.setdefault(f"{show(raw)} read as {fmt_judgment(s)}", []).append(loc)
            return s
        self.off_scale.setdefault(show(raw), []).append(loc)
        return v

    def add(
        self, node: str, expert: str, a: str, b: str, v: float, loc: Location, raw: object
    ) -> None:
        per = self.data.setdefault(node, {}).setdefault(expert, {})
        self.first.setdefault((node, expert), loc)
        self.sheets.setdefault(node, {})[loc.sheet] = None
        if (a, b) in per:
            first = per[(a, b)].loc
            self.log.add(
                loc,
                f"expert {expert}, node {node}: the comparison {a} vs {b} is given twice",
                expected="one judgment per pair and expert",
                found=f"also at {first}",
                check="judgments",
                message_zh=f"专家 {expert}，节点{self.name(node)}：{self.name(a)}对{self.name(b)}"
                "的比较给出了两次",
                expected_zh="每位专家对每一对只给一个判断",
                found_zh=f"另见于 {where_zh(first)}",
            )
            return
        per[(a, b)] = Judgment(v, loc, raw)

    def decisions(self) -> list[str]:
        out = []
        for text, locs in self.snapped.items():
            out.append(f"{text} (Saaty's scale, within 1 %): {len(locs)} cell(s), first {locs[0]}")
        for text, locs in self.off_scale.items():
            out.append(
                f"{text} kept as it is (not within 1 % of Saaty's scale): {len(locs)} cell(s), "
                f"first {locs[0]}"
            )
        for old, new in sorted(self.renamed):
            out.append(f'expert "{old}" renamed to "{new}" (MAP.yaml)')
        return out


@dataclass
class Context:
    """What every reader works with: the matcher of item texts, the collector of judgments, the
    map, the decisions taken so far and what was found."""

    matcher: Matcher
    collector: Collector
    jmap: JudgmentMap
    decisions: list[str]
    found: Found

    @property
    def log(self) -> IssueLog:
        return self.collector.log

    def sheet_nodes(self, sheet: str) -> set[str] | None:
        """The nodes the map reads from *sheet* (None: any node)."""
        nodes = {nid for nid, s in self.jmap.sheets.items() if s == sheet}
        return nodes or None


__all__ = ["Collector", "Context", "Found", "Judgment", "Pair"]
