"""Tests of the Excel renderers: values read back, layout, formula injection and atomic writes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from evalkit.errors import ISSUE_COLUMNS, Issue, Location, issues_frame
from evalkit.report import excel
from evalkit.report.excel import (
    write_comparison_workbook,
    write_district_workbook,
    write_issues_workbook,
)
from evalkit.report.i18n import header, word
from evalkit.report.model import ComparisonReport, DistrictReport, Recommendation, cr_threshold

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "=1+1", "http://x.example"]

DIMS = [
    ("info_collection", "信息采集", "Information collection"),
    ("platform", "平台建设", "Platforms"),
    ("application", "应用成效", "Applications"),
    ("staff", "队伍能力", "Staff skills"),
    ("support", "保障机制", "Support"),
]
# (id, dimension index, zh name, en name, unit, direction, source)
INDICATORS = [
    (
        "basic_info_coverage",
        0,
        "基础信息采集覆盖率",
        "Basic information coverage",
        "%",
        "benefit",
        "statistic",
    ),
    ("info_update_days", 0, "信息更新周期", "Update interval", "天", "cost", "statistic"),
    ("platform_use", 1, "平台使用频率", "Platform use", "", "benefit", "survey"),
    ("data_sharing", 1, "数据共享程度", "Data sharing", "", "benefit", "survey"),
    ("alarm_response", 2, "警情响应时间", "Alarm response time", "分钟", "cost", "statistic"),
    ("case_clearance", 2, "案件破获率", "Case clearance rate", "%", "benefit", "statistic"),
    ("training_hours", 3, "信息化培训时长", "Training hours", "小时", "benefit", "statistic"),
    ("skill_self", 3, "民警信息化技能自评", "Self-rated skills", "", "benefit", "survey"),
    ("funding", 4, "经费保障", "Funding", "", "benefit", "survey"),
    ("rules", 4, "制度建设", "Rules and procedures", "", "benefit", "survey"),
]
STATIONS = ["东湖派出所", "西湖派出所", "南湖派出所", "北湖派出所"]
COUNTS = {
    "respondents": 125,
    "responses_missing": 14,
    "stations": 5,
    "stations_hidden": 1,
    "experts": 3,
    "experts_inconsistent": 1,
    "items": 30,
    "indicators": 10,
    "districts": 9,
}
METHOD = {
    "ri_table": "Saaty (1980)",
    "cr_threshold": "0.10",
    "normalisation": "min-max",
    "aggregation": "weighted sum",
    "group": "AIJ geometric mean",
}


def _zh(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def make_district_report(
    lang: str = "zh", station_names: list[str] | None = None
) -> DistrictReport:
    """A realistic district report: 5 dimensions, 10 indicators, 4 stations, 3 experts x 2 nodes."""
    rng = np.random.default_rng(7)
    dim_names = {d: _zh(lang, zh, en) for d, zh, en in DIMS}
    dim_weights = np.array([0.28, 0.22, 0.2, 0.16, 0.14])
    dim_scores = np.array([81.23456, 67.891, 74.5, 58.04, 90.0])
    dimensions = pd.DataFrame(
        {
            "id": [d for d, _, _ in DIMS],
            "name": list(dim_names.values()),
            "score": dim_scores,
            "province_mean": dim_scores - rng.normal(0, 4, 5),
            "best_in_province": dim_scores + rng.uniform(1, 9, 5),
            "rank": [2, 5, 3, 8, 1],
            "weight": dim_weights,
            "level": [4, 3, 3, 2, 5],
            "level_name": [_zh(lang, n, e) for n, e in [("规范级", "Managed")] * 5],
        }
    )
    rows = []
    for k, (ind_id, d, zh, en, unit, direction, source) in enumerate(INDICATORS):
        local = 0.5 + (0.123456789 if k % 2 == 0 else -0.123456789)  # two per dimension, sum 1
        score = float(rng.uniform(40, 98))
        rows.append(
            {
                "id": ind_id,
                "dimension_id": DIMS[d][0],
                "dimension": dim_names[DIMS[d][0]],
                "name": _zh(lang, zh, en),
                "unit": unit,
                "direction": direction,
                "direction_label": word(direction, lang),
                "source": source,
                "source_label": word(source, lang),
                "raw": float(rng.uniform(0, 100)),
                "worst": 0.0,
                "best": 100.0,
                "score": score,
                "province_mean": score - 3.3333333,
                "local_weight": local,
                "global_weight": local * dim_weights[d],
                "gap": local * dim_weights[d] * (100 - score),
                "n": 120 if source == "survey" else 4,
            }
        )
    indicators = pd.DataFrame(rows)
    indicators.loc[1, "raw"] = np.nan  # a missing raw value must become an empty cell
    names = station_names or STATIONS
    stations = pd.DataFrame(
        {
            "station": names,
            "respondents": [45, 38, 30, 12],
            "total": [84.56789, 77.1, 70.25, 61.0],
            "level": [4, 4, 3, 3],
            "level_name": [_zh(lang, "规范级", "Managed")] * 2
            + [_zh(lang, "发展级", "Developing")] * 2,
            "rank": [1, 2, 3, 4],
            **{d: rng.uniform(50, 95, len(names)) for d, _, _ in DIMS},
        }
    )
    weights_rows = []
    for j, (d, _, _) in enumerate(DIMS):
        weights_rows.append(
            {
                "id": d,
                "name": dim_names[d],
                "depth": 1,
                "parent": "",
                "ahp_local": dim_weights[j] + 0.01,
                "objective_local": dim_weights[j] - 0.01,
                "local": dim_weights[j],
                "ahp_global": dim_weights[j] + 0.01,
                "objective_global": dim_weights[j] - 0.01,
                "global": dim_weights[j],
            }
        )
        for r in rows:
            if r["dimension_id"] == d:
                weights_rows.append(
                    {
                        "id": r["id"],
                        "name": r["name"],
                        "depth": 2,
                        "parent": dim_names[d],
                        "ahp_local": np.nan,  # not computed
                        "objective_local": np.nan,
                        "local": r["local_weight"],
                        "ahp_global": np.nan,
                        "objective_global": np.nan,
                        "global": r["global_weight"],
                    }
                )
    weights = pd.DataFrame(weights_rows)
    goal = _zh(lang, "目标层", "Goal")
    info = dim_names["info_collection"]
    crs = {5: (0.0412345, 0.1534, 0.0871), 2: (0.0, 0.0, 0.0)}
    experts = pd.DataFrame(
        [
            {
                "node_id": node_id,
                "node": node,
                "expert": f"E{e}",
                "n": n,
                "lambda_max": n + cr * 1.12 * (n - 1),
                "ci": cr * 1.12,
                "cr": cr,
                "consistent": cr <= 0.1,
                "used": cr <= 0.1,
            }
            for node_id, node, n in [("goal", goal, 5), ("info_collection", info, 2)]
            for e, cr in zip((1, 2, 3), crs[n], strict=True)
        ]
    )
    group = pd.DataFrame(
        {
            "node_id": ["goal", "info_collection"],
            "node": [goal, dim_names["info_collection"]],
            "experts": [2, 3],
            "lambda_max": [5.1234567, 2.0],
            "cr": [0.0275551, 0.0],
            "consistent": [True, True],
        }
    )
    issues = issues_frame(
        [
            Issue(
                Location(file="survey.xlsx", sheet="问卷", row=17, column="Q5"),
                _zh(lang, "答案超出量表范围", "Answer outside the scale"),
                expected="1-5",
                found="7",
                fix=_zh(lang, "请核对原始问卷", "Check the paper questionnaire"),
            ),
            Issue(
                Location(file="stats.xlsx", sheet="统计", row=3, column="警情响应时间"),
                _zh(lang, "数值缺失，按缺失处理", "Value missing; treated as missing"),
                severity="warning",
                check="missing",
            ),
        ]
    )
    levels = pd.DataFrame(
        {
            "level": [1, 2, 3, 4, 5],
            "name": [
                _zh(lang, n, e)
                for n, e in [
                    ("初始级", "Initial"),
                    ("发展级", "Developing"),
                    ("规范级", "Defined"),
                    ("优化级", "Managed"),
                    ("引领级", "Leading"),
                ]
            ],
            "min_score": [0, 60, 70, 80, 90],
            "max_score": [60, 70, 80, 90, 100],
            "description": [_zh(lang, "信息化处于起步阶段，" * 4, "Just starting. " * 6)] * 5,
        }
    )
    recs = [
        Recommendation(
            id="r1",
            dimension=dim_names["staff"],
            indicators=[rows[6]["name"], rows[7]["name"]],
            priority="high",
            text=_zh(
                lang,
                "加强社区民警信息化技能培训，将培训时长纳入年度考核，并建立常态化的实操演练机制。"
                * 2,
                "Train community officers in information systems and count the hours in the yearly "
                "appraisal; hold regular hands-on drills.",
            ),
        ),
        Recommendation(
            id="r2",
            dimension="",
            indicators=[],
            priority="low",
            text=_zh(lang, "保持现有做法。", "Keep it up."),
        ),
    ]
    tree = pd.DataFrame(
        {
            "id": ["goal"],
            "name": [goal],
            "depth": [0],
            "kind": ["goal"],
            "source": [""],
            "direction_label": [""],
            "worst": [np.nan],
            "best": [np.nan],
            "unit": [""],
        }
    )
    return DistrictReport(
        lang=lang,
        title=_zh(
            lang, "社区警务信息化成熟度评估报告", "Community policing informatization maturity"
        ),
        tree_title=_zh(lang, "社区警务信息化指标体系", "Indicator framework 2024"),
        district=_zh(lang, "东湖区", "Donghu District"),
        district_id="东湖区",
        report_date="2024-06-30",
        total=74.8765432,
        level=3,
        level_name=_zh(lang, "规范级", "Defined"),
        level_description=_zh(
            lang, "信息化建设已形成规范，" * 8, "Informatization follows rules. " * 5
        ),
        rank=2,
        n_districts=9,
        province_mean=70.123456,
        province_best=82.5,
        dimensions=dimensions,
        indicators=indicators,
        stations=stations,
        dimension_columns=dim_names,
        weights=weights,
        experts=experts,
        group=group,
        weakest=indicators.sort_values("gap", ascending=False).head(3),
        recommendations=recs,
        issues=issues,
        levels=levels,
        tree=tree,
        counts={
            "respondents": 125,
            "responses_missing": 14,
            "stations": 5,
            "stations_hidden": 1,
            "experts": 3,
            "experts_inconsistent": 1,
            "items": 30,
            "indicators": 10,
            "districts": 9,
        },
        method={
            "weights": _zh(
                lang, "AHP × 熵权，线性组合，α = 0.5", "AHP x entropy, linear, alpha = 0.5"
            ),
            "ri_table": "Saaty (1980)",
            "cr_threshold": "0.10",
            "normalisation": "min-max",
            "aggregation": "weighted sum",
            "group": "AIJ geometric mean",
        },
        warnings=[
            _zh(
                lang,
                "北湖派出所样本量较少（12份），结果仅供参考。",
                "Beihu station has only 12 respondents.",
            )
        ],
    )


def make_comparison_report(lang: str = "zh") -> ComparisonReport:
    d = make_district_report(lang)
    districts = ["东湖区", "西湖区", "南湖区"]
    dim_ids = list(d.dimension_columns)
    rng = np.random.default_rng(3)
    dist = pd.DataFrame(
        {
            "district": districts,
            "total": [74.8765432, 80.1, 66.66666],
            "level": [3, 4, 2],
            "level_name": ["规范级", "优化级", "发展级"],
            "rank": [2, 1, 3],
            "respondents": [125, 140, 90],
            "stations": [5, 6, 3],
            **{c: rng.uniform(50, 95, 3) for c in dim_ids},
        }
    )
    st = pd.concat(
        [
            d.stations.assign(
                district="东湖区",
                rank_in_district=d.stations["rank"],
                rank_in_province=[1, 3, 5, 8],
            )
        ]
    ).drop(columns=["rank"])
    ind_ids = list(d.indicators["id"])
    indicators = pd.DataFrame(
        {"district": districts, **{i: rng.uniform(30, 100, 3) for i in ind_ids}}
    )
    return ComparisonReport(
        lang=lang,
        title=d.title,
        report_date=d.report_date,
        districts=dist,
        stations=st,
        indicators=indicators,
        dimension_columns=d.dimension_columns,
        indicator_columns=dict(zip(ind_ids, d.indicators["name"], strict=True)),
        weights=d.weights,
        levels=d.levels,
        issues=d.issues,
        method=d.method,
    )


# --------------------------------------------------------------------------------------------
# helpers


def _table(ws) -> tuple[list[str], list[list]]:
    """Header row and data rows of an openpyxl sheet whose table starts in row 1."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def _col(headers: list[str], column: str, lang: str) -> int:
    return headers.index(header(column, lang))


