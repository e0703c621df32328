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
  the index segmenting differently, not a misspelling; a syllable only one or two articles hold
  may be their typo too, and is corrected to one a single edit away and 50 times commoner.
Then, for a query typed without diacritics, context: where the best-scored articles (the same
ones whatever page or order is shown) hold several of its words in a row, the way they most
often write them wins over word-by-word statistics ("o to dien" is "ô tô điện" there, where
"dien" alone is most often "diễn"). A run covers whole words, never part of one: one title's
"Hà Nội hạ ..." is no reason to read the "noi ha" of "ha noi ha noi" as "nội hạ".
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet  # frozenset and set alike
from functools import lru_cache

from search.analysis import fold, folded_view, has_diacritics
from search.analysis.normalize import SYLLABLE, normalize_token_tones
from search.highlight import sequence_pattern
from search.query.builder import Unit, is_long, unit_word, units_for_text
from search.query.vocabulary import Vocabulary
from search.rescore import pair_pattern

FEW_RESULTS = 3  # an accented query finding fewer is checked for misspellings
SHORT_WORD = 5  # characters: a word this short is corrected by one edit at most ("covid" is not "coi")
MAX_DISTANCE = 2  # edits, as Whoosh's corrector counts them, for longer words
LONGEST_WORD = 30  # characters: nothing longer is a word worth correcting
MAX_RUN = 4  # syllables in a row looked up in the hits
RARE = 2  # documents: a syllable this rare may be a typo an article made too ("giaoo")...
RARER = 50  # ...when one an edit away is this many times commoner
EVIDENCE = 12  # occurrences of every syllable beside its neighbour that settle the case (the hits are not all read)
MIN_CASED = 1  # occurrences inside a sentence before the hits' capitals are copied (most of them)
SENTENCE_OPENERS = ".!?:;\"'“”‘’«»()[]-–—…\n"  # before a syllable that may be capitalised for its place
MAX_CORRECTIONS = 3  # words looked up in the corrector (20-100 ms each), for a short query only
# (builder.is_long): a pasted paragraph of unknown words must not hold the engine for seconds

Syllables = tuple[str, ...]


def suggestion(texts: Sequence[str], vocab: Vocabulary, total: int,
               context: Callable[[], Sequence[str]] = tuple,
               fields: Sequence[str | None] = (), short: bool | None = None) -> str | None:
    """The query (its free `texts`) as the user probably meant it, or None when it stands as
    typed. `context`: the texts (titles and bodies) of the best-scored articles, read only for
    a query typed without diacritics. `fields`: the field each text was asked in ("title" for
    `title:thu`), kept on each of its words so the suggestion searches what was asked.
    `short`: whether the ranking took the query as short (given when a corrected query is looked
    at again as one text, which happens once only: its respelling may count otherwise)."""
    unaccented = not has_diacritics(" ".join(texts))
    per_text = [units_for_text(text, vocab) for text in texts]
    units = [unit for text_units in per_text for unit in text_units]
    # typed with accents but for some word the index writes with them ("chủ tich nước"): that
    # word is restored as in a query typed bare, the words typed with accents stay as typed
    bare = {i for i in range(len(units)) if not unaccented and _forgot_accents(units, i, vocab)}
    if not unaccented and total >= FEW_RESULTS and not bare:
        return None
    asked = [unit.names[0] for unit in units]
    respelling = short is not None  # this is a corrected query looked at again
    short = not is_long(texts) if short is None else short  # as the builder counts: it ranked the query so
    corrections = MAX_CORRECTIONS if short else 0
    suggested = []
    corrected = False
    for i, unit in enumerate(units):
        misspelt = corrections > 0 and not bare and _misspelt(unit, vocab, rare_too=not unaccented)
        suggested.append(_suggested(unit, vocab, unaccented or i in bare, correct=misspelt))
        corrections -= misspelt
        corrected |= misspelt and suggested[-1] != unit.names[0]
    if corrected and unaccented and not respelling and len(texts) == 1 and not any(fields):
        # "thu tuogn": with "tuogn" corrected, "thu tuong" is one word to restore ("thủ tướng"),
        # which the words one by one ("thứ tượng") are not
        respelt = " ".join(fold(s) for word in _as_typed(suggested, units) for s in word)
        again = suggestion([respelt], vocab, 0, context, short=short)
        return again if again is not None else _written(_as_typed(_cased(suggested, texts, context()), units), [len(units)], fields)
    if (unaccented or bare) and short and sum(map(len, asked)) > 1:  # a run needs two syllables
        suggested = _in_context(asked, suggested, context(), fixed={i for i, u in enumerate(units) if u.literal})
    sizes = [len(text_units) for text_units in per_text]
    if _written(suggested, sizes, fields) == _written(asked, sizes, fields):
        return None
    return _written(_as_typed(_cased(suggested, texts, context() if unaccented or bare else ()), units), sizes, fields)


