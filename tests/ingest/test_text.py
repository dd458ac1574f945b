"""The one text-folding function every matcher of the importers uses, and its rules."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalkit.ingest import judgment_formats, platforms
from evalkit.ingest.decision import Decision, zh_of
from evalkit.ingest.text import cell_text, fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full width folded (NFKC)
        ("（信息采集）", "信息采集"),  # full-width brackets are punctuation
        ("信息\u3000采集 ", "信息采集"),  # ideographic space
        ("信息\u00a0采集\t\n", "信息采集"),  # no-break space, tab, line break
        ("信息、采集。，“”：—-_", "信息采集"),  # punctuation of both widths
        ("Q5.3", "q53"),
        ("Straße", "strasse"),  # case folding, not lower()
        ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),  # final sigma folds like any sigma
        ("①", "1"),  # compatibility characters
        ("+5 ★ ￥ = ~", "5"),  # symbols
        ("信\u200b息\ufeff采\u00ad集\x1b", "信息采集"),  # zero-width space, BOM, soft hyphen, ESC
        ("\ue000区", "\ue000区"),  # a private-use character is kept
        ("Information-Collection", "informationcollection"),
        ("…", ""),
    ],
)
def test_fold_rules(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_the_importers_fold_alike() -> None:
    """The two public normalise functions were different (lower() and casefold(), other Unicode
    categories dropped): "Straße" matched "STRASSE" for judgments but not for survey columns."""
    assert platforms.normalise is judgment_formats.normalise is fold
    assert platforms.normalise("Straße") == judgment_formats.normalise("STRASSE")
    assert platforms.normalise("a\u200bb") == judgment_formats.normalise("ab")


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_ignores_what_it_drops(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert fold(f" {text}、\u3000（{text}）") == once + once
    kept = {unicodedata.category(ch) for ch in once}
    assert not any(c[0] in "PSZ" or c in ("Cc", "Cf") for c in kept), kept


def test_cell_text() -> None:
    assert [cell_text(v) for v in (None, float("nan"), 4.0, 2.5, " ４ ", True)] == [
        "",
        "",
        "4",
        "2.5",
        "4",
        "True",
    ]


def test_a_decision_is_its_english_text_and_carries_its_chinese() -> None:
    d = Decision("header row 2", "表头在第 2 行")
    assert d == "header row 2" and d.startswith("header") and zh_of(d) == "表头在第 2 行"
    p = d.prefixed("[东湖派出所] ")
    assert (p, p.zh) == ("[东湖派出所] header row 2", "[东湖派出所] 表头在第 2 行")
    assert zh_of("plain") == "plain"
    import pickle

    back = pickle.loads(pickle.dumps(d))
    assert (back, back.zh) == (d, d.zh)
