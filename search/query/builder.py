"""From a parsed query to a Whoosh query, using the index's own vocabulary and the alias data.

A short query (up to LONG_QUERY_SYLLABLES syllables) requires every word. What a word requires
is its syllables (exactly, or folded at a lower weight), so an article where pyvi segmented the
word differently still matches in full; articles holding every word with the accents as typed
form a tier above the rest, and articles holding every word whole a tier above that;
whole-word and adjacent-syllable matches add a bonus, so words found as words rank above the
same syllables scattered. A long query (a pasted paragraph or a
question) is ranked on whole words, any of which may match.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from whoosh import query as wq

from search.analysis import fold, has_diacritics
from search.analysis.names import name_syllables
from search.analysis.normalize import SYLLABLE, clause_pieces
from search.analysis.segmenter import segment
from search.analysis.tokenizers import word_term
from search.metadata.text import is_vietnamese_syllable
from search.query.aliases import MAX_NAME_SYLLABLES, alias_group, country_of
from search.query.parser import AnyOf, Clause, Not, ParsedQuery, Phrase, Prefix, Text
from search.query.stopwords import STOPWORDS
from search.query.vocabulary import Vocabulary
from search.schema import FIELD_OF_SYLLABLES, WORD_FIELDS

LONG_QUERY_SYLLABLES = 12  # longer: a pasted paragraph or a question, any word may match
FOLDED_WEIGHT = 0.35  # an accented query word matched only through folding
RESTORED_WEIGHT = 0.5  # an unaccented word's most common accented form: a hint, not a filter
ADJACENT_WEIGHT = 0.5  # a multi-syllable word's syllables in a row (part of the bonus)
BONUS_WEIGHT = 1.0  # whole words over scattered syllables
# The tiers are constants added to an article's score, far above any BM25F score (a short
# query's reach a few hundred), so no score inside a tier can reach the one above: articles
# holding every word with the accents as typed (EXACT_TIER), and above them articles holding
# every word whole, a multi-syllable word's syllables in a row (WHOLE_TIER). Both together:
# the sum. Within a tier the ranking is the query's own scores (rescore.tier_of reads them back).
EXACT_TIER = 5_000.0
WHOLE_TIER = 10_000.0
# Typed with accents, a query finds the articles that hold its words with those accents; only
# when they are fewer than a page do the folded readings join them (after them, in the tier
# order). One-syllable words folded are other words as often as not: "Trọng" found 32,352 of
# 35,439 articles through "trong", "bão" (a storm) 23,738 through "báo", "bảo", "bao", and a
# page sorted by date, or the facets' counts, were mostly those.
FEW_EXACT = 10
# A prefix that more words start with ("t*": 31,686 on 35,439 articles) is narrowed to its
# commonest words (as Elasticsearch's max_expansions): all of them took Whoosh's matchers
# 30-40 s, each word costs a read per index segment, and the commonest already find nearly
# every article the whole prefix finds (the API lists the narrowing in `ignored`).
MAX_PREFIX_WORDS = 200
# A query's prefixes share that budget (each of n gets MAX_PREFIX_WORDS // n words), so that
# several cost what one does: "a* b* c* d*" took 0.35-0.85 s on 5,000 articles, "a* b* ... y*"
# (23) 2.4 s. At most MAX_PREFIXES are asked (the rest are left out, and said so); the same
# prefix twice asks nothing new.
MAX_PREFIXES = 4


class CommonPrefix(wq.Prefix):
    """A prefix that expands to the given words only (those the index holds), so the array
    evaluator and Whoosh's matchers both read a bounded number of posting lists."""

    def __init__(self, fieldname: str, text: str, words: tuple[str, ...], boost: float = 1.0) -> None:
        super().__init__(fieldname, text, boost=boost)
        self.words = words

    def _btexts(self, ixreader):  # type: ignore[no-untyped-def]
        for word in self.words:
            btext = word.encode("utf-8")
            if (self.fieldname, btext) in ixreader:
                yield btext

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.words == other.words  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.words)


