"""The HTML reports in a real browser: Debian's chromium driven by its chromedriver (selenium;
the driver is never downloaded). Left out of the README's test command (marked ``browser``);
``.ci/run`` installs chromium and runs ``python -m pytest -m browser``.

The example project is run once (English, no PDFs); a district's page is opened from the file,
screenshotted, its scores compared with the workbook's cells rounded by their number format, the
what-if sliders moved with the keyboard and the page's ranks compared with evalkit's for those
weights (:func:`evalkit.report.whatif.whatif_ranks`), and the browser's own records (resource
timing entries, the DevTools network log, the console) checked for any request but the file.
"""

from __future__ import annotations

import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from evalkit.report.html_font import flavor
from evalkit.report.i18n import header
from evalkit.report.whatif import whatif_ranks
from evalkit.run import run_project

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DISTRICT = "北岭区"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("html") / "project"
    root.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", root / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", root / "indicators")
    shutil.copytree(ROOT / "surveys", root / "surveys")
    result = run_project(root, lang="en", pdf=False, jobs=1, html=True)
    return result


@pytest.fixture(scope="module")
def zh_reports(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("html_zh") / "project"
    root.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", root / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", root / "indicators")
    shutil.copytree(ROOT / "surveys", root / "surveys")
    return run_project(root, lang="zh", pdf=False, jobs=1)


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("chromium and chromium-driver are not installed (apt-get install them)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1400", "--disable-background-networking"):  # fmt: skip
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    yield driver
    driver.quit()


def _open(browser, path: Path) -> None:
    browser.get(path.as_uri())
    browser.get_log("performance")  # only this page's entries from here on
    browser.get(path.as_uri())
    ready = browser.execute_script(
        "var p = document.getElementById('whatif-panel'); return p && p.dataset.ready;"
    )
    assert ready == "1", "the what-if panel's script did not run"


def _excel(value: float, number_format: str) -> str:
    decimals = len(number_format.split(".")[1]) if "." in number_format else 0
    q = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{q:.{decimals}f}"


def _sheet_rows(path: Path, sheet: str, key: str, column: str) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)[sheet]
    head = [c.value for c in ws[1]]
    out = {}
    for row in ws.iter_rows(min_row=2):
        name, cell = row[head.index(key)].value, row[head.index(column)]
        if name is not None and isinstance(cell.value, float):
            out[str(name)] = _excel(cell.value, cell.number_format)
    return out


def _page_rows(browser, table_id: str, key: str, column: str) -> dict[str, str]:
    return browser.execute_script(
        """
        var t = document.getElementById(arguments[0]), out = {};
        var heads = Array.from(t.tHead.rows[0].cells).map(c => c.textContent.trim());
        var k = heads.indexOf(arguments[1]), v = heads.indexOf(arguments[2]);
        Array.from(t.tBodies[0].rows).forEach(r => {
            out[r.cells[k].textContent.trim()] = r.cells[v].textContent.trim(); });
        return out;
        """,
        table_id,
        key,
        column,
    )


def _panel_ranks(browser) -> dict[str, tuple[str, int]]:
    rows = browser.execute_script(
        """return Array.from(document.querySelectorAll(
            'table[data-units=districts] tbody tr')).map(r => Array.from(r.cells).map(
            c => c.textContent.trim()));"""
    )
    return {r[0]: (r[1], int(r[3])) for r in rows}


def test_page_shows_the_workbooks_scores(reports, browser, tmp_path: Path) -> None:
    out = reports.evaluation.spec.output_dir
    page = out / f"{DISTRICT}.html"
    _open(browser, page)
    shot = tmp_path / "district.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 20_000
    book = out / f"{DISTRICT}.xlsx"
    dims_book = _sheet_rows(book, "Dimensions", "Name", "Score")
    dims_page = _page_rows(browser, "t-dimensions", "Name", "Score")
    assert dims_book and dims_page == dims_book
    st_book = _sheet_rows(book, "Stations", "Police station", "Total score")
    st_page = _page_rows(browser, "t-stations_pdf", "Police station", "Total score")
    assert len(st_book) >= 5 and st_page == st_book
    total = _sheet_rows(book, "Dimensions", "Name", "Province mean")
    assert _page_rows(browser, "t-dimensions", "Name", "Province mean") == total
    text = browser.find_element("tag name", "body").text
    summary = openpyxl.load_workbook(book)["Summary"]
    scores = [c for row in summary.iter_rows() for c in row if c.number_format == "0.0"]
    # the page shows what the PDF shows: not the dimensions' best in the province (the sheet's)
    bests = _sheet_rows(book, "Dimensions", "Name", header("best_in_province", "en"))
    shown = [
        c for c in scores if c.value is not None and _excel(c.value, "0.0") not in bests.values()
    ]
    assert len(shown) == len(scores) - len(bests) == 3 + 2 * len(bests)
    assert all(_excel(c.value, "0.0") in text for c in shown)