ZH_SHEETS = ["概览", "维度得分", "指标得分", "对策建议", "派出所", "权重", "专家一致性", "数据问题"]
EN_SHEETS = [
    "Summary",
    "Dimensions",
    "Indicators",
    "Recommendations",
    "Stations",
    "Weights",
    "Experts",
    "Data issues",
]


@pytest.fixture(scope="module", params=["zh", "en"])
def district(request, tmp_path_factory) -> tuple[DistrictReport, Path]:
    report = make_district_report(request.param)
    path = tmp_path_factory.mktemp(request.param) / "district.xlsx"
    assert write_district_workbook(report, path) == path
    return report, path


# --------------------------------------------------------------------------------------------
# district workbook


def test_sheet_names_and_no_leftovers(district) -> None:
    report, path = district
    names = CalamineWorkbook.from_path(str(path)).sheet_names
    assert names == (ZH_SHEETS if report.lang == "zh" else EN_SHEETS)
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_summary_values(district) -> None:
    report, path = district
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    kv = {r[0]: r[1:] for r in rows if r and r[0]}
    lang = report.lang
    total = kv[header("total", lang)][0]
    assert isinstance(total, float) and total == report.total
    assert kv[header("level", lang)][0] == report.level
    assert kv[header("level", lang)][1] == report.level_name
    assert kv[header("district", lang)][0] == report.district
    assert kv[header("province_mean", lang)][0] == report.province_mean
    assert kv[header("best_in_province", lang)][0] == report.province_best
    assert any(v[0] == "2 / 9" for v in kv.values())
    flat = [c for r in rows for c in r]
    assert report.level_description in flat
    assert report.warnings[0] in flat
    assert report.method["weights"] in flat
    # dimension table: every dimension's score next to its name
    for _, d in report.dimensions.iterrows():
        row = next(r for r in rows if r[0] == d["name"])
        assert row[1] == d["score"] and row[2] == d["province_mean"]
        assert row[3] == pytest.approx(d["score"] - d["province_mean"])
    ws = openpyxl.load_workbook(path)[ZH_SHEETS[0] if lang == "zh" else EN_SHEETS[0]]
    cell = next(c for c in ws["B"] if c.value == report.total)
    assert cell.number_format == "0.0"


