"""Did you mean: a query typed without diacritics gets them back, and a misspelt query that
finds little gets the nearest words of the index's own vocabulary (search/query/vocabulary.py).

Per unit of the query (search/query/builder.py):
- an entity known by several names ("nghi vien chau au", "Hy Lạp") is never corrected; typed
  without diacritics, it gets the accented name that folds to what was typed;
- a word typed without diacritics gets the accented form most articles use, where that form is
  commoner than the word as typed ("thu tuong" -> "thủ tướng", but "nga" stays Nga);
- a word the index does not know is corrected only if one of its syllables is unknown too: a
  compound whose syllables the index holds ("hy_lạp" when articles write "Hy Lạp" apart) is
  the index segmenting differently, not a misspelling.
"""
from __future__ import annotations

from collections.abc import Sequence

from search.analysis import fold, has_diacritics
from search.query.builder import Unit
from search.query.vocabulary import Vocabulary

FEW_RESULTS = 3  # an accented query finding fewer is checked for misspellings
MAX_DISTANCE = 2  # edits, as Whoosh's corrector counts them


def suggestion(units: Sequence[Unit], vocab: Vocabulary, text: str, total: int) -> str | None:
    """The query as the user probably meant it, or None when it stands as typed."""
    unaccented = not has_diacritics(text)
    if not unaccented and total >= FEW_RESULTS:
        return None
    suggested = " ".join(_suggested(unit, vocab, unaccented) for unit in units)
    asked = " ".join(" ".join(unit.names[0]) for unit in units)
    return None if suggested == asked else suggested


def _suggested(unit: Unit, vocab: Vocabulary, unaccented: bool) -> str:
    typed = unit.names[0]
    if len(unit.names) > 1:  # an entity with aliases: its names are the index's own
        folded = tuple(fold(s) for s in typed)
        accented = (n for n in unit.names[1:] if tuple(fold(s) for s in n) == folded and has_diacritics("".join(n)))
        return " ".join(next(accented, typed) if unaccented else typed)
    word = "_".join(typed)
    better = vocab.restore(word) if unaccented else None
    if better is None and _misspelt(typed, vocab):
        found = vocab.corrector.suggest(word, limit=3, maxdist=MAX_DISTANCE)
        better = next((s for s in found if has_diacritics(s)), found[0] if found else None)
        better = (vocab.restore(better) or better) if better else None
    return (better or word).replace("_", " ")


def _misspelt(syllables: tuple[str, ...], vocab: Vocabulary) -> bool:
    word = "_".join(syllables)
    return len(word) > 2 and not vocab.knows(word) and not all(vocab.knows(s) for s in syllables)
