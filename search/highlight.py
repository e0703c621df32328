"""Snippets: the best passages of a hit with every matched word marked in the original text.

Matching is on a folded, lowercased view of the text that keeps every character at its offset,
searched with one compiled regular expression for all of the query's syllable sequences: words
found through folding, through a compound or through a differently segmented query are all
marked, in C-speed scans rather than a Python pass over every token of every hit. Whoosh's own
PinpointFragmenter (it needs only the matched tokens), fragment scorer and an HtmlFormatter
subclass do the rest; text between marks is HTML-escaped by the formatter.
"""
from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from typing import Any, NamedTuple

from whoosh.highlight import SCORE, BasicFragmentScorer, HtmlFormatter, PinpointFragmenter, top_fragments

from search.analysis import fold, folded_view
from search.analysis.normalize import normalize_token_tones

SURROUND = 70


class MarkFormatter(HtmlFormatter):
    """Marks with a bare <mark>; our only HTML in otherwise escaped text."""

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ")

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return "<mark>" + escape(text[token.startchar : token.endchar], quote=False) + "</mark>"


class Match(NamedTuple):
    """One occurrence of a query sequence: what Whoosh's fragmenter, scorer and formatter read of
    a matched token (they take any object with these attributes). A page's snippets hold hundreds,
    and a named tuple is ten times cheaper to make than an analysis Token."""

    startchar: int
    endchar: int
    text: str  # as found in the folded view: the fragment scorer counts distinct ones
    boost: float = 1.0
    matched: bool = True


@lru_cache(maxsize=512)
def sequence_pattern(sequences: frozenset[tuple[str, ...]], prefixes: frozenset[str] = frozenset()) -> re.Pattern[str] | None:
    """One regex for every sequence (syllables apart by non-letters), longest first."""
    alternatives = [r"[\W_]+".join(map(re.escape, seq)) for seq in sorted(sequences, key=len, reverse=True) if seq]
    alternatives += [re.escape(p) + r"[^\W_]*" for p in sorted(prefixes, key=len, reverse=True) if p]
    if not alternatives:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


def marked_tokens(text: str, sequences: set[tuple[str, ...]], prefixes: set[str] = frozenset(),  # type: ignore[assignment]
                  names: set[str] = frozenset()) -> list[Match]:  # type: ignore[assignment]
    """Each occurrence of a query sequence in the text, and of a one-syllable name (`names`,
    lowercase) where the text writes it as that name: capitalised, with its accents ("Anh" is
    Britain in "nước Anh", not in "anh ấy"; "Hàn" is Korea, not the "hàn" of "hàn gắn")."""
    folded = frozenset(tuple(fold(s).lower() for s in seq) for seq in sequences)
    written: dict[str, set[str]] = {}
    for name in names:
        if (fold(name),) not in folded:  # asked as a plain word too: marked as one
            written.setdefault(fold(name), set()).add(normalize_token_tones(name))
    pattern = sequence_pattern(folded | {(f,) for f in written}, frozenset(fold(p).lower() for p in prefixes))
    if pattern is None:
        return []
    return [Match(m.start(), m.end(), m.group()) for m in pattern.finditer(folded_view(text))
            if m.group() not in written or _written_as(text, m.start(), m.end(), written[m.group()])]


def _written_as(text: str, start: int, end: int, names: set[str]) -> bool:
    return text[start].isupper() and normalize_token_tones(text[start:end].lower()) in names


def snippet(
    text: str,
    sequences: set[tuple[str, ...]],
    prefixes: set[str] = frozenset(),  # type: ignore[assignment]
    top: int = 3,
    maxchars: int = 220,
    names: set[str] = frozenset(),  # type: ignore[assignment]
) -> str:
    """HTML: escaped text with <mark> around matches; the start of the text when nothing matched.

    A document can match a word's syllables scattered apart; when no whole sequence occurs,
    the single syllables are marked instead, so the snippet still shows why it matched.
    """
    tokens = marked_tokens(text, sequences, prefixes, names)
    if not tokens:  # a short name's syllable ("anh" of "vương quốc anh") is marked only as the name
        short = {(fold(n),) for n in names}
        tokens = marked_tokens(text, {(s,) for seq in sequences for s in seq} - short, prefixes, names)
    if tokens:
        fragmenter = PinpointFragmenter(maxchars=maxchars, surround=SURROUND, autotrim=True, charlimit=None)
        best = top_fragments(list(fragmenter.fragment_matches(text, tokens)), top, BasicFragmentScorer(), SCORE, minscore=1)
        if best:
            return MarkFormatter()(text, best)
    return escape(_lead(text, maxchars), quote=False)


def mark_all(text: str, sequences: set[tuple[str, ...]], prefixes: set[str] = frozenset(),  # type: ignore[assignment]
             names: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """The whole text, escaped, with every match marked (the article page)."""
    out: list[str] = []
    cursor = 0
    for t in marked_tokens(text, sequences, prefixes, names):
        out.append(escape(text[cursor : t.startchar], quote=False))
        out.append("<mark>" + escape(text[t.startchar : t.endchar], quote=False) + "</mark>")
        cursor = t.endchar
    out.append(escape(text[cursor:], quote=False))
    return "".join(out)


def _lead(text: str, maxchars: int) -> str:
    if len(text) <= maxchars:
        return text
    cut = text.rfind(" ", 0, maxchars)
    return text[: cut if cut > 0 else maxchars] + " …"
