"""Texts of cells and headers as the importers compare them.

:func:`fold` is the one loose key every matcher of evalkit's importers uses (item and node names,
header texts, map references, answer labels, station names), so that a text matches the same way
wherever it is read. Its rules:

1. NFKC: full-width forms become half width (``ＡＢＣ１`` -> ``ABC1``, ``（`` -> ``(``), compatibility
   characters their plain form (``①`` -> ``1``, ``ﬁ`` -> ``fi``);
2. case folding (``str.casefold``: ``Straße`` and ``STRASSE`` fold alike; stronger than ``lower``);
3. dropped: white space of every kind (including the ideographic space U+3000 and no-break spaces),
   punctuation (Unicode categories P*: ``、。，：“”（）—-_`` ...), symbols (S*: ``+ = ~ ^ $ ￥ ★``),
   other separators (Z*), control characters (Cc) and invisible format characters (Cf: zero-width
   spaces, the byte-order mark, soft hyphens) that text copied from web pages carries.

Letters, digits and marks of every script are kept, and private-use characters (a rare place-name
character some fonts put there): ``信息采集`` and ``Information collection`` keep their words;
``Q5.3`` folds to ``q53``. A text made only of dropped characters folds to "".
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd

from .tables import type_ids

# punctuation, symbols, separators (any category starting with these letters), control and
# format characters
_DROPPED = ("P", "S", "Z")
_DROPPED_OTHER = ("Cc", "Cf")


def fold(text: object) -> str:
    """The loose key of a text: NFKC, case-folded, without spaces, punctuation, symbols and
    invisible format characters (see the module's rules)."""
    t = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(text)).casefold())
    kept = "".join(ch for ch in t if not ch.isspace() and not _dropped(unicodedata.category(ch)))
    return unicodedata.normalize("NFKC", kept)  # a mark left by a dropped space composes


def _dropped(category: str) -> bool:
    return category[0] in _DROPPED or category in _DROPPED_OTHER


def cell_text(v: object) -> str:
    """A cell as stripped, NFKC-folded text ("" for empty; 4.0 -> "4")."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    return unicodedata.normalize("NFKC", str(v)).strip()


def cell_texts(values: np.ndarray) -> np.ndarray:
    """:func:`cell_text` of every value of an object array; text folded by pandas' string
    methods (one call for all the strings)."""
    out = np.empty(len(values), dtype=object)
    is_str = type_ids(values) == id(str)
    if is_str.any():
        folded = pd.Series(values[is_str], dtype=object).str.normalize("NFKC").str.strip()
        out[is_str] = folded.to_numpy(dtype=object)
    rest = np.flatnonzero(~is_str)
    out[rest] = [cell_text(v) for v in values[rest]]
    return out


def raw_text(v: object) -> str:
    """A cell as the user typed it, stripped ("" for empty; 4.0 -> "4"; no width folding)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def nfkc(text: object) -> str:
    """NFKC-folded, stripped text: how a fixed word (a platform's column name, a missing-value
    marker) is compared exactly."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def scale_number(x: str | float) -> str:
    """A scale value as text: "4.0" -> "4", 2.5 -> "2.5"."""
    f = float(x)
    return str(int(f)) if f.is_integer() else str(f)


__all__ = ["cell_text", "cell_texts", "fold", "nfkc", "raw_text", "scale_number"]
