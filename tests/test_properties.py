"""Property tests: the analysis chain, the lenient parser, the query builder and Engine.search
never raise on any Unicode string, keep offsets inside the text, and normalise idempotently.

Strings include controls, lone surrogates, combining marks, emoji, Vietnamese in NFC and NFD,
and 10 kB runs. Example counts stay moderate: pyvi reads about 0.5 M characters a second.
"""
from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.analysis import SyllableAnalyzer, WordAnalyzer, fold, normalize_query, normalize_tones, to_nfc
from search.analysis.segmenter import segment
from search.engine import Engine
from search.highlight import mark_all, snippet
from search.models import SearchRequest
from search.query.builder import build
from search.query.parser import parse

VIETNAMESE = "Đàm phán bí mật hoà bình Thuỵ Sĩ khoẻ mạnh thủy quý giá Nguyễn Ngọc Ánh ươn ngoài khuỷu"
PIECES = [
    VIETNAMESE,
    unicodedata.normalize("NFD", VIETNAMESE),
    '"', "AND", "OR", "NOT", "-", "*", "title:", "tieude:", "(", ")", "[", "]", "{", "}", ":", "_", "__",
    "\u0301", "\u0323\u0300", "\u200b", "\ufeff", "\x00", "\x1f", "\x7f", "\ud800", "\udfff",
    "👍🏽", "🇻🇳", "👨‍👩‍👧", "ﷺ", "ß", "İ", "ǅ", "\u0130", "Ａ", "①", "٣", "\u202e", "\u00a0", "\u2028", "\r\n", "\t",
    "<mark>", "&amp;", "hoà", "hòa", "HOÀ", "qu", "gi", "đ", "Đ",
]
texts = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(codec="utf-8"), max_size=200),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=30).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
)
long_texts = st.tuples(st.sampled_from(PIECES), st.integers(1, 10_000)).map(lambda p: (p[0] * p[1])[:10_000])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(texts)
def test_normalisation_is_idempotent_and_never_raises(text: str) -> None:
    nfc = to_nfc(text)
    assert to_nfc(nfc) == nfc
    assert len(nfc) <= len(text) or unicodedata.normalize("NFC", text) != text  # NFC may only recompose
    tones = normalize_tones(nfc)
    assert normalize_tones(tones) == tones
    assert len(tones) == len(nfc)  # tone placement moves marks, never adds or drops characters
    query = normalize_query(text)
    assert normalize_query(query) == query
    folded = fold(nfc)
    assert fold(folded) == folded
    assert fold(tones) == folded  # placing tones differently never changes the folded form


@FAST
@given(texts)
def test_old_and_new_tone_placement_meet(text: str) -> None:
    for old, new in (("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Hoà", "Hòa")):
        assert normalize_query(f"{text} {old}") == normalize_query(f"{text} {new}")
        assert normalize_query(f"{text} {old}").endswith(new)


@FAST
@given(texts)
def test_analyzers_never_raise_and_offsets_stay_in_the_text(text: str) -> None:
    nfc = to_nfc(text)
    for analyzer in (WordAnalyzer(), SyllableAnalyzer()):
        previous_pos = -1
        for token in analyzer(nfc, positions=True, chars=True, mode="index"):
            assert 0 <= token.startchar < token.endchar <= len(nfc), (token.startchar, token.endchar, len(nfc))
            assert token.text and "\x00" not in token.text
            assert token.pos >= previous_pos
            previous_pos = token.pos
        list(analyzer(nfc, mode="query"))
    for seg in segment(nfc):
        assert 0 <= seg.start < seg.end <= len(nfc) and nfc[seg.start : seg.end] == seg.text


@SLOW
@given(long_texts)
def test_long_inputs_are_handled(text: str) -> None:
    nfc = to_nfc(text)
    assert normalize_query(normalize_query(text)) == normalize_query(text)
    for token in WordAnalyzer()(nfc, chars=True, mode="index"):
        assert 0 <= token.startchar < token.endchar <= len(nfc)
    parse(normalize_query(text))


@FAST
@given(texts)
def test_lenient_parser_never_raises(text: str) -> None:
    parsed = parse(normalize_query(text))
    assert all(isinstance(i, str) for i in parsed.ignored)
    parse(text)  # even without normalisation first


@FAST
@given(texts)
def test_query_builder_never_raises(engine: Engine, text: str) -> None:
    parsed = parse(normalize_query(text))
    if parsed.clauses:
        built = build(parsed, engine.vocabulary())
        assert built.query is not None and built.matching is not None
        assert (built.relaxed_query is None) == (built.relaxed_matching is None)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(query=texts, sort=st.sampled_from(["relevance", "newest", "oldest"]), page=st.integers(1, 3),
       country=st.sampled_from([(), ("RU",), ("GB", "US"), ("ZZ",)]))
def test_engine_search_never_raises(engine: Engine, query: str, sort: str, page: int, country: tuple[str, ...]) -> None:
    result = engine.search(SearchRequest(query=query, sort=sort, page=page, per_page=3, countries=country))
    assert 0 <= result.total <= engine.doc_count()
    assert len(result.hits) == max(0, min(3, result.total - (page - 1) * 3))  # the page asked, filled
    assert len({hit.id for hit in result.hits}) == len(result.hits)
    if country:
        assert all(any(c.code in country for c in hit.countries) for hit in result.hits)
    for hit in result.hits:
        assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    engine.highlight_text(VIETNAMESE + " " + to_nfc(query), query)


@SLOW
@given(long_texts)
def test_engine_search_handles_long_queries(engine: Engine, query: str) -> None:
    result = engine.search(SearchRequest(query=query, per_page=2))
    assert 0 <= result.total <= engine.doc_count() and len(result.hits) == min(2, result.total)
    assert all(hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0 for hit in result.hits)
    completions = engine.complete(query[:100])
    assert len(completions) <= 8 and all(c.text and c.kind in ("term", "country", "official", "title") for c in completions)


@FAST
@given(text=texts, query=texts)
def test_highlighting_escapes_everything_but_its_marks(text: str, query: str) -> None:
    nfc = to_nfc(text)
    words = {tuple(fold(w).lower() for w in to_nfc(query).split()[:3])}
    for html in (snippet(nfc, words), mark_all(nfc, words)):
        assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