@dataclass(frozen=True)
class Unit:
    """One thing the user asked for: a word, or an entity known by several names."""

    names: tuple[tuple[str, ...], ...]  # each name as lowercase syllables; aliases are extra names
    country: str | None = None  # the entity is this country (the `country` facet's ISO code)
    tight: bool = False  # written without spaces ("10.000", "1,5"): its syllables are asked in a row
    written: str = ""  # a tight unit as typed, separators kept (did-you-mean writes it back so)
    literal: bool = False  # an address or a word typed in capitals: did-you-mean leaves it as typed


@dataclass
class BuiltQuery:
    query: wq.Query  # what to rank by
    matching: wq.Query  # matches the same articles without the scoring-only parts (facet counts)
    strict: bool  # every unit required (short query); the caller may relax it when nothing matches
    relaxed_query: wq.Query | None = None  # any unit may be missing
    relaxed_matching: wq.Query | None = None
    # Typed with accents, `query` asks every word with them; these also take the folded
    # readings, which the caller uses when the accents as typed find fewer than FEW_EXACT.
    widened_query: wq.Query | None = None
    widened_matching: wq.Query | None = None
    units: list[Unit] = field(default_factory=list)
    highlight: set[tuple[str, ...]] = field(default_factory=set)  # syllable sequences to mark, as typed (lowercase)
    names: set[str] = field(default_factory=set)  # one-syllable names, marked where written as names
    prefixes: set[str] = field(default_factory=set)  # folded prefixes to mark
    texts: list[str] = field(default_factory=list)  # the free text asked for, for rescore.query_pairs
    notes: list[str] = field(default_factory=list)  # how the query was narrowed (a wide prefix)


# A web or mail address typed in a query names itself: its syllables are asked in a row, as a
# number written tight, and did-you-mean never respells it ("vnexpress.net" is not "vnexpress
# nét"). A bare domain needs a known ending, so "TP.HCM" and "Dr.Thắng" stay words.
_ADDRESS = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s\"()\[\]{}]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|biz|edu|gov|int|io|co|news|tv|vn|uk|us|ru|cn|jp|kr|fr|de)\b(?:/[^\s\"()\[\]{}]*)?",
    re.IGNORECASE)


def _lower_syllables(text: str) -> list[str]:
    return [s.lower() for s in text.split()]


def units_for_text(text: str, vocab: Vocabulary) -> list[Unit]:
    """Words first, then runs of words that name an entity with aliases become one unit.

    Aliases are looked up on whole words, so "mỹ phẩm" (one word) never reads as Mỹ.
    """
    words = _segment_words(text, vocab)
    # A one-syllable name that is also a Vietnamese word is a name only when typed as one:
    # "Anh" is Britain, "anh" a pronoun; "syria" can be nothing but Syria (typed lowercase it
    # missed the articles that write Xy-ri).
    capitalised = {s.lower() for s in re.findall(r"[^\W\d_]+", text) if s[0].isupper()}
    # Typed in capitals among lowercase words, a syllable is an abbreviation ("country RU", "tin
    # AP"): did-you-mean keeps it ("RU" is not "rủ"). A query all in capitals says nothing.
    capitals = {} if text.isupper() else {s.lower(): s for s in re.findall(r"[^\W\d_]+", text) if len(s) > 1 and s.isupper()}
    words = [Unit(w.names, literal=True, written=capitals[w.names[0][0]])
             if len(w.names[0]) == 1 and w.names[0][0] in capitals and not w.literal else w for w in words]
    units: list[Unit] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_NAME_SYLLABLES, len(words) - i), 0, -1):
            asked = tuple(s for w in words[i : i + size] for s in w.names[0])
            if len(asked) == 1 and asked[0] not in capitalised and is_vietnamese_syllable(asked[0]):
                continue
            group = alias_group(asked) if len(asked) <= MAX_NAME_SYLLABLES else None
            if group:
                names = {asked} | {name_syllables(n) for n in group}
                units.append(Unit(tuple(sorted(names, key=lambda n: n != asked)), country_of(asked)))
                i += size
                break
        else:
            units.append(words[i])
            i += 1
    return units


