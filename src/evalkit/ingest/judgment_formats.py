"""Import experts' AHP judgments from the layouts questionnaires come in; write evalkit's own format.

Layouts read (``detect_judgment_layout`` tells them apart by structure, without the tree):

- ``seventeen_point``: the 17-point "A | 9 8 ... 1 ... 8 9 | B" row. Either a paper-style grid (a header
  row holding the 17 labels 9..1..9 and one tick per pair row, one sheet per expert) or a platform
  export (问卷星 按序号: one row per expert, one column per pair "A vs B", the position p = 1..17).
  Box p counted from the left: p <= 9 -> a_AB = 10 - p; p >= 10 -> a_AB = 1 / (p - 8).
- ``ticked_grid``: a pair row per comparison under a header row whose labels *are* the values
  (9, 7, 5, 3, 1, 1/3, ...): the ticked column's label is a_AB.
- ``matrix_per_sheet``: plain n x n matrices, one sheet per expert (the sheet name), one block per node
  (a header row of item names, a column of the same names); decimals, "1/3" text, formulas (their
  cached values), only one triangle, or the full matrix (checked for reciprocity, 1 %).
- ``row_per_expert``: one row per expert, one column per pair "A vs B" holding a_AB on Saaty's scale.
- ``evalkit``: evalkit's own experts workbook (docs/formats.md), read by ``load_judgments``.

Items are matched to the children of the tree's nodes: exact id, exact zh/en name, then normalised
(NFKC, case-folded, spaces and punctuation removed); MAP.yaml (``read_judgment_map``) names anything
else. Values within 1 % of Saaty's scale are snapped to it (0.333 -> 1/3). Every automatic decision
is listed in ``ImportedJudgments.decisions``; every problem is an Issue naming file, sheet, row and
column, and all of them are raised at once as a DataError.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, Issue, IssueLog, Location, show
from ..fileio import atomic_workbook
from ..tree import IndicatorTree, Node
from ..weights.ahp import ahp_priorities, fmt_judgment, saaty_round
from ..yamlio import line_of, load_yaml
from .judgments import SAATY_MAX, SAATY_MIN, load_judgments, parse_judgment
from .platforms import FlowList, read_question_header
from .tables import column_letter, read_rows, sheet_names

LAYOUTS = ("seventeen_point", "ticked_grid", "matrix_per_sheet", "row_per_expert", "evalkit")
SEVENTEEN_LABELS = (9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9)
_EXPERT_HEADERS = (
    "expert",
    "experts",
    "专家",
    "专家姓名",
    "专家编号",
    "专家代码",
    "姓名",
    "您的姓名",
    "name",
    "编号",
    "id",
    "答卷编号",
    "序号",
    "respondent",
)
_SEP = re.compile(
    r"\s+(?:vs\.?|versus|v\.s\.|比|对|相对于|与|和|:|：|-|—|–|\|)\s+|vs\.?|比|相对于|对比|—+|–|--|↔|⇔|:|：|\||/"
)
_PREFIX = re.compile(r"^\s*(?:第\s*)?[QqＱ]?\d+(?:[._-]\d+)*\s*(?:题)?\s*[.、:：)）_\-—]?\s*")
_BRACKETS = re.compile(r"[(（\[【]([^()（）\[\]【】]+)[)）\]】]")
_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
_MAP_KEYS = {"layout", "ignore_sheets", "nodes", "experts"}
_NODE_KEYS = {"sheet", "items", "pairs"}
_EXPERT_KEYS = {"column", "names"}


# ---- result ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedJudgments:
    """Judgments read from a questionnaire file, in tree order.

    ``matrices[node_id]``: (k, n, n) with a[i][j] = importance of child i over child j (tree order),
    for the experts ``experts[node_id]``; ``cr``: one row per node and expert (Saaty's RI table);
    ``decisions``: every automatic choice made while reading; ``issues``: warnings;
    ``proposed_map``: the MAP.yaml that reads the file the same way (:func:`propose_judgment_map`).
    """

    matrices: dict[str, np.ndarray]
    experts: dict[str, list[str]]
    cr: pd.DataFrame
    layout: str
    decisions: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    file: str = ""
    proposed_map: dict[str, Any] = field(default_factory=dict)


# ---- MAP.yaml ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgmentMap:
    """The optional MAP.yaml of ``evalkit import-judgments`` (see the README)."""

    layout: str | None = None
    ignore_sheets: tuple[str, ...] = ()
    sheets: dict[str, str] = field(default_factory=dict)  # node id -> sheet
    # node -> child -> the texts the file uses for it
    items: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    pairs: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # node -> header
    expert_column: str | None = None
    expert_names: dict[str, str] = field(default_factory=dict)


def read_judgment_map(path: Path | str | None, tree: IndicatorTree) -> JudgmentMap:
    """Read and check MAP.yaml against the tree; None gives the empty map."""
    if path is None:
        return JudgmentMap()
    path = Path(path)
    shown = str(path)
    data = load_yaml(path, error=DataError) or {}
    log = IssueLog()

    def where(obj: Any, key: str | None, p: str) -> Location:
        return Location(file=shown, line=line_of(obj, key), path=p)

    def check_keys(obj: Any, allowed: set[str], p: str) -> None:
        if not isinstance(obj, dict):
            log.add(where(obj, None, p), "expected a mapping", found=type(obj).__name__)
            return
        for k in obj:
            if k not in allowed:
                log.add(
                    where(obj, k, f"{p}/{k}" if p else str(k)),
                    f"unknown key {k!r}",
                    expected=f"one of {sorted(allowed)}",
                    found=repr(k),
                )

    check_keys(data, _MAP_KEYS, "")
    if not isinstance(data, dict):
        log.raise_if_errors(DataError)
    layout = data.get("layout")
    if layout is not None and layout not in LAYOUTS:
        log.add(
            where(data, "layout", "layout"),
            "unknown layout",
            expected=" | ".join(LAYOUTS),
            found=repr(layout),
            fix="Write one of the layouts, or delete the line and evalkit detects the layout.",
        )
    ignore = data.get("ignore_sheets") or []
    if not isinstance(ignore, list):
        log.add(where(data, "ignore_sheets", "ignore_sheets"), "expected a list of sheet names")
        ignore = []
    criteria = {n.id: n for n in tree.criteria()}
    sheets: dict[str, str] = {}
    items: dict[str, dict[str, tuple[str, ...]]] = {}
    pairs: dict[str, dict[str, tuple[str, str]]] = {}
    nodes = data.get("nodes") or {}
    check_keys(nodes, set(criteria), "nodes")
    for nid, spec in nodes.items() if isinstance(nodes, dict) else []:
        if nid not in criteria:
            continue
        p = f"nodes/{nid}"
        spec = spec or {}
        check_keys(spec, _NODE_KEYS, p)
        if not isinstance(spec, dict):
            continue
        kids = [c.id for c in criteria[nid].children]
        if spec.get("sheet") is not None:
            sheets[nid] = str(spec["sheet"])
        its = spec.get("items") or {}
        check_keys(its, set(kids), f"{p}/items")
        if isinstance(its, dict):
            items[nid] = {}
            for k, v in its.items():
                texts = v if isinstance(v, list) else [v]
                if k not in kids:
                    continue
                if not texts or any(t is None or isinstance(t, (dict, list)) for t in texts):
                    log.add(
                        where(its, k, f"{p}/items/{k}"),
                        f"item {k} needs the text the file uses for it",
                        expected="a text, or a list of texts",
                        found=repr(v),
                    )
                    continue
                items[nid][str(k)] = tuple(str(t) for t in texts)
        prs = spec.get("pairs") or {}
        if not isinstance(prs, dict):
            log.add(where(spec, "pairs", f"{p}/pairs"), "expected a mapping header: [row, column]")
            prs = {}
        for header, pair in prs.items():
            ok = isinstance(pair, list) and len(pair) == 2 and all(x in kids for x in pair)
            if not ok or pair[0] == pair[1]:
                log.add(
                    where(prs, header, f"{p}/pairs/{header}"),
                    "a pair must name two different children of the node",
                    expected=f"[row item, column item] from {kids}",
                    found=repr(pair),
                )
                continue
            pairs.setdefault(nid, {})[str(header)] = (str(pair[0]), str(pair[1]))
    experts = data.get("experts") or {}
    check_keys(experts, _EXPERT_KEYS, "experts")
    if not isinstance(experts, dict):
        experts = {}
    names = experts.get("names") or {}
    if not isinstance(names, dict):
        log.add(where(experts, "names", "experts/names"), "expected a mapping file text: name")
        names = {}
    log.raise_if_errors(DataError)
    col = experts.get("column")
    return JudgmentMap(
        layout=layout,
        ignore_sheets=tuple(str(s) for s in ignore),
        sheets=sheets,
        items=items,
        pairs=pairs,
        expert_column=str(col) if col is not None else None,
        expert_names={str(k): str(v) for k, v in names.items()},
    )


# ---- cells and text ----------------------------------------------------------------------------


def normalise(text: object) -> str:
    """NFKC, case-folded, without spaces and punctuation: the loose key items are matched by."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in s if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZ")


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _is_date(v: object) -> bool:
    return isinstance(v, (dt.date, dt.datetime, dt.time))


