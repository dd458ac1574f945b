"""CJK font discovery for the PDF report and its charts.

Finds a font that covers Simplified Chinese, names the family to ask Typst/matplotlib for (the SC
member of a ``.ttc`` collection, never JP, whose glyph variants differ) and checks glyph coverage.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from evalkit.errors import FontError

# Simplified Chinese families, best first (matched case-insensitively as prefixes).
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "WenQuanYi",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
)

# Well-known file names by folder kind (Windows / macOS); Linux folders are globbed.
_KNOWN_FILES: tuple[str, ...] = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "SourceHanSansSC-Regular.otf",
    "SourceHanSans-Regular.ttc",
    "msyh.ttc",
    "simhei.ttf",
    "simsun.ttc",
    "PingFang.ttc",
    "STHeiti Light.ttc",
    "STHeiti Medium.ttc",
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
)

_FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}

FIX_HINT = (
    "install a Simplified Chinese font (Debian/Ubuntu: apt install fonts-noto-cjk), "
    "pass --font PATH, or set report.font in evalkit.yaml"
)


def _font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".fonts",
        home / ".local/share/fonts",
        Path("/System/Library/Fonts"),
        Path("/Library/Fonts"),
        home / "Library/Fonts",
    ]
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    dirs.append(Path("C:/Windows/Fonts"))
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft/Windows/Fonts")
    return dirs


def _family_rank(family: str) -> int:
    low = family.lower()
    for i, pref in enumerate(PREFERRED_FAMILIES):
        if low.startswith(pref.lower()):
            return i
    return len(PREFERRED_FAMILIES)


def _file_rank(path: str) -> int:
    """Prefer regular weights to bold/light files."""
    name = Path(path).name.lower()
    if "regular" in name or "normal" in name:
        return 0
    if any(w in name for w in ("bold", "black", "heavy", "light", "thin", "medium", "semi")):
        return 2
    return 1


def _from_fontconfig() -> Path | None:
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, ":lang=zh-cn", "file", "family"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    best: tuple[int, int, str] | None = None
    for line in out.splitlines():
        file, _, families = line.partition(":")
        file = file.strip()
        if not file or Path(file).suffix.lower() not in _FONT_SUFFIXES:
            continue
        rank = min((_family_rank(f.strip()) for f in families.split(",")), default=99)
        if rank >= len(PREFERRED_FAMILIES):
            continue
        key = (rank, _file_rank(file), file)
        if best is None or key < best:
            best = key
    return Path(best[2]) if best else None


def _from_folders() -> Path | None:
    known = {n.lower(): i for i, n in enumerate(_KNOWN_FILES)}
    best: tuple[int, int, str] | None = None
    for folder in _font_dirs():
        if not folder.is_dir():
            continue
        try:
            walker = os.walk(folder)
            for root, _dirs, files in walker:
                for name in files:
                    idx = known.get(name.lower())
                    if idx is None:
                        continue
                    full = os.path.join(root, name)
                    key = (idx, _file_rank(full), full)
                    if best is None or key < best:
                        best = key
        except OSError:
            continue
    return Path(best[2]) if best else None


def find_cjk_font(explicit: Path | None = None) -> Path | None:
    """A font file covering Simplified Chinese: *explicit* first, then fontconfig, then folders."""
    if explicit is not None:
        p = Path(explicit).expanduser()
        if not p.is_file():
            raise FontError(f"font file not found: {p}; {FIX_HINT}")
        return p
    if sys.platform != "win32":
        found = _from_fontconfig()
        if found is not None and found.is_file():
            return found
    return _from_folders()


def _names(font: object) -> list[str]:
    """English family names of a fontTools TTFont (typographic family first)."""
    table = font["name"]  # type: ignore[index]
    out: list[str] = []
    for name_id in (16, 1):
        for rec in table.names:
            if rec.nameID != name_id:
                continue
            if rec.platformID == 3 and rec.langID not in (0x409,):
                continue
            try:
                s = rec.toUnicode().strip()
            except UnicodeDecodeError:
                continue
            if s and s not in out:
                out.append(s)
    return out


def _member_rank(names: list[str]) -> tuple[int, int]:
    rank = min((_family_rank(n) for n in names), default=99)
    low = " ".join(names).lower()
    if rank >= len(PREFERRED_FAMILIES):
        if any(tag in low for tag in (" sc", " cn", " gb", "hei", "song")):
            rank = len(PREFERRED_FAMILIES)
        else:
            rank = len(PREFERRED_FAMILIES) + 1
    mono = 1 if "mono" in low else 0
    return (rank, mono)


@lru_cache(maxsize=16)
def _member(path_str: str, mtime: float) -> tuple[int, str]:
    """(face index, family) of the Simplified Chinese member of a font file."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if Path(path_str).suffix.lower() in (".ttc", ".otc"):
            coll = TTCollection(path_str, lazy=True)
            members = [(i, _names(f)) for i, f in enumerate(coll.fonts)]
            coll.close()
        else:
            font = TTFont(path_str, lazy=True)
            members = [(0, _names(font))]
            font.close()
    except Exception as exc:  # fontTools raises many kinds on bad files
        raise FontError(f"cannot read font {path_str}: {exc}; {FIX_HINT}") from exc
    members = [(i, n) for i, n in members if n]
    if not members:
        raise FontError(f"font {path_str} has no family name; {FIX_HINT}")
    index, names = min(members, key=lambda m: (_member_rank(m[1]), m[0]))
    # Typst names families by the typographic family (name 16) when present, else name 1.
    return index, names[0]


def _key(path: Path) -> tuple[str, float]:
    p = Path(path)
    try:
        return str(p.resolve()), p.stat().st_mtime
    except OSError as exc:
        raise FontError(f"font file not found: {p}; {FIX_HINT}") from exc


def cjk_family(path: Path) -> str:
    """Family name to ask Typst for (the SC member of a collection, e.g. "Noto Sans CJK SC")."""
    return _member(*_key(path))[1]


def face_index(path: Path) -> int:
    """Index of the chosen member inside a collection (0 for single fonts)."""
    return _member(*_key(path))[0]


@lru_cache(maxsize=16)
def _codepoints(path_str: str, mtime: float) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    index, _ = _member(path_str, mtime)
    if Path(path_str).suffix.lower() in (".ttc", ".otc"):
        coll = TTCollection(path_str, lazy=True)
        cmap = coll.fonts[index].getBestCmap() or {}
        coll.close()
    else:
        font = TTFont(path_str, lazy=True)
        cmap = font.getBestCmap() or {}
        font.close()
    return frozenset(cmap)


def _ignorable(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return ch.isspace() or cat.startswith("C") or cat in ("Zl", "Zp")


def check_coverage(font_path: Path, texts: Iterable[str]) -> set[str]:
    """Characters of *texts* the font (its chosen member) has no glyph for."""
    cps = _codepoints(*_key(font_path))
    missing: set[str] = set()
    seen: set[str] = set()
    for t in texts:
        for ch in str(t):
            if ch in seen:
                continue
            seen.add(ch)
            if not _ignorable(ch) and ord(ch) not in cps:
                missing.add(ch)
    return missing


def describe_missing(missing: set[str], limit: int = 12) -> str:
    """ "'丂' (U+4E02), ..." for an error message."""
    chars = sorted(missing)
    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars[:limit])
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return shown + more
