"""Snippets: the best passages of a hit with every matched word marked in the original text.

Matching is on folded syllable sequences, so words found through folding, through a compound
or through a differently segmented query are all marked. Tokens come from the syllable field's
own analyzer (reached through the schema), which fills startchar/endchar; Whoosh's fragmenter,
scorer and formatter do the rest. Text between marks is HTML-escaped by the formatter.
"""
from __future__ import annotations

from html import escape
from typing import Any

from whoosh.analysis import Analyzer, Token
from whoosh.highlight import SCORE, BasicFragmentScorer, ContextFragmenter, HtmlFormatter, top_fragments

from search.analysis import fold


class MarkFormatter(HtmlFormatter):
    """Marks with a bare <mark>; our only HTML in otherwise escaped text."""

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ")

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return "<mark>" + escape(text[token.startchar : token.endchar], quote=False) + "</mark>"


def _syllables(text: str, analyzer: Analyzer) -> list[tuple[str, int, int]]:
    """(folded syllable, start, end) per position; the analyzer emits accented then folded forms."""
    out: list[tuple[str, int, int]] = []
    for t in analyzer(text, positions=True, chars=True, mode="index"):
        if out and t.pos == len(out) - 1:
            out[-1] = (t.text, t.startchar, t.endchar)  # the folded variant of the same syllable
        else:
            out.append((fold(t.text), t.startchar, t.endchar))
    return out


def marked_tokens(
    text: str, analyzer: Analyzer, sequences: set[tuple[str, ...]], prefixes: set[str]
) -> list[Token]:
    """One token per syllable, or per matched run of syllables, with `matched` set."""
    sylls = _syllables(text, analyzer)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for seq in sequences:
        if seq:
            by_first.setdefault(seq[0], []).append(seq)
    tokens: list[Token] = []
    i = 0
    while i < len(sylls):
        length = 0
        for seq in sorted(by_first.get(sylls[i][0], ()), key=len, reverse=True):
            if tuple(s[0] for s in sylls[i : i + len(seq)]) == seq:
                length = len(seq)
                break
        if not length and any(sylls[i][0].startswith(p) for p in prefixes):
            length = 1
        end = i + max(length, 1)
        tokens.append(Token(startchar=sylls[i][1], endchar=sylls[end - 1][2], matched=bool(length), text=sylls[i][0]))
        i = end
    return tokens


def snippet(
    text: str,
    analyzer: Analyzer,
    sequences: set[tuple[str, ...]],
    prefixes: set[str] = frozenset(),  # type: ignore[assignment]
    top: int = 3,
    maxchars: int = 220,
) -> str:
    """HTML: escaped text with <mark> around matches; the start of the text when nothing matched.

    A document can match a word's syllables scattered apart; when no whole sequence occurs,
    the single syllables are marked instead, so the snippet still shows why it matched.
    """
    tokens = marked_tokens(text, analyzer, sequences, prefixes)
    if not any(t.matched for t in tokens):
        syllables = {(s,) for seq in sequences for s in seq}
        tokens = marked_tokens(text, analyzer, syllables, prefixes)
    if any(t.matched for t in tokens):
        fragmenter = ContextFragmenter(maxchars=maxchars, surround=70, charlimit=None)
        fragments = list(fragmenter.fragment_tokens(text, tokens))
        best = top_fragments(fragments, top, BasicFragmentScorer(), SCORE, minscore=1)
        if best:
            return MarkFormatter()(text, best)
    return escape(_lead(text, maxchars), quote=False)


def mark_all(text: str, analyzer: Analyzer, sequences: set[tuple[str, ...]], prefixes: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """The whole text, escaped, with every match marked (the article page)."""
    out: list[str] = []
    cursor = 0
    for t in marked_tokens(text, analyzer, sequences, prefixes):
        if t.matched:
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