def _is_label(v: object) -> bool:
    """A text cell that is not a number (an item name)."""
    return isinstance(v, str) and bool(v.strip()) and parse_judgment(v) == -1.0


def _date_text(v: object) -> str:
    if isinstance(v, (dt.date, dt.datetime)):
        return f"{v.month}月{v.day}日"
    return str(v)


@dataclass(frozen=True)
class _Sheet:
    file: str
    name: str
    rows: list[list[object]]

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, r: int, c: int) -> object:
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def loc(self, r: int | None = None, c: int | None = None, head: str = "") -> Location:
        col = ""
        if c is not None:
            col = column_letter(c) + (f" ({head})" if head else "")
        return Location(self.file, self.name, None if r is None else r + 1, col)


def _read_book(path: Path, shown: str) -> list[_Sheet]:
    out = []
    for name in sheet_names(path):
        _, rows, _ = read_rows(path, name)
        out.append(_Sheet(shown, name, [list(r) for r in rows]))
    return out


# ---- item matching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    node: str
    child: str
    how: str


class _Matcher:
    """Texts of a file -> (node, child) candidates, best tier first."""

    def __init__(self, tree: IndicatorTree, jmap: JudgmentMap) -> None:
        self.kids: dict[str, list[Node]] = {n.id: list(n.children) for n in tree.criteria()}
        self.node_names = {n.id: n.name for n in tree.criteria()}
        tiers: list[dict[str, list[_Hit]]] = [{} for _ in range(5)]
        for nid, mapped in jmap.items.items():
            for cid, texts in mapped.items():
                for text in texts:
                    tiers[0].setdefault(text.strip(), []).append(_Hit(nid, cid, "MAP.yaml"))
                    tiers[3].setdefault(normalise(text), []).append(_Hit(nid, cid, "MAP.yaml"))
        for nid, kids in self.kids.items():
            for c in kids:
                tiers[1].setdefault(c.id, []).append(_Hit(nid, c.id, "id"))
                for lang in ("zh", "en"):
                    if c.name.get(lang):
                        hit = _Hit(nid, c.id, f"{lang} name")
                        tiers[2].setdefault(c.name[lang].strip(), []).append(hit)
                        tiers[4].setdefault(normalise(c.name[lang]), []).append(
                            _Hit(nid, c.id, f"normalised {lang} name")
                        )
                tiers[4].setdefault(normalise(c.id), []).append(_Hit(nid, c.id, "normalised id"))
        self.tiers = tiers
        self.used: dict[tuple[str, str, str], str] = {}  # (text, node, child) -> how

    def match(self, text: object, nodes: set[str] | None = None) -> list[_Hit]:
        raw = unicodedata.normalize("NFC", str(text)).strip()
        keys = [raw, raw, raw, normalise(raw), normalise(raw)]
        for tier, key in zip(self.tiers, keys, strict=True):
            if not key:
                continue
            hits = [h for h in tier.get(key, []) if nodes is None or h.node in nodes]
            uniq = list({(h.node, h.child): h for h in hits}.values())
            if uniq:
                return uniq
        return []

    def note(self, text: object, hit: _Hit) -> None:
        self.used.setdefault((str(text).strip(), hit.node, hit.child), hit.how)

    def decisions(self) -> list[str]:
        out = []
        exact: dict[str, list[str]] = {}
        for (text, nid, cid), how in self.used.items():
            if how == "id":
                continue
            if how.endswith("name") and not how.startswith("normalised"):
                exact.setdefault(nid, []).append(f"{text} -> {cid}")
            else:
                out.append(f'node {nid}: "{text}" read as item {cid} (matched by {how})')
        for nid, lst in exact.items():
            out.append(f"node {nid}: items matched by their exact names: " + ", ".join(sorted(lst)))
        return sorted(out)

    def children_text(self, nid: str) -> str:
        return ", ".join(
            f"{c.id} ({c.name.get('zh', '')}/{c.name.get('en', '')})" for c in self.kids[nid]
        )


# ---- collecting judgments ----------------------------------------------------------------------


@dataclass(frozen=True)
class _J:
    value: float
    loc: Location
    raw: object


