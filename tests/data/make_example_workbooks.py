"""Write tests/data/example_workbooks.json: every cell value of the example's district workbooks
and comparison.xlsx, in Chinese and in English (run from the repository root).

The workbooks are made by a real run of a copy of the example project (no PDFs) and read back
with openpyxl; a cell is its value as the file holds it (numbers at full precision, text as
written, None for an empty cell). ``tests/report/test_example_workbooks.py`` compares a fresh run
with this snapshot; regenerate it only when a change of the numbers or of the layout is meant,
and say why in the commit. The snapshot is made without the uncertainty analysis (``uncertainty=0``):
its Monte Carlo figures are compared with the analysis itself by
``tests/report/test_uncertainty_reports.py``, and the test here sets its sheets and summary rows
aside.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "data" / "example_workbooks.json"


def cell_values(path: Path) -> dict[str, list[list[Any]]]:
    """{sheet name: rows of cell values}, in the workbook's sheet order."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets
        }
    finally:
        wb.close()


def example_workbooks(tmp: Path, **run_options: Any) -> dict[str, dict[str, Any]]:
    """{lang: {file name: {sheet: rows}}} of a run of a copy of the example in *tmp*, without
    PDFs and HTML pages (the sheet of report files then lists the workbooks only; its HTML column
    is checked by tests/report/test_html_sections.py)."""
    from evalkit.run import run_project

    out: dict[str, dict[str, Any]] = {}
    for lang in ("zh", "en"):
        project = tmp / lang
        project.mkdir()
        shutil.copyfile(ROOT / "evalkit.yaml", project / "evalkit.yaml")
        shutil.copytree(ROOT / "indicators", project / "indicators")
        shutil.copytree(ROOT / "surveys", project / "surveys")
        result = run_project(project, lang=lang, jobs=1, pdf=False, html=False, **run_options)
        books = sorted(f for f in result.files if f.suffix == ".xlsx" and f.name != "issues.xlsx")
        out[lang] = {f.name: cell_values(f) for f in books}
    return out


#: Sheets left out of the snapshot: each is compared with its analysis by a test of its own
#: (the evaluation toolbox's, tests/report/test_toolbox_reports.py; the README sheet, which holds
#: the run's provenance, tests/test_provenance.py).
OWN_TESTS = {"障碍度", "Obstacles", "方法比较", "Methods", "模糊评价", "Fuzzy", "README"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = example_workbooks(Path(tmp), uncertainty=0)
    for books in data.values():
        for name, sheets in books.items():
            books[name] = {k: v for k, v in sheets.items() if k not in OWN_TESTS}
    SNAPSHOT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT} ({SNAPSHOT.stat().st_size:,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
