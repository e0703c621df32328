"""The numpy ranking path (search/evaluate.py, search/docarrays.py) against Whoosh's own matchers.

Both run on the same real index; every query, filter, sort and page must give the same total,
the same hits with the same scores, and the same facet counts. On indexes smaller than
evaluate.RERANK_CANDIDATES articles the rescoring phase sees every candidate, so the two must
agree exactly.
"""
from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from search.docarrays import _read_columns
from search.engine import Engine
from search.indexer import index_paths
from search.models import SearchRequest, SearchResult
from tests.conftest import BAOMOI, CORPUS

QUERIES = [
    "",
    "đàm phán bí mật",
    "dam phan bi mat",
    "ĐIỆN KREMLIN",
    "Hoa Kỳ",
    "Mỹ",
    "Ukraine Nga",
    '"bí mật"',
    "title:Ukraine",
    "đàm*",
    "Nga -Ukraine",
    "Nga OR Mỹ",
    "ngoại trưởng Lavrov gặp người đồng cấp Mỹ tại Geneva để bàn về tình hình an ninh châu Âu",
    "thủ tướng",
    "giá vàng",
    "tai nan giao thong",
    '"Việt Nam"',
    "bóng đá Việt Nam",
    "xyzzy không có",
]


def _requests(query: str) -> Iterator[SearchRequest]:
    yield SearchRequest(query=query)
    yield SearchRequest(query=query, page=2, per_page=2)
    yield SearchRequest(query=query, sort="newest")
    yield SearchRequest(query=query, sort="oldest", per_page=3)
    yield SearchRequest(query=query, countries=("RU",))
    yield SearchRequest(query=query, countries=("RU", "US"), date_from="2022-01")
    yield SearchRequest(query=query, date_to="2017-02-05")


def _shape(result: SearchResult) -> tuple:
    hits = [(h.id, h.score, h.snippet) for h in result.hits]
    facets = {name: [(v.value, v.count, v.selected) for v in values] for name, values in result.facets.items()}
    return result.total, hits, facets, result.relaxed, result.suggestion


def _prefix_shape(result: SearchResult) -> tuple:
    """A prefix matches as a filter on the arrays (every match scores alike), while Whoosh's score
    for one depends on the segment layout (a segment where it expands to one word scores it by
    BM25, others by a constant): the same matches and counts, in any order."""
    total, hits, facets, relaxed, suggestion = _shape(result)
    return total, {h[0] for h in hits} if total <= result.request.per_page else len(hits), facets, relaxed, suggestion


def _assert_same(index_dir: Path, queries: list[str]) -> int:
    compared = 0
    with Engine(index_dir) as fast, Engine(index_dir, arrays=False) as whoosh:
        for query in queries:
            shape = _prefix_shape if "*" in query else _shape
            for request in _requests(query):
                assert shape(fast.search(request)) == shape(whoosh.search(request)), request
                compared += 1
    return compared


def _assert_same_related(index_dir: Path) -> None:
    with Engine(index_dir) as fast, Engine(index_dir, arrays=False) as whoosh:
        for hit in whoosh.search(SearchRequest(per_page=20)).hits:
            ours = [(h.id, h.score) for h in fast.more_like_this(hit.id)]
            assert ours == [(h.id, h.score) for h in whoosh.more_like_this(hit.id)], hit.id


def test_a_chosen_rare_value_keeps_its_count(baomoi_index: Path) -> None:
    """Only the top facet values are counted in full, but a chosen one is always among them."""
    with Engine(baomoi_index) as fast, Engine(baomoi_index, arrays=False) as whoosh:
        arrays = fast.arrays()
        officials = arrays.multi["official_list"]
        everything = officials.counts(arrays.alive)
        assert len(everything) > 10
        rare = min(everything, key=lambda v: (everything[v], v))
        top = officials.counts(arrays.alive, top=5, also={rare})
        fifth = sorted(everything.values(), reverse=True)[4]
        assert top == {v: c for v, c in everything.items() if c >= fifth or v == rare}
        for query in ("", "ông"):
            request = SearchRequest(query=query, officials=(rare,))
            assert _shape(fast.search(request)) == _shape(whoosh.search(request))
        shown = {v.value: v.count for v in fast.search(SearchRequest(officials=(rare,))).facets["official"]}
        assert shown[rare] == everything[rare]


def test_title_completions_as_whoosh(baomoi_index: Path) -> None:
    with Engine(baomoi_index) as fast, Engine(baomoi_index, arrays=False) as whoosh:
        for prefix in ("vi", "viet n", "thu tu", "Hà N", "giá v", "a", "u23 vi"):
            assert fast.complete(prefix) == whoosh.complete(prefix), prefix