class _Collector:
    """Judgments per node and expert, checked and snapped to Saaty's scale as they come."""

    def __init__(self, log: IssueLog, jmap: JudgmentMap) -> None:
        self.log = log
        self.jmap = jmap
        self.data: dict[str, dict[str, dict[tuple[str, str], _J]]] = {}
        self.first: dict[tuple[str, str], Location] = {}
        self.snapped: dict[str, list[Location]] = {}
        self.off_scale: dict[str, list[Location]] = {}
        self.renamed: set[tuple[str, str]] = set()
        self.failed: set[tuple[str, str, frozenset[str]]] = set()  # reported at the cell
        self.sheets: dict[str, dict[str, None]] = {}  # node -> sheets its judgments came from

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
        if _is_date(raw):
            t = _date_text(raw)
            frac = f"{raw.month}/{raw.day}" if isinstance(raw, dt.date) else "a fraction"
            self.log.add(
                loc,
                f"{what}: {t} looks like {frac} turned into a date by Excel; type it as "
                f"={frac} or {1 / raw.day if isinstance(raw, dt.date) else 0.333:.3g}",
                expected="a judgment from 1/9 to 9",
                found=f"the date {t}",
                check="judgments",
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
            )
            return None
        if not (SAATY_MIN * 0.99 <= v <= SAATY_MAX * 1.01):
            self.log.add(
                loc,
                f"{what}: not a judgment on Saaty's scale",
                expected="a value from 1/9 to 9 (or a fraction such as 1/3)",
                found=show(raw),
                check="judgments",
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

    def add(self, node: str, expert: str, a: str, b: str, v: float, loc: Location, raw: object):
        per = self.data.setdefault(node, {}).setdefault(expert, {})
        self.first.setdefault((node, expert), loc)
        self.sheets.setdefault(node, {})[loc.sheet] = None
        if (a, b) in per:
            self.log.add(
                loc,
                f"expert {expert}, node {node}: the comparison {a} vs {b} is given twice",
                expected="one judgment per pair and expert",
                found=f"also at {per[(a, b)].loc}",
                check="judgments",
            )
            return
        per[(a, b)] = _J(v, loc, raw)

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


# ---- pairs -------------------------------------------------------------------------------------


def _split_candidates(text: str) -> list[tuple[str, str]]:
    """Every way to split a header such as "1.(信息采集 比 信息来源)" into two item texts."""
    out: list[tuple[str, str]] = []
    bases = [m.group(1) for m in _BRACKETS.finditer(text)]
    stripped = _PREFIX.sub("", text, count=1)
    if stripped != text:
        bases.append(stripped)
    bases.append(text)
    for base in bases:
        for m in _SEP.finditer(base):
            a, b = base[: m.start()].strip(), base[m.end() :].strip()
            a = _PREFIX.sub("", a, count=1).strip() if _PREFIX.match(a) and a else a
            if a and b:
                out.append((a, b))
    return out


def _looks_like_pair(text: object) -> bool:
    return isinstance(text, str) and bool(_split_candidates(text.strip()))


@dataclass(frozen=True)
class _Pair:
    node: str
    a: str
    b: str


def _resolve_pair(m: _Matcher, a: str, b: str, nodes: set[str] | None) -> tuple[_Pair | None, str]:
    """(pair, "") or (None, reason) for two item texts."""
    ha, hb = m.match(a, nodes), m.match(b, nodes)
    if not ha or not hb:
        unknown = [t for t, h in ((a, ha), (b, hb)) if not h]
        return None, "unknown item " + " and ".join(f'"{t}"' for t in unknown)
    common = {h.node for h in ha} & {h.node for h in hb}
    if not common:
        return None, f'"{a}" and "{b}" are items of different nodes'
    if len(common) > 1:
        return None, f'"{a}" and "{b}" are items of several nodes ({sorted(common)})'
    nid = common.pop()
    xa = next(h for h in ha if h.node == nid)
    xb = next(h for h in hb if h.node == nid)
    if xa.child == xb.child:
        return None, f'"{a}" and "{b}" both name item {xa.child}'
    m.note(a, xa)
    m.note(b, xb)
    return _Pair(nid, xa.child, xb.child), ""


def _pair_candidates(header: str) -> list[tuple[str, str]]:
    """The item texts a column header may name, most likely first.

    A question header is read as :func:`~evalkit.ingest.platforms.read_question_header` reads it
    for ``evalkit inspect``: first the platform's own reading (问卷星's first matrix column
    ``3、题干—A 比 B`` gives the row text ``A 比 B``), then the whole header (``1.(A 比 B)``, a bare
    row text ``A 比 B``), then the readings cut at other dashes and colons (``3、题干：A 比 B``,
    腾讯问卷's ``3.题干:A 比 B``). Each text is split into its two items by :func:`_split_candidates`.
    """
    readings = read_question_header(header)
    texts = [readings[0].row] if readings[0].row else []
    texts.append(header)
    texts += [r.row for r in readings[1:] if r.row]
    out: list[tuple[str, str]] = []
    for text in texts:
        out += [c for c in _split_candidates(text) if c not in out]
    return out


def _header_pair(
    m: _Matcher, jmap: JudgmentMap, header: str, nodes: set[str] | None
) -> tuple[_Pair | None, str]:
    """A column header naming a pair; ("", reason) when it names none; reason "" if not a pair."""
    for nid, prs in jmap.pairs.items():
        if header in prs and (nodes is None or nid in nodes):
            a, b = prs[header]
            return _Pair(nid, a, b), ""
    cands = _pair_candidates(header)
    if not cands:
        return None, ""
    best = ""
    for a, b in cands:
        pair, why = _resolve_pair(m, a, b, nodes)
        if pair is not None:
            return pair, ""
        if not best and (m.match(a, nodes) or m.match(b, nodes)):
            best = why
    return None, best


def _expert_key(header: object) -> str:
    """A header as the expert-name columns are matched: its question text (``1、您的姓名`` ->
    您的姓名), normalised."""
    text = str(header).strip()
    return normalise(read_question_header(text)[0].stem or text)


# ---- layout detection --------------------------------------------------------------------------


def _label_int(v: object) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)) and float(v).is_integer():
        return int(v)
    if isinstance(v, str):
        mm = re.match(r"^\s*(\d+)", unicodedata.normalize("NFKC", v))
        return int(mm.group(1)) if mm else None
    return None


def _seventeen_run(row: list[object]) -> int | None:
    """Column where the 17 labels 9 8 ... 1 ... 8 9 start in a row, if they do."""
    labels = [_label_int(v) for v in row]
    for c in range(len(row) - 16):
        if tuple(labels[c : c + 17]) == SEVENTEEN_LABELS:
            return c
    return None


def _value_run(row: list[object]) -> tuple[int, list[float]] | None:
    """(start, values) of >= 3 consecutive header labels that are Saaty values, some < 1, some > 1."""
    best: tuple[int, list[float]] | None = None
    c = 0
    while c < len(row):
        vals: list[float] = []
        k = c
        while k < len(row) and not _blank(row[k]) and not _is_date(row[k]):
            v = parse_judgment(row[k])
            if not (SAATY_MIN * 0.99 <= v <= SAATY_MAX * 1.01):
                break
            vals.append(v)
            k += 1
        ok = (
            len(vals) >= 3
            and min(vals) < 1 < max(vals)
            and len(set(np.round(vals, 6))) == len(vals)
            and any(isinstance(row[j], str) and "/" in row[j] for j in range(c, k))
        )
        if ok and (best is None or len(vals) > len(best[1])):
            best = (c, vals)
        c = max(k, c + 1)
    return best


def _find_blocks(sheet: _Sheet) -> list[tuple[int, int, list[int], list[int]]]:
    """n x n blocks: (header row, label column, columns of the header labels, rows of the labels)."""
    out = []
    r = 0
    while r < sheet.height:
        row = sheet.rows[r]
        c = 1
        while c < len(row):
            if not _is_label(row[c]):
                c += 1
                continue
            k = c
            while k < len(row) and _is_label(row[k]):
                k += 1
            cols = list(range(c, k))
            rows: list[int] = []
            rr = r + 1
            while rr < sheet.height and _is_label(sheet.cell(rr, c - 1)) and len(rows) < len(cols):
                rows.append(rr)
                rr += 1
            heads = {normalise(sheet.cell(r, j)) for j in cols}
            sides = {normalise(sheet.cell(i, c - 1)) for i in rows}
            if len(cols) >= 2 and len(rows) == len(cols) and len(heads & sides) >= 2:
                out.append((r, c - 1, cols, rows))
                r = rows[-1]
                break
            c = k
        r += 1
    return out


def _header_row(sheet: _Sheet) -> int | None:
    for r, row in enumerate(sheet.rows):
        if any(not _blank(v) for v in row):
            return r
    return None