def _segment_words(text: str, vocab: Vocabulary) -> list[Unit]:
    if not text.strip():
        return []
    words: list[tuple[list[str], str, bool]] = []  # (syllables, as typed when written tight, else "", literal)
    loose: list[str] = []
    addresses = [m.span() for m in _ADDRESS.finditer(text)]
    taken: set[tuple[int, int]] = set()

    def flush() -> None:
        words.extend((w.split("_"), "", False) for w in vocab.max_match(loose))
        loose.clear()

    for seg in segment(text):
        address = next(((a, b) for a, b in addresses if a <= seg.start < b), None)
        if address is not None:  # pyvi cuts "vnexpress.net" in two: the address is one word
            if address not in taken:
                taken.add(address)
                flush()
                words.append((SYLLABLE.findall(text[address[0]:address[1]].lower()), text[address[0]:address[1]], True))
            continue
        # cut as the syllable fields cut: "10.000" is 10 and 000 there (a number's separators
        # were dropped here, and "1.000 tỷ" asked for the syllable "1000": 5 articles of 5,000)
        sylls = SYLLABLE.findall(seg.text.lower())
        # a word written tight, as pyvi leaves numbers ("10.000", "2,5"): its syllables in a row,
        # as the index has them (scattered, "10.000" matched 399 articles of which 113 hold it)
        tight = len(sylls) > 1 and not any(c.isspace() for c in seg.text.strip())
        if tight or (len(sylls) > 1 and vocab.knows("_".join(sylls))):
            flush()
            words.append((sylls, seg.text.strip() if tight else "", False))
        else:
            loose += sylls
    flush()
    return [Unit(((*w,),), tight=bool(written) and len(w) > 1, written=written, literal=literal)
            for w, written, literal in words if w]


def _across(fields: tuple[str, ...], make: Callable[[str], wq.Query], boost: float = 1.0) -> wq.Query:
    """One way of matching, in every field (BM25F adds the title's weight to the body's)."""
    return wq.Or([make(f) for f in fields], boost=boost)


def _all_syllables(fields: tuple[str, ...], sylls: list[str], boost: float = 1.0) -> wq.Query:
    """Every syllable somewhere in the article: the same evidence whatever the segmentation."""
    parts = [_across(fields, lambda f, s=s: wq.Term(f, s)) for s in dict.fromkeys(sylls)]
    return parts[0] if len(parts) == 1 and boost == 1.0 else wq.And(parts, boost=boost)


def unit_required(unit: Unit, fields: tuple[str, ...], exact_only: bool = False) -> wq.Query:
    """What an article must hold to match the unit: its syllables, exactly or (weaker) folded.

    Syllables rather than words carry the match, so a word pyvi segmented differently in the
    article still counts in full; folded matches count less, so exact accents rank first.
    (Typed without accents, a word's syllables are its folded ones: it matches them anywhere.)
    """
    syl_fields = tuple(FIELD_OF_SYLLABLES[f] for f in fields)
    ways: list[wq.Query] = []
    for name in unit.names:
        exact = list(name)
        folded = [fold(s) for s in name]
        # an entity's name, or a number written tight: its syllables in a row, a short name as a word
        if len(unit.names) > 1 or unit.tight:
            if len(name) == 1:  # "Mỹ" as a word, not the syllable of "mỹ phẩm" or "thẩm mỹ"
                ways.append(_short_name(unit, fields, exact[0]))
                continue
            ways.append(_across(syl_fields, lambda f: wq.Phrase(f, exact)))
            if folded != exact and not exact_only:
                ways.append(_across(syl_fields, lambda f: wq.Phrase(f, folded), FOLDED_WEIGHT))
            continue
        ways.append(_all_syllables(syl_fields, exact))
        if folded != exact and not exact_only:
            ways.append(_folded(exact, folded, fields, syl_fields))
    return ways[0] if len(ways) == 1 else wq.Or(ways)


