"""Did you mean: a query typed without diacritics gets them back, and a misspelt query that
finds little gets the nearest words of the index's own vocabulary (search/query/vocabulary.py).

Every word the user typed is kept, function words included. Per word (a unit of
search/query/builder.py):
- an entity known by several names ("nghi vien chau au", "Hy Lạp") is never corrected; typed
  without diacritics, it gets the accented name that folds to what was typed;
- a word typed without diacritics gets the accented form most articles use, where that form is
  commoner than the word as typed ("thu tuong" -> "thủ tướng", but "nga" stays Nga);
- a word the index does not know is corrected only if one of its syllables is unknown too: a
  compound whose syllables the index holds ("hy_lạp" when articles write "Hy Lạp" apart) is
  the index segmenting differently, not a misspelling.
Then, for a query typed without diacritics, context: where the best hits hold several of its
syllables in a row, the way they write them wins over word-by-word statistics ("o to dien" is
"ô tô điện" in the hits, where "dien" alone is most often "diễn").
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from search.analysis import fold, folded_view, has_diacritics
from search.analysis.normalize import normalize_token_tones
from search.highlight import sequence_pattern
from search.query.builder import LONG_QUERY_SYLLABLES, Unit, units_for_text
from search.query.vocabulary import Vocabulary
from search.rescore import pair_pattern

FEW_RESULTS = 3  # an accented query finding fewer is checked for misspellings
SHORT_WORD = 5  # characters: a word this short is corrected by one edit at most ("covid" is not "coi")
MAX_DISTANCE = 2  # edits, as Whoosh's corrector counts them, for longer words
LONGEST_WORD = 30  # characters: nothing longer is a word worth correcting
MAX_RUN = 4  # syllables in a row looked up in the hits

_SYLLABLE = re.compile(r"[^\W_]+")
Syllables = tuple[str, ...]


def suggestion(texts: Sequence[str], vocab: Vocabulary, total: int, hits: Sequence[str] = ()) -> str | None:
    """The query (its free `texts`) as the user probably meant it, or None when it stands as
    typed. `hits`: the texts of the best results (titles and bodies), for context."""
    unaccented = not has_diacritics(" ".join(texts))
    if not unaccented and total >= FEW_RESULTS:
        return None
    units = [unit for text in texts for unit in units_for_text(text, vocab)]
    asked = [unit.names[0] for unit in units]
    suggested = [_suggested(unit, vocab, unaccented) for unit in units]
    if unaccented and hits and sum(map(len, asked)) <= LONG_QUERY_SYLLABLES:
        suggested = _in_context(asked, suggested, hits)
    words = " ".join(" ".join(s) for s in suggested)
    return None if words == " ".join(" ".join(a) for a in asked) else words


def _suggested(unit: Unit, vocab: Vocabulary, unaccented: bool) -> Syllables:
    typed = unit.names[0]
    if len(unit.names) > 1:  # an entity with aliases: its names are the index's own
        folded = tuple(fold(s) for s in typed)
        accented = (n for n in unit.names[1:] if tuple(fold(s) for s in n) == folded and has_diacritics("".join(n)))
        return next(accented, typed) if unaccented else typed
    word = "_".join(typed)
    better = vocab.restore(word) if unaccented else None
    if better is None and _misspelt(typed, vocab):
        maxdist = 1 if len(word) <= SHORT_WORD else MAX_DISTANCE
        found = vocab.corrector.suggest(word, limit=3, maxdist=maxdist)
        better = next((s for s in found if has_diacritics(s)), found[0] if found else None)
        better = (vocab.restore(better) or better) if better else None
    return tuple(better.split("_")) if better else typed


def _misspelt(syllables: Syllables, vocab: Vocabulary) -> bool:
    word = "_".join(syllables)
    return (2 < len(word) <= LONGEST_WORD and not vocab.knows(word)
            and not all(vocab.knows(s) for s in syllables))


def _in_context(asked: list[Syllables], suggested: list[Syllables], hits: Sequence[str]) -> list[Syllables]:
    """`suggested` with every run of 2 to MAX_RUN typed syllables that the hits hold in a row
    written as the hits most often write it, longest runs first, left to right. A word whose
    suggestion changed its syllables (a correction) is left as it is."""
    if any(len(a) != len(s) for a, s in zip(asked, suggested)):
        return suggested
    typed = [s for word in asked for s in word]
    out = [s for word in suggested for s in word]
    held = _pairs_held(typed, hits)
    i = 0
    while i < len(typed) - 1:
        for size in range(min(MAX_RUN, len(typed) - i), 1, -1):
            holding = set.intersection(*(held.get(k, set()) for k in range(i, i + size - 1)))
            if not holding:
                continue  # a run can be in a hit only if each of its pairs is
            written = _most_written(tuple(typed[i : i + size]), [hits[h] for h in sorted(holding)])
            if written:
                out[i : i + size] = written
                i += size
                break
        else:
            i += 1
    words, at = [], 0
    for word in suggested:
        words.append(tuple(out[at : at + len(word)]))
        at += len(word)
    return words


def _pairs_held(typed: list[str], hits: Sequence[str]) -> dict[int, set[int]]:
    """For each position k where typed syllables k and k + 1 occur in a row in some hit, which
    hits hold them: one scan of each hit for all pairs (the rescoring phase's pattern), so that
    runs are looked for only where they can be."""
    folded = [fold(s) for s in typed]
    at: dict[tuple[str, str], list[int]] = {}
    for k, pair in enumerate(zip(folded, folded[1:])):
        at.setdefault(pair, []).append(k)
    pattern = pair_pattern(frozenset(at))
    held: dict[int, set[int]] = {}
    for h, text in enumerate(hits):
        view = folded_view(text)
        for match in pattern.finditer(view):
            for k in at.get(tuple(_SYLLABLE.findall(view, *match.span(1))), ()):  # type: ignore[arg-type]
                held.setdefault(k, set()).add(h)
    return held


def _most_written(run: Syllables, hits: Sequence[str]) -> Syllables | None:
    """How the hits most often write `run` (folded syllables in a row), lowercased."""
    pattern = sequence_pattern(frozenset({tuple(fold(s) for s in run)}))
    if pattern is None:
        return None
    seen: Counter[Syllables] = Counter()
    for text in hits:
        for match in pattern.finditer(folded_view(text)):
            written = tuple(normalize_token_tones(s) for s in _SYLLABLE.findall(text[match.start() : match.end()].lower()))
            if len(written) == len(run):
                seen[written] += 1
    return seen.most_common(1)[0][0] if seen else None
