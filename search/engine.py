"""The engine's small typed API: what the CLI and the web app both call."""
from __future__ import annotations

import json
import logging
import pickle
import threading
import traceback
import warnings
from collections import Counter
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from whoosh import classify
from whoosh import query as wq
from whoosh import sorting
from whoosh.index import EmptyIndexError
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from search import evaluate
from search import facets as facet_mod
from search import rescore
from search.analysis import fold, folded_view, has_diacritics, normalize_query
from search.analysis.names import names_version
from search.analysis.normalize import SYLLABLE
from search.analysis.segmenter import warm_up
from search.docarrays import DocArrays
from search.highlight import mark_all, sequence_pattern, snippet
from search.index_store import open_index, term_text
from search.metadata import country_name
from search.models import (
    ArticleView,
    Completion,
    Country,
    FacetValue,
    Hit,
    Official,
    SearchRequest,
    SearchResult,
)
from search.query import suggest
from search.query.builder import FEW_EXACT, BuiltQuery, build
from search.query.parser import ParsedQuery, Text, parse
from search.query.vocabulary import StatisticsReader, Vocabulary
from search.schema import NAMES_FIELD_OF, indexed_body

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000
TITLE_COMPLETIONS = 3
MIN_COMPOUND_DF = 2  # articles a multi-syllable word must be in to be offered as a completion...
LARGE_INDEX = 1000  # ...in an index of this many articles or more
COMPLETION_TITLES = 50  # headlines read for the words that follow what was typed


def _meta(stored: dict[str, Any]) -> tuple[tuple[Country, ...], tuple[Official, ...]]:
    meta = json.loads(stored.get("meta") or "{}")
    countries = tuple(Country(c["code"], c["name"]) for c in meta.get("countries", []))
    officials = tuple(
        Official(o["name"], tuple(o.get("aliases", ())), o.get("role"), o.get("country"))
        for o in meta.get("officials", [])
    )
    return countries, officials


class _Page(NamedTuple):
    """One run of a query: the result, and how to read the texts of its best-scored articles
    (the first pass's RESCORE_DEPTH best, whatever page or order is shown), which did-you-mean
    reads for context: read only when asked, as most queries do not need them."""

    result: SearchResult
    context: Callable[[], list[str]]


def _stored(searcher: Searcher, stored: dict[int, dict[str, Any]], doc: int) -> dict[str, Any]:
    """A document's stored fields, read once per search into `stored`."""
    if doc not in stored:
        stored[doc] = searcher.stored_fields(doc)
    return stored[doc]


def _body(stored: dict[str, Any]) -> str:
    """The text the body fields indexed: the summary, if the body does not hold it, then the body
    (kept in the stored fields read for this search: rescoring, snippets and context all ask)."""
    if "\0body" not in stored:
        stored["\0body"] = indexed_body(stored.get("summary"), stored.get("body", ""))
    return stored["\0body"]


def _texts(stored: list[dict[str, Any]]) -> list[str]:
    return [text for fields in stored for text in (fields["title"], _body(fields))]


