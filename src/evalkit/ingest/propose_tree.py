"""Propose an indicator tree from a survey export, for a researcher with their own questionnaire.

``propose_tree(path)`` reads the export with the detection of :mod:`evalkit.ingest.platforms`
(问卷星 按序号 / 按文本, 腾讯问卷, hand-entered sheets, generic wide tables) and proposes:

- one **item** per answer column that holds scale answers, named by its text (the matrix row text,
  the question text, or the column header; a text two columns share is told apart so that
  ``evalkit import`` can still match every column);
- one **indicator** per matrix question, and one per single scale question;
- **dimensions** from the export's grouping rows where present (the merged cells above the header of
  a hand-entered sheet), else one per matrix question (the single questions after it join it), else
  a single dimension; a dimension holds at most :data:`MAX_CHILDREN` indicators;
- each indicator's **scale** from the answers: a known label set (非常不同意 … 非常同意, 非常不满意 …
  非常满意, …; for a 问卷星 按序号 download, the labels of its 按文本 twin beside it), 腾讯问卷's
  option letters (A. = 1), or the run of whole numbers answered (1-5, 0-10, ...); other codes (9, 99)
  are proposed as missing codes.

Every guess carries ``confirm: true`` and a ``# confirm`` comment; the tree loader ignores the flag
and ``evalkit validate`` warns while any remains (:func:`confirm_marks`). Columns that hold no scale
answers (gender, multiple choice, open text, the station) are left out and listed in a comment.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError, Issue, Location, SpecError
from ..tree import IndicatorTree, Node
from ..yamlio import LineDict, LineList, load_yaml
from .platforms.convert import EMPTY_MARKERS, POINTS, SKIP_CODES, SKIP_MARKERS
from .platforms.detect import (
    HEADER_SCAN_ROWS,
    find_header,
    platform_name,
    row_texts,
    unknown_layout,
    wjx_variant,
)
from .platforms.headers import QCODE_STRICT, TYPE_TAG, parse_columns
from .platforms.importer import propose_map
from .platforms.layout import READABLE, Layout, read_any
from .platforms.match import DISTRICT_NAMES, RESPONDENT_NAMES, STATION_NAMES, pick_named
from .platforms.rows import filter_rows
from .platforms.twin import text_twin
from .tables import column_letter, rows_to_array
from .text import fold

MAX_CHILDREN = 9  # Saaty's 7 ± 2: an expert compares at most 36 pairs at one node
SCALE_MAX = 10  # answers above this are codes, not scale points

#: Label sets of common rating scales, lowest first (folded with evalkit.ingest.text.fold).
KNOWN_SCALES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("非常不同意", "不同意", "一般", "同意", "非常同意"),
        ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"),
    ),
    (
        ("非常不同意", "比较不同意", "不确定", "比较同意", "非常同意"),
        ("Strongly disagree", "Somewhat disagree", "Not sure", "Somewhat agree", "Strongly agree"),
    ),
    (
        ("完全不同意", "不太同意", "一般", "比较同意", "完全同意"),
        (
            "Completely disagree",
            "Somewhat disagree",
            "Neutral",
            "Somewhat agree",
            "Completely agree",
        ),
    ),
    (
        ("非常不满意", "不满意", "一般", "满意", "非常满意"),
        ("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"),
    ),
    (
        ("完全不符合", "不太符合", "一般", "比较符合", "完全符合"),
        ("Not at all true", "Mostly untrue", "Neutral", "Mostly true", "Completely true"),
    ),
    (
        ("很差", "较差", "一般", "较好", "很好"),
        ("Very poor", "Poor", "Fair", "Good", "Very good"),
    ),
    (
        ("从不", "很少", "有时", "经常", "总是"),
        ("Never", "Rarely", "Sometimes", "Often", "Always"),
    ),
    (("差", "中", "好"), ("Poor", "Fair", "Good")),
    (("低", "中", "高"), ("Low", "Medium", "High")),
)
_STEM_SEP = "—:："


@dataclass
class _Answers:
    numbers: Counter[int] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    letters: dict[str, str] = field(default_factory=dict)  # letter -> label
    other: int = 0


@dataclass(frozen=True)
class ScaleGuess:
    values: tuple[int, ...]
    zh: tuple[str, ...]
    en: tuple[str, ...]
    how: str  # how it was found, for the comment


@dataclass
class _Question:
    key: str  # matrix group number, or the column's own key for a single question
    number: str  # question number as the export shows it ("" if none)
    name: str
    dimension: str
    columns: list[int]
    matrix: bool


@dataclass(frozen=True)
class Proposal:
    """A proposed tree (YAML text with its confirmation marks) and how it was made."""

    yaml_text: str
    platform: str
    items: dict[str, str]  # item id -> how the map names its column (header, number or letter)
    missing_codes: tuple[int, ...]
    left_out: list[str]  # columns not read as scale questions, with why
    decisions: list[str]


# ---- reading ------------------------------------------------------------------------------------


def _empty_tree() -> IndicatorTree:
    goal = Node("goal", {"zh": "", "en": ""}, "goal", 0)
    return IndicatorTree("proposal", {}, goal, {}, ())


def _layout(path: Path, sheet: str | None) -> Layout:
    """The export read and its header, questions and groups detected (platforms' own steps)."""
    if path.suffix.lower() not in READABLE:
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "unsupported file type",
                    message_zh="不支持的文件类型",
                    expected="xlsx, xlsm, ods, xls or csv",
                    expected_zh="xlsx、xlsm、ods、xls 或 csv 文件",
                    found=path.suffix or "no extension",
                    found_zh=path.suffix or "无扩展名",
                )
            ]
        )
    name, rows, enc = read_any(path, sheet)
    lay = Layout(str(path), name, enc, rows_to_array(rows))
    if lay.arr.size == 0:
        raise DataError([unknown_layout(lay)])
    try:
        find_header(lay, _empty_tree(), None)
    except DataError:
        # a wide table whose headers are question texts (no tree to recognise them yet): the
        # first row filled at least halfway, as for a map without a header row
        for i in range(min(len(lay.arr), HEADER_SCAN_ROWS)):
            texts = row_texts(lay.arr, i)
            if sum(bool(x) for x in texts) >= max(2, len(texts) // 2):
                lay.h = i
                lay.decisions.append(f"header row {i + 1}: the first row filled at least halfway")
                break
        else:
            raise
    parse_columns(lay)
    if lay.platform == "generic":
        qcodes = sum(bool(QCODE_STRICT.match(h)) for h in lay.raw_headers)
        if qcodes >= 3 or lay.h > 0:
            lay.platform, lay.variant = "hand", "codes" if qcodes >= 3 else "texts"
        else:
            lay.variant = "wide"
    if lay.platform == "wjx":
        wjx_variant(lay, path, {})
    return lay


def _answers(lay: Layout, j: int) -> _Answers:
    cells = lay.body()
    out = _Answers()
    counts = np.bincount(cells.codes[:, j], minlength=len(cells.uniques))
    for k in np.flatnonzero(counts):
        v, c = cells.uniques[k], int(counts[k])
        t = cells.texts[k]
        if v is None or t == "" or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, bool):
            out.other += c
            continue
        t = unicodedata.normalize("NFKC", str(t)).strip()
        if t in SKIP_MARKERS or t in EMPTY_MARKERS:
            continue
        m = POINTS.match(t)
        num = t if m is None else m.group(1)
        try:
            x = float(num)
        except ValueError:
            x = math.nan
        if not math.isnan(x):
            if x.is_integer():
                out.numbers[int(x)] += c
            else:
                out.other += c
            continue
        m = re.match(r"^([A-Za-z])\s*[.．、]\s*(.+)$", t, re.S)
        if m:
            out.letters[m.group(1).upper()] = m.group(2).strip()
            out.labels[m.group(2).strip()] += c
        else:
            out.labels[t] += c
    return out


