"""A decision an importer took on its own, in English and Chinese.

The importers list every automatic choice (the header row, how a column was matched, a row dropped)
so the user can check it. A :class:`Decision` is the English text itself (a ``str``, so it reads,
compares and joins as one) and carries its Chinese in :attr:`Decision.zh`; the import decisions
reach ``issues.xlsx`` and the reports as notes, in the report's language (:func:`zh_of`).
"""

from __future__ import annotations


class Decision(str):
    """English text with its Chinese: ``Decision("header row 2", "表头在第 2 行")``."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Decision:
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # pickled to worker processes
        return (Decision, (str(self), self.zh))

    def prefixed(self, en: str, zh: str | None = None) -> Decision:
        """The decision with a prefix in front of both texts (``[sheet] ...``)."""
        return Decision(en + str(self), (en if zh is None else zh) + self.zh)


def zh_of(text: str) -> str:
    """The Chinese of a decision; the text itself for a plain string."""
    return getattr(text, "zh", "") or text


__all__ = ["Decision", "zh_of"]
