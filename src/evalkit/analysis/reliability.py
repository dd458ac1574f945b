r"""Reliability of the survey scales: Cronbach's alpha, item analysis, KMO and Bartlett's test.

The kernels work on a numpy array ``x`` of shape (n respondents, k items), NaN meaning a missing
answer. All of them use **listwise deletion**: a respondent with any NaN among the k items is left
out (as ``psy::cronbach`` and SPSS RELIABILITY do; ``psych::alpha`` defaults to pairwise), so every
statistic of one call rests on the same complete cases and the covariance matrix is positive
semi-definite. Sample (co)variances use ddof = 1.

With :math:`C` the k x k covariance matrix of the complete cases, :math:`V = \operatorname{tr} C`
(sum of item variances), :math:`T = \mathbf 1^\top C \mathbf 1` (variance of the sum score) and
:math:`s_j = (C \mathbf 1)_j`:

.. math:: \alpha = \frac{k}{k-1}\Bigl(1 - \frac{V}{T}\Bigr)                     \quad(\text{Cronbach 1951})

.. math:: T_{-j} = T - 2 s_j + C_{jj},\quad
          \alpha_{-j} = \frac{k-1}{k-2}\Bigl(1 - \frac{V - C_{jj}}{T_{-j}}\Bigr),\quad
          r_{j,\text{rest}} = \frac{s_j - C_{jj}}{\sqrt{C_{jj}\, T_{-j}}}

so alpha-if-item-deleted and the corrected item-total correlation (item against the sum of the
*other* items) of all items come from one covariance matrix, without a loop over items.

Sampling adequacy (Kaiser 1970; Kaiser & Rice 1974) from the correlation matrix :math:`R` and the
anti-image (partial) correlations :math:`q_{ij} = -R^{-1}_{ij} / \sqrt{R^{-1}_{ii} R^{-1}_{jj}}`:

.. math:: \mathrm{MSA}_j = \frac{\sum_{i \ne j} r_{ij}^2}{\sum_{i \ne j} r_{ij}^2 + \sum_{i \ne j} q_{ij}^2},
          \qquad \mathrm{KMO} = \frac{\sum_{i \ne j} r_{ij}^2}{\sum_{i \ne j} r_{ij}^2 + \sum_{i \ne j} q_{ij}^2}

Bartlett's (1950, 1951) test of sphericity (H0: R = I):

.. math:: \chi^2 = -\Bigl(n - 1 - \frac{2p + 5}{6}\Bigr) \ln\lvert R \rvert,\qquad df = p(p-1)/2

Interpretation bands for alpha follow George & Mallery (2003): >= 0.9 excellent, >= 0.8 good,
>= 0.7 acceptable, >= 0.6 questionable, >= 0.5 poor, else unacceptable.

:func:`reliability_report` applies the kernels to a tree's survey items, per dimension and overall.
Items are first *keyed* so that a higher value always means a better state of the construct:
reverse-worded items are recoded :math:`x' = low + high - x` with the item's scale, and so are the
items of a ``cost`` indicator (where agreement is bad, e.g. "duplicate collection burden"), unless
the item is both (the two flips cancel). This is the orientation in which the items enter the
dimension score, so alpha describes the scale that is actually scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import Issue, Location, MethodError
from ..tree import IndicatorTree

BANDS: tuple[tuple[float, str], ...] = (
    (0.9, "excellent"),
    (0.8, "good"),
    (0.7, "acceptable"),
    (0.6, "questionable"),
    (0.5, "poor"),
)
"""Lower bounds of George & Mallery's (2003) bands for alpha; below the last: "unacceptable"."""

BANDS_ZH = {
    "excellent": "优秀",
    "good": "良好",
    "acceptable": "可接受",
    "questionable": "存疑",
    "poor": "较差",
    "unacceptable": "不可接受",
    "undefined": "无法计算",
}

ACCEPTABLE_ALPHA = 0.7
ADEQUATE_KMO = 0.5  # Kaiser (1974): below 0.5 "unacceptable"


# ----------------------------------------------------------------------------- kernels


