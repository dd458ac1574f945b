"""Write tests/data/example_numbers.json from the shipped example (run from the repository root)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd


def _frame(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in df.to_dict("records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                row[str(k)] = v
            else:
                row[str(k)] = None if math.isnan(float(v)) else float(v)
        out.append(row)
    return out


def example_numbers(ev: Any) -> dict[str, list[dict[str, Any]]]:
    dims = ev.dimension_ids
    return {
        "districts": _frame(ev.districts[["district", "total", "level", "rank", *dims]]),
        "stations": _frame(
            ev.stations[
                [
                    "district",
                    "station",
                    "total",
                    "level",
                    "rank_in_district",
                    "rank_in_province",
                    *dims,
                ]
            ]
        ),
        "weights": _frame(
            ev.weights.table[
                [
                    "id",
                    "ahp_local",
                    "objective_local",
                    "local",
                    "ahp_global",
                    "objective_global",
                    "global",
                ]
            ]
        ),
        "district_scores": _frame(ev.district_scores.reset_index()),
        "station_scores": _frame(ev.station_scores.reset_index()),
    }


if __name__ == "__main__":
    import evalkit

    root = Path(__file__).resolve().parents[2]
    data = example_numbers(evalkit.evaluate(root))
    path = root / "tests" / "data" / "example_numbers.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