def _known(labels: set[str]) -> ScaleGuess | None:
    keys = {fold(x) for x in labels}
    for zh, en in KNOWN_SCALES:
        names = {fold(x) for x in (*zh, *en)}
        if keys and keys <= names:
            return ScaleGuess(tuple(range(1, len(zh) + 1)), zh, en, f"the labels {'/'.join(zh)}")
    return None


def _run(numbers: Counter[int]) -> tuple[int, int] | None:
    """The run of consecutive whole numbers (0..SCALE_MAX) around the most frequent answer."""
    points = sorted(v for v in numbers if 0 <= v <= SCALE_MAX)
    if not points:
        return None
    mode = max(points, key=lambda v: numbers[v])
    lo = hi = mode
    while lo - 1 in numbers:
        lo -= 1
    while hi + 1 in numbers and hi + 1 <= SCALE_MAX:
        hi += 1
    return (lo, hi) if hi - lo >= 2 else None


def _scale_of(ans: _Answers, twin: ScaleGuess | None) -> tuple[ScaleGuess | None, set[int]]:
    """The scale a column's answers are on, and the codes outside it (or None: not a scale)."""
    if ans.other:
        return None, set()
    if ans.labels and not ans.numbers:
        known = _known(set(ans.labels))
        if known is not None:
            return known, set()
        if ans.letters and set(ans.labels) == set(ans.letters.values()):
            letters = sorted(ans.letters)
            first, last = ord(letters[0]), ord(letters[-1])
            if letters[0] == "A" and len(letters) == last - first + 1 >= 3:
                labs = tuple(ans.letters[ch] for ch in letters)
                return (
                    ScaleGuess(tuple(range(1, len(labs) + 1)), labs, labs, "the option letters"),
                    set(),
                )
        return None, set()
    if ans.labels:  # numbers and texts mixed: 问卷星 按文本 scores with a few labels
        known = _known(set(ans.labels))
        if known is None:
            return None, set()
    run = _run(ans.numbers)
    if run is None:
        return None, set()
    lo, hi = run
    answered = sum(ans.numbers.values())
    outside = {v for v in ans.numbers if not lo <= v <= hi and v not in SKIP_CODES}
    if sum(ans.numbers[v] for v in outside) > 0.2 * answered:
        return None, set()
    if twin is not None and len(twin.values) >= hi:
        return twin, outside
    lo = min(lo, 1)
    values = tuple(range(lo, hi + 1))
    shown = tuple(str(v) for v in values)
    return ScaleGuess(values, shown, shown, f"the numbers answered ({lo}-{hi})"), outside


