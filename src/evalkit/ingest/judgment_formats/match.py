"""Texts of a judgments file matched to the children of the tree's nodes, best tier first: the
map's texts as written, the child's id, its zh/en name as written, then the map's texts folded,
the names and id folded (:func:`~evalkit.ingest.text.fold`)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ...tree import IndicatorTree, Node
from ..text import fold
from .mapfile import JudgmentMap


@dataclass(frozen=True)
class Hit:
    """A text read as child ``child`` of node ``node``, and how it was matched."""

    node: str
    child: str
    how: str


class Matcher:
    """Texts of a file -> (node, child) candidates, best tier first; remembers what it used."""

    def __init__(self, tree: IndicatorTree, jmap: JudgmentMap) -> None:
        self.kids: dict[str, list[Node]] = {n.id: list(n.children) for n in tree.criteria()}
        self.node_names = {n.id: n.name for n in tree.criteria()}
        self.zh = {n.id: n.label("zh") for n in tree.nodes()}
        tiers: list[dict[str, list[Hit]]] = [{} for _ in range(5)]
        for nid, mapped in jmap.items.items():
            for cid, texts in mapped.items():
                for text in texts:
                    tiers[0].setdefault(text.strip(), []).append(Hit(nid, cid, "MAP.yaml"))
                    tiers[3].setdefault(fold(text), []).append(Hit(nid, cid, "MAP.yaml"))
        for nid, kids in self.kids.items():
            for c in kids:
                tiers[1].setdefault(c.id, []).append(Hit(nid, c.id, "id"))
                for lang in ("zh", "en"):
                    if c.name.get(lang):
                        hit = Hit(nid, c.id, f"{lang} name")
                        tiers[2].setdefault(c.name[lang].strip(), []).append(hit)
                        tiers[4].setdefault(fold(c.name[lang]), []).append(
                            Hit(nid, c.id, f"normalised {lang} name")
                        )
                tiers[4].setdefault(fold(c.id), []).append(Hit(nid, c.id, "normalised id"))
        self.tiers = tiers
        self.used: dict[tuple[str, str, str], str] = {}  # (text, node, child) -> how

    def match(self, text: object, nodes: set[str] | None = None) -> list[Hit]:
        """The (node, child) pairs *text* names in the best tier that names any (among *nodes*)."""
        raw = unicodedata.normalize("NFC", str(text)).strip()
        keys = [raw, raw, raw, fold(raw), fold(raw)]
        for tier, key in zip(self.tiers, keys, strict=True):
            if not key:
                continue
            hits = [h for h in tier.get(key, []) if nodes is None or h.node in nodes]
            uniq = list({(h.node, h.child): h for h in hits}.values())
            if uniq:
                return uniq
        return []

    def note(self, text: object, hit: Hit) -> None:
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
        """The children of a node with their names: ``id (zh/en), ...``."""
        return ", ".join(
            f"{c.id} ({c.name.get('zh', '')}/{c.name.get('en', '')})" for c in self.kids[nid]
        )

    def children_zh(self, nid: str) -> str:
        """The children of a node by their Chinese names: “信息采集”、“信息来源”."""
        return "、".join(f"“{self.zh[c.id]}”" for c in self.kids[nid])


__all__ = ["Hit", "Matcher"]