def _forgot_accents(units: Sequence[Unit], i: int, vocab: Vocabulary) -> bool:
    """Whether units[i], a plain word (no name, no address) typed without diacritics, is one the
    index mostly writes with them, alone ("tich": "tích"; not "nga", Nga, nor "eu") or with a
    neighbour typed with accents ("chủ tich": the word "chủ_tịch"): in a query typed with
    accents elsewhere, a word whose accents were forgotten."""
    unit = units[i]
    if unit.literal or len(unit.names) > 1 or has_diacritics("".join(unit.names[0])):
        return False
    word = unit_word(unit, unit.names[0])
    if vocab.restore(word) is not None or any(vocab.restore(s) is not None for s in unit.names[0]):
        return True
    for first, second in ((i - 1, i), (i, i + 1)):
        if first < 0 or second >= len(units) or len(units[first].names) > 1 or len(units[second].names) > 1:
            continue
        typed = (*units[first].names[0], *units[second].names[0])
        restored = vocab.restore("_".join(fold(s) for s in typed))
        if restored and all(r == t for r, t in zip(restored.split("_"), typed) if has_diacritics(t)):
            return True
    return False


def _as_typed(words: list[Syllables], units: Sequence[Unit]) -> list[Syllables]:
    """Each word written tight ("1.000", "Dr.Thắng") back as one piece with its separators,
    its syllables as suggested: "1 000" would be two words to the next search, no longer a
    number asked in a row."""
    out = []
    for word, unit in zip(words, units):
        if unit.literal:  # an address, an abbreviation in capitals: as typed
            word = (unit.written,)
        elif unit.tight and len(SYLLABLE.findall(unit.written)) == len(word):
            rest = iter(word)
            word = (SYLLABLE.sub(lambda _: next(rest), unit.written),)
        out.append(word)
    return out


