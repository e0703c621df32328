"""Second-phase ranking by the query's word order (search/rescore.py), on real Vietnamese text
and through the engine on a real index."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import rescore
from search.engine import Engine
from search.indexer import index_paths
from search.models import SearchRequest
from search.query.builder import EXACT_TIER, WHOLE_TIER
from search.rescore import Pair, coverage, query_pairs
from tests.conftest import write_article


# -- the pairs of a query --------------------------------------------------------------------
def test_pairs_are_adjacent_syllables_within_a_run_of_text() -> None:
    pairs = query_pairs(["Ùn tắc giao thông, sân bay Tân Sơn"])
    assert pairs == (Pair("ùn", "tắc"), Pair("tắc", "giao"), Pair("giao", "thông"),
                     Pair("sân", "bay"), Pair("bay", "tân"), Pair("tân", "sơn"))  # none across the comma


def test_pairs_normalise_case_unicode_and_tone_placement() -> None:
    assert query_pairs(["HOÀ BÌNH"]) == (Pair("hòa", "bình"),)
    assert query_pairs([unicodedata.normalize("NFD", "hòa bình")]) == (Pair("hòa", "bình"),)
    assert query_pairs(["hòa bình hòa bình"]) == (Pair("hòa", "bình"), Pair("bình", "hòa"))  # no repeats
    assert query_pairs(["Mỹ"]) == () and query_pairs([]) == ()


def test_a_pasted_paragraph_is_capped() -> None:
    text = "Tổng thống Mỹ Trump ngày 5/2 lên tiếng chỉ trích thẩm phán James Robart " * 10
    assert len(query_pairs([text])) <= rescore.MAX_PAIRS


# -- how much of the query an article holds in a row -------------------------------------------
ROAD = ("Con đường mới ở Hà Nội", "Con đường mới dẫn vào trung tâm đã được thông xe.")
OCEAN = ("Đại dương mới", "Các nhà khoa học gọi vùng biển này là đại dương mới của Trái Đất.")


def test_unaccented_pairs_match_any_accents() -> None:
    pairs = query_pairs(["duong moi"])
    assert coverage(pairs, ROAD) == 1.0
    assert coverage(pairs, OCEAN) == 1.0


def test_typed_accents_must_match() -> None:
    pairs = query_pairs(["đường mới"])
    assert coverage(pairs, ROAD) == 1.0
    assert coverage(pairs, OCEAN) == 0.0  # "dương mới" is another word in a row
    assert coverage(query_pairs(["đuong moi"]), OCEAN) == 0.0  # a typed đ counts too
    assert coverage(query_pairs(["duong mới"]), OCEAN) == 1.0  # the bare syllable matches any


def test_old_tone_placement_in_the_article_matches_the_new_in_the_query() -> None:
    assert coverage(query_pairs(["hòa đàm"]), ("Thuỵ Sĩ", "Cuộc hoà đàm diễn ra tại Thuỵ Sĩ.")) == 1.0
    assert coverage(query_pairs(["thụy sĩ hoà đàm"]), ("Thuỵ Sĩ và hoà đàm", "")) == 2 / 3  # "sĩ hòa" is not in a row


def test_pairs_in_a_row_are_counted_once_overlaps_included() -> None:
    text = ("Kẹt xe", "Ùn tắc giao thông ở sân bay Tân Sơn Nhất; SÂN BAY TÂN SƠN NHẤT lại ùn tắc.")
    assert coverage(query_pairs(["sân bay tân sơn"]), text) == 1.0
    assert coverage(query_pairs(["bay sân"]), text) == 0.0  # order matters
    assert coverage(query_pairs(["tắc sân"]), ("", "ùn tắc, sân bay")) == 0.0  # punctuation between


def test_a_hyphen_dash_or_ampersand_joins_a_pair() -> None:
    assert query_pairs(["Nga-Ukraine"]) == (Pair("nga", "ukraine"),)
    assert query_pairs(["Nga - Ukraine"]) == query_pairs(["a--b"]) == ()  # spaced or doubled: a break
    assert coverage(query_pairs(["sân bay"]), ("", "sân\u200bbay")) == 1.0  # zero-width: a separator
    text = ("Đàm phán", "Vòng đàm phán Nga-Ukraine mới; quan hệ Việt–Mỹ. Tuyến Hà Nội - Hải Phòng.")
    assert coverage(query_pairs(["nga ukraine"]), text) == 1.0
    assert coverage(query_pairs(["việt mỹ"]), text) == 1.0
    assert coverage(query_pairs(["mới quan"]), text) == 0.0  # a semicolon still breaks
    assert coverage(query_pairs(["nội hải"]), text) == 0.0  # a spaced dash separates
    assert coverage(query_pairs(["bộ gd đt"]), ("Tin", "Bộ GD&ĐT và Bộ GD-ĐT")) == 1.0


def test_scattered_syllables_do_not_count() -> None:
    text = ("Bài viết rời rạc", "Ông ta giữ bí quyết riêng. Mật ong rừng được bán ở chợ, đàm tiếu nổi lên.")
    assert coverage(query_pairs(["đàm phán bí mật"]), text) == 0.0


def test_rescored_order_moves_pairs_up_and_keeps_ties() -> None:
    plan = rescore.plan(["giao thông"])
    texts = [("Tin", "giao hàng và thông báo"), ("Tin", "an toàn giao thông"), ("Tin", "thông tin giao dịch"),
             ("Tin", "giao thông đô thị")]
    order = rescore.rescored([7, 8, 9, 6], [3.0, 2.5, 3.0, 2.5], texts, plan)
    assert [d for d, _ in order] == [8, 6, 7, 9]  # 8 and 6 tie after the bonus, as 7 and 9 before it
    assert [s for _, s in order] == sorted((s for _, s in order), reverse=True)
    assert rescore.plan(["Mỹ"]) is None  # nothing to pair
    assert rescore.rescored([7, 8], [3.0, 2.5], texts[:2], None) == [(7, 3.0), (8, 2.5)]


def test_the_bonus_never_lifts_an_article_over_the_accent_tier() -> None:
    # "đường mới Hà Nội": the first pass ranks the article with every word as typed (scattered)
    # in the accent tier, above the one that reads "dương mới Hà Nội" in a row; pairs must not
    # undo that.
    plan = rescore.plan(["đường mới Hà Nội"])
    exact = ("Giao thông", "Con đường ở ngoại ô đã xong. Hà Nội có thêm cầu mới.")
    folded = ("Biển", "Đại dương mới Hà Nội nhắc tới trong triển lãm.")
    order = rescore.rescored([1, 2], [EXACT_TIER + 12.8, 29.5], [exact, folded], plan)
    assert [d for d, _ in order] == [1, 2]
    assert order[0][1] >= EXACT_TIER > order[1][1]
    # Without a tier (an unaccented query) the same pairs do reorder.
    assert [d for d, _ in rescore.rescored([1, 2], [32.8, 29.5], [exact, folded], rescore.plan(["duong moi ha noi"]))] == [2, 1]


def test_the_tiers_add_up_and_each_orders_on_its_own_scores() -> None:
    plan = rescore.plan(["giao thông"])
    texts = [("Tin", "giao hàng, thông báo"), ("Tin", "giao thông"), ("Tin", "giao dịch, thông tin"), ("Tin", "giao thông")]
    scores = [WHOLE_TIER + EXACT_TIER + 9.0, WHOLE_TIER + 3.0, EXACT_TIER + 30.0, 40.0]
    assert [rescore.tier_of(s) for s in scores] == [WHOLE_TIER + EXACT_TIER, WHOLE_TIER, EXACT_TIER, 0.0]
    order = rescore.rescored([1, 2, 3, 4], scores, texts, plan)
    assert [d for d, _ in order] == [1, 2, 3, 4]
    assert order[1][1] - WHOLE_TIER == pytest.approx(3.0 + rescore.PAIR_WEIGHT * 40.0)  # best without the constants


def test_the_bonus_never_lifts_an_article_over_the_whole_word_tier() -> None:
    # "chủ tịch Hòa Phát": the article holding both words whole comes first, though another
    # holds more of the query's pairs; the pairs still order each side on its own scores.
    plan = rescore.plan(["chủ tịch Hòa Phát"])
    whole = ("Thép", "Ông Trần Đình Long, chủ tịch Hòa Phát, cho biết.")
    pairs = ("Chủ tịch", "Chủ tịch nước dự lễ. Cộng hòa phát triển.")
    other = ("Chủ tịch", "Chủ tịch tỉnh nói về hòa phát, chủ tịch Hòa.")
    order = rescore.rescored([1, 2, 3], [WHOLE_TIER + 10.0, 80.0, 40.0], [whole, pairs, other], plan)
    assert [d for d, _ in order] == [1, 3, 2]
    assert order[0][1] >= WHOLE_TIER > order[1][1] >= order[2][1]
    assert order[1][1] - 40.0 == pytest.approx(rescore.PAIR_WEIGHT * 80.0)  # best without the tier's constant


# -- through the engine ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def drinking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Unaccented "nhau chuyen gi" is common syllables: word scores alone rank the article that
    repeats "nhau" (each other) first; the one that reads "nhậu chuyện gì" in a row is the answer."""
    docs = tmp_path_factory.mktemp("drinking-docs")
    write_article(docs, "nhau.txt", "Hàng xóm giúp nhau\nHàng xóm giúp đỡ nhau, thương nhau, bảo vệ nhau. "
                  "Mọi chuyện trong xóm đều được bàn bạc, không giấu gì nhau.")
    write_article(docs, "nhau-2.txt", "Gặp nhau cuối tuần\nHai gia đình gặp nhau, hỏi nhau chuyện học hành, "
                  "chuyện làm ăn; chẳng có gì phải giấu nhau.")
    write_article(docs, "nhau-3.txt", "Yêu nhau\nHọ yêu nhau từ thời sinh viên. Chuyện gì cũng kể cho nhau nghe.")
    write_article(docs, "nhau-4.txt", "Đoàn kết\nCán bộ, chiến sĩ đoàn kết, giúp đỡ nhau hoàn thành nhiệm vụ. "
                  "Chuyện khó mấy cũng làm được, không có gì là không thể.")
    write_article(docs, "nhau-5.txt", "Tình bạn\nBạn bè hiểu nhau, chia sẻ với nhau mọi chuyện vui buồn, "
                  "dù chẳng có gì trong tay.")
    write_article(docs, "nhau-6.txt", "Hội ngộ\nBạn cũ gặp lại nhau sau hai mươi năm, kể cho nhau đủ chuyện, "
                  "quên cả giờ về; thời gian chẳng làm gì được tình bạn.")
    write_article(docs, "nhau-7.txt", "Láng giềng\nHai nhà ở cạnh nhau, chuyện nhỏ cũng hỏi nhau, "
                  "có gì ngon cũng mời nhau, không nề hà gì.")
    write_article(docs, "nhau-8.txt", "Đồng đội\nĐồng đội cũ tìm lại nhau, nhắc cho nhau nghe chuyện thời chiến, "
                  "có gì cũng nhường nhau.")
    write_article(docs, "nhau-9.txt", "Anh em\nAnh em thương nhau, chuyện gia đình bảo nhau, giận nhau chẳng được gì.")
    write_article(docs, "nhau-10.txt", "Thầy trò\nThầy trò gặp nhau ngày nhà giáo, chuyện cũ kể mãi, không biết gì mệt.")
    write_article(docs, "nhau-11.txt", "Bạn học\nBạn học cũ rủ nhau về trường, chuyện trò rôm rả, gì cũng nhớ.")
    write_article(docs, "nhau-12.txt", "Cửa hàng\nCác cửa hàng cạnh tranh nhau; chuyện giá cả có gì mới.")
    write_article(docs, "nhau-13.txt", "Mạng xã hội\nNgười ta tranh cãi nhau trên mạng về chuyện gì đó rồi quên ngay.")
    write_article(docs, "nhau-14.txt", "Bàn nhậu ngày Tết\nCuối năm, mấy ông bạn ngồi nhậu, nhậu chuyện gì cũng nói, "
                  "từ giá xăng đến bóng đá. Các bác sĩ khuyên hạn chế bia rượu ngày Tết để giữ sức khỏe cho cả năm mới.")
    index_dir = tmp_path_factory.mktemp("drinking-index")
    index_paths(index_dir, [docs])
    with Engine(index_dir) as engine:
        yield engine


