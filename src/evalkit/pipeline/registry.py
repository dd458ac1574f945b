"""Stages chosen by name: weighters, aggregators and analyses.

A stage is a plain function over prepared arrays, registered under the name the project file uses::

    from evalkit.pipeline import WEIGHTERS

    @WEIGHTERS.register("my_method", zh="我的方法", en="my method", source="Author (2024)")
    def my_method(data: WeightInput) -> Weights: ...

Nothing else has to change: ``evaluate_prepared(prepared, weights=WeightSpec(method="my_method"))``
uses it, and its labels and source appear in the reports. In the spirit of scikit-criteria, where
weighters and decision makers are interchangeable objects over one decision matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..errors import MethodError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Stage(Generic[F]):
    """A registered stage: its function, its name in zh and en, and the source of the method."""

    name: str
    func: F
    label: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def text(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.name


class Registry(Generic[F]):
    """Stages of one kind (weighter, aggregator, analysis) by name."""

    def __init__(self, kind: str, kind_zh: str) -> None:
        self.kind = kind
        self.kind_zh = kind_zh
        self._stages: dict[str, Stage[F]] = {}

    def register(self, name: str, *, zh: str, en: str, source: str = "") -> Callable[[F], F]:
        """Decorator registering a function under *name* (a later registration replaces it)."""

        def deco(func: F) -> F:
            self._stages[name] = Stage(name, func, {"zh": zh, "en": en}, source)
            return func

        return deco

    def __getitem__(self, name: str) -> Stage[F]:
        try:
            return self._stages[name]
        except KeyError:
            known = ", ".join(self._stages)
            raise MethodError(
                f"unknown {self.kind} {name!r}; known: {known}",
                zh=f"未知的{self.kind_zh} {name!r}；可选：{known}",
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._stages

    def __iter__(self) -> Iterator[str]:
        return iter(self._stages)

    def names(self) -> list[str]:
        return list(self._stages)


WEIGHTERS: Registry[Callable[..., Any]] = Registry("weighter", "权重方法")
AGGREGATORS: Registry[Callable[..., Any]] = Registry("aggregator", "汇总方法")
ANALYSES: Registry[Callable[..., Any]] = Registry("analysis", "分析")