class Engine:
    """An open index with a searcher kept current: a new generation is picked up on the next call."""

    def __init__(self, index_dir: Path, arrays: bool = True) -> None:
        """`arrays=False` ranks and counts with Whoosh's matchers only (slower; for comparison)."""
        self.index_dir = index_dir
        self.use_arrays = arrays
        self.ix = open_index(index_dir)
        self._lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._generation: tuple[int, float] = (-1, 0.0)
        self._unreadable: tuple[int, float] | None = None  # a generation that failed to open
        self._vocab: Vocabulary | None = None
        self._vocab_generation: tuple[int, float] | None = None
        self._stats: tuple[tuple[int, float], dict[str, Any]] | None = None
        self._arrays: DocArrays | None = None
        self._live: int | None = None  # the served generation's article count, for live_count()

    # -- index generations -------------------------------------------------------------
    def searcher(self) -> Searcher:
        """A searcher on the latest generation, opened afresh when the index changed.

        Not Searcher.refresh(): whoosh3's refresh adds the old reader's segments to the new ones,
        so updated articles show twice. A rebuild restarts generation numbers, hence the mtime.
        """
        with self._lock:
            latest = None
            try:
                latest = (self.ix.latest_generation(), self.ix.last_modified())
                if self._searcher is None or (latest != self._generation and latest != self._unreadable):
                    old, self._searcher = self._searcher, self.ix.searcher(weighting=BM25F())
                    self._generation = latest
                    self._arrays = None
                    self._live = self._searcher.doc_count()
                    if old is not None:
                        old.close()
            except (OSError, EmptyIndexError):
                if self._searcher is None:
                    raise
                # a commit or a rebuild is swapping files right now: keep serving the generation
                # we have, and look again on the next call
            except (ImportError, AttributeError, pickle.UnpicklingError, TypeError) as e:
                if self._searcher is None or latest is None:
                    raise
                # a generation this code cannot read: written by newer code, whose schema (pickled
                # in the table of contents) names classes this one lacks or has as functions. Keep
                # serving the one we have, said once per generation; the next generation is tried.
                self._unreadable = latest
                log.warning("vnsearch: cannot read the index's new generation %s (%s: %s); still serving "
                            "generation %s", latest and latest[0], type(e).__name__, e, self._generation[0])
                with warnings.catch_warnings():  # Whoosh leaves the table of contents it failed to read open
                    warnings.simplefilter("ignore", ResourceWarning)
                    traceback.clear_frames(e.__traceback__)  # closes it now, not at some later collection
            return self._searcher

    def arrays(self) -> DocArrays:
        """The numpy columns of the searcher in use, loaded once per generation (never swaps it)."""
        with self._lock:
            searcher = self._searcher or self.searcher()
            if self._arrays is None or self._arrays.searcher is not searcher:
                self._arrays = DocArrays.load(searcher, self.index_dir)
            return self._arrays

    def vocabulary(self) -> Vocabulary:
        """The vocabulary of the searcher in use (never swaps it: a caller may hold it)."""
        with self._lock:
            searcher = self._searcher or self.searcher()
            if self._vocab is None or self._generation != self._vocab_generation:
                self._vocab = Vocabulary.load_or_build(searcher.reader(), self.index_dir)
                self._vocab_generation = self._generation
            return self._vocab

    def warm(self) -> None:
        """Load pyvi, the searcher and the vocabulary (with its corrector) now, not on the first request."""
        warm_up()
        self.vocabulary().corrector  # noqa: B018 -- builds it (the vocabulary's words, sorted once)
        self.arrays()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- searching ---------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        with self._lock:
            searcher = self.searcher()
            vocab = self.vocabulary()
            request = facet_mod.resolved(request, self.arrays())
            _, parsed, built = self._build(request.query)
            query, matching = (built.query, built.matching) if built else (wq.Every(), wq.Every())
            page = self._run(searcher, query, matching, request, built)
            if built and built.widened_query and built.widened_matching and page.result.total < FEW_EXACT:
                page = self._run(searcher, built.widened_query, built.widened_matching, request, built)
            if built and built.relaxed_query and built.relaxed_matching and page.result.total == 0:
                relaxed = self._run(searcher, built.relaxed_query, built.relaxed_matching, request, built)
                if relaxed.result.total:
                    page, relaxed.result.relaxed = relaxed, True
            result = page.result
            result.ignored = parsed.ignored + (built.notes if built else [])
            texts = [c for c in parsed.clauses if isinstance(c, Text)]
            if built and len(texts) == len(parsed.clauses):
                # a relaxed query found articles without some word: as good as finding none, for spelling
                found = 0 if result.relaxed else result.total
                result.suggestion = suggest.suggestion(
                    [c.text for c in texts], vocab, found, page.context, fields=[c.field for c in texts])
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _build(self, query: str) -> tuple[str, ParsedQuery, BuiltQuery | None]:
        """The normalised query text, what the lenient parser made of it, and its Whoosh query."""
        text = normalize_query(query[:MAX_QUERY_CHARS])
        parsed = parse(text)
        return text, parsed, build(parsed, self.vocabulary()) if parsed.clauses else None

    def _run(self, searcher: Searcher, query: wq.Query, matching: wq.Query, request: SearchRequest,
             built: BuiltQuery | None) -> _Page:
        if self.use_arrays:
            try:
                return self._run_arrays(searcher, query, request, built)
            except evaluate.Unsupported:
                pass
        return self._run_matchers(searcher, query, matching, request, built)

    def _run_arrays(self, searcher: Searcher, query: wq.Query, request: SearchRequest,
                    built: BuiltQuery | None) -> _Page:
        """The fast path: rank, filter, sort and count on numpy arrays (search/evaluate.py)."""
        arrays = self.arrays()
        filters = facet_mod.array_filters(arrays, request)
        need = request.page * request.per_page
        if built is None:
            ranked = evaluate.Scored(arrays.alive.copy(), np.zeros(arrays.size))
        else:
            ranked = evaluate.rank(arrays, searcher, query)
        matched = ranked.mask & arrays.alive
        selected = matched.copy()
        for mask in filters.values():
            selected &= mask
        total = int(selected.sum())
        scored = built is not None and request.sort not in ("newest", "oldest")
        plan = self._plan(built) if scored else None
        docs = self._ordered(arrays, selected, ranked.score, request.sort, scored, self._depth(need, plan))
        order, stored = self._rescored(searcher, [(int(d), float(ranked.score[d])) for d in docs], plan)
        shown = self._shown(searcher, order, stored, request)
        hits = [self._hit(fields, built, score if scored else None) for fields, score in shown]

        def context() -> list[str]:
            depth = rescore.RESCORE_DEPTH
            best = docs[:depth] if scored else evaluate.order_by_score(selected, ranked.score, depth)
            return _texts([_stored(searcher, stored, int(d)) for d in best])

        return _Page(SearchResult(request, total, hits, facet_mod.array_counts(arrays, matched, filters, request)), context)

    @staticmethod
    def _plan(built: BuiltQuery | None) -> rescore.Plan | None:
        """The rescoring phase's plan (the tiers it keeps are in the first pass's scores)."""
        return None if built is None else rescore.plan(built.texts)

    @staticmethod
    def _depth(need: int, plan: rescore.Plan | None) -> int:
        """How many first-pass results a page needs: the rescored ones at least."""
        return max(need, rescore.RESCORE_DEPTH) if plan is not None else need

    @staticmethod
    def _rescored(searcher: Searcher, order: list[tuple[int, float]], plan: rescore.Plan | None,
                  ) -> tuple[list[tuple[int, float]], dict[int, dict[str, Any]]]:
        """The first pass's (document, score) order with its head rescored (search/rescore.py),
        and the stored fields read for it (the page's hits reuse them)."""
        if plan is None:
            return order, {}
        head = order[: rescore.RESCORE_DEPTH]
        stored = {d: searcher.stored_fields(d) for d, _ in head}
        texts = [(stored[d]["title"], _body(stored[d])) for d, _ in head]
        return rescore.rescored([d for d, _ in head], [s for _, s in head], texts, plan) + order[len(head):], stored

    @staticmethod
    def _ordered(arrays: DocArrays, mask: np.ndarray, score: np.ndarray, sort: str, scored: bool, need: int) -> np.ndarray:
        """Dated articles first in both date orders, undated after; unscored browsing by id."""
        keyed = arrays.keyed
        if sort == "newest":
            return evaluate.order_by_keys(mask, [-keyed["dated"].codes, -keyed["date_key"].codes], need)
        if sort == "oldest":
            return evaluate.order_by_keys(mask, [-keyed["dated"].codes, keyed["date_key"].codes], need)
        if scored:
            return evaluate.order_by_score(mask, score, need)
        return evaluate.order_by_keys(mask, [keyed["id"].codes], need)

    def _run_matchers(self, searcher: Searcher, query: wq.Query, matching: wq.Query, request: SearchRequest,
                      built: BuiltQuery | None) -> _Page:
        """Whoosh's own matchers and facets, for queries the array path does not handle."""
        filters = facet_mod.filter_query(request)
        sortedby = _sort_facet(request.sort, scored=built is not None)
        scored = sortedby is None
        need = request.page * request.per_page
        plan = self._plan(built) if scored else None
        results = searcher.search(
            query,
            limit=self._depth(need, plan),
            filter=filters,
            sortedby=sortedby,
            groupedby=facet_mod.groupedby(list(facet_mod.FACET_NAMES)),
            terms=False,
        )
        base = {name: results.groups(name) for name in facet_mod.FACET_NAMES}
        order, stored = self._rescored(searcher, [(h.docnum, h.score) for h in results], plan)
        shown = self._shown(searcher, order, stored, request)
        hits = [self._hit(fields, built, score if scored else None) for fields, score in shown]
        facets = facet_mod.count_facets(searcher, matching, request, base)
        best = [h.docnum for h in results][: rescore.RESCORE_DEPTH] if scored else []  # sorted by date: none
        return _Page(SearchResult(request, len(results), hits, facets),
                     lambda: _texts([_stored(searcher, stored, d) for d in best]))

    @staticmethod
    def _shown(searcher: Searcher, order: list[tuple[int, float]], stored: dict[int, dict[str, Any]],
               request: SearchRequest) -> list[tuple[dict[str, Any], float]]:
        """The requested page of `order`: each article's stored fields and score. Fields read here
        join `stored`, so the did-you-mean context (mostly the same articles) reads them once."""
        start, end = (request.page - 1) * request.per_page, request.page * request.per_page
        return [(_stored(searcher, stored, d), score) for d, score in order[start:end]]

    def _hit(self, stored: dict[str, Any], built: BuiltQuery | None, score: float | None) -> Hit:
        countries, officials = _meta(stored)
        seqs, prefixes, names = (built.highlight, built.prefixes, built.names) if built else (set(), set(), set())
        return Hit(
            id=stored["id"],
            title=stored["title"],
            title_html=mark_all(stored["title"], seqs, prefixes, names),
            date=stored.get("date") or None,
            source=stored.get("source") or None,
            url=stored.get("url") or None,
            countries=countries,
            officials=officials,
            snippet=snippet(_body(stored), seqs, prefixes, names=names),
            score=round(score, 4) if score is not None else None,
        )

    def facet_values(self, name: str, request: SearchRequest, contains: str = "", limit: int = 20) -> list[FacetValue]:
        """Every value of one facet under the request's query and its other filters, not only the
        page's top MAX_VALUES, whose folded name contains `contains` ("maduro" finds "Nicolás
        Maduro"; "cu" Cuba), most articles first: what a filter box searches. The query is
        relaxed exactly when search relaxes it: when nothing matches it and every filter, and
        the relaxed query does."""
        with self._lock:
            searcher = self.searcher()
            arrays = self.arrays()
            request = facet_mod.resolved(request, arrays)
            _, _, built = self._build(request.query)
            filters = facet_mod.array_filters(arrays, request)
            everything = np.logical_and.reduce([arrays.alive, *filters.values()])
            matched = self._matched(arrays, searcher, built, "query")
            if built is not None and built.widened_query is not None and (matched & everything).sum() < FEW_EXACT:
                matched = self._matched(arrays, searcher, built, "widened")  # as search widens it
            if built is not None and built.relaxed_query is not None and not (matched & everything).any():
                relaxed = self._matched(arrays, searcher, built, "relaxed")
                if (relaxed & everything).any():  # as search: relaxed only where that finds something
                    matched = relaxed
            mask = matched.copy()
            for other, filter_mask in filters.items():
                if other != name:
                    mask &= filter_mask
            return facet_mod.matching_values(name, arrays, mask, contains, limit, facet_mod.selections(request).get(name, ()))

    def _matched(self, arrays: DocArrays, searcher: Searcher, built: BuiltQuery | None, which: str) -> np.ndarray:
        """The articles a search's facets count: its query's, its widened or its relaxed query's."""
        if built is None:
            return arrays.alive.copy()
        query, matching = {"query": (built.query, built.matching), "widened": (built.widened_query, built.widened_matching),
                           "relaxed": (built.relaxed_query, built.relaxed_matching)}[which]
        try:
            return evaluate.rank(arrays, searcher, query).mask & arrays.alive
        except evaluate.Unsupported:  # what only Whoosh's matchers run: read their documents
            mask = np.zeros(arrays.size, dtype=bool)
            mask[list(searcher.docs_for_query(matching))] = True
            return mask & arrays.alive

    # -- single articles and statistics ------------------------------------------------
    def article(self, article_id: str) -> ArticleView | None:
        with self._lock:
            stored = self.searcher().document(id=article_id)
        if stored is None:
            return None
        countries, officials = _meta(stored)
        return ArticleView(
            id=stored["id"],
            title=stored["title"],
            body=stored.get("body", ""),
            date=stored.get("date") or None,
            source=stored.get("source") or None,
            url=stored.get("url") or None,
            summary=stored.get("summary") or None,
            countries=countries,
            officials=officials,
        )

    def highlight_text(self, text: str, query: str) -> str:
        """The whole text, escaped, with what `query` matches marked (the article page)."""
        built = self._build(query)[2]
        return mark_all(text, built.highlight, built.prefixes, built.names) if built else mark_all(text, set())

    def more_like_this(self, article_id: str, count: int = 5) -> list[Hit]:
        """Related articles: Whoosh's more-like-this (its 20 key terms of the body, OR-ed),
        ranked on the arrays like a search."""
        with self._lock:
            searcher = self.searcher()
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                return []
            if not self.use_arrays:
                results = searcher.more_like(docnum, "body", top=count, numterms=20)
                return [self._hit(h.fields(), None, h.score) for h in results]
            # searcher.key_terms([docnum], "body", numterms=20, normalize=False), as more_like does,
            # with the term statistics from the vocabulary
            expander = classify.Expander(StatisticsReader(searcher.reader(), self.vocabulary()), "body")
            expander.add_document(docnum)
            terms = expander.expanded_terms(20, normalize=False)
            query = wq.Or([wq.Term("body", word, boost=weight) for word, weight in terms])
            return [self._hit(searcher.stored_fields(d), None, score)
                    for d, score in self._best(searcher, query, count, without=docnum)]

    def _best(self, searcher: Searcher, query: wq.Query, count: int, without: int | None = None) -> list[tuple[int, float]]:
        """The `count` best (document, score) for `query` on the arrays (raises Unsupported)."""
        arrays = self.arrays()
        ranked = evaluate.rank(arrays, searcher, query)
        candidates = ranked.mask & arrays.alive
        if without is not None:
            candidates[without] = False
        return [(int(d), float(ranked.score[d])) for d in evaluate.order_by_score(candidates, ranked.score, count)]

    def complete(self, prefix: str, limit: int = 8) -> list[Completion]:
        """Completions for a search box: countries and officials by name, then index words, then titles."""
        text = normalize_query(prefix).lower()
        if not text:
            return []
        key = fold(text)
        stats = self.stats()["facets"]
        out: list[Completion] = []
        for code in stats.get("country", {}):
            label = country_name(code)
            if fold(label).lower().startswith(key):
                out.append(Completion(label, "country"))
        for name in stats.get("official", {}):
            if any(fold(part).lower().startswith(key) for part in [name, *name.split()[1:]]):
                out.append(Completion(name, "official"))
        out += self._complete_terms(text, limit)
        out += self._complete_titles(text, TITLE_COMPLETIONS)
        unique = list(reversed({c.text.lower(): c for c in reversed(out)}.values()))  # first occurrence wins
        return sorted(unique, key=lambda c: _completion_rank(c.text, text))[:limit]

    def _complete_titles(self, text: str, count: int) -> list[Completion]:
        """Headlines whose words start with what was typed, folded ("dam ph" finds "Đàm phán...")."""
        sylls = [fold(s) for s in text.split()]
        if len(sylls) == 1 and len(sylls[0]) < 2:
            return []  # one letter: thousands of words start with it (2 s on 35,439 articles), no headline is meant yet
        parts: list[wq.Query] = [wq.Term("title_syl", s) for s in sylls[:-1]]
        parts.append(wq.Prefix("title_syl", sylls[-1]))
        query = wq.And(parts)
        with self._lock:
            searcher = self.searcher()
            if self.use_arrays:
                try:
                    best = self._best(searcher, query, count)
                    return [Completion(searcher.stored_fields(d)["title"], "title") for d, _ in best]
                except evaluate.Unsupported:  # a one-letter prefix: thousands of words
                    pass
            return [Completion(hit["title"], "title") for hit in searcher.search(query, limit=count)]

    def _complete_terms(self, text: str, limit: int) -> list[Completion]:
        words = text.split()
        head, last = words[:-1], words[-1]
        stem = "_".join(words) if len(words) > 1 else last
        vocab = self.vocabulary()
        with self._lock:  # a reader is closed when the next generation arrives: use it under the lock
            reader = self.searcher().reader()
            terms = _expand(reader, stem)
        # folded terms ("dam_phan") stand for their most used accented form ("đàm_phán"); a
        # compound one article holds is as often pyvi's slip ("putin_dài") as a word
        shown = dict.fromkeys(vocab.best_accented.get(t, t) if fold(t) == t else t for t in terms)
        least = MIN_COMPOUND_DF if vocab.doc_count >= LARGE_INDEX else 1  # a small archive's words are all rare
        # the word being typed, not a phrase pyvi made of it and the next ("hoà b": "hòa bình
        # ký", "hòa bình trương"), and not a less accented spelling of one shown ("hòa binh")
        most = max(len(words), 2)
        ranked = _without_bare_spellings(sorted(
            (t for t in shown if ("_" not in t or vocab.df(t) >= least) and t.count("_") < most), key=lambda t: -vocab.df(t)))
        if not ranked and head:
            return self._complete_after(head, last, limit)
        return [Completion(t.replace("_", " "), "term") for t in ranked[:limit]]

    def _complete_after(self, head: list[str], last: str, limit: int) -> list[Completion]:
        """"putin d": no index word starts so, so the words that follow "putin" in headlines and
        start with "d", as the headlines write them (any common word starting with "d" after
        "putin" made "putin dài", "hà nội tại")."""
        pattern = sequence_pattern(frozenset({tuple(fold(w) for w in head)}))
        if pattern is None:
            return []
        wanted = fold(last)
        seen: Counter[str] = Counter()
        for completion in self._complete_titles(" ".join([*head, last]), COMPLETION_TITLES):
            title = completion.text
            for match in pattern.finditer(folded_view(title)):
                after = SYLLABLE.search(title, match.end())
                if after and fold(after.group().lower()).startswith(wanted) and not title[match.end():after.start()].strip(" "):
                    seen[title[match.start():after.end()].lower()] += 1
        return [Completion(text, "term") for text, _ in seen.most_common(limit)]

    def doc_count(self) -> int:
        with self._lock:
            return self.searcher().doc_count()

    def live_count(self) -> int:
        """The article count, without waiting for a search that holds the engine (a health check
        waited behind a burst of slow queries: 4.9 s): the latest generation's when the engine is
        free, else the one being served."""
        if self._lock.acquire(blocking=False):
            try:
                return self.searcher().doc_count()
            finally:
                self._lock.release()
        return self._live if self._live is not None else self.doc_count()

    def outdated_articles(self) -> int:
        """Live articles without the current name marks (indexed by older code or with other alias
        data): their name searches read positions, right but several times slower, until the
        next `vnsearch index` marks them. A server says so at start."""
        arrays = self.arrays()
        marked = arrays.postings(NAMES_FIELD_OF["body_syl"], names_version()).docs
        return int(arrays.alive.sum() - arrays.alive[marked].sum())

    def stats(self) -> dict[str, Any]:
        """Article count and facet value counts of the whole index, computed once per generation."""
        with self._lock:
            self.searcher()
            if self._stats is None or self._stats[0] != self._generation:
                result = self.search(SearchRequest(per_page=1))
                facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
                self._stats = (self._generation, {"articles": self.doc_count(), "outdated_articles": self.outdated_articles(),
                                                  "facets": facets})
            return self._stats[1]


