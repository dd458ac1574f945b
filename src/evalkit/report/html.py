"""The HTML reports: one self-contained page per district and one for the comparison.

A page renders the report's sections (a :class:`~evalkit.report.sections.Section` list: id, title,
blocks, children; the blocks the PDF shows) as HTML, and adds the what-if panel
(:mod:`evalkit.report.whatif`). Everything is inside the file: the style sheet and the script
(package data in ``report/html_assets``), the charts as inline SVG drawn here
(:mod:`evalkit.report.html_charts`), the what-if data as JSON. A Content-Security-Policy meta
forbids every load from elsewhere (``default-src 'none'``) and lets only the page's own script and
style run (by their SHA-256), so a name that slipped through as markup could not run either.

Fonts: none is embedded. An HTML page is read on a screen, in the reader's browser, with the
reader's fonts, and a machine that shows Chinese web pages has a Chinese font; the style sheet
names the common ones (Noto/Source Han, PingFang, Microsoft YaHei, ...) before the system's sans
serif. Embedding the bundled font's subset would cost about 2 s a page to subset (the budget of
a district's three reports is 1 s) and 150-300 KB a page, for no gain on such a machine.

Every text from the user (names, titles, messages) is escaped (``html.escape`` with quotes) in
text and attributes; the JSON is embedded with ``<``, ``>`` and ``&`` as ``\\u`` escapes, so no
``</script>`` can close its element.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .html_charts import chart_svg
from .html_compat import fmt, is_number_kind

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


def _cell(value: Any, kind: str) -> str:
    if is_number_kind(kind):
        try:
            x = float(value)
        except (TypeError, ValueError):
            return f"<td>{esc(value)}</td>"
        v = "" if math.isnan(x) else repr(x)
        return f'<td class="num" data-v="{v}">{esc(fmt(x, kind))}</td>'
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<td></td>"
    if isinstance(value, bool):
        return f"<td>{'✓' if value else '✗'}</td>"
    return f"<td>{esc(value)}</td>"


def _table(t: Any, target: str) -> str:
    cols = [c for c in t.shown(target)]
    if not cols:
        return ""
    head = "".join(
        f'<th scope="col"{" class=num" if is_number_kind(c.kind) else ""}>'
        f'<button type="button" class="sort">{esc(c.title)}</button></th>'
        for c in cols
    )
    frame = t.frame if not getattr(t, "max_rows", 0) else t.frame.head(t.max_rows)
    highlight = set(getattr(t, "highlight", ()) or ())
    rows = []
    for i, rec in enumerate(frame.to_dict("records")):
        cls = ' class="hl"' if i in highlight else ""
        rows.append(f"<tr{cls}>" + "".join(_cell(rec.get(c.id), c.kind) for c in cols) + "</tr>")
    caption = f"<caption>{esc(t.title)}</caption>" if getattr(t, "title", "") else ""
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in getattr(t, "notes", ()))
    more = getattr(t, "more", "")
    if getattr(t, "max_rows", 0) and len(t.frame) > t.max_rows and more:
        notes += f'<p class="note">{esc(more)}</p>'
    legend = f'<p class="note">{esc(t.legend)}</p>' if getattr(t, "legend", "") else ""
    tid = f' id="t-{esc(t.id)}"' if getattr(t, "id", "") else ""
    return (
        f'<div class="table-wrap"><table class="data sortable"{tid}>{caption}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f"{legend}{notes}"
    )


def _key_values(b: Any, target: str) -> str:
    rows = []
    for kv in b.rows:
        kind = kv.quantity or "text"
        value = fmt(kv.value, kind) if is_number_kind(kind) else kv.value
        extra = f" {esc(kv.extra)}" if getattr(kv, "extra", "") else ""
        rows.append(f'<tr><th scope="row">{esc(kv.label)}</th><td>{esc(value)}{extra}</td></tr>')
    title = f"<caption>{esc(b.title)}</caption>" if b.title else ""
    return f'<table class="data kv">{title}<tbody>{"".join(rows)}</tbody></table>'


def _cards(b: Any, target: str) -> str:
    cards = "".join(
        f'<div class="card"><div class="label">{esc(c.label)}</div>'
        f'<div class="value">{esc(c.value)}</div><div class="sub">{esc(c.sub)}</div></div>'
        for c in b.cards
    )
    return f'<div class="cards">{cards}</div>'


def _callout(b: Any, target: str) -> str:
    lines = "".join(f"<p>{esc(x)}</p>" for x in getattr(b, "lines", ()))
    return f'<div class="callout"><strong>{esc(b.title)}</strong><p>{esc(b.body)}</p>{lines}</div>'


def _bullets(b: Any, target: str) -> str:
    items = "".join(f"<li>{esc(x)}</li>" for x in b.items)
    return f'<div class="bullets"><strong>{esc(b.title)}</strong><ul>{items}</ul></div>'


def _entries(b: Any, target: str) -> str:
    if not b.entries:
        return f"<p>{esc(b.empty)}</p>" if b.empty else ""
    items = "".join(
        f"<li><strong>{esc(e.title)}</strong>"
        + (f'<span class="tag">{esc(e.tag)}</span>' if e.tag else "")
        + f"<br>{esc(e.text)}</li>"
        for e in b.entries
    )
    return f'<ol class="entries">{items}</ol>'


def _chart(b: Any, target: str) -> str:
    svg = chart_svg(b.kind, b.data)
    if not svg:
        return ""
    cap = f'<figcaption class="caption">{esc(b.caption)}</figcaption>' if b.caption else ""
    return f'<figure id="c-{esc(b.id)}">{svg}{cap}</figure>'


def _formulas(b: Any, target: str) -> str:
    items = "".join(f"<li>{esc(label)}</li>" for label in b.labels.values())
    return f"<ul>{items}</ul>"


BLOCKS: dict[str, Callable[[Any, str], str]] = {
    "Table": _table,
    "Paragraph": lambda b, t: f"<p>{esc(b.text)}</p>",
    "Note": lambda b, t: f'<p class="note">{esc(b.text)}</p>',
    "KeyValues": _key_values,
    "Cards": _cards,
    "Callout": _callout,
    "Bullets": _bullets,
    "Entries": _entries,
    "Chart": _chart,
    "Formulas": _formulas,
}


def block_html(block: Any, target: str = "pdf") -> str:
    """One block as HTML (by its type's name; an unknown kind of block is left out)."""
    render = BLOCKS.get(type(block).__name__)
    return render(block, target) if render else ""


def section_html(section: Any, depth: int = 2, target: str = "pdf") -> str:
    """A section with its blocks for *target* (the PDF's) and its children one level lower."""
    if not section.shows(target):
        return ""
    h = min(depth, 4)
    body = "".join(block_html(b, target) for b in section.blocks_for(target))
    kids = "".join(section_html(c, depth + 1, target) for c in section.children)
    return (
        f'<section id="s-{esc(section.id)}"><h{h}>{esc(section.title)}</h{h}>{body}{kids}</section>'
    )


def _toc(sections: Iterable[Any], lang: str, target: str, extra: list[tuple[str, str]]) -> str:
    links = []
    for s in sections:
        if not s.shows(target):
            continue
        links.append(f'<a href="#s-{esc(s.id)}">{esc(s.title)}</a>')
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


def render_page(
    *,
    lang: str,
    title: str,
    subtitle: str,
    sections: Iterable[Any],
    whatif: dict[str, Any] | None = None,
    method_name: str = "",
    date: str = "",
    target: str = "pdf",
) -> str:
    """The whole page: head (CSP, style), title, contents, the sections, the what-if panel, the
    footer, the what-if data and the script."""
    from ..outdir import version

    __version__ = version()

    sections = list(sections)
    script, style = asset("report.js"), asset("report.css")
    extra = [("whatif", word("whatif", lang))] if whatif is not None else []
    body = "".join(section_html(s, 2, target) for s in sections)
    panel = whatif_html(whatif, lang, method_name)
    data = json_script("evalkit-whatif", whatif) if whatif is not None else ""
    footer = word("footer", lang).format(v=__version__, d=date)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp(script, style))}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f'<meta name="generator" content="evalkit {esc(__version__)}">'
        f"<title>{esc(title)}</title><style>{style}</style></head><body>"
        f'<header class="top"><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>'
        f'<div class="layout">{_toc(sections, lang, target, extra)}<main>{body}{panel}</main></div>'
        f"<footer>{esc(footer)}</footer>{data}<script>{script}</script></body></html>\n"
    )


