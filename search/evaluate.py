"""Ranking a built Whoosh query over whole posting lists with numpy, instead of matcher by matcher.

The scores are Whoosh's own BM25F (same idf, field lengths, weights and boosts; Or and And add
their children's scores, AndMaybe adds the optional side where it matches, a phrase scores as
its words; Whoosh's quirks kept, such as a one-child And ignoring its boost), so ranking is
unchanged while a common word no longer costs a Python step per article. Query types not handled here raise Unsupported, and the engine runs Whoosh's matchers.

One approximation, for speed: a phrase that only adds to the score (the adjacency bonus of a
multi-syllable word, inside AndMaybe) is checked against positions only for the best
RERANK_CANDIDATES articles of a first pass without it, as search engines do in a rescoring
phase. A phrase the user asked for (in quotes) is always checked on every article.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from search.docarrays import DocArrays
from search.index_store import term_text
from search.schema import FIELD_OF_SYLLABLES

WORD_FIELD_OF = {syllables: words for words, syllables in FIELD_OF_SYLLABLES.items()}

RERANK_CANDIDATES = 300
MAX_PREFIX_TERMS = 1000  # wider prefixes ("a*") go through Whoosh's own matchers


class Unsupported(Exception):
    """A query type the evaluator does not handle; the caller falls back to Whoosh's matchers."""


@dataclass
class Scored:
    mask: np.ndarray  # bool per document: matches
    score: np.ndarray  # float64 per document, 0 where it does not match


def rank(arrays: DocArrays, searcher: Searcher, query: wq.Query) -> Scored:
    """Every matching document with its score, remembered for this generation: the next page,
    another sort or a facet click on the same query skips ranking (queries compare by value).

    The scoring-only phrases are checked on the same RERANK_CANDIDATES whatever page is asked
    (the page's depth does not widen them): a deep page (`per_page=100&page=4`) once checked more
    articles, lifted some of them into the whole-word tier, and changed page 1 for everyone
    after it (the ranking is cached), and the pages past the candidates shifted with the depth."""
    found = arrays.ranked.get(query)
    if found is not None:
        return found
    result = _rank(arrays, searcher, query, RERANK_CANDIDATES)
    arrays.ranked.put(query, result)
    return result


def _rank(arrays: DocArrays, searcher: Searcher, query: wq.Query, depth: int) -> Scored:
    """Scoring-only phrases are checked on the `depth` best documents of a first pass."""
    first = _Evaluator(arrays, searcher, rerank=None)
    result = first.run(query, optional=False)
    if not first.skipped_phrases:
        return result
    candidates = top_mask(result.mask & arrays.alive, result.score, depth)
    second = _Evaluator(arrays, searcher, rerank=candidates).run(query, optional=False)
    return Scored(result.mask, np.where(candidates, second.score, result.score))


def top_mask(mask: np.ndarray, score: np.ndarray, count: int) -> np.ndarray:
    """The `count` best-scored documents of `mask` (ties with the last one included)."""
    docs = np.flatnonzero(mask)
    if len(docs) > count:
        threshold = np.partition(score[docs], len(docs) - count)[len(docs) - count]
        docs = docs[score[docs] >= threshold]
    out = np.zeros(len(mask), dtype=bool)
    out[docs] = True
    return out


def order_by_score(mask: np.ndarray, score: np.ndarray, count: int) -> np.ndarray:
    """The first `count` documents of `mask` by score, ties by document number (as Whoosh)."""
    docs = np.flatnonzero(top_mask(mask, score, count))
    return docs[np.lexsort((docs, -score[docs]))][:count]


def order_by_keys(mask: np.ndarray, keys: list[np.ndarray], count: int) -> np.ndarray:
    """The first `count` documents of `mask` sorted by `keys` (first key first), ties by number."""
    docs = np.flatnonzero(mask)
    columns = [docs, *(k[docs] for k in reversed(keys))]  # lexsort sorts by its last key first
    return docs[np.lexsort(columns)][:count]