def _cased(words: list[Syllables], typed: Sequence[str], hits: Sequence[str]) -> list[Syllables]:
    """The suggestion with capitals where the language puts them ("ha noi" -> "Hà Nội", "eu" ->
    "EU"): a syllable the user capitalised, or one the hits write capitalised or in capitals in
    most of the places where they write it inside a sentence (a sentence's first word says
    nothing), beside the syllable it has beside it in the suggestion wherever the hits write
    the two together ("ho chi minh" is "Hồ Chí Minh", though most of the hits' "chí" are the
    "tạp chí" of a magazine). The index is lowercase; the hits' text is not."""
    flat = [s for word in words for s in word]
    written = [s for text in typed for s in SYLLABLE.findall(text)]
    if len(written) == len(flat):  # syllable for syllable: "Moskvaa" corrected is still capitalised
        capitalised = {i for i, s in enumerate(written) if s[0].isupper()}
    else:
        typed_caps = {fold(s.lower()) for s in written if s[0].isupper()}
        capitalised = {i for i, s in enumerate(flat) if fold(s) in typed_caps}
    wanted = set(flat)
    shapes: dict[str, Counter[str]] = {}  # each syllable, wherever the hits write it
    beside: dict[int, Counter[str]] = {}  # each place in the suggestion, where written beside its neighbour
    pairs: dict[tuple[str, str], list[int]] = {}
    for i, pair in enumerate(zip(flat, flat[1:])):
        pairs.setdefault(pair, []).append(i)
    pattern = _written_pattern(frozenset(wanted))
    for text in hits:
        last: tuple[str, str, int, bool] | None = None  # the previous match: syllable, shape, end, opens a sentence
        for match in pattern.finditer(text):
            written = match.group()
            syllable = normalize_token_tones(written.lower())
            if syllable not in wanted:
                last = None
                continue
            shape, opens = _shape(written), _starts_sentence(text, match.start())
            if not opens:
                shapes.setdefault(syllable, Counter())[shape] += 1
            if last is not None and text[last[2]:match.start()] == " ":
                for i in pairs.get((last[0], syllable), ()):
                    if not last[3]:
                        beside.setdefault(i, Counter())[last[1]] += 1
                    beside.setdefault(i + 1, Counter())[shape] += 1
            last = (syllable, shape, match.end(), opens)
        if all(c.total() >= EVIDENCE for c in beside.values()) and len(beside) == len(flat) > 1:
            break

    def cased(i: int, s: str) -> str:
        seen = beside.get(i) or shapes.get(s, Counter())
        shape, count = seen.most_common(1)[0] if seen else ("lower", 0)
        if sum(seen.values()) < MIN_CASED or count * 2 <= sum(seen.values()):
            shape = "lower"
        if shape == "lower" and i in capitalised:
            shape = "title"
        return {"lower": s, "title": s[:1].upper() + s[1:], "upper": s.upper()}[shape]
    out, at = [], 0
    for word in words:
        out.append(tuple(cased(at + k, s) for k, s in enumerate(word)))
        at += len(word)
    return out


@lru_cache(maxsize=256)
def _written_pattern(syllables: frozenset[str]) -> re.Pattern[str]:
    """The syllables as the hits may write them, in any case: found by re, in C (a Python pass
    over every syllable of ten articles took a few milliseconds a query)."""
    alternatives = "|".join(re.escape(s) for s in sorted(syllables, key=len, reverse=True))
    return re.compile(r"(?<![^\W_])(?:" + alternatives + r")(?![^\W_])", re.IGNORECASE)


def _shape(written: str) -> str:
    if len(written) > 1 and written.isupper():
        return "upper"
    return "title" if written[0].isupper() else "lower"


def _starts_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - 3):at].rstrip()
    return not before or before[-1] in SENTENCE_OPENERS


def _written(words: list[Syllables], sizes: list[int], fields: Sequence[str | None]) -> str:
    """The words as a query: each text's `sizes` words in turn, with its field on each syllable
    (`title:thủ title:tướng`: the parser gives a field to the one word after it)."""
    out, at = [], 0
    for size, field in zip(sizes, [*fields, *[None] * (len(sizes) - len(fields))]):
        syllables = [s for word in words[at:at + size] for s in word]
        out += [f"{field}:{s}" for s in syllables] if field else syllables
        at += size
    return " ".join(out)


def _suggested(unit: Unit, vocab: Vocabulary, unaccented: bool, correct: bool) -> Syllables:
    typed = unit.names[0]
    if unit.literal:
        return typed
    if len(unit.names) > 1:  # an entity with aliases: its names are the index's own
        folded = tuple(fold(s) for s in typed)
        accented = (n for n in unit.names[1:] if tuple(fold(s) for s in n) == folded and has_diacritics("".join(n)))
        return next(accented, typed) if unaccented else typed
    word = unit_word(unit, typed)  # "dr.thang" is a word the index holds written tight
    better = vocab.restore(word) if unaccented else None
    if better is None and correct:
        known = vocab.knows(word)  # a rare syllable: one edit away from a far commoner one
        maxdist = 1 if known or len(word) <= SHORT_WORD else MAX_DISTANCE
        nearest = vocab.corrector.suggest(word, limit=10, maxdist=maxdist)
        if known:
            nearest = [s for s in nearest if vocab.df(s) >= RARER * vocab.df(word)]
        found = nearest[:3]
        if unaccented:  # typed bare: the nearest bare words (then restored), "phna" -> "phan", not "phía"
            found = [s for s in nearest if not has_diacritics(s)] or found
        better = next((s for s in found if has_diacritics(s)), found[0] if found else None)
        better = (vocab.restore(better) or better) if better else None
    if not better:
        return typed
    return tuple(SYLLABLE.findall(better)) if unit.tight else tuple(better.split("_"))


