"""Random consistency indices (RI) of AHP, by table name.

A constant of the method that the project file names (``weights.ri_table``), so it lives below every
layer: the spec checks a name against it without importing the weighting kernels.
"""

from __future__ import annotations

#: Random consistency indices, n = 1, 2, 3, ...
RI_TABLES: dict[str, tuple[float, ...]] = {
    # Saaty, T. L. (1980) The Analytic Hierarchy Process, McGraw-Hill; reproduced in Saaty (1990)
    # "How to make a decision", EJOR 48, 9-26. Every published Saaty example's CR reproduces with it.
    "saaty": (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59),
    # Saaty, T. L. (2005) Theory and Applications of the Analytic Network Process, RWS
    # Publications, p. 31 (values as transcribed by AHPy's ``random_index='saaty'``).
    "saaty2005": (
        0,
        0,
        0.52,
        0.89,
        1.11,
        1.25,
        1.35,
        1.40,
        1.45,
        1.49,
        1.52,
        1.54,
        1.56,
        1.58,
        1.59,
    ),
    # Donegan, H. A. & Dodd, F. J. (1991) "A note on Saaty's random indexes", Mathematical and
    # Computer Modelling 15(10), 135-137 (n = 3..20, as transcribed by AHPy's default table).
    "donegan_dodd": (
        0,
        0,
        0.4914,
        0.8286,
        1.0591,
        1.1797,
        1.2519,
        1.3171,
        1.3733,
        1.4055,
        1.4213,
        1.4497,
        1.4643,
        1.4822,
        1.4969,
        1.5078,
        1.5153,
        1.5262,
        1.5313,
        1.5371,
    ),
    # Tummala, V. M. R. & Ling, H. (1998) "A note on the computation of the mean random consistency
    # index of the analytic hierarchy process (AHP)", Theory and Decision 44(3), 221-230 (values as
    # transcribed by pymcdm's AHP.RI_M).
    "tummala_ling": (
        0,
        0,
        0.5799,
        0.8921,
        1.1159,
        1.2358,
        1.3322,
        1.3952,
        1.4537,
        1.4882,
        1.5117,
        1.5356,
        1.5571,
        1.5714,
        1.5831,
    ),
    # The table common in Chinese textbooks and tutorials (1000-matrix simulation, e.g. Xu Shubai
    # 1988 "实用决策方法——层次分析法原理").
    "chinese_common": (
        0,
        0,
        0.52,
        0.89,
        1.12,
        1.26,
        1.36,
        1.41,
        1.46,
        1.49,
        1.52,
        1.54,
        1.56,
        1.58,
        1.59,
    ),
}

RI_TABLE_LABELS: dict[str, str] = {
    "saaty": "Saaty (1980) RI",
    "saaty2005": "Saaty (2005) RI",
    "donegan_dodd": "Donegan & Dodd (1991) RI",
    "tummala_ling": "Tummala & Ling (1998) RI",
    "chinese_common": "RI table common in Chinese textbooks (0.52, 0.89, 1.12, ...)",
}
