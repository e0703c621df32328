"""The Whoosh filter of Vietnamese tokens: lowercase, canonical tone placement, folded variant."""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, Token

from search.analysis.normalize import fold, normalize_token_tones


@lru_cache(maxsize=131072)
def forms(text: str) -> tuple[str, ...]:
    """A token's terms: lowercase with canonical tones (hoà/hòa, thuỵ/thụy, khoẻ/khỏe become one,
    see normalize.normalize_tone), then its folded form when that differs ("đàm_phán", "dam_phan").
    Cached: a corpus repeats its words, and this runs for every token indexed."""
    accented = normalize_token_tones(text.lower())
    folded = fold(accented)
    return (accented,) if folded == accented else (accented, folded)


class VietnameseFormsFilter(Filter):
    """Each token as `forms()` gives it: the accented term, then the folded one at the same
    position and offsets, so one field answers both "đàm_phán" (exact, ranks first by its rarer
    term) and "dam_phan" (typed without diacritics), and phrase queries work in either form.

    One filter rather than Whoosh's LowercaseFilter, a tone filter and a variant filter in a row:
    three generators per token were a fifth of an indexing worker's time, and the three steps
    are one cached lookup per distinct word here."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        for t in tokens:
            terms = forms(t.text)
            t.text = terms[0]
            yield t
            if len(terms) > 1:
                t.text = terms[1]
                yield t


# Indexes built before VietnameseFormsFilter pickled their schema with these two (after Whoosh's
# LowercaseFilter): they stay importable so that such an index opens and updates as it was built.
class ToneFilter(Filter):
    """hoà/hòa, thuỵ/thụy, khoẻ/khỏe become one term (see normalize.normalize_tone)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        for t in tokens:
            t.text = normalize_token_tones(t.text)
            yield t


class FoldVariantFilter(Filter):
    """After each token, its folded form at the same position and offsets."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        for t in tokens:
            accented = t.text
            yield t
            folded = fold(accented)
            if folded != accented:
                t.text = folded
                yield t