def test_indicator_rows_full_precision(district) -> None:
    report, path = district
    lang = report.lang
    ws = openpyxl.load_workbook(path).worksheets[2]
    headers, rows = _table(ws)
    assert headers[:2] == [header("id", lang), header("name", lang)]
    assert len(rows) == len(report.indicators)
    s, g, raw = (_col(headers, c, lang) for c in ("score", "global_weight", "raw"))
    for row, (_, ind) in zip(rows, report.indicators.iterrows(), strict=True):
        assert row[0] == ind["id"]
        assert row[1] == ind["name"]
        assert row[s] == ind["score"]  # exact, not rounded
        assert row[g] == ind["global_weight"]
        if math.isnan(ind["raw"]):
            assert row[raw] is None
        else:
            assert row[raw] == ind["raw"]
    assert ws.cell(2, s + 1).number_format == "0.0"
    assert ws.cell(2, g + 1).number_format == "0.000"
    assert ws.cell(2, _col(headers, "n", lang) + 1).number_format == "0"
    assert ws.freeze_panes == "C2"
    assert (
        ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}{len(rows) + 1}"
    )
    # a colour scale on the score columns
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    letter = openpyxl.utils.get_column_letter(s + 1)
    assert f"{letter}2:{letter}{len(rows) + 1}" in ranges
    # the name column fits Chinese text but is not absurd
    width = ws.column_dimensions["B"].width
    assert 10 <= width <= 62