def _twin_scales(path: Path, sheet: str | None, width: int) -> dict[int, ScaleGuess]:
    """Per column, the label scale of a 问卷星 按文本 download beside a 按序号 one."""
    twin = text_twin(path)
    if twin is None:
        return {}
    try:
        tl = _layout(twin, sheet)
    except DataError:
        return {}
    out: dict[int, ScaleGuess] = {}
    for j in range(min(width, len(tl.columns))):
        ans = _answers(tl, j)
        known = _known(set(ans.labels)) if ans.labels and not ans.numbers else None
        if known is not None:
            out[j] = known
    return out


# ---- the proposal -------------------------------------------------------------------------------


def _stem(lay: Layout, j: int) -> str:
    """A matrix question's stem from the header of its first row ("2、stem—row" / "2.stem:row")."""
    raw = lay.raw_headers[j]
    row = lay.texts[j]
    head = raw[: raw.rfind(row)] if row and raw.endswith(row) else raw
    head = re.sub(r"^\s*\d+\s*[、.．]\s*", "", head).rstrip(_STEM_SEP + " ")
    return TYPE_TAG.sub("", head).strip() or row


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _names(zh: str, en: str | None = None) -> str:
    return f"{{zh: {_q(zh)}, en: {_q(en if en is not None else zh)}}}"


def _default_levels() -> list[dict[str, Any]]:
    with resources.as_file(resources.files("evalkit") / "data" / "community_policing.yaml") as p:
        raw = load_yaml(p)
    return list(raw["levels"])


