"""What every report says about how to reproduce it, in zh and en: the texts of the PDF's
appendix "可复现性 / Reproducibility" and of the workbooks' ``README`` sheet (both built as sections
by :mod:`evalkit.report.reproducibility_sections`), and the HTML report's footer
(:func:`footer_html`).

All of them show the same :class:`~evalkit.provenance.Provenance` (the run's, computed once). The
``README`` sheet is also what ``evalkit verify`` reads back (:func:`read_readme`): its rows carry a
machine-readable key in the third column (:data:`KEYS`, and ``input:<role>`` beside each input
file's path and SHA-256), whatever the report's language.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

from ..provenance import ROLES, Provenance
from .i18n import SHEETS

README = "README"  # the sheet's name, in both languages

TITLE = ("可复现性", "Reproducibility")

#: Rows of the provenance block: key -> (zh, en) label.
KEYS: dict[str, tuple[str, str]] = {
    "evalkit_version": ("evalkit 版本", "evalkit version"),
    "date": ("项目日期", "Project date"),
    "date_source": ("日期来源", "Date taken from"),
    "project": ("项目文件夹（相对于报告文件夹）", "Project folder (from the reports folder)"),
    "lang": ("报告语言", "Report language"),
    "settings_sha256": ("有效设置的 SHA-256", "SHA-256 of the effective settings"),
    "seeds": ("随机种子", "Random seeds"),
    "settings": ("有效设置（规范 JSON）", "Effective settings (canonical JSON)"),
}

#: What each sheet holds, by its key in :data:`evalkit.report.i18n.SHEETS`.
SHEET_NOTES: dict[str, tuple[str, str]] = {
    "summary": (
        "总分、等级、排名与参评区县均值，以及数据概况",
        "Total, level, rank and the figures of the districts assessed, and the data in numbers",
    ),
    "dimensions": (
        "各维度得分、参评区县均值与最高分、排名、权重和等级",
        "Each dimension's score, the districts' mean and best, rank, weight and level",
    ),
    "indicators": (
        "各指标的原始值、目标值、得分、参评区县均值、权重与失分",
        "Each indicator's raw value, goalposts, score, the districts' mean, weights and points lost",
    ),
    "recommendations": (
        "触发的对策建议、依据与优先级",
        "The countermeasures that fired, why, and their priority",
    ),
    "stations": (
        "各派出所的总分、等级、排名与维度得分",
        "Each station's total, level, rank and dimension scores",
    ),
    "weights": (
        "各节点的层次分析法、客观与组合权重（局部与全局）",
        "Every node's AHP, objective and combined weights, local and global",
    ),
    "experts": (
        "专家判断矩阵的一致性（λmax、CI、CR）",
        "Consistency of the experts' matrices (λmax, CI, CR)",
    ),
    "reliability": (
        "信度（Cronbach α）、KMO 与 Bartlett 检验、题项分析",
        "Reliability (Cronbach's α), KMO and Bartlett's test, item analysis",
    ),
    "screening": ("各派出所剔除的无效问卷", "Invalid questionnaires set aside per station"),
    "issues": ("输入数据中的问题与提示", "Problems and warnings in the input data"),
    "districts": (
        "各区县的总分、等级、排名与维度得分",
        "Each district's total, level, rank and dimension scores",
    ),
    "levels": ("成熟度等级及其分数区间", "The maturity levels and their score bands"),
    "files": ("各区县报告的文件名", "The file names of every district's reports"),
    "uncertainty": ("排名与得分的不确定性区间", "Uncertainty intervals of ranks and scores"),
    "sensitivity": ("各因素的敏感性指数", "Sensitivity indices of the factors"),
    "factors": (
        "不确定性分析中变动的因素及其取值范围",
        "The factors the uncertainty analysis varies, with their ranges",
    ),
    "obstacles": ("各指标与维度的障碍度", "Obstacle degrees of every indicator and dimension"),
    "methods": (
        "不同综合方法下的得分与排名及其一致性",
        "Scores and ranks under each method, and how they agree",
    ),
    "fuzzy": (
        "模糊综合评价：隶属度、等级与各节点的 B·C",
        "Fuzzy comprehensive evaluation: memberships, grades and B·C of every node",
    ),
    "periods": ("与上一期调查相比的变化", "The change since the previous survey period"),
    "imbalance": (
        "各派出所总分的差异（变异系数、基尼系数、极差、最低与最高的派出所）",
        "The spread of the stations' totals (CV, Gini, range, lowest and highest station)",
    ),
    "next_level": (
        "晋级到下一等级的最省路径：需提升的指标、从何值到何值及得分增益",
        "The cheapest path to the next level: the indicators to raise, from and to, and the gain",
    ),
    "readme": (
        "本说明：各工作表的内容与本报告的来源",
        "This sheet: what each sheet holds and what the report was made from",
    ),
}

_SOURCES = {
    "project": ("项目文件中的 report.date", "report.date of the project file"),
    "input": (
        "输入文件 {file} 内容中记录的最新日期",
        "the newest date recorded in the contents of {file}",
    ),
    "none": (
        "未注明日期（项目文件无 report.date，输入文件也未记录日期）",
        "undated (no report.date, and no input records a date)",
    ),
}

_PHRASES = {
    "sheets": ("工作表", "Sheet"),
    "holds": ("内容", "What it holds"),
    "about": ("本工作簿", "About this workbook"),
    "file": ("输入文件（相对于项目文件夹）", "Input file (from the project folder)"),
    "inputs": ("输入文件", "Input files"),
    "item": ("项目", "Item"),
    "value": ("值", "Value"),
    "key": ("键", "Key"),
    "role": ("类别", "Kind"),
    "sha": ("SHA-256", "SHA-256"),
    "intro": (
        "以下信息可用于复现本报告：相同的输入文件（SHA-256 一致）、相同的有效设置与随机种子，"
        "用同一版本的 evalkit 运行，得到的数字完全相同。`evalkit verify 报告文件夹` 会重新读取输入、"
        "核对其 SHA-256 并重新计算，逐个文件说明数字是否一致。",
        "What this report was made from. The same input files (the same SHA-256), the same "
        "effective settings and seeds, run with the same evalkit version, give the same numbers. "
        "`evalkit verify REPORTS_FOLDER` re-reads the inputs, checks their SHA-256, recomputes "
        "and says for every file whether its numbers match.",
    ),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def phrase(key: str, lang: str) -> str:
    return _pick(_PHRASES[key], lang)


def title(lang: str) -> str:
    """可复现性 / Reproducibility."""
    return _pick(TITLE, lang)


def role_word(role: str, lang: str) -> str:
    return _pick(ROLES.get(role, (role, role)), lang)


def date_source(prov: Provenance, lang: str) -> str:
    """Where the project's date came from, in *lang*."""
    return _pick(_SOURCES.get(prov.date_source, _SOURCES["none"]), lang).format(file=prov.date_file)


