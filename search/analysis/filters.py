"""Whoosh filters for Vietnamese: canonical tone placement and diacritic-folded variants."""
from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Filter, Token

from search.analysis.normalize import fold, normalize_token_tones


class ToneFilter(Filter):
    """hoà/hòa, thuỵ/thụy, khoẻ/khỏe become one term (see normalize.normalize_tone)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        for t in tokens:
            t.text = normalize_token_tones(t.text)
            yield t


class FoldVariantFilter(Filter):
    """After each accented token, emit its folded form at the same position and offsets.

    One field then answers both "đàm_phán" (exact, ranks first by its rarer term) and
    "dam_phan" (typed without diacritics), and phrase queries work in either form.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        for t in tokens:
            accented = t.text
            yield t
            folded = fold(accented)
            if folded != accented:
                t.text = folded
                yield t