def _folded(exact: list[str], folded: list[str], fields: tuple[str, ...], syl_fields: tuple[str, ...]) -> wq.Query:
    """A word typed with accents, matched (weaker) without them: a syllable anywhere ("đường"
    finds "dương", after the exact ones), a longer word only as that word. Its folded syllables
    scattered are common words as often as not: "Đà Nẵng" found 16,933 of 35,439 articles through
    "đã ... nặng", now 1,293 (an article that writes "Da Nang" is still found where pyvi made
    it one word; it seldom joins syllables written without diacritics)."""
    if len(folded) == 1:
        return _all_syllables(syl_fields, folded, FOLDED_WEIGHT)
    return _across(fields, lambda f: wq.Term(f, "_".join(folded)), FOLDED_WEIGHT)


def _short_name(unit: Unit, fields: tuple[str, ...], name: str) -> wq.Query:
    """A one-syllable name as a whole word; a country's only in the articles its facet holds.

    The index is lowercase, so the word "anh" is Britain's "Anh" and the pronoun alike ("Vương
    quốc Anh" found 21,000 of 35,000 articles), "đức" is Germany and a given name, "trung" is
    China's "-Trung" of "Mỹ - Trung" and the "miền Trung" of Vietnam. The country facet tells
    them apart: its extraction checks capitals, look-alikes and the person-name shape (docs/
    metadata.md). The facet filters (Whoosh's Require): the word's own score ranks as before.
    """
    word = _across(fields, lambda f: wq.Term(f, name))
    return wq.Require(word, wq.Term("country", unit.country)) if unit.country else word


def unit_whole(unit: Unit, fields: tuple[str, ...]) -> wq.Query:
    """The unit as a whole: a multi-syllable word's syllables in a row, as typed (folded ones
    match any accents), an entity or a one-syllable word as it is required with its accents.

    "chủ tịch Hòa Phát" requires the syllables hòa and phát; articles about "Cộng hòa" that
    speak of "phát triển" hold them too, and BM25F ranked them first."""
    if len(unit.names) > 1 or len(unit.names[0]) == 1:
        return unit_required(unit, fields, exact_only=True)
    syl_fields = tuple(FIELD_OF_SYLLABLES[f] for f in fields)
    in_a_row = _across(syl_fields, lambda f: wq.Phrase(f, list(unit.names[0])))
    if unit.tight:
        return in_a_row
    # The word as pyvi segmented it in the article, a plain term: checked on every article, where
    # the phrase is checked on the first pass's best only (search/evaluate.py). "thương lượng"
    # had its holders 1-10 and then 305+, below 300 articles of "lực lượng ... bị thương".
    as_word = _across(fields, lambda f: wq.Term(f, "_".join(unit.names[0])))
    return wq.Or([as_word, in_a_row])


def unit_excluded(unit: Unit, syl_fields: tuple[str, ...]) -> wq.Query:
    """Articles holding the unit (any of an entity's names), its syllables in a row: with the
    accents typed, or any accents when typed without."""
    ways: list[wq.Query] = []
    for name in unit.names:
        sylls = list(name) if has_diacritics("".join(name)) else [fold(s) for s in name]
        if len(unit.names) > 1 and len(name) == 1 and unit.country:  # "-Anh": Britain, not every "anh"
            ways.append(wq.Require(_across(syl_fields, lambda f: wq.Term(f, sylls[0])), wq.Term("country", unit.country)))
        elif len(sylls) == 1:
            ways.append(_across(syl_fields, lambda f: wq.Term(f, sylls[0])))
        else:
            ways.append(_across(syl_fields, lambda f: wq.Phrase(f, sylls)))
    return ways[0] if len(ways) == 1 else wq.Or(ways)


