"""Where the user's text holds characters that no font of the report has.

A PDF never shows an empty box: a character that no font of the chain (``--font``, the bundled font,
installed fallbacks) has is printed as ``[U+XXXX]``. So that the user can fix the name, the run
lists each such character with the place it comes from: the survey file, sheet, row and column of a
district, station or respondent id; the YAML line of a tree node; the project file's title; the
recommendation library; or the place of the problem whose text quotes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from evalkit.errors import Issue, Location, rel
from evalkit.report.fonts import BUNDLED_FAMILY, FontChain, describe_missing, placeholder

if TYPE_CHECKING:  # pragma: no cover
    from evalkit.analysis.diagnose import RecommendationRule
    from evalkit.pipeline import Evaluation

MAX_PER_COLUMN = 10  # distinct values named per column; the rest are counted


def user_texts(ev: Evaluation, rules: Iterable[RecommendationRule]) -> Iterator[str]:
    """Every user text a report can print (for the quick check that nothing is missing)."""
    for frame, cols in (
        (ev.survey.responses, ("respondent", "district", "station")),
        (ev.survey.stations, ("district", "station", "district_en", "station_en")),
    ):
        for c in cols:
            if c in frame.columns:
                yield from frame[c].dropna().astype(str).unique().tolist()
    yield from ev.spec.title.values()
    yield from ev.tree.title.values()
    for n in ev.tree.nodes():
        yield from n.name.values()
        yield from n.unit.values()
    for lv in ev.tree.levels:
        yield from lv.name.values()
        yield from lv.description.values()
    for r in rules:
        yield from r.text.values()
    for i in ev.issues:
        yield i.message
        yield i.found
        yield i.message_zh
        yield i.found_zh


def _issue(
    loc: Location, text: str, chars: set[str], more: int, chain: FontChain, district: str = ""
) -> Issue:
    shown = "".join(placeholder(c) if c in chars else c for c in text)
    extra = f" (and {more} more value(s) of this column)" if more else ""
    extra_zh = f"（本列另有 {more} 个取值）" if more else ""
    fonts = ", ".join(str(Path(f).name) for f in chain.fonts)
    return Issue(
        loc,
        f"{describe_missing(chars)} is in no font the PDF can use ({fonts} or any installed font); "
        f"the PDF prints it as {placeholder(min(chars))}{extra}",
        expected=f"characters of the report fonts (the bundled {BUNDLED_FAMILY} has GB 2312 and "
        "the 8,105 characters of the 通用规范汉字表)",
        found=repr(text),
        fix="Pass --font with a font that has the character, or correct the text at this place.",
        severity="warning",
        check="font_coverage",
        message_zh=f"字符 {describe_missing(chars)} 不在报告可用的任何字体中；PDF 中显示为 "
        f"{placeholder(min(chars))}（原文“{shown}”）{extra_zh}",
        expected_zh=f"报告字体中有的字符（自带的 {BUNDLED_FAMILY} 含 GB 2312 和通用规范汉字表的 "
        "8,105 个字）",
        fix_zh="用 --font 指定含该字的字体，或在此处更正文字。",
        district=district,
    )


def _frame_issues(
    frame: pd.DataFrame, cols: Iterable[str], missing: set[str], chain: FontChain, base: Path
) -> list[Issue]:
    pattern = "[" + "".join(re.escape(c) for c in sorted(missing)) + "]"
    out: list[Issue] = []
    for col in cols:
        if col not in frame.columns:
            continue
        values = frame[col].astype("string")
        hit = values.str.contains(pattern, regex=True, na=False)
        if not hit.any():
            continue
        keep = [col, "_file", "_sheet", "_row", *(["district"] if col != "district" else [])]
        rows = frame.loc[hit, [c for c in keep if c in frame.columns]].drop_duplicates(col)
        for k, (_, r) in enumerate(rows.iterrows()):
            if k == MAX_PER_COLUMN:
                break
            text = str(r[col])
            loc = Location(
                file=rel(str(r["_file"]), base),
                sheet=str(r["_sheet"] or ""),
                row=int(r["_row"]) if pd.notna(r["_row"]) else None,
                column=col,
            )
            more = len(rows) - MAX_PER_COLUMN if k == MAX_PER_COLUMN - 1 else 0
            district = str(r["district"]) if "district" in r.index else ""
            out.append(
                _issue(loc, text, {c for c in text if c in missing}, max(more, 0), chain, district)
            )
    return out


def glyph_issues(
    ev: Evaluation, chain: FontChain, rules: Iterable[RecommendationRule] = ()
) -> list[Issue]:
    """Warnings for every place whose text holds a character that no font of *chain* has."""
    rules = list(rules)
    missing = chain.missing(user_texts(ev, rules))
    if not missing:
        return []
    base = ev.spec.root
    out: list[Issue] = []
    out += _frame_issues(
        ev.survey.responses, ("district", "station", "respondent"), missing, chain, base
    )
    out += _frame_issues(
        ev.survey.stations,
        ("district", "station", "district_en", "station_en"),
        missing,
        chain,
        base,
    )

    def text_issue(loc: Location, text: str) -> None:
        chars = {c for c in text if c in missing}
        if chars:
            out.append(_issue(loc, text, chars, 0, chain))

    spec_file = rel(ev.spec.file or ev.spec.root / "evalkit.yaml", base)
    for lang, t in ev.spec.title.items():
        text_issue(Location(file=spec_file, column=f"title.{lang}"), t)
    tree_file = rel(ev.tree.file, base) if ev.tree.file else ""
    for n in ev.tree.nodes():
        for t in (*n.name.values(), *n.unit.values()):
            text_issue(Location(file=tree_file, line=n.line, path=n.path), t)
    for lv in ev.tree.levels:
        for t in (*lv.name.values(), *lv.description.values()):
            text_issue(Location(file=tree_file, path=f"levels/{lv.id}"), t)
    rec_file = rel(ev.spec.recommendations, base) if ev.spec.recommendations else ""
    for r in rules:
        for t in r.text.values():
            text_issue(Location(file=rec_file, path=f"recommendations/{r.id}"), t)
    for i in ev.issues:
        text_issue(i.location, f"{i.message} {i.found}".strip())  # the user's text it quotes
    return out
