"""YAML that was accepted but wrong: values of the wrong type (``title: [a, b]`` raised
AttributeError), unknown keys (``weigths:`` was silently ignored and the default weights used),
unsupported ``schema_version``s, in the project file, the tree, the recommendation library and the
import map. Each is an error at its line, all of them at once, in English and Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evalkit.analysis.diagnose import load_recommendations
from evalkit.errors import DataError, SpecError, TreeError
from evalkit.ingest.judgment_formats import read_judgment_map
from evalkit.ingest.platforms import load_map
from evalkit.spec import load_spec
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, text: str) -> int:
    """The first line of *path* that holds *text*."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(k for k, t in enumerate(lines, start=1) if text in t)


def _problems(exc: pytest.ExceptionInfo) -> dict[int | None, str]:
    """Every problem's text by its line (problems on one line joined)."""
    out: dict[int | None, str] = {}
    for i in exc.value.issues:
        out[i.location.line] = out.get(i.location.line, "") + str(i) + "\n"
    return out


# ---- the project file ----------------------------------------------------------------------


def test_title_given_as_a_list_is_an_error_not_an_attribute_error(project: Path) -> None:
    spec = project / "evalkit.yaml"
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"title:\n  zh: .*\n  en: .*\n", "title: [a, b]\n", text)
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.location.line == _line(spec, "title:")
    assert issue.message == "`title` must be a text or {zh: ..., en: ...}"
    assert issue.found == "['a', 'b']" and CJK.search(issue.message_zh)


def test_misspelt_weights_is_an_error_with_did_you_mean(project: Path) -> None:
    spec = project / "evalkit.yaml"
    _edit(spec, "weights:\n", "weigths:\n")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.location.line == _line(spec, "weigths:")
    assert issue.message == "unknown key `weigths`"
    assert issue.fix == "Did you mean `weights`?"
    assert issue.message_zh == "有未知的键 `weigths`" and issue.fix_zh == "是否应为 `weights`？"


@pytest.mark.parametrize(
    ("version", "fix"),
    [("99", "The file was written for another version"), ('"1"', "without quotes"), ("true", "")],
)
def test_unsupported_schema_version_is_an_error(project: Path, version: str, fix: str) -> None:
    spec = project / "evalkit.yaml"
    _edit(spec, "schema_version: 1", f"schema_version: {version}")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.location.line == 3
    assert issue.message == "unsupported schema_version of the project file"
    assert fix in issue.fix


def test_every_problem_of_the_project_file_at_once(project: Path) -> None:
    spec = project / "evalkit.yaml"
    _edit(spec, "schema_version: 1", "schema_version: 99")
    _edit(spec, "  experts: surveys", "  expert: surveys")
    _edit(spec, "  alpha: 0.5 ", '  alpha: "0.5"')
    _edit(spec, "  lang: zh ", "  lang: [zh]")
    _edit(spec, "  output: reports", "  output: [reports]")
    _edit(spec, "  weakest: 5", "  weakest: 5\n  weakst: 3")
    _edit(spec, "tree: indicators", "tre: indicators")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    got = _problems(exc)
    lines = {k: _line(spec, k) for k in ("schema_version", "expert:", "alpha", "lang:", "output")}
    assert "unsupported schema_version" in got[lines["schema_version"]]
    assert "unknown key `expert` in data" in got[lines["expert:"]]
    assert "Did you mean `experts`?" in got[lines["expert:"]]
    assert "found '0.5'. Write the number without quotes." in got[lines["alpha"]]
    assert "unknown report.lang" in got[lines["lang:"]]
    assert "`output` must be a path (a text), found ['reports']" in got[lines["output"]]
    assert "Did you mean `weakest`?" in got[_line(spec, "weakst:")]
    assert "Did you mean `tree`?" in got[_line(spec, "tre:")]
    assert "missing `tree`" in " ".join(got.values())
    # expert judgments are named under the wrong key: weights.method combined needs them
    assert "needs expert judgments" in " ".join(got.values())
    assert all(i.message_zh and CJK.search(i.message_zh) for i in exc.value.issues)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("weights:\n", "weights: equal\nold_weights:\n", "`weights` must be a mapping"),
        ("report:\n", "report: zh\nold_report:\n", "`report` must be a mapping"),
        ("data:\n", "data: [surveys/*.xlsx]\nold_data:\n", "`data` must be a mapping"),
        ("tree: indicators/community_policing.yaml", "tree: yes", "`tree` must be a path"),
        ('  date: "2026-11-01"', "  date: [2026]", "`date` must be a date"),
        ("  surveys: [surveys/*.xlsx]", "  surveys: [{a: 1}]", "`data.surveys` must be a path"),
    ],
)
def test_wrong_types_in_the_project_file(project: Path, old: str, new: str, message: str) -> None:
    spec = project / "evalkit.yaml"
    _edit(spec, old, new)
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    hits = [i for i in exc.value.issues if i.message.startswith(message)]
    assert len(hits) == 1, [str(i) for i in exc.value.issues]
    assert hits[0].location.line == _line(spec, new.split("\n")[0].strip())


