"""--executor dask: the districts' reports rendered on a real Dask cluster equal the local pool's.

A ``distributed.LocalCluster`` of two worker processes is started here and the run is pointed at
it (``scheduler=``, as ``--scheduler tcp://HOST:PORT`` does); every cell of every workbook and the
text of every PDF must equal a ``--jobs 2`` run of the same project. Needs Dask distributed (in
the test extra); without it the tests are skipped.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
openpyxl = pytest.importorskip("openpyxl")
pypdf = pytest.importorskip("pypdf")

from evalkit.dask_backend import SHARED_FIELDS, restore, split_shared  # noqa: E402
from evalkit.run import run_project  # noqa: E402

pytestmark = pytest.mark.dask
ROOT = Path(__file__).resolve().parents[1]


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copyfile(ROOT / "evalkit.yaml", root / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", root / "indicators")
    shutil.copytree(ROOT / "surveys", root / "surveys")
    return root


def _cells(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _pdf_text(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(path).pages]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as c:
        yield c


def test_dask_reports_equal_the_local_pools(tmp_path: Path, cluster) -> None:
    local = run_project(_project(tmp_path / "local"), jobs=2)
    dask = run_project(
        _project(tmp_path / "dask"), jobs=2, executor="dask", scheduler=cluster.scheduler_address
    )
    a_dir, b_dir = local.evaluation.spec.output_dir, dask.evaluation.spec.output_dir
    names = sorted(p.name for p in a_dir.iterdir() if p.suffix in (".xlsx", ".pdf"))
    assert names == sorted(p.name for p in b_dir.iterdir() if p.suffix in (".xlsx", ".pdf"))
    districts = list(local.evaluation.districts["district"])
    assert sum(n.endswith(".pdf") for n in names) == len(districts) == 4
    for name in names:
        if name.endswith(".xlsx"):
            assert _cells(a_dir / name) == _cells(b_dir / name), name
        else:
            assert _pdf_text(a_dir / name) == _pdf_text(b_dir / name), name


def test_province_level_tables_travel_once(tmp_path: Path) -> None:
    from evalkit.pipeline import evaluate
    from evalkit.report.tables import district_report, load_rules

    ev = evaluate(_project(tmp_path / "p"))
    rules = load_rules(ev)
    models = [district_report(ev, d, "zh", rules) for d in ev.districts["district"]]
    shared, slim = split_shared(models)
    assert set(shared) == set(SHARED_FIELDS)
    for m, s in zip(models, slim, strict=True):
        back = restore(s, shared)
        for f in SHARED_FIELDS:
            assert not hasattr(getattr(s, f), "shape")  # not sent with the district
            a, b = getattr(back, f), getattr(m, f)
            assert a.equals(b) if hasattr(a, "equals") else a == b


def test_executor_must_be_local_or_dask(tmp_path: Path) -> None:
    proj = _project(tmp_path / "p")
    res = subprocess.run(
        [sys.executable, "-m", "evalkit", "run", str(proj), "--executor", "spark"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 1
    assert "--executor must be local or dask" in res.stdout + res.stderr
    assert not (proj / "reports").exists()
