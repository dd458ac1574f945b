"""Remake evalkit's bundled Chinese font: Noto Sans SC Regular and Bold subset to a report's characters.

evalkit renders every PDF and chart with the font in ``src/evalkit/data/fonts/`` and ignores the
machine's fonts, so a report looks the same everywhere and needs nothing installed. This script makes
that font from its source and is the only way it is made:

- source: the npm package ``@embedpdf/fonts-sc`` 1.0.0 (Noto Sans S Chinese 1.000, "Noto Sans Hans",
  Regular and Bold; SIL Open Font License 1.1), fetched from the npm registry and checked against
  :data:`SOURCE_SHA256`;
- characters: GB 2312 (all 7,445 of its characters), all 8,105 characters of the 通用规范汉字表
  (``tgscc-8105.txt`` beside this script; its level 3 holds the rarer surname and place-name
  characters), and the Latin, Greek, punctuation, symbol and full-width blocks the font has;
- the subset keeps every OpenType layout feature and is renamed "Evalkit Sans SC", since the licence
  reserves the name "Noto Sans" for the unmodified fonts. The licence is copied beside the fonts.

Run from the repository root (needs fontTools and the network; about 20 s a weight)::

    python tools/fonts/make_font_subset.py            # downloads the source package
    python tools/fonts/make_font_subset.py --source embedpdf-fonts-sc-1.0.0.tgz
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE_URL = "https://registry.npmjs.org/@embedpdf/fonts-sc/-/fonts-sc-1.0.0.tgz"
SOURCE_SHA256 = "589e6a5f2168430b4ae5a46bfdc4606f1798f5c06be5a2369ab89f75b804a0ad"
WEIGHTS = {
    "Regular": "package/fonts/NotoSansHans-Regular.otf",
    "Bold": "package/fonts/NotoSansHans-Bold.otf",
}
FAMILY = "Evalkit Sans SC"
PS_FAMILY = "EvalkitSansSC"
HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "src" / "evalkit" / "data" / "fonts"

# Blocks kept besides the Chinese characters (only what the source font has is kept).
BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1 supplement, Latin extended-A
    (0x0370, 0x03FF),  # Greek (α, λ, Σ, χ in formulas)
    (0x0400, 0x04FF),  # Cyrillic (in GB 2312)
    (0x1D00, 0x1DBF),  # phonetic extensions (subscript letters)
    (0x2000, 0x206F),  # general punctuation
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x218F),  # letterlike symbols, number forms (℃, Ⅱ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x25FF),  # box drawing, block elements, geometric shapes
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats (✓ ✗)
    (0x3000, 0x30FF),  # CJK symbols and punctuation, kana
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility (㎡)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)


def gb2312() -> set[str]:
    """Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE), decoded by Python's codec."""
    out: set[str] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def tgscc() -> set[str]:
    lines = (HERE / "tgscc-8105.txt").read_text(encoding="utf-8").splitlines()
    chars = [s.strip() for s in lines if s.strip() and not s.startswith("#")]
    if len(chars) != 8105 or any(len(c) != 1 for c in chars):
        sys.exit("tgscc-8105.txt must list 8,105 single characters")
    return set(chars)


def charset() -> set[int]:
    cps = {ord(c) for c in gb2312() | tgscc()}
    for lo, hi in BLOCKS:
        cps.update(range(lo, hi + 1))
    return cps


def source_bytes(path: Path | None) -> bytes:
    if path is None:
        with urllib.request.urlopen(SOURCE_URL, timeout=120) as resp:
            data = resp.read()
    else:
        data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SOURCE_SHA256:
        sys.exit(f"source package SHA-256 {digest} is not the expected {SOURCE_SHA256}")
    return data


def rename(font: TTFont, weight: str) -> None:
    """Give the subset its own family name (names 1, 2, 4, 6, 16, 17) and the OFL licence text."""
    full = f"{FAMILY} {weight}" if weight != "Regular" else FAMILY
    names = {
        1: FAMILY,
        2: weight,
        3: f"{PS_FAMILY}-{weight}; subset of Noto Sans SC 1.000 (NotoSansHans-{weight})",
        4: full,
        6: f"{PS_FAMILY}-{weight}",
        13: "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
        14: "https://openfontlicense.org",
        16: FAMILY,
        17: weight,
    }
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in names]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    cff = font["CFF "].cff
    cff.fontNames = [f"{PS_FAMILY}-{weight}"]
    top = cff.topDictIndex[0]
    for key, value in (("FamilyName", FAMILY), ("FullName", full)):
        if hasattr(top, key):
            setattr(top, key, value)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, help="the npm tarball, if already downloaded")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    data = source_bytes(args.source)
    cps = charset()
    args.out.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        licence = tar.extractfile("package/LICENSE").read()  # type: ignore[union-attr]
        for weight, member in WEIGHTS.items():
            font = TTFont(io.BytesIO(tar.extractfile(member).read()), recalcTimestamp=False)  # type: ignore[union-attr]
            options = subset.Options()
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            options.name_languages = ["*"]
            options.notdef_outline = True
            options.recalc_timestamp = False  # the same inputs give the same bytes
            sub = subset.Subsetter(options)
            sub.populate(unicodes=cps)
            sub.subset(font)
            rename(font, weight)
            target = args.out / f"{PS_FAMILY}-{weight}.otf"
            font.save(target)
            kept = len(font.getBestCmap())
            print(f"{target}: {target.stat().st_size / 1e6:.2f} MB, {kept} characters")
    (args.out / "OFL.txt").write_bytes(licence)


if __name__ == "__main__":
    main()
