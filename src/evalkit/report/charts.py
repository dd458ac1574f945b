"""Charts of the PDF report as deterministic SVG strings (matplotlib, Agg, glyphs as paths).

Text is drawn as outlines (``svg.fonttype = "path"``) so Typst never has to look a font up for the
charts, and output is byte-stable (fixed hash salt, no date in the metadata). Labels are literal
text: matplotlib's mathtext is off for every text of a figure, so a station named ``$ x $`` shows
its dollar signs.
"""

from __future__ import annotations

import io
import logging
import math
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg  # Agg canvas, no pyplot state
from matplotlib.figure import Figure
from matplotlib.text import Text

from evalkit.report.fonts import FontChain, bundled_font, font_chain

Fonts = FontChain | Path | None


class _NoBoldFallbackNotice(logging.Filter):
    """matplotlib logs "Failed to find font weight bold for <family>, now using 400" for a
    fallback font of the chain that has no bold face (an installed font lending a character the
    bundled one lacks); the label is drawn in that font's regular weight, as intended, and the
    notice is not the user's to read on the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to find font weight" not in record.getMessage()


logging.getLogger("matplotlib.font_manager").addFilter(_NoBoldFallbackNotice())

ACCENT = "#1f4e79"
REFERENCE = "#9a9a9a"
# greyscale-safe: the charts of the uncertainty analysis tell series apart by shape and
# lightness, never by hue alone
DARK = "#1a1a1a"
LIGHT = "#b3b3b3"

_SERIES = {
    "zh": ("本区", "全省均值"),
    "en": ("District", "Province mean"),
}

_registered: set[str] = set()


def _family(fonts: Fonts) -> list[str]:
    """Font family list for matplotlib (the report's chain, then matplotlib's own DejaVu Sans),
    registering each font file once per process, and the bundled font's bold face for labels
    set in bold. ``None`` is the bundled font; a path is a ``--font`` file (the bundled font
    after it)."""
    chain = fonts if isinstance(fonts, FontChain) else font_chain(fonts)
    for f in [*chain.fonts, bundled_font("bold")]:
        key = str(Path(f).resolve())
        if key not in _registered:
            font_manager.fontManager.addfont(key)
            _registered.add(key)
    return [*chain.families, "DejaVu Sans"]


def _rc(fonts: Fonts) -> dict[str, object]:
    return {
        "svg.fonttype": "path",
        "svg.hashsalt": "evalkit",
        "text.parse_math": False,  # names are text, never mathtext
        "font.family": _family(fonts),
        "font.size": 9,
        "axes.unicode_minus": False,
        "path.simplify": True,
    }


def _wrap(label: str, lang: str, width_zh: int = 7, width_en: int = 16) -> str:
    label = str(label)
    if any(ord(c) > 0x2E80 for c in label):
        return "\n".join(label[i : i + width_zh] for i in range(0, len(label), width_zh))
    return "\n".join(textwrap.wrap(label, width_en)) or label


def _svg(fig: Figure) -> str:
    """The figure as SVG, cropped to what it draws plus 0.08 in. The crop box is measured once
    with the Agg canvas' renderer and given to ``savefig``; ``bbox_inches="tight"`` would lay
    the whole figure out a second time to measure it (about an eighth of a chart's time)."""
    canvas = FigureCanvasAgg(fig)
    for t in fig.findobj(Text):
        t.set_parse_math(False)  # also texts made before the rc context applied
    crop = fig.get_tightbbox(canvas.get_renderer()).padded(0.08)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches=crop)
    return buf.getvalue()


