"""evalkit: evaluate community-policing informatization maturity.

The library API works the same from Python, Jupyter and the ``evalkit`` command line::

    ev = evalkit.evaluate("project/")        # an Evaluation with pandas tables
    evalkit.run_project("project/", lang="en")  # the Excel and PDF reports
"""

from .errors import DataError, EvalkitError, InputError, Issue, Location, SpecError, TreeError
from .pipeline import (
    Evaluation,
    PeriodComparison,
    Prepared,
    evaluate,
    evaluate_data,
    evaluate_periods,
    evaluate_prepared,
    prepare,
)
from .run import RunResult, run_project
from .spec import RunSpec, load_spec
from .tree import IndicatorTree, load_tree

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "EvalkitError",
    "Evaluation",
    "IndicatorTree",
    "InputError",
    "Issue",
    "Location",
    "PeriodComparison",
    "Prepared",
    "RunResult",
    "RunSpec",
    "SpecError",
    "TreeError",
    "evaluate",
    "evaluate_data",
    "evaluate_periods",
    "evaluate_prepared",
    "load_spec",
    "load_tree",
    "prepare",
    "run_project",
]