def test_a_date_without_quotes_is_read_as_that_date(project: Path) -> None:
    _edit(project / "evalkit.yaml", '  date: "2026-11-01"', "  date: 2026-11-01")
    assert load_spec(project).report.date == "2026-11-01"


def test_unknown_key_of_an_import(project: Path) -> None:
    spec = project / "evalkit.yaml"
    (project / "raw").mkdir()
    (project / "raw" / "a.xlsx").write_bytes(b"")
    _edit(
        spec,
        "  missing_codes: []",
        "  missing_codes: []\n  imports:\n    - {file: raw/a.xlsx, distrct: 东湖区, station: [a]}",
    )
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    got = sorted(i.message for i in exc.value.issues)
    assert got == [
        "`station` must be a station name (a text)",
        "unknown key `distrct` in an import",
    ]


# ---- the tree --------------------------------------------------------------------------------

TREE = ROOT / "indicators" / "community_policing.yaml"


@pytest.fixture()
def tree_file(tmp_path: Path) -> Path:
    path = tmp_path / "tree.yaml"
    path.write_text(TREE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "near"),
    [
        ("schema_version: 1\nid: community_policing", "schema_version: 1\nid: x\nscale:", "scales"),
        ("    values: [1, 2, 3, 4, 5]", "    vaules: [1, 2, 3, 4, 5]", "values"),
        ("    min_score: 60", "    min_score: 60\n    min_scor: 61", "min_score"),
        ("      name: {zh: 信息采集", "      wieght: 0.2\n      name: {zh: 信息采集", "weight"),
        (
            "{numerator: verified_records",
            "{numerater: verified_records",
            "numerator",
        ),
        ("          goalposts: {worst: 50", "          goalposts: {wrost: 40, worst: 50", "worst"),
    ],
)
def test_unknown_tree_keys_with_did_you_mean(
    tree_file: Path, old: str, new: str, near: str
) -> None:
    _edit(tree_file, old, new)
    with pytest.raises(TreeError) as exc:
        load_tree(tree_file)
    unknown = [i for i in exc.value.issues if i.message.startswith("unknown key")]
    assert len(unknown) == 1, [str(i) for i in exc.value.issues]
    assert unknown[0].fix == f"Did you mean `{near}`?"
    bad_key = re.search(r"`(\w+)`", unknown[0].message).group(1)  # type: ignore[union-attr]
    assert unknown[0].location.line == _line(tree_file, f"{bad_key}:")


def test_unknown_keys_of_items_and_sources(tree_file: Path) -> None:
    item = "ic_std_1"
    _edit(tree_file, f"- id: {item}\n", f"- id: {item}\n                  revese: true\n")
    _edit(tree_file, "            survey:\n", "            survey:\n              scales: x\n")
    with pytest.raises(TreeError) as exc:
        load_tree(tree_file)
    got = sorted((i.message, i.fix) for i in exc.value.issues)
    assert got == [
        ("unknown key `revese` in item " + item, "Did you mean `reverse`?"),
        ("unknown key `scales` in `survey`", "Did you mean `scale`?"),
    ]