def plot_radar(
    labels: Sequence[str],
    values: Sequence[float],
    reference: Sequence[float],
    *,
    lang: str,
    labels_series: tuple[str, str] | None = None,
    font_path: Fonts = None,
) -> str:
    """Radar of dimension scores (0-100) against a reference (the province mean), as SVG."""
    series = labels_series or _SERIES.get(lang, _SERIES["en"])
    n = len(labels)
    with matplotlib.rc_context(_rc(font_path)):
        fig = Figure(figsize=(5.6, 4.4))
        if n < 3:  # a radar needs three axes; fall back to grouped bars
            ax = fig.add_subplot(111)
            x = list(range(n))
            ax.bar([i - 0.18 for i in x], values, width=0.36, color=ACCENT, label=series[0])
            ax.bar([i + 0.18 for i in x], reference, width=0.36, color=REFERENCE, label=series[1])
            ax.set_xticks(x, [_wrap(lbl, lang) for lbl in labels])
            ax.set_ylim(0, 100)
            ax.spines[["top", "right"]].set_visible(False)
            ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
            return _svg(fig)
        ax = fig.add_subplot(111, projection="polar")
        angles = [2 * math.pi * i / n for i in range(n)]
        closed = [*angles, angles[0]]
        ref = [*map(float, reference), float(reference[0])]
        val = [*map(float, values), float(values[0])]
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(0, 100)
        ax.set_yticks([20, 40, 60, 80, 100])
        ax.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=8, color="#666666")
        ax.set_rlabel_position(180 / n)
        ax.plot(closed, ref, color=REFERENCE, linewidth=1.2, linestyle="--", label=series[1])
        ax.plot(closed, val, color=ACCENT, linewidth=1.8, label=series[0])
        ax.fill(closed, val, color=ACCENT, alpha=0.15)
        ax.set_xticks(angles)
        ax.set_xticklabels([_wrap(lbl, lang) for lbl in labels], fontsize=11)
        ax.tick_params(axis="x", pad=10)
        ax.grid(color="#cccccc", linewidth=0.6)
        ax.spines["polar"].set_color("#999999")
        ax.legend(
            frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=10
        )
        return _svg(fig)


def plot_station_bars(
    stations: Sequence[str],
    totals: Sequence[float],
    *,
    lang: str,
    font_path: Fonts = None,
) -> str:
    """Horizontal bars of station totals (0-100), first station on top, as SVG."""
    n = len(stations)
    height = max(1.4, 0.32 * n + 0.8)
    with matplotlib.rc_context(_rc(font_path)):
        fig = Figure(figsize=(6.2, height))
        ax = fig.add_subplot(111)
        y = list(range(n))
        ax.barh(y, [float(t) for t in totals], color=ACCENT, height=0.6)
        ax.set_yticks(y, [_wrap(s, lang, 14, 28) for s in stations])
        ax.invert_yaxis()
        ax.set_xlim(0, 105)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        for yi, t in zip(y, totals, strict=True):
            ax.text(float(t) + 1, yi, f"{float(t):.1f}", va="center", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel("综合得分" if lang == "zh" else "Total score")
        return _svg(fig)


def _clean(labels: Sequence[Any]) -> list[str]:
    # a tab is a space in a chart label (matplotlib has no glyph for it and says so)
    return [str(x).replace("\t", " ") for x in labels]


def plot_rank_intervals(
    labels: Sequence[str],
    nominal: Sequence[float],
    median: Sequence[float],
    lo: Sequence[float],
    hi: Sequence[float],
    *,
    lang: str,
    highlight: int = -1,
    axis: str = "",
    legend: Sequence[str] = ("", "", ""),
    font_path: Fonts = None,
) -> str:
    """Rank intervals, one row per unit in the order given (best nominal rank on top): a bar
    from the 5th to the 95th percentile, a filled dot at the nominal rank, a ring at the
    median (around the dot when they coincide). The unit *highlight* (an index; -1 none) is drawn heavier and its label in bold.
    Shapes and lightness, not hues, tell the marks apart, so the chart reads in greyscale."""
    n = len(labels)
    top = max([1.0, *[float(x) for x in hi if x == x], *[float(x) for x in nominal if x == x]])
    height = max(1.3, 0.3 * n + 0.9)
    with matplotlib.rc_context(_rc(font_path)):
        fig = Figure(figsize=(6.2, height))
        ax = fig.add_subplot(111)
        y = list(range(n))
        for i in y:
            own = i == highlight
            if lo[i] == lo[i] and hi[i] == hi[i]:
                ax.plot(
                    [lo[i], hi[i]],
                    [i, i],
                    color=DARK if own else "#595959",
                    linewidth=3.2 if own else 1.8,
                    solid_capstyle="butt",
                    label=legend[2] if i == 0 else None,
                )
        ax.plot(
            nominal, y, "o", color=DARK, markersize=6, label=legend[0], linestyle="none", zorder=3
        )
        ax.plot(  # a ring: around the nominal dot when both fall on one rank
            median,
            y,
            "o",
            markerfacecolor="none",
            markeredgecolor=DARK,
            markersize=11,
            markeredgewidth=1.1,
            label=legend[1],
            linestyle="none",
            zorder=4,
        )
        ax.set_yticks(y, [_wrap(s, lang, 14, 28) for s in _clean(labels)])
        for k, tick in enumerate(ax.get_yticklabels()):
            if k == highlight:
                tick.set_fontweight("bold")
        ax.invert_yaxis()
        ax.set_xlim(0.5, top + 0.5)
        step = max(1, math.ceil(top / 12))
        ax.set_xticks(list(range(1, int(top) + 1, step)))
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel(axis)
        ax.legend(
            frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.5 / height - 0.12), ncol=3
        )
        return _svg(fig)


