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

from search.analysis import fold, folded_view, has_diacritics
from search.analysis.normalize import ABBREVIATIONS, SYLLABLE, clause_spans, normalize_token_tones
from search.metadata.countries import reads_as_country
from search.query.stopwords import STOPWORDS

SURROUND = 70
# A sentence ends at . ! ? … (and any closing quotes or brackets) before a space, or at a line
# break; a capital's abbreviation ("TP. Hồ Chí Minh", "Donald J. Trump") does not end one.
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*\s+|\n\s*")
# The word before a full stop that does not end a sentence: an initial ("Donald J. Trump") or
# a common abbreviation ("TP. Hồ Chí Minh", "Tp.", "PGS.", "Mr."); "EU." and "TP.HCM." do end one.
_ABBREVIATION = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]|" + "|".join(sorted(ABBREVIATIONS)) + r")\.$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
CANDIDATES = 3  # passages looked at per passage shown, so that repeats can be passed over
REPEATED = 0.6  # a passage sharing this share of its syllable pairs with a shown one repeats it
CONTEXT = 48  # characters either side of a one-syllable name that its reading depends on


class MarkFormatter(HtmlFormatter):
    """Marks with a bare <mark>; our only HTML in otherwise escaped text."""

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ")

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return "<mark>" + escape(text[token.startchar : token.endchar], quote=False) + "</mark>"

    def format(self, fragments: Any, replace: bool = False) -> str:
        """The passages apart by " … ", and an ellipsis where the first starts after the text's
        start or the last ends before its end: a reader sees the snippet is cut, not a sentence
        that begins mid-way."""
        fragments = list(fragments)
        html = super().format(fragments, replace)
        if not fragments:
            return html
        text = fragments[0].text
        if text[:fragments[0].startchar].strip():
            html = "… " + html
        if text[fragments[-1].endchar:].strip() and not html.endswith(("…", "...")):
            html += " …"  # (a passage that ends on its own ellipsis, "treo…", says it already)
        return html


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
    lowercase) where the text writes it as that name.

    A sequence is lowercase syllables as the user typed them. It is marked where the text agrees
    with its accents (or writes no accents); where the text never does, folded occurrences are
    marked instead, as the match came through folding ("đường" found "dương"), so "hà nội" marks
    "Hà Nội" and not the "hạ", "nối" of the same article. A one-syllable name is marked where the
    country extractor reads it as the country ("Trung" in "Mỹ - Trung", not in "Trung ương";
    "Anh" in "nước Anh", not in "anh ấy")."""
    typed: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for seq in sequences:
        seq = tuple(normalize_token_tones(s.lower()) for s in seq)
        typed.setdefault(tuple(fold(s) for s in seq), []).append(seq)
    written: dict[str, set[str]] = {}
    for name in names:
        if (fold(name),) not in typed:  # asked as a plain word too: marked as one
            written.setdefault(fold(name), set()).add(normalize_token_tones(name))
    pattern = sequence_pattern(frozenset(typed) | {(f,) for f in written}, frozenset(fold(p).lower() for p in prefixes))
    if pattern is None:
        return []
    agreeing: dict[tuple[str, ...], list[Match]] = {}
    folded_only: dict[tuple[str, ...], list[Match]] = {}
    other: list[Match] = []
    # per sequence: typed without any accent (any reading agrees), else the accented forms typed
    bare_typed = {key: any(not any(map(has_diacritics, seq)) for seq in seqs) for key, seqs in typed.items()}
    keys: dict[str, tuple[str, ...]] = {}  # a match's folded text -> its syllables
    agrees_as: dict[str, bool] = {}  # an occurrence's own text -> whether it agrees (texts repeat)
    view = folded_view(text)
    accented_text: bool | None = None  # whether the text has any accent, found when first needed
    for m in pattern.finditer(view):
        found = m.group()
        match = Match(m.start(), m.end(), found)
        if found in written:
            if _names_country(text, m.start(), m.end(), written[found]):
                other.append(match)
            continue
        key = keys.get(found)
        if key is None:
            key = keys[found] = tuple(SYLLABLE.findall(found))
        if key not in typed:  # a prefix's match
            other.append(match)
            continue
        if len(key) > 1 and not _in_one_clause(text, m.start(), m.end()):
            continue  # "Khánh Hòa. Phát biểu" does not hold "Hòa Phát", in the index as here
        raw = text[m.start():m.end()]
        # as typed; any accents where none was typed ("ha noi"); or written bare ("Ha Noi"), but
        # a bare syllable in accented text is a word of its own: "gia" of "tham gia" is not "giá"
        agrees = bare_typed[key]
        if not agrees and raw.lower() == found:
            if len(key) == 1 and accented_text is None:
                accented_text = view != text.lower()  # the view is the text folded and lowercased
            agrees = len(key) > 1 or not accented_text
        if not agrees:
            agrees = agrees_as.get(raw)
            if agrees is None:
                seen = [normalize_token_tones(s.lower()) for s in SYLLABLE.findall(raw)]
                agrees = agrees_as[raw] = any(list(seq) == seen for seq in typed[key])
        (agreeing if agrees else folded_only).setdefault(key, []).append(match)
    for key, matches in folded_only.items():
        if key not in agreeing:
            other += matches
    return sorted(other + [m for matches in agreeing.values() for m in matches])


def _in_one_clause(text: str, start: int, end: int) -> bool:
    """Whether the syllables of text[start:end] stand in one clause, as the syllable fields'
    positions have them (analysis.tokenizers.SyllableTokenizer)."""
    return len(clause_spans(text[start:end])) == 1


def _names_country(text: str, start: int, end: int, names: set[str]) -> bool:
    """Whether a one-syllable name's occurrence is the country, as the facet's extractor reads
    it (search/metadata/countries.py), on the sentence around it: capitalised, with its accents,
    and not a look-alike, a person's name or part of another word."""
    if not (text[start].isupper() and normalize_token_tones(text[start:end].lower()) in names):
        return False
    left = max(0, start - CONTEXT)
    return _reads_as_country(text[left:end + CONTEXT], start - left, end - left)