def propose_tree(path: Path | str, *, sheet: str | None = None) -> Proposal:
    """Propose an indicator tree (YAML with confirmation marks) from a survey export."""
    path = Path(path)
    lay = _layout(path, sheet)
    platform = platform_name(lay)
    decisions = list(lay.decisions)
    usable = [j for j in range(len(lay.columns)) if lay.kinds[j] == "question"]
    roles: set[int] = set()
    for names in (RESPONDENT_NAMES, DISTRICT_NAMES, STATION_NAMES):
        order = ("序号", *names) if lay.platform == "wjx" else names
        j = pick_named(lay, order, usable)
        if j is not None:
            roles.add(j)
    candidates = [j for j in usable if j not in roles]
    # summary / note rows of a hand-entered sheet are not answers
    others = [j for j in range(len(lay.columns)) if j not in candidates]
    rows = filter_rows(lay, others, candidates)
    nonempty, drop, dropped = rows.nonempty, rows.drop, rows.dropped
    lay.keep_rows(nonempty & ~drop)
    for row, why in dropped:
        decisions.append(f"row {row} left out of the answers read: {why}")
    twins = _twin_scales(path, sheet, len(lay.columns)) if lay.platform == "wjx" else {}
    if twins:
        decisions.append(f"labels read from the 按文本 download {text_twin(path).name}")  # type: ignore[union-attr]
    scales: dict[int, ScaleGuess] = {}
    codes: set[int] = set()
    left_out: list[str] = []
    for j in candidates:
        guess, outside = _scale_of(_answers(lay, j), twins.get(j))
        if guess is None:
            left_out.append(f"{lay.columns[j]} (column {column_letter(j)}): no scale answers")
            continue
        scales[j] = guess
        codes |= outside
    for j in sorted(roles):
        left_out.append(
            f"{lay.columns[j]} (column {column_letter(j)}): respondent/district/station"
        )
    if not scales:
        raise DataError(
            [
                Issue(
                    Location(file=str(path), sheet=lay.sheet, row=lay.h + 1),
                    "no column holds scale answers, so no tree can be proposed",
                    message_zh="没有一列是量表题的作答，无法据此生成指标体系",
                    expected="columns of answers on a rating scale (1-5, 非常同意 …, A.…)",
                    expected_zh="量表题的作答列（1-5、非常同意……、A.……）",
                    found=f"{len(candidates)} question column(s) with other answers",
                    found_zh=f"{len(candidates)} 个题目列，作答均非量表",
                    fix="Check that the export has the answers in it (not only the questions).",
                    fix_zh="请确认导出文件中含有作答数据（而不只是题目）。",
                )
            ]
        )
    # questions: matrix groups and single questions, in column order
    questions: list[_Question] = []
    by_key: dict[str, _Question] = {}
    k_single = 0
    for j in sorted(scales):
        group = lay.groups[j]
        dim = lay.dims[j] if lay.dims else ""
        if group is not None:
            key = f"m{group}"
            if key not in by_key:
                q = _Question(key, group, _stem(lay, j), dim, [], True)
                by_key[key] = q
                questions.append(q)
            by_key[key].columns.append(j)
            continue
        k_single += 1
        number = lay.numbers[j] or ""
        text = lay.texts[j] or lay.columns[j]
        q = _Question(f"s{j}", number, text, dim, [j], False)
        questions.append(q)
    # one scale per question: the widest of its rows
    q_scale: dict[str, ScaleGuess] = {}
    for q in questions:
        guesses = [scales[j] for j in q.columns]
        q_scale[q.key] = max(guesses, key=lambda g: (len(g.values), g.how.startswith("the labels")))
    # dimensions
    dims: list[tuple[str, list[_Question]]] = []
    if any(q.dimension for q in questions):
        how = "the grouping row above the header"
        for q in questions:
            if not dims or dims[-1][0] != q.dimension:
                dims.append((q.dimension, []))
            dims[-1][1].append(q)
    elif sum(q.matrix for q in questions) >= 2:
        how = "one per matrix question (the single questions after it join it)"
        for q in questions:
            if q.matrix or not dims:
                dims.append((q.name if q.matrix else "", []))
            dims[-1][1].append(q)
    else:
        how = "a single dimension (the export has no grouping rows and at most one matrix)"
        dims = [("", questions)]
    split: list[tuple[str, list[_Question]]] = []
    for name, qs in dims:
        parts = [qs[i : i + MAX_CHILDREN] for i in range(0, len(qs), MAX_CHILDREN)]
        for p_i, part in enumerate(parts, start=1):
            split.append((f"{name} ({p_i})" if name and len(parts) > 1 else name, part))
    decisions.append(f"dimensions: {how}")
    yaml_text, items = _render(path, lay, platform, split, q_scale, scales, codes, left_out)
    return Proposal(yaml_text, platform, items, tuple(sorted(codes)), left_out, decisions)