def unit_word(unit: Unit, name: tuple[str, ...]) -> str:
    """The term the word fields hold for one of the unit's names: its syllables joined as pyvi
    joins a word's, but a number written tight as written ("10.000", "1,5"), as pyvi left it."""
    return word_term(unit.written).lower() if unit.tight and name == unit.names[0] else "_".join(name)


def unit_as_word(unit: Unit, fields: tuple[str, ...], vocab: Vocabulary) -> wq.Query:
    """A word of a long query (a pasted paragraph): the whole word only, in either accent form.

    Long queries carry signal enough in their words; per-syllable matching made them slower
    (3x) and no better in the known-item benchmark.
    """
    word = unit_word(unit, unit.names[0])
    folded = fold(word)
    ways = [_across(fields, lambda f: wq.Term(f, word))]
    if folded != word:
        ways.append(_across(fields, lambda f: wq.Term(f, folded), FOLDED_WEIGHT))
    elif (restored := vocab.restore(word)) is not None:
        ways.append(_across(fields, lambda f: wq.Term(f, restored), RESTORED_WEIGHT))
    return ways[0] if len(ways) == 1 else wq.Or(ways)


def unit_bonus(unit: Unit, fields: tuple[str, ...], vocab: Vocabulary) -> list[wq.Query]:
    """Extra score, never required: the unit as a whole word, and its syllables in a row.

    This is where "words, not syllables" ranks articles that hold the word above articles
    where the same syllables are scattered.
    """
    syl_fields = tuple(FIELD_OF_SYLLABLES[f] for f in fields)
    bonus: list[wq.Query] = []
    for name in unit.names:
        word = unit_word(unit, name)
        bonus.append(_across(fields, lambda f: wq.Term(f, word)))
        if len(name) > 1:
            bonus.append(_across(syl_fields, lambda f: wq.Phrase(f, list(name)), ADJACENT_WEIGHT))
        if (restored := vocab.restore(word)) is not None:
            bonus.append(_across(fields, lambda f: wq.Term(f, restored), RESTORED_WEIGHT))
    return bonus


def _is_function_word(unit: Unit, vocab: Vocabulary, unaccented: bool, many: bool) -> bool:
    """In text typed without diacritics a word reads as its commonest accented form. A long
    query, ranked on any of its words, drops a word whose reading is a function word ("va"
    reads "và", "cua" "của"): its content words carry it. A short query requires every word,
    and loses more by dropping one than by requiring one most articles hold: it drops a word
    only when the word and its reading both are function words. So "so" (read "số", a number)
    and "bao" ("báo") stay in "bao so 1", and "de" stays too (as often "đề" as "để")."""
    if len(unit.names) > 1:
        return False
    word = "_".join(unit.names[0])
    if not unaccented:
        return word in STOPWORDS
    reading = vocab.restore(word) or word
    return reading in STOPWORDS and (many or word in STOPWORDS)


def _phrase_syllables(text: str) -> list[str]:
    """A quoted phrase's syllables, cut as the syllable fields cut them ("1,5 USD": 1, 5, usd)."""
    return SYLLABLE.findall(text.lower())


def _fields(fieldname: str | None) -> tuple[str, ...]:
    return (fieldname,) if fieldname else WORD_FIELDS