def _detect(sheets: list[_Sheet], jmap: JudgmentMap) -> tuple[str, str]:
    """(layout, why) from the structure of the sheets; DataError when it cannot tell."""
    use = [s for s in sheets if s.name not in jmap.ignore_sheets]
    for s in use:
        h = _header_row(s)
        if h is not None:
            head = [str(v).strip().lower() for v in s.rows[h][:2]]
            if head == ["expert", "item"]:
                return "evalkit", f'sheet "{s.name}" starts with the columns expert, item'
    for s in use:
        for r, row in enumerate(s.rows):
            if _seventeen_run(row) is not None:
                return "seventeen_point", (
                    f'sheet "{s.name}", row {r + 1} holds the 17 labels 9 ... 1 ... 9 (a paper grid)'
                )
    for s in use:
        blocks = _find_blocks(s)
        if blocks:
            return "matrix_per_sheet", (
                f'sheet "{s.name}", row {blocks[0][0] + 1} starts an n x n matrix of item names'
            )
    for s in use:
        for r, row in enumerate(s.rows):
            run = _value_run(row)
            if run is not None:
                labels = ", ".join(fmt_judgment(v) for v in run[1])
                return "ticked_grid", f'sheet "{s.name}", row {r + 1} holds the labels {labels}'
    values: list[object] = []
    where = ""
    for s in use:
        h = _header_row(s)
        if h is None:
            continue
        cols = [j for j, v in enumerate(s.rows[h]) if _looks_like_pair(v)]
        if cols:
            where = where or f'sheet "{s.name}" has columns per pair such as "{s.rows[h][cols[0]]}"'
            values += [s.cell(r, j) for r in range(h + 1, s.height) for j in cols]
    values = [v for v in values if not _blank(v) and not _is_date(v)]
    if values:
        nums = [parse_judgment(v) for v in values]
        fractions = any(isinstance(v, str) and "/" in v for v in values) or any(
            0 < x < 1 or (x > 0 and not float(x).is_integer()) for x in nums
        )
        if fractions:
            return "row_per_expert", where + "; the values include fractions (Saaty judgments)"
        ints = [x for x in nums if x > 0 and float(x).is_integer()]
        if ints and max(ints) > 9 and max(ints) <= 17:
            return "seventeen_point", (
                where + f"; the values are whole numbers up to {max(ints):g} (17-point positions)"
            )
        raise DataError(
            [
                Issue(
                    Location(file=use[0].file if use else ""),
                    "cannot tell 17-point positions from Saaty values: " + where,
                    expected="fractions (Saaty values) or a position above 9 (17-point export)",
                    found="only whole numbers 1 to 9",
                    fix="Say which in MAP.yaml: layout: row_per_expert or layout: seventeen_point.",
                    check="judgments",
                )
            ]
        )
    raise DataError(
        [
            Issue(
                Location(file=sheets[0].file if sheets else ""),
                "no known judgment layout found",
                expected="a 17-point grid or export, a ticked grid, n x n matrices, one row per "
                "expert with a column per pair, or evalkit's experts workbook",
                found=f"sheets {[s.name for s in sheets]}",
                fix="Name the layout in MAP.yaml (layout: ...) or see docs/formats.md.",
                check="judgments",
            )
        ]
    )


def detect_judgment_layout(path: Path | str) -> str:
    """The layout of a judgments file: one of :data:`LAYOUTS` (DataError when none fits)."""
    path = Path(path)
    return _detect(_read_book(path, str(path)), JudgmentMap())[0]


# ---- readers -----------------------------------------------------------------------------------


@dataclass
class _Found:
    """What the readers found, for the proposed MAP.yaml and for ``evalkit inspect``."""

    pair_columns: list[tuple[Location, str, _Pair]] = field(default_factory=list)  # where, header
    expert_columns: dict[str, str] = field(default_factory=dict)  # sheet -> expert column header
    unresolved: list[tuple[Location, str, str]] = field(default_factory=list)  # where, text, why


def _sheet_nodes(jmap: JudgmentMap, sheet: str) -> set[str] | None:
    nodes = {nid for nid, s in jmap.sheets.items() if s == sheet}
    return nodes or None


def _read_pair_rows(
    sheets: list[_Sheet],
    m: _Matcher,
    col: _Collector,
    jmap: JudgmentMap,
    decisions: list[str],
    found: _Found,
    *,
    positions: bool,
) -> None:
    """One row per expert, one column per pair: Saaty values, or 17-point positions."""
    log = col.log
    auto_names = 0
    for s in sheets:
        h = _header_row(s)
        if h is None:
            continue
        nodes = _sheet_nodes(jmap, s.name)
        header = [str(v).strip() if not _blank(v) else "" for v in s.rows[h]]
        pair_cols: dict[int, _Pair] = {}
        seen: dict[tuple[str, frozenset[str]], int] = {}
        ignored = []
        ecol = None
        if jmap.expert_column is not None:
            if jmap.expert_column in header:
                ecol = header.index(jmap.expert_column)
            else:
                decisions.append(
                    f'sheet "{s.name}": no column "{jmap.expert_column}" (MAP.yaml '
                    "experts.column); experts named by row"
                )
        else:
            norm = [_expert_key(x) for x in header]
            for name in _EXPERT_HEADERS:
                if normalise(name) in norm:
                    ecol = norm.index(normalise(name))
                    decisions.append(
                        f'sheet "{s.name}": expert names from column {column_letter(ecol)} '
                        f'("{header[ecol]}")'
                    )
                    break
        for j, text in enumerate(header):
            if not text or j == ecol:
                continue
            pair, why = _header_pair(m, jmap, text, nodes)
            if pair is None:
                if why:
                    found.unresolved.append((s.loc(h, j, text), text, why))
                    log.add(
                        s.loc(h, j, text),
                        f"the column names {why}",
                        expected="two items of one node: "
                        + "; ".join(
                            f"{nid}: {m.children_text(nid)}" for nid in sorted(nodes or m.kids)
                        )[:600],
                        found=repr(text),
                        fix="Name the items in MAP.yaml (nodes: <node>: items: or pairs:).",
                        check="judgments",
                    )
                else:
                    ignored.append(text)
                continue
            key = (pair.node, frozenset((pair.a, pair.b)))
            if key in seen:
                k = seen[key]
                log.add(
                    s.loc(h, j, text),
                    f"node {pair.node}: the comparison {pair.a} vs {pair.b} has two columns",
                    expected="one column per pair",
                    found=f'columns {column_letter(k)} ("{header[k]}") and {column_letter(j)} '
                    f'("{text}")',
                    check="judgments",
                )
                continue
            seen[key] = j
            pair_cols[j] = pair
            found.pair_columns.append((s.loc(h, j), text, pair))
        if not pair_cols:
            decisions.append(f'sheet "{s.name}" ignored: no column names a pair of items')
            continue
        if ecol is not None:
            found.expert_columns[s.name] = header[ecol]
        if ignored:
            decisions.append(
                f'sheet "{s.name}": columns ignored (they name no pair): '
                + ", ".join(f'"{t}"' for t in ignored)
            )
        for r in range(h + 1, s.height):
            row = s.rows[r]
            if all(_blank(s.cell(r, j)) for j in pair_cols):
                continue
            if ecol is not None and not _blank(s.cell(r, ecol)):
                expert = col.expert(s.cell(r, ecol))
            else:
                auto_names += 1
                expert = col.expert(f"E{auto_names:02d}")
                decisions.append(
                    f'sheet "{s.name}", row {r + 1}: no expert name; called "{expert}"'
                )
            del row
            for j, pair in pair_cols.items():
                raw = s.cell(r, j)
                loc = s.loc(r, j, header[j])
                if positions:
                    v = _position_value(raw, loc, expert, pair, col)
                else:
                    v = col.value(raw, loc, expert, pair.a, pair.b)
                if v is None:
                    col.bad(pair.node, expert, pair.a, pair.b, loc)
                else:
                    col.add(pair.node, expert, pair.a, pair.b, v, loc, raw)


