"""Read officers' survey exports as they come from 问卷星, 腾讯问卷 or a hand-typed sheet.

``inspect_export`` detects the layout (platform and variant by header signature, the header row
among the first rows, question numbers and 问卷星 matrix groups, the item ↔ column mapping, missing
markers, encoding) and lists every automatic decision. ``import_responses`` converts the export into
evalkit's own responses table (respondent, district, station, one column per tree item) and keeps
the reason of every missing answer; ``write_responses`` writes it as CSV or xlsx. A MAP.yaml
(``load_map`` / ``write_map``) pins the mapping when the automatic one is not wanted. See
docs/formats.md and survey_formats.md for the layouts.

One concept per module, in the order an import runs:

- :mod:`.mapfile` MAP.yaml read, checked and written; where a proposed map goes
- :mod:`.layout` the sheet as codes into its distinct cells, and the layout found so far
- :mod:`.headers` the header row column by column: fixed columns, question numbers, matrices
- :mod:`.detect` the platform, the header row, 问卷星 按序号 or 按文本
- :mod:`.match` the respondent, district and station columns, and one column per item
- :mod:`.propose` the map evalkit proposes
- :mod:`.rows` empty, summary and note rows
- :mod:`.convert` answers to scale values, missing markers, answers off the scale
- :mod:`.units` respondent ids, districts and stations of the rows; option numbers named
- :mod:`.read` one sheet read in these steps (problems collected, not raised)
- :mod:`.stations` a workbook with one sheet per station (``sheet="*"``)
- :mod:`.twin` a 按序号 download checked against its 按文本 twin
- :mod:`.importer` ``import_responses``, ``inspect_export``, ``propose_map``
- :mod:`.write` the responses table and its import log written
- :mod:`.model` ``Detection`` and ``Imported``, the results
"""

from __future__ import annotations

from ..text import fold as normalise
from .headers import HeaderReading, read_question_header
from .importer import import_responses, inspect_export, propose_map
from .mapfile import MAP_KEYS, FlowList, ImportMap, load_map, proposed_map_path, write_map
from .match import DISTRICT_NAMES, RESPONDENT_NAMES, STATION_NAMES
from .model import PLATFORM_NAMES, Detection, Imported, platform_label
from .stations import ALL_SHEETS
from .twin import text_twin
from .write import REASON_COLUMN, import_log, reasons_text, write_responses

__all__ = [
    "ALL_SHEETS",
    "DISTRICT_NAMES",
    "MAP_KEYS",
    "PLATFORM_NAMES",
    "REASON_COLUMN",
    "RESPONDENT_NAMES",
    "STATION_NAMES",
    "Detection",
    "FlowList",
    "HeaderReading",
    "ImportMap",
    "Imported",
    "import_log",
    "import_responses",
    "inspect_export",
    "load_map",
    "normalise",
    "platform_label",
    "propose_map",
    "proposed_map_path",
    "read_question_header",
    "reasons_text",
    "text_twin",
    "write_map",
    "write_responses",
]