def test_stations_sheet(district) -> None:
    report, path = district
    lang = report.lang
    ws = openpyxl.load_workbook(path).worksheets[4]
    headers, rows = _table(ws)
    for dim_id, name in report.dimension_columns.items():
        assert name in headers
        j = headers.index(name)
        assert [r[j] for r in rows] == list(report.stations[dim_id])
    assert [r[_col(headers, "rank", lang)] for r in rows] == [1, 2, 3, 4]
    assert [r[0] for r in rows] == list(report.stations["station"])
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref


def test_weights_sheet_nan_is_empty(district) -> None:
    report, path = district
    lang = report.lang
    ws = openpyxl.load_workbook(path).worksheets[5]
    headers, rows = _table(ws)
    a = _col(headers, "ahp_local", lang)
    g = _col(headers, "global", lang)
    for row, (_, w) in zip(rows, report.weights.iterrows(), strict=True):
        assert row[g] == w["global"]
        assert (row[a] is None) == bool(np.isnan(w["ahp_local"]))
    assert ws.cell(2, g + 1).number_format == "0.000"


def test_experts_sheet(district) -> None:
    report, path = district
    lang = report.lang
    ws = openpyxl.load_workbook(path).worksheets[6]
    headers, rows = _table(ws)
    cr = _col(headers, "cr", lang)
    n = len(report.experts)
    assert [r[cr] for r in rows[:n]] == list(report.experts["cr"])
    ok = _col(headers, "consistent", lang)
    assert {r[ok] for r in rows[:n]} == {word("yes", lang), word("no", lang)}
    assert ws.cell(2, cr + 1).number_format == "0.000"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref
    # the group table below, with its own header row
    group_header = rows.index(next(r for r in rows[n:] if r[0] == header("node_id", lang)))
    group_rows = rows[group_header + 1 : group_header + 1 + len(report.group)]
    gcr = rows[group_header].index(header("cr", lang))
    assert [r[gcr] for r in group_rows] == list(report.group["cr"])
    # CR above the threshold (0.10) highlighted with a 'greater than' rule
    rules = [
        (str(cf.sqref), rule.operator, rule.formula)
        for cf in ws.conditional_formatting
        for rule in cf.rules
        if rule.type == "cellIs"
    ]
    assert any(op == "greaterThan" and f == ["0.1"] for _, op, f in rules)


