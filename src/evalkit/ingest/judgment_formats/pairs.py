"""Texts that name a pair of items ("信息采集 比 信息来源", "1.(A vs B)", a 问卷星 matrix header
"3、题干—A 比 B") split into their two items and resolved to two children of one node."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..platforms.headers import read_question_header
from ..text import fold
from .collect import Pair
from .mapfile import JudgmentMap
from .match import Matcher

EXPERT_HEADERS = (
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


@dataclass(frozen=True)
class Resolved:
    """Two texts read as a pair of one node's children, or why not (in English and Chinese;
    empty when the texts name no item at all)."""

    pair: Pair | None
    why: str = ""
    why_zh: str = ""


def split_candidates(text: str) -> list[tuple[str, str]]:
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


def looks_like_pair(text: object) -> bool:
    return isinstance(text, str) and bool(split_candidates(text.strip()))


def resolve_pair(m: Matcher, a: str, b: str, nodes: set[str] | None) -> Resolved:
    """Two item texts as a pair of children of one node (the matches noted), or why not."""
    ha, hb = m.match(a, nodes), m.match(b, nodes)
    if not ha or not hb:
        unknown = [t for t, h in ((a, ha), (b, hb)) if not h]
        return Resolved(
            None,
            "unknown item " + " and ".join(f'"{t}"' for t in unknown),
            "未知的子项" + "和".join(f"“{t}”" for t in unknown),
        )
    common = {h.node for h in ha} & {h.node for h in hb}
    if not common:
        return Resolved(
            None,
            f'"{a}" and "{b}" are items of different nodes',
            f"“{a}”和“{b}”是不同节点的子项",
        )
    if len(common) > 1:
        names = "、".join(f"“{m.zh.get(n, n)}”" for n in sorted(common))
        return Resolved(
            None,
            f'"{a}" and "{b}" are items of several nodes ({sorted(common)})',
            f"“{a}”和“{b}”同时是几个节点（{names}）的子项",
        )
    nid = common.pop()
    xa = next(h for h in ha if h.node == nid)
    xb = next(h for h in hb if h.node == nid)
    if xa.child == xb.child:
        return Resolved(
            None,
            f'"{a}" and "{b}" both name item {xa.child}',
            f"“{a}”和“{b}”指的是同一个子项“{m.zh.get(xa.child, xa.child)}”",
        )
    m.note(a, xa)
    m.note(b, xb)
    return Resolved(Pair(nid, xa.child, xb.child))


def pair_candidates(header: str) -> list[tuple[str, str]]:
    """The item texts a column header may name, most likely first.

    A question header is read as :func:`~evalkit.ingest.platforms.read_question_header` reads it
    for ``evalkit inspect``: first the platform's own reading (问卷星's first matrix column
    ``3、题干—A 比 B`` gives the row text ``A 比 B``), then the whole header (``1.(A 比 B)``, a bare
    row text ``A 比 B``), then the readings cut at other dashes and colons (``3、题干：A 比 B``,
    腾讯问卷's ``3.题干:A 比 B``). Each text is split into its two items by
    :func:`split_candidates`.
    """
    readings = read_question_header(header)
    texts = [readings[0].row] if readings[0].row else []
    texts.append(header)
    texts += [r.row for r in readings[1:] if r.row]
    out: list[tuple[str, str]] = []
    for text in texts:
        out += [c for c in split_candidates(text) if c not in out]
    return out


def header_pair(m: Matcher, jmap: JudgmentMap, header: str, nodes: set[str] | None) -> Resolved:
    """A column header naming a pair; without a pair, why (empty: the header is no pair)."""
    for nid, prs in jmap.pairs.items():
        if header in prs and (nodes is None or nid in nodes):
            a, b = prs[header]
            return Resolved(Pair(nid, a, b))
    best = Resolved(None)
    for a, b in pair_candidates(header):
        got = resolve_pair(m, a, b, nodes)
        if got.pair is not None:
            return got
        if not best.why and (m.match(a, nodes) or m.match(b, nodes)):
            best = got
    return best


def expert_key(header: object) -> str:
    """A header as the expert-name columns are matched: its question text (``1、您的姓名`` ->
    您的姓名), folded."""
    text = str(header).strip()
    return fold(read_question_header(text)[0].stem or text)


__all__ = [
    "EXPERT_HEADERS",
    "Resolved",
    "expert_key",
    "header_pair",
    "looks_like_pair",
    "pair_candidates",
    "resolve_pair",
    "split_candidates",
]
