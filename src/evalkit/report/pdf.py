"""The district PDF report: Typst template + JSON data + matplotlib SVG charts.

:mod:`evalkit.report.pdf_data` turns the report's sections into JSON-ready blocks (every text
final, every number formatted as the workbook shows it); this module draws the charts
(:data:`evalkit.report.charts.CHARTS`), chooses the fonts and compiles the template. User text
(names, messages) never becomes Typst markup: everything is written to ``data.json`` and the
template inserts the strings as text.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from evalkit.errors import FontError
from evalkit.fileio import atomic_write_bytes
from evalkit.report import charts
from evalkit.report.fonts import FontChain, font_chain, unprintable, visible
from evalkit.report.model import DistrictReport
from evalkit.report.pdf_data import build_data, chart_file, charts_of, sections_of

__all__ = ["build_data", "render_district_pdf"]

_SVG_CACHE: dict[str, str] = {}  # charts drawn in this process (a province-wide chart is the
_SVG_CACHE_SIZE = 32  # same in every district's report)


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _strings(v)


def _replace_strings(obj: Any, missing: set[str]) -> Any:
    """*obj* (JSON-ready data) with every character no font has shown as ``[U+XXXX]``."""
    if isinstance(obj, str):
        return visible(obj, missing)
    if isinstance(obj, dict):
        return {k: _replace_strings(v, missing) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_replace_strings(v, missing) for v in obj]
    return obj


def _bold_sibling(font: Path) -> Path | None:
    candidates = [font.with_name(font.stem + "bd" + font.suffix)]  # msyh.ttc -> msyhbd.ttc
    for a, b in (("Regular", "Bold"), ("regular", "bold"), ("-R.", "-B.")):
        if a in font.name:
            candidates.insert(0, font.with_name(font.name.replace(a, b)))
    c = candidates[0]
    return c if c.is_file() and c != font else None


def _font_dir(chain: FontChain, workdir: Path) -> list[str]:
    """Folders holding only the chain's fonts (and their bold siblings), so Typst scans nothing else."""
    target = workdir / "fonts"
    target.mkdir()
    files: list[Path] = []
    for f in chain.fonts:
        bold = _bold_sibling(f)
        files += [f] + ([bold] if bold is not None else [])
    try:
        for i, f in enumerate(files):
            os.symlink(f.resolve(), target / f"{i:02d}-{f.name}")
    except (OSError, NotImplementedError):
        # no symlinks (Windows without privilege): scan the fonts' folders
        return sorted({str(f.parent) for f in files})
    return [str(target)]


def _template_text() -> str:
    return resources.files("evalkit.report").joinpath("templates/district.typ").read_text("utf-8")


def _draw(chart: Any, data: dict[str, Any], lang: str, chain: FontChain) -> str:
    """The chart as SVG, drawn once per process for the same data and fonts."""
    key = json.dumps(
        [chart.kind, data, lang, [str(f) for f in chain.fonts]], ensure_ascii=False, default=str
    )
    svg = _SVG_CACHE.get(key)
    if svg is None:
        svg = charts.CHARTS[chart.kind](data, lang=lang, font_path=chain)
        if len(_SVG_CACHE) >= _SVG_CACHE_SIZE:
            _SVG_CACHE.pop(next(iter(_SVG_CACHE)))
        _SVG_CACHE[key] = svg
    return svg


def typeset(
    data: dict[str, Any], chart_blocks: list[Any], lang: str, chain: FontChain, what: str
) -> bytes:
    """The PDF's bytes: *data* (the template's JSON) and its charts set by district.typ in
    *chain*, completed by installed fonts for characters it lacks; a character no font has,
    and a control or direction mark, shown as ``[U+XXXX]``. FontError on a Typst font or glyph
    warning; RuntimeError naming *what* when Typst fails. The district reports and
    comparison.pdf are set by this one function."""
    import typst

    texts = list(_strings({k: v for k, v in data.items() if k not in ("fonts", "accent")}))
    texts += list(_strings([c.data for c in chart_blocks]))
    chain = chain.with_fallbacks(texts)
    missing = chain.missing(texts) | unprintable(texts)
    if missing:
        data = _replace_strings(data, missing)
    data["fonts"] = chain.families
    svgs = {
        chart_file(c): _draw(c, _replace_strings(c.data, missing), lang, chain)
        for c in chart_blocks
    }
    with tempfile.TemporaryDirectory(prefix="evalkit-pdf-") as tmp:
        work = Path(tmp)
        (work / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for name, svg in svgs.items():
            (work / name).write_text(svg, encoding="utf-8")
        main = work / "district.typ"
        main.write_text(_template_text(), encoding="utf-8")
        font_paths = _font_dir(chain, work)
        try:
            pdf, warnings = typst.compile_with_warnings(
                str(main),
                root=str(work),
                font_paths=font_paths,
                ignore_system_fonts=True,
                format="pdf",
            )
        except typst.TypstError as exc:
            raise RuntimeError(f"Typst failed to render the {what}: {exc}") from exc
        font_warnings = [
            str(w.message)
            for w in warnings
            if "font" in str(w.message).lower() or "glyph" in str(w.message).lower()
        ]
        if font_warnings:
            raise FontError(
                f"Typst font problem with {', '.join(map(str, chain.fonts))}: "
                f"{'; '.join(font_warnings)}"
            )
    return pdf


def render_district_pdf(
    report: DistrictReport, path: Path, *, font: Path | str | FontChain | None = None
) -> Path:
    """Render *report* to a PDF at *path* (atomically) and return the path.

    The report is set in evalkit's bundled font (after *font*, a ``--font`` file, when given); a
    character that no font of that chain has is looked for in the machine's fonts, and one that
    no font has is shown as ``[U+XXXX]``: the PDF never holds an empty box. Control characters
    and direction marks (:func:`~evalkit.report.fonts.unprintable`) are shown the same way, so
    a name can neither hide characters nor reverse its own letters.
    """
    lang = "zh" if report.lang == "zh" else "en"
    chain = font if isinstance(font, FontChain) else font_chain(font)
    pdf = typeset(build_data(report, []), charts_of(sections_of(report)), lang, chain, "report")
    return atomic_write_bytes(Path(path), pdf)
