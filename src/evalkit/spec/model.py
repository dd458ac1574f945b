"""What the project file says, as frozen dataclasses, and the names it accepts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Issue

PROJECT_FILE = "evalkit.yaml"


#: Weighters of the project file (evalkit.pipeline.weighters registers them; a test keeps the two
#: lists equal): AHP, the objective methods, equal and fixed (the tree's `weight:`s), and combined
#: (AHP with one objective method).
WEIGHT_METHODS = ("combined", "ahp", "entropy", "critic", "std", "cv", "equal", "fixed")


OBJECTIVE_METHODS = ("entropy", "critic", "std", "cv")


#: Aggregators of the project file (evalkit.pipeline.aggregators and .mcda register them).
SCORING_METHODS = ("weighted_sum", "geometric", "topsis", "grey_relational", "fuzzy")


COMBINE_METHODS = ("linear", "multiplicative", "game_theory")


COMBINE_LEVELS = ("node", "global")


EXPERT_POLICIES = ("keep", "exclude", "repair")


LANGS = ("zh", "en")


SPEC_KEYS = (
    "schema_version",
    "title",
    "scope",
    "tree",
    "recommendations",
    "data",
    "weights",
    "scoring",
    "uncertainty",
    "report",
    "periods",
    "base_period",
    "period_change",
)


#: The study's scope (``scope:`` of the project file) and the words reports use for it where they
#: speak of the whole study ("the province mean", 全省均值); Chinese words are accepted as values.
SCOPES: dict[str, dict[str, str]] = {
    "province": {"zh": "全省", "en": "province"},
    "city": {"zh": "全市", "en": "city"},
    "district": {"zh": "全区县", "en": "district-wide"},
}
DATA_KEYS = ("surveys", "responses", "stations", "experts", "missing_codes", "imports")


IMPORT_KEYS = ("file", "map", "sheet", "district", "station", "labels_from")


PERIOD_KEYS = ("id", "label", "tree", "data")


PERIOD_CHANGE_KEYS = ("draws", "seed")


@dataclass(frozen=True)
class ImportSpec:
    """A survey-platform or hand-entered export read through a map (see `evalkit import`)."""

    file: Path
    map: Path | None = None
    sheet: str | None = None
    district: str | None = None
    station: str | None = None
    labels_from: Path | bool | None = None  # 按文本 twin of a 按序号 download; False: no check


@dataclass(frozen=True)
class WeightSpec:
    method: str = "combined"
    combine: str = "linear"
    alpha: float = 0.5
    ri_table: str = "saaty"
    cr_threshold: float = 0.10
    inconsistent_experts: str = "keep"
    objective: str = "entropy"  # the objective method that `combined` joins AHP with
    # where `combined` combines: "node" (each node's children: AHP local with the objective
    # weights among those children) or "global" (the leaves' global weights)
    combine_level: str = "node"


@dataclass(frozen=True)
class ScoringSpec:
    method: str = "weighted_sum"  # how indicator scores are aggregated up the tree
    # other aggregators computed beside the headline one (ev.analysis("methods") compares them)
    compare: tuple[str, ...] = ()


#: The choices the uncertainty analysis may vary, with the values each may take.
UNCERTAINTY_CHOICES: dict[str, tuple[str, ...]] = {
    "method": ("combined", "ahp", "objective", "equal", "fixed"),
    "objective": ("entropy", "critic", "std", "cv"),
    "combine_level": ("node", "global"),
    "normalisation": ("goalposts", "minmax"),
    "aggregation": ("weighted_sum", "geometric"),
    "level_rule": ("total", "staged"),
}


UNCERTAINTY_KEYS = ("draws", "seed", "replicates", "factors")


UNCERTAINTY_FACTORS = (
    *UNCERTAINTY_CHOICES,
    "alpha",
    "experts",
    "respondents",
    "leave_one_out",
    "goalposts",
)


@dataclass(frozen=True)
class UncertaintySpec:
    """The Monte Carlo uncertainty and sensitivity analysis (``uncertainty:`` in evalkit.yaml).

    ``draws`` base draws (0 turns the analysis off); each factor is off when empty / False / 0.
    A choice factor lists the values drawn (uniformly); alpha is a range; goalposts is the band,
    as a fraction of each goalpost span, within which goalposts marked as calibration guesses move.
    """

    draws: int = 1000
    seed: int = 20261201
    replicates: int = 100  # bootstrap replicates of respondents and of experts
    alpha: tuple[float, float] | None = (0.0, 1.0)
    method: tuple[str, ...] = ("combined", "ahp", "objective", "equal")
    objective: tuple[str, ...] = ("entropy", "critic", "std")
    combine_level: tuple[str, ...] = ("node", "global")
    # min-max scores are relative to the best and worst station, not on the scale the maturity
    # levels are defined on: off by default; when drawn, level probabilities use goalpost draws
    normalisation: tuple[str, ...] = ("goalposts",)
    aggregation: tuple[str, ...] = ("weighted_sum", "geometric")
    experts: bool = True
    respondents: bool = True
    leave_one_out: bool = True
    goalposts: float = 0.1
    level_rule: tuple[str, ...] = ("total", "staged")


@dataclass(frozen=True)
class ReportSpec:
    lang: str = "zh"
    date: str = ""
    output: str = "reports"
    font: str | None = None
    weakest: int = 5
    min_respondents: int = 5
    countermeasures: int = 8  # countermeasures a district's PDF lists (the workbook: all)


@dataclass(frozen=True)
class PeriodSpec:
    """One survey period of ``periods:``: its id, its label in zh / en, its tree (None: the
    project's ``tree``) and the files and settings of its ``data:`` section."""

    id: str
    label: dict[str, str]
    tree: Path | None = None
    surveys: tuple[Path, ...] = ()
    responses: tuple[Path, ...] = ()
    stations: tuple[Path, ...] = ()
    missing_codes: tuple[float | str, ...] = ()
    imports: tuple[ImportSpec, ...] = ()
    experts: Path | None = None


@dataclass(frozen=True)
class PeriodChangeSpec:
    """``period_change:``: bootstrap draws of the changes between periods (0: no intervals) and
    their seed."""

    draws: int = 1000
    seed: int = 20261201


@dataclass(frozen=True)
class RunSpec:
    root: Path
    title: dict[str, str]
    tree: Path
    recommendations: Path | None
    surveys: tuple[Path, ...] = ()
    responses: tuple[Path, ...] = ()
    missing_codes: tuple[float | str, ...] = ()  # answers that mean "no answer" (e.g. 9 = 不知道)
    imports: tuple[ImportSpec, ...] = ()
    stations: tuple[Path, ...] = ()
    experts: Path | None = None
    weights: WeightSpec = field(default_factory=WeightSpec)
    report: ReportSpec = field(default_factory=ReportSpec)
    scoring: ScoringSpec = field(default_factory=ScoringSpec)
    uncertainty: UncertaintySpec = field(default_factory=UncertaintySpec)
    file: str = ""
    notes: tuple[Issue, ...] = ()  # warnings about the project file (files a glob skipped)
    scope: str = "province"  # SCOPES: what the whole study covers
    # survey periods (``periods:``), in the project's order; with periods, the tree and data
    # fields above are the base period's (for_period gives any period's)
    periods: tuple[PeriodSpec, ...] = ()
    base_period: str = ""
    period_change: PeriodChangeSpec = field(default_factory=PeriodChangeSpec)

    @property
    def output_dir(self) -> Path:
        out = Path(self.report.output)
        return out if out.is_absolute() else self.root / out

    def scope_word(self, lang: str) -> str:
        """The study's scope in *lang*: 全省 / 全市 / 全区县, "province" / "city" /
        "district-wide" (where reports say "the province mean", 全省均值)."""
        words = SCOPES.get(self.scope, SCOPES["province"])
        return words.get(lang) or words["en"]

    def for_period(self, period_id: str) -> RunSpec:
        """This spec with the tree and data of the period *period_id* (KeyError when none)."""
        for p in self.periods:
            if p.id == period_id:
                return dataclasses.replace(
                    self,
                    tree=p.tree or self.tree,
                    surveys=p.surveys,
                    responses=p.responses,
                    stations=p.stations,
                    missing_codes=p.missing_codes,
                    imports=p.imports,
                    experts=p.experts,
                )
        raise KeyError(period_id)
