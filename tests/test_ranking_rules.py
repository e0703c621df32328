"""Rules of ranking and of reading a query that a user can see, each on a real index built for
it: a title weighs more than a body, the accent tier, a query's prefixes sharing one budget,
and where did-you-mean starts checking an accented query's spelling."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from search.engine import Engine
from search.indexer import index_paths
from search.models import SearchRequest
from search.query.builder import MAX_PREFIX_WORDS, MAX_PREFIXES
from search.query.suggest import FEW_RESULTS
from tests.conftest import write_article

NEUTRAL = {  # articles holding none of the words asked for: they give the index its statistics
    "weather.txt": "Tin thời tiết\nHôm nay trời nắng đẹp, gió nhẹ.",
    "gold.txt": "Giá vàng tăng\nGiá vàng trong nước tăng mạnh sáng nay.",
    "football.txt": "Bóng đá\nĐội tuyển thắng trận giao hữu tối qua.",
}


@contextmanager
def engine_over(tmp_path: Path, articles: dict[str, str]) -> Iterator[Engine]:
    docs = tmp_path / "docs"
    for name, text in articles.items():
        write_article(docs, name, text)
    assert index_paths(tmp_path / "ix", [docs]).indexed == len(articles)
    with Engine(tmp_path / "ix") as engine:
        yield engine


def ranked(engine: Engine, query: str, arrays: bool) -> list[str]:
    engine.use_arrays = arrays
    try:
        return [h.id for h in engine.search(SearchRequest(query=query, per_page=50)).hits]
    finally:
        engine.use_arrays = True


PATHS = pytest.mark.parametrize("arrays", [True, False], ids=["arrays", "whoosh-matchers"])


# -- the title's weight ---------------------------------------------------------------------------
@PATHS
def test_a_word_in_the_title_outweighs_it_twice_in_a_body(tmp_path: Path, arrays: bool) -> None:
    """Two articles of one length and one wording but for where "tôm hùm" stands: once in one's
    headline, twice in the other's body. Weighed alike, the body's two would win."""
    with engine_over(tmp_path, {
        "headline.txt": "Giá tôm hùm tăng\nThương lái ở Phú Yên thu mua sản phẩm với giá cao, ngư dân phấn khởi vì được mùa.",
        "body.txt": "Tin nông nghiệp\nThương lái ở Phú Yên thu mua tôm hùm với giá cao, ngư dân nuôi tôm hùm phấn khởi "
                    "vì được mùa.",
        **NEUTRAL,
    }) as engine:
        for query in ("tôm", "tôm hùm", "tom hum"):
            assert ranked(engine, query, arrays) == ["headline", "body"], query


# -- the accent tier ------------------------------------------------------------------------------
ROAD = "Tin giao thông\nSau nhiều tháng thi công, con đường mới ở ngoại ô đã được thông xe vào sáng nay."
OCEAN = ("Biển và đại dương\nĐại dương bao phủ phần lớn bề mặt Trái Đất, Thái Bình Dương là đại dương lớn "
         "nhất.")


@PATHS
def test_the_accent_tier_lifts_an_exact_match_over_a_folded_one(tmp_path: Path, arrays: bool) -> None:
    """"đường" once in a longer article, against "dương" four times in a shorter one: on word
    scores alone the folded matches win (the tier is what ranks "con đường" first)."""
    with engine_over(tmp_path, {"road.txt": ROAD, "ocean.txt": OCEAN, **NEUTRAL}) as engine:
        assert ranked(engine, "đường", arrays) == ["road", "ocean"]
        assert ranked(engine, "Đường", arrays) == ["road", "ocean"]
        assert ranked(engine, "dương", arrays) == ["ocean", "road"]  # the tier follows the accents typed
        assert set(ranked(engine, "duong", arrays)) == {"road", "ocean"}  # typed bare: no tier, both found


@PATHS
def test_a_folded_match_never_outranks_an_exact_one(tmp_path: Path, arrays: bool) -> None:
    """builder.build: "folding finds the rest (dương for đường) but never outranks them"."""
    long_road = ("Tin giao thông\nỞ ngoại ô thành phố, sau nhiều tháng thi công với rất nhiều khó khăn về mặt bằng "
                 "và vốn, con đường mới đã được thông xe vào sáng nay trước sự chứng kiến của người dân địa phương.")
    with engine_over(tmp_path, {"road.txt": long_road, "ocean.txt": "Đại dương\nĐại dương xanh, Thái Bình Dương rộng lớn.",
                                **NEUTRAL}) as engine:
        assert ranked(engine, "đường", arrays) == ["road", "ocean"]


# -- prefixes share one budget ---------------------------------------------------------------------
def narrowed(stem: str, words: int) -> str:
    return f"{stem}*: các từ hiếm hơn (chỉ tìm {words} từ thường gặp nhất)"


def test_one_prefix_in_two_cases_is_one_ask_with_the_whole_budget(engine: Engine) -> None:
    """"T*" and "t*" ask the same words (the index is lowercase): one prefix, not two halves."""
    once = engine.search(SearchRequest(query="t*"))
    assert once.ignored == [narrowed("t", MAX_PREFIX_WORDS)]
    for query in ("T* t*", "t* T*"):
        both = engine.search(SearchRequest(query=query))
        assert both.ignored == [narrowed(query[0], MAX_PREFIX_WORDS)], query
        assert both.total == once.total
    # in another field it is another ask
    assert engine.search(SearchRequest(query="title:t* t*")).ignored == [narrowed("t", MAX_PREFIX_WORDS // 2)] * 2


@pytest.mark.parametrize("query", ["Nga OR t* n*", "t* OR n*", "Nga -t* -n*", "Nga -t* n*"])
def test_prefixes_inside_or_and_not_share_the_budget(engine: Engine, query: str) -> None:
    """Each of two prefixes gets half the words, wherever it stands in the query."""
    half = MAX_PREFIX_WORDS // 2
    vocab = engine.vocabulary()
    assert vocab.commonest_with_prefix("n", MAX_PREFIX_WORDS) is None  # "n*" whole fits the full budget...
    assert vocab.commonest_with_prefix("n", half) is not None  # ...but not half of it
    assert engine.search(SearchRequest(query=query)).ignored == [narrowed("t", half), narrowed("n", half)]


def test_prefixes_beyond_the_limit_are_left_out_inside_or_too(engine: Engine) -> None:
    stems = ["t", "n", "h", "c", "đ"]
    assert len(stems) == MAX_PREFIXES + 1
    result = engine.search(SearchRequest(query="Nga OR " + " OR ".join(f"{s}*" for s in stems)))
    assert f"đ*: bỏ qua (tối đa {MAX_PREFIXES} tiền tố mỗi truy vấn)" in result.ignored
    assert narrowed("t", MAX_PREFIX_WORDS // MAX_PREFIXES) in result.ignored


# -- did-you-mean's threshold ----------------------------------------------------------------------
HUE = {  # FEW_RESULTS articles about Huế, one of them from another paper
    "hue-1.txt": "---\nsource: Tuổi Trẻ\n---\nFestival Huế khai mạc\nLễ hội văn hóa lớn nhất năm khai mạc tối qua ở Huế.",
    "hue-2.txt": "---\nsource: Tuổi Trẻ\n---\nMưa lớn ở miền Trung\nMưa lớn kéo dài khiến nhiều tuyến phố ở Huế ngập sâu.",
    "hue-3.txt": "---\nsource: Thanh Niên\n---\nĐại Nội đón khách\nĐại Nội Huế đón hàng nghìn lượt khách trong dịp lễ.",
    "hanoi.txt": "---\nsource: Thanh Niên\n---\nTin Hà Nội\nHà Nội mưa lớn, nhiều tuyến phố ngập.",
    "danang.txt": "---\nsource: Tuổi Trẻ\n---\nDu lịch Đà Nẵng\nĐà Nẵng đón hơn một triệu lượt khách trong dịp hè.",
}


def test_an_accented_query_is_checked_for_misspellings_below_few_results_only(tmp_path: Path) -> None:
    """"Huể" (the wrong tone: no such word) finds the articles about Huế through folding. With
    FEW_RESULTS of them it stands as typed; with one fewer (a filter) it is checked, and
    corrected. Typed right, it is never corrected."""
    with engine_over(tmp_path, HUE) as engine:
        every = engine.search(SearchRequest(query="Huể"))
        assert (every.total, every.relaxed, every.suggestion) == (FEW_RESULTS, False, None)
        fewer = engine.search(SearchRequest(query="Huể", sources=("Tuổi Trẻ",)))
        assert (fewer.total, fewer.relaxed, fewer.suggestion) == (FEW_RESULTS - 1, False, "Huế")
        assert engine.search(SearchRequest(query="Huế", sources=("Tuổi Trẻ",))).suggestion is None
        # typed without diacritics, it is restored whatever it finds
        assert engine.search(SearchRequest(query="hue")).suggestion == "Huế"
