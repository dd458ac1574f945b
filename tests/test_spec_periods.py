"""``periods``, ``base_period`` and ``period_change`` in the project file: every key and value
checked at its line, in both languages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from evalkit.errors import SpecError
from evalkit.spec import PeriodChangeSpec, load_spec

CJK = re.compile(r"[\u4e00-\u9fff]")

PERIODS = """periods:
  - id: 2025
    label: {zh: 2025年, en: "2025"}
    data:
      surveys: [surveys/2025/*.xlsx]
      experts: surveys/experts.xlsx
  - id: "2026"
    label: 2026
    data:
      surveys: [surveys/*.xlsx]
base_period: 2025
"""


def _periods(project: Path, block: str = PERIODS) -> Path:
    """The example project with its data: section replaced by *block*; surveys/2025 holds a copy
    of the example's district workbooks."""
    (project / "surveys" / "2025").mkdir()
    for f in (project / "surveys").glob("*区.xlsx"):
        shutil.copyfile(f, project / "surveys" / "2025" / f.name)
    path = project / "evalkit.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^data:.*?(?=^weights:)", block, text)
    path.write_text(text, encoding="utf-8")
    return path


def _line(path: Path, text: str, nth: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [k for k, t in enumerate(lines, start=1) if text in t][nth]


def _problems(project: Path) -> list:
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    for issue in exc.value.issues:
        assert CJK.search(issue.message_zh), issue  # every problem in both languages
    return exc.value.issues


def test_two_periods_are_read_and_the_spec_is_the_base_periods(project: Path) -> None:
    _periods(project)
    spec = load_spec(project)
    assert [p.id for p in spec.periods] == ["2025", "2026"]
    assert spec.periods[0].label == {"zh": "2025年", "en": "2025"}
    assert spec.periods[1].label == {"zh": "2026", "en": "2026"}
    assert spec.base_period == "2025"
    assert spec.period_change == PeriodChangeSpec()
    # the spec's own data are the base period's: evaluate(spec) is the base period
    assert {p.parent.name for p in spec.surveys} == {"2025"}
    assert spec.experts == project / "surveys" / "experts.xlsx"
    later = spec.for_period("2026")
    # a period's survey glob never takes the experts workbook another period names
    assert {p.name for p in later.surveys} == {
        "北岭区.xlsx",
        "南港区.xlsx",
        "东湖区.xlsx",
        "西山区.xlsx",
    }
    assert later.experts is None and later.tree == spec.tree
    assert spec.notes == ()
    with pytest.raises(KeyError):
        spec.for_period("2024")


def test_a_project_without_periods_has_none(project: Path) -> None:
    spec = load_spec(project)
    assert spec.periods == () and spec.base_period == ""


def test_unknown_keys_in_a_period_and_in_period_change_name_the_nearest(project: Path) -> None:
    path = _periods(
        project,
        PERIODS.replace("    label: 2026", "    lable: 2026")
        + "period_change: {draws: 200, sed: 3}\n",
    )
    issues = _problems(project)
    assert [(i.message, i.location.line) for i in issues] == [
        ("unknown key `sed` in period_change", _line(path, "period_change:")),
        ("unknown key `lable` in a period", _line(path, "lable:")),
    ]
    assert "`label`" in issues[1].fix and "`seed`" in issues[0].fix


def test_a_period_needs_an_id_and_data_and_ids_are_unique(project: Path) -> None:
    block = """periods:
  - label: 无编号
    data: {surveys: [surveys/*.xlsx]}
  - id: 2025
    data: {surveys: [surveys/2025/*.xlsx], experts: surveys/experts.xlsx}
  - id: 2025
    data: {surveys: [surveys/*.xlsx]}
  - id: 2027
  - 2028
base_period: 2025
"""
    path = _periods(project, block)
    issues = _problems(project)
    got = [(i.message, i.location.line) for i in issues]
    assert got == [
        ("a period needs an `id`", _line(path, "- label: 无编号")),
        ("the period id 2025 is given twice", _line(path, "- id: 2025", 1)),
        ("the period 2027 has no `data`", _line(path, "- id: 2027")),
        ("each period must be a mapping with an id and its data", _line(path, "- 2028")),
    ]
    assert issues[0].message_zh == "时期须有 `id`"


def test_base_period_is_required_and_names_a_period(project: Path) -> None:
    path = _periods(project, PERIODS.replace("base_period: 2025\n", ""))
    (issue,) = _problems(project)
    assert issue.message.startswith("missing `base_period`")
    assert issue.location.line == _line(path, "periods:") and issue.expected == "base_period: 2025"
    path.write_text(
        path.read_text(encoding="utf-8").replace("periods:", "base_period: 20255\nperiods:"),
        encoding="utf-8",
    )
    (issue,) = _problems(project)
    assert issue.message == "`base_period` names no period"
    assert issue.location.line == _line(path, "base_period:")
    assert issue.expected == "2025 | 2026" and issue.found == "20255"
    assert issue.fix == "Did you mean `2025`?" and issue.fix_zh == "是否应为 `2025`？"


def test_data_and_periods_together_are_refused(project: Path) -> None:
    path = _periods(project, "data:\n  surveys: [surveys/*.xlsx]\n" + PERIODS)
    (issue,) = _problems(project)
    assert issue.message.startswith("`data` and `periods` are both given")
    assert issue.location.line == _line(path, "data:")
    assert issue.fix_zh


def test_base_period_without_periods_is_refused(project: Path) -> None:
    path = project / "evalkit.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "base_period: 2025\n", encoding="utf-8")
    (issue,) = _problems(project)
    assert issue.message == "`base_period` needs `periods`"
    assert issue.location.line == _line(path, "base_period:")


@pytest.mark.parametrize(
    ("block", "message", "where"),
    [
        ("periods: surveys/*.xlsx\nbase_period: 2025\n", "`periods` must be a list", "periods:"),
        ("periods: []\nbase_period: 2025\n", "`periods` must be a list", "periods:"),
        (
            PERIODS.replace("label: 2026", "label: [2026]"),
            "`label` must be a text",
            "label: [2026]",
        ),
        (
            PERIODS.replace("id: 2025", "id: [2025]"),
            "`id` must be a text or a number",
            "id: [2025]",
        ),
        (
            PERIODS.replace("label: {zh: 2025年", "label: {zh: [2025年]"),
            "`zh` must be a text",
            "label: {zh: [2025年]",
        ),
        (
            PERIODS + 'period_change: {draws: "500"}\n',
            "period_change.draws must be a whole number of at least 0",
            "period_change:",
        ),
        (
            PERIODS + "period_change: {seed: -1}\n",
            "period_change.seed must be a whole number of at least 0",
            "period_change:",
        ),
        (PERIODS + "period_change: 500\n", "`period_change` must be a mapping", "period_change:"),
        (
            PERIODS.replace(
                "      surveys: [surveys/*.xlsx]", "      surveys: [surveys/2024/*.xlsx]"
            ),
            "`data.surveys`: no file matches 'surveys/2024/*.xlsx'",
            "surveys/2024",
        ),
        (
            PERIODS.replace('  - id: "2026"', '  - id: "2026"\n    tree: indicators/2026.yaml'),
            "the tree file does not exist",
            "tree: indicators/2026.yaml",
        ),
        (
            PERIODS.replace("    data:\n      surveys: [surveys/*", "    data: surveys/*"),
            "`data` must be a mapping",
            "data: surveys/*",
        ),
    ],
)
def test_values_of_the_wrong_kind_are_problems_at_their_line(
    project: Path, block: str, message: str, where: str
) -> None:
    path = _periods(project, block)
    issue, *more = _problems(project)
    if "no file matches" in message:  # and so no survey data given, as for data: itself
        assert [m.message for m in more] == ["no survey data given"]
    else:
        assert more == []
    assert issue.message.startswith(message), issue.message
    assert issue.location.line == _line(path, where)


def test_draws_and_seed_are_read(project: Path) -> None:
    _periods(project, PERIODS + "period_change: {draws: 0, seed: 9}\n")
    assert load_spec(project).period_change == PeriodChangeSpec(draws=0, seed=9)


def test_experts_of_a_later_period_are_a_warning(project: Path) -> None:
    block = PERIODS.replace(
        "      surveys: [surveys/*.xlsx]\n",
        "      surveys: [surveys/*.xlsx]\n      experts: surveys/experts.xlsx\n",
    )
    path = _periods(project, block)
    spec = load_spec(project)
    (note,) = spec.notes
    assert note.severity == "warning"
    assert note.message == (
        "the experts of period 2026 are not used: every period is scored with the weights of "
        "the base period 2025"
    )
    assert note.location.line == _line(path, "experts:", 1)
    assert note.message_zh == "时期 2026 的专家判断不会被使用：各期均以基准期 2025 的权重评分"
