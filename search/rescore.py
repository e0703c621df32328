"""Second-phase ranking: the best first-pass articles, reordered by the query's word order.

BM25F scores each query word on its own, so an article that holds the words apart (a report
from the same day that mentions each of them) ties with the one where they read as the user
typed them ("sân bay tân sơn", "ùn tắc giao thông"). This phase reads the RESCORE_DEPTH best
articles of the first pass and adds to each a share of the best score in proportion to how many
of the query's adjacent syllable pairs it holds in a row: the ordered-pair part of Metzler and
Croft's sequential dependence model, on the syllables rather than pyvi's words, so that it does
not depend on how either side was segmented. It helps most where word scores say least: a
query typed without diacritics, whose folded syllables are common words.

- Pairs come from the query as typed, within a run of text (punctuation breaks a run, but for
  a hyphen, dash or ampersand written tight between two words).
- Pairs match on a folded view of the article; a syllable the user typed with diacritics must
  match them exactly (tone placement normalised).
- Only the first pass's top RESCORE_DEPTH are reordered, a fixed set whatever page or page size
  is asked for, so pages stay consistent; the article text is the stored text the snippets read.
- The bonus never lifts an article over the first pass's accent tier, nor over its whole-word
  tier (see `rescored`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from search.analysis import fold, folded_view, has_diacritics, to_nfc
from search.analysis.normalize import SYLLABLE, normalize_token_tones
from search.query.builder import EXACT_TIER, WHOLE_TIER

RESCORE_DEPTH = 10  # the first pass's best articles that are reordered: one page, whose text is read anyway
PAIR_WEIGHT = 2.0  # every pair in a row is worth this many times the first pass's best score
MAX_PAIRS = 64  # a pasted paragraph: its first pairs say enough

# Punctuation ends a run of syllables, but for a hyphen, dash or ampersand written tight between
# two words: "Nga-Ukraine", "GD&ĐT" are words side by side, as a user typing "nga ukraine" means
# them; "Hà Nội - Hải Phòng" with spaces is as often a separator. Zero-width characters separate
# syllables as spaces do (the syllable tokenizer splits on them too).
_JOINER = "-\u2013&"
_TIGHT_JOINER = re.compile(f"(?<=[^\\W_])[{_JOINER}](?=[^\\W_])")
_RUN_BREAK = re.compile(r"[^\w\s\u200b-\u200d\u2060\ufeff]|_")
# between a pair's syllables in an article: a line break ends a run, as in the index's positions
_BETWEEN = f"(?:[{_JOINER}]|(?:[^\\S\\n]|[\u200b-\u200d\u2060\ufeff])+)"


@dataclass(frozen=True)
class Pair:
    """Two syllables of the query in a row: lowercase, tones normalised, and folded."""

    first: str
    second: str

    @property
    def folded(self) -> tuple[str, str]:
        return fold(self.first), fold(self.second)


def query_pairs(texts: Iterable[str]) -> tuple[Pair, ...]:
    """The adjacent syllable pairs of the query's texts, in order, without repeats."""
    pairs: dict[Pair, None] = {}
    for text in texts:
        for piece in _RUN_BREAK.split(_TIGHT_JOINER.sub(" ", to_nfc(text).lower())):
            sylls = [normalize_token_tones(s) for s in SYLLABLE.findall(piece)]
            pairs.update((Pair(a, b), None) for a, b in zip(sylls, sylls[1:]))
    return tuple(pairs)[:MAX_PAIRS]


@lru_cache(maxsize=256)
def pair_pattern(folded: frozenset[tuple[str, str]]) -> re.Pattern[str]:
    """Every folded pair, tried at each word start inside a lookahead, so that overlapping pairs
    ("sân bay", "bay tân") all count; grouped by first syllable, which keeps a long query's
    pattern fast (re tries the alternatives one by one)."""
    seconds: dict[str, list[str]] = {}
    for a, b in sorted(folded):
        seconds.setdefault(a, []).append(re.escape(b))
    alternatives = "|".join(re.escape(a) + _BETWEEN + "(?:" + "|".join(bs) + ")" for a, bs in seconds.items())
    return re.compile(r"\b(?=((?:" + alternatives + r"))\b)")


def coverage(pairs: Sequence[Pair], texts: Iterable[str]) -> float:
    """The share of `pairs` that occur in a row in any of `texts` (NFC article text)."""
    if not pairs:
        return 0.0
    missing: dict[tuple[str, str], list[Pair]] = {}  # folded form -> its pairs not found yet
    for pair in pairs:
        missing.setdefault(pair.folded, []).append(pair)
    pattern = pair_pattern(frozenset(missing))
    for text in texts:
        view = folded_view(text)
        for match in pattern.finditer(view):
            start, end = match.span(1)
            key = tuple(SYLLABLE.findall(view, start, end))
            waiting = missing.get(key)  # type: ignore[call-overload]
            if not waiting:
                continue
            actual = SYLLABLE.findall(text[start:end].lower())
            waiting[:] = [pair for pair in waiting if not _as_typed(pair, actual)]
            if not waiting:
                del missing[key]  # type: ignore[arg-type]
                if not missing:  # every pair found: the rest of the text cannot add any
                    return 1.0
    return (len(pairs) - sum(map(len, missing.values()))) / len(pairs)


def _as_typed(pair: Pair, actual: list[str]) -> bool:
    """Whether the article's syllables carry the diacritics the user typed (folded ones match any)."""
    return all(
        not has_diacritics(typed) or typed == normalize_token_tones(seen)
        for typed, seen in zip((pair.first, pair.second), actual)
    )


@dataclass(frozen=True)
class Plan:
    """What the phase needs of a query: its syllable pairs."""

    pairs: tuple[Pair, ...]


def plan(texts: Iterable[str]) -> Plan | None:
    """The rescoring plan of a query's free texts; None when there is no pair."""
    pairs = query_pairs(texts)
    return Plan(pairs) if pairs else None


def tier_of(score: float) -> float:
    """The tier constants (builder.WHOLE_TIER, builder.EXACT_TIER) a first-pass score holds."""
    tier = 0.0
    for constant in (WHOLE_TIER, EXACT_TIER):
        if score - tier >= constant:
            tier += constant
    return tier


def rescored(order: Sequence[int], scores: Sequence[float], texts: Sequence[Sequence[str]],
             plan: Plan | None) -> list[tuple[int, float]]:
    """(document, new score) for the first-pass `order` (best first, with its `scores` and each
    document's texts), best first again; ties keep the first pass's order.

    The bonus never lifts an article over a tier above its own (the whole-word and accent tiers,
    constants in the first-pass score): it is taken on the scores without them, and each article
    is ranked within its tier."""
    tiers = [tier_of(score) for score in scores]
    scores = [score - tier for score, tier in zip(scores, tiers)]
    best = max(scores, default=0.0)
    if plan is None or best <= 0:
        new = list(scores)
    else:
        new = [score + PAIR_WEIGHT * best * coverage(plan.pairs, t) for score, t in zip(scores, texts)]
    ranked = sorted(range(len(order)), key=lambda i: (-tiers[i], -new[i], i))
    return [(order[i], new[i] + tiers[i]) for i in ranked]