def write_html(page: str, path: Path) -> Path:
    """Write *page* to *path* atomically (a temporary file beside it, then renamed)."""
    from ..fileio import atomic_write_bytes

    atomic_write_bytes(path, page.encode("utf-8"))
    return path


# ---- the reports -------------------------------------------------------------------------------


def district_html(model: Any, whatif: dict[str, Any] | None = None) -> str:
    """A district's page: its report's sections and the what-if panel (*whatif*: the data of
    :func:`evalkit.report.whatif.whatif_payload` for this district)."""
    from .html_compat import district_sections

    return render_page(
        lang=model.lang,
        title=f"{model.district} · {model.title}",
        subtitle=f"{model.tree_title} · {model.report_date}",
        sections=district_sections(model),
        whatif=whatif,
        method_name=model.method.get("aggregation", ""),
        date=model.report_date,
    )


def comparison_html(model: Any, whatif: dict[str, Any] | None = None) -> str:
    """The comparison page: the districts and stations ranked, and the what-if panel."""
    from .html_compat import comparison_sections

    sub = "区县与派出所比较" if model.lang == "zh" else "Districts and stations compared"
    return render_page(
        lang=model.lang,
        title=model.title,
        subtitle=f"{sub} · {model.report_date}",
        sections=comparison_sections(model),
        whatif=whatif,
        method_name=model.method.get("aggregation", ""),
        date=model.report_date,
    )