def proposed_map(
    path: Path | str, tree: IndicatorTree, proposal: Proposal, *, sheet: str | None = None
) -> dict[str, Any]:
    """The import map for the export and its proposed tree: the columns of the respondent,
    district and station as evalkit finds them, every item by its header text (or question
    number / column letter where a header repeats), and the proposed missing codes."""
    base = propose_map(path, tree, sheet=sheet, missing_codes=list(proposal.missing_codes))
    base["items"] = dict(proposal.items)
    base["_comments"] = [
        f"evalkit import map for {Path(path).name} and the tree proposed from it by",
        "`evalkit init --from-export`; check it with the tree, then pass it with --map.",
        "items: tree item id -> column header text, question number ('5.3') or column letter.",
    ]
    return base


def _item_texts(lay: Layout, cols: list[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Per column: the item text (the row or question text; its header, or "stem—row", when two
    columns share it) and the map's reference (header text if unique, else question number,
    else column letter)."""
    count: Counter[str] = Counter()
    for j in range(len(lay.columns)):  # how many columns each text could name
        count.update({fold(t) for t in (lay.texts[j], lay.raw_headers[j]) if t} - {""})
    numbers = Counter(n for n in lay.numbers if n)
    texts: dict[int, str] = {}
    refs: dict[int, str] = {}
    for j in cols:
        text = lay.texts[j] or lay.columns[j]
        raw = lay.raw_headers[j]
        unique_raw = bool(raw) and count[fold(raw)] == 1
        if count[fold(text)] > 1:
            if unique_raw:
                text = raw
            elif lay.groups[j] is not None:
                first = lay.groups.index(lay.groups[j])
                text = f"{_stem(lay, first)}—{text}"
        texts[j] = text
        number = lay.numbers[j]
        if unique_raw and count[fold(text)] <= 1:
            refs[j] = raw
        elif number and numbers[number] == 1:
            refs[j] = number
        else:
            refs[j] = column_letter(j)
    return texts, refs


def _render(
    path: Path,
    lay: Layout,
    platform: str,
    dims: list[tuple[str, list[_Question]]],
    q_scale: dict[str, ScaleGuess],
    scales: dict[int, ScaleGuess],
    codes: set[int],
    left_out: list[str],
) -> tuple[str, dict[str, str]]:
    scale_ids: dict[ScaleGuess, str] = {}
    for q_key in [q.key for _, qs in dims for q in qs]:
        g = q_scale[q_key]
        if g not in scale_ids:
            default = g.zh == KNOWN_SCALES[0][0]
            scale_ids[g] = "likert5" if default else f"scale{len(scale_ids) + 1}"
    texts, refs = _item_texts(lay, sorted(scales))
    title = path.stem
    if lay.h > 0:  # a title row above a hand-entered sheet's header names the survey
        first = [t for t in row_texts(lay.arr, 0) if t]
        if len(first) == 1:
            title = first[0]
    lines = [
        f"# Indicator tree proposed from {path.name} ({platform}) by `evalkit init --from-export`.",
        "# Every line marked `confirm: true` / `# confirm` is a guess: check it against the",
        "# questionnaire, correct it (names in English, reverse-worded items: `reverse: true`, cost",
        "# indicators: `direction: cost`, grouping into dimensions), then delete the mark.",
        "# `evalkit validate` warns while any mark remains.",
    ]
    if left_out:
        lines.append("# Columns not read as scale questions (left out of the tree):")
        lines += [f"#   {x}" for x in left_out]
    if codes:
        lines.append(
            "# Answers outside the scales, proposed as missing codes: "
            + ", ".join(map(str, sorted(codes)))
            + " (evalkit.yaml data.missing_codes, or `--missing` for `evalkit import`)"
        )
    lines += [
        "schema_version: 1",
        "id: questionnaire",
        f"title: {_names(title)}  # confirm",
        "confirm: true",
        "scales:",
    ]
    for g, sid in scale_ids.items():
        lines += [
            f"  {sid}:  # confirm: read from {g.how}",
            "    confirm: true",
            f"    values: [{', '.join(map(str, g.values))}]",
            "    labels:",
            f"      zh: [{', '.join(_q(x) for x in g.zh)}]",
            f"      en: [{', '.join(_q(x) for x in g.en)}]",
        ]
    lines.append("levels:  # confirm: the default tree's maturity levels")
    for lv in _default_levels():
        lines.append(f"  - id: {lv['id']}")
        lines.append(f"    name: {_names(lv['name']['zh'], lv['name']['en'])}")
        lines.append(f"    min_score: {lv['min_score']}")
    lines += [
        "goal:",
        "  id: goal",
        f"  name: {_names(title)}  # confirm",
        "  children:",
    ]
    items: dict[str, str] = {}
    used: set[str] = set()
    for d_i, (dname, qs) in enumerate(dims, start=1):
        first, last = qs[0], qs[-1]
        name = dname or (
            f"第 {first.number or d_i}–{last.number} 题"
            if first.number and last.number
            else f"维度 {d_i}"
        )
        en = dname or (
            f"Questions {first.number}-{last.number}"
            if first.number and last.number
            else f"Dimension {d_i}"
        )
        lines += [
            f"    - id: d{d_i}",
            f"      name: {_names(name, en)}  # confirm",
            "      confirm: true",
            "      children:",
        ]
        for q_i, q in enumerate(qs, start=1):
            code = lay.columns[q.columns[0]]  # a hand-entered sheet's question code (Q7)
            if q.number:
                base = re.sub(r"[^A-Za-z0-9_]", "_", f"q{q.number}")
            elif not q.matrix and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", code):
                base = code
            else:
                base = f"d{d_i}_{q_i}"
            nid = base
            n = 2
            while nid in used:
                nid, n = f"{base}_{n}", n + 1
            used.add(nid)
            sid = scale_ids[q_scale[q.key]]
            kind = "matrix question" if q.matrix else "question"
            lines += [
                f"        - id: {nid}  # confirm: {kind} {q.number}".rstrip(),
                f"          name: {_names(q.name)}",
                "          confirm: true",
                "          direction: benefit",
                "          source:",
                "            survey:",
                f"              scale: {sid}",
                "              items:",
            ]
            for r_i, j in enumerate(q.columns, start=1):
                iid = f"{nid}_{r_i}"
                used.add(iid)
                items[iid] = refs[j]
                lines.append(
                    f"                - {{id: {iid}, zh: {_q(texts[j])}, en: {_q(texts[j])}}}"
                )
    return "\n".join(lines) + "\n", items


# ---- confirmation marks -------------------------------------------------------------------------


def confirm_marks(tree_path: Path | str) -> list[Issue]:
    """A warning for every ``confirm: true`` left in a tree file (with its YAML line)."""
    path = Path(tree_path)
    try:
        raw = load_yaml(path, error=SpecError)
    except SpecError:
        return []
    found: list[Issue] = []

    def walk(obj: Any, where: str) -> None:
        if isinstance(obj, LineDict):
            if obj.get("confirm") is True:
                label = obj.get("id") or where
                found.append(
                    Issue(
                        Location(file=str(path), line=obj.line_of("confirm"), path=str(label)),
                        "proposed from a survey export and not yet confirmed",
                        expected="the line checked and its `confirm: true` deleted",
                        expected_zh="核对后删除该处的 `confirm: true`",
                        found="confirm: true",
                        found_zh="confirm: true",
                        fix="Check names, scale, direction and grouping against the questionnaire.",
                        fix_zh="对照问卷核对名称、量表、方向和维度划分。",
                        severity="warning",
                        check="confirm",
                        message_zh=f"{label}：由问卷导出文件自动生成，尚未确认",
                    )
                )
            for k, v in obj.items():
                walk(v, f"{where}/{k}" if where else str(k))
        elif isinstance(obj, (LineList, list)):
            for v in obj:
                walk(v, where)

    walk(raw, "")
    return found


__all__ = ["KNOWN_SCALES", "Proposal", "confirm_marks", "propose_tree", "proposed_map"]