def _ids(engine: Engine, query: str, **kw: object) -> list[str]:
    return [h.id for h in engine.search(SearchRequest(query=query, **kw)).hits]  # type: ignore[arg-type]


def test_an_unaccented_query_read_in_a_row_ranks_first(drinking: Engine) -> None:
    assert _ids(drinking, "nhau chuyen gi")[0] == "nhau-14"
    assert _ids(drinking, "nhậu chuyện gì")[0] == "nhau-14"


@pytest.mark.parametrize("arrays", [True, False], ids=["arrays", "whoosh-matchers"])
def test_pages_stay_consistent_around_the_rescored_head(drinking: Engine, arrays: bool) -> None:
    drinking.use_arrays = arrays
    try:
        whole = _ids(drinking, "nhau chuyen gi", per_page=20)
        assert len(whole) == 14 and whole[0] == "nhau-14"
        pages = [_ids(drinking, "nhau chuyen gi", per_page=4, page=p) for p in (1, 2, 3, 4)]
        assert [d for page in pages for d in page] == whole
        scores = [h.score for h in drinking.search(SearchRequest(query="nhau chuyen gi", per_page=20)).hits]
        assert scores == sorted(scores, reverse=True)
    finally:
        drinking.use_arrays = True


def test_the_accent_tier_holds_through_the_engine(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", "Tin Hà Nội\nHôm qua ở Hà Nội, con đường cũ được sửa. Nhiều cửa hàng mới khai trương.")
    write_article(docs, "b.txt", "Thủy cung dương mới Hà Nội\nThủy cung dương mới Hà Nội mở cửa đón khách.")
    write_article(docs, "c.txt", "Thể thao\nĐội bóng giành chiến thắng trong trận đấu hôm qua.")
    write_article(docs, "d.txt", "Kinh tế\nGiá vàng tăng mạnh trong tuần này.")
    write_article(docs, "e.txt", "Thời tiết\nMiền Bắc có mưa rào và dông.")
    index_paths(tmp_path / "index", [docs])
    with Engine(tmp_path / "index") as fast, Engine(tmp_path / "index", arrays=False) as whoosh:
        for engine in (fast, whoosh):
            assert _ids(engine, "đường mới Hà Nội") == ["a", "b"]  # "b" holds every pair, but dương
            assert _ids(engine, "duong moi ha noi") == ["b", "a"]  # unaccented: no tier, pairs decide


def test_a_line_break_ends_a_run_of_pairs_as_in_the_index() -> None:
    pairs = query_pairs(["hòa phát"])
    assert coverage(pairs, ("Tin", "Khánh Hòa\nPhát biểu khai mạc")) == 0.0
    assert coverage(pairs, ("Tin", "Khánh Hòa\n\nPhát biểu")) == 0.0
    assert coverage(pairs, ("Tin", "Tập đoàn Hòa  Phát")) == 1.0
