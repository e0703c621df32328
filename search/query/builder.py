"""From a parsed query to a Whoosh query, using the index's own vocabulary and the alias data.

Per word the query asks, in one disjunction: the word itself in the word fields (exact accents
score highest because exact documents also hold the folded form), its folded form at a lower
weight, the syllables as a phrase in the syllable fields (independent of segmentation), and for
short queries the syllables scattered anywhere in the document at a low weight.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from search.analysis import fold, has_diacritics
from search.analysis.segmenter import segment
from search.query.aliases import MAX_NAME_SYLLABLES, alias_group
from search.query.parser import AnyOf, Clause, Not, ParsedQuery, Phrase, Prefix, Text
from search.query.stopwords import STOPWORDS
from search.query.vocabulary import Vocabulary
from search.schema import FIELD_OF_SYLLABLES, WORD_FIELDS

SHORT_QUERY_UNITS = 4  # up to this many words, every word must match
FOLDED_WEIGHT = 0.35  # an accented query word matched only through folding
RESTORED_WEIGHT = 0.5  # an unaccented word's most common accented form: a hint, not a filter
SCATTERED_WEIGHT = 0.2  # a multi-syllable word whose syllables only occur apart


@dataclass(frozen=True)
class Reach:
    """How far beyond the exact word a query word reaches. Long queries (a pasted paragraph)
    stay on whole words: they have signal enough, and phrase matching per word would be slow."""

    syllables: bool  # the word's syllables as a phrase, independent of segmentation
    scattered: bool  # the syllables anywhere in the document, at a low weight


@dataclass(frozen=True)
class Unit:
    """One thing the user asked for: a word, or an entity known by several names."""

    names: tuple[tuple[str, ...], ...]  # each name as lowercase syllables; aliases are extra names


@dataclass
class BuiltQuery:
    query: wq.Query
    strict: bool  # every unit required (short query); the caller may relax it when nothing matches
    units: list[Unit] = field(default_factory=list)
    highlight: set[tuple[str, ...]] = field(default_factory=set)  # folded syllable sequences to mark
    prefixes: set[str] = field(default_factory=set)  # folded prefixes to mark

    def relaxed(self) -> wq.Query:
        return _relax(self.query)


def _relax(q: wq.Query) -> wq.Query:
    if isinstance(q, wq.And):
        positives = [s for s in q.subqueries if not isinstance(s, wq.Not)]
        negatives = [s for s in q.subqueries if isinstance(s, wq.Not)]
        if len(positives) > 1:
            return wq.And([wq.Or(positives), *negatives]) if negatives else wq.Or(positives)
    return q


def _lower_syllables(text: str) -> list[str]:
    return [s.lower() for s in text.split()]


def _units_for_text(text: str, vocab: Vocabulary) -> list[Unit]:
    """Words first, then runs of words that name an entity with aliases become one unit.

    Aliases are looked up on whole words, so "mỹ phẩm" (one word) never reads as Mỹ.
    """
    words = _segment_words(text, vocab)
    units: list[Unit] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_NAME_SYLLABLES, len(words) - i), 0, -1):
            asked = tuple(s for w in words[i : i + size] for s in w.names[0])
            group = alias_group(asked) if len(asked) <= MAX_NAME_SYLLABLES else None
            if group:
                names = {asked} | {tuple(_lower_syllables(n.replace("-", " "))) for n in group}
                units.append(Unit(tuple(sorted(names, key=lambda n: n != asked))))
                i += size
                break
        else:
            units.append(words[i])
            i += 1
    return units


def _segment_words(text: str, vocab: Vocabulary) -> list[Unit]:
    if not text.strip():
        return []
    words: list[list[str]] = []
    loose: list[str] = []
    for seg in segment(text):
        sylls = [s for s in _lower_syllables(seg.text.replace("_", " ")) if any(c.isalnum() for c in s)]
        sylls = ["".join(c for c in s if c.isalnum()) for s in sylls]
        if len(sylls) > 1 and vocab.knows("_".join(sylls)):
            words += [w.split("_") for w in vocab.max_match(loose)]
            loose = []
            words.append(sylls)
        else:
            loose += sylls
    words += [w.split("_") for w in vocab.max_match(loose)]
    return [Unit(((*w,),)) for w in words if w]


def _word_clauses(sylls: tuple[str, ...], fields: tuple[str, ...], vocab: Vocabulary, reach: Reach) -> list[wq.Query]:
    word = "_".join(sylls)
    folded = fold(word)
    clauses: list[wq.Query] = []
    for f in fields:
        clauses.append(wq.Term(f, word))
        if folded != word:
            clauses.append(wq.Term(f, folded, boost=FOLDED_WEIGHT))
        elif (restored := vocab.restore(word)) is not None:
            clauses.append(wq.Term(f, restored, boost=RESTORED_WEIGHT))
        if not reach.syllables:
            continue
        syl_field = FIELD_OF_SYLLABLES[f]
        if len(sylls) == 1:
            clauses.append(wq.Term(syl_field, word))
        else:
            clauses.append(wq.Phrase(syl_field, list(sylls)))
            if folded != word:
                clauses.append(wq.Phrase(syl_field, folded.split("_"), boost=FOLDED_WEIGHT))
            if reach.scattered:
                clauses.append(wq.And([wq.Term(syl_field, s) for s in sylls], boost=SCATTERED_WEIGHT))
    return clauses


def _unit_query(unit: Unit, fields: tuple[str, ...], vocab: Vocabulary, reach: Reach) -> wq.Query:
    clauses: list[wq.Query] = []
    for name in unit.names:
        if len(unit.names) > 1 and len(name) > 1:  # an alias name: match it as a phrase of syllables
            for f in fields:
                syl_field = FIELD_OF_SYLLABLES[f]
                clauses.append(wq.Phrase(syl_field, list(name)))
                if has_diacritics("".join(name)):
                    clauses.append(wq.Phrase(syl_field, [fold(s) for s in name], boost=FOLDED_WEIGHT))
        else:
            clauses += _word_clauses(name, fields, vocab, reach)
    return wq.Or(clauses)


def _is_function_word(unit: Unit) -> bool:
    return len(unit.names) == 1 and "_".join(unit.names[0]) in STOPWORDS


def _fields(fieldname: str | None) -> tuple[str, ...]:
    return (fieldname,) if fieldname else WORD_FIELDS


class _Builder:
    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.units: list[Unit] = []
        self.highlight: set[tuple[str, ...]] = set()
        self.prefixes: set[str] = set()

    def mark(self, unit: Unit) -> None:
        for name in unit.names:
            self.highlight.add(tuple(fold(s) for s in name))

    def text(self, clause: Text, many: bool) -> list[wq.Query]:
        units = _units_for_text(clause.text, self.vocab)
        content = [u for u in units if not _is_function_word(u)]
        if content:
            units = content
        short = len(units) <= SHORT_QUERY_UNITS and not many
        reach = Reach(syllables=not many, scattered=short)
        for u in units:
            self.mark(u)
        self.units += units
        return [_unit_query(u, _fields(clause.field), self.vocab, reach) for u in units]

    def phrase(self, clause: Phrase) -> wq.Query | None:
        sylls = [s for s in _lower_syllables(" ".join(w.text for w in segment(clause.text)))]
        sylls = ["".join(c for c in s if c.isalnum()) for s in sylls]
        sylls = [s for s in sylls if s]
        if not sylls:
            return None
        self.highlight.add(tuple(fold(s) for s in sylls))
        self.units.append(Unit((tuple(sylls),)))
        if not has_diacritics("".join(sylls)):
            sylls = [fold(s) for s in sylls]
        queries = [
            wq.Phrase(FIELD_OF_SYLLABLES[f], sylls) if len(sylls) > 1 else wq.Term(FIELD_OF_SYLLABLES[f], sylls[0])
            for f in _fields(clause.field)
        ]
        return wq.Or(queries)

    def prefix(self, clause: Prefix) -> wq.Query:
        sylls = _lower_syllables(clause.text)
        stem = "_".join(sylls)
        self.prefixes.add(fold(stem))
        return wq.Or([wq.Prefix(f, stem) for f in _fields(clause.field)])

    def clause(self, clause: Clause, many: bool) -> list[wq.Query]:
        if isinstance(clause, Text):
            return self.text(clause, many)
        if isinstance(clause, Phrase):
            q = self.phrase(clause)
            return [q] if q else []
        if isinstance(clause, Prefix):
            return [self.prefix(clause)]
        if isinstance(clause, AnyOf):
            parts = [q for c in clause.clauses for q in self.clause(c, many)]
            return [wq.Or(parts)] if parts else []
            # A negated clause must not add highlight terms or units: build it with a throwaway builder.
        parts = _Builder(self.vocab).clause(clause.clause, many=True)
        return [wq.Not(wq.Or(parts))] if parts else []


def build(parsed: ParsedQuery, vocab: Vocabulary) -> BuiltQuery:
    builder = _Builder(vocab)
    word_count = sum(len(c.text.split()) for c in parsed.clauses if isinstance(c, Text))
    many = word_count > 2 * SHORT_QUERY_UNITS
    positives: list[wq.Query] = []
    negatives: list[wq.Query] = []
    for clause in parsed.clauses:
        (negatives if isinstance(clause, Not) else positives).extend(builder.clause(clause, many))
    strict = len(builder.units) <= SHORT_QUERY_UNITS and not many
    if not positives:
        query: wq.Query = wq.Every() if negatives else wq.NullQuery
        strict = False
    elif strict:
        query = wq.And(positives) if len(positives) > 1 else positives[0]
    else:  # long query: any word may match, BM25 ranks by how many rare words match
        query = wq.Or(positives)
    if negatives:
        query = wq.And([query, *negatives])
    return BuiltQuery(query, strict, builder.units, builder.highlight, builder.prefixes)
