"""PDF report: rendering in zh/en, literal user text, font errors."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from evalkit.errors import FontError
from evalkit.report import fonts
from evalkit.report.fonts import BUNDLED_FAMILY, bundled_font
from evalkit.report.model import DistrictReport, Recommendation

HOSTILE = '#import "@preview/x:0.1.0" *bold* $x$ <a> @ref'

DIMS = {
    "zh": [
        (
            "info",
            "基础信息采集",
            [
                "基础信息采集覆盖率",
                "实有人口登记率",
                "重点人员信息完整率",
                "出租房屋登记率",
                "信息更新及时率",
                "移动采集终端配备率",
            ],
        ),
        (
            "share",
            "数据共享应用",
            [
                "跨部门数据共享率",
                "数据查询响应时间",
                "警务数据标准化率",
                "共享平台使用率",
                "数据质量合格率",
            ],
        ),
        (
            "service",
            "智慧便民服务",
            [
                "网上办事覆盖率",
                "群众满意度",
                "一网通办事项比例",
                "线上预约使用率",
                "服务投诉下降率",
            ],
        ),
        (
            "patrol",
            "智能巡防管控",
            [
                "视频监控覆盖率",
                "智能感知设备密度",
                "巡逻轨迹采集率",
                "警情研判准确率",
                "街面发案下降率",
            ],
        ),
        (
            "skill",
            "民警信息素养",
            [
                "信息化培训参训率",
                "系统操作熟练度",
                "数据分析能力自评",
                "创新应用案例数",
                "信息化考核得分",
            ],
        ),
    ],
    "en": [
        (
            "info",
            "Basic information collection",
            [
                "Basic information coverage",
                "Resident registration rate",
                "Key person data completeness",
                "Rental housing registration",
                "Timely information update",
                "Mobile terminals per officer",
            ],
        ),
        (
            "share",
            "Data sharing",
            [
                "Cross-agency data sharing",
                "Query response time",
                "Data standardisation",
                "Platform usage",
                "Data quality pass rate",
            ],
        ),
        (
            "service",
            "Smart public service",
            [
                "Online service coverage",
                "Public satisfaction",
                "One-stop service share",
                "Online booking use",
                "Complaint reduction",
            ],
        ),
        (
            "patrol",
            "Smart patrol and control",
            [
                "CCTV coverage",
                "Sensor density",
                "Patrol track capture",
                "Incident analysis accuracy",
                "Street crime reduction",
            ],
        ),
        (
            "skill",
            "Officer digital literacy",
            [
                "Training participation",
                "System proficiency",
                "Data analysis self-rating",
                "Innovation cases",
                "IT assessment score",
            ],
        ),
    ],
}


def fake_report(
    lang: str = "zh",
    *,
    district: str | None = None,
    station0: str | None = None,
    n_issues: int = 40,
) -> DistrictReport:
    """A realistic, fully synthetic district report (5 dimensions, 26 indicators, 7 stations)."""
    zh = lang == "zh"
    dims = DIMS[lang]
    district = district or ("东湖区" if zh else "Donghu District")
    dim_w = [0.28, 0.22, 0.18, 0.20, 0.12]
    dim_rows, ind_rows, weight_rows, tree_rows = [], [], [], []
    tree_rows.append(
        dict(
            id="goal",
            name="社区警务信息化成熟度" if zh else "Community policing informatization maturity",
            depth=0,
            kind="goal",
            source="",
            direction_label="",
            worst=math.nan,
            best=math.nan,
            unit="",
        )
    )
    k = 0
    for di, (did, dname, inds) in enumerate(dims):
        score = [62.35, 78.04, 55.16, 70.92, 81.47][di]
        dim_rows.append(
            dict(
                id=did,
                name=dname,
                score=score,
                province_mean=score - 3.2 + di,
                best_in_province=min(100.0, score + 12.5),
                rank=di + 1,
                weight=dim_w[di],
                level=3,
                level_name="发展级" if zh else "Developing",
            )
        )
        weight_rows.append(
            dict(
                id=did,
                name=dname,
                depth=1,
                parent="goal",
                ahp_local=dim_w[di],
                objective_local=math.nan,
                local=dim_w[di],
                ahp_global=dim_w[di],
                objective_global=math.nan,
                **{"global": dim_w[di]},
            )
        )
        tree_rows.append(
            dict(
                id=did,
                name=dname,
                depth=1,
                kind="criterion",
                source="",
                direction_label="",
                worst=math.nan,
                best=math.nan,
                unit="",
            )
        )
        for ii, iname in enumerate(inds):
            k += 1
            lw = 1 / len(inds)
            gw = dim_w[di] * lw
            s = (37 * k) % 100 + 0.37
            cost = ii == 1 and did == "share"
            unit = "秒" if cost and zh else ("s" if cost else "%")
            ind_rows.append(
                dict(
                    id=f"{did}_{ii}",
                    dimension_id=did,
                    dimension=dname,
                    name=iname,
                    unit=unit,
                    direction="cost" if cost else "benefit",
                    direction_label=("逆向" if zh else "cost")
                    if cost
                    else ("正向" if zh else "benefit"),
                    source="survey" if ii % 2 else "statistic",
                    source_label=("民警问卷" if zh else "officer survey")
                    if ii % 2
                    else ("统计数据" if zh else "station statistics"),
                    raw=12.345 if cost else 40 + s * 0.55,
                    worst=0.0,
                    best=100.0,
                    score=s,
                    province_mean=60.0 + ii,
                    local_weight=lw,
                    global_weight=gw,
                    gap=gw * (100 - s),
                    n=120 + k,
                )
            )
            weight_rows.append(
                dict(
                    id=f"{did}_{ii}",
                    name=iname,
                    depth=2,
                    parent=did,
                    ahp_local=lw,
                    objective_local=lw * 1.1,
                    local=lw,
                    ahp_global=gw,
                    objective_global=gw * 0.9,
                    **{"global": gw},
                )
            )
            tree_rows.append(
                dict(
                    id=f"{did}_{ii}",
                    name=iname,
                    depth=2,
                    kind="indicator",
                    source=f"问卷第 {k} 题均值" if zh else f"mean of item Q{k}",
                    direction_label="正向" if zh else "benefit",
                    worst=0.0,
                    best=100.0,
                    unit=unit,
                )
            )
    indicators = pd.DataFrame(ind_rows)
    st_names = (
        [
            "东湖派出所",
            "西湖派出所",
            "南湖派出所",
            "北湖派出所",
            "湖滨派出所",
            "城关派出所",
            "新港派出所",
        ]
        if zh
        else [
            "Donghu Station",
            "Xihu Station",
            "Nanhu Station",
            "Beihu Station",
            "Hubin Station",
            "Chengguan Station",
            "Xingang Station",
        ]
    )
    if station0:
        st_names[0] = station0
    st_rows = []
    for i, st in enumerate(st_names):
        row = dict(
            station=st,
            respondents=30 + i,
            total=84.25 - 4.1 * i,
            level=4 - i // 3,
            level_name="成熟级" if zh else "Mature",
            rank=i + 1,
        )
        for di, (did, _, _) in enumerate(dims):
            row[did] = 60 + ((i * 7 + di * 11) % 35) + 0.44
        st_rows.append(row)
    experts, group = [], []
    nodes = [("goal", "社区警务信息化成熟度" if zh else "Goal", 5)] + [
        (did, dn, len(inds)) for did, dn, inds in dims
    ]
    for nid, nname, n in nodes:
        for e in range(8):
            cr = 0.02 + 0.017 * ((e * 3 + n) % 8)
            experts.append(
                dict(
                    node_id=nid,
                    node=nname,
                    expert=f"E{e + 1:02d}",
                    n=n,
                    lambda_max=n + cr * 1.12 * (n - 1),
                    ci=cr * 1.12,
                    cr=cr,
                    consistent=cr <= 0.1,
                    used=cr <= 0.1,
                )
            )
        group.append(
            dict(
                node_id=nid, node=nname, experts=8, lambda_max=n + 0.05, cr=0.0123, consistent=True
            )
        )
    issues = pd.DataFrame(
        [
            dict(
                severity="warning",
                file="survey.xlsx",
                sheet="问卷" if zh else "Survey",
                row=10 + i,
                column="Q3",
                line=None,
                path="",
                check="range",
                message=("取值超出范围" if zh else "value out of range"),
                expected="1-5",
                found="7",
                fix=("已按缺失值处理" if zh else "treated as missing"),
            )
            for i in range(n_issues)
        ]
    )
    levels = pd.DataFrame(
        [
            dict(
                level=1,
                name="起步级" if zh else "Initial",
                min_score=0,
                max_score=40,
                description="信息化基础薄弱" if zh else "Weak foundations",
            ),
            dict(
                level=2,
                name="建设级" if zh else "Building",
                min_score=40,
                max_score=60,
                description="系统初步建成" if zh else "Systems being built",
            ),
            dict(
                level=3,
                name="发展级" if zh else "Developing",
                min_score=60,
                max_score=75,
                description="应用逐步深化" if zh else "Applications deepening",
            ),
            dict(
                level=4,
                name="成熟级" if zh else "Mature",
                min_score=75,
                max_score=90,
                description="数据驱动警务" if zh else "Data-driven policing",
            ),
            dict(
                level=5,
                name="引领级" if zh else "Leading",
                min_score=90,
                max_score=100,
                description="智慧警务标杆" if zh else "Benchmark of smart policing",
            ),
        ]
    )
    recs = [
        Recommendation(
            "r1",
            dims[2][1],
            [dims[2][2][0]],
            "high",
            "加快推进“一网通办”，将户政、出入境等高频事项全部纳入线上办理。"
            if zh
            else "Move all high-frequency household and exit-entry services online.",
        ),
        Recommendation(
            "r2",
            dims[0][1],
            [dims[0][2][0]],
            "medium",
            "建立基础信息采集常态化机制，按季度核查更新实有人口数据。"
            if zh
            else "Set up routine quarterly checks of resident population data.",
        ),
        Recommendation(
            "r3",
            "",
            [],
            "low",
            "定期组织信息化专题培训，提升民警数据分析能力。"
            if zh
            else "Hold regular data-analysis training for community officers.",
        ),
    ]
    weakest = indicators.sort_values("gap", ascending=False).head(5)
    return DistrictReport(
        lang=lang,
        title=(
            "社区警务信息化成熟度评估报告（模拟数据）"
            if zh
            else "Community Policing Informatization Maturity Assessment (synthetic data)"
        ),
        tree_title="社区警务信息化成熟度指标体系 v1" if zh else "Maturity indicator tree v1",
        district=district,
        district_id="donghu",
        report_date="2025-03-31",
        total=68.456,
        level=3,
        level_name="发展级" if zh else "Developing",
        level_description=(
            "信息化应用逐步深化，部分领域仍有短板。"
            if zh
            else "Applications are deepening; some areas still lag."
        ),
        rank=2,
        n_districts=9,
        province_mean=64.04,
        province_best=79.95,
        dimensions=pd.DataFrame(dim_rows),
        indicators=indicators,
        stations=pd.DataFrame(st_rows),
        dimension_columns={did: dn for did, dn, _ in dims},
        weights=pd.DataFrame(weight_rows),
        experts=pd.DataFrame(experts),
        group=pd.DataFrame(group),
        weakest=weakest,
        recommendations=recs,
        issues=issues,
        levels=levels,
        tree=pd.DataFrame(tree_rows),
        counts=dict(
            respondents=231,
            responses_missing=17,
            stations=9,
            stations_hidden=2,
            experts=8,
            experts_inconsistent=6,
            items=48,
            indicators=26,
            districts=9,
        ),
        method=dict(
            weights=(
                "AHP × 熵权，线性组合，α = 0.5" if zh else "AHP x entropy, linear, alpha = 0.5"
            ),
            ri_table="Saaty (1980)",
            cr_threshold="0.10",
            normalisation=("目标值法（阈值法）" if zh else "goalposts"),
            aggregation=("加权求和" if zh else "weighted sum"),
            objective_units=("派出所" if zh else "stations"),
            group=("AIJ 几何平均" if zh else "AIJ geometric mean"),
        ),
        warnings=(
            ["2 个派出所有效问卷不足 20 份，未单独列示。"]
            if zh
            else ["2 stations with fewer than 20 respondents are not shown."]
        ),
    )


# ---------------------------------------------------------------- helpers

MPL_FONTS = Path(__import__("matplotlib").get_data_path()) / "fonts" / "ttf"
LATIN_FONT = MPL_FONTS / "DejaVuSans.ttf"  # ships with matplotlib: the same on every machine


@pytest.fixture()
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever fonts this machine has, the report may use only the fonts it is given."""

    def none(chars: set[str]) -> list[Path]:
        return []

    monkeypatch.setattr(fonts, "find_fallback_fonts", none)


