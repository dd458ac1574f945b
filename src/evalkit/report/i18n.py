"""Display texts of reports in Chinese and English.

Names of districts, stations, dimensions and indicators come from the data and the tree; this module
holds only the fixed words of the reports: column headers, sheet names and labels.
"""

from __future__ import annotations

LANGS = ("zh", "en")

# Column headers shared by every renderer (keys are the model's column ids).
HEADERS: dict[str, tuple[str, str]] = {
    # (zh, en)
    "id": ("编号", "ID"),
    "name": ("名称", "Name"),
    "district": ("区县（分局）", "District"),
    "station": ("派出所", "Police station"),
    "dimension": ("维度", "Dimension"),
    "dimension_id": ("维度编号", "Dimension ID"),
    "score": ("得分", "Score"),
    "total": ("综合得分", "Total score"),
    "province_mean": ("全省均值", "Province mean"),
    "best_in_province": ("全省最高", "Province best"),
    "rank": ("排名", "Rank"),
    "rank_in_district": ("区内排名", "Rank in district"),
    "rank_in_province": ("全省排名", "Rank in province"),
    "weight": ("权重", "Weight"),
    "level": ("成熟度等级", "Maturity level"),
    "level_name": ("等级名称", "Level"),
    "unit": ("单位", "Unit"),
    "direction": ("方向", "Direction"),
    "direction_label": ("方向", "Direction"),
    "source": ("数据来源", "Source"),
    "source_label": ("数据来源", "Source"),
    "raw": ("原始值", "Raw value"),
    "worst": ("下限阈值", "Worst goalpost"),
    "best": ("上限阈值", "Best goalpost"),
    "goalpost_basis": ("阈值依据", "Goalposts rest on"),
    "record": ("数据出处", "Data from"),
    "direction_note": ("方向依据", "Why this direction"),
    "basis": ("所答问题", "What it answers"),
    "local_weight": ("局部权重", "Local weight"),
    "global_weight": ("全局权重", "Global weight"),
    "gap": ("失分", "Points lost"),
    "n": ("样本数", "N"),
    "respondents": ("有效问卷数", "Respondents"),
    "stations": ("派出所数", "Stations"),
    "depth": ("层级", "Level in tree"),
    "parent": ("上级节点", "Parent"),
    "ahp_local": ("AHP局部权重", "AHP local"),
    "objective_local": ("客观局部权重", "Objective local"),
    "local": ("组合局部权重", "Local (used)"),
    "ahp_global": ("AHP全局权重", "AHP global"),
    "objective_global": ("客观全局权重", "Objective global"),
    "global": ("组合全局权重", "Global (used)"),
    "node_id": ("节点编号", "Node ID"),
    "node": ("判断矩阵", "Matrix (node)"),
    "expert": ("专家", "Expert"),
    "experts": ("专家数", "Experts"),
    "lambda_max": ("最大特征根 λmax", "λmax"),
    "ci": ("一致性指标 CI", "CI"),
    "cr": ("一致性比率 CR", "CR"),
    "consistent": ("通过一致性检验", "Consistent"),
    "used": ("纳入计算", "Used"),
    "severity": ("级别", "Severity"),
    "scope": ("范围", "Scope"),
    "file": ("文件", "File"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "line": ("YAML行", "YAML line"),
    "path": ("指标路径", "Tree path"),
    "check": ("检查项", "Check"),
    "message": ("问题", "Problem"),
    "expected": ("应为", "Expected"),
    "found": ("实际", "Found"),
    "fix": ("处理建议", "How to fix"),
    "min_score": ("最低分", "From score"),
    "max_score": ("最高分", "Below score"),
    "description": ("说明", "Description"),
    "kind": ("类型", "Kind"),
    "priority": ("优先级", "Priority"),
    "text": ("对策建议", "Recommendation"),
    "items": ("题目数", "Items"),
    "worst_pair": ("最不一致的判断", "Most inconsistent judgment"),
    "current": ("当前值", "Given"),
    "suggested": ("建议值", "Suggested"),
    "repairs": ("修正记录", "Repairs"),
    "cr_repaired": ("修正后 CR", "CR after repair"),
    "consensus": ("专家共识度 S*", "Consensus S*"),
    "alpha": ("Cronbach's α", "Cronbach's α"),
    "band": ("信度评价", "Band"),
    "note": ("备注", "Note"),
    "item": ("题目", "Item"),
    "indicator": ("指标", "Indicator"),
    "keyed": ("反向计分", "Recoded"),
    "r_item_rest": ("校正项总相关", "Corrected item-total r"),
    "alpha_if_deleted": ("删除该题后的 α", "α if item deleted"),
    "msa": ("MSA", "MSA"),
    "mean": ("均值", "Mean"),
    "sd": ("标准差", "SD"),
    "missing_share": ("缺失比例", "Missing share"),
    "duplicate_id": ("编号重复", "Duplicate id"),
    "too_many_missing": ("缺答过多", "Too many missing"),
    "straight_lining": ("同一选项作答", "Straight-lining"),
    "excluded": ("剔除问卷", "Excluded"),
    "kept": ("有效问卷", "Kept"),
    "answers_empty": ("未作答（留空）", "Answers left empty"),
    "answers_skipped": ("跳题未显示", "Answers skipped by logic"),
    "answers_code": ("缺失代码（如“不知道”）", "Missing codes (e.g. don't know)"),
    "kmo": ("KMO", "KMO"),
    "bartlett_chi2": ("Bartlett χ²", "Bartlett χ²"),
    "df": ("自由度", "df"),
    "p_value": ("p 值", "p"),
    # objective-weight diagnostics, source shares, goalposts' basis, the staged level rule
    "entropy": ("熵权法权重", "Entropy"),
    "critic": ("CRITIC 法权重", "CRITIC"),
    "std": ("标准差法权重", "Std. deviation"),
    "distinct": ("不同取值数", "Distinct values"),
    "share_at_min": ("取最小值的派出所比例", "Share at the minimum"),
    "share_at_mode": ("取众数的派出所比例", "Share at the mode"),
    "loo_change": ("剔除单个派出所的最大变化", "Largest change leaving one station out"),
    "loo_district": ("该派出所所在区县", "Its district"),
    "loo_station": ("影响最大的派出所", "Station moving it most"),
    "few_values": ("取值过少", "Few distinct values"),
    "few_units": ("受单个派出所影响", "Moved by one station"),
    "flag": ("提示", "Flag"),
    "share_ahp": ("AHP 权重", "AHP weights"),
    "share_objective": ("客观权重", "Objective weights"),
    "share_used": ("所用权重", "Weights used"),
    "held_back_by": ("等级受限于", "Held back by"),
    # comparison.xlsx, sheet Files: each district's report files
    "name_in_data": ("数据中的区县名称", "Name in the data"),
    "workbook": ("Excel 报告", "Workbook"),
    "pdf_file": ("PDF 报告", "PDF report"),
    "html_file": ("网页报告", "HTML report"),
    "file_note": ("文件名与区县名不同的原因", "Why the file name differs from the name"),
}

WORDS: dict[str, tuple[str, str]] = {
    "benefit": ("正向", "benefit"),
    "cost": ("逆向", "cost"),
    "survey": ("民警问卷", "officer survey"),
    "statistic": ("统计数据", "station statistics"),
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "goal": ("目标层", "goal"),
    "criterion": ("准则层", "criterion"),
    "indicator": ("指标层", "indicator"),
    # whom a data issue concerns (district reports: a column and group headings)
    "this_district": ("本区县", "this district"),
    "whole_study": ("全省", "whole study"),
}

# The checks that find data issues (``Issue.check``), as the issue tables name them.
CHECKS: dict[str, tuple[str, str]] = {
    "ahp": ("专家判断一致性", "AHP judgments"),
    "columns": ("表头列", "columns"),
    "coverage": ("数据覆盖", "coverage"),
    "empty": ("空表", "empty sheet"),
    "entropy": ("熵权", "entropy weights"),
    "ids": ("编号", "ids"),
    "import": ("导入", "import"),
    "judgments": ("专家判断表", "judgments"),
    "labels": ("选项文字", "labels"),
    "layout": ("表格结构", "layout"),
    "map": ("映射文件", "map"),
    "mapping": ("映射", "mapping"),
    "privacy": ("隐私保护", "privacy"),
    "quality": ("问卷筛查", "questionnaire screening"),
    "reliability": ("信度", "reliability"),
    "scale": ("量表取值", "scale"),
    "statistic": ("统计数据", "statistics"),
    "tree": ("指标体系", "indicator tree"),
    "units": ("区县与派出所", "districts and stations"),
    "run": ("运行", "run"),
    "uncertainty": ("不确定性分析", "uncertainty analysis"),
    "file": ("文件", "file"),
    "files": ("文件", "files"),
    "font_coverage": ("字体覆盖", "font coverage"),
    "report_files": ("报告文件名", "report file names"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    from .scope import scoped  # 全省 / province in the words of the study's scope

    return scoped(pair[0], "zh") if lang == "zh" else scoped(pair[1], "en")


def label(key: str, lang: str) -> str:
    """A label of :data:`LABELS` (else a header) in *lang*."""
    pair = LABELS.get(key)
    return _pick(pair, lang) if pair else header(key, lang)


def header(column: str, lang: str) -> str:
    """Display header of a model column; unknown columns are shown as they are."""
    pair = HEADERS.get(column)
    return _pick(pair, lang) if pair else column


def word(key: str, lang: str) -> str:
    """A fixed word (direction, source kind, priority, severity) in *lang*."""
    pair = WORDS.get(key)
    return _pick(pair, lang) if pair else key


def check(key: str, lang: str) -> str:
    """The name of the check that found an issue, in *lang*; an unknown check as it is."""
    pair = CHECKS.get(key)
    return _pick(pair, lang) if pair else key


def text(pair: dict[str, str] | str | None, lang: str) -> str:
    """Pick *lang* from a {zh, en} mapping of the tree; fall back to the other language."""
    if pair is None:
        return ""
    if isinstance(pair, str):
        return pair
    return pair.get(lang) or pair.get("en") or pair.get("zh") or ""


# Sheet names of the Excel workbooks (keys used by ``report.excel``); at most 31 characters each.
SHEETS: dict[str, tuple[str, str]] = {
    "summary": ("概览", "Summary"),
    "dimensions": ("维度得分", "Dimensions"),
    "indicators": ("指标得分", "Indicators"),
    "stations": ("派出所", "Stations"),
    "weights": ("权重", "Weights"),
    "experts": ("专家一致性", "Experts"),
    "recommendations": ("对策建议", "Recommendations"),
    "next_level": ("晋级路径", "Next level"),
    "issues": ("数据问题", "Data issues"),
    "districts": ("区县对比", "Districts"),
    "levels": ("等级标准", "Levels"),
    "reliability": ("信度分析", "Reliability"),
    "screening": ("问卷筛查", "Screening"),
    "files": ("报告文件", "Files"),
    "obstacles": ("障碍度", "Obstacles"),
    "methods": ("方法比较", "Methods"),
    "fuzzy": ("模糊评价", "Fuzzy"),
    "periods": ("分期变化", "Change"),
    "imbalance": ("派出所差异", "Imbalance"),
    # the uncertainty analysis' machine-readable sheets keep their names in both languages
    "uncertainty": ("Uncertainty", "Uncertainty"),
    "sensitivity": ("Sensitivity", "Sensitivity"),
    "factors": ("Factors", "Factors"),
}

# Labels of the Excel summary sheet and of table columns that are not model columns.
LABELS: dict[str, tuple[str, str]] = {
    "title": ("报告标题", "Report title"),
    "tree_title": ("指标体系", "Indicator framework"),
    "report_date": ("报告日期", "Report date"),
    "rank_of": ("全省排名", "Rank in province"),
    "left_out": ("未参评区县", "Districts left out"),
    "note": ("备注", "Note"),
    "stations_hidden": ("未显示的派出所（样本不足）", "Stations not shown (too few respondents)"),
    "experts_inconsistent": ("未通过一致性检验的判断矩阵", "Inconsistent expert matrices"),
    "method_weights": ("赋权方法", "Weighting method"),
    "method_ri_table": ("RI 取值表", "RI table"),
    "method_cr_threshold": ("一致性比率阈值", "CR threshold"),
    "method_normalisation": ("标准化方法", "Normalisation"),
    "method_aggregation": ("综合方法", "Aggregation"),
    "method_group": ("群组判断集结", "Group judgments"),
    "method_objective_units": ("客观赋权计算单元", "Objective weights across"),
    "method_consensus": ("专家共识度指标", "Consensus measure"),
    "method_hierarchy_cr": ("层次总排序一致性检验", "Consistency of the whole hierarchy"),
    "method_inconsistent_experts": ("未通过一致性检验的专家", "Experts over the CR threshold"),
    "level_description": ("等级说明", "Level description"),
    "summary_paragraph": ("评估综述", "In brief"),
    "dimension_table": ("各维度得分与全省均值", "Dimension scores and province mean"),
    "vs_mean": ("与全省均值之差", "Difference from mean"),
    "warnings": ("提示", "Warnings"),
    "group_table": ("群组综合判断矩阵", "Aggregated group matrices"),
    "indicators": ("相关指标", "Indicators"),
    "kmo_table": ("KMO 与 Bartlett 球形检验", "KMO and Bartlett's test of sphericity"),
    "items_table": ("题目分析", "Item analysis"),
}