class _Evaluator:
    def __init__(self, arrays: DocArrays, searcher: Searcher, rerank: np.ndarray | None) -> None:
        self.arrays = arrays
        self.searcher = searcher
        self.rerank = rerank  # where scoring-only phrases are checked; None: skip them (first pass)
        self.skipped_phrases = False
        weighting = searcher.weighting
        self.k1 = weighting.K1
        self.b_of = lambda field: weighting._field_B.get(field, weighting.B)

    def run(self, q: wq.Query, optional: bool) -> Scored:
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self._empty()
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.Phrase):
            return self._phrase(q, optional)
        if isinstance(q, wq.Prefix):
            return self._prefix(q)
        if isinstance(q, wq.Every):
            return Scored(self.arrays.alive.copy(), self.arrays.alive * q.boost)
        if isinstance(q, wq.Not):  # Whoosh's InverseMatcher: weight 1 wherever the child is absent
            mask = self.arrays.alive & ~self.run(q.query, optional).mask
            return Scored(mask, mask * 1.0)
        if isinstance(q, wq.AndMaybe):
            required, extra = self.run(q.a, optional), self.run(q.b, True)
            return Scored(required.mask, (required.score + extra.score) * required.mask)
        if isinstance(q, wq.ConstantScoreQuery):  # a tier: the same score wherever the child matches
            mask = self.run(q.child, optional).mask
            return Scored(mask, mask * q.score)
        if isinstance(q, wq.Require):  # the first's matches that the second holds, scored by the first
            scored, needed = self.run(q.a, optional), self.run(q.b, optional)
            mask = scored.mask & needed.mask
            return Scored(mask, scored.score * mask)
        if isinstance(q, wq.AndNot):
            positive, negative = self.run(q.a, optional), self.run(q.b, optional)
            mask = positive.mask & ~negative.mask
            return Scored(mask, positive.score * mask)
        if type(q) in (wq.Or, wq.And):
            parts = [self.run(sub, optional) for sub in q.subqueries]
            if not parts:
                return self._empty()
            if len(parts) == 1:  # as Whoosh's CompoundQuery.matcher: the only child, its boost unused
                return parts[0]
            combine = np.logical_or if isinstance(q, wq.Or) else np.logical_and
            mask = combine.reduce([p.mask for p in parts])
            return Scored(mask, np.sum([p.score for p in parts], axis=0) * mask * q.boost)
        raise Unsupported(type(q).__name__)

    def _empty(self) -> Scored:
        return Scored(np.zeros(self.arrays.size, dtype=bool), np.zeros(self.arrays.size))

    def _term(self, field: str, text: str, boost: float) -> Scored:
        postings = self.arrays.postings(field, text)
        out = self._empty()
        if not len(postings.docs):
            return out
        out.mask[postings.docs] = True
        out.score[postings.docs] = self._bm25(field, text, postings.docs, postings.weights) * boost
        return out

    def _bm25(self, field: str, text: str, docs: np.ndarray, weights: np.ndarray) -> np.ndarray:
        lengths = self.arrays.lengths.get(field)
        if lengths is None:  # an unscored field (Whoosh's WeightScorer)
            return weights
        idf = self.searcher.idf(field, text)
        avg = self.searcher.avg_field_length(field) or 1
        b = self.b_of(field)
        return idf * (weights * (self.k1 + 1)) / (weights + self.k1 * ((1 - b) + b * lengths[docs] / avg))

    def _phrase(self, q: wq.Phrase, optional: bool) -> Scored:
        words = tuple(q.words)
        terms = [self._term(q.fieldname, w, 1.0) for w in words]
        candidates = np.logical_and.reduce([t.mask for t in terms]) & self.arrays.alive
        if optional:  # a bonus: checked on the best candidates of the first pass only
            if self.rerank is None:
                self.skipped_phrases = True
                return self._empty()
            candidates &= self.rerank
        checked, found = self.arrays.phrase_checks(q.fieldname, words)
        unchecked = candidates & ~checked
        if unchecked.any():
            found |= self._verified(q.fieldname, words, unchecked)
            checked |= unchecked
        mask = found & candidates
        return Scored(mask, np.sum([t.score for t in terms], axis=0) * mask * q.boost)

    def _verified(self, field: str, words: tuple[str, ...], candidates: np.ndarray) -> np.ndarray:
        # Where pyvi made the phrase one word of the same text ("việt_nam" in body for "việt nam" in
        # body_syl), its syllables are in a row by construction: only the rest need positions.
        word_field = WORD_FIELD_OF.get(field)
        if not word_field or len(words) < 2:
            return self._in_a_row(field, words, np.flatnonzero(candidates))
        as_word = self._term(word_field, "_".join(words), 1.0).mask & candidates
        return as_word | self._in_a_row(field, words, np.flatnonzero(candidates & ~as_word))

    def _in_a_row(self, field: str, words: tuple[str, ...], docs: np.ndarray) -> np.ndarray:
        """Documents of `docs` where `words` occur at consecutive positions (Whoosh's slop 1)."""
        mask = np.zeros(self.arrays.size, dtype=bool)
        if not len(docs):
            return mask
        by_word = {w: dict(self.arrays.positions(field, w, docs)) for w in dict.fromkeys(words)}
        first = by_word[words[0]]
        for doc in docs.tolist():
            starts = first.get(doc, ())
            rest = [(i, by_word[w].get(doc, set())) for i, w in enumerate(words) if i]
            if any(all(start + i in positions for i, positions in rest) for start in starts):
                mask[doc] = True
        return mask

    def _prefix(self, q: wq.Prefix) -> Scored:
        terms = list(q._btexts(self.searcher.reader()))
        if len(terms) > MAX_PREFIX_TERMS:
            raise Unsupported(f"prefix {q.text!r} expands to {len(terms)} terms")
        words = [term_text(t) for t in terms]
        if len(words) == 1:
            return self._term(q.fieldname, words[0], q.boost)
        out = self._empty()
        for word in words:
            out.mask[self.arrays.postings(q.fieldname, word).docs] = True
        # A constant, as Whoosh scores a prefix on one segment; its own score for one varies with
        # the segment layout (a segment where the prefix is one word scores it by BM25).
        out.score[out.mask] = q.boost
        return out
