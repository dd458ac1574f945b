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
from collections.abc import Iterable
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


@dataclass(frozen=True)
class _ColumnScales:
    """The scale of each answer column (column -> guess), the codes answered outside the scales,
    and the columns left out of the tree with why."""

    scales: dict[int, ScaleGuess]
    codes: set[int]
    left_out: list[str]


@dataclass(frozen=True)
class _Dimension:
    """A proposed dimension: its name ("" for one to be named from its questions' numbers) and
    its questions, in column order."""

    name: str
    questions: list[_Question]


@dataclass(frozen=True)
class _Grouping:
    """The questions' dimensions and how they were found (for the decisions)."""

    how: str
    dimensions: list[_Dimension]


@dataclass(frozen=True)
class _Rendered:
    """The proposed tree as YAML text, and the map's reference of each item (item id -> header
    text, question number or column letter)."""

    yaml_text: str
    items: dict[str, str]


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
    roles = _role_columns(lay, usable)
    candidates = [j for j in usable if j not in roles]
    decisions += _keep_answer_rows(lay, candidates)
    twins = _twin_scales(path, sheet, len(lay.columns)) if lay.platform == "wjx" else {}
    if twins:
        decisions.append(f"labels read from the 按文本 download {text_twin(path).name}")  # type: ignore[union-attr]
    read = _column_scales(lay, candidates, roles, twins)
    if not read.scales:
        raise _no_scale_answers(path, lay, candidates)
    questions = _questions(lay, read.scales)
    q_scale = {q.key: _widest(read.scales[j] for j in q.columns) for q in questions}
    grouping = _dimensions(questions)
    decisions.append(f"dimensions: {grouping.how}")
    rendered = _render(path, lay, platform, _split(grouping.dimensions), q_scale, read)
    return Proposal(
        rendered.yaml_text,
        platform,
        rendered.items,
        tuple(sorted(read.codes)),
        read.left_out,
        decisions,
    )


def _role_columns(lay: Layout, usable: list[int]) -> set[int]:
    """The columns of the respondent, the district and the station (not questions of the tree);
    问卷星's 序号 first as the respondent."""
    roles: set[int] = set()
    for names in (RESPONDENT_NAMES, DISTRICT_NAMES, STATION_NAMES):
        order = ("序号", *names) if lay.platform == "wjx" else names
        j = pick_named(lay, order, usable)
        if j is not None:
            roles.add(j)
    return roles


def _keep_answer_rows(lay: Layout, candidates: list[int]) -> list[str]:
    """Keep the rows holding answers (the summary / note rows of a hand-entered sheet are not
    answers); the decisions, one per row left out."""
    others = [j for j in range(len(lay.columns)) if j not in candidates]
    rows = filter_rows(lay, others, candidates)
    lay.keep_rows(rows.nonempty & ~rows.drop)
    return [f"row {row} left out of the answers read: {why}" for row, why in rows.dropped]


def _column_scales(
    lay: Layout, candidates: list[int], roles: set[int], twins: dict[int, ScaleGuess]
) -> _ColumnScales:
    """The scale of every candidate column holding scale answers; the others and the role
    columns left out."""
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
    return _ColumnScales(scales, codes, left_out)