def _position_value(
    raw: object, loc: Location, expert: str, pair: _Pair, col: _Collector
) -> float | None:
    """The 17-point position in a platform export's cell as a_AB."""
    what = f"expert {expert}: {pair.a} vs {pair.b}"
    p = float("nan") if _is_date(raw) else parse_judgment(raw)
    if not _is_date(raw) and np.isnan(p):
        col.log.add(
            loc,
            f"{what}: missing comparison",
            expected="a position 1 to 17 on the 17-point scale",
            found="an empty cell",
            check="judgments",
        )
        return None
    if _is_date(raw) or p != int(p) or not 1 <= p <= 17:
        col.log.add(
            loc,
            f"{what}: not a position on the 17-point scale",
            expected="a whole number 1 to 17 (the box counted from the left)",
            found=_date_text(raw) if _is_date(raw) else show(raw),
            check="judgments",
        )
        return None
    return seventeen_value(int(p))


def seventeen_value(p: int) -> float:
    """a_AB for box p (1..17, from the left) of the row "A | 9 ... 1 ... 9 | B"."""
    if not 1 <= p <= 17:
        raise ValueError(f"position {p} is not 1..17")
    return float(10 - p) if p <= 9 else 1.0 / (p - 8)


def _read_grids(
    sheets: list[_Sheet],
    m: _Matcher,
    col: _Collector,
    jmap: JudgmentMap,
    decisions: list[str],
    found: _Found,
    *,
    seventeen: bool,
) -> None:
    """Pair rows under a header of tick columns: 17 labels 9..1..9, or labels that are values."""
    log = col.log
    for s in sheets:
        nodes = _sheet_nodes(jmap, s.name)
        start = 0
        values: list[float] = []
        head_row = -1
        ecol = None
        expert_sheet = col.expert(s.name)
        read = 0
        for r, row in enumerate(s.rows):
            c17 = _seventeen_run(row) if seventeen else None
            run = None if seventeen else _value_run(row)
            if c17 is not None or run is not None:
                head_row = r
                if c17 is not None:
                    start, values = c17, [seventeen_value(p) for p in range(1, 18)]
                else:
                    assert run is not None
                    start, values = run
                norm = [_expert_key(v) if isinstance(v, str) else "" for v in row[:start]]
                ecol = None
                want = (
                    [_expert_key(jmap.expert_column)]
                    if jmap.expert_column
                    else [normalise(x) for x in _EXPERT_HEADERS]
                )
                for name in want:
                    if name in norm:
                        ecol = norm.index(name)
                        found.expert_columns.setdefault(s.name, str(row[ecol]).strip())
                        break
                continue
            if head_row < 0:
                continue
            end = start + len(values)
            left = [
                (j, row[j]) for j in range(min(start, len(row))) if j != ecol and _is_label(row[j])
            ]
            right = [(j, s.cell(r, j)) for j in range(end, s.width) if _is_label(s.cell(r, j))]
            marks = [
                j
                for j in range(start, end)
                if not _blank(s.cell(r, j))
                and normalise(s.cell(r, j)) != normalise(s.rows[head_row][j])
            ]
            if not left:
                if marks:
                    decisions.append(
                        f'sheet "{s.name}", row {r + 1}: ticks but no item names; row skipped'
                    )
                continue
            text_a = str(left[-1][1]).strip()
            if right:
                cands = [(text_a, str(right[0][1]).strip())]
            else:
                cands = _split_candidates(text_a)
            pair, why = None, ""
            for a, b in cands:
                pair, w = _resolve_pair(m, a, b, nodes)
                if pair is not None:
                    break
                why = why or w
            if pair is None:
                if cands and why:
                    found.unresolved.append((s.loc(r, left[-1][0]), text_a, why))
                    log.add(
                        s.loc(r, left[-1][0], text_a),
                        f"the row names {why}",
                        expected="two items of one node",
                        found=" | ".join(f'"{x}"' for x in cands[0]),
                        fix="Name the items in MAP.yaml (nodes: <node>: items:).",
                        check="judgments",
                    )
                continue
            if ecol is not None and not _blank(s.cell(r, ecol)):
                expert = col.expert(s.cell(r, ecol))
            else:
                expert = expert_sheet
            read += 1
            loc_row = s.loc(r, start)
            if not marks:
                log.add(
                    loc_row,
                    f"expert {expert}: {pair.a} vs {pair.b}: missing comparison (no tick)",
                    expected="a tick in one of the boxes",
                    found="none",
                    check="judgments",
                )
                col.bad(pair.node, expert, pair.a, pair.b, loc_row)
                continue
            if len(marks) > 1:
                log.add(
                    loc_row,
                    f"expert {expert}: {pair.a} vs {pair.b}: a row with {len(marks)} ticks",
                    expected="one tick per row",
                    found="ticks in columns " + ", ".join(column_letter(j) for j in marks),
                    check="judgments",
                )
                col.bad(pair.node, expert, pair.a, pair.b, loc_row)
                continue
            j = marks[0]
            head = s.rows[head_row][j]
            v = values[j - start]
            loc = s.loc(r, j, show(head).strip("'"))
            col.add(pair.node, expert, pair.a, pair.b, v, loc, s.cell(r, j))
        if read and ecol is None:
            decisions.append(f'sheet "{s.name}": judgments of expert "{expert_sheet}" (sheet name)')
        elif not read:
            decisions.append(f'sheet "{s.name}" ignored: no pair rows under a tick header')


def _axis_items(
    m: _Matcher,
    log: IssueLog,
    nid: str,
    expert: str,
    texts: dict[int, str],
    hits: dict[int, list[_Hit]],
    axis: str,
    where: Callable[[int, str], Location],
    found: _Found,
) -> dict[int, str] | None:
    """Row (or column) labels of a matrix block -> child ids of node *nid*; None after errors."""
    kids = [c.id for c in m.kids[nid]]
    out: dict[int, str] = {}
    owner: dict[str, int] = {}
    ok = True
    for k, t in texts.items():
        h = next((x for x in hits[k] if x.node == nid), None)
        if h is None:
            found.unresolved.append((where(k, t), t, f"unknown item of node {nid}"))
            log.add(
                where(k, t),
                f'node {nid}: unknown item "{t}" in the matrix of expert {expert}',
                expected=f"one of {m.children_text(nid)}",
                found=repr(t),
                fix="Name the item in MAP.yaml (nodes: <node>: items:).",
                check="judgments",
            )
            ok = False
            continue
        if h.child in owner:
            log.add(
                where(k, t),
                f"node {nid}: item {h.child} matched twice in the matrix of expert {expert}",
                expected=f"one {axis} per item",
                found=f'"{texts[owner[h.child]]}" and "{t}"',
                check="judgments",
            )
            ok = False
            continue
        m.note(t, h)
        owner[h.child] = k
        out[k] = h.child
    first = next(iter(texts))
    for kid in kids:
        if kid not in owner:
            log.add(
                where(first, texts[first]),
                f"node {nid}: item {kid} has no {axis} in the matrix of expert {expert}",
                expected=f"a {axis} for each of {kids}",
                found=f"{axis}s " + ", ".join(f'"{t}"' for t in texts.values()),
                check="judgments",
            )
            ok = False
    return out if ok else None