def test_recommendations_and_issues(district) -> None:
    report, path = district
    lang = report.lang
    wb = openpyxl.load_workbook(path)
    headers, rows = _table(wb.worksheets[3])
    assert headers[0] == header("priority", lang)
    assert rows[0][0] == word("high", lang)
    assert rows[0][3] == report.recommendations[0].text
    assert report.recommendations[0].indicators[0] in rows[0][2]
    assert wb.worksheets[3].cell(2, 4).alignment.wrap_text
    headers, rows = _table(wb.worksheets[7])
    assert headers == [header(c, lang) for c in ISSUE_COLUMNS]
    assert len(rows) == 2
    assert rows[0][0] == word("error", lang) and rows[1][0] == word("warning", lang)
    assert rows[0][_col(headers, "row", lang)] == 17
    assert rows[1][_col(headers, "line", lang)] is None


# --------------------------------------------------------------------------------------------
# safety


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_formula_injection_district(tmp_path: Path, lang: str) -> None:
    names = HOSTILE[:4]
    report = make_district_report(lang, station_names=names)
    issues = report.issues.copy()
    issues.loc[0, "message"] = HOSTILE[0]
    issues.loc[1, "found"] = HOSTILE[2]
    object.__setattr__(report, "issues", issues)
    path = write_district_workbook(report, tmp_path / "d.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[4]
    for i, name in enumerate(names):
        cell = ws.cell(i + 2, 1)
        assert cell.data_type == "s" and cell.value == name
    headers, _ = _table(wb.worksheets[7])
    msg = wb.worksheets[7].cell(2, _col(headers, "message", lang) + 1)
    assert msg.data_type == "s" and msg.value == HOSTILE[0]
    found = wb.worksheets[7].cell(3, _col(headers, "found", lang) + 1)
    assert found.data_type == "s" and found.value == "-2"
    assert not any(c.hyperlink for sheet in wb.worksheets for r in sheet.iter_rows() for c in r)


def test_formula_injection_issues_workbook(tmp_path: Path) -> None:
    frame = pd.DataFrame({c: [""] * len(HOSTILE) for c in ISSUE_COLUMNS})
    frame["severity"] = "error"
    frame["message"] = HOSTILE
    frame["found"] = HOSTILE[::-1]
    frame["row"] = [2, 3, None, 5, 6, 7]
    path = write_issues_workbook(frame, tmp_path / "issues.xlsx", "en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Data issues"]
    ws = wb.active
    headers, rows = _table(ws)
    assert headers == [header(c, "en") for c in ISSUE_COLUMNS]
    m = headers.index(header("message", "en")) + 1
    f = headers.index(header("found", "en")) + 1
    for i, text in enumerate(HOSTILE):
        for col, expected in ((m, text), (f, HOSTILE[::-1][i])):
            cell = ws.cell(i + 2, col)
            assert cell.data_type == "s" and cell.value == expected
    assert [r[ISSUE_COLUMNS.index("row")] for r in rows] == [2, 3, None, 5, 6, 7]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:M7"
    # calamine reads the same literal strings
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [r[m - 1] for r in values[1:]] == HOSTILE


def test_issues_workbook_empty_and_missing_columns(tmp_path: Path) -> None:
    path = write_issues_workbook(pd.DataFrame({"message": ["缺失"]}), tmp_path / "i.xlsx", "zh")
    headers, rows = _table(openpyxl.load_workbook(path)["数据问题"])
    assert headers == [header(c, "zh") for c in ISSUE_COLUMNS]
    assert rows[0][headers.index("问题")] == "缺失"
    path = write_issues_workbook(issues_frame([]), tmp_path / "e.xlsx", "zh")
    assert openpyxl.load_workbook(path)["数据问题"].max_row == 1


def _older(path: Path) -> bytes:
    path.write_bytes(b"older workbook")
    return path.read_bytes()


def test_atomic_write_unwritable_value(tmp_path: Path) -> None:
    report = make_district_report("zh")
    stations = report.stations.astype({"station": object})
    stations.loc[2, "station"] = object()  # xlsxwriter cannot write this
    object.__setattr__(report, "stations", stations)
    path = tmp_path / "d.xlsx"
    before = _older(path)
    with pytest.raises(TypeError):
        write_district_workbook(report, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["d.xlsx"]


def test_atomic_write_close_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_close = xlsxwriter.Workbook.close

    def broken_close(self) -> None:
        real_close(self)  # the temporary file is complete on disk ...
        raise OSError("disk full")  # ... but the write still fails

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    for write, report in (
        (write_district_workbook, make_district_report("en")),
        (write_comparison_workbook, make_comparison_report("en")),
    ):
        path = tmp_path / "out.xlsx"
        before = _older(path)
        with pytest.raises(OSError, match="disk full"):
            write(report, path)
        assert path.read_bytes() == before
        assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    with pytest.raises(OSError):
        write_issues_workbook(make_district_report().issues, tmp_path / "new.xlsx", "zh")
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_overwrites_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    _older(path)
    write_district_workbook(make_district_report("zh"), path)
    assert CalamineWorkbook.from_path(str(path)).sheet_names == ZH_SHEETS


def test_cr_threshold_parsing() -> None:
    assert cr_threshold({"cr_threshold": "0.10"}) == 0.10
    assert cr_threshold({"cr_threshold": "CR < 0.05"}) == 0.05
    assert cr_threshold({}) == 0.10


def test_text_width_counts_cjk_double() -> None:
    assert excel._text_width("东湖派出所") == 10
    assert excel._text_width("ab东") == 4


# --------------------------------------------------------------------------------------------
# comparison workbook


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_comparison_workbook(tmp_path: Path, lang: str) -> None:
    report = make_comparison_report(lang)
    path = write_comparison_workbook(report, tmp_path / "comparison.xlsx")
    wb = openpyxl.load_workbook(path)
    expected = (
        ["区县对比", "派出所", "指标得分", "权重", "等级标准", "数据问题"]
        if lang == "zh"
        else ["Districts", "Stations", "Indicators", "Weights", "Levels", "Data issues"]
    )
    assert wb.sheetnames == expected
    headers, rows = _table(wb.worksheets[0])
    t = _col(headers, "total", lang)
    assert [r[t] for r in rows] == list(report.districts["total"])
    for dim_id, name in report.dimension_columns.items():
        j = headers.index(name)
        assert [r[j] for r in rows] == list(report.districts[dim_id])
    assert wb.worksheets[0].freeze_panes == "B2"

    headers, rows = _table(wb.worksheets[1])
    assert headers[:2] == [header("district", lang), header("station", lang)]
    rp = _col(headers, "rank_in_province", lang)
    assert [r[rp] for r in rows] == [1, 3, 5, 8]
    assert wb.worksheets[1].freeze_panes == "C2"

    ws = wb.worksheets[2]
    headers, rows = _table(ws)
    assert headers[0] == header("district", lang)
    assert headers[1:] == list(report.indicator_columns.values())
    for row, (_, src) in zip(rows, report.indicators.iterrows(), strict=True):
        assert row[0] == src["district"]
        assert row[1:] == [src[i] for i in report.indicator_columns]
    assert ws.cell(2, 2).number_format == "0.0"
    assert len(ws.conditional_formatting) >= len(report.indicator_columns)
    assert ws.auto_filter.ref

    headers, rows = _table(wb.worksheets[4])
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert wb.worksheets[4].cell(2, 5).alignment.wrap_text
    headers, rows = _table(wb.worksheets[5])
    assert len(rows) == 2


def test_comparison_indicators_indexed_by_district(tmp_path: Path) -> None:
    report = make_comparison_report("en")
    object.__setattr__(report, "indicators", report.indicators.set_index("district"))
    path = write_comparison_workbook(report, tmp_path / "c.xlsx")
    headers, rows = _table(openpyxl.load_workbook(path)["Indicators"])
    assert headers[0] == header("district", "en")
    assert [r[0] for r in rows] == ["东湖区", "西湖区", "南湖区"]


def test_empty_tables(tmp_path: Path) -> None:
    report = make_district_report("en")
    for name in ("stations", "experts", "group", "issues"):
        object.__setattr__(report, name, getattr(report, name).iloc[0:0])
    object.__setattr__(report, "recommendations", [])
    object.__setattr__(report, "warnings", [])
    path = write_district_workbook(report, tmp_path / "d.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["Stations"].max_row == 1
    assert wb["Recommendations"].max_row == 1


def test_numbers_round_trip_exactly(tmp_path: Path) -> None:
    values = [
        0.1 + 0.2,
        61.602367355029095,
        1 / 3,
        1e-05,
        2.5e-12,
        123456789.123456789,
        100.0,
        -0.0,
    ]
    frame = pd.DataFrame({c: [""] * len(values) for c in ISSUE_COLUMNS})
    frame["row"] = values
    path = write_issues_workbook(frame, tmp_path / "n.xlsx", "en")
    read = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    j = ISSUE_COLUMNS.index("row")
    assert [r[j] for r in read[1:]] == values
    ws = openpyxl.load_workbook(path).active
    assert [ws.cell(i + 2, j + 1).value for i in range(len(values))] == values