@lru_cache(maxsize=8192)
def _reads_as_country(window: str, start: int, end: int) -> bool:
    """reads_as_country, remembered: a page's hits are shown again and again (the next page, a
    facet click, a reload), and each name's window costs a scan (~0.1 ms)."""
    return reads_as_country(window, start, end)


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
    # a short name's syllable ("anh" of "vương quốc anh") is marked only as the name, and a function
    # word ("và" of "Vương quốc Liên hiệp Anh và Bắc Ireland") not on its own
    if not tokens:
        short = {fold(n) for n in names}
        singles = {(s,) for seq in sequences for s in seq if fold(s) not in short and s not in STOPWORDS}
        tokens = marked_tokens(text, singles, prefixes, names)
    if tokens:
        fragmenter = PinpointFragmenter(maxchars=maxchars, surround=SURROUND, autotrim=False, charlimit=None)
        fragments = list(fragmenter.fragment_matches(text, tokens))
        candidates = top_fragments(fragments, top, BasicFragmentScorer(), SCORE, minscore=1)  # best first
        best = _distinct([_within_sentences(f) for f in candidates], top)
        if len(best) < len(candidates):  # a repeat: look further down (rare, so not done for every hit)
            candidates = top_fragments(fragments, top * CANDIDATES, BasicFragmentScorer(), SCORE, minscore=1)
            best = _distinct([_within_sentences(f) for f in candidates], top)
        if best:
            # in reading order: the formatter's ellipses say what lies before the first passage
            return MarkFormatter()(text, sorted(best, key=lambda f: f.startchar))
    return escape(_lead(text, maxchars), quote=False)


def _distinct(fragments: list[Any], top: int) -> list[Any]:
    """The first `top` passages (best first) that do not repeat one already taken. News text
    repeats itself (a lead sentence restated in the body, a caption quoting it): two passages
    sharing most of their syllable pairs would show the reader the same words twice."""
    chosen: list[Any] = []
    shingles: list[set[tuple[str, str]]] = []
    for fragment in fragments:
        syllables = SYLLABLE.findall(folded_view(fragment.text[fragment.startchar:fragment.endchar]))
        pairs = set(zip(syllables, syllables[1:]))
        if any(len(pairs & seen) >= REPEATED * min(len(pairs), len(seen)) for seen in shingles):
            continue
        chosen.append(fragment)
        shingles.append(pairs)
        if len(chosen) == top:
            break
    return chosen


def _within_sentences(fragment: Any) -> Any:
    """Trim a passage to whole words, and to whole sentences where a sentence boundary lies
    between its edge and its matches: "… hội, môi trường. Ngành tôm Việt Nam …" starts at
    "Ngành tôm". (Whoosh's own autotrim also drops the first and last words of a passage
    that reaches the text's start or end: "Thủ tướng phát biểu." became "Thủ tướng phát".)"""
    text = fragment.text
    first = min(m.startchar for m in fragment.matches)
    last = max(m.endchar for m in fragment.matches)
    if fragment.startchar > 0 and not text[fragment.startchar - 1].isspace():
        space = _SPACE.search(text, fragment.startchar, first)
        fragment.startchar = space.end() if space else first
    if fragment.endchar < len(text) and not text[fragment.endchar].isspace():
        spaces = list(_SPACE.finditer(text, last, fragment.endchar))
        fragment.endchar = spaces[-1].start() if spaces else last
    starts = [m.end() for m in _SENTENCE_END.finditer(text, fragment.startchar, first) if _ends_sentence(text, m)]
    if starts:
        fragment.startchar = starts[-1]
    for m in _SENTENCE_END.finditer(text, last, fragment.endchar):
        if _ends_sentence(text, m):
            fragment.endchar = m.start() + len(m.group().rstrip())
            break
    return fragment


def _ends_sentence(text: str, found: re.Match[str]) -> bool:
    if found.group().startswith("\n"):
        return True
    if found.end() < len(text) and text[found.end()].islower():
        return False  # "hệ thống treo… nhưng": an "and so on", the sentence goes on
    if not found.group().startswith("."):
        return True
    abbreviation = _ABBREVIATION.search(text[max(0, found.start() - 4):found.start() + 1])
    return not (abbreviation and (len(abbreviation.group()) > 2 or abbreviation.group()[0].isupper()))


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