def test_sample_archive_ranks_and_counts_as_whoosh(sample_index: Path) -> None:
    assert _assert_same(sample_index, QUERIES) == len(QUERIES) * 7
    _assert_same_related(sample_index)


def test_segments_with_deleted_articles_rank_as_whoosh(tmp_path: Path) -> None:
    """An update deletes the old copy in an earlier segment: offsets and deletions must line up."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [corpus])
    first = sorted(corpus.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nNga và Mỹ tiếp tục đàm phán.\n", encoding="utf-8")
    report = index_paths(index_dir, [corpus])
    assert report.updated == 1
    with Engine(index_dir) as engine:
        arrays = engine.arrays()
        assert len(arrays.leaves) == 2 and not arrays.alive.all()
    _assert_same(index_dir, QUERIES)


def test_columns_saved_at_indexing_are_the_index_own(tmp_path: Path) -> None:
    """The server starts from the columns saved beside the index, but only from columns saved
    for exactly its segments: another index's file (a rebuild reuses generation numbers) is
    ignored, and the columns are read from Whoosh instead."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index_paths(tmp_path / "a", [corpus])
    (corpus / sorted(p.name for p in corpus.iterdir())[0]).unlink()
    index_paths(tmp_path / "b", [corpus])
    saved_a, saved_b = [next((tmp_path / n).glob("columns-*.npz")) for n in "ab"]
    assert saved_a.name == saved_b.name  # generation 1 in both
    for folder in ("a", "b"):
        with Engine(tmp_path / folder) as engine:
            arrays = engine.arrays()
            lengths, keyed, multi = _read_columns(arrays.leaves, arrays.size)
            assert keyed["id"].values == arrays.keyed["id"].values and multi["country_list"].values == arrays.multi["country_list"].values
            assert all(np.array_equal(lengths[f], arrays.lengths[f]) for f in lengths)
    shutil.copy(saved_a, saved_b)  # a stale file of another index
    with Engine(tmp_path / "b") as engine:
        assert len(engine.arrays().keyed["id"].values) == 4
        assert engine.search(SearchRequest(query="Nga")).total > 0
    _assert_same(tmp_path / "b", QUERIES[:6])


@pytest.fixture(scope="module")
def baomoi_index(baomoi_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("baomoi-250")
    subset = folder / "subset.jsonl"
    with gzip.open(baomoi_path, "rt", encoding="utf-8") as src:
        subset.write_text("".join(islice(src, 250)), encoding="utf-8")
    assert all(json.loads(line) for line in subset.read_text(encoding="utf-8").splitlines())
    index_paths(folder / "ix", [subset])
    return folder / "ix"


def test_real_news_ranks_and_counts_as_whoosh(baomoi_index: Path) -> None:
    assert BAOMOI.exists()
    _assert_same(baomoi_index, QUERIES)
    _assert_same_related(baomoi_index)


def test_vocabulary_summed_over_segments_equals_the_merged_lexicon(baomoi_index: Path) -> None:
    """Vocabulary.from_reader sums each segment's lexicon: it must give what Whoosh's merged
    lexicon gives (the same frequencies, and the same accented form on ties)."""
    from search.analysis import fold
    from search.index_store import open_index
    from search.query.vocabulary import Vocabulary

    with open_index(baomoi_index).searcher() as searcher:
        reader = searcher.reader()
        assert len(reader.leaf_readers()) > 1  # several workers, several segments
        vocab = Vocabulary.from_reader(reader)
        lexicon = [((raw.decode() if isinstance(raw, bytes) else raw), info) for raw, info in reader.iter_field("body")]
        merged = {term: info.doc_frequency() for term, info in lexicon}
        assert vocab.frequency == {term: reader.frequency("body", term) for term, _ in lexicon}
    assert vocab.doc_freq == merged
    best: dict[str, tuple[int, str]] = {}
    accented: dict[str, float] = {}
    for term, df in merged.items():  # lexicon order: the first of equals wins
        if fold(term) != term:
            accented[fold(term)] = accented.get(fold(term), 0.0) + vocab.frequency[term]
            if df > best.get(fold(term), (0, ""))[0]:
                best[fold(term)] = (df, term)
    # restored only where commoner than the folded term's own (unaccented) occurrences
    unaccented = {folded: vocab.frequency.get(folded, 0.0) - accented[folded] for folded in best}
    restored = {folded: term for folded, (_, term) in best.items() if vocab.frequency[term] > unaccented[folded]}
    assert vocab.best_accented == restored
    assert 0 < len(restored) < len(best)  # the rule keeps most restorations and drops some


def test_hot_postings_are_the_segments_own(sample_index: Path, tmp_path: Path) -> None:
    """The common terms' posting lists saved at indexing time hold exactly what the segments
    do; a server uses them, and ignores another index's file (the ranking is checked against
    Whoosh's matchers, hot postings in use, by the tests above)."""
    with Engine(sample_index) as engine:
        arrays = engine.arrays()
        assert arrays.hot is not None and len(arrays.hot.spans) > 100
        for field, term in arrays.hot.spans:
            hot, read = arrays.hot.get((field, term)), arrays.read_postings(field, term)
            assert hot is not None and np.array_equal(hot.docs, read.docs), (field, term)
            assert hot.weights.dtype == np.float64 and np.array_equal(hot.weights, read.weights), (field, term)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / sorted(p.name for p in corpus.iterdir())[0]).unlink()
    index_paths(tmp_path / "b", [corpus])
    for name in ("hotterms-1.json", "hotpostings-1.npy"):  # the 5-article index's files, same generation
        assert (tmp_path / "b" / name).is_file()
        shutil.copy(next(sample_index.glob(name.replace("1", "*"))), tmp_path / "b" / name)
    with Engine(tmp_path / "b") as engine:
        assert engine.arrays().hot is None
    _assert_same(tmp_path / "b", QUERIES[:6])


