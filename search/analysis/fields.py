"""Text fields that index through a direct path with the same output as their analyzer.

Whoosh indexes a field by running its analyzer (a generator per stage, a Token object per
token) and counting the tokens in the field's format: about a fifth of an indexing worker's
time, for four text fields of every article. These fields compute the same terms, positions
and weights without the Token machinery: one cached lookup per distinct word or syllable gives
its forms (lowercase, canonical tones, folded variant), as the analyzer's filters would.

The analyzer stays the definition: queries and highlights use it, and
tests/test_analysis.py requires `index()` here to return exactly what Whoosh's own
`TEXT.index()` returns for the same text, on real articles.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

from search.analysis.normalize import fold, normalize_token_tones
from search.analysis.segmenter import word_texts
from search.analysis.tokenizers import SYLLABLE_PATTERN, word_term

_SYLLABLE = re.compile(SYLLABLE_PATTERN)


@lru_cache(maxsize=131072)
def forms(term: str) -> tuple[str, ...]:
    """What LowercaseFilter | ToneFilter | FoldVariantFilter make of one token's text."""
    accented = normalize_token_tones(term.lower())
    folded = fold(accented)
    return (accented,) if folded == accented else (accented, folded)


def word_tokens(value: str) -> Iterator[str]:
    """WordTokenizer's token texts, in order (pyvi words, "_"-joined, empty ones dropped: a
    punctuation token, which segment() leaves out, has no term either)."""
    for word in word_texts(value):
        text = word_term(word)
        if text:
            yield text


def syllable_tokens(value: str) -> Iterator[str]:
    """SyllableTokenizer's token texts, in order."""
    return iter(_SYLLABLE.findall(value))


class _DirectText(TEXT):
    """A TEXT field whose index() skips the analyzer chain (same terms; see module doc)."""

    @staticmethod
    def _tokens(value: str) -> Iterator[str]:
        raise NotImplementedError

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str) or kwargs:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        if isinstance(self.format, Positions):
            positions: defaultdict[str, list[int]] = defaultdict(list)
            for pos, token in enumerate(self._tokens(value)):
                for form in forms(token):
                    positions[form].append(pos)
            encode = self.format.encode
            for term, poslist in positions.items():
                yield term.encode("utf-8"), len(poslist), len(poslist) * boost, encode(poslist)
            return
        counts: defaultdict[str, int] = defaultdict(int)
        for token in self._tokens(value):
            for form in forms(token):
                counts[form] += 1
        for term, freq in counts.items():
            yield term.encode("utf-8"), freq, freq * boost, pack_uint(freq)


class WordText(_DirectText):
    """pyvi words (WordAnalyzer's output), indexed directly."""

    _tokens = staticmethod(word_tokens)


class SyllableText(_DirectText):
    """Syllables (SyllableAnalyzer's output), indexed directly."""

    _tokens = staticmethod(syllable_tokens)
