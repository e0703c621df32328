"""Whoosh tokenizers: pyvi words (through the segmenter adapter) and plain syllables.

Both fill startchar/endchar so the highlighter can mark the original text.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Token, Tokenizer

from search.analysis.normalize import MAY_BREAK, SYLLABLE, clause_spans
from search.analysis.segmenter import segment

_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


@lru_cache(maxsize=65536)
def word_term(word: str) -> str:
    """The term of a word as written ("Điện  Kremlin," -> "Điện_Kremlin"); "" when nothing is left.
    Cached: a corpus repeats its words, and this runs for every word indexed."""
    return "_".join(_EDGE_PUNCT.sub("", s) for s in word.split()).strip("_")


class _SpanTokenizer(Tokenizer):
    """A tokenizer over (term, start, end, gap) spans of the text: the token filling Whoosh
    expects, shared by both kinds; `gap` skips a position before the span."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def spans(self, value: str) -> Iterator[tuple[str, int, int, bool]]:
        raise NotImplementedError

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for text, start, end, gap in self.spans(value):
            if gap:
                pos += 1  # Whoosh's phrases need consecutive positions: a gap of one breaks them
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            pos += 1
            yield token


class WordTokenizer(_SpanTokenizer):
    """Vietnamese words as pyvi segments them; syllables of a word joined by "_"."""

    def spans(self, value: str) -> Iterator[tuple[str, int, int, bool]]:
        for seg in segment(value):
            # pyvi joins an acronym ending a sentence to the next one's first word ("EU. Sự" is
            # one word to it, as are "USD. Vậy", "ASEAN. Nhân"): a word stops at a clause break,
            # as the syllable fields' positions do (a phrase is taken as in a row where pyvi
            # made it one word)
            pieces = clause_spans(seg.text) if MAY_BREAK.search(seg.text) else [(0, len(seg.text))]
            for start, end in pieces:
                text = word_term(seg.text[start:end])
                if text:
                    yield text, seg.start + start, seg.start + end, False


class SyllableTokenizer(_SpanTokenizer):
    """Syllables by regex: fast, no model, independent of how pyvi segmented the text.

    A clause break between two syllables (a full stop, a comma, a line break: normalize.
    breaks_clause) skips a position, so that a phrase, and a word's syllables in a row, do not
    run across it: "Hòa Phát" is not in "Khánh Hòa. Phát biểu", nor "Hà Nội Hải Phòng" in "Hà
    Nội, Hải Phòng"."""

    def spans(self, value: str) -> Iterator[tuple[str, int, int, bool]]:
        for i, (start, end) in enumerate(clause_spans(value)):
            gap = i > 0
            for m in SYLLABLE.finditer(value, start, end):
                yield m.group(), m.start(), m.end(), gap
                gap = False