def test_moving_a_slider_changes_ranks_as_evalkit_computes(reports, browser) -> None:
    from selenium.webdriver.common.keys import Keys

    ev = reports.evaluation
    names = dict(zip(ev.districts["district"], ev.districts["district_en"], strict=True))
    _open(browser, ev.spec.output_dir / f"{DISTRICT}.html")
    before = _panel_ranks(browser)
    assert {n: r for n, (_, r) in before.items()} == {
        names[d]: int(r)
        for d, r in zip(ev.districts["district"], ev.districts["rank"], strict=True)
    }
    weights = ev.weights.table.set_index("id")["local"]
    given = {d: float(weights[d]) for d in ev.dimension_ids}
    # 研判能力 to 1 puts 西山区 before 南港区; 信息来源 to 0 then keeps them so
    for dim, key, value in (("analysis_ability", Keys.END, 1.0), ("info_sources", Keys.HOME, 0.0)):
        slider = browser.find_element("id", f"w-{dim}")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", slider)
        slider.click()
        slider.send_keys(key)  # one dimension's weight to 1, another's to 0, the rest kept
        given[dim] = value
        expected = whatif_ranks(ev, given)
        after = _panel_ranks(browser)
        for d, row in expected.iterrows():
            assert after[names[d]] == (f"{row['total']:.1f}", int(row["rank"])), (dim, d)
    assert [after[names[d]][1] for d in expected.index] != [
        before[names[d]][1] for d in expected.index
    ]

    alpha = browser.find_element("id", "w-alpha")
    alpha.click()
    alpha.send_keys(Keys.HOME)  # α = 0: the objective weights alone, the sliders reset to them
    expected = whatif_ranks(ev, alpha=0.0)
    after = _panel_ranks(browser)
    for d, row in expected.iterrows():
        assert after[names[d]] == (f"{row['total']:.1f}", int(row["rank"])), d


def test_no_network_request(reports, browser) -> None:
    out = reports.evaluation.spec.output_dir
    for page in (out / f"{DISTRICT}.html", out / "comparison.html"):
        _open(browser, page)
        resources = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name);"
        )
        assert resources == []
        urls = [
            m["params"]["request"]["url"]
            for m in (json.loads(e["message"])["message"] for e in browser.get_log("performance"))
            if m["method"] == "Network.requestWillBeSent"
        ]
        # the page, then the embedded font read from its data: URL (no request leaves the file)
        assert urls[0] == page.as_uri()
        assert [u.split(",")[0] for u in urls[1:]] == [f"data:font/{flavor()};base64"]
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []  # a CSP refusal or a script error shows here


# Draws two Chinese characters on a canvas in *font* and says whether their pixels differ: real
# glyphs differ, the boxes drawn for characters no font has are all the same.
_GLYPHS_DIFFER = """
var font = arguments[0], done = arguments[arguments.length - 1];
document.fonts.load(font, "区县").then(function () {
  function pixels(ch) {
    var c = document.createElement("canvas"); c.width = 48; c.height = 48;
    var g = c.getContext("2d"); g.font = font; g.fillStyle = "#000"; g.textBaseline = "top";
    g.fillText(ch, 4, 4);
    return Array.prototype.join.call(g.getImageData(0, 0, 48, 48).data, ",");
  }
  var a = pixels("区"), b = pixels("县");
  done({differ: a !== b, inked: /[1-9]/.test(a)});
});
"""


def test_chinese_renders_without_a_chinese_font_on_the_machine(zh_reports, browser, tmp_path):
    import subprocess

    out = zh_reports.evaluation.spec.output_dir
    page = out / f"{DISTRICT}.html"
    _open(browser, page)
    shot = tmp_path / "district_zh.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 20_000
    status = browser.execute_async_script(
        """var done = arguments[arguments.length - 1];
        document.fonts.ready.then(function () {
          var faces = [];
          document.fonts.forEach(function (f) { faces.push([f.family, f.status]); });
          done({faces: faces, check: document.fonts.check("16px EvalkitSansSC", "区")});
        });"""
    )
    assert status["faces"] == [['"EvalkitSansSC"', "loaded"]] or status["faces"] == [
        ["EvalkitSansSC", "loaded"]
    ]
    assert status["check"] is True
    # the embedded font draws each character as itself
    embedded = browser.execute_async_script(_GLYPHS_DIFFER, "32px EvalkitSansSC")
    assert embedded == {"differ": True, "inked": True}
    # the page's headings are set in it (the first family the browser could use)
    family = browser.execute_script(
        "return getComputedStyle(document.querySelector('main h2')).fontFamily;"
    )
    assert family.split(",")[0].strip().strip('"') == "EvalkitSansSC"
    heading = browser.execute_script("return document.querySelector('main h2').textContent;")
    assert heading == "一、总体评估结果"
    # on a machine with no Chinese font (as this one), any other family draws boxes: the check
    # above would fail without the embedded font
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if not listed.strip():
        fallback = browser.execute_async_script(_GLYPHS_DIFFER, "32px sans-serif")
        assert fallback["differ"] is False
