"""evalkit's responses table written from an import: CSV (UTF-8 with BOM) or xlsx, with why each
answer is missing and the import's decisions beside it; atomically (:mod:`evalkit.fileio`)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError, Issue, Location
from ...fileio import atomic_workbook, atomic_write_text
from .model import Imported

REASON_COLUMN = "missing_reasons"
_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "nan_inf_to_errors": False}


def reasons_text(reasons: pd.DataFrame) -> pd.Series:
    """Per respondent, why answers are missing, as "item=reason; ..." (vectorised over items)."""
    parts = [
        np.where(reasons[c].to_numpy() != "", c + "=" + reasons[c].astype(str).to_numpy(), "")
        for c in reasons.columns
    ]
    if not parts:
        return pd.Series("", index=reasons.index)
    joined = pd.DataFrame(np.column_stack(parts), index=reasons.index).agg("; ".join, axis=1)
    return joined.str.replace(r"(; )+", "; ", regex=True).str.strip("; ")


def import_log(imported: Imported) -> list[str]:
    """Every automatic decision of an import, as plain lines (for the record next to the table)."""
    det = imported.detection
    return [
        f"platform: {det.platform} {det.variant}".rstrip(),
        f"sheet: {det.sheet}; header row: {det.header_row}"
        + (f"; encoding: {det.encoding}" if det.encoding else ""),
        "mapping: " + "; ".join(f"{i} <- {c}" for i, c in det.mapping.items()),
        "missing markers: " + (", ".join(f"{m} x{n}" for m, n in det.markers.items()) or "none"),
        *[f"decision: {d}" for d in det.decisions],
        *[f"warning: {i}" for i in det.issues if i.severity == "warning"],
    ]


def write_responses(imported: Imported, path: Path | str) -> Path:
    """Write the responses table (CSV utf-8-sig, or xlsx sheet ``responses``), atomically.

    A last column ``missing_reasons`` lists why answers are missing (``item=skipped; ...``). The
    import's decisions are recorded too: sheet ``import_log`` of the xlsx, or
    ``<name>.import-log.txt`` next to a CSV.
    """
    path = Path(path)
    df = imported.responses.reset_index(drop=True).copy()
    df[REASON_COLUMN] = reasons_text(imported.reasons).tolist()
    suffix = path.suffix.lower()
    log = import_log(imported)
    if suffix == ".csv":
        text = df.to_csv(index=False, float_format="%.15g", lineterminator="\n")
        atomic_write_text(path, text, encoding="utf-8-sig")
        atomic_write_text(
            path.with_name(f"{path.stem}.import-log.txt"), "\n".join(log) + "\n", "utf-8"
        )
        return path
    if suffix != ".xlsx":
        raise DataError(
            [
                Issue(
                    Location(file=str(path)),
                    "unsupported output type",
                    expected=".csv or .xlsx",
                    found=suffix or "no extension",
                    message_zh="不支持的输出文件类型",
                    expected_zh=".csv 或 .xlsx",
                    found_zh=suffix or "没有扩展名",
                )
            ]
        )
    with atomic_workbook(path, _OPTIONS) as wb:
        ws = wb.add_worksheet("responses")
        bold = wb.add_format({"bold": True})
        for c, name in enumerate(df.columns):
            ws.write_string(0, c, str(name), bold)
        item_cols = set(imported.reasons.columns)
        for r, row in enumerate(df.itertuples(index=False), start=1):
            for c, (name, v) in enumerate(zip(df.columns, row, strict=True)):
                if name in item_cols:
                    if v is not None and not (isinstance(v, float) and math.isnan(v)):
                        ws.write_number(r, c, float(v))
                elif v not in (None, ""):
                    ws.write_string(r, c, str(v))
        ws.freeze_panes(1, 3)
        ls = wb.add_worksheet("import_log")
        ls.set_column(0, 0, 120)
        for r, line in enumerate(log):
            ls.write_string(r, 0, line)
    return path


__all__ = ["REASON_COLUMN", "import_log", "reasons_text", "write_responses"]
