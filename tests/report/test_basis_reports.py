"""What the figures rest on, read back from real reports: the objective weights' diagnostics side
by side (Weights sheets, PDF appendix), the share of the weight on self-reports, the calibration
marks of goalposts and level cut-offs, and under the staged level rule the dimension that holds
a unit back. Real runs of a copy of the example project (its tree switched to the staged rule,
规范级's cut-off, a calibration guess, set at 68 so that two districts reach it by their totals
while a dimension of each is 初始级), in Chinese and in English, read back with openpyxl and
pypdf."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from evalkit.report import basis_sections as basis
from evalkit.report.formats import FORMATS, fmt
from evalkit.report.i18n import header, text, word
from evalkit.report.phrases import phrases
from evalkit.run import RunResult, run_project

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("zh", "en")


def _staged_copy(dst: Path) -> Path:
    dst.mkdir(parents=True)
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    tree = dst / "indicators" / "community_policing.yaml"
    raw = tree.read_text(encoding="utf-8")
    assert "level_rule: total" in raw and raw.count("    min_score: 70\n") == 1
    raw = raw.replace("    min_score: 70\n", "    min_score: 68\n")
    tree.write_text(raw.replace("level_rule: total", "level_rule: staged"), encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    return {
        lang: run_project(
            _staged_copy(tmp_path_factory.mktemp(lang) / "p"), lang=lang, jobs=1, uncertainty=0
        )
        for lang in LANGS
    }


def _out(res: RunResult, name: str) -> Path:
    return res.evaluation.spec.output_dir / name


FOOTER = re.compile(r"^(Page \d+ of \d+|第 \d+ 页 / 共 \d+ 页)$")


def _pdf(path: Path) -> str:
    """The PDF's text without white space, the hyphens of words broken at a line, and the
    running header and footer of each page (a sentence may run over a page break)."""
    pages = []
    for k, page in enumerate(PdfReader(path).pages):
        lines = (page.extract_text() or "").splitlines()
        lines = [x for x in lines[1 if k else 0 :] if not FOOTER.match(x.strip())]
        pages.append("\n".join(lines))
    text_ = "\n".join(pages)
    return re.sub(r"\s+", "", re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text_))


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _sheet(path: Path, key: str, lang: str) -> Any:
    from evalkit.report.i18n import SHEETS

    wb = openpyxl.load_workbook(path)
    return wb[SHEETS[key][0 if lang == "zh" else 1]]


def _table_below(ws: Any, first_header: str, second_header: str) -> list[dict[str, Any]]:
    """The rows of the table whose header row starts with these two headers, to its first
    empty row, as {header: cell}."""
    rows = list(ws.iter_rows())
    for i, row in enumerate(rows):
        values = [c.value for c in row]
        if values[:2] == [first_header, second_header]:
            heads = [str(v) if v is not None else "" for v in values]
            out = []
            for r in rows[i + 1 :]:
                if r[0].value in (None, ""):
                    break
                out.append({h: c for h, c in zip(heads, r, strict=False) if h})
            return out
    raise AssertionError(f"no table headed {first_header!r}, {second_header!r} in {ws.title}")


def _summary(path: Path, lang: str) -> dict[str, Any]:
    ws = _sheet(path, "summary", lang)
    return {row[0].value: row[1] for row in ws.iter_rows() if row[0].value}


# ------------------------------------------------------------------ objective weights


def test_weights_sheets_show_the_objective_weights_side_by_side(runs: dict[str, RunResult]) -> None:
    for lang, res in runs.items():
        ev = res.evaluation
        diag = ev.weights.diagnostics.set_index("id")
        assert len(diag) == len(ev.tree.leaves())
        st = ev.stations  # the English reports name stations in English
        station_name = dict(
            zip(
                zip(st["district"], st["station"], strict=True),
                st["station" if lang == "zh" else "station_en"],
                strict=True,
            )
        )
        for book in ("南港区.xlsx", "comparison.xlsx"):
            ws = _sheet(_out(res, book), "weights", lang)
            weights = _table_below(ws, header("id", lang), header("name", lang))
            assert len(weights) >= len(ev.weights.table)  # the weights come first, as before
            found = _diagnostics_rows(ws, lang)
            assert set(found) == set(diag.index), (lang, book)
            for leaf, cells in found.items():
                want = diag.loc[leaf]
                for c in ("entropy", "critic", "std", "loo_change", "share_at_mode"):
                    cell = cells[header(c, lang)]
                    assert cell.value == pytest.approx(float(want[c]), abs=1e-12), (leaf, c)
                assert cells[header("distinct", lang)].value == int(want["distinct"])
                assert cells[header("entropy", lang)].number_format == FORMATS["weight"].excel
                assert cells[header("loo_change", lang)].number_format == "0.0%"
                assert (
                    cells[header("loo_station", lang)].value
                    == station_name[(want["loo_district"], want["loo_station"])]
                )
                for flag in ("few_values", "few_units"):  # written as the words yes / no
                    yes_no = word("yes" if want[flag] else "no", lang)
                    assert cells[header(flag, lang)].value == yes_no, (leaf, flag)


def _diagnostics_rows(ws: Any, lang: str) -> dict[str, dict[str, Any]]:
    """The diagnostics table of a Weights sheet: its header row has the entropy column."""
    rows = list(ws.iter_rows())
    for i, row in enumerate(rows):
        values = [c.value for c in row]
        if header("entropy", lang) in values and header("critic", lang) in values:
            heads = [str(v) if v is not None else "" for v in values]
            out = {}
            for r in rows[i + 1 :]:
                if r[0].value in (None, ""):
                    break
                out[r[0].value] = {h: c for h, c in zip(heads, r, strict=False) if h}
            return out
    raise AssertionError(f"no diagnostics table in {ws.title}")


def test_pdf_appendix_shows_the_diagnostics_and_what_the_flags_mean(
    runs: dict[str, RunResult],
) -> None:
    for lang, res in runs.items():
        ev = res.evaluation
        pdf = _pdf(_out(res, f"{res.names['南港区'].stem}.pdf"))
        p = phrases(lang)
        assert _squash(p["diag_title"]) in pdf
        assert _squash(basis.diagnostics_note(ev, lang)) in pdf
        diag = ev.weights.diagnostics
        for _, row in diag.iterrows():
            figures = "".join(fmt(row[c], "weight") for c in ("entropy", "critic", "std"))
            figures += fmt(row["distinct"], "count") + fmt(row["share_at_mode"], "percent")
            figures += fmt(row["loo_change"], "percent")
            assert figures in pdf, (lang, row["id"], figures)
        # leader_platform_use: 7 distinct values, 11 of 28 stations at one, flagged
        cc = diag.set_index("id").loc["leader_platform_use"]
        assert int(cc["distinct"]) == 7 and bool(cc["few_values"])
        assert fmt(cc["share_at_mode"], "percent") == "39.3%"
        assert _squash(p["diag_few_values"]) in pdf


# ------------------------------------------------------------------ self-reports


def test_share_of_self_reports_in_workbook_and_pdf(runs: dict[str, RunResult]) -> None:
    for lang, res in runs.items():
        ev = res.evaluation
        share = ev.weights.self_report_share
        assert fmt(share, "percent") == "20.8%"  # the example, combined at every node
        p = phrases(lang)
        cell = _summary(_out(res, "南港区.xlsx"), lang)[p["self_report_label"]]
        assert cell.value == pytest.approx(share, abs=1e-12)
        assert cell.number_format == "0.0%"
        ws = _sheet(_out(res, "南港区.xlsx"), "weights", lang)
        rows = _table_below(ws, header("source", lang), header("share_ahp", lang))
        by_source = {r[header("source", lang)].value: r for r in rows}
        survey = by_source[text({"zh": "民警问卷", "en": "officer survey"}, lang)]
        shares = ev.weights.source_shares
        assert survey[header("share_used", lang)].value == pytest.approx(share)
        assert survey[header("share_ahp", lang)].value == pytest.approx(
            float(shares.at["survey", "ahp"])
        )
        pdf = _pdf(_out(res, f"{res.names['南港区'].stem}.pdf"))
        assert _squash(basis.self_report_sentence(ev, lang)) in pdf
        assert "20.8%" in pdf and "79.2%" in pdf


# ------------------------------------------------------------------ calibration


def test_calibration_marks_in_workbook_and_pdf(runs: dict[str, RunResult]) -> None:
    for lang, res in runs.items():
        ev = res.evaluation
        tree = ev.tree
        assert tree.levels_are_guesses
        guesses = tree.goalpost_guesses()
        assert len(guesses) == 27  # every statistic's goalposts
        p = phrases(lang)
        summary = _summary(_out(res, "南港区.xlsx"), lang)
        assert summary[p["level_basis_label"]].value == basis.basis_label("calibration", lang)
        names = basis.goalpost_guesses(tree, lang)
        listed = summary[p["goalpost_guesses_label"]].value
        assert all(n in listed for n in names)
        # each indicator's goalposts' basis in the Indicators sheet
        ws = _sheet(_out(res, "南港区.xlsx"), "indicators", lang)
        rows = _table_below(ws, header("id", lang), header("name", lang))
        got = {r[header("id", lang)].value: r[header("goalpost_basis", lang)].value for r in rows}
        want = {k: basis.basis_label(v, lang) for k, v in tree.goalpost_bases().items()}
        assert got == want
        assert got["collection_standardization"] == basis.basis_label("scale", lang)
        pdf = _pdf(_out(res, f"{res.names['南港区'].stem}.pdf"))
        for sentence in basis.calibration_sentences(ev, lang):
            assert _squash(sentence) in pdf, (lang, sentence)
        assert _squash(p["calib_caution"]) in pdf
        assert _squash(basis.level_rule_sentence(ev, lang)) in pdf


# ------------------------------------------------------------------ the staged rule


def test_staged_rule_names_the_dimension_holding_the_level_back(
    runs: dict[str, RunResult],
) -> None:
    for lang, res in runs.items():
        ev = res.evaluation
        d = ev.districts.set_index("district")
        assert d.at["南港区", "held_back_by"] == "safeguards"  # total 68.4, safeguards 57.2
        assert d.at["南港区", "level"] < d.at["南港区", "level_by_total"]
        dim = text(next(n.name for n in ev.tree.dimensions if n.id == "safeguards"), lang)
        sentence = basis.held_back(ev, "南港区", lang)
        assert dim in sentence
        lv = ev.tree.levels
        assert text(lv[int(d.at["南港区", "level_by_total"]) - 1].name, lang) in sentence
        p = phrases(lang)
        summary = _summary(_out(res, "南港区.xlsx"), lang)
        assert summary[p["held_back_label"]].value == sentence
        assert summary[p["level_rule_label"]].value == basis.level_rule_label("staged", lang)
        pdf = _pdf(_out(res, f"{res.names['南港区'].stem}.pdf"))
        assert _squash(sentence) in pdf
        # a district the rule does not cap says nothing of it
        free = [x for x in d.index if not d.at[x, "held_back_by"]]
        assert free
        assert p["held_back_label"] not in _summary(
            _out(res, f"{res.names[free[0]].stem}.xlsx"), lang
        )
        # every shown station's binding dimension in the Stations sheet
        ws = _sheet(_out(res, "南港区.xlsx"), "stations", lang)
        rows = _table_below(ws, header("station", lang), header("respondents", lang))
        st = ev.stations[(ev.stations["district"] == "南港区") & ev.stations["shown"]]
        key = "station" if lang == "zh" else "station_en"
        names = {n.id: text(n.name, lang) for n in ev.tree.dimensions}
        want = {s: names.get(h, "") for s, h in zip(st[key], st["held_back_by"], strict=True)}
        got = {
            r[header("station", lang)].value: r[header("held_back_by", lang)].value or ""
            for r in rows
        }
        assert got == want
        assert any(want.values())
