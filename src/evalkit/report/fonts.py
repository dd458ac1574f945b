"""Fonts of the PDF report and its charts: the bundled Chinese font, its fallbacks, glyph coverage.

evalkit ships its own Simplified Chinese font, "Evalkit Sans SC" (Noto Sans SC Regular and Bold
subset to GB 2312, the 8,105 characters of the 通用规范汉字表 and the Latin, Greek, punctuation and
symbol blocks; SIL Open Font License; ``tools/fonts/make_font_subset.py`` remakes it). Every report
is set in it and the machine's fonts are ignored, so a report is the same on every machine and needs
nothing installed. A font given with ``--font`` / ``report.font`` comes first, the bundled font
after it. A character that no font of that chain has (a rare place-name character, an emoji) is
looked for in the fonts installed on the machine (:func:`find_fallback_fonts`); one that no font
has is shown as ``[U+XXXX]`` (:func:`visible`), never as an empty box, and the run lists where it
occurs. Control characters and direction marks in the user's text are shown as ``[U+XXXX]`` too
(:func:`unprintable`): invisible, they would hide characters or reverse a name's letters (U+202E).

For system fonts given with ``--font`` the family to ask Typst/matplotlib for is the SC member of a
``.ttc`` collection, never JP, whose glyph variants differ.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
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

FIX_HINT = "pass --font PATH (or set report.font in evalkit.yaml) with a font that has them"
_FILE_HINT = (
    "give --font (or report.font in evalkit.yaml) the path of a .ttf, .otf or .ttc font file, or "
    "leave it out to use evalkit's bundled font"
)

BUNDLED_FAMILY = "Evalkit Sans SC"
_BUNDLED_FILES = {"regular": "EvalkitSansSC-Regular.otf", "bold": "EvalkitSansSC-Bold.otf"}


def bundled_font(weight: str = "regular") -> Path:
    """The bundled font file ("regular" or "bold"), installed with evalkit as package data."""
    path = Path(str(resources.files("evalkit").joinpath("data", "fonts", _BUNDLED_FILES[weight])))
    if not path.is_file():
        raise FontError(
            f"evalkit's bundled font {path} is missing: the installation is incomplete; "
            "reinstall evalkit (pip install --force-reinstall evalkit)"
        )
    return path


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
    if any(
        w in name
        for w in ("bold", "black", "heavy", "light", "thin", "medium", "semi", "italic", "oblique")
    ):
        return 2
    return 1


def _usable_fallback(path: Path) -> bool:
    """A font that may stand in for a character: not a "last resort" font (its glyphs are boxes
    naming the Unicode block, which is what a fallback must avoid)."""
    return path.suffix.lower() in _FONT_SUFFIXES and "lastresort" not in path.name.lower()


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
            raise FontError(f"font file not found: {p}; {_FILE_HINT}")
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
        raise FontError(f"cannot read font {path_str}: {exc}; {_FILE_HINT}") from exc
    members = [(i, n) for i, n in members if n]
    if not members:
        raise FontError(f"font {path_str} has no family name; {_FILE_HINT}")
    index, names = min(members, key=lambda m: (_member_rank(m[1]), m[0]))
    # Typst names families by the typographic family (name 16) when present, else name 1.
    return index, names[0]


def _key(path: Path) -> tuple[str, float]:
    p = Path(path)
    try:
        return str(p.resolve()), p.stat().st_mtime
    except OSError as exc:
        raise FontError(f"font file not found: {p}; {_FILE_HINT}") from exc


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


# ---------------------------------------------------------------- the chain a report is set in


def covered(font_path: Path) -> frozenset[int]:
    """Code points the font (its chosen member) has a glyph for."""
    return _codepoints(*_key(font_path))


def _needed(texts: Iterable[str]) -> set[str]:
    return {ch for t in texts for ch in str(t) if not _ignorable(ch)}


@dataclass(frozen=True)
class FontChain:
    """The fonts a report is set in, first choice first: ``--font``, the bundled font, fallbacks."""

    fonts: tuple[Path, ...]

    @property
    def families(self) -> list[str]:
        out: list[str] = []
        for f in self.fonts:
            fam = cjk_family(f)
            if fam not in out:
                out.append(fam)
        return out

    def missing(self, texts: Iterable[str]) -> set[str]:
        """Characters of *texts* that no font of the chain has."""
        need = _needed(texts)
        for f in self.fonts:
            if not need:
                break
            cps = covered(f)
            need = {ch for ch in need if ord(ch) not in cps}
        return need

    def with_fallbacks(self, texts: Iterable[str]) -> FontChain:
        """The chain plus installed fonts that have characters the chain lacks (none if none)."""
        need = self.missing(texts)
        if not need:
            return self
        extra = [f for f in find_fallback_fonts(need) if f not in self.fonts]
        return FontChain(self.fonts + tuple(extra)) if extra else self


def font_chain(explicit: Path | str | None = None) -> FontChain:
    """The chain for a report: *explicit* (``--font``; checked to exist), then the bundled font."""
    bundled = bundled_font()
    if explicit is None:
        return FontChain((bundled,))
    first = find_cjk_font(Path(explicit))
    assert first is not None  # find_cjk_font raises for a missing explicit file
    return (
        FontChain((first, bundled))
        if first.resolve() != bundled.resolve()
        else FontChain((bundled,))
    )


def _fontconfig_fallbacks(chars: set[str]) -> list[Path]:
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    found: list[Path] = []
    for ch in sorted(chars):
        try:
            out = subprocess.run(
                [exe, f":charset={ord(ch):x}", "file"],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return found
        files = sorted(
            (Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()),
            key=lambda p: (_file_rank(str(p)), str(p)),
        )
        files = [f for f in files if _usable_fallback(f) and f.is_file()]
        if files and files[0] not in found:
            found.append(files[0])
    return found


def _folder_fallbacks(chars: set[str]) -> list[Path]:
    """Scan the font folders (Windows, or no fontconfig): the first file having each character."""
    need = set(chars)
    found: list[Path] = []
    for folder in _font_dirs():
        if not need or not folder.is_dir():
            continue
        try:
            names = sorted(
                (os.path.join(root, n) for root, _d, fs in os.walk(folder) for n in fs),
                key=lambda s: (_file_rank(s), s),
            )
        except OSError:
            continue
        for name in names:
            if not need:
                break
            p = Path(name)
            if not _usable_fallback(p):
                continue
            try:
                cps = covered(p)
            except FontError:
                continue
            has = {ch for ch in need if ord(ch) in cps}
            if has:
                found.append(p)
                need -= has
    return found


def find_fallback_fonts(chars: set[str]) -> list[Path]:
    """Installed font files that have the given characters (fontconfig, else the font folders)."""
    return list(_fallbacks(frozenset(chars)))


@lru_cache(maxsize=64)
def _fallbacks(chars: frozenset[str]) -> tuple[Path, ...]:
    if sys.platform != "win32":
        found = _fontconfig_fallbacks(set(chars))
        if found:
            return tuple(found)
    return tuple(_folder_fallbacks(set(chars)))


def placeholder(ch: str) -> str:
    """What the PDF shows for a character no font has: ``[U+1F46E]``."""
    return f"[U+{ord(ch):04X}]"


# characters a PDF would not show, or that would silently reorder the text around them: control
# characters (tab and line breaks aside) and the direction marks, embeddings, overrides and isolates
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def unprintable(texts: Iterable[str]) -> set[str]:
    """Characters of *texts* that a report shows as ``[U+XXXX]`` although a font may have them:
    a name shown literally must not hide characters or reverse its own letters (U+202E)."""
    return {
        ch
        for t in texts
        for ch in str(t)
        if ch in BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    }


def visible(text: str, missing: set[str] | frozenset[str]) -> str:
    """*text* with every character of *missing* replaced by its :func:`placeholder`."""
    if not missing or not any(ch in missing for ch in text):
        return text
    return "".join(placeholder(ch) if ch in missing else ch for ch in text)