def _read_matrices(
    sheets: list[_Sheet],
    m: _Matcher,
    col: _Collector,
    jmap: JudgmentMap,
    decisions: list[str],
    found: _Found,
) -> None:
    """n x n blocks, one sheet per expert (the sheet name)."""
    log = col.log
    for s in sheets:
        blocks = _find_blocks(s)
        if not blocks:
            decisions.append(f'sheet "{s.name}" ignored: no n x n matrix of item names')
            continue
        expert = col.expert(s.name)
        nodes = _sheet_nodes(jmap, s.name)
        one_triangle = 0
        for hr, lc, cols, rows in blocks:
            texts_c = {j: str(s.cell(hr, j)).strip() for j in cols}
            texts_r = {i: str(s.cell(i, lc)).strip() for i in rows}
            hits_c = {j: m.match(t, nodes) for j, t in texts_c.items()}
            hits_r = {i: m.match(t, nodes) for i, t in texts_r.items()}
            votes = Counter(h.node for hs in [*hits_c.values(), *hits_r.values()] for h in hs)
            if not votes:
                found.unresolved.append(
                    (s.loc(hr, cols[0]), ", ".join(texts_c.values()), "items not in the tree")
                )
                log.add(
                    s.loc(hr, cols[0], texts_c[cols[0]]),
                    "a matrix whose items are not in the tree",
                    expected="item ids or names of the children of one node",
                    found=", ".join(f'"{t}"' for t in texts_c.values()),
                    fix="Name the items in MAP.yaml (nodes: <node>: items:).",
                    check="judgments",
                )
                continue
            nid = votes.most_common(1)[0][0]
            kids = [c.id for c in m.kids[nid]]
            cmap = _axis_items(
                m,
                log,
                nid,
                expert,
                texts_c,
                hits_c,
                "column",
                lambda k, t, s=s, hr=hr: s.loc(hr, k, t),
                found,
            )
            rmap = _axis_items(
                m,
                log,
                nid,
                expert,
                texts_r,
                hits_r,
                "row",
                lambda k, t, s=s, lc=lc: s.loc(k, lc, t),
                found,
            )
            if cmap is None or rmap is None:
                continue
            given: set[tuple[str, str]] = set()
            for i, a in rmap.items():
                for j, b in cmap.items():
                    raw = s.cell(i, j)
                    loc = s.loc(i, j, texts_c[j])
                    if a == b:
                        if not _blank(raw) and parse_judgment(raw) != 1.0:
                            log.add(
                                loc,
                                f"expert {expert}, node {nid}: the diagonal cell {a} vs {a} "
                                "compares the item with itself",
                                expected="1 or an empty cell on the diagonal",
                                found=show(raw),
                                fix="Write 1 there or leave it empty; a judgment of one item "
                                "over another belongs off the diagonal.",
                                check="judgments",
                                message_zh=f"专家 {expert}，节点 {nid}：对角线单元格 {a} 对 {a} "
                                "是指标与自身的比较，应为 1 或留空",
                            )
                        continue
                    if _blank(raw):
                        continue
                    v = col.value(raw, loc, expert, a, b)
                    if v is None:
                        col.bad(nid, expert, a, b, loc)
                    else:
                        col.add(nid, expert, a, b, v, loc, raw)
                    given.add((a, b))
            n = len(kids)
            full = all((a, b) in given and (b, a) in given for a in kids for b in kids if a < b)
            if not full and n > 1:
                one_triangle += 1
            col.first.setdefault((nid, expert), s.loc(hr, lc))
        if one_triangle:
            decisions.append(
                f'sheet "{s.name}" (expert {expert}): {one_triangle} matri'
                f"{'x' if one_triangle == 1 else 'ces'} with one triangle filled; the other "
                "filled with reciprocals"
            )


# ---- assembling --------------------------------------------------------------------------------


def _assemble(
    tree: IndicatorTree, col: _Collector, m: _Matcher, shown: str
) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    log = col.log
    matrices: dict[str, np.ndarray] = {}
    experts: dict[str, list[str]] = {}
    all_experts = list(dict.fromkeys(e for per in col.data.values() for e in per))
    for node in tree.criteria():
        kids = [c.id for c in node.children]
        n = len(kids)
        per = col.data.get(node.id, {})
        if n == 1:
            matrices[node.id] = np.ones((len(all_experts), 1, 1))
            experts[node.id] = list(all_experts)
            continue
        if not per:
            log.add(
                Location(file=shown),
                f'no judgments for node "{node.id}" ({node.name.get("en", "")})',
                expected=f"comparisons of its items {m.children_text(node.id)}",
                found="none of them in the file",
                fix="Check the item names, or name them in MAP.yaml.",
                check="judgments",
            )
            continue
        names, mats = [], []
        for expert, got in per.items():
            a = np.ones((n, n))
            ok = True
            for i in range(n):
                for j in range(i + 1, n):
                    x, y = got.get((kids[i], kids[j])), got.get((kids[j], kids[i]))
                    if x is None and y is None:
                        ok = False
                        if (node.id, expert, frozenset((kids[i], kids[j]))) in col.failed:
                            continue
                        log.add(
                            col.first[(node.id, expert)],
                            f"expert {expert}, node {node.id}: missing comparison "
                            f"{kids[i]} vs {kids[j]}",
                            expected="a judgment for every pair of items",
                            found="no cell for this pair",
                            check="judgments",
                        )
                        ok = False
                        continue
                    if x is not None and y is not None:
                        prod = x.value * y.value
                        if abs(prod - 1) > 0.01 * max(1.0, prod):
                            log.add(
                                y.loc,
                                f"expert {expert}: judgment not reciprocal: a[{kids[i]}, "
                                f"{kids[j]}] = {fmt_judgment(x.value)} (at {x.loc}) but "
                                f"a[{kids[j]}, {kids[i]}] = {fmt_judgment(y.value)}",
                                expected=fmt_judgment(1 / x.value),
                                found=show(y.raw),
                                fix="Leave one triangle empty and evalkit fills it.",
                                check="judgments",
                            )
                            ok = False
                            continue
                    v = x.value if x is not None else 1.0 / y.value  # type: ignore[union-attr]
                    a[i, j], a[j, i] = v, 1.0 / v
            if ok:
                names.append(expert)
                mats.append(a)
        if mats:
            matrices[node.id] = np.stack(mats)
            experts[node.id] = names
    return matrices, experts


