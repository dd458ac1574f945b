"""The HTML reports: one self-contained page per district and one for the comparison.

A page renders the report's sections (a :class:`~evalkit.report.sections.Section` list: id, title,
blocks, children) as HTML, and adds the what-if panel
(:mod:`evalkit.report.whatif`). Everything is inside the file: the style sheet and the script
(package data in ``report/html_assets``), the charts as inline SVG drawn here
(:mod:`evalkit.report.html_charts`), the what-if data as JSON. A Content-Security-Policy meta
forbids every load from elsewhere (``default-src 'none'``) and lets only the page's own script and
style run (by their SHA-256), so a name that slipped through as markup could not run either.

The district's page renders the sections of its PDF (the blocks the PDF shows, numbered as the
PDF numbers them), the comparison page the sections of ``comparison.xlsx`` (the blocks the
workbook shows); numbers are written by :func:`evalkit.report.formats.fmt`, as the PDF and the
workbook show them. Fonts: the bundled Chinese font, subset to the characters of all the run's
pages once (:mod:`evalkit.report.html_font`), embedded as a ``data:`` URL (``font-src data:``).

Every text from the user (names, titles, messages) is escaped (``html.escape`` with quotes) in
text and attributes; the JSON is embedded with ``<``, ``>`` and ``&`` as ``\\u`` escapes, so no
``</script>`` can close its element.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..provenance import Provenance
from .formats import FORMATS, fmt
from .html_charts import chart_svg
from .html_font import font_face_css
from .model import ComparisonReport, DistrictReport
from .pdf_data import _number as section_number
from .pdf_data import cell, heat_fills, sections_of
from .sections import (
    PDF,
    SHEET,
    Bullets,
    Callout,
    Cards,
    Chart,
    Column,
    Entries,
    Formulas,
    KeyValues,
    Note,
    Paragraph,
    Section,
    Table,
)

_WORDS: dict[str, tuple[str, str]] = {
    "contents": ("目录", "Contents"),
    "whatif": ("假设分析：调整维度权重", "What if: adjust the dimension weights"),
    "whatif_intro": (
        "拖动滑块改变各维度的权重（自动归一为和为 1），页面按 evalkit 的方法重新计算得分、等级和排名："
        "指标得分不变，缺失指标的权重在同级之间重新归一。",
        "Move a slider to change a dimension's weight (normalised to sum to 1); the page "
        "recomputes the scores, levels and ranks as evalkit does: the indicator scores stay, a "
        "missing indicator's weight is renormalised among its siblings.",
    ),
    "alpha": ("α（AHP 在组合权重中的份额）", "α (AHP's share of the combined weights)"),
    "alpha_note": (
        "改变 α 会按组合赋权重新计算全部权重，维度滑块随之更新。",
        "Changing α recomputes every weight as the combined weighting does; the dimension "
        "sliders follow.",
    ),
    "reset": ("恢复报告权重", "Back to the report's weights"),
    "weight": ("报告权重", "Report's weight"),
    "used": ("当前权重", "Weight now"),
    "dimension": ("维度", "Dimension"),
    "districts": ("区县", "Districts"),
    "stations": ("派出所", "Stations"),
    "name": ("名称", "Name"),
    "score": ("得分", "Score"),
    "level": ("等级", "Level"),
    "rank": ("排名", "Rank"),
    "moved": ("名次变化", "Rank change"),
    "district": ("区县", "District"),
    "off": (
        "本次评价的综合方法为“{m}”，其得分依赖于各单位之间的相对位置，不是加权求和，页面无法准确"
        "重新计算，因此假设分析不可用。",
        "This evaluation scores by {m}, which places each unit relative to the others and is "
        "not a weighted sum: the page cannot recompute it exactly, so the what-if panel is off.",
    ),
    "geometric": (
        "本次评价按加权几何平均综合（得分下限为 1），页面按同一方法重新计算。",
        "This evaluation aggregates by the weighted geometric mean (scores floored at 1); the "
        "page recomputes it the same way.",
    ),
    "script": (
        "假设分析需要浏览器运行本页自带的脚本。",
        "The what-if panel needs the browser to run the page's own script.",
    ),
    "footer": (
        "由 evalkit {v} 生成 · 报告日期 {d} · 本文件自包含，不从网络加载任何内容。",
        "Made by evalkit {v} · report date {d} · this file is self-contained and loads "
        "nothing from the network.",
    ),
}


def word(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return zh if lang == "zh" else en


def esc(text: Any) -> str:
    """*text* as HTML text or attribute value: ``& < > " '`` escaped."""
    return html.escape("" if text is None else str(text), quote=True)