def test_tree_schema_version_99(tree_file: Path) -> None:
    _edit(tree_file, "schema_version: 1", "schema_version: 99")
    with pytest.raises(TreeError) as exc:
        load_tree(tree_file)
    (issue,) = exc.value.issues
    assert (issue.location.line, issue.message) == (
        _line(tree_file, "schema_version"),
        "unsupported schema_version of the tree",
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  name: {zh: 社区警务信息化成熟度,", "  name: {zh: [社区, 警务],", "`zh` must be a text"),
        ("  - id: initial", "  - id: yes", "`id` must be a text"),
        ("      en: [Strongly disagree,", "      en: [yes,", "a label must be a text"),
        (
            "    labels:\n      zh:",
            "    labels: [a]\n    old_labels:\n      zh:",
            "`labels` must map",
        ),
        (
            "denominator: actual_records, multiplier: 100}",
            "denominator: actual_records, multiplier: 100, column: x}",
            "`column` does not belong to a ratio statistic",
        ),
        (
            "goal:\n  id: maturity",
            "goal:\n  id: maturity\n  confirm: yes please",
            "`confirm` must be true or false",
        ),
        (
            "          direction: benefit",
            "          direction: [benefit]",
            "`direction` must be benefit or cost",
        ),
    ],
)
def test_wrong_types_in_the_tree(tree_file: Path, old: str, new: str, message: str) -> None:
    _edit(tree_file, old, new)
    with pytest.raises(TreeError) as exc:
        load_tree(tree_file)
    hits = [i for i in exc.value.issues if i.message.startswith(message)]
    assert hits, [str(i) for i in exc.value.issues]
    assert hits[0].location.line is not None and hits[0].message_zh


def test_node_id_yes_is_not_the_id_true(tmp_path: Path) -> None:
    """YAML reads an unquoted yes as true; `True` matched the id pattern and was accepted."""
    path = tmp_path / "tree.yaml"
    path.write_text(TREE.read_text(encoding="utf-8").replace("- id: safeguards", "- id: yes"))
    with pytest.raises(TreeError) as exc:
        load_tree(path)
    (issue,) = [i for i in exc.value.issues if "node id" in i.message]
    assert issue.found == "'True'" and issue.location.line == _line(path, "- id: yes")


# ---- the recommendation library ---------------------------------------------------------------

LIBRARY = ROOT / "indicators" / "recommendations.yaml"


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    path = tmp_path / "recommendations.yaml"
    path.write_text(LIBRARY.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_library_problems_all_at_once(library: Path) -> None:
    tree = load_tree(TREE)
    _edit(library, "schema_version: 1", "schema_version: 2")
    _edit(library, "    priority: high\n", "    priorty: high\n")
    _edit(library, "when: {indicator_below: 60}", "when: {indicator_below: abc}")  # ValueError
    _edit(library, "when: {indicator_below: 70}", 'when: {indicator_below: "70"}')
    _edit(
        library,
        "indicators: [duplicate_collection_burden]",
        "indicators: duplicate_collection_burden",
    )
    _edit(library, "when: {dimension_below", "when: {dimension_bellow")
    with pytest.raises(SpecError) as exc:
        load_recommendations(library, tree)
    got = sorted(i.message + (f" | {i.fix}" if i.fix else "") for i in exc.value.issues)
    assert got == [
        "`indicator_below` must be a number",
        "`indicator_below` must be a number | Write the number without quotes.",
        "`indicators` must be a list of indicator ids | "
        "Write indicators: [duplicate_collection_burden].",
        "`when` needs exactly one of ['indicator_below', 'dimension_below', 'level_at_most']",
        "unknown key `dimension_bellow` in `when` | Did you mean `dimension_below`?",
        "unknown key `priorty` in a recommendation | Did you mean `priority`?",
        "unsupported schema_version of the recommendation library | The file was written for "
        "another version of evalkit: use that version, or rewrite the file as docs/formats.md "
        "describes and set schema_version: 1.",
    ]
    assert all(i.location.line for i in exc.value.issues)
    assert all(CJK.search(i.message_zh) or "`" in i.message_zh for i in exc.value.issues)


def test_library_text_as_a_list_and_a_repeated_id(library: Path) -> None:
    tree = load_tree(TREE)
    text = library.read_text(encoding="utf-8")
    text = text.replace("id: is_open_online_channels", "id: ic_unified_standard", 1)
    text = re.sub(
        r"(- id: is_tap_social_resources(?:\n.*?)*?\n      en: ).*", r"\1[a, b]", text, count=1
    )
    library.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_recommendations(library, tree)
    got = sorted(i.message for i in exc.value.issues)
    first = _line(library, "- id: ic_unified_standard")
    assert got == [
        "`text.zh` and `text.en` must be texts",
        f"the id ic_unified_standard is given twice (first on line {first})",
    ]


def _without_effort(library: Path) -> None:
    """The library with no rule's effort: (the default library gives every rule one), so a test
    sets the ones it checks."""
    lines = library.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("    effort: ")]
    assert len(kept) < len(lines)
    library.write_text("".join(kept), encoding="utf-8")


def test_library_effort_words_and_numbers(library: Path) -> None:
    tree = load_tree(TREE)
    _without_effort(library)
    _edit(library, "    priority: high\n", "    priority: high\n    effort: low\n")
    _edit(library, "    priority: medium\n", "    priority: medium\n    effort: 2.5\n")
    rules = {r.id: r for r in load_recommendations(library, tree)}
    assert (rules["ic_unified_standard"].effort, rules["ic_unified_standard"].effort_units) == (
        "low",
        1.0,
    )
    assert rules["ic_reuse_existing_data"].effort_units == 2.5
    assert rules["ic_multi_source_mechanism"].effort is None
    assert rules["ic_multi_source_mechanism"].effort_units is None


def test_library_effort_problems_at_their_lines(library: Path) -> None:
    tree = load_tree(TREE)
    _without_effort(library)
    _edit(library, "    priority: high\n", "    priority: high\n    effort: huge\n")
    _edit(library, "    priority: medium\n", '    priority: medium\n    effort: "2"\n')
    _edit(
        library,
        "  - id: is_department_linkage\n",
        "  - id: is_department_linkage\n    effort: -1\n",
    )
    _edit(
        library,
        "  - id: is_strengthen_mass_base\n",
        "  - id: is_strengthen_mass_base\n    efort: low\n",
    )
    with pytest.raises(SpecError) as exc:
        load_recommendations(library, tree)
    got = sorted((i.location.line, i.message, i.found, i.fix) for i in exc.value.issues)
    wrong = "`effort` must be low, medium, high or a positive number"
    assert got == sorted(
        [
            (_line(library, "effort: huge"), wrong, "'huge'", ""),
            (_line(library, 'effort: "2"'), wrong, "'2'", "Write the number without quotes."),
            (_line(library, "effort: -1"), wrong, "-1", ""),
            (
                _line(library, "efort: low"),
                "unknown key `efort` in a recommendation",
                "",
                "Did you mean `effort`?",
            ),
        ]
    )
    assert all(CJK.search(i.message_zh) or "`" in i.message_zh for i in exc.value.issues)


# ---- the import map --------------------------------------------------------------------------


def test_import_map_booleans_and_a_mapping_of_missing_codes(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("respondent: yes\nmissing: {9: 不知道}\nitems: {ic_std_1: D}\n")
    with pytest.raises(DataError) as exc:
        load_map(path)
    assert sorted((i.location.line, i.message) for i in exc.value.issues) == [
        (1, "`respondent` must be a column header text"),
        (2, "missing codes must be numbers or texts"),
    ]


@pytest.mark.parametrize(
    ("text", "found", "fix"),
    [
        ("nodes: [a]", "expected a mapping, found ['a']", ""),
        ("experts: abc", "expected a mapping, found 'abc'", ""),
        ("layuot: evalkit", "unknown key 'layuot'", "Did you mean `layout`?"),
    ],
)
def test_judgment_map_top_level_types_and_keys(
    tmp_path: Path, text: str, found: str, fix: str
) -> None:
    """A list or a text where the map needs a mapping was "found LineList" without a line."""
    path = tmp_path / "experts.map.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_judgment_map(path, load_tree(TREE))
    (issue,) = exc.value.issues
    assert issue.location.line == 1
    assert found in str(issue) and issue.fix == fix


def test_tree_number_in_quotes_says_so(tree_file: Path) -> None:
    _edit(tree_file, "    min_score: 60", '    min_score: "60"')
    with pytest.raises(TreeError) as exc:
        load_tree(tree_file)
    (issue,) = [i for i in exc.value.issues if i.message.startswith("`min_score`")]
    assert (issue.location.line, issue.message, issue.fix) == (
        _line(tree_file, 'min_score: "60"'),
        "`min_score` must be a number",
        "Write the number without quotes.",
    )


def test_uncertainty_section_keys_and_type(project: Path) -> None:
    spec = project / "evalkit.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text + "uncertainty:\n  draws: 10\n  factor:\n    alpha: [0, 1]\n", encoding="utf-8"
    )
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert (issue.location.line, issue.fix) == (_line(spec, "factor:"), "Did you mean `factors`?")
    spec.write_text(text + "uncertainty: [10]\n", encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.location.line == _line(spec, "uncertainty:")
    assert issue.message.startswith("`uncertainty` must be a mapping")
