"""The HTML reports without a browser: hostile names shown literally and never as markup, the
page self-contained (CSP by hash, nothing referenced outside), --formats, and the what-if
reference computation against a hand computation."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from evalkit.pipeline.evaluation import evaluate
from evalkit.report.html import asset
from evalkit.report.html_font import flavor
from evalkit.report.whatif import whatif_ranks
from evalkit.run import run_project
from evalkit.synth import synthesize

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_DISTRICT = '<script>alert("d")</script>'
HOSTILE_EN = "</style><b>x</b> \"q\" 'a' & co"
HOSTILE_STATION = "</script><img src=x onerror=alert(2)>"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else ""
        if self._in == "script":
            self.scripts.append("")
        elif self._in == "style":
            self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "project"
    root.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", root / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", root / "indicators")
    synthesize(root / "indicators" / "community_policing.yaml", root / "surveys", districts=3)
    path = sorted(p for p in (root / "surveys").glob("*.xlsx") if p.name != "experts.xlsx")[0]
    wb = openpyxl.load_workbook(path)
    first = wb["stations"]["B2"].value if wb["stations"]["B1"].value == "station" else None
    for ws in (wb["responses"], wb["stations"]):
        head = [c.value for c in ws[1]]
        for r in range(2, ws.max_row + 1):
            for col, value in (("district", HOSTILE_DISTRICT), ("district_en", HOSTILE_EN)):
                if col in head and ws.cell(r, head.index(col) + 1).value is not None:
                    ws.cell(r, head.index(col) + 1).value = value
            if ws.cell(r, head.index("station") + 1).value == first:
                for col in ("station", "station_en"):
                    if col in head:
                        ws.cell(r, head.index(col) + 1).value = HOSTILE_STATION
    wb.save(path)
    assert first is not None
    return root


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_names_are_text_never_markup(hostile: Path, lang: str, tmp_path: Path) -> None:
    result = run_project(hostile, lang=lang, pdf=False, jobs=1, out=tmp_path / "reports")
    out = result.evaluation.spec.output_dir
    pages = sorted(out.glob("*.html"))
    assert len(pages) == 4 and (out / "comparison.html") in pages
    shown = HOSTILE_EN if lang == "en" else HOSTILE_DISTRICT
    for path in pages:
        page = _parse(path)
        tags = [t for t, _ in page.tags]
        assert "img" not in tags and "b" not in tags
        assert tags.count("script") == 2 and tags.count("style") == 1
        assert page.scripts[1] == asset("report.js")  # no name closed the data's element
        data = json.loads(page.scripts[0])
        text = "".join(page.text)
        assert shown in text or shown in json.dumps(data, ensure_ascii=False)
        assert shown in data["districts"]["names"]
        if path.name == "comparison.html" or HOSTILE_STATION in data["stations"]["names"]:
            assert HOSTILE_STATION in text
    district = next(p for p in pages if p.name != "comparison.html" and "script" in p.name)
    assert shown in "".join(_parse(district).text)


def test_page_is_self_contained(hostile: Path, tmp_path: Path) -> None:
    result = run_project(hostile, lang="en", pdf=False, jobs=1, out=tmp_path / "reports")
    for path in result.evaluation.spec.output_dir.glob("*.html"):
        page = _parse(path)
        meta = next(a for t, a in page.tags if t == "meta" and a.get("http-equiv"))
        policy = meta["content"] or ""
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy
        for kind, body in (("script", page.scripts[1]), ("style", page.styles[0])):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"{kind}-src 'sha256-{digest}'" in policy
        for _, attrs in page.tags:
            assert "src" not in attrs and "style" not in attrs
            href = attrs.get("href")
            assert href is None or href.startswith("#")
        raw = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", raw)
        assert "@import" not in raw
        # the one url() is the embedded font's data: URL, which the policy allows (font-src data:)
        assert re.findall(r"url\((\w+:[\w/]+)", raw) == [f"data:font/{flavor()}"]
        assert "font-src data:" in policy
        # a district's page well under half a megabyte; the comparison holds every station
        assert path.stat().st_size < (1_000_000 if path.name == "comparison.html" else 400_000)


def test_formats_option(hostile: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(hostile, project, ignore=shutil.ignore_patterns("reports"))
    cmd = [sys.executable, "-m", "evalkit", "run", str(project), "--lang", "en", "-j", "1"]
    done = subprocess.run([*cmd, "--formats", "xlsx"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = {p.suffix for p in (project / "reports").iterdir()}
    assert ".xlsx" in written and ".html" not in written and ".pdf" not in written
    bad = subprocess.run([*cmd, "--formats", "xlsx,svg"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "'svg'" in bad.stdout + bad.stderr and "xlsx, pdf, html" in bad.stdout + bad.stderr


def test_whatif_ranks_is_the_weighted_sum_of_the_dimensions() -> None:
    ev = evaluate(ROOT)
    dims = ev.dimension_ids
    same = whatif_ranks(ev)
    assert same["rank"].tolist() == ev.districts["rank"].tolist()
    given = dict(zip(dims, [4.0, 0.0, 1.0, 2.0, 3.0], strict=True))
    got = whatif_ranks(ev, given)
    w = np.array([given[d] for d in dims]) / 10.0
    scores = ev.district_scores.loc[got.index, dims].to_numpy()
    np.testing.assert_allclose(got["total"].to_numpy(), scores @ w, rtol=1e-12)
    order = (-(scores @ w)).argsort().argsort() + 1
    assert got["rank"].astype(int).tolist() == order.tolist()
    again = whatif_ranks(ev, alpha=ev.weights.spec.alpha)
    np.testing.assert_allclose(again["total"], ev.districts.set_index("district")["total"])