def _without_bare_spellings(terms: list[str]) -> list[str]:
    """`terms` without one that is an earlier one with some accents left out ("hòa_binh" after
    "hòa_bình"); other words of the same folded form stay ("dương" and "đường")."""
    kept: list[str] = []
    for term in terms:
        syllables = term.split("_")
        if not any(len(other) == len(syllables) and all(a == b or a == fold(a) == fold(b) for a, b in zip(syllables, other))
                   for other in (k.split("_") for k in kept)):
            kept.append(term)
    return kept


def _expand(reader: Any, prefix: str) -> list[str]:
    """Words of the body field starting with `prefix` (Whoosh yields bytes or str by version)."""
    return [term_text(t) for t in reader.expand_prefix("body", prefix)]


def _sort_facet(sort: str, scored: bool) -> sorting.FacetType | None:
    """Dated articles first in both date orders; undated ones after them."""
    if sort == "newest":
        return sorting.MultiFacet([sorting.FieldFacet("dated", reverse=True), sorting.FieldFacet("date_key", reverse=True)])
    if sort == "oldest":
        return sorting.MultiFacet([sorting.FieldFacet("dated", reverse=True), sorting.FieldFacet("date_key")])
    return None if scored else sorting.FieldFacet("id")


def _completion_rank(completion: str, typed: str) -> bool:
    """With accents typed, completions that keep them (at their start or a later word's) come
    before those that only match folded: "thủ" puts "thủ tướng" before "Thụy Sĩ". Otherwise the
    kinds' order stands (a stable sort): countries and officials, then words, then headlines."""
    if not has_diacritics(typed):
        return False
    words = normalize_query(completion).lower().split()
    return not any(" ".join(words[i:]).startswith(typed) for i in range(len(words)))