def _cr_frame(matrices: dict[str, np.ndarray], experts: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for nid, stack in matrices.items():
        if len(stack) == 0:
            continue
        if stack.shape[-1] <= 2:
            crs = np.zeros(len(stack))
        else:
            crs = np.atleast_1d(np.asarray(ahp_priorities(stack).cr, dtype=float))
        rows += [
            {"node_id": nid, "expert": e, "cr": float(c)}
            for e, c in zip(experts[nid], crs, strict=True)
        ]
    return pd.DataFrame(rows, columns=["node_id", "expert", "cr"])


@dataclass
class _Reading:
    """A judgments file read without raising for its problems (they are in ``log``)."""

    path: Path
    layout: str
    why: str
    decisions: list[str]
    log: IssueLog
    matcher: _Matcher
    collector: _Collector
    found: _Found
    evalkit: bool = False  # evalkit's own format: read by load_judgments
    refused: bool = False  # a 17-point 按文本 download: nothing read
    grid: bool = False  # a 17-point paper grid (not a column per pair)


def _read(path: Path, tree: IndicatorTree, jmap: JudgmentMap) -> _Reading:
    """Detect the layout and read every judgment; DataError only when no layout is found."""
    shown = str(path)
    decisions: list[str] = []
    log = IssueLog()
    m = _Matcher(tree, jmap)
    col = _Collector(log, jmap)
    found = _Found()

    def reading(layout: str, why: str, **kw: bool) -> _Reading:
        return _Reading(path, layout, why, decisions, log, m, col, found, **kw)

    if jmap.layout == "evalkit" or (
        jmap.layout is None and path.suffix.lower() == ".csv" and _is_long_csv(path)
    ):
        why = "MAP.yaml" if jmap.layout else "a long CSV: expert, node, row, column, value"
        decisions.append(f"layout evalkit ({why})")
        return reading("evalkit", why, evalkit=True)
    sheets = _read_book(path, shown)
    if jmap.layout is not None:
        layout, why = jmap.layout, "MAP.yaml"
        decisions.append(f"layout {layout} (MAP.yaml)")
    else:
        layout, why = _detect(sheets, jmap)
        decisions.append(f"layout {layout} detected: {why}")
    if layout == "evalkit":
        return reading(layout, why, evalkit=True)
    for name in jmap.ignore_sheets:
        decisions.append(f'sheet "{name}" ignored (MAP.yaml)')
    use = [s for s in sheets if s.name not in jmap.ignore_sheets]
    positions = "p <= 9 -> a_AB = 10 - p; p >= 10 -> a_AB = 1/(p - 8) (A left, B right)"
    if layout == "seventeen_point":
        if any(_seventeen_run(row) is not None for s in use for row in s.rows):
            decisions.append("17-point paper grid: box p = 1..17 from the left of the 17 labels")
            _read_grids(use, m, col, jmap, decisions, found, seventeen=True)
            decisions.append(positions)
            return reading(layout, why, grid=True)
        if "按文本" in path.name:
            twin = path.with_name(path.name.replace("按文本", "按序号"))
            log.add(
                Location(file=shown),
                "a 问卷星 按文本 download of 17-point judgments cannot be read",
                expected="the 按序号 download (cells 1..17: the box counted from the left)",
                found="option labels, which repeat on both sides of the scale (9 … 1 … 9), "
                "so they do not say which item is the more important",
                fix=f"Import {twin.name} instead."
                if twin.exists()
                else "Download the answers 按序号 (by option number) and import that file.",
                check="judgments",
            )
            return reading(layout, why, refused=True)
        decisions.append("17-point export: each cell is the position p = 1..17 from the left")
        _read_pair_rows(use, m, col, jmap, decisions, found, positions=True)
        decisions.append(positions)
    elif layout == "ticked_grid":
        _read_grids(use, m, col, jmap, decisions, found, seventeen=False)
    elif layout == "matrix_per_sheet":
        _read_matrices(use, m, col, jmap, decisions, found)
    else:
        _read_pair_rows(use, m, col, jmap, decisions, found, positions=False)
    return reading(layout, why)


def import_judgments(
    path: Path | str, tree: IndicatorTree, *, map_path: Path | str | None = None
) -> ImportedJudgments:
    """Read experts' judgments in any known layout; raise DataError listing every problem.

    ``proposed_map`` of the result is the MAP.yaml that pins what was read (see
    :func:`propose_judgment_map`): given back with ``map_path`` it gives the same judgments.
    """
    path = Path(path)
    jmap = read_judgment_map(map_path, tree)
    r = _read(path, tree, jmap)
    if r.evalkit:
        return _from_evalkit(path, tree, r.decisions, _proposed_map(r, tree, jmap))
    if r.refused:
        r.log.raise_if_errors(DataError)
    matrices, experts = _assemble(tree, r.collector, r.matcher, str(path))
    decisions = r.decisions + r.matcher.decisions() + r.collector.decisions()
    r.log.raise_if_errors(DataError)
    return ImportedJudgments(
        matrices,
        experts,
        _cr_frame(matrices, experts),
        r.layout,
        decisions,
        r.log.warnings,
        str(path),
        _proposed_map(r, tree, jmap),
    )


def propose_judgment_map(
    path: Path | str, tree: IndicatorTree, *, map_path: Path | str | None = None
) -> dict[str, Any]:
    """The MAP.yaml evalkit proposes for a judgments file, even when its import fails.

    Keys as :func:`read_judgment_map` reads them: ``layout`` (detected), per node ``sheet`` (when
    every node's judgments come from one sheet), ``pairs`` (a file with a column per pair: every
    column header read as a pair, ``[left item, right item]``) or ``items`` (the texts the file
    uses for each child, other than its id), and ``experts: column`` (the column the names came
    from). What could not be read is listed in the comments at the top. ``_comments`` holds them
    for :func:`~evalkit.ingest.platforms.write_map`. DataError when no layout is found.
    """
    path = Path(path)
    jmap = read_judgment_map(map_path, tree)
    r = _read(path, tree, jmap)
    if not r.evalkit and not r.refused:
        _assemble(tree, r.collector, r.matcher, str(path))  # the missing pairs, for the comments
    return _proposed_map(r, tree, jmap)


@dataclass(frozen=True)
class JudgmentInspection:
    """What ``evalkit inspect`` shows of a judgments file.

    ``nodes``: node id -> (pairs found in the file, pairs the node needs); ``columns``: for a
    file with a column per pair, (location, header, node, left item, right item) of each;
    ``issues``: the errors and warnings ``import_judgments`` would give.
    """

    file: str
    layout: str
    why: str
    experts: list[str]
    nodes: dict[str, tuple[int, int]]
    columns: list[tuple[Location, str, str, str, str]]
    decisions: list[str]
    issues: list[Issue]
    proposed_map: dict[str, Any]


def inspect_judgments(
    path: Path | str, tree: IndicatorTree, *, map_path: Path | str | None = None
) -> JudgmentInspection | None:
    """Recognise a file of experts' judgments; None when it is not one.

    A file is taken for judgments when its layout is found (:func:`detect_judgment_layout`) and
    its structure says so on its own (evalkit's experts workbook, a 17-point paper grid, a header
    of Saaty values over ticks, a 问卷星 按文本 17-point download), or some of its texts name items
    of the tree's nodes: a pair column, a pair row, the item names of an n x n matrix. A survey
    whose headers hold a "/" or "比", or whose answers repeat in rows and columns, is not taken
    for one. Never raises for the file's problems: they are in ``issues``.
    """
    path = Path(path)
    jmap = read_judgment_map(map_path, tree)
    try:
        r = _read(path, tree, jmap)
    except DataError:
        return None
    plain = r.evalkit or r.grid or r.refused or r.layout == "ticked_grid"
    named = bool(r.matcher.used) or bool(r.found.pair_columns)
    if not (plain or named or jmap.layout is not None):
        return None
    experts: list[str] = []
    nodes: dict[str, tuple[int, int]] = {}
    need = {n.id: len(n.children) * (len(n.children) - 1) // 2 for n in tree.criteria()}
    issues: list[Issue]
    decisions = list(r.decisions)
    if r.evalkit:
        try:
            imp = _from_evalkit(path, tree, decisions, {})
        except DataError as exc:
            issues = list(exc.issues)
        else:
            issues = list(imp.issues)
            experts = list(dict.fromkeys(e for lst in imp.experts.values() for e in lst))
            nodes = {nid: (need[nid], need[nid]) for nid in imp.matrices}
    else:
        if not r.refused:
            _assemble(tree, r.collector, r.matcher, str(path))
            decisions += r.matcher.decisions() + r.collector.decisions()
        col = r.collector
        experts = list(dict.fromkeys(e for per in col.data.values() for e in per))
        for node in tree.criteria():
            got = {frozenset(p) for per in col.data.get(node.id, {}).values() for p in per}
            got |= {pr for nid, _e, pr in col.failed if nid == node.id}
            if got:
                nodes[node.id] = (len(got), need[node.id])
        issues = list(r.log.issues)
    columns = [(loc, head, p.node, p.a, p.b) for loc, head, p in r.found.pair_columns]
    return JudgmentInspection(
        str(path),
        r.layout,
        r.why,
        experts,
        nodes,
        columns,
        decisions,
        issues,
        _proposed_map(r, tree, jmap),
    )


def is_judgment_map(path: Path | str) -> bool:
    """True when a YAML file is an ``import-judgments`` MAP.yaml (its keys are all of that map:
    layout, ignore_sheets, nodes, experts), not an ``import`` map."""
    try:
        data = load_yaml(Path(path), error=DataError)
    except DataError:
        return False
    return isinstance(data, dict) and bool(data) and set(map(str, data)) <= _MAP_KEYS


def _proposed_map(r: _Reading, tree: IndicatorTree, jmap: JudgmentMap) -> dict[str, Any]:
    out: dict[str, Any] = {
        "_comments": [
            f"evalkit import-judgments map proposed for {r.path.name} (layout {r.layout});",
            "check every line, then pass it with --map. nodes: <node id>:",
            "  pairs: column header -> [left item, right item] (the cell judges left over right)",
            "  items: child id -> the text, or list of texts, the file uses for it",
        ],
        "layout": r.layout,
    }
    if jmap.ignore_sheets:
        out["ignore_sheets"] = list(jmap.ignore_sheets)
    if r.evalkit or r.refused:
        return out
    pairs: dict[str, dict[str, FlowList]] = {}
    for _loc, header, pair in r.found.pair_columns:
        pairs.setdefault(pair.node, {})[header] = FlowList([pair.a, pair.b])
    items: dict[str, dict[str, list[str]]] = {}
    for (text, nid, cid), _how in r.matcher.used.items():
        if text != cid and not pairs:
            items.setdefault(nid, {}).setdefault(cid, []).append(text)
    sheets = r.collector.sheets
    one_sheet = bool(sheets) and all(len(v) == 1 for v in sheets.values())
    nodes: dict[str, Any] = {}
    for node in tree.criteria():
        spec: dict[str, Any] = {}
        if one_sheet and node.id in sheets:
            spec["sheet"] = next(iter(sheets[node.id]))
        kids = [c.id for c in node.children]
        got = items.get(node.id, {})
        if got:
            spec["items"] = {
                c: got[c][0] if len(got[c]) == 1 else FlowList(got[c]) for c in kids if c in got
            }
        if node.id in pairs:
            spec["pairs"] = pairs[node.id]
        if spec:
            nodes[node.id] = spec
    if nodes:
        out["nodes"] = nodes
    experts: dict[str, Any] = {}
    columns = set(r.found.expert_columns.values())
    if jmap.expert_column is not None:
        experts["column"] = jmap.expert_column
    elif len(columns) == 1:
        experts["column"] = columns.pop()
    if jmap.expert_names:
        experts["names"] = dict(jmap.expert_names)
    if experts:
        out["experts"] = experts
    errors = [i for i in r.log.issues if i.severity == "error"]
    if r.found.unresolved or errors:
        out["_comments"].append(
            f"NOT READ ({len(errors)} problem(s) stop the import; `evalkit import-judgments` lists "
            "them all):"
        )
        for loc, text, why in r.found.unresolved[:20]:
            out["_comments"].append(f"  {loc}: {text!r}: {why}")
        if len(r.found.unresolved) > 20:
            out["_comments"].append(f"  ... and {len(r.found.unresolved) - 20} more")
    return out


def _is_long_csv(path: Path) -> bool:
    try:
        _, rows, _ = read_rows(path, None)
    except DataError:
        return False
    head = [str(v).strip() for v in rows[0]] if rows else []
    return {"expert", "node", "row", "column", "value"} <= set(head)


def _from_evalkit(
    path: Path, tree: IndicatorTree, decisions: list[str], proposed: dict[str, Any]
) -> ImportedJudgments:
    j = load_judgments(path, tree)
    decisions.append("evalkit's own experts format: read as it is")
    matrices = {k: np.asarray(v, float) for k, v in j.matrices.items()}
    return ImportedJudgments(
        matrices,
        dict(j.experts),
        _cr_frame(matrices, j.experts),
        "evalkit",
        decisions,
        list(j.issues),
        j.file,
        proposed,
    )


# ---- writing evalkit's workbook ----------------------------------------------------------------


def _cell_text(v: float) -> str | None:
    """ "3" or "1/3" when v is exactly an integer or its reciprocal, else None (write a number)."""
    if abs(v - round(v)) < 1e-12 and round(v) >= 1:
        return str(round(v))
    inv = 1.0 / v
    if abs(inv - round(inv)) < 1e-9 and abs(1.0 / round(inv) - v) < 1e-15:
        return f"1/{round(inv)}"
    return None


def write_experts_workbook(
    imported: ImportedJudgments, tree: IndicatorTree, path: Path | str
) -> Path:
    """Write evalkit's experts workbook (docs/formats.md) from imported judgments; atomically.

    One sheet per node with children, columns ``expert, item, <child ids>``; the upper triangle
    holds "3" / "1/3" for values on Saaty's scale and the exact number otherwise; the diagonal is 1
    and the lower triangle is left empty (evalkit fills the reciprocals). A sheet ``experts`` lists
    the experts (weight 1) and ``import_log`` the source, layout and decisions.
    """
    path = Path(path)
    criteria = tree.criteria()
    missing = [n.id for n in criteria if n.id not in imported.matrices]
    if missing:
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "cannot write an experts workbook without judgments for every node",
                    expected=f"matrices for {[n.id for n in criteria]}",
                    found=f"none for {missing}",
                )
            ]
        )
    ids = {n.id for n in criteria}
    with atomic_workbook(path, _OPTIONS) as wb:
        head = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1})
        diag = wb.add_format({"bg_color": "#D9D9D9", "align": "center"})
        num = wb.add_format({"align": "center"})
        for node in criteria:
            kids = [c.id for c in node.children]
            ws = wb.add_worksheet(node.id)
            for j, h in enumerate(["expert", "item", *kids]):
                ws.write_string(0, j, h, head)
            r = 1
            stack = imported.matrices[node.id]
            for expert, a in zip(imported.experts[node.id], stack, strict=True):
                for i, kid in enumerate(kids):
                    ws.write_string(r, 0, expert)
                    ws.write_string(r, 1, kid)
                    for j in range(len(kids)):
                        if i == j:
                            ws.write_number(r, 2 + j, 1, diag)
                        elif i < j:
                            text = _cell_text(float(a[i, j]))
                            if text is None:
                                ws.write_number(r, 2 + j, float(a[i, j]), num)
                            else:
                                ws.write_string(r, 2 + j, text, num)
                    r += 1
            ws.set_column(0, 1, 18)
            ws.freeze_panes(1, 2)
        everyone = list(dict.fromkeys(e for lst in imported.experts.values() for e in lst))
        if "experts" not in ids:
            ws = wb.add_worksheet("experts")
            for j, h in enumerate(("expert", "name", "weight")):
                ws.write_string(0, j, h, head)
            for i, e in enumerate(everyone, start=1):
                ws.write_string(i, 0, e)
                ws.write_number(i, 2, 1)
        if "import_log" not in ids:
            ws = wb.add_worksheet("import_log")
            ws.write_string(0, 0, "import_log", head)
            lines = [f"source: {imported.file}", f"layout: {imported.layout}"]
            lines += [f"decision: {d}" for d in imported.decisions]
            lines += [f"CR {r.node_id} {r.expert}: {r.cr:.4f}" for r in imported.cr.itertuples()]
            for i, line in enumerate(lines, start=1):
                ws.write_string(i, 0, line)
            ws.set_column(0, 0, 120)
    return path


__all__ = [
    "LAYOUTS",
    "ImportedJudgments",
    "JudgmentInspection",
    "JudgmentMap",
    "detect_judgment_layout",
    "import_judgments",
    "inspect_judgments",
    "is_judgment_map",
    "normalise",
    "propose_judgment_map",
    "read_judgment_map",
    "seventeen_value",
    "write_experts_workbook",
]