def _hot_files(index_dir: Path) -> dict[tuple[str, str], tuple[list[int], list[float]]]:
    """Each saved term's (documents, weights), whatever its place in the file."""
    meta = json.loads(next(index_dir.glob("hotterms-*.json")).read_text(encoding="utf-8"))
    rows = np.load(next(index_dir.glob("hotpostings-*.npy")))
    return {(f, t): (rows["doc"][a:b].tolist(), rows["weight"][a:b].tolist()) for f, t, a, b in meta["terms"]}


def test_hot_postings_from_a_helper_process_are_the_same(sample_index: Path, tmp_path: Path) -> None:
    """At the end of a large run the body_syl postings are decoded by a second process: a real
    one here, then helpers that failed (no index where it looked; killed), whose share is then
    decoded in-process. Each time the files must hold the same terms with the same postings
    as when one process wrote them, and a server must take them. A work folder that a killed
    indexer left behind is removed by the next save."""
    import subprocess
    import sys

    from search.docarrays import (HELPER_FIELDS, DocArrays, HelperFailed, HotPostings, HotPostingsHelper,
                                  _segments_key, hot_threshold)
    from search.index_store import open_index

    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    expected = _hot_files(index_dir)
    assert any(field in HELPER_FIELDS for field, _ in expected)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = index_dir / f".hot-{int(dead.stdout)}-left"
    stale.mkdir()
    (tmp_path / "empty").mkdir()
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        arrays = DocArrays.load(searcher)
        generation = searcher.reader().generation()
        key, threshold = _segments_key(arrays.leaves), hot_threshold(arrays.size)
        working = HotPostingsHelper(index_dir, key, threshold, tmp_path / "working.npy")
        assert working.result().rows > 0 and {f for f, *_ in working.result().spans} == set(HELPER_FIELDS)
        HotPostings.save(arrays, index_dir, generation, helper=working)
        working.stop()
        assert _hot_files(index_dir) == expected
        assert not stale.exists()
        lost = HotPostingsHelper(tmp_path / "empty", key, threshold, tmp_path / "lost.npy")
        killed = HotPostingsHelper(index_dir, key, threshold, tmp_path / "killed.npy")
        killed._process.kill()
        for failed in (lost, killed):
            with pytest.raises(HelperFailed):
                failed.result()
            HotPostings.save(arrays, index_dir, generation, helper=failed)
            failed.stop()
            assert _hot_files(index_dir) == expected
        with HotPostings.helper(arrays, index_dir, min_size=0) as helper:  # None on a one-core machine
            HotPostings.save(arrays, index_dir, generation, helper=helper)
        assert _hot_files(index_dir) == expected
    assert not [p.name for p in index_dir.iterdir() if p.name.startswith(".hot")]  # work files removed
    with Engine(index_dir) as engine:
        assert engine.arrays().hot is not None
    _assert_same(index_dir, QUERIES[:4])


def test_name_marks_find_what_whoosh_phrase_queries_find(baomoi_index: Path) -> None:
    """Each entity name's phrase check comes from the name marks written at indexing time: in
    every article it must be what Whoosh's own phrase query on the positions finds."""
    from whoosh import query as wq

    from search.analysis.names import phrase_names
    from search.schema import NAMES_FIELD_OF

    with Engine(baomoi_index) as engine:
        arrays = engine.arrays()
        held = 0
        for field in NAMES_FIELD_OF:
            for words in sorted(phrase_names()):
                checked, found = arrays.phrase_checks(field, words)
                assert checked[arrays.alive].all(), (field, words)
                whoosh = set(arrays.searcher.docs_for_query(wq.Phrase(field, list(words))))
                assert set(np.flatnonzero(found & arrays.alive).tolist()) == whoosh, (field, words)
                held += bool(whoosh)
        assert held > 20
