"""Indicator values of trees with one kind of source only: a questionnaire, or statistics."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml

from evalkit.pipeline import evaluate
from evalkit.run import run_project


def _one_kind(project: Path, keep: str) -> Path:
    """The example project with only the indicators whose source is ``keep`` (survey or
    statistic), weighted by entropy (the experts' sheets are for the full tree)."""
    path = project / "indicators" / "community_policing.yaml"
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))

    def prune(node: dict) -> None:
        if "children" in node:
            node["children"] = [
                c for c in node["children"] if "source" not in c or keep in c["source"]
            ]
            for c in node["children"]:
                prune(c)

    prune(tree["goal"])
    path.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), encoding="utf-8")
    spec = (project / "evalkit.yaml").read_text(encoding="utf-8")
    spec = spec.replace("method: combined", "method: entropy")
    spec = spec.replace("  experts: surveys/experts.xlsx", "")
    spec = spec.replace("recommendations: indicators/recommendations.yaml", "")  # names all
    (project / "evalkit.yaml").write_text(spec, encoding="utf-8")
    (project / "surveys" / "experts.xlsx").unlink()
    return project


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evalkit", *args], capture_output=True, text=True, timeout=600
    )


def test_questionnaire_only_tree_validates_runs_and_reports(project: Path) -> None:
    """It crashed ``validate`` with ValueError: cannot join with no overlapping index names."""
    _one_kind(project, "survey")
    res = _cli("validate", str(project))
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert "(8 indicators, 20 survey items); 1166 respondents, 29 stations in 4 districts" in (
        res.stdout
    )
    res = _cli("run", str(project), "--no-pdf")
    assert res.returncode == 0, res.stderr
    written = sorted(p.name for p in (project / "reports").iterdir())
    assert written == sorted(
        [
            "comparison.xlsx",
            "comparison.html",
            "issues.xlsx",
            "manifest.json",
            *(
                f"{d}.{ext}"
                for d in ("东湖区", "北岭区", "南港区", "西山区")
                for ext in ("xlsx", "html")
            ),
        ]
    )
    # the values are each district's mean over items of the item means (reverse items recoded)
    ev = evaluate(project)
    kept = ev.survey.responses  # answers as scale values, after screening
    leaf = ev.tree.node("platform_usability")
    x = kept[[i.id for i in leaf.source.items]].astype(float)
    rev = [i.id for i in leaf.source.items if i.reverse]
    assert rev  # the check covers the recoding
    x[rev] = 6 - x[rev]
    want = x.groupby(kept["district"]).mean().mean(axis=1)
    got = ev.district_values["platform_usability"]
    np.testing.assert_allclose(got.loc[want.index], want, rtol=1e-12)
    assert ev.districts.set_index("district")["stations"].to_dict() == {
        "东湖区": 7,
        "北岭区": 7,
        "南港区": 8,
        "西山区": 7,
    }


def test_questionnaire_only_project_needs_no_stations_sheet(project: Path) -> None:
    _one_kind(project, "survey")
    for path in (project / "surveys").glob("*.xlsx"):
        wb = openpyxl.load_workbook(path)
        del wb["stations"]
        wb.save(path)
    res = _cli("validate", str(project))
    assert res.returncode == 0, res.stderr
    assert "1166 respondents, 29 stations in 4 districts" in res.stdout
    result = run_project(project, pdf=False)
    assert result.evaluation.districts["stations"].sum() == 29
    # without a stations sheet the station's own name stands for its English name
    assert (result.evaluation.stations["station_en"] == result.evaluation.stations["station"]).all()


def test_statistics_tree_still_needs_its_stations_sheet(project: Path) -> None:
    path = project / "surveys" / "西山区.xlsx"
    wb = openpyxl.load_workbook(path)
    del wb["stations"]
    wb.save(path)
    res = _cli("validate", str(project))
    assert res.returncode == 1
    assert 'surveys/西山区.xlsx: no sheet "stations"; expected a sheet named "stations"' in (
        " ".join(res.stderr.split())
    )


def test_statistics_only_tree_runs_without_survey_warnings(project: Path) -> None:
    _one_kind(project, "statistic")
    ev = run_project(project, pdf=False).evaluation
    assert list(ev.district_values.columns) == [leaf.id for leaf in ev.tree.leaves()]
    assert len(ev.tree.leaves()) == 27 and not ev.tree.items()
    assert ev.district_values.notna().all().all()
    assert not [i for i in ev.issues if i.check == "reliability"]  # no scale, nothing to say
    res = _cli("validate", str(project))
    assert res.returncode == 0, res.stderr
    assert "(27 indicators, 0 survey items)" in res.stdout


@pytest.mark.parametrize("keep", ["survey", "statistic"])
def test_one_kind_trees_rank_every_district(project: Path, keep: str) -> None:
    ev = evaluate(_one_kind(project, keep))
    assert sorted(ev.districts["rank"]) == [1, 2, 3, 4]
    assert ev.districts["total"].between(0, 100).all()