def _moments(x: np.ndarray) -> tuple[np.ndarray, int]:
    """Sample covariance (ddof = 1) of the complete rows of x (listwise deletion) and their
    number; the covariance is NaN-filled when fewer than 2 rows are complete. x must be 2-D."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise MethodError(f"expected a respondents x items array, got shape {x.shape}")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 2:
        return np.full((k, k), np.nan), n
    d = x - x.mean(axis=0)
    return d.T @ d / (n - 1), n


def _corr(c: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(c))
    with np.errstate(divide="ignore", invalid="ignore"):
        return c / np.outer(sd, sd)


def _tol(c: np.ndarray) -> float:
    """Variances below this are rounding noise of a variance that is exactly 0."""
    return 1e-12 * max(float(np.trace(c)), 0.0) if c.size else 0.0


def _alpha(c: np.ndarray) -> float:
    k = c.shape[0]
    total = c.sum()
    if k < 2 or not np.isfinite(total) or total <= _tol(c):
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(c) / total))


def _alpha_deleted(c: np.ndarray) -> np.ndarray:
    k = c.shape[0]
    if k < 3:
        return np.full(k, np.nan)
    diag = np.diag(c)
    rest = c.sum() - 2.0 * c.sum(axis=1) + diag
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (k - 1) / (k - 2) * (1.0 - (np.trace(c) - diag) / rest)
    return np.where(rest > _tol(c), out, np.nan)


def _item_rest(c: np.ndarray) -> np.ndarray:
    k = c.shape[0]
    if k < 2:
        return np.full(k, np.nan)
    diag = np.diag(c)
    s = c.sum(axis=1)
    rest_var = c.sum() - 2.0 * s + diag
    denom = np.sqrt(np.clip(diag * rest_var, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (s - diag) / denom
    varies = (diag > _tol(c)) & (rest_var > _tol(c))
    return np.where(varies, np.clip(r, -1.0, 1.0), np.nan)


def _kmo(r: np.ndarray, n: int) -> tuple[float, np.ndarray]:
    k = r.shape[0]
    if k < 2 or n < 2 or not np.isfinite(r).all():
        return float("nan"), np.full(k, np.nan)
    try:
        inv = np.linalg.inv(r)
        if not np.isfinite(inv).all() or np.linalg.cond(r) > 1e12:
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    d = np.sqrt(np.abs(np.diag(inv)))
    with np.errstate(divide="ignore", invalid="ignore"):
        q = -inv / np.outer(d, d)
    off = ~np.eye(k, dtype=bool)
    r2 = np.where(off, r**2, 0.0)
    q2 = np.where(off, q**2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        msa = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
        overall = r2.sum() / (r2.sum() + q2.sum())
    return float(overall), msa


def _bartlett(r: np.ndarray, n: int) -> tuple[float, int, float]:
    p = r.shape[0]
    df = p * (p - 1) // 2
    if p < 2 or n < 2 or not np.isfinite(r).all():
        return float("nan"), df, float("nan")
    sign, logdet = np.linalg.slogdet(r)
    logdet = logdet if sign > 0 else -np.inf
    chi2 = float(-(n - 1 - (2 * p + 5) / 6) * logdet)
    from scipy.special import chdtrc  # chi-square survival function; imported when needed

    return chi2, df, float(chdtrc(df, max(chi2, 0.0)))  # rounding can leave chi2 at -1e-14


def cronbach_alpha(x: np.ndarray) -> float:
    r"""Cronbach's (1951) coefficient alpha of the items (columns) of x.

    .. math:: \alpha = \frac{k}{k-1}\Bigl(1 - \frac{\sum_i \sigma^2_i}{\sigma^2_{total}}\Bigr)

    x: shape (n respondents, k items); NaN allowed: respondents with any NaN are deleted
    listwise. Variances are sample variances (ddof = 1). NaN when k < 2, fewer than 2 complete
    respondents, or the sum score does not vary. Alpha is at most 1 and may be negative.
    """
    return _alpha(_moments(x)[0])


def alpha_if_deleted(x: np.ndarray) -> np.ndarray:
    r"""Alpha of the scale without item j, for every j, from one covariance matrix.

    .. math:: T_{-j} = T - 2 s_j + C_{jj},\quad
              \alpha_{-j} = \frac{k-1}{k-2}\Bigl(1 - \frac{\operatorname{tr} C - C_{jj}}{T_{-j}}\Bigr)

    with C the covariance matrix of the complete cases (listwise deletion over all k items, so
    every alpha_-j uses the same respondents), T = sum of C, s = row sums of C. Shape (k,);
    all NaN when k < 3 (one item left has no alpha) or fewer than 2 complete respondents.
    """
    return _alpha_deleted(_moments(x)[0])


def corrected_item_total(x: np.ndarray) -> np.ndarray:
    r"""Corrected item-total correlation: item j against the sum of the *other* items.

    .. math:: r_{j,rest} = \frac{s_j - C_{jj}}{\sqrt{C_{jj}\,(T - 2 s_j + C_{jj})}}

    (C covariance of the complete cases, s its row sums, T its total; listwise deletion).
    Shape (k,); NaN for a constant item or constant rest score, and all NaN when k < 2.
    """
    return _item_rest(_moments(x)[0])


def kmo(x: np.ndarray) -> tuple[float, np.ndarray]:
    r"""Kaiser-Meyer-Olkin measure of sampling adequacy: overall and per item (MSA).

    .. math:: q_{ij} = -\frac{R^{-1}_{ij}}{\sqrt{R^{-1}_{ii} R^{-1}_{jj}}},\quad
              \mathrm{MSA}_j = \frac{\sum_{i \ne j} r_{ij}^2}
                                    {\sum_{i \ne j} r_{ij}^2 + \sum_{i \ne j} q_{ij}^2}

    and KMO the same ratio summed over all i != j (Kaiser 1970; Kaiser & Rice 1974). R is the
    correlation matrix of the complete cases (listwise deletion). A singular R (more items than
    respondents, an item that is a sum of others) uses the Moore-Penrose pseudo-inverse, as
    ``psych::KMO`` does. As R approaches the identity, KMO approaches 1/2. Returns (NaN, NaNs)
    when k < 2, n < 2 or an item is constant.
    """
    c, n = _moments(x)
    return _kmo(_corr(c), n)


def bartlett_sphericity(x: np.ndarray) -> tuple[float, int, float]:
    r"""Bartlett's test that the correlation matrix is the identity: (chi2, df, p).

    .. math:: \chi^2 = -\Bigl(n - 1 - \frac{2p + 5}{6}\Bigr) \ln\lvert R \rvert,\quad
              df = \frac{p(p-1)}{2},\quad p\text{-value} = P(\chi^2_{df} > \chi^2)

    (Bartlett 1950, 1951). n complete cases (listwise deletion), p items. A singular R gives
    chi2 = inf and p = 0; chi2 and p are NaN when p < 2, n < 2 or an item is constant.
    """
    c, n = _moments(x)
    return _bartlett(_corr(c), n)


def alpha_band(alpha: float) -> str:
    """George & Mallery's (2003) label for alpha: excellent >= 0.9, good >= 0.8, acceptable >= 0.7,
    questionable >= 0.6, poor >= 0.5, else unacceptable; "undefined" for NaN."""
    if alpha != alpha:  # NaN
        return "undefined"
    for bound, label in BANDS:
        if alpha >= bound:
            return label
    return "unacceptable"


# ----------------------------------------------------------------------------- labelled wrapper

SCALE_COLUMNS = ["id", "items", "respondents", "alpha", "band", "note", "note_zh"]
ITEM_COLUMNS = [
    "item",
    "indicator",
    "dimension",
    "keyed",
    "r_item_rest",
    "alpha_if_deleted",
    "msa",
    "mean",
    "sd",
    "missing_share",
]
KMO_COLUMNS = ["kmo", "bartlett_chi2", "df", "p_value", "n", "items"]


@dataclass(frozen=True)
class Reliability:
    """Reliability of the survey scales of a tree.

    scales: one row per dimension with survey items, in tree order, then "overall" (all survey
        items): id, items (count), respondents (complete cases used), alpha, band, note (why
        alpha is undefined; English) and note_zh (the same in Chinese).
    items: one row per survey item in tree order: item, indicator, dimension, keyed (True when the
        item was recoded low + high - x: reverse-worded xor cost indicator), r_item_rest
        (corrected item-total r within its dimension), alpha_if_deleted (within its dimension),
        msa (KMO of the item within the whole item set), mean, sd (of the keyed answers given),
        missing_share (of all respondents).
    kmo: one row: kmo (overall), bartlett_chi2, df, p_value, n (complete cases), items.
    issues: warnings (check="reliability") for alpha below 0.7, KMO below 0.5, scales that cannot
        be computed.
    """

    scales: pd.DataFrame
    items: pd.DataFrame
    kmo: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)


def keyed_items(tree: IndicatorTree, responses: pd.DataFrame) -> pd.DataFrame:
    """The survey item columns of responses, keyed so that higher is better (see module doc).

    Reverse-worded items and items of cost indicators are recoded x' = low + high - x with the
    item's scale; an item that is both is left as it is. Columns in tree order (an item column
    absent from responses is all NaN); the input is not modified.
    """
    cols: dict[str, pd.Series] = {}
    for leaf, item in tree.items():
        assert leaf.source is not None
        scale = tree.scales[leaf.source.scale]
        if item.id in responses.columns:
            x = pd.to_numeric(responses[item.id], errors="coerce").astype(float)
        else:  # an item nobody was asked: all missing
            x = pd.Series(np.nan, index=responses.index)
        flip = item.reverse != (leaf.direction == "cost")
        cols[item.id] = (scale.low + scale.high - x) if flip else x
    return pd.DataFrame(cols, index=responses.index)


def _scale_row(sid: str, c: np.ndarray, n: int) -> dict[str, object]:
    k = c.shape[0]
    a = _alpha(c)
    note = note_zh = ""
    if k < 2:
        note = f"{k} survey item{'s' if k != 1 else ''}: alpha needs at least 2"
        note_zh = f"仅 {k} 个问卷题目：计算 α 至少需要 2 个"
    elif n < 2:
        note = f"{n} complete respondent(s): alpha needs at least 2"
        note_zh = f"仅 {n} 份完整作答的问卷：计算 α 至少需要 2 份"
    elif a != a:
        note = "the sum score does not vary"
        note_zh = "总分没有变化"
    return {
        "id": sid,
        "items": k,
        "respondents": n,
        "alpha": a,
        "band": alpha_band(a),
        "note": note,
        "note_zh": note_zh,
    }


def reliability_report(tree: IndicatorTree, responses: pd.DataFrame) -> Reliability:
    """Alpha per dimension and overall, item analysis, KMO and Bartlett for a tree's survey items.

    responses: as in SurveyData.responses (one float column per item id, NaN = missing, reverse
    items not recoded). Items are keyed first (see :func:`keyed_items`). Each scale uses its own
    complete cases (listwise deletion within the scale). Never raises for small or degenerate
    data: undefined statistics are NaN and explained in ``note`` and ``issues``.
    """
    keyed = keyed_items(tree, responses)
    dim_of = tree.dimension_of()
    pairs = tree.items()
    item_ids = [item.id for _, item in pairs]
    leaf_of = {item.id: leaf for leaf, item in pairs}
    values = keyed.to_numpy(dtype=float)
    issues: list[Issue] = []

    r_rest = np.full(len(item_ids), np.nan)
    a_del = np.full(len(item_ids), np.nan)
    scale_rows: list[dict[str, object]] = []
    for dim in tree.dimensions:
        idx = [j for j, iid in enumerate(item_ids) if dim_of[leaf_of[iid].id] == dim.id]
        if not idx:
            continue
        c, n = _moments(values[:, idx])
        row = _scale_row(dim.id, c, n)
        scale_rows.append(row)
        r_rest[idx] = _item_rest(c)
        a_del[idx] = _alpha_deleted(c)
        _scale_issue(
            issues, dim.name.get("en") or dim.id, dim.name.get("zh") or dim.id, dim.path, row
        )
    c, n_complete = _moments(values)
    row = _scale_row("overall", c, n_complete)
    scale_rows.append(row)
    if item_ids:  # a tree of statistics only has no scale to warn about
        _scale_issue(issues, "all survey items", "全部问卷题目", tree.goal.path, row)

    r = _corr(c)
    overall_kmo, msa = _kmo(r, n_complete)
    chi2, df, p = _bartlett(r, n_complete)
    if overall_kmo == overall_kmo and overall_kmo < ADEQUATE_KMO:
        issues.append(
            Issue(
                Location(path=tree.goal.path),
                "the survey items are poorly suited to factor analysis",
                message_zh="问卷题目不适合做因子分析",
                expected=f"KMO >= {ADEQUATE_KMO}",
                found=f"KMO = {overall_kmo:.3f}",
                severity="warning",
                check="reliability",
            )
        )

    missing = np.isnan(values)
    n_resp = values.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        answered = (~missing).sum(axis=0)
        mean = np.where(answered > 0, np.nansum(values, axis=0) / np.maximum(answered, 1), np.nan)
        sq = np.nansum((values - mean) ** 2, axis=0)
        sd = np.where(answered > 1, np.sqrt(sq / np.maximum(answered - 1, 1)), np.nan)
    items = pd.DataFrame(
        {
            "item": item_ids,
            "indicator": [leaf_of[i].id for i in item_ids],
            "dimension": [dim_of[leaf_of[i].id] for i in item_ids],
            "keyed": [item.reverse != (leaf.direction == "cost") for leaf, item in pairs],
            "r_item_rest": r_rest,
            "alpha_if_deleted": a_del,
            "msa": msa,
            "mean": mean,
            "sd": sd,
            "missing_share": missing.mean(axis=0) if n_resp else np.full(len(item_ids), np.nan),
        },
        columns=ITEM_COLUMNS,
    )
    kmo_table = pd.DataFrame(
        [
            {
                "kmo": overall_kmo,
                "bartlett_chi2": chi2,
                "df": df,
                "p_value": p,
                "n": n_complete,
                "items": len(item_ids),
            }
        ],
        columns=KMO_COLUMNS,
    )
    return Reliability(pd.DataFrame(scale_rows, columns=SCALE_COLUMNS), items, kmo_table, issues)


def _scale_issue(
    issues: list[Issue], name: str, name_zh: str, path: str, row: dict[str, object]
) -> None:
    """A warning for a scale whose alpha is undefined or below the acceptable 0.7; the scale is
    named by its dimension's name in each language."""
    alpha = float(row["alpha"])  # type: ignore[arg-type]
    if row["note"]:
        issues.append(
            Issue(
                Location(path=path),
                f"Cronbach's alpha of “{name}” cannot be computed",
                message_zh=f"“{name_zh}”的 Cronbach's α 无法计算",
                found=str(row["note"]),
                found_zh=str(row["note_zh"]),
                severity="warning",
                check="reliability",
            )
        )
    elif alpha < ACCEPTABLE_ALPHA:
        band = str(row["band"])
        issues.append(
            Issue(
                Location(path=path),
                f"the items of “{name}” are not internally consistent",
                message_zh=f"“{name_zh}”各题内部一致性不足（α = {alpha:.3f}，低于 {ACCEPTABLE_ALPHA}）",
                expected=f"Cronbach's alpha >= {ACCEPTABLE_ALPHA} (acceptable)",
                expected_zh=f"Cronbach's α ≥ {ACCEPTABLE_ALPHA}（可接受）",
                found=f"alpha = {alpha:.3f} ({band}, {row['items']} items, "
                f"{row['respondents']} complete respondents)",
                found_zh=f"α = {alpha:.3f}（{BANDS_ZH.get(band, band)}，{row['items']} 题，"
                f"{row['respondents']} 份完整作答）",
                severity="warning",
                check="reliability",
            )
        )


__all__ = [
    "BANDS",
    "Reliability",
    "alpha_band",
    "alpha_if_deleted",
    "bartlett_sphericity",
    "corrected_item_total",
    "cronbach_alpha",
    "keyed_items",
    "kmo",
    "reliability_report",
]
