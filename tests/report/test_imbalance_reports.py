"""Within-district imbalance beside the district's score: comparison.xlsx's Districts sheet, a
district workbook's Summary and the terminal summary of `evalkit run`, read back from a real run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from evalkit.pipeline import evaluate


def _evalkit(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("evalkit")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=900)


def test_imbalance_is_shown_beside_each_district_score(project: Path) -> None:
    res = _evalkit("run", str(project), "--no-pdf", "--lang", "en")
    assert res.returncode == 0, res.stderr
    ev = evaluate(project)
    spread = ev.analysis("imbalance").totals
    en = ev.districts.set_index("district")["district_en"]

    # the terminal: Gini and range columns, one row per district
    lines = res.stdout.splitlines()
    assert any("Gini" in line and "range" in line for line in lines)
    for district, row in spread.iterrows():
        line = next(x for x in lines if en[district] in x and "│" in x)
        assert f"{row['gini']:.3f}" in line and f"{row['range']:.1f}" in line

    out = project / "reports"
    wb = openpyxl.load_workbook(out / "comparison.xlsx", read_only=True)
    rows = list(wb["Districts"].iter_rows(values_only=True))
    head = list(rows[0])
    for col in ("CV of station totals", "Gini of station totals", "Range of station totals"):
        assert col in head
    at = {h: head.index(h) for h in head}
    assert at["Gini of station totals"] == at["Stations"] + 2  # beside the score's columns
    by_name = {r[at["District"]]: r for r in rows[1:] if r[at["District"]]}
    for district, row in spread.iterrows():
        r = by_name[en[district]]
        assert r[at["CV of station totals"]] == pytest.approx(row["cv"], abs=1e-12)
        assert r[at["Gini of station totals"]] == pytest.approx(row["gini"], abs=1e-12)
        assert r[at["Range of station totals"]] == pytest.approx(row["range"], abs=1e-12)
        assert r[at["Lowest station"]] == row["lowest_en"]
        assert r[at["Highest station"]] == row["highest_en"]

    district = spread.index[0]
    wb = openpyxl.load_workbook(out / f"{district}.xlsx", read_only=True)
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}
    sentence = summary["Imbalance between stations"]
    t = spread.loc[district]
    assert sentence.startswith(f"CV {t['cv']:.3f}, Gini {t['gini']:.3f}, range {t['range']:.1f}")
    assert t["lowest_en"] in sentence and f"{int(t['n'])} stations compared" in sentence

    # the district's sheet Imbalance: the total, then every dimension
    sheet = list(wb["Imbalance"].iter_rows(values_only=True))
    head = list(sheet[0])
    body = [r for r in sheet[1 : 2 + len(ev.tree.dimensions)]]
    rows = ev.analysis("imbalance").of(district)
    assert [r[0] for r in body] == ["Total", *(d.label("en") for d in ev.tree.dimensions)]
    for r, (_, want) in zip(body, rows.iterrows(), strict=True):
        assert r[head.index("Gini")] == pytest.approx(want["gini"], abs=1e-12)
        assert r[head.index("CV")] == pytest.approx(want["cv"], abs=1e-12)
        assert r[head.index("Highest station")] == want["highest_en"]


def test_a_district_with_one_shown_station_has_no_spread(project: Path) -> None:
    from evalkit.report.imbalance import summary_text

    ev = evaluate(project)
    im = ev.analysis("imbalance")
    frame = im.frame.copy()
    district = frame["district"].iloc[0]
    one = frame["district"] == district
    frame.loc[one, ["n", "cv", "gini", "range"]] = [1, float("nan"), float("nan"), float("nan")]
    ev._analyses["imbalance"] = type(im)(frame)
    assert summary_text(ev, district, "zh").startswith("只有 1 个派出所")
    assert summary_text(ev, district, "en").startswith("Only 1 station")
    assert summary_text(ev, "no such district", "en") == ""