@cache
def asset(name: str) -> str:
    """A file of ``report/html_assets`` (package data)."""
    return resources.files("evalkit.report").joinpath("html_assets", name).read_text("utf-8")


def _sha(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def csp(script: str, style: str) -> str:
    """The Content-Security-Policy: nothing from anywhere; the page's own script and style."""
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{_sha(script)}'; style-src 'sha256-{_sha(style)}'; "
        "img-src data:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )


def json_script(element_id: str, data: Any) -> str:
    """*data* as JSON in a ``<script type="application/json">`` that no text can close."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


# ---- blocks ------------------------------------------------------------------------------------


def _is_number(column: Column) -> bool:
    return column.kind in FORMATS


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(value: Any, column: Column, lang: str, indent: int = 0, grey: int = -1) -> str:
    """A cell with the PDF's text (:func:`evalkit.report.pdf_data.cell`); a number also carries
    its full value for sorting; *indent* levels and a heat table's *grey* (luma 95-245, the
    PDF's: :func:`evalkit.report.pdf_data.heat_fills`; -1 none) as classes (no style attribute:
    the CSP): ``g0`` (darkest) to ``g10`` (lightest), steps of 15."""
    text = esc(cell(value, column, lang))
    classes = [f"i{indent}"] if indent else []
    if grey >= 0:
        classes.append(f"g{min(10, max(0, round((grey - 95) / 15)))}")
    v = None
    if _is_number(column):
        try:
            x = float(value)
            v = "" if math.isnan(x) else repr(x)
            classes.append("num")
        except (TypeError, ValueError):
            pass
    elif column.kind == "wrap":
        classes.append("wrap")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    data = f' data-v="{v}"' if v is not None else ""
    return f"<td{cls}{data}>{text}</td>"


def _head(cols: tuple[Column, ...], sortable: bool) -> str:
    out = []
    for c in cols:
        title = esc(c.title)
        inner = f'<button type="button" class="sort">{title}</button>' if sortable else title
        cls = ' class="num"' if _is_number(c) else ""
        out.append(f'<th scope="col"{cls}>{inner}</th>')
    return "".join(out)


def _rows(t: Table, cols: tuple[Column, ...], lang: str) -> list[str]:
    frame = t.frame if t.max_rows <= 0 else t.frame.iloc[: t.max_rows]
    values = [frame[c.id].tolist() for c in cols]
    groups = frame[t.group_by].tolist() if t.group_by and t.group_by in frame else None
    indents = frame[t.indent_by].tolist() if t.indent_by and t.indent_by in frame else None
    marked = set(t.highlight)
    greys = heat_fills(frame, cols, [None] * len(frame)) if t.heat else None
    rows: list[str] = []
    current: object = object()
    for i in range(len(frame)):
        if groups is not None and groups[i] != current:
            current = groups[i]
            label = "" if _missing(current) else current
            rows.append(f'<tr class="group"><td colspan="{len(cols)}">{esc(label)}</td></tr>')
        depth = 0
        if indents is not None and not _missing(indents[i]):
            depth = min(int(indents[i] or 0), 4)
        cells = [
            _cell(v[i], c, lang, depth if k == 0 else 0, greys[i][k] if greys else -1)
            for k, (v, c) in enumerate(zip(values, cols, strict=True))
        ]
        cls = ' class="hl"' if i in marked else ""
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return rows


def _table(t: Table, target: str, lang: str) -> str:
    """A table of the section with the columns *target* shows, sortable by a click on a header
    (not when rows are grouped or indented); at most ``max_rows`` rows, then ``more``."""
    cols = t.shown(target)
    if not cols:
        return ""
    sortable = not (t.group_by or t.indent_by)
    tid = f' id="t-{esc(t.id)}"' if t.id else ""
    cls = ("data sortable" if sortable else "data") + (" heat" if t.heat else "")
    caption = f"<caption>{esc(t.title)}</caption>" if t.title else ""
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in (*t.notes, t.more) if n)
    return (
        f'<div class="table-wrap"><table class="{cls}"{tid}>{caption}'
        f"<thead><tr>{_head(cols, sortable)}</tr></thead>"
        f"<tbody>{''.join(_rows(t, cols, lang))}</tbody></table></div>{notes}"
    )


def _key_values(b: KeyValues, target: str, lang: str) -> str:
    rows = []
    for kv in b.rows:
        value = fmt(kv.value, kv.quantity, missing="")
        extra = f" {esc(kv.extra)}" if kv.extra else ""
        rows.append(f'<tr><th scope="row">{esc(kv.label)}</th><td>{esc(value)}{extra}</td></tr>')
    title = f"<caption>{esc(b.title)}</caption>" if b.title else ""
    return f'<table class="data kv">{title}<tbody>{"".join(rows)}</tbody></table>'


def _cards(b: Cards, target: str, lang: str) -> str:
    cards = "".join(
        f'<div class="card"><div class="label">{esc(c.label)}</div>'
        f'<div class="value">{esc(c.value)}</div><div class="sub">{esc(c.sub)}</div></div>'
        for c in b.cards
    )
    return f'<div class="cards">{cards}</div>'


def _callout(b: Callout, target: str, lang: str) -> str:
    lines = "".join(f"<p>{esc(x)}</p>" for x in b.lines)
    return f'<div class="callout"><strong>{esc(b.title)}</strong><p>{esc(b.body)}</p>{lines}</div>'


def _bullets(b: Bullets, target: str, lang: str) -> str:
    if not b.items:
        return ""
    items = "".join(f"<li>{esc(x)}</li>" for x in b.items)
    return f'<div class="bullets"><strong>{esc(b.title)}</strong><ul>{items}</ul></div>'


def _entries(b: Entries, target: str, lang: str) -> str:
    if not b.entries:
        return f"<p>{esc(b.empty)}</p>" if b.empty else ""
    items = "".join(
        f"<li><strong>{esc(e.title)}</strong>"
        + (f'<span class="tag">{esc(e.tag)}</span>' if e.tag else "")
        + f"<br>{esc(e.text)}</li>"
        for e in b.entries
    )
    return f'<ol class="entries">{items}</ol>'


def _chart(b: Chart, target: str, lang: str) -> str:
    svg = chart_svg(b.kind, b.data)
    if not svg:
        return ""
    cap = f'<figcaption class="caption">{esc(b.caption)}</figcaption>' if b.caption else ""
    return f'<figure id="c-{esc(b.id)}">{svg}{cap}</figure>'


#: The method's formulas (fixed markup, no user text), after the labels of a Formulas block.
FORMULAS: dict[str, str] = {
    "formula_ahp": "<var>A</var><strong>w</strong> = λ<sub>max</sub><strong>w</strong>, CI = (λ<sub>max</sub> − "
    "<var>n</var>) / (<var>n</var> − 1), CR = CI / RI",
    "formula_entropy": "<var>p<sub>ij</sub></var> = <var>x<sub>ij</sub></var> / "
    "Σ<sub><var>i</var></sub> <var>x<sub>ij</sub></var>, <var>e<sub>j</sub></var> = −(1 / ln "
    "<var>m</var>) Σ<sub><var>i</var></sub> <var>p<sub>ij</sub></var> ln "
    "<var>p<sub>ij</sub></var>, <var>d<sub>j</sub></var> = 1 − <var>e<sub>j</sub></var>, "
    "<var>w<sub>j</sub></var> = <var>d<sub>j</sub></var> / Σ<sub><var>k</var></sub> "
    "<var>d<sub>k</sub></var>",
    "formula_score": "<var>s</var> = min(100, max(0, 100 · (<var>x</var> − "
    "<var>x</var><sub>worst</sub>) / (<var>x</var><sub>best</sub> − <var>x</var><sub>worst</sub>)))",
    "formula_total": "<var>S</var> = Σ<sub><var>j</var></sub> <var>W<sub>j</sub></var> "
    "<var>s<sub>j</sub></var>, <var>W<sub>j</sub></var> = Π<sub><var>k</var> ∈ path(<var>j</var>)"
    "</sub> <var>w<sub>k</sub></var>",
}


def _formulas(b: Formulas, target: str, lang: str) -> str:
    parts = []
    for key, label in b.labels.items():
        formula = FORMULAS.get(key, "")
        parts.append(
            f"<p>{esc(label)}</p>" + (f'<p class="formula">{formula}</p>' if formula else "")
        )
    return f'<div class="formulas">{"".join(parts)}</div>'


def _paragraph(b: Paragraph, target: str, lang: str) -> str:
    return f"<p>{esc(b.text)}</p>" if b.text else ""


def _note(b: Note, target: str, lang: str) -> str:
    return f'<p class="note">{esc(b.text)}</p>' if b.text else ""


BLOCKS: dict[type, Callable[[Any, str, str], str]] = {
    Table: _table,
    Paragraph: _paragraph,
    Note: _note,
    KeyValues: _key_values,
    Cards: _cards,
    Callout: _callout,
    Bullets: _bullets,
    Entries: _entries,
    Chart: _chart,
    Formulas: _formulas,
}


def block_html(block: Any, target: str = PDF, lang: str = "zh") -> str:
    """One block as HTML, as *target* (the PDF's or the workbook's) shows it."""
    render = BLOCKS.get(type(block))
    if render is None:
        raise TypeError(f"the HTML page cannot show a {type(block).__name__}")
    return render(block, target, lang)


def _numbered(
    sections: Iterable[Section], target: str, lang: str
) -> list[tuple[Section, str, str]]:
    """The top-level sections *target* shows with their titles and *target*; the PDF's numbered
    as the PDF numbers them (:func:`evalkit.report.pdf_data.build_data`), the workbook's as its
    sheets are named (unnumbered)."""
    out, k = [], 0
    for s in sections:
        if not s.shows(target):
            continue
        numbered = s.numbered and target == PDF
        k += 1 if numbered else 0
        out.append((s, (section_number(k, lang) if numbered else "") + s.title, target))
    return out


def section_html(section: Section, title: str, depth: int, target: str, lang: str) -> str:
    """A section with its blocks for *target* and its children one level lower."""
    h = min(depth, 4)
    body = "".join(block_html(b, target, lang) for b in section.blocks_for(target))
    kids = "".join(
        section_html(c, c.title, depth + 1, target, lang)
        for c in section.children
        if c.shows(target)
    )
    return f'<section id="s-{esc(section.id)}"><h{h}>{esc(title)}</h{h}>{body}{kids}</section>'


def _toc(numbered: list[tuple[Section, str, str]], lang: str, extra: list[tuple[str, str]]) -> str:
    links = []
    for s, title, target in numbered:
        links.append(f'<a href="#s-{esc(s.id)}">{esc(title)}</a>')
        for c in s.children:
            if c.shows(target):
                links.append(f'<a class="sub" href="#s-{esc(c.id)}">{esc(c.title)}</a>')
    links += [f'<a href="#{esc(i)}">{esc(t)}</a>' for i, t in extra]
    return f'<nav class="toc"><strong>{esc(word("contents", lang))}</strong>{"".join(links)}</nav>'


# ---- the what-if panel ----------------------------------------------------------------------


def _unit_table(kind: str, names: list[str], lang: str, districts: list[str] | None) -> str:
    w = lambda k: esc(word(k, lang))  # noqa: E731
    first = f'<th scope="col"><button type="button" class="sort">{w("name")}</button></th>'
    extra_head = (
        f'<th scope="col"><button type="button" class="sort">{w("district")}</button></th>'
        if districts
        else ""
    )
    heads = "".join(
        f'<th scope="col" class="num"><button type="button" class="sort">{w(k)}</button></th>'
        for k in ("score", "level", "rank", "moved")
    )
    rows = "".join(
        f'<tr data-i="{i}"><td>{esc(n)}</td><td class="num"></td><td></td><td class="num"></td>'
        f'<td class="num"></td>' + (f"<td>{esc(districts[i])}</td>" if districts else "") + "</tr>"
        for i, n in enumerate(names)
    )
    return (
        f'<div class="table-wrap"><table class="data sortable" data-units="{kind}">'
        f"<caption>{w(kind)}</caption><thead><tr>{first}{heads}{extra_head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def _sliders(data: dict[str, Any], lang: str) -> str:
    rows = [
        f"<strong>{esc(word('dimension', lang))}</strong><span></span>"
        f"<strong>{esc(word('weight', lang))}</strong><strong>{esc(word('used', lang))}</strong>"
    ]
    for d in data["tree"]["dimensions"]:
        w0 = data["local"][d["id"]]
        rows.append(
            f'<label for="w-{esc(d["id"])}">{esc(d["name"])}</label>'
            f'<input type="range" id="w-{esc(d["id"])}" data-dim="{esc(d["id"])}" min="0" '
            f'max="1" step="0.01" value="{w0!r}">'
            f'<span class="num">{esc(fmt(w0, "weight"))}</span>'
            f'<output data-dim="{esc(d["id"])}">{esc(fmt(w0, "weight"))}</output>'
        )
    if "alpha" in data:
        a0 = data["alpha"]["value"]
        rows.append(
            f'<label for="w-alpha">{esc(word("alpha", lang))}</label>'
            f'<input type="range" id="w-alpha" data-alpha="1" min="0" max="1" step="0.01" '
            f'value="{a0!r}"><span class="num">{a0:.2f}</span><output data-alpha="1">'
            f"{a0:.2f}</output>"
        )
    return f'<div class="sliders">{"".join(rows)}</div>'


def whatif_html(data: dict[str, Any] | None, lang: str, method_name: str = "") -> str:
    """The what-if panel (its tables are filled by the page's script)."""
    if data is None:
        return ""
    title = f'<h2 id="whatif">{esc(word("whatif", lang))}</h2>'
    if not data["exact"]:
        off = word("off", lang).format(m=method_name or data["method"])
        return f'<section class="whatif" id="whatif-panel">{title}<p class="disabled">{esc(off)}</p></section>'
    parts = [title, f"<p>{esc(word('whatif_intro', lang))}</p>"]
    if data["method"] == "geometric":
        parts.append(f'<p class="note">{esc(word("geometric", lang))}</p>')
    if "alpha" in data:
        parts.append(f'<p class="note">{esc(word("alpha_note", lang))}</p>')
    parts.append(f"<noscript><p>{esc(word('script', lang))}</p></noscript>")
    parts.append(_sliders(data, lang))
    parts.append(f'<p><button type="button" data-reset="1">{esc(word("reset", lang))}</button></p>')
    parts.append(_unit_table("districts", data["districts"]["names"], lang, None))
    st = data["stations"]
    if st["names"]:
        parts.append(
            _unit_table(
                "stations", st["names"], lang, None if data["focus"] else st["districtNames"]
            )
        )
    return f'<section class="whatif" id="whatif-panel">{"".join(parts)}</section>'


# ---- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page before its font is embedded: :meth:`html` gives the file's text with the
    ``@font-face`` rule of :func:`evalkit.report.html_font.font_face_css` (made once for all
    the pages of a run, from their :attr:`chars`)."""

    lang: str
    title: str
    body: str  # everything inside <body> but the script
    data: str  # the what-if data's element ("" for none)
    generator: str

    @property
    def chars(self) -> str:
        """Every character the page can show (its title and body, the what-if names)."""
        return "".join(sorted(set(self.title + self.body + self.data)))

    def html(self, font_css: str = "") -> str:
        script = asset("report.js")
        style = font_css + asset("report.css")
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{"zh-CN" if self.lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp(script, style))}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f'<meta name="generator" content="evalkit {esc(self.generator)}">'
            f"<title>{esc(self.title)}</title><style>{style}</style></head><body>"
            f"{self.body}{self.data}<script>{script}</script></body></html>\n"
        )


# the sections that show the provenance in a PDF (its appendix) and a workbook (README sheet); a
# page shows it in its footer instead
PROVENANCE_SECTIONS = frozenset({"reproducibility", "readme"})


def _without(sections: Iterable[Section], ids: frozenset[str]) -> list[Section]:
    """*sections* without those whose id is in *ids*, at any depth."""
    return [
        dataclasses.replace(s, children=tuple(_without(s.children, ids)))
        for s in sections
        if s.id not in ids
    ]


def _renamed(sections: Iterable[Section], prefix: str) -> list[Section]:
    """*sections* with *prefix* before every id (the PDF's sections beside the workbook's on one
    page: comparison.pdf's 成熟度等级分布 and comparison.xlsx's 等级标准 are both ``levels``)."""
    return [
        dataclasses.replace(s, id=prefix + s.id, children=tuple(_renamed(s.children, prefix)))
        for s in sections
    ]


def render_page(
    *,
    lang: str,
    title: str,
    subtitle: str,
    sections: Iterable[Section],
    whatif: dict[str, Any] | None = None,
    method_name: str = "",
    date: str = "",
    target: str = PDF,
    provenance: Provenance | None = None,
    lead: Iterable[Section] = (),
) -> Page:
    """The page: title, contents, the sections (the blocks *target* shows: the PDF's for a
    district, the workbook's for the comparison; after *lead*, sections shown as the PDF shows
    them: the comparison's PDF), the what-if panel, the footer, the what-if data. The footer carries the run's provenance (:func:`evalkit.report.reproducibility.
    footer_html`: version, date, seeds, every input's SHA-256) when *provenance* is given."""
    from ..outdir import version
    from .reproducibility import footer_html

    if provenance is not None:  # shown once, in the footer
        sections = _without(sections, PROVENANCE_SECTIONS)
        lead = _without(lead, PROVENANCE_SECTIONS)
    numbered = _numbered(_renamed(lead, "pdf-"), PDF, lang) + _numbered(sections, target, lang)
    extra = [("whatif", word("whatif", lang))] if whatif is not None else []
    body = "".join(section_html(s, t, 2, how, lang) for s, t, how in numbered)
    panel = whatif_html(whatif, lang, method_name)
    footer = word("footer", lang).format(v=version(), d=date)
    return Page(
        lang=lang,
        title=title,
        body=(
            f'<header class="top"><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>'
            f'<div class="layout">{_toc(numbered, lang, extra)}<main>{body}{panel}</main>'
            f"</div><footer><p>{esc(footer)}</p></footer>"
            + (footer_html(provenance, lang) if provenance is not None else "")
        ),
        data=json_script("evalkit-whatif", whatif) if whatif is not None else "",
        generator=version(),
    )


def write_html(page: str, path: Path) -> Path:
    """Write *page* to *path* atomically (a temporary file beside it, then renamed)."""
    from ..fileio import atomic_write_bytes

    atomic_write_bytes(path, page.encode("utf-8"))
    return path


# ---- the reports -------------------------------------------------------------------------------


def district_page(model: DistrictReport, whatif: dict[str, Any] | None = None) -> Page:
    """A district's page: the sections of its PDF (:func:`evalkit.report.pdf_data.sections_of`)
    and the what-if panel (*whatif*: :func:`evalkit.report.whatif.whatif_payload` for this
    district)."""
    return render_page(
        lang=model.lang,
        title=f"{model.district} · {model.title}",
        subtitle=f"{model.tree_title} · {model.report_date}",
        sections=sections_of(model),
        whatif=whatif,
        method_name=model.method.get("aggregation", ""),
        date=model.report_date,
        provenance=model.provenance,
    )


def comparison_page(
    model: ComparisonReport,
    whatif: dict[str, Any] | None = None,
    lead: Iterable[Section] = (),
) -> Page:
    """The comparison page: *lead* (comparison.pdf's sections:
    :func:`evalkit.report.comparison_pdf.comparison_pdf_sections`, the overview, ranks with
    their intervals, the heat map, the levels, the weakest dimensions), then the sections of
    comparison.xlsx (districts and stations ranked, indicators, weights, levels, issues, the
    report files, the uncertainty analysis) and the what-if panel."""
    from .comparison_sections import comparison_sections

    sub = "区县与派出所比较" if model.lang == "zh" else "Districts and stations compared"
    return render_page(
        lang=model.lang,
        title=model.title,
        subtitle=f"{sub} · {model.report_date}",
        sections=model.sections or comparison_sections(model),
        whatif=whatif,
        method_name=model.method.get("aggregation", ""),
        date=model.report_date,
        target=SHEET,
        provenance=model.provenance,
        lead=lead,
    )


def district_html(model: DistrictReport, whatif: dict[str, Any] | None = None) -> str:
    """A district's page as text, with the font subset to its own characters."""
    page = district_page(model, whatif)
    return page.html(font_face_css(page.chars))


def comparison_html(model: ComparisonReport, whatif: dict[str, Any] | None = None) -> str:
    """The comparison page as text, with the font subset to its own characters."""
    page = comparison_page(model, whatif)
    return page.html(font_face_css(page.chars))