def seeds_text(prov: Provenance) -> str:
    return ", ".join(f"{k} = {v}" for k, v in prov.seeds)


def provenance_rows(prov: Provenance, lang: str) -> list[tuple[str, str, str]]:
    """(label, value, key) rows of the provenance, inputs aside."""
    undated = "—"
    values = {
        "evalkit_version": prov.version,
        "date": prov.date or undated,
        "date_source": date_source(prov, lang),
        "project": prov.project,
        "lang": lang,
        "settings_sha256": prov.settings_sha256,
        "seeds": seeds_text(prov),
        "settings": prov.settings,
    }
    return [(_pick(KEYS[k], lang), values[k], k) for k in KEYS]


def input_rows(prov: Provenance, lang: str) -> list[tuple[str, str, str]]:
    """(path, SHA-256, kind in *lang*) per input file."""
    return [(f.path, f.sha256, role_word(f.role, lang)) for f in prov.inputs]


def sheet_rows(sheet_keys: Iterable[str], lang: str) -> list[tuple[str, str]]:
    """(sheet name, what it holds) for the sheets of a workbook, by their keys."""
    out = []
    for key in sheet_keys:
        name = README if key == "readme" else _pick(SHEETS.get(key, (key, key)), lang)
        out.append((name, _pick(SHEET_NOTES.get(key, ("", "")), lang)))
    return out


def footer_html(prov: Provenance, lang: str) -> str:
    """The HTML report's footer: a ``<footer>`` element with the provenance (every text
    escaped), for the HTML renderer to place at the end of its ``<body>``."""
    e = html.escape
    lines = [f'<footer class="evalkit-provenance" lang="{e(lang)}">']
    lines.append(f"<h2>{e(title(lang))}</h2>")
    lines.append(f"<p>{e(phrase('intro', lang))}</p>")
    lines.append("<dl>")
    for label, value, key in provenance_rows(prov, lang):
        if key != "lang":
            lines.append(f"<dt>{e(label)}</dt><dd><code>{e(value)}</code></dd>")
    lines.append("</dl>")
    head = "".join(f"<th>{e(phrase(k, lang))}</th>" for k in ("file", "role", "sha"))
    lines.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
    for path, sha, kind in input_rows(prov, lang):
        lines.append(f"<tr><td>{e(path)}</td><td>{e(kind)}</td><td><code>{e(sha)}</code></td></tr>")
    lines.append("</tbody></table></footer>")
    return "\n".join(lines)


def read_readme(rows: Iterable[tuple[Any, ...]]) -> dict[str, Any]:
    """The provenance a ``README`` sheet holds, from its rows (cells of columns A-C): a mapping
    :meth:`Provenance.from_json` reads, plus ``lang``; {} when the rows hold none."""
    found: dict[str, Any] = {}
    inputs: list[dict[str, str]] = []
    for row in rows:
        cells = [*row, None, None, None][:3]
        key = cells[2]
        if not isinstance(key, str):
            continue
        if key.startswith("input:"):
            inputs.append(
                {"path": str(cells[0]), "sha256": str(cells[1] or ""), "role": key[len("input:") :]}
            )
        elif key in KEYS:
            found[key] = "" if cells[1] is None else str(cells[1])
    if "settings" not in found:
        return {}
    seeds = {}
    for part in found.get("seeds", "").split(","):
        name, _, value = part.partition("=")
        if value.strip():
            seeds[name.strip()] = int(value.strip())
    return {
        "version": found.get("evalkit_version", ""),
        "project": found.get("project", ""),
        "date": "" if found.get("date") == "—" else found.get("date", ""),
        "date_source": "",
        "inputs": inputs,
        "settings": json.loads(found["settings"]),
        "settings_sha256": found.get("settings_sha256", ""),
        "seeds": seeds,
        "lang": found.get("lang", ""),
    }