def _no_scale_answers(path: Path, lay: Layout, candidates: list[int]) -> DataError:
    return DataError(
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


def _questions(lay: Layout, scales: dict[int, ScaleGuess]) -> list[_Question]:
    """The matrix groups and single questions of the scale columns, in column order."""
    questions: list[_Question] = []
    by_key: dict[str, _Question] = {}
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
        number = lay.numbers[j] or ""
        text = lay.texts[j] or lay.columns[j]
        questions.append(_Question(f"s{j}", number, text, dim, [j], False))
    return questions


def _widest(guesses: Iterable[ScaleGuess]) -> ScaleGuess:
    """A question's scale: the widest of its rows' (labels before numbers among equals)."""
    return max(guesses, key=lambda g: (len(g.values), g.how.startswith("the labels")))


def _dimensions(questions: list[_Question]) -> _Grouping:
    """How the questions are grouped, and the groups: by the grouping rows above the header,
    else one per matrix question (the single questions after it join it), else one."""
    dims: list[_Dimension] = []
    if any(q.dimension for q in questions):
        for q in questions:
            if not dims or dims[-1].name != q.dimension:
                dims.append(_Dimension(q.dimension, []))
            dims[-1].questions.append(q)
        return _Grouping("the grouping row above the header", dims)
    if sum(q.matrix for q in questions) >= 2:
        for q in questions:
            if q.matrix or not dims:
                dims.append(_Dimension(q.name if q.matrix else "", []))
            dims[-1].questions.append(q)
        return _Grouping("one per matrix question (the single questions after it join it)", dims)
    return _Grouping(
        "a single dimension (the export has no grouping rows and at most one matrix)",
        [_Dimension("", questions)],
    )


def _split(dims: list[_Dimension]) -> list[_Dimension]:
    """Dimensions of at most MAX_CHILDREN questions: a larger one in parts, "name (1)", ..."""
    split: list[_Dimension] = []
    for dim in dims:
        qs = dim.questions
        parts = [qs[i : i + MAX_CHILDREN] for i in range(0, len(qs), MAX_CHILDREN)]
        for p_i, part in enumerate(parts, start=1):
            name = dim.name
            split.append(_Dimension(f"{name} ({p_i})" if name and len(parts) > 1 else name, part))
    return split


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
    dims: list[_Dimension],
    q_scale: dict[str, ScaleGuess],
    read: _ColumnScales,
) -> _Rendered:
    """The tree's YAML: comments (what was left out, the codes), scales, the default tree's
    levels, and goal -> dimensions -> one indicator per question -> one item per column."""
    scale_ids = _scale_ids(dims, q_scale)
    texts, refs = _item_texts(lay, sorted(read.scales))
    title = _survey_title(path, lay)
    node_ids = _node_ids(lay, dims)
    lines = _preamble(path, platform, read.left_out, read.codes) + _tree_head(title, scale_ids)
    items: dict[str, str] = {}
    for d_i, dim in enumerate(dims, start=1):
        lines += _dimension_lines(d_i, dim)
        for q in dim.questions:
            nid = node_ids[q.key]
            lines += _question_lines(q, nid, scale_ids[q_scale[q.key]], texts)
            items.update({f"{nid}_{r_i}": refs[j] for r_i, j in enumerate(q.columns, start=1)})
    return _Rendered("\n".join(lines) + "\n", items)


def _scale_ids(dims: list[_Dimension], q_scale: dict[str, ScaleGuess]) -> dict[ScaleGuess, str]:
    """An id per distinct scale, in the order of the questions: likert5 for the default
    labels, else scale1, scale2, ..."""
    scale_ids: dict[ScaleGuess, str] = {}
    for q_key in [q.key for dim in dims for q in dim.questions]:
        g = q_scale[q_key]
        if g not in scale_ids:
            default = g.zh == KNOWN_SCALES[0][0]
            scale_ids[g] = "likert5" if default else f"scale{len(scale_ids) + 1}"
    return scale_ids


def _survey_title(path: Path, lay: Layout) -> str:
    """The file's name, or the one text of a title row above a hand-entered sheet's header."""
    if lay.h > 0:
        first = [t for t in row_texts(lay.arr, 0) if t]
        if len(first) == 1:
            return first[0]
    return path.stem


def _node_ids(lay: Layout, dims: list[_Dimension]) -> dict[str, str]:
    """Per question (its key) the id of its indicator: q<number>, a hand-entered sheet's question
    code, or d<dimension>_<question>; made unique with _2, _3, ... against the indicators and the
    items (<indicator id>_<row>) before it."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for d_i, dim in enumerate(dims, start=1):
        for q_i, q in enumerate(dim.questions, start=1):
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
            used.update(f"{nid}_{r_i}" for r_i in range(1, len(q.columns) + 1))
            ids[q.key] = nid
    return ids


def _preamble(path: Path, platform: str, left_out: list[str], codes: set[int]) -> list[str]:
    """The comments above the tree: how to confirm it, the columns left out, the codes."""
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
    return lines


def _tree_head(title: str, scale_ids: dict[ScaleGuess, str]) -> list[str]:
    """The tree's keys down to the goal's ``children:`` (scales, the default levels)."""
    lines = [
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
    lines += ["goal:", "  id: goal", f"  name: {_names(title)}  # confirm", "  children:"]
    return lines


def _dimension_lines(d_i: int, dim: _Dimension) -> list[str]:
    """A dimension's head, named by its grouping row or by its questions' numbers."""
    first, last = dim.questions[0], dim.questions[-1]
    numbered = bool(first.number and last.number)
    name = dim.name or (f"第 {first.number or d_i}–{last.number} 题" if numbered else f"维度 {d_i}")
    en = dim.name or (f"Questions {first.number}-{last.number}" if numbered else f"Dimension {d_i}")
    return [
        f"    - id: d{d_i}",
        f"      name: {_names(name, en)}  # confirm",
        "      confirm: true",
        "      children:",
    ]


def _question_lines(q: _Question, nid: str, sid: str, texts: dict[int, str]) -> list[str]:
    """A question's indicator with one item per column."""
    kind = "matrix question" if q.matrix else "question"
    lines = [
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
        lines.append(
            f"                - {{id: {nid}_{r_i}, zh: {_q(texts[j])}, en: {_q(texts[j])}}}"
        )
    return lines


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
