"""`evalkit run` reads platform exports listed in the project file with their maps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evalkit.errors import PartialRunError
from evalkit.pipeline import evaluate
from evalkit.run import run_project

ROOT = Path(__file__).resolve().parents[2]
WJX = ROOT / "examples" / "imports" / "350881459_按序号_东湖派出所社区警务信息化调查_40_40.xlsx"


def _add_import(project: Path, entry: str) -> None:
    (project / "raw").mkdir()
    shutil.copyfile(WJX, project / "raw" / WJX.name)
    text = (project / "evalkit.yaml").read_text(encoding="utf-8")
    (project / "evalkit.yaml").write_text(
        text.replace("data:\n", f"data:\n  imports:\n    - {entry}\n"), encoding="utf-8"
    )


def test_wjx_export_joins_its_station(project: Path) -> None:
    before = evaluate(project)
    _add_import(project, f"{{file: raw/{WJX.name}, district: 东湖区, station: 东湖派出所}}")
    ev = evaluate(project)
    d = ev.districts.set_index("district")
    b = before.districts.set_index("district")
    excluded = ev.screening.excluded
    from_export = excluded[excluded["_file"] == f"raw/{WJX.name}"]
    assert set(from_export["reason"]) <= {"too_many_missing"}  # skipped questions: (跳过) / -3
    assert d.at["东湖区", "respondents"] + len(from_export) == b.at["东湖区", "respondents"] + 40
    assert d.at["北岭区", "respondents"] == b.at["北岭区", "respondents"]
    rows = ev.survey.responses[ev.survey.responses["_file"] == f"raw/{WJX.name}"]
    assert len(rows) == 40 - len(from_export) and rows["_row"].min() == 2
    assert any("问卷星" in i.message for i in ev.issues if i.check == "import")


def test_import_with_errors_blocks_only_its_district(project: Path) -> None:
    _add_import(project, f"{{file: raw/{WJX.name}, district: 东湖区}}")  # no station anywhere
    with pytest.raises(PartialRunError) as info:
        run_project(project, lang="en", pdf=False)
    assert "东湖区" in info.value.summary
    assert any("station" in i.message.lower() for i in info.value.issues)
    written = sorted(p.name for p in (project / "reports").iterdir())
    assert "北岭区.xlsx" in written and "issues.xlsx" in written


def test_missing_reasons_reach_the_screening_table(project: Path) -> None:
    from evalkit.report.tables import district_report

    _add_import(project, f"{{file: raw/{WJX.name}, district: 东湖区, station: 东湖派出所}}")
    ev = evaluate(project)
    model = district_report(ev, "东湖区", "zh")
    row = model.screening.set_index("station").loc["东湖派出所"]
    kept = ev.survey.responses
    kept = kept[(kept["district"] == "东湖区") & (kept["station"] == "东湖派出所")]
    items = [i.id for _, i in ev.tree.items()]
    wjx = kept[kept["_file"] == f"raw/{WJX.name}"]
    assert row["answers_skipped"] == wjx["missing_reasons"].str.count("=skipped").sum() > 0
    assert row["answers_code"] == 0
    total_missing = int(kept[items].isna().to_numpy().sum())
    assert row["answers_skipped"] + row["answers_empty"] == total_missing