def _embedded_fonts(pdf: Path) -> set[str]:
    """BaseFont names of the fonts embedded in a PDF, without the subset tag ("ABCDEF+")."""
    import pypdf

    names: set[str] = set()
    for page in pypdf.PdfReader(str(pdf)).pages:
        res = page.get("/Resources")
        res = res.get_object() if res is not None else {}
        for f in (res.get("/Font") or {}).values():
            f = f.get_object()
            base = str(f.get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+", 1)[-1])
    return names


def _text(pdf: Path) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _flat(text: str) -> str:
    """Extracted text without whitespace (line breaks may fall anywhere in long strings)."""
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_render_contains_values(tmp_path: Path, lang: str) -> None:
    from evalkit.report.pdf import render_district_pdf

    report = fake_report(lang)
    out = render_district_pdf(report, tmp_path / f"r_{lang}.pdf")
    assert out == tmp_path / f"r_{lang}.pdf"
    assert out.read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # atomic write
    text = _text(out)
    flat = _flat(text)
    assert _flat(report.district) in flat
    assert "68.5" in text  # total score, 1 decimal
    assert _flat(report.level_name) in flat
    assert _flat(report.stations["station"].iloc[0]) in flat
    for rec in report.recommendations:
        assert _flat(rec.text) in flat
    assert "0.012" in text  # group CR, 3 decimals
    assert "0.105" in text  # an expert CR above the threshold
    assert "0.280" in text  # a weight, 3 decimals
    assert _flat(report.indicators["name"].iloc[0]) in flat
    page_word = "页" if lang == "zh" else "Page"
    assert page_word in text
    assert 5 <= len(__import__("pypdf").PdfReader(str(out)).pages) <= 12


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_user_text_is_not_markup(tmp_path: Path, lang: str) -> None:
    from evalkit.report.pdf import render_district_pdf

    report = fake_report(
        lang, district=HOSTILE, station0="站" + HOSTILE if lang == "zh" else "St " + HOSTILE
    )
    out = render_district_pdf(report, tmp_path / "hostile.pdf")
    flat = _flat(_text(out))
    assert _flat(HOSTILE) in flat
    for piece in ('#import"@preview/x:0.1.0"', "*bold*", "$x$", "<a>", "@ref"):
        assert piece in flat


def test_overwrites_existing_file(tmp_path: Path) -> None:
    from evalkit.report.pdf import render_district_pdf

    target = tmp_path / "sub" / "r.pdf"
    target.parent.mkdir()
    target.write_bytes(b"old")
    render_district_pdf(fake_report("en"), target)
    assert target.read_bytes().startswith(b"%PDF")


def test_latin_font_given_is_completed_by_the_bundled_font(
    tmp_path: Path, no_system_fonts: None
) -> None:
    """--font with a Latin-only font: its Latin text, the bundled font's Chinese, no box."""
    from evalkit.report.pdf import render_district_pdf

    report = fake_report("zh")
    out = render_district_pdf(report, tmp_path / "x.pdf", font=LATIN_FONT)
    assert _flat(report.district) in _flat(_text(out))
    embedded = _embedded_fonts(out)
    assert any(n.startswith("DejaVuSans") for n in embedded), embedded
    assert any(n.startswith("EvalkitSansSC") for n in embedded), embedded


def test_missing_font_file_raises(tmp_path: Path) -> None:
    from evalkit.report.pdf import render_district_pdf

    with pytest.raises(FontError, match=r"nope\.ttf"):
        render_district_pdf(fake_report("zh"), tmp_path / "x.pdf", font=tmp_path / "nope.ttf")
    assert not (tmp_path / "x.pdf").exists()


def test_character_no_font_has_is_shown_as_its_code(tmp_path: Path, no_system_fonts: None) -> None:
    """An Egyptian hieroglyph and an emoji: no font has them; the PDF shows [U+...], no box."""
    from evalkit.report.pdf import render_district_pdf

    report = fake_report("zh", district="东湖区\U00013000", station0="花园\U0001f46e派出所")
    text = _flat(_text(render_district_pdf(report, tmp_path / "x.pdf")))
    assert "东湖区[U+13000]" in text
    assert "花园[U+1F46E]派出所" in text
    assert "\U00013000" not in text and "\U0001f46e" not in text


def test_character_missing_from_the_bundled_font_comes_from_an_installed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Hebrew letter is not in the bundled font; an installed font that has it is used."""
    from evalkit.report.pdf import render_district_pdf

    monkeypatch.setattr(fonts, "_font_dirs", lambda: [MPL_FONTS])
    monkeypatch.setattr(fonts, "_fontconfig_fallbacks", lambda chars: [])
    assert ord("\u05d0") not in fonts.covered(bundled_font())
    out = render_district_pdf(fake_report("en", district="Dist \u05d0"), tmp_path / "x.pdf")
    assert "Dist\u05d0" in _flat(_text(out))
    assert any(n.startswith("DejaVuSans") for n in _embedded_fonts(out))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_character_is_in_an_embedded_font(
    tmp_path: Path, lang: str, no_system_fonts: None
) -> None:
    """System fonts ignored: the report is set in the bundled font only, which has every
    character the text holds (so no glyph is an empty box)."""
    from evalkit.report.pdf import render_district_pdf

    out = render_district_pdf(fake_report(lang), tmp_path / "r.pdf")
    embedded = _embedded_fonts(out)
    text_fonts = {n for n in embedded if not n.startswith("NewCMMath")}  # Typst's math font
    assert text_fonts == {"EvalkitSansSC-Regular-Identity-H", "EvalkitSansSC-Bold-Identity-H"}
    text = _text(out)
    assert len(text) > 2000
    cps = fonts.covered(bundled_font()) & fonts.covered(bundled_font("bold"))
    uncovered = {ch for ch in text if not ch.isspace() and ord(ch) not in cps}
    # the formulas are set in Typst's own math font: math italic letters and operators
    math = {ch for ch in uncovered if 0x1D400 <= ord(ch) <= 0x1D7FF or ch in "⋅ΣλαχΔ∑∏−"}
    assert uncovered - math == set()


def test_font_helpers() -> None:
    from evalkit.report.fonts import check_coverage, cjk_family, font_chain

    assert cjk_family(bundled_font()) == BUNDLED_FAMILY
    assert cjk_family(bundled_font("bold")) == BUNDLED_FAMILY
    assert check_coverage(bundled_font(), ["东湖区派出所 基础信息采集覆盖率 λmax ≥ → ①"]) == set()
    assert check_coverage(bundled_font(), ["\U00013000"]) == {"\U00013000"}
    # level 3 of the 通用规范汉字表 (place-name characters) is in, beyond GB 2312
    assert check_coverage(bundled_font(), ["亳堃淼昇"]) == set()
    assert font_chain().families == [BUNDLED_FAMILY]
    assert font_chain(LATIN_FONT).families == ["DejaVu Sans", BUNDLED_FAMILY]


def test_charts_keep_dollar_signs_literal() -> None:
    """Chart labels are text, not mathtext: "$ x $" keeps its dollars, "$\\frac{$" draws."""
    from fontTools.ttLib import TTFont

    from evalkit.report.charts import plot_station_bars

    svg = plot_station_bars(["$ x $", "cost $5 or $6", "$\\frac{$"], [50, 60, 70], lang="en")
    f = TTFont(str(bundled_font()))
    gid = {ch: f.getGlyphID(f.getBestCmap()[ord(ch)]) for ch in "$\\{"}
    for ch, g in gid.items():
        assert f'id="EvalkitSansSC-Regular-{g:x}"' in svg, ch
    assert "Oblique" not in svg and "cmmi" not in svg.lower()


def test_charts_are_deterministic_svg() -> None:
    from evalkit.report.charts import plot_radar, plot_station_bars

    labels = ["基础信息采集", "数据共享应用", "智慧便民服务", "智能巡防管控", "民警信息素养"]
    a = plot_radar(labels, [60, 70, 80, 50, 90], [65] * 5, lang="zh", font_path=None)
    b = plot_radar(labels, [60, 70, 80, 50, 90], [65] * 5, lang="zh", font_path=None)
    assert a == b and a.lstrip().startswith("<?xml") and "<text" not in a
    bars = plot_station_bars(["东湖派出所", "西湖派出所"], [80.0, 70.5], lang="zh", font_path=None)
    assert "<svg" in bars and "<text" not in bars


def test_sparse_report_renders(tmp_path: Path) -> None:
    """No stations, no issues, no experts, no recommendations, two dimensions."""
    import dataclasses

    from evalkit.report.pdf import render_district_pdf

    full = fake_report("en")
    report = dataclasses.replace(
        full,
        stations=full.stations.iloc[0:0],
        issues=full.issues.iloc[0:0],
        experts=full.experts.iloc[0:0],
        recommendations=[],
        warnings=[],
        dimensions=full.dimensions.head(2),
        weakest=full.weakest.iloc[0:0],
    )
    text = _text(render_district_pdf(report, tmp_path / "sparse.pdf"))
    assert "No data issues were found." in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_evalkit_s_own_words_need_no_font_but_the_bundled_one(lang: str) -> None:
    """On a machine with no fonts, every character of the example's reports (evalkit's phrases,
    formulas, notes, charts and the example's names) is drawn by the bundled font: none prints as
    [U+XXXX]. (The fuzzy evaluation's B = A ∘ R once needed U+2218, which it lacks.)"""
    import unicodedata

    from fontTools.ttLib import TTFont

    from evalkit.pipeline import evaluate
    from evalkit.report import pdf as district_pdf
    from evalkit.report.comparison_pdf import comparison_pdf_sections
    from evalkit.report.pdf_data import build_data, charts_of, sections_of
    from evalkit.report.tables import comparison_report, district_report, load_rules

    ev = evaluate(Path(__file__).resolve().parents[2])
    rules = load_rules(ev)
    texts: list[str] = []
    for district in ev.districts["district"]:
        model = district_report(ev, district, lang, rules)
        texts += district_pdf._strings(build_data(model, []))
        texts += district_pdf._strings([c.data for c in charts_of(sections_of(model))])
    comparison = comparison_pdf_sections(comparison_report(ev, lang), ev)
    texts += district_pdf._strings([c.data for c in charts_of(comparison)])
    for section in comparison:
        for s in section.walk():
            texts += [s.title, *district_pdf._strings([repr(b) for b in s.blocks])]
    cmap = TTFont(bundled_font("regular")).getBestCmap()
    drawn = {c for t in texts for c in t if not c.isspace() and unicodedata.category(c) != "Cf"}
    assert len(drawn) > (400 if lang == "zh" else 60)
    assert {c for c in drawn if ord(c) not in cmap} == set()
