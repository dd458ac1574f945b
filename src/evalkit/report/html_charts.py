"""The charts of the HTML reports as inline SVG, drawn from a Chart block's plain data.

Labels are SVG text (escaped), set in the page's fonts, so they are selectable and searchable.
Series are told apart by line style and lightness as well as colour (greyscale print).
Kinds as the PDF's (:data:`evalkit.report.charts.CHARTS`): ``radar`` (labels, values, reference,
series), ``station_bars`` (labels, values, axis), ``rank_intervals`` (labels, nominal, median,
lo, hi, highlight, axis, legend), ``sensitivity`` (factors, panels of title, first, total;
legend); a kind not drawn here is an error (a chart the PDF shows is never left out).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import Any

ACCENT = "#1f4e79"
REFERENCE = "#8a8a8a"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _n(x: float) -> str:
    return f"{x:.1f}"


def _svg(width: int, height: int, body: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(label)}" font-size="12">{body}</svg>'
    )


def _finite(values: list[Any]) -> list[float]:
    out = []
    for v in values:
        try:
            x = float(v)
        except (TypeError, ValueError):
            x = math.nan
        out.append(x if math.isfinite(x) else math.nan)
    return out


def radar(data: dict[str, Any]) -> str:
    """Dimension scores (solid) against a reference (dashed), 0-100 on every axis."""
    labels = [str(x) for x in data.get("labels", [])]
    k = len(labels)
    if k < 3:
        return ""
    cx, cy, r = 260, 200, 140
    ang = [-math.pi / 2 + 2 * math.pi * i / k for i in range(k)]

    def pt(i: int, v: float) -> tuple[float, float]:
        v = 0.0 if math.isnan(v) else max(0.0, min(100.0, v))
        return cx + r * v / 100 * math.cos(ang[i]), cy + r * v / 100 * math.sin(ang[i])

    parts = []
    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (pt(i, ring) for i in range(k)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#dddddd"/>')
    for i, lab in enumerate(labels):
        x, y = pt(i, 100)
        lx, ly = pt(i, 116)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{_n(x)}" y2="{_n(y)}" stroke="#dddddd"/>')
        parts.append(f'<text x="{_n(lx)}" y="{_n(ly + 4)}" text-anchor="{anchor}">{_e(lab)}</text>')
    series = list(data.get("series") or ["", ""])
    styles = [(ACCENT, "", 0.25), (REFERENCE, ' stroke-dasharray="6 4"', 0.0)]
    for key, (colour, dash, fill) in zip(("values", "reference"), styles, strict=True):
        vals = _finite(list(data.get(key, [])))
        if len(vals) != k:
            continue
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (pt(i, v) for i, v in enumerate(vals)))
        parts.append(
            f'<polygon points="{pts}" fill="{colour}" fill-opacity="{fill}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
    for j, (name, (colour, dash, _)) in enumerate(zip(series, styles, strict=False)):
        y = 380 + 0 * j
        x = 120 + 200 * j
        parts.append(
            f'<line x1="{x}" y1="{y}" x2="{x + 28}" y2="{y}" stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{x + 34}" y="{y + 4}">{_e(name)}</text>'
        )
    return _svg(520, 400, "".join(parts), " / ".join(str(s) for s in series))


def station_bars(data: dict[str, Any]) -> str:
    """One horizontal bar per station, its score at the end."""
    labels = [str(x) for x in data.get("labels", [])]
    vals = _finite(list(data.get("values", [])))
    if not labels or len(vals) != len(labels):
        return ""
    left, width, step = 170, 300, 24
    h = 30 + step * len(labels)
    parts = []
    for i, (lab, v) in enumerate(zip(labels, vals, strict=True)):
        y = 10 + i * step
        w = 0 if math.isnan(v) else width * max(0.0, min(100.0, v)) / 100
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_e(lab)}</text>'
            f'<rect x="{left}" y="{y + 2}" width="{_n(w)}" height="16" fill="{ACCENT}"/>'
            f'<text x="{_n(left + w + 4)}" y="{y + 14}">{"—" if math.isnan(v) else f"{v:.1f}"}</text>'
        )
    parts.append(f'<text x="{left}" y="{h - 4}" fill="#555555">{_e(data.get("axis", ""))}</text>')
    return _svg(left + width + 60, h, "".join(parts), str(data.get("axis", "")))


def _legend(items: list[str], y: float, x0: float = 10) -> str:
    """Legend entries (already-drawn SVG marks followed by their text) along one line."""
    return f'<g transform="translate({_n(x0)},{_n(y)})">{"".join(items)}</g>'


def rank_intervals(data: dict[str, Any]) -> str:
    """Each unit's rank with its 5-95 % interval, rank 1 at the left: a bar from the 5th to the
    95th percentile, a dot at the nominal rank, a ring at the median; the unit ``highlight``
    (an index) heavier and its label bold. Marks differ by shape and lightness (greyscale)."""
    labels = [str(x) for x in data.get("labels", [])]
    lo, hi = _finite(list(data.get("lo", []))), _finite(list(data.get("hi", [])))
    nominal = _finite(list(data.get("nominal", [])))
    median = _finite(list(data.get("median", []))) or [math.nan] * len(labels)
    n = len(labels)
    if not n or not (len(lo) == len(hi) == len(nominal) == len(median) == n):
        return ""
    top = max([x for x in hi + nominal if not math.isnan(x)] or [1.0])
    left, width, step = 170, 300, 22

    def x(r: float) -> float:
        return left + width * (r - 1) / max(top - 1, 1)

    parts = []
    for k in range(1, int(top) + 1, max(1, math.ceil(top / 12))):
        parts.append(
            f'<line x1="{_n(x(k))}" y1="6" x2="{_n(x(k))}" y2="{8 + step * n}" stroke="#dddddd"/>'
            f'<text x="{_n(x(k))}" y="{22 + step * n}" text-anchor="middle">{k}</text>'
        )
    hl = int(data.get("highlight", -1))
    for i, lab in enumerate(labels):
        y = 16 + i * step
        colour = ACCENT if i == hl else "#333333"
        weight = ' font-weight="700"' if i == hl else ""
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end"{weight}>{_e(lab)}</text>')
        if not (math.isnan(lo[i]) or math.isnan(hi[i])):
            parts.append(
                f'<line x1="{_n(x(lo[i]))}" y1="{y}" x2="{_n(x(hi[i]))}" y2="{y}" '
                f'stroke="{colour}" stroke-width="{4 if i == hl else 2.5}" stroke-opacity="0.55"/>'
            )
        if not math.isnan(nominal[i]):
            parts.append(f'<circle cx="{_n(x(nominal[i]))}" cy="{y}" r="4" fill="{colour}"/>')
        if not math.isnan(median[i]):
            parts.append(
                f'<circle cx="{_n(x(median[i]))}" cy="{y}" r="7" fill="none" stroke="{colour}"/>'
            )
    h = 70 + step * n
    parts.append(
        f'<text x="{left + width / 2}" y="{40 + step * n}" text-anchor="middle" fill="#555555">'
        f"{_e(data.get('axis', ''))}</text>"
    )
    legend = [*(data.get("legend") or ()), "", "", ""]
    marks = [
        f'<circle cx="6" cy="0" r="4" fill="#333333"/><text x="16" y="4">{_e(legend[0])}</text>',
        f'<circle cx="186" cy="0" r="7" fill="none" stroke="#333333"/>'
        f'<text x="198" y="4">{_e(legend[1])}</text>',
        f'<line x1="340" y1="0" x2="370" y2="0" stroke="#333333" stroke-width="2.5" '
        f'stroke-opacity="0.55"/><text x="376" y="4">{_e(legend[2])}</text>',
    ]
    parts.append(_legend(marks, h - 10))
    return _svg(left + width + 90, h, "".join(parts), str(data.get("axis", "")))


def sensitivity(data: dict[str, Any]) -> str:
    """First-order (dark, narrow) over total (light, outlined) sensitivity index of each factor,
    one panel per output (scores or ranks of districts or stations), two panels a row; indices
    clipped to [0, 1] for drawing, as the PDF's chart."""
    factors = [str(x) for x in data.get("factors", [])]
    panels = list(data.get("panels", []))
    n = len(factors)
    if not n or not panels:
        return ""
    left, width, step, gap = 170, 200, 18, 24
    cols = 2 if len(panels) > 1 else 1
    panel_h = 40 + step * n
    parts = []
    for j, panel in enumerate(panels):
        ox = left + (j % cols) * (width + gap)
        oy = (j // cols) * panel_h
        first, total = _finite(list(panel.get("first", []))), _finite(list(panel.get("total", [])))
        if len(first) != n or len(total) != n:
            continue
        parts.append(
            f'<text x="{_n(ox + width / 2)}" y="{oy + 14}" text-anchor="middle" font-weight="700">'
            f"{_e(panel.get('title', ''))}</text>"
        )
        for t in (0.0, 0.5, 1.0):
            gx = ox + width * t
            parts.append(
                f'<line x1="{_n(gx)}" y1="{oy + 20}" x2="{_n(gx)}" y2="{oy + 22 + step * n}" '
                f'stroke="#dddddd"/><text x="{_n(gx)}" y="{oy + 34 + step * n}" '
                f'text-anchor="middle" font-size="10">{t:g}</text>'
            )
        for i in range(n):
            y = oy + 22 + i * step
            if j % cols == 0:
                parts.append(
                    f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{_e(factors[i])}</text>'
                )
            tw = 0.0 if math.isnan(total[i]) else width * min(max(total[i], 0.0), 1.0)
            fw = 0.0 if math.isnan(first[i]) else width * min(max(first[i], 0.0), 1.0)
            parts.append(
                f'<rect x="{ox}" y="{y + 2}" width="{_n(tw)}" height="13" fill="#c8c8c8" '
                f'stroke="#333333" stroke-width="0.5"/>'
                f'<rect x="{ox}" y="{y + 5.5}" width="{_n(fw)}" height="6" fill="#333333"/>'
            )
    rows = math.ceil(len(panels) / cols)
    h = rows * panel_h + 30
    legend = [*(data.get("legend") or ()), "", ""]
    marks = [
        f'<rect x="0" y="-4" width="20" height="6" fill="#333333"/>'
        f'<text x="26" y="3">{_e(legend[0])}</text>',
        f'<rect x="200" y="-6" width="20" height="12" fill="#c8c8c8" stroke="#333333" '
        f'stroke-width="0.5"/><text x="226" y="3">{_e(legend[1])}</text>',
    ]
    parts.append(_legend(marks, h - 12, left))
    return _svg(left + cols * width + (cols - 1) * gap + 20, h, "".join(parts), legend[1])


CHARTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "radar": radar,
    "station_bars": station_bars,
    "rank_intervals": rank_intervals,
    "sensitivity": sensitivity,
}


def chart_svg(kind: str, data: dict[str, Any]) -> str:
    """The chart of *kind* as SVG ("" when its data has nothing to draw)."""
    draw = CHARTS.get(kind)
    if draw is None:
        raise ValueError(f"the HTML page has no chart of kind {kind!r}")
    return draw(data)
