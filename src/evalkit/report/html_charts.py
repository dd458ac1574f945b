"""The charts of the HTML reports as inline SVG, drawn from a Chart block's plain data.

Labels are SVG text (escaped), set in the page's fonts, so they are selectable and searchable.
Series are told apart by line style and lightness as well as colour (greyscale print).
Kinds as the PDF's (:data:`evalkit.report.charts.CHARTS`): ``radar`` (labels, values, reference,
series), ``station_bars`` (labels, values, axis), ``rank_intervals`` (labels, nominal, median,
lo, hi, highlight, axis, legend); a kind not drawn here is left out of the page.
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


def rank_intervals(data: dict[str, Any]) -> str:
    """Each unit's rank (dot) with its 5-95 % interval (line); rank 1 at the left."""
    labels = [str(x) for x in data.get("labels", [])]
    lo, hi = _finite(list(data.get("lo", []))), _finite(list(data.get("hi", [])))
    nominal = _finite(list(data.get("nominal", [])))
    n = len(labels)
    if not n or not (len(lo) == len(hi) == len(nominal) == n):
        return ""
    top = max([x for x in hi + nominal if not math.isnan(x)] or [1.0])
    left, width, step = 170, 300, 22

    def x(r: float) -> float:
        return left + width * (r - 1) / max(top - 1, 1)

    parts = []
    hl = int(data.get("highlight", -1))
    for i, lab in enumerate(labels):
        y = 16 + i * step
        colour = ACCENT if i == hl else "#333333"
        weight = ' font-weight="700"' if i == hl else ""
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end"{weight}>{_e(lab)}</text>')
        if not (math.isnan(lo[i]) or math.isnan(hi[i])):
            parts.append(
                f'<line x1="{_n(x(lo[i]))}" y1="{y}" x2="{_n(x(hi[i]))}" y2="{y}" '
                f'stroke="{colour}" stroke-width="3" stroke-opacity="0.5"/>'
            )
        if not math.isnan(nominal[i]):
            parts.append(f'<circle cx="{_n(x(nominal[i]))}" cy="{y}" r="4" fill="{colour}"/>')
    h = 30 + step * n
    parts.append(f'<text x="{left}" y="{h - 4}" fill="#555555">{_e(data.get("axis", ""))}</text>')
    return _svg(left + width + 30, h, "".join(parts), str(data.get("axis", "")))


CHARTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "radar": radar,
    "station_bars": station_bars,
    "rank_intervals": rank_intervals,
}


def chart_svg(kind: str, data: dict[str, Any]) -> str:
    """The chart of *kind* as SVG; "" for a kind not drawn in HTML."""
    draw = CHARTS.get(kind)
    return draw(data) if draw else ""
