"""The HTML reports' font: the bundled Chinese font, subset to the characters of a run's pages
and embedded in each page as a ``data:`` URL, so that a reader whose machine has no Chinese font
(a fresh Linux, a locked-down office PC) sees the Chinese text, not boxes.

The subset is made once per run for the union of the characters of all its pages
(:func:`font_face_css`, cached by character set): subsetting the 10,694-glyph font takes about
0.4-0.6 s for the example's 600-800 characters, the same whether one page or all of them. What
makes it fast: the font's layout tables (GSUB, GPOS, BASE) and its vertical metrics (VORG, vhea,
vmtx) are removed before the subsetter reads them (horizontal Chinese and Latin text needs none of
them), the hints are kept (removing them executes every glyph program) and the bounding boxes are
not recomputed. The Regular face only: headings in bold are drawn by the browser's synthetic bold
(``font-synthesis``), which saves half the size and half the time of embedding the Bold face too.

The file format is WOFF2 when fontTools can compress it (the ``brotli`` module is installed),
else WOFF (zlib): about 85 KB for the example's characters, 115 KB as base64 in a page. The page's
Content-Security-Policy allows fonts from ``data:`` URLs only (``font-src data:``).
"""

from __future__ import annotations

import base64
import importlib.util
import io
from functools import cache, lru_cache
from importlib import resources

#: The family name the pages' style sheet sets first.
FAMILY = "EvalkitSansSC"
#: Tables horizontal text does not need, removed before subsetting (see the module's text).
DROP_TABLES = ("GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx")
#: Characters the style sheet and the script write besides the pages' own text (sort arrows,
#: signs, digits of recomputed scores).
EXTRA_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "↕↑↓−–—·✓✗…％"


def flavor() -> str:
    """``woff2`` when fontTools can write it (brotli installed), else ``woff``."""
    found = importlib.util.find_spec("brotli") or importlib.util.find_spec("brotlicffi")
    return "woff2" if found else "woff"


@cache
def font_bytes(name: str = "EvalkitSansSC-Regular.otf") -> bytes:
    """The bundled font file (package data), read once per process."""
    return resources.files("evalkit").joinpath("data", "fonts", name).read_bytes()


def subset_font(chars: str, kind: str | None = None) -> bytes:
    """The bundled Regular face with only the glyphs of *chars* (and .notdef), as *kind*
    (``woff2``, ``woff`` or ``otf``; default :func:`flavor`)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    kind = kind or flavor()
    font = TTFont(io.BytesIO(font_bytes()), recalcBBoxes=False, lazy=True)
    for tag in DROP_TABLES:
        if tag in font:
            del font[tag]
    options = subset.Options()
    options.layout_features = []
    options.hinting = True
    options.notdef_outline = True
    options.desubroutinize = True
    options.recalc_bounds = False
    options.recalc_max_context = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and the licence
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.flavor = None if kind == "otf" else kind
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=4)
def _css(chars: str) -> str:
    kind = flavor()
    data = base64.b64encode(subset_font(chars, kind)).decode("ascii")
    return (
        f'@font-face{{font-family:"{FAMILY}";src:url(data:font/{kind};base64,{data}) '
        f'format("{kind}");font-weight:400;font-style:normal;font-display:block}}\n'
    )


def font_face_css(chars: str) -> str:
    """The ``@font-face`` rule embedding the font subset to *chars* (plus :data:`EXTRA_CHARS`);
    the same text for the same characters, made once (cached)."""
    return _css("".join(sorted(set(chars) | set(EXTRA_CHARS))))