class _Builder:
    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.units: list[Unit] = []
        self.highlight: set[tuple[str, ...]] = set()
        self.names: set[str] = set()
        self.prefixes: set[str] = set()
        self.bonus: list[wq.Query] = []
        self.exact: list[wq.Query] = []  # the free-text units with their accents as typed
        self.whole: list[wq.Query] = []  # the free-text units as whole words (WHOLE_TIER)
        self.texts: list[str] = []
        self.notes: list[str] = []  # what was narrowed, said to the user beside the parser's `ignored`
        self.asked_prefixes: set[tuple[str | None, str]] = set()  # (field, stem) of each prefix built
        self.prefix_words = MAX_PREFIX_WORDS  # the words each prefix may expand to (build() shares them out)

    def mark(self, unit: Unit) -> None:
        accented = {tuple(fold(s) for s in n) for n in unit.names if has_diacritics("".join(n))}
        for i, name in enumerate(unit.names):
            if len(unit.names) > 1 and len(name) == 1:  # "Anh" the country, not every "anh"
                self.names.add(name[0])
            elif i and not has_diacritics("".join(name)) and name in accented:
                continue  # the alias "Viet Nam" of "Việt Nam": marked bare would mark "Việt năm" too
            else:
                self.highlight.add(tuple(name))

    def text(self, clause: Text, many: bool) -> list[wq.Query]:
        self.texts.append(clause.text)
        units = units_for_text(clause.text, self.vocab)
        unaccented = not has_diacritics(clause.text)
        dropped = [_is_function_word(u, self.vocab, unaccented, many) for u in units]
        fields = _fields(clause.field)
        if not all(dropped):
            if not many:
                self.beside_function_words(units, dropped, fields)
            units = [u for u, d in zip(units, dropped) if not d]
        for u in units:
            self.mark(u)
        self.units += units
        if many:
            return [unit_as_word(u, fields, self.vocab) for u in units]
        self.bonus += [q for u in units for q in unit_bonus(u, fields, self.vocab)]
        self.exact += [unit_required(u, fields, exact_only=True) for u in units]
        self.whole += [unit_whole(u, fields) for u in units]
        return [unit_required(u, fields) for u in units]

    def beside_function_words(self, units: list[Unit], dropped: list[bool], fields: tuple[str, ...]) -> None:
        """A short query's function words are not required, but each run of them still counts in
        a row with its neighbours, as extra score and marked: they are also syllables of names
        ("từ liêm" was searched as "liêm", "sân bay tân sơn nhất" without "nhất", and neither
        "Từ" nor "Nhất" was marked). A run in a row weighs what a whole word does (the bonus)."""
        syl_fields = tuple(FIELD_OF_SYLLABLES[f] for f in fields)
        i = 0
        while i < len(units):
            if not dropped[i]:
                i += 1
                continue
            end = i
            while end < len(units) and dropped[end]:
                end += 1
            sylls = [s for u in units[max(i - 1, 0):end + 1] for s in u.names[0]]
            i = end
            if len(sylls) > 1:
                self.bonus.append(_across(syl_fields, lambda f, sylls=sylls: wq.Phrase(f, sylls)))
                self.highlight.add(tuple(sylls))

    def phrase(self, clause: Phrase) -> wq.Query | None:
        """Its syllables in a row, in one field; a phrase with a comma or a full stop in it
        ("Hà Nội, Hải Phòng") asks for each clause in a row, as the index has them."""
        pieces = [sylls for piece in clause_pieces(clause.text) if (sylls := _phrase_syllables(piece))]
        if not pieces:
            return None
        self.highlight.update(tuple(sylls) for sylls in pieces)
        self.units.append(Unit((tuple(s for sylls in pieces for s in sylls),)))
        if not has_diacritics("".join(s for sylls in pieces for s in sylls)):
            pieces = [[fold(s) for s in sylls] for sylls in pieces]

        def in_a_row(field: str, sylls: list[str]) -> wq.Query:
            return wq.Phrase(field, sylls) if len(sylls) > 1 else wq.Term(field, sylls[0])

        queries = [wq.And([in_a_row(FIELD_OF_SYLLABLES[f], sylls) for sylls in pieces]) if len(pieces) > 1
                   else in_a_row(FIELD_OF_SYLLABLES[f], pieces[0]) for f in _fields(clause.field)]
        return wq.Or(queries)

    def prefix(self, clause: Prefix) -> wq.Query:
        sylls = _lower_syllables(clause.text)
        stem = "_".join(sylls)
        self.prefixes.add(fold(stem))
        fields = _fields(clause.field)
        common = self.vocab.commonest_with_prefix(stem, self.prefix_words)
        if common is None:
            words = [wq.Prefix(f, stem) for f in fields]
            # and as a syllable: "tướng*" finds "Thủ tướng", one word in the index, as "tướng" does
            syllables = [wq.Prefix(FIELD_OF_SYLLABLES[f], stem) for f in fields] if len(sylls) == 1 else []
            return wq.Or(words + syllables)
        self.notes.append(f"{clause.text}*: các từ hiếm hơn (chỉ tìm {self.prefix_words:,} từ thường gặp nhất)".replace(",", "."))
        # the syllables of those words that start with it, commonest words' first
        found = dict.fromkeys(s for w in common for s in w.split("_") if s.startswith(stem))
        ordered = tuple(list(found)[: self.prefix_words])
        words = [CommonPrefix(f, stem, tuple(common)) for f in fields]
        syllables = [CommonPrefix(FIELD_OF_SYLLABLES[f], stem, ordered) for f in fields] if len(sylls) == 1 else []
        return wq.Or(words + syllables)

    def clause(self, clause: Clause, many: bool) -> list[wq.Query]:
        if isinstance(clause, Text):
            return self.text(clause, many)
        if isinstance(clause, Phrase):
            q = self.phrase(clause)
            return [q] if q else []
        if isinstance(clause, Prefix):
            return self.limited_prefix(clause)
        if isinstance(clause, AnyOf):
            # each side as a whole: a run's words all required, as anywhere else in a short query
            # (flattened, "giá xăng OR giá dầu" asked for any of giá, xăng, dầu)
            sides = [self.side(c, many) for c in clause.clauses]
            parts = [q for q in sides if q is not None]
            return [wq.Or(parts)] if parts else []
        parts = self.excluded(clause.clause)
        return [wq.Not(wq.Or(parts))] if parts else []

    def side(self, clause: Clause, many: bool) -> wq.Query | None:
        parts = self.clause(clause, many)
        if len(parts) < 2:
            return parts[0] if parts else None
        return wq.Or(parts) if many else wq.And(parts)

    def limited_prefix(self, clause: Prefix) -> list[wq.Query]:
        """The prefix, unless the query asked for it already (nothing new) or for MAX_PREFIXES
        others (left out, and said so)."""
        key = _prefix_key(clause)
        if key in self.asked_prefixes:
            return []
        if len(self.asked_prefixes) >= MAX_PREFIXES:
            self.notes.append(f"{clause.text}*: bỏ qua (tối đa {MAX_PREFIXES} tiền tố mỗi truy vấn)")
            return []
        self.asked_prefixes.add(key)
        return [self.prefix(clause)]

    def excluded(self, clause: Clause) -> list[wq.Query]:
        """What a negated clause leaves out: its words wherever their syllables stand in a row,
        whatever pyvi made of them, so "-Phúc" leaves out "Nguyễn Xuân Phúc" (one word in the
        index) and "-bóng" "bóng đá". Built with a throwaway builder: it adds no highlight
        terms, units or bonus."""
        if not isinstance(clause, Text):
            throwaway = _Builder(self.vocab)
            throwaway.asked_prefixes, throwaway.notes = self.asked_prefixes, self.notes  # one limit per query
            throwaway.prefix_words = self.prefix_words
            return throwaway.clause(clause, many=True)
        fields = tuple(FIELD_OF_SYLLABLES[f] for f in _fields(clause.field))
        return [unit_excluded(u, fields) for u in units_for_text(clause.text, self.vocab)]