def plot_sensitivity(
    factors: Sequence[str],
    panels: Sequence[dict[str, Any]],
    *,
    lang: str,
    legend: Sequence[str] = ("", ""),
    font_path: Fonts = None,
) -> str:
    """First-order and total sensitivity index of each factor, one panel per output (scores or
    ranks of districts or stations): a dark bar for the first-order index over a light, outlined
    bar for the total index (readable in greyscale). Indices are clipped to [0, 1] for drawing."""
    n, k = len(factors), max(1, len(panels))
    cols = 2 if k > 1 else 1
    rows = math.ceil(k / cols)
    with matplotlib.rc_context(_rc(font_path)):
        fig = Figure(figsize=(6.4, max(1.6, (0.22 * n + 0.9) * rows)))
        y = list(range(n))
        for j, panel in enumerate(panels):
            ax = fig.add_subplot(rows, cols, j + 1)
            total = [min(max(float(v), 0.0), 1.0) if v == v else 0.0 for v in panel["total"]]
            first = [min(max(float(v), 0.0), 1.0) if v == v else 0.0 for v in panel["first"]]
            ax.barh(
                y, total, height=0.72, color=LIGHT, edgecolor=DARK, linewidth=0.5, label=legend[1]
            )
            ax.barh(y, first, height=0.38, color=DARK, label=legend[0])
            ax.set_yticks(y, _clean(factors) if j % cols == 0 else [""] * n, fontsize=7.5)
            ax.invert_yaxis()
            ax.set_xlim(0, 1)
            ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "", "0.5", "", "1"], fontsize=7.5)
            ax.set_title(str(panel["title"]), fontsize=8.5)
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            ax.set_axisbelow(True)
            if j == 0:
                fig.legend(frameon=False, loc="lower center", ncol=2, bbox_to_anchor=(0.5, -0.02))
        fig.subplots_adjust(hspace=0.45, wspace=0.08, bottom=0.14 if rows > 1 else 0.22)
        return _svg(fig)


def _radar(data: dict[str, Any], *, lang: str, font_path: Fonts = None) -> str:
    series = tuple(_clean(data["series"])) if data.get("series") else None
    return plot_radar(
        _clean(data["labels"]),
        data["values"],
        data["reference"],
        lang=lang,
        labels_series=series,  # type: ignore[arg-type]
        font_path=font_path,
    )


def _bars(data: dict[str, Any], *, lang: str, font_path: Fonts = None) -> str:
    return plot_station_bars(_clean(data["labels"]), data["values"], lang=lang, font_path=font_path)


def _ranks(data: dict[str, Any], *, lang: str, font_path: Fonts = None) -> str:
    return plot_rank_intervals(
        _clean(data["labels"]),
        data["nominal"],
        data["median"],
        data["lo"],
        data["hi"],
        lang=lang,
        highlight=int(data.get("highlight", -1)),
        axis=str(data.get("axis", "")),
        legend=_clean(data.get("legend", ("", "", ""))),
        font_path=font_path,
    )


def _sensitivity(data: dict[str, Any], *, lang: str, font_path: Fonts = None) -> str:
    return plot_sensitivity(
        _clean(data["factors"]),
        data["panels"],
        lang=lang,
        legend=_clean(data.get("legend", ("", ""))),
        font_path=font_path,
    )


#: Charts by the kind a section's Chart block names: f(data, lang=, font_path=) -> SVG.
CHARTS: dict[str, Callable[..., str]] = {
    "radar": _radar,
    "station_bars": _bars,
    "rank_intervals": _ranks,
    "sensitivity": _sensitivity,
}