def _misspelt(unit: Unit, vocab: Vocabulary, rare_too: bool) -> bool:
    """A single-name word the index does not know, with a syllable it does not know either; and,
    in an accented query that finds little (`rare_too`), a syllable it knows from RARE articles
    at most, which a far commoner one may replace. (Typed without diacritics, a rare syllable is
    as often a rare name, "ciem" for Ciêm, that restoring must not turn into "điểm".)"""
    syllables = unit.names[0]
    word = unit_word(unit, syllables)
    # a number written tight is no typo, whatever the index holds ("10.000" is not "1.000")
    if unit.literal or len(unit.names) > 1 or (unit.tight and all(s.isdigit() for s in syllables)) or not 2 < len(word) <= LONGEST_WORD:
        return False
    if vocab.knows(word):  # a compound of known syllables ("xóa_nợ") is rare, not a typo
        return rare_too and len(syllables) == 1 and vocab.df(word) <= RARE
    return not all(vocab.knows(s) for s in syllables)


def _in_context(asked: list[Syllables], suggested: list[Syllables], hits: Sequence[str],
                fixed: AbstractSet[int] = frozenset()) -> list[Syllables]:
    """`suggested` with each run of whole words (2 to MAX_RUN syllables, longest first, left to
    right) that the hits hold in a row written as they most often write it; a run never covers
    a `fixed` word (kept as typed). Context is skipped when a correction changed a word's
    syllables (the typed runs no longer line up)."""
    if not hits or any(len(a) != len(s) for a, s in zip(asked, suggested)):
        return suggested
    typed = [s for word in asked for s in word]
    starts = [0]  # where each word starts among the typed syllables
    for word in asked:
        starts.append(starts[-1] + len(word))
    held = _pairs_held(typed, hits)
    out = list(suggested)
    w = 0
    while w < len(asked):
        for end in range(len(asked), w, -1):  # words w .. end-1
            size = starts[end] - starts[w]
            if not 2 <= size <= MAX_RUN or fixed.intersection(range(w, end)):
                continue
            holding = set.intersection(*(held.get(k, set()) for k in range(starts[w], starts[end] - 1)))
            run = tuple(typed[starts[w] : starts[end]])
            written = _most_written(run, [hits[h] for h in sorted(holding)]) if holding else None
            if written:
                out[w:end] = [written[starts[i] - starts[w] : starts[i + 1] - starts[w]] for i in range(w, end)]
                w = end
                break
        else:
            w += 1
    return out


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
            for k in at.get(tuple(SYLLABLE.findall(view, *match.span(1))), ()):  # type: ignore[arg-type]
                held.setdefault(k, set()).add(h)
    return held


def _most_written(run: Syllables, hits: Sequence[str]) -> Syllables | None:
    """How the hits most often write `run` (its syllables in a row, in any accents), lowercased,
    keeping each syllable typed with accents as typed."""
    pattern = sequence_pattern(frozenset({tuple(fold(s) for s in run)}))
    if pattern is None:
        return None
    seen: Counter[Syllables] = Counter()
    for text in hits:
        for match in pattern.finditer(folded_view(text)):
            written = tuple(normalize_token_tones(s) for s in SYLLABLE.findall(text[match.start() : match.end()].lower()))
            if len(written) == len(run) and all(w == t for w, t in zip(written, run) if has_diacritics(t)):
                seen[written] += 1
    return seen.most_common(1)[0][0] if seen else None
