"""The study's scope in the reports' fixed words: 全省 / 全市 / 全区县, province / city / study.

The phrases, headers and labels of the reports (:mod:`evalkit.report.phrases`,
:mod:`evalkit.report.i18n`) are written for a province-wide study ("全省均值", "province mean").
While a report is built inside :func:`report_scope` (``scope:`` of the project file,
``RunSpec.scope``), :func:`scoped` rewrites those words for the study's scope; user texts
(names, titles) never pass through it. Outside of it, and for scope ``province``, nothing
changes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from ..spec.model import SCOPES

#: The English noun where the phrases say "province" (capitalised where they do).
EN_NOUNS: dict[str, str] = {"province": "province", "city": "city", "district": "study"}

_SCOPE: ContextVar[str] = ContextVar("evalkit_report_scope", default="province")
_EN = re.compile(r"\b([Pp])rovince\b")


def current() -> str:
    """The scope of the report being built ("province" outside :func:`report_scope`)."""
    return _SCOPE.get()


@contextmanager
def report_scope(scope: str) -> Iterator[None]:
    """Build reports for a study of *scope* (a key of ``SCOPES``; unknown: province)."""
    token = _SCOPE.set(scope if scope in SCOPES else "province")
    try:
        yield
    finally:
        _SCOPE.reset(token)


def scope_noun(lang: str, scope: str | None = None) -> str:
    """全省 / 全市 / 全区县 in Chinese; province / city / study in English."""
    s = scope or current()
    if lang == "zh":
        return SCOPES.get(s, SCOPES["province"])["zh"]
    return EN_NOUNS.get(s, "province")


def scoped(text: str, lang: str, scope: str | None = None) -> str:
    """A fixed phrase of *lang* with 全省 / province replaced by the study's scope."""
    s = scope or current()
    if s == "province" or not text:
        return text
    if lang == "zh":
        return text.replace("全省", scope_noun("zh", s))
    noun = scope_noun("en", s)

    def repl(m: re.Match[str]) -> str:
        return noun.capitalize() if m.group(1) == "P" else noun

    return _EN.sub(repl, text)


def scoped_dict(phrases: dict[str, str], lang: str) -> dict[str, str]:
    """Every phrase of *phrases* :func:`scoped`; the same dict for scope province."""
    s = current()
    if s == "province":
        return phrases
    return {k: scoped(v, lang, s) for k, v in phrases.items()}


F = TypeVar("F", bound=Callable[..., Any])


def in_scope_of_evaluation(func: F) -> F:
    """*func(ev, ...)* run inside :func:`report_scope` of the evaluation's project."""

    @functools.wraps(func)
    def wrapper(ev: Any, *args: Any, **kwargs: Any) -> Any:
        with report_scope(str(getattr(ev.spec, "scope", "province"))):
            return func(ev, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
