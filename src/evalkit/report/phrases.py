"""The fixed sentences and phrases of the reports in Chinese and English.

Section titles, labels and the templates of every sentence a report writes (the summary paragraph,
notes, the uncertainty analysis' statements) live here; :mod:`evalkit.report.narrative` fills
them in, and every renderer (workbook, PDF) shows the same filled-in text. Placeholders are
filled with ``str.format`` in Python, never in a template language. Column headers, sheet names
and single words are in :mod:`evalkit.report.i18n`.
"""

from __future__ import annotations

from ..weights.consistency import CONSENSUS_MEASURE

PHRASES: dict[str, dict[str, str]] = {
    "zh": {
        "page": "第 {x} 页 / 共 {y} 页",
        "summary": "总体评估结果",
        "dimensions": "维度得分",
        "indicators": "指标得分明细",
        "stations": "派出所得分",
        "weak": "薄弱环节与对策建议",
        "method": "附录 方法说明",
        "total": "综合得分",
        "level": "成熟度等级",
        "rank": "全省排名",
        "rank_value": "{rank} / {n}",
        "rank_sub": "在全省 {n} 个参评区县中排第 {rank} 名",
        "level_value": "{name}（第 {level} 级）",
        "level_sub": "第 {level} 级，共 {n} 级",
        "mean_best": "全省均值 {mean} · 最高 {best}",
        "warnings": "提示",
        "report_date": "报告日期",
        "tree_title": "指标体系",
        "district": "评估对象",
        "radar_caption": "各维度得分与全省均值对比",
        "bars_caption": "各派出所综合得分",
        "indicators_note": "失分 = 全局权重 × (100 − 指标得分)，即该指标使综合得分减少的分值。",
        "stations_hidden": "另有 {n} 个派出所因有效问卷数低于隐私保护下限，未单独列示。",
        "no_stations": "没有可单独列示的派出所。",
        "weakest": "失分最多的指标",
        "weakest_note": "按失分排序：权重大的指标即使得分不低，也可能使综合得分损失最多，"
        "改进它对总分的提升也最大。",
        "recommendations": "对策建议",
        "no_recommendations": "无。",
        "overall": "综合",
        "method_params": "方法参数",
        "formulas": "计算公式",
        "formula_ahp": "层次分析法（特征向量法）：",
        "formula_entropy": "熵权法（m 个评价单元）：",
        "formula_score": "目标值法标准化（逆向指标交换上下限）：",
        "formula_total": "逐层加权求和：",
        "tree": "指标体系",
        "weights": "指标权重",
        "group_cr": "群组判断矩阵一致性检验",
        "expert_cr": "专家判断矩阵一致性检验",
        "cr_note": "加粗并着色的行 CR 大于阈值 {t}。",
        "counts": "数据概况",
        "reliability": "问卷信度",
        "reliability_note": (
            "Cronbach's α ≥ 0.7 为可接受，≥ 0.8 为良好（George & Mallery, 2003）；反向题与逆向指标题已反向计分。"
            "KMO = {kmo}，Bartlett 球形检验 χ²({df}) = {chi2}，p {p}（n = {n}）。"
        ),
        "screened": "剔除无效问卷 {n} 份（编号重复、缺答超过 20%、全部题目选同一选项），均未计入得分。",
        "levels": "成熟度等级划分",
        "issues": "数据问题",
        "issues_more": "另有 {n} 条问题未列出，完整清单见 Excel 工作簿。",
        "issues_own": "本区县（{district}）",
        "issues_study": "全省（专家判断、权重、指标体系与项目文件）",
        "rank_sub_partial": "在 {m} 个区县中参评的 {n} 个中排第 {rank} 名",
        "mean_best_partial": "全省均值 {mean} · 最高 {best}（按 {n}/{m} 个区县）",
        "para_rank": "在全省 {n} 个参评区县中排名第 {rank}",
        "para_rank_partial": "在 {m} 个区县中参评的 {n} 个中排名第 {rank}",
        "para_partial": "（全省均值只按参评的 {n} 个区县计算。）",
        "no_issues": "未发现数据问题。",
        "location": "位置",
        "m_weights": "权重方法",
        "m_combine_level": "组合层级",
        "m_ri_table": "随机一致性指标 RI 表",
        "m_cr_threshold": "一致性比率阈值 CR",
        "m_normalisation": "标准化方法",
        "m_aggregation": "汇总方法",
        "m_objective_units": "客观赋权计算单元（派出所数）",
        "m_inconsistent_experts": "未通过一致性检验的专家",
        "m_survey": "问卷指标取值",
        "m_ratio": "比率指标汇总",
        "m_consensus": "专家共识度指标",
        "m_hierarchy_cr": "层次总排序一致性检验",
        "m_group": "群组决策集结方法",
        "c_respondents": "有效问卷数",
        "c_responses_missing": "缺失答案（单元格）",
        "c_stations": "派出所数",
        "c_stations_hidden": "未列示派出所数",
        "c_experts": "专家数",
        "c_experts_inconsistent": "未通过一致性检验的专家矩阵",
        "c_items": "问卷题目数",
        "c_indicators": "指标数",
        "c_districts": "参评区县数",
        "c_excluded": "剔除无效问卷数",
        "para_total": (
            "{district}信息化综合得分 {total} 分，成熟度等级为“{level}”（第 {lv} 级），"
            "{ranked}，{cmp}。"
        ),
        "cmp_above": "高于全省均值 {d} 分",
        "cmp_below": "低于全省均值 {d} 分",
        "cmp_equal": "与全省均值持平",
        "para_dims": "各维度中，“{best}”得分最高（{bs} 分），“{worst}”得分最低（{ws} 分）。",
        "para_below": "低于全省均值的维度有：{names}。",
        "para_none_below": "所有维度均不低于全省均值。",
        "para_gap": "失分最多的指标是“{name}”（得分 {score} 分，失分 {gap} 分）。",
        "list_sep": "、",
        "quote": "“{}”",
        "no": "序号",
        "matrix_order": "阶数",
        "series_mean": "全省均值",
        # ---- the uncertainty and sensitivity analysis
        "uncertainty": "结果的不确定性",
        "unc_intro": (
            "以下区间来自不确定性分析：在 {draws} 组抽样（共 {runs} 次计算）中同时改变可能受到质疑的"
            "设定（见附录“不确定性分析的因素”），每次重新计算全部得分、排名与等级。排名区间为 5%–95% "
            "分位数；等级概率只计目标值法标准化的抽样。"
        ),
        "unc_summary": "不确定性分析：排名区间第 {ranks} 名（5%–95%），得分区间 {scores}；等级为{level_prob}。",
        "unc_level": "{level}（概率 {p}{others}）",
        "unc_level_other": "；{level} {p}",
        "unc_level_label": "等级概率",
        "unc_rank_label": "排名区间（5%–95%）",
        "unc_score_label": "得分区间（5%–95%）",
        "unc_pair": "{a}与{b}的排名区间重叠，二者无法区分。",
        "unc_chain": "{names}的排名区间依次重叠，彼此无法区分。",
        "unc_districts_distinct": "各区县的排名区间互不重叠：全省排名均可区分。",
        "unc_stations_distinct": "本区各派出所的区内排名区间互不重叠：区内排名均可区分。",
        "unc_own_distinct": "{district}的排名区间不与其他区县重叠。",
        "unc_districts": "本区县（全省排名）",
        "unc_stations": "本区派出所（区内排名）",
        "unc_chart_districts": "全省各区县的排名区间（实心点：名义排名；圆圈：中位数；横线：5%–95% 区间；本区加粗）",
        "unc_chart_stations": "本区各派出所的区内排名区间（实心点：名义排名；圆圈：中位数；横线：5%–95% 区间）",
        "unc_axis_rank": "排名（1 为最好）",
        "unc_nominal": "名义排名",
        "unc_median": "中位数",
        "unc_interval": "5%–95% 区间",
        "unc_unit": "单位",
        "unc_rank": "排名",
        "unc_rank_interval": "排名区间",
        "unc_score": "得分",
        "unc_score_interval": "得分区间",
        "unc_p_level": "等级概率",
        "unc_factors": "不确定性分析的因素",
        "unc_factors_note": (
            "共 {draws} 组抽样、{runs} 次计算（Saltelli 设计：样本 A、B 及每个因素取自 B 的 A），"
            "随机种子 {seed}。未改变的因素保持项目设定。"
        ),
        "unc_sensitivity": "敏感性分析",
        "unc_sensitivity_caption": "各因素的一阶指数（深色）与总效应指数（浅色）",
        "unc_sensitivity_note": (
            "一阶指数为单独改变该因素所解释的方差比例（Saltelli 等，2010），总效应指数另含其与其他因素"
            "的交互（Jansen，1999）；按各单位的方差合并。蒙特卡罗误差可使接近 0 的指数略小于 0。"
        ),
        "unc_output_score": "得分",
        "unc_output_rank": "排名",
        "unc_kind_district": "区县",
        "unc_kind_station": "派出所",
        "unc_first_order": "一阶指数",
        "unc_total": "总效应指数",
        # ---- what the figures rest on (objective weights, calibration, level rule)
        "diag_title": "客观权重的诊断",
        "diag_few_values": "取值过少",
        "diag_few_units": "受单个派出所影响",
        "diag_note": (
            "熵权法、CRITIC 法与标准差法的客观权重并列（各在 {units} 个派出所间计算；所用权重取"
            "{method}的结果）。“取值过少”：不同取值少于 {few} 个，或超过 {share} 的派出所取同一值，"
            "权重更多取决于并列取值而非指标的信息量；“受单个派出所影响”：剔除某一派出所后权重变化超过 "
            "{loo}（列出变化最大的派出所）。标出的指标，其客观权重应谨慎看待。"
        ),
        "share_title": "权重的数据来源构成",
        "share_sentence": (
            "总权重中 {survey} 来自民警自评问卷（问卷指标），{records} 来自统计记录（统计指标）"
            "（按所用权重计；下表列出 AHP 权重与客观权重下的构成）。"
        ),
        "basis_title": "定级规则与数值依据",
        "level_rule_sentence": "定级规则：{rule}。",
        "calib_levels": "等级阈值的依据：{basis}。",
        "calib_levels_guess": "等级阈值为{basis}（指标体系标注为 calibration），尚待依据标准或数据核定。",
        "calib_goalposts": (
            "{of} 个统计指标中有 {n} 个的上下限阈值为校准估计值（指标体系标注为 calibration）：{names}。"
        ),
        "calib_caution": "基于校准估计值的得分与等级应作相对比较理解，不宜视为达到某一标准的结论。",
        "level_rule_label": "定级规则",
        "level_basis_label": "等级阈值依据",
        "goalpost_guesses_label": "上下限阈值为校准估计值的指标",
        "self_report_label": "自评问卷所占权重",
        "none": "无",
        "held_back": (
            "按分级递进定级规则，等级受“{dimension}”（{score} 分）所限，定为{level}；"
            "仅按综合得分应为{by_total}。"
        ),
        "diag_short": "熵权法|CRITIC|标准差法|取值数|众数占比|剔除一所的变化|影响最大的派出所",
        "held_back_label": "等级受限于",
    },
    "en": {
        "page": "Page {x} of {y}",
        "summary": "Overall result",
        "dimensions": "Dimension scores",
        "indicators": "Indicator scores",
        "stations": "Police stations",
        "weak": "Weak points and recommendations",
        "method": "Appendix: Methodology",
        "total": "Total score",
        "level": "Maturity level",
        "rank": "Rank in province",
        "rank_value": "{rank} / {n}",
        "rank_sub": "rank {rank} of {n} districts assessed",
        "level_value": "{name} (level {level})",
        "level_sub": "level {level} of {n}",
        "mean_best": "province mean {mean}, best {best}",
        "warnings": "Note",
        "report_date": "Report date",
        "tree_title": "Indicator tree",
        "district": "District",
        "radar_caption": "Dimension scores against the province mean",
        "bars_caption": "Total score of each police station",
        "indicators_note": (
            "Points lost = global weight × (100 − indicator score): what the indicator costs the "
            "total score."
        ),
        "stations_hidden": (
            "{n} more station(s) are not shown because they have fewer respondents than the "
            "privacy minimum."
        ),
        "no_stations": "No station can be shown separately.",
        "weakest": "Indicators losing the most points",
        "weakest_note": "Ordered by points lost: a heavily weighted indicator can cost the total more "
        "than a lower-scoring light one, and improving it raises the total most.",
        "recommendations": "Recommendations",
        "no_recommendations": "None.",
        "overall": "Overall",
        "method_params": "Method",
        "formulas": "Formulas",
        "formula_ahp": "AHP (eigenvector method):",
        "formula_entropy": "Entropy weights (m units):",
        "formula_score": "Goalpost normalisation (worst and best swapped for cost indicators):",
        "formula_total": "Weighted sum up the tree:",
        "tree": "Indicator tree",
        "weights": "Weights",
        "group_cr": "Consistency of the group judgment matrices",
        "expert_cr": "Consistency of each expert's judgment matrices",
        "cr_note": "Rows in bold colour have CR above the threshold {t}.",
        "counts": "Data",
        "reliability": "Survey reliability",
        "reliability_note": (
            "Cronbach's α ≥ 0.7 is acceptable, ≥ 0.8 good (George & Mallery, 2003); reverse-worded "
            "items and items of cost indicators are recoded. KMO = {kmo}; Bartlett's test of "
            "sphericity χ²({df}) = {chi2}, p {p} (n = {n})."
        ),
        "screened": "{n} invalid questionnaire(s) excluded (duplicate id, more than 20 % missing, "
        "the same answer to every item); they count in no score.",
        "levels": "Maturity levels",
        "issues": "Data issues",
        "issues_more": "{n} more issues are not listed; see the Excel workbook for all of them.",
        "issues_own": "This district ({district})",
        "issues_study": "Whole study (expert judgments, weights, indicator tree, project file)",
        "rank_sub_partial": "rank {rank} of {n} districts assessed ({m} in the study)",
        "mean_best_partial": "province mean {mean}, best {best} ({n} of {m} districts)",
        "para_rank": "It ranks {rank} of {n} districts in the province",
        "para_rank_partial": "It ranks {rank} of the {n} districts assessed ({m} in the study)",
        "para_partial": "(Province means cover the {n} districts assessed only.)",
        "no_issues": "No data issues were found.",
        "location": "Location",
        "m_weights": "Weights",
        "m_combine_level": "Level of combination",
        "m_ri_table": "Random index (RI) table",
        "m_cr_threshold": "CR threshold",
        "m_normalisation": "Normalisation",
        "m_aggregation": "Aggregation",
        "m_objective_units": "Objective weights across (stations)",
        "m_inconsistent_experts": "Experts over the CR threshold",
        "m_survey": "Survey indicators",
        "m_ratio": "Ratio statistics",
        "m_consensus": "Consensus measure",
        "m_hierarchy_cr": "Consistency of the whole hierarchy",
        "m_group": "Group aggregation",
        "c_respondents": "Respondents",
        "c_responses_missing": "Missing answers (cells)",
        "c_stations": "Police stations",
        "c_stations_hidden": "Stations not shown",
        "c_experts": "Experts",
        "c_experts_inconsistent": "Inconsistent expert matrices",
        "c_items": "Survey items",
        "c_indicators": "Indicators",
        "c_districts": "Districts assessed",
        "c_excluded": "Invalid questionnaires excluded",
        "para_total": (
            "{district} scores {total} out of 100 and reaches maturity level {lv}, "
            "\u201c{level}\u201d. {ranked}, {cmp}."
        ),
        "cmp_above": "{d} points above the province mean",
        "cmp_below": "{d} points below the province mean",
        "cmp_equal": "level with the province mean",
        "para_dims": (
            "Its strongest dimension is \u201c{best}\u201d ({bs}) and its weakest is "
            "\u201c{worst}\u201d ({ws})."
        ),
        "para_below": "Dimensions below the province mean: {names}.",
        "para_none_below": "No dimension is below the province mean.",
        "para_gap": (
            "The indicator losing the most points is \u201c{name}\u201d (score {score}, "
            "{gap} points lost)."
        ),
        "list_sep": ", ",
        "quote": "\u201c{}\u201d",
        "no": "No.",
        "matrix_order": "Order n",
        "series_mean": "Province mean",
        # ---- the uncertainty and sensitivity analysis
        "uncertainty": "How certain the results are",
        "unc_intro": (
            "The intervals below come from the uncertainty analysis: over {draws} draws ({runs} "
            "runs) the choices a reviewer could question were varied together (see the appendix, "
            "Factors of the uncertainty analysis), and every score, rank and level recomputed each "
            "time. Rank intervals run from the 5th to the 95th percentile; level probabilities "
            "count the draws with goalpost normalisation only."
        ),
        "unc_summary": (
            "Uncertainty analysis: rank interval {ranks} (5–95 %), score {scores}; "
            "maturity level {level_prob}."
        ),
        "unc_level": "{level} with probability {p}{others}",
        "unc_level_other": "; {level} {p}",
        "unc_level_label": "Level probability",
        "unc_rank_label": "Rank interval (5–95 %)",
        "unc_score_label": "Score interval (5–95 %)",
        "unc_pair": "The rank intervals of {a} and {b} overlap: they cannot be told apart.",
        "unc_chain": "The rank intervals of {names} overlap in turn: they cannot be told apart.",
        "unc_districts_distinct": (
            "No two districts' rank intervals overlap: every rank in the province is distinguishable."
        ),
        "unc_stations_distinct": (
            "No two stations' rank intervals in the district overlap: every rank is distinguishable."
        ),
        "unc_own_distinct": "The rank interval of {district} overlaps no other district's.",
        "unc_districts": "The district (rank in the province)",
        "unc_stations": "Police stations of the district (rank in the district)",
        "unc_chart_districts": (
            "Rank intervals of the province's districts (filled dot: nominal rank; ring: "
            "median; bar: 5–95 %; this district in bold)"
        ),
        "unc_chart_stations": (
            "Rank intervals of the district's police stations within the district (filled dot: "
            "nominal rank; ring: median; bar: 5–95 %)"
        ),
        "unc_axis_rank": "Rank (1 = best)",
        "unc_nominal": "Nominal rank",
        "unc_median": "Median",
        "unc_interval": "5–95 % interval",
        "unc_unit": "Unit",
        "unc_rank": "Rank",
        "unc_rank_interval": "Rank interval",
        "unc_score": "Score",
        "unc_score_interval": "Score interval",
        "unc_p_level": "Level probability",
        "unc_factors": "Factors of the uncertainty analysis",
        "unc_factors_note": (
            "{draws} draws, {runs} runs (Saltelli's design: samples A and B, and A with each factor "
            "taken from B), seed {seed}. Factors not varied keep the project's setting."
        ),
        "unc_sensitivity": "Sensitivity analysis",
        "unc_sensitivity_caption": "First-order (dark) and total (light) index of each factor",
        "unc_sensitivity_note": (
            "The first-order index is the share of the variance a factor explains alone (Saltelli "
            "et al. 2010); the total index adds its interactions with the others (Jansen 1999); "
            "variances are pooled over units. Monte Carlo error can put an index near 0 slightly "
            "below it."
        ),
        "unc_output_score": "Scores",
        "unc_output_rank": "Ranks",
        "unc_kind_district": "Districts",
        "unc_kind_station": "Police stations",
        "unc_first_order": "First-order index",
        "unc_total": "Total index",
        # ---- what the figures rest on (objective weights, calibration, level rule)
        "diag_title": "Diagnostics of the objective weights",
        "diag_few_values": "few distinct values",
        "diag_few_units": "moved by one station",
        "diag_note": (
            "Objective weights of entropy, CRITIC and standard deviation side by side (each "
            "computed across {units} police stations; the weights used take the {method} "
            "weights). Few distinct values: fewer than {few} distinct values, or over {share} of "
            "the stations at one value, so the weight rests on ties more than on the indicator's "
            "information. Moved by one station: leaving one station out changes the weight by "
            "over {loo} (the station that moves it most is named). Read the objective weights of "
            "flagged indicators with care."
        ),
        "share_title": "Where the weight comes from",
        "share_sentence": (
            "{survey} of the total weight rests on officers' self-reports (survey indicators) "
            "and {records} on records (statistics indicators), by the weights used; the table "
            "gives the shares under the AHP and the objective weights too."
        ),
        "basis_title": "Level rule and what the figures rest on",
        "level_rule_sentence": "Level rule: {rule}.",
        "calib_levels": "The level cut-offs rest on: {basis}.",
        "calib_levels_guess": (
            "The level cut-offs are a {basis} (marked calibration in the indicator tree), still "
            "to be checked against a standard or reference data."
        ),
        "calib_goalposts": (
            "The goalposts of {n} of {of} statistics indicators are calibration guesses (marked "
            "calibration in the indicator tree): {names}."
        ),
        "calib_caution": (
            "Scores and levels built on calibration guesses compare units with each other; they "
            "do not show that a standard is met."
        ),
        "level_rule_label": "Level rule",
        "level_basis_label": "Level cut-offs rest on",
        "goalpost_guesses_label": "Goalposts that are calibration guesses",
        "self_report_label": "Weight on self-reports",
        "none": "none",
        "held_back": (
            "Under the staged level rule the level is held at {level} by “{dimension}” (score "
            "{score}); by the total alone it would be {by_total}."
        ),
        "diag_short": "Entropy|CRITIC|Std. dev.|Distinct|At mode|Leave one out|Station",
        "held_back_label": "Level held back by",
    },
}