def is_long(texts: Iterable[str]) -> bool:
    """Whether free texts make a long query (a pasted paragraph, a question): counted as typed,
    space-separated, so that "10.000" is one, as for the reader (did you mean counts the same way)."""
    return sum(len(text.split()) for text in texts) > LONG_QUERY_SYLLABLES


def _prefix_key(clause: Prefix) -> tuple[str | None, str]:
    """What makes two prefixes the same ask: the field and the stem, whatever its case."""
    return clause.field, clause.text.lower()


def _prefixes(clauses: Iterable[Clause]) -> set[tuple[str | None, str]]:
    """The distinct prefixes among clauses, inside OR and NOT too."""
    found: set[tuple[str | None, str]] = set()
    for clause in clauses:
        if isinstance(clause, Prefix):
            found.add(_prefix_key(clause))
        elif isinstance(clause, AnyOf):
            found |= _prefixes(clause.clauses)
        elif isinstance(clause, Not):
            found |= _prefixes([clause.clause])
    return found


def build(parsed: ParsedQuery, vocab: Vocabulary) -> BuiltQuery:
    builder = _Builder(vocab)
    builder.prefix_words = MAX_PREFIX_WORDS // max(1, min(len(_prefixes(parsed.clauses)), MAX_PREFIXES))
    many = is_long(c.text for c in parsed.clauses if isinstance(c, Text))
    positives: list[wq.Query] = []
    negatives: list[wq.Query] = []
    for clause in parsed.clauses:
        (negatives if isinstance(clause, Not) else positives).extend(builder.clause(clause, many))
    if not positives:
        everything: wq.Query = wq.And([wq.Every(), *negatives]) if negatives else wq.NullQuery
        return BuiltQuery(everything, everything, False, units=builder.units, highlight=builder.highlight,
                          names=builder.names, prefixes=builder.prefixes, notes=builder.notes)
    strict = not many and len(positives) > 1
    loose = wq.Or(positives) if len(positives) > 1 else positives[0]
    core = wq.And(positives) if strict else loose
    tier = None
    typed = "".join(s for u in builder.units for s in u.names[0])
    # The tiers stand for "every word" of free text: with a phrase, a prefix or an OR among the
    # clauses their count of words can equal the clauses' by chance ("giá dầu" Mỹ OR Nga).
    words_only = all(isinstance(c, Text) for c in parsed.clauses if not isinstance(c, Not))
    accented = None
    if words_only and not many and len(builder.exact) == len(positives) and has_diacritics(typed):
        # Articles holding every word with the accents as typed come first, as a tier:
        # folding finds the rest (dương for đường) but never outranks them.
        tier = wq.ConstantScoreQuery(wq.And(builder.exact), score=EXACT_TIER)
        accented = wq.And(builder.exact) if len(builder.exact) > 1 else builder.exact[0]

    whole = None
    if words_only and not many and len(builder.whole) == len(positives) and any(len(u.names[0]) > 1 for u in builder.units):
        # Only where some word has several syllables: else the tier is the exact tier again.
        # Optional (AndMaybe), so its phrases are checked on the rescoring candidates only.
        whole = wq.ConstantScoreQuery(wq.And(builder.whole), score=WHOLE_TIER)

    def ranked(base: wq.Query, tier: wq.Query | None, whole: wq.Query | None = None) -> wq.Query:
        q = base if tier is None else wq.Or([tier, base])
        if builder.bonus:
            q = wq.AndMaybe(q, wq.Or(builder.bonus, boost=BONUS_WEIGHT))
        if whole is not None:
            q = wq.AndMaybe(q, whole)
        return wq.And([q, *negatives]) if negatives else q

    def matching(base: wq.Query) -> wq.Query:
        return wq.And([base, *negatives]) if negatives else base

    return BuiltQuery(
        query=ranked(accented if accented is not None else core, tier, whole),
        matching=matching(accented if accented is not None else core),
        widened_query=ranked(core, tier, whole) if accented is not None else None,
        widened_matching=matching(core) if accented is not None else None,
        strict=strict,
        relaxed_query=ranked(loose, None) if strict else None,
        relaxed_matching=matching(loose) if strict else None,
        units=builder.units,
        highlight=builder.highlight,
        names=builder.names,
        prefixes=builder.prefixes,
        texts=builder.texts,
        notes=builder.notes,
    )