#: The project's methods as the reports name them (zh, en).
METHOD_WORDS = {
    "combined": ("AHP 与{objective}组合赋权", "AHP combined with {objective} weights"),
    "ahp": ("层次分析法（AHP）主观赋权", "AHP (subjective) weights"),
    "entropy": ("熵权法客观赋权", "entropy (objective) weights"),
    "critic": ("CRITIC 法客观赋权", "CRITIC (objective) weights"),
    "std": ("标准差法客观赋权", "standard-deviation (objective) weights"),
    "cv": ("变异系数法客观赋权", "coefficient-of-variation (objective) weights"),
    "equal": ("等权重", "equal weights"),
    "fixed": ("指标树给定权重", "the tree's fixed weights"),
    "weighted_sum": (
        "逐层加权求和（缺失指标的同级权重重新归一）",
        "weighted sum level by level (weights of missing siblings renormalised)",
    ),
    "geometric": (
        "逐层加权几何平均（得分下限取 1，缺失指标的同级权重重新归一）",
        "weighted geometric mean level by level (scores floored at 1; weights of missing "
        "siblings renormalised)",
    ),
    "linear": ("线性组合", "linear combination"),
    "multiplicative": ("乘法合成归一化", "multiplicative combination"),
    "game_theory": ("博弈论组合赋权", "game-theory combination"),
}


AGGREGATE_WORDS = {"mean": ("均值", "mean"), "sum": ("合计", "sum"), "max": ("最大值", "max")}
AGGREGATE_WORDS["min"] = ("最小值", "min")
CONSENSUS_ZH = {CONSENSUS_MEASURE: "AHP-OS 专家共识度 S*（Goepel 2013；Shannon α/β 熵）"}


OBJECTIVE_WORDS = {
    "entropy": ("熵权法", "entropy"),
    "critic": ("CRITIC 法", "CRITIC"),
    "std": ("标准差法", "standard-deviation"),
    "cv": ("变异系数法", "coefficient-of-variation"),
}

#: Bands of Cronbach's alpha (zh, en).
ALPHA_BANDS = {
    "excellent": ("优秀", "excellent"),
    "good": ("良好", "good"),
    "acceptable": ("可接受", "acceptable"),
    "questionable": ("存疑", "questionable"),
    "poor": ("较差", "poor"),
    "unacceptable": ("不可接受", "unacceptable"),
    "undefined": ("无法计算", "undefined"),
}


def phrases(lang: str) -> dict[str, str]:
    """The phrases of *lang* ("zh" or "en"; any other language reads English)."""
    return PHRASES["zh" if lang == "zh" else "en"]
