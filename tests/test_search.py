"""Search behaviour a user sees, on real indexes built from real Vietnamese text."""
from __future__ import annotations

import json
from contextlib import contextmanager
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.engine import Engine
from search.highlight import snippet
from search.indexer import index_paths
from search.models import SearchRequest
from search.query.builder import WHOLE_TIER
from search.schema import indexed_body
from tests.conftest import SECRET_TALKS, write_article


def ids(engine: Engine, query: str, **kw: object) -> list[str]:
    return [h.id for h in engine.search(SearchRequest(query=query, per_page=50, **kw)).hits]  # type: ignore[arg-type]


# -- words, not syllables ---------------------------------------------------------------
def test_unquoted_compound_query_finds_the_secret_talks_articles(engine: Engine) -> None:
    found = ids(engine, "đàm phán bí mật")
    assert SECRET_TALKS <= set(found)


@pytest.mark.parametrize("query", ["điện kremlin", "ĐIỆN KREMLIN", "Điện Kremlin", "dien kremlin"])
def test_case_and_accents_do_not_change_what_matches(engine: Engine, query: str) -> None:
    assert set(ids(engine, query)) == set(ids(engine, "Điện Kremlin"))
    assert len(ids(engine, query)) >= 2


@pytest.mark.parametrize(("bare", "accented"), [("dam phan bi mat", "đàm phán bí mật"), ("thu tuong", "thủ tướng"),
                                                 ("bo truong ngoai giao", "bộ trưởng ngoại giao")])
def test_queries_without_diacritics_find_the_same_articles(engine: Engine, bare: str, accented: str) -> None:
    # Unaccented text is ambiguous (thu/thư/thủ...), so it may find more, but never less, and
    # what it ranks first is among the best matches of the accented query.
    with_marks, without = ids(engine, accented), ids(engine, bare)
    assert with_marks and set(with_marks) <= set(without)
    assert without[0] in with_marks[:2]


@pytest.mark.parametrize("pasted", ["đàm ph\u00adán bí mật", "đàm ph\u200dán bí m\u2060ật", "\ufeffđàm phán bí mật",
                                    "ｄàm phán bí mật", "đàm\u3000phán bí mật"])
def test_invisible_and_fullwidth_characters_in_a_query_are_the_letters_they_hide(engine: Engine, pasted: str) -> None:
    """Soft hyphens and zero-width joiners pasted from web pages, an East Asian keyboard's
    fullwidth letters: the same query as typed plainly."""
    assert ids(engine, pasted) == ids(engine, "đàm phán bí mật")


def test_a_soft_hyphen_inside_an_article_word_does_not_split_it(tmp_path_factory: pytest.TempPathFactory) -> None:
    """In the body, the title and the summary alike."""
    with _engine_for(tmp_path_factory, "shy", {
        "shy.txt": "Tin thủ đô\nNgười dân Hà N\u00adội đi làm sớm.",
        "title.md": "---\nsummary: Mưa lớn ở Đà N\u00adẵng.\n---\nTin Hà N\u00adội\nNgười dân đi làm sớm.",
    }) as shy:
        assert sorted(ids(shy, '"hà nội"')) == ["shy", "title"]
        assert ids(shy, '"đà nẵng"') == ["title"]
        assert "\u00ad" not in shy.article("title").title + (shy.article("title").summary or "")  # type: ignore[union-attr]


def test_nfd_query_behaves_like_nfc(engine: Engine) -> None:
    nfd = unicodedata.normalize("NFD", "đàm phán bí mật")
    assert ids(engine, nfd) == ids(engine, "đàm phán bí mật")


# -- a purpose-built index for ranking details ------------------------------------------
def _engine_over(factory: pytest.TempPathFactory, name: str, articles: dict[str, str]) -> Iterator[Engine]:
    """An engine over a real index of these articles (file name -> "title\\nbody")."""
    docs = factory.mktemp(f"{name}-docs")
    for file_name, text in articles.items():
        write_article(docs, file_name, text)
    index_dir = factory.mktemp(f"{name}-index")
    index_paths(index_dir, [docs])
    with Engine(index_dir) as engine:
        yield engine


@contextmanager
def _engine_for(factory: pytest.TempPathFactory, name: str, articles: dict[str, str]) -> Iterator[Engine]:
    """An engine over a real index of these articles, for one test."""
    engines = _engine_over(factory, name, articles)
    try:
        yield next(engines)
    finally:
        engines.close()


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from _engine_over(tmp_path_factory, "mini", {
        "duong.txt": "Con đường mới ở Hà Nội\nCon đường dẫn vào trung tâm Hà Nội đã được thông xe.",
        "duong2.txt": "Đại dương xanh\nĐại dương bao phủ phần lớn bề mặt Trái Đất, nơi sinh sống của cá voi.",
        "hoa.txt": "Hòa bình cho khu vực\nCác bên kêu gọi hòa bình và hòa giải dân tộc.",
        "hoa2.txt": "Mùa hoa anh đào\nHoa anh đào nở rộ khắp Tokyo vào mùa xuân, du khách đến ngắm hoa.",
        "old-tones.txt": "Thuỵ Sĩ và hoà đàm\nCuộc hoà đàm diễn ra tại Thuỵ Sĩ, các bên đều khoẻ mạnh.",
        "nfd.txt": unicodedata.normalize("NFD", "Tin từ Moskva\nNgoại trưởng Sergey Lavrov phát biểu tại Moskva về đàm phán."),
        "scattered.txt": "Bài viết rời rạc\nÔng ta giữ bí quyết riêng. Mật ong rừng được bán ở chợ, đàm tiếu nổi lên, phán xét.",
        "compound.txt": "Tin đàm phán\nHai bên tiến hành đàm phán bí mật trong nhiều tháng.",
        "hoaky.txt": "Tin Hoa Kỳ\nChính phủ Hoa Kỳ công bố chính sách mới về thương mại.",
        "hostile.txt": "Tiêu đề <script>alert(1)</script>\nNội dung có <img src=x onerror=alert(2)> và &amp; ký tự đặc biệt, hòa bình.",
    })


def test_exact_accent_ranks_first(mini: Engine) -> None:
    assert ids(mini, "đường")[0] == "duong"
    assert ids(mini, "dương")[0] == "duong2"
    assert ids(mini, "hòa")[0] in {"hoa", "old-tones", "hostile"}
    assert ids(mini, "hoa")[0:1] != [] and "hoa2" in ids(mini, "hoa")


def test_folding_never_drowns_exact_matches(mini: Engine) -> None:
    found = ids(mini, "hoa")
    assert "hoa" in found and "hoa2" in found  # unaccented: both readings
    exact = ids(mini, "hoa anh đào")
    assert exact[0] == "hoa2"


@pytest.fixture(scope="module")
def folding(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from _engine_over(tmp_path_factory, "folding", {
        "danang.txt": "Du lịch Đà Nẵng\nĐà Nẵng đón hơn một triệu lượt khách trong dịp hè.",
        "plain.txt": "Tin du lich\nThanh pho Da Nang don khach du lich quoc te.",
        "scattered.txt": "Giá vàng tăng\nGiá vàng đã tăng mạnh, nhà đầu tư chịu áp lực nặng nề.",
        "road.txt": "Con đường mới\nCon đường ven biển vừa thông xe.",
        "ocean.txt": "Đại dương\nĐại dương xanh thẳm.",
    })


def test_a_word_typed_with_accents_is_matched_folded_only_as_a_word(folding: Engine) -> None:
    """"Đà Nẵng" is not "đã ... nặng": folded, a multi-syllable word counts only as that word
    (written without diacritics); a one-syllable word is still matched folded anywhere, after
    the exact ones. (A wrong accent typed, "Đà Nẳng", makes two one-syllable words: any reading.)"""
    assert ids(folding, "Đà Nẵng") == ["danang", "plain"]
    assert {"danang", "plain"} <= set(ids(folding, "Đà Nẳng"))
    assert set(ids(folding, "da nang")) == {"danang", "plain", "scattered"}  # unaccented: any reading
    assert ids(folding, "đường") == ["road", "ocean"]


STORMS = [  # real kinds of sentence from the 2017 corpus: a storm ("bão") in each
    "Bão số 2 đổ bộ vào Thái Bình\nCơn bão số 2 đã đổ bộ vào Thái Bình với sức gió mạnh, nhiều cây xanh bị đổ.",
    "Bão Talas suy yếu\nSau khi vào đất liền, bão Talas suy yếu thành áp thấp nhiệt đới.",
    "Nhật Bản hứng bão\nBão Noru đổ bộ vào Nhật Bản, hàng trăm chuyến bay bị hủy.",
    "Philippines sơ tán dân tránh bão\nHàng nghìn người dân Philippines được sơ tán trước khi bão đến.",
    "Bão gây mưa lớn ở miền Trung\nMưa lớn do bão khiến nhiều tuyến đường ở miền Trung ngập sâu.",
    "Ngư dân tránh trú bão\nHàng trăm tàu cá đã vào bờ tránh trú bão an toàn.",
    "Dự báo đường đi của bão\nTrung tâm khí tượng cho biết bão có thể mạnh thêm trong 24 giờ tới.",
    "Bão Harvey tàn phá Texas\nBão Harvey gây lũ lụt nghiêm trọng ở bang Texas của Mỹ.",
    "Cảnh báo bão trên Biển Đông\nMột cơn bão mới đang hình thành trên Biển Đông.",
    "Thiệt hại sau bão\nBão làm sập nhiều nhà dân, chính quyền đang khắc phục hậu quả.",
]


def test_accents_as_typed_are_the_results_when_they_find_a_page(tmp_path_factory: pytest.TempPathFactory) -> None:
    """"bão" is a storm: with ten storm articles, the newspapers ("báo"), the guarantees
    ("bảo") and a text written without diacritics are no results at all, not only ranked
    after them: the total, the facets and a page sorted by date are the storms'. Typed bare,
    "bao" finds every reading; and where the accents as typed find fewer than a page, the
    folded readings fill in after them (as "đường" finds "dương" in a small archive)."""
    articles = {f"storm{i}.txt": text for i, text in enumerate(STORMS)}
    articles.update({
        "paper.txt": "Báo chí Nhật Bản\nCác tờ báo Nhật Bản đưa tin về chuyến thăm; báo giới bình luận nhiều.",
        "guard.txt": "Bảo vệ môi trường\nNgười dân Nhật Bản bảo vệ rừng, bảo đảm nguồn nước sạch.",
        "bare.txt": "Tin bao\nCon bao so 2 do bo vao Thai Binh.",
    })
    with _engine_for(tmp_path_factory, "storms", articles) as storms:
        storm_ids = {f"storm{i}" for i in range(len(STORMS))}
        found = storms.search(SearchRequest(query="bão", per_page=20))
        assert found.total == 10 and {h.id for h in found.hits} == storm_ids
        newest = storms.search(SearchRequest(query="bão", sort="newest", per_page=20))
        assert {h.id for h in newest.hits} == storm_ids
        japan = storms.facet_values("country", SearchRequest(query="bão"))
        assert {v.value: v.count for v in japan}.get("JP") == 1  # the storm, not the paper or the forest
        assert {"paper", "guard", "bare"} <= set(ids(storms, "bao"))  # typed bare: any reading
        # under a filter the accents find fewer than a page: the folded readings fill in, after them
        narrowed = storms.search(SearchRequest(query="bão", countries=("JP",), per_page=20))
        assert [h.id for h in narrowed.hits][0] == "storm2" and {"paper", "guard"} <= {h.id for h in narrowed.hits}
        assert {v.value: v.count for v in storms.facet_values("country", SearchRequest(query="bão", countries=("JP",)))}["JP"] == narrowed.total


def test_old_and_new_tone_placement_match_each_other(mini: Engine) -> None:
    assert "old-tones" in ids(mini, "Thụy Sĩ")
    assert "old-tones" in ids(mini, "hòa đàm")
    assert "old-tones" in ids(mini, "khỏe mạnh")
    assert "hoa" in ids(mini, "hoà bình")


def test_decomposed_document_is_found_and_highlighted_correctly(mini: Engine) -> None:
    result = mini.search(SearchRequest(query="Moskva"))
    hit = next(h for h in result.hits if h.id == "nfd")
    assert "<mark>Moskva</mark>" in hit.snippet


def test_words_as_words_rank_above_scattered_syllables(mini: Engine) -> None:
    found = ids(mini, "đàm phán bí mật")
    assert found[0] == "compound"
    if "scattered" in found:
        assert found.index("scattered") > found.index("compound")


def test_aliases_match_each_other(mini: Engine) -> None:
    assert "hoaky" in ids(mini, "Mỹ")
    assert "nfd" in ids(mini, "Moscow")
    assert "nfd" in ids(mini, "Sergei Lavrov")


def test_accents_typed_must_agree_with_an_alias_name(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Folding finds an entity's name, the accents typed decide: "thủy điện" (hydropower) is not
    Thụy Điển, "dài hạn" (long-term) not Hàn Quốc's "Đại Hàn"; typed bare, both readings count."""
    with _engine_for(tmp_path_factory, "alias-accents", {
        "hydro.txt": "Mưa lớn ở Hòa Bình\nMưa lớn kéo dài nhiều ngày ở các tỉnh miền núi phía Bắc, nước sông dâng cao, nhiều tuyến đường bị sạt lở và chia cắt. Chính quyền địa phương sơ tán người dân khỏi vùng trũng, lực lượng cứu hộ túc trực suốt đêm và các trường học cho học sinh nghỉ. Theo dự báo, mưa còn kéo dài đến cuối tuần, nguy cơ lũ quét rất cao. Nhà máy thủy điện Hòa Bình mở thêm một cửa xả đáy.",
        "sweden.txt": "Thụy Điển ngừng điều tra\nThụy Điển: công tố viên Thụy Điển ngừng điều tra, cảnh sát Thụy Điển rút lệnh.",
        "loan.txt": "Tin kinh tế\nDoanh nghiệp nhỏ được vay vốn dài hạn với lãi suất ưu đãi.",
        "korea.txt": "Đại Hàn Dân Quốc bầu cử\nĐại Hàn Dân Quốc bầu tổng thống, Đại Hàn Dân Quốc có tân tổng thống.",
    }) as engine:
        # the other reading may still match without its accents, after every article holding
        # the word as typed (as "đường" finds "dương"); read as the alias, it was a match in full
        hits = engine.search(SearchRequest(query="thủy điện", per_page=10)).hits
        assert [h.id for h in hits] == ["hydro", "sweden"] and hits[1].score < WHOLE_TIER <= hits[0].score
        assert ids(engine, "Thụy Điển")[0] == ids(engine, "thuỵ điển")[0] == "sweden"  # old tone placement: one name
        assert set(ids(engine, "thuy dien")) == {"hydro", "sweden"}
        assert ids(engine, "dài hạn") == ["loan"]
        assert ids(engine, "đại hàn")[0] == "korea"


@pytest.fixture(scope="module")
def short_names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One-syllable country names that are also everyday words or given names."""
    yield from _engine_over(tmp_path_factory, "short-names", {
        "uk.txt": "Thủ tướng Anh thăm Việt Nam\nThủ tướng Anh Theresa May đến Hà Nội. Anh và Việt Nam ký thỏa thuận thương mại.",
        "pronoun.txt": "Chuyện làng quê\nAnh ấy đi làm từ sáng sớm, anh Hùng kể lại với chúng tôi.",
        "weld.txt": "Hàn gắn quan hệ\nHai gia đình cố gắng hàn gắn sau nhiều năm bất hòa.",
        "korea.txt": "Thương mại Mỹ - Hàn\nMỹ và Hàn Quốc nhất trí sửa đổi hiệp định thương mại song phương.",
        "region.txt": "Mưa lớn ở miền Trung\nMưa lớn kéo dài tại miền Trung khiến nhiều tuyến đường ngập sâu.",
        "china.txt": "Đối thoại Mỹ - Trung\nQuan hệ Mỹ - Trung được hai bên đánh giá tích cực sau cuộc gặp.",
        "london.txt": "Bà May phát biểu\nThủ tướng Theresa May phát biểu tại London, anh ấy nói vậy.",
    })


def test_a_one_syllable_country_name_matches_the_country_not_the_word(short_names: Engine) -> None:
    """"anh" is Britain's "Anh" and the pronoun alike in a lowercase index: the country's facet
    (its extraction checks capitals and the person-name shape) tells them apart."""
    assert set(ids(short_names, "Vương quốc Anh")) == {"uk", "london"}  # London: the facet says Britain
    assert set(ids(short_names, "Anh")) == {"uk", "london"}
    assert set(ids(short_names, "Hàn Quốc")) == {"korea"}
    assert set(ids(short_names, "Trung Quốc")) == {"china"}  # "Mỹ - Trung", not "miền Trung"
    assert "pronoun" in ids(short_names, "anh ấy")  # the word itself is still searchable
    # "-Trung" is China's only joined to another name: "miền Trung" alone is the words, not China
    assert ids(short_names, "miền Trung") == ["region"]


def test_a_one_syllable_name_that_is_no_vietnamese_word_needs_no_capital(tmp_path_factory: pytest.TempPathFactory) -> None:
    """"syria" can only be Syria: typed lowercase it finds the articles that write Xy-ri too, as
    "Syria" does (it found only the word "syria" before); "nga" still needs its capital."""
    with _engine_for(tmp_path_factory, "syria", {
        "sy1.txt": "Nội chiến Syria\nQuân đội Syria giành lại thành phố Aleppo sau nhiều tháng giao tranh.",
        "sy2.txt": "Hòa đàm về Xy-ri\nCác bên tham gia hòa đàm về Xy-ri tại Astana nhất trí ngừng bắn.",
        "other.txt": "Tin khác\nGiá vàng hôm nay tăng nhẹ trong phiên giao dịch buổi sáng.",
    }) as syria:
        assert set(ids(syria, "Syria")) == set(ids(syria, "syria")) == set(ids(syria, "SYRIA")) == {"sy1", "sy2"}


def test_a_one_syllable_name_is_marked_only_where_written_as_the_name(short_names: Engine) -> None:
    hit = next(h for h in short_names.search(SearchRequest(query="Anh", per_page=10)).hits if h.id == "uk")
    assert "<mark>Anh</mark> Theresa" in hit.snippet and "<mark>Anh</mark> và" in hit.snippet
    london = next(h for h in short_names.search(SearchRequest(query="Vương quốc Anh")).hits if h.id == "london")
    assert "<mark>" not in london.snippet  # neither the pronoun nor, alone, "vương" or "quốc"
    korea = short_names.search(SearchRequest(query="han quoc")).hits[0]
    assert korea.title_html == "Thương mại Mỹ - <mark>Hàn</mark>"
    assert short_names.highlight_text("Hai bên hàn gắn, Mỹ - Hàn ký kết", "Hàn Quốc") == "Hai bên hàn gắn, Mỹ - <mark>Hàn</mark> ký kết"


def test_marks_follow_the_accents_typed_and_the_country_facet(short_names: Engine) -> None:
    """A mark says why an article matched: "hà nội" marks "Hà Nội", not the "hạ" and "nối" of the
    same article (they matched only folded); folded readings are marked where the article holds
    nothing as typed (a plain "dương" for "đường"), or writes no accents at all. A short name is
    marked where the country extractor reads the country: not the "Trung" of "Trung ương"."""
    mark = short_names.highlight_text
    text = "Giá vàng hạ nhiệt. Người dân Hà Nội nối dài hàng."
    assert mark(text, "hà nội") == "Giá vàng hạ nhiệt. Người dân <mark>Hà Nội</mark> nối dài hàng."
    # a snippet falls back to single syllables; folded ones only where none is as typed
    folded = snippet("Giá vàng hạ nhiệt, nối dài.", {("hà", "nội")})
    assert "<mark>hạ</mark> nhiệt, <mark>nối</mark>" in folded
    some = snippet("Giá vàng hạ nhiệt ở Hà Tĩnh, nối dài.", {("hà", "nội")})
    assert "<mark>Hà</mark> Tĩnh, <mark>nối</mark>" in some and "<mark>hạ" not in some
    assert mark("Tin tu Ha Noi va Hà Nội.", "hà nội") == "Tin tu <mark>Ha Noi</mark> va <mark>Hà Nội</mark>."
    assert mark("Việt năm nay, Việt Nam", "Việt Nam") == "Việt năm nay, <mark>Việt Nam</mark>"
    assert mark("Đại dương xanh", "đường") == "Đại <mark>dương</mark> xanh"
    assert mark("Con đường ra đại dương", "đường") == "Con <mark>đường</mark> ra đại dương"
    assert mark("Con đường ra đại dương", "duong") == "Con <mark>đường</mark> ra đại <mark>dương</mark>"
    party = "Ban Chấp hành Trung ương Đảng họp. Quan hệ Mỹ - Trung và Trung Quốc."
    assert mark(party, "Trung Quốc") == "Ban Chấp hành Trung ương Đảng họp. Quan hệ Mỹ - <mark>Trung</mark> và <mark>Trung Quốc</mark>."


# -- query language ------------------------------------------------------------------------
def test_quoted_phrase_and_negation(engine: Engine) -> None:
    phrase = set(ids(engine, '"đàm phán bí mật"'))
    assert phrase and phrase <= set(ids(engine, "đàm phán bí mật"))
    without = set(ids(engine, "đàm phán -Lavrov"))
    assert "001_4ce8738a79631aa8" not in without
    assert without


def test_or_and_not_operators(engine: Engine) -> None:
    either = set(ids(engine, "Naryshkin OR Blinken"))
    assert {"001_4ce8738a79631aa8", "002_7b0dbcd924d0e013"} <= either
    assert "002_7b0dbcd924d0e013" not in set(ids(engine, "Nga NOT Naryshkin"))


def test_a_short_query_s_function_words_still_count_in_a_row(tmp_path_factory: pytest.TempPathFactory) -> None:
    """"từ" is a function word and not required, but in "từ liêm" it is a syllable of the
    district's name: the articles holding the run rank first, and it is marked."""
    with _engine_for(tmp_path_factory, "function-runs", {
        "district.txt": ("Tin quận\nSáng nay, tại trụ sở ủy ban nhân dân quận Nam Từ Liêm, lãnh đạo thành phố "
                         "đã họp với người dân về việc giải phóng mặt bằng cho tuyến đường sắt đô thị số 3."),
        "liem.txt": "Ông Liêm về hưu\nÔng Liêm kể lại từ ngày ông Liêm nghỉ hưu, ông Liêm trồng rau.",
        "thanhliem.txt": "Huyện Thanh Liêm\nNông dân Thanh Liêm thu hoạch lúa từ sáng sớm, Thanh Liêm được mùa.",
    }) as engine:
        result = engine.search(SearchRequest(query="từ liêm", per_page=10))
        assert [h.id for h in result.hits][0] == "district"
        assert "<mark>Từ Liêm</mark>" in result.hits[0].snippet


def test_or_joins_the_runs_of_words_on_either_side(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Vietnamese words are several syllables: OR joins the runs around it, and each run keeps
    every word required ("giá xăng OR giá dầu" was (giá OR xăng OR giá) AND dầu)."""
    with _engine_for(tmp_path_factory, "or-runs", {
        "petrol.txt": "Giá xăng giảm\nTừ chiều nay giá xăng giảm 500 đồng mỗi lít.",
        "oil.txt": "Giá dầu thế giới\nGiá dầu thô tăng mạnh trên thị trường châu Á.",
        "fish.txt": "Dầu cá cho trẻ\nCác bà mẹ tin rằng dầu cá giúp trẻ thông minh hơn.",
        "talks.txt": "Công đoàn ngồi vào bàn\nCông nhân và chủ doanh nghiệp thương lượng về tiền lương.",
        "force.txt": "Lực lượng cứu hộ\nLực lượng cứu hộ có mặt ở hiện trường từ sáng sớm.",
        "eu.txt": "Đàm phán Brexit\nAnh và EU bắt đầu đàm phán về quan hệ sau Brexit.",
    }) as engine:
        assert sorted(ids(engine, "giá xăng OR giá dầu")) == ["oil", "petrol"]
        assert sorted(ids(engine, "đàm phán OR thương lượng")) == ["eu", "talks"]
        assert sorted(ids(engine, "giá xăng OR dầu cá")) == ["fish", "petrol"]
        assert ids(engine, "xăng AND giảm OR tăng") == ["petrol"]  # AND ends a run: xăng AND (giảm OR tăng)
        assert sorted(ids(engine, "xăng giảm OR tăng")) == ["oil", "petrol"]


def test_negation_leaves_out_a_word_inside_a_name_or_compound(tmp_path_factory: pytest.TempPathFactory) -> None:
    """pyvi makes "Nguyễn Xuân Phúc" and "bóng đá" one word each: "-Phúc" and "-bóng" still leave
    them out, because a negated word is looked for as syllables in a row, not as pyvi's word."""
    with _engine_for(tmp_path_factory, "negation", {
        "phuc.txt": "Thủ tướng Nguyễn Xuân Phúc thăm Hà Nội\nThủ tướng Nguyễn Xuân Phúc làm việc với lãnh đạo Hà Nội.",
        "abe.txt": "Thủ tướng Nhật Bản thăm Hà Nội\nThủ tướng Shinzo Abe gặp lãnh đạo Hà Nội về hợp tác.",
        "football.txt": "Hà Nội vô địch\nCâu lạc bộ bóng đá Hà Nội giành chức vô địch giải bóng đá quốc gia.",
        "phu.txt": "Người dân Hà Nội\nNgười dân Hà Nội chúc phúc cho đôi vợ chồng trẻ.",
    }) as negation:
        assert set(ids(negation, "thủ tướng")) == {"phuc", "abe"}
        assert set(ids(negation, "thủ tướng -Phúc")) == {"abe"}
        assert set(ids(negation, "thủ tướng NOT Phúc")) == {"abe"}
        assert set(ids(negation, "hà nội -bóng")) == {"phuc", "abe", "phu"}
        assert set(ids(negation, "hà nội -\"nguyễn xuân phúc\"")) == {"abe", "football", "phu"}
        assert set(ids(negation, "hà nội -phuc")) == {"abe", "football"}  # unaccented: any accents
        assert set(ids(negation, "hà nội -Phúc")) == {"abe", "football"}
        assert set(ids(negation, "hà nội -\"lãnh đạo\"")) == {"football", "phu"}


def test_filters_take_values_as_people_type_them(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A filter value in any case or accents, a country by name, a curated official by any
    spelling: each is the value the index files (so its facet entry shows as selected)."""
    with _engine_for(tmp_path_factory, "filters", {
        "a.md": "---\nsource: VnExpress\n---\nNga và Mỹ\nNgoại trưởng Nga Sergey Lavrov gặp Thủ tướng Nguyễn Xuân Phúc tại Hà Nội.",
        "b.md": "---\nsource: VnExpress\n---\nTin Nga\nBộ trưởng Ngoại giao Nga Sergei Lavrov phát biểu tại Moskva.",
        "c.md": "---\nsource: Tuổi Trẻ\n---\nTin Nhật\nThủ tướng Nhật Bản Shinzo Abe thăm Việt Nam.",
        "d.md": "---\nsource: Tuổi Trẻ\n---\nTin TP.HCM\nChủ tịch UBND Thành phố Hồ Chí Minh Nguyễn Thành Phong họp với sở ngành.",
        "e.md": "---\nsource: Tuổi Trẻ\n---\nTin Hà Giang\nBí thư Tỉnh ủy Hà Giang Nguyễn Thanh Phong thăm bà con.",
    }) as filters:
        lavrov = filters.search(SearchRequest(officials=("sergey lavrov",)))
        assert {h.id for h in lavrov.hits} == {"a", "b"} and lavrov.request.officials == ("Sergei Lavrov",)
        chosen = [v for v in lavrov.facets["official"] if v.selected]
        assert [(v.value, v.count) for v in chosen] == [("Sergei Lavrov", 2)]
        assert {h.id for h in filters.search(SearchRequest(officials=("nguyen xuan phuc",))).hits} == {"a"}
        assert {h.id for h in filters.search(SearchRequest(sources=("vnexpress",))).hits} == {"a", "b"}
        assert {h.id for h in filters.search(SearchRequest(sources=("tuoi tre",))).hits} == {"c", "d", "e"}
        assert {h.id for h in filters.search(SearchRequest(countries=("NHẬT BẢN",))).hits} == {"c"}
        # accents tell people apart; a code is not a name folded ("Mỹ" is US, not Malaysia's MY)
        assert {h.id for h in filters.search(SearchRequest(officials=("nguyễn thành phong",))).hits} == {"d"}
        assert {h.id for h in filters.search(SearchRequest(officials=("Nguyễn Thanh Phong",))).hits} == {"e"}
        assert filters.search(SearchRequest(countries=("MỸ",))).request.countries == ("US",)
        assert filters.search(SearchRequest(countries=("jp",))).request.countries == ("JP",)
        unknown = filters.search(SearchRequest(countries=("XX",), sources=("Không có",)))
        assert unknown.total == 0 and unknown.request.countries == ("XX",) and unknown.request.sources == ("Không có",)


def test_title_field_and_prefix(engine: Engine) -> None:
    assert ids(engine, "title:Ukraine") == ["001_4ce8738a79631aa8"]
    assert len(ids(engine, "đàm*")) >= 4


def test_a_wide_prefix_is_narrowed_to_its_commonest_words(sample_index: Path, engine: Engine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from search import evaluate
    from search.query import builder

    vocab = engine.vocabulary()
    everyone = [w for w in vocab.doc_freq if w.startswith("t")]
    assert len(everyone) > builder.MAX_PREFIX_WORDS  # five articles already hold 200+ such words
    common = vocab.commonest_with_prefix("t", 3)
    assert common is not None and len(common) == 3
    assert min(vocab.df(w) for w in common) >= max(vocab.df(w) for w in everyone if w not in common)
    assert vocab.commonest_with_prefix("t", len(everyone)) is None  # no wider than the limit: not narrowed
    narrowed = engine.search(SearchRequest(query="t*", per_page=10))
    assert narrowed.ignored == ["t*: các từ hiếm hơn (chỉ tìm 200 từ thường gặp nhất)"]
    assert engine.search(SearchRequest(query="kreml*")).ignored == []  # a narrow prefix is searched whole
    # Narrowed to 3 words, the prefix reads at most 3 words per field: the array evaluator runs
    # it where it refuses the whole prefix (more terms than its own bound), and finds a subset.
    monkeypatch.setattr(builder, "MAX_PREFIX_WORDS", 3)
    monkeypatch.setattr(evaluate, "MAX_PREFIX_TERMS", 10)
    narrowing = Engine(sample_index)
    try:
        three = narrowing.search(SearchRequest(query="t*", per_page=10))
        assert three.ignored == ["t*: các từ hiếm hơn (chỉ tìm 3 từ thường gặp nhất)"]
        assert 0 < three.total <= narrowed.total == 5
        _, _, built = narrowing._build("t*")
        assert built is not None
        with narrowing._lock:
            searcher, arrays = narrowing.searcher(), narrowing.arrays()
            assert evaluate.rank(arrays, searcher, built.query).mask.any()
            with pytest.raises(evaluate.Unsupported):
                evaluate.rank(arrays, searcher, builder.wq.Prefix("body", "t"))
    finally:
        narrowing.close()


def test_a_query_s_prefixes_share_one_budget(engine: Engine) -> None:
    """Four prefixes cost what one does (each expands to a quarter of the words), a fifth is
    left out and said so, and the same prefix twice asks nothing new: "a* b* ... y*" pasted
    took 2.4 s on 5,000 articles, "t* " a hundred times 1.9 s."""
    from search.query import builder

    once = engine.search(SearchRequest(query="t*"))
    again = engine.search(SearchRequest(query="t* " * 100))
    assert again.ignored == once.ignored and again.total == once.total
    share = builder.MAX_PREFIX_WORDS // builder.MAX_PREFIXES
    wide = engine.search(SearchRequest(query="t* n* h* c* đ*"))
    assert f"t*: các từ hiếm hơn (chỉ tìm {share} từ thường gặp nhất)" in wide.ignored
    assert f"đ*: bỏ qua (tối đa {builder.MAX_PREFIXES} tiền tố mỗi truy vấn)" in wide.ignored
    assert wide.total > 0
    negated = engine.search(SearchRequest(query="Nga -t* -n* -h* -c* -đ*"))
    assert f"đ*: bỏ qua (tối đa {builder.MAX_PREFIXES} tiền tố mỗi truy vấn)" in negated.ignored


@pytest.mark.parametrize("query", ['"unclosed', "((đàm phán", "OR", "NOT", "a OR", "***", "title:", "-", "[]{}", ":", '""'])
def test_malformed_queries_are_searched_leniently(engine: Engine, query: str) -> None:
    result = engine.search(SearchRequest(query=query))
    assert result.total >= 0


def test_malformed_query_reports_what_was_ignored(engine: Engine) -> None:
    result = engine.search(SearchRequest(query='"đàm phán (bí mật'))
    assert result.total > 0
    assert result.ignored


def test_long_natural_language_query_is_not_dominated_by_function_words(engine: Engine) -> None:
    found = ids(engine, "Ai là người đứng đầu Cơ quan Tình báo Trung ương Mỹ đã gặp người đồng cấp Nga ở đâu")
    assert found[0] == "002_7b0dbcd924d0e013"


# -- snippets and suggestions ------------------------------------------------------------------
def test_snippets_mark_words_matched_through_folding(engine: Engine) -> None:
    hit = engine.search(SearchRequest(query="dam phan bi mat")).hits[0]
    assert "<mark>đàm phán</mark>" in hit.snippet or "<mark>bí mật</mark>" in hit.snippet


def test_snippets_are_escaped(mini: Engine) -> None:
    hit = mini.search(SearchRequest(query="hòa bình")).hits
    hostile = next(h for h in hit if h.id == "hostile")
    assert "<script>" not in hostile.title_html and "&lt;script&gt;" in hostile.title_html
    assert "<img" not in hostile.snippet and "&lt;img" in hostile.snippet
    assert "&amp;amp;" in hostile.snippet  # the entity is shown as text, not decoded


def test_snippets_say_where_they_are_cut_and_keep_to_sentences() -> None:
    # Real text from the baomoi corpus: the match is near the middle of a long paragraph.
    text = ("Nuôi tôm phải gắn với bảo vệ môi trường và an sinh xã hội, môi trường. Ngành tôm Việt Nam "
            "phấn đấu đạt 10% GDP quốc gia”, Thủ tướng Nguyễn Xuân Phúc nhấn mạnh. Tại TP. Hồ Chí Minh, "
            "các doanh nghiệp chế biến tôm đã ký nhiều hợp đồng xuất khẩu sang Nhật Bản và châu Âu trong "
            "năm nay, theo số liệu của Hiệp hội Chế biến và Xuất khẩu thủy sản Việt Nam.")
    html = snippet(text, {("thủ", "tướng")}, maxchars=120)
    # cut on both sides, and said so; trimmed to the sentence holding the match
    assert html == ("… Ngành tôm Việt Nam phấn đấu đạt 10% GDP quốc gia”, <mark>Thủ tướng</mark> "
                    "Nguyễn Xuân Phúc nhấn mạnh. …")
    # an abbreviation's full stop ("TP. Hồ Chí Minh") is not a sentence's end
    html = snippet(text, {("hồ", "chí", "minh")}, maxchars=120)
    assert "Tại TP. <mark>Hồ Chí Minh</mark>" in html and html.startswith("… ") and html.endswith(" …")
    # a passage that reaches the text's start or end has no ellipsis on that side
    assert snippet("Thủ tướng phát biểu.", {("thủ", "tướng")}) == "<mark>Thủ tướng</mark> phát biểu."
    assert snippet("Thủ tướng phát biểu.\n", {("thủ", "tướng")}) == "<mark>Thủ tướng</mark> phát biểu."
    # passages in reading order, whatever their scores
    text = "Thủ tướng phát biểu. " + " ".join(["Ông Ba nói rằng"] * 15) + ". Bộ trưởng nói với Thủ tướng."
    assert snippet(text, {("thủ", "tướng")}) == (
        "<mark>Thủ tướng</mark> phát biểu. … Bộ trưởng nói với <mark>Thủ tướng</mark>.")
    # an "and so on" ellipsis before a lowercase word ends no sentence, and one that ends the
    # passage is not doubled; a lowercase abbreviation ("Tp.") ends none either, "EU." does
    text = ("Xe có hộp số, hệ dẫn động, hệ thống treo… nhưng thân xe ngắn hơn… Cửa hành lý rộng. "
            + "Ông Ba nói rằng xe tốt. " * 8)
    assert snippet(text, {("hộp", "số")}, maxchars=80) == (
        "Xe có <mark>hộp số</mark>, hệ dẫn động, hệ thống treo… nhưng thân xe ngắn hơn…")
    assert snippet("Ông Ba nói nhiều điều. Tại Tp. Hồ Chí Minh, Thủ tướng nói.", {("thủ", "tướng")},
                   maxchars=40) == "… Tại Tp. Hồ Chí Minh, <mark>Thủ tướng</mark> nói."
    assert snippet("Ông Ba nói nhiều điều về EU. Thủ tướng Anh nói với EU rằng không.", {("thủ", "tướng")},
                   maxchars=40) == "… <mark>Thủ tướng</mark> Anh nói với EU rằng không."


def test_a_bare_syllable_in_accented_text_is_not_marked_for_an_accented_word() -> None:
    # "giá vàng" typed with accents: the "gia" of "tham gia" (to take part) is another word;
    # in a text written without diacritics "gia vang" is how it is written, and is marked.
    text = "Cuộc khảo sát với sự tham gia của 2.234 người cho thấy giá vàng sẽ tăng."
    assert snippet(text, {("giá",), ("vàng",)}) == (
        "Cuộc khảo sát với sự tham gia của 2.234 người cho thấy <mark>giá</mark> <mark>vàng</mark> sẽ tăng.")
    assert snippet("Gia vang tang manh", {("giá",), ("vàng",)}) == "<mark>Gia</mark> <mark>vang</mark> tang manh"
    assert snippet("Nhà ở Ha Noi", {("hà", "nội")}) == "Nhà ở <mark>Ha Noi</mark>"


def test_did_you_mean_restores_diacritics(engine: Engine) -> None:
    # capitalised: the samples write "Thủ tướng" so wherever they write the two together (before a name)
    assert engine.search(SearchRequest(query="thu tuong")).suggestion == "Thủ tướng"
    assert engine.search(SearchRequest(query="dam phan bi mat")).suggestion == "đàm phán bí mật"
    assert engine.search(SearchRequest(query="đàm phán")).suggestion is None


@pytest.fixture(scope="module")
def spelling(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Nga (Russia) far commoner than ngã (to fall); an entity written apart in the articles."""
    yield from _engine_over(tmp_path_factory, "spelling", {
        "nga1.txt": "Nga và EU đàm phán\nNga và EU nối lại đàm phán về khí đốt. Phía Nga nói EU cần nhượng bộ.",
        "nga2.txt": "Nga tập trận\nQuân đội Nga tập trận gần biên giới, Nga thông báo cho EU.",
        "nga3.txt": "Thủ tướng thăm Nga\nThủ tướng đến Moskva, Nga cam kết tăng đầu tư.",
        "nga4.txt": "Cụ ông bị ngã\nMột cụ ông bị ngã trên đường, được người dân đưa đi cấp cứu.",
        "greece.txt": "Nợ công châu Âu\nNghị viện châu Âu họp về khoản nợ của Hy Lạp.",
        "oto.txt": "Ô tô điện giá rẻ\nHãng xe ra mắt ô tô điện mới; ô tô điện chạy 300 km mỗi lần sạc.",
        "dien1.txt": "Lễ hội diễn ra\nLễ hội diễn ra trong ba ngày với nhiều tiết mục biểu diễn.",
        "dien2.txt": "Diễn viên nổi tiếng\nDiễn viên tham gia buổi diễn tập, diễn ra tối qua.",
    })


def test_did_you_mean_keeps_a_word_commoner_without_diacritics(spelling: Engine) -> None:
    assert spelling.search(SearchRequest(query="thu tuong")).suggestion == "thủ tướng"
    assert spelling.search(SearchRequest(query="nga")).suggestion is None  # Nga, not "ngã"
    assert spelling.search(SearchRequest(query="eu nga dam phan")).suggestion == "EU Nga đàm phán"


def test_did_you_mean_writes_capitals_as_the_hits_do(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The index is lowercase; the suggestion copies how the hits write each syllable inside a
    sentence (capitalised, in capitals or not), where a sentence's first word says nothing, and
    keeps a capital the user typed."""
    with _engine_for(tmp_path_factory, "casing", {
        "hn1.txt": "Giao thông ở thủ đô\nNgười dân Hà Nội đi làm sớm. UBND thành phố Hà Nội họp về giao thông.",
        "hn2.txt": "Tin thủ đô\nThành phố Hà Nội lắp thêm đèn. Sở giao thông Hà Nội và UBND quận họp.",
        "hn3.txt": "Thủ tướng dự họp\nThủ tướng chủ trì phiên họp. Thủ tướng yêu cầu thành phố khẩn trương.",
    }) as casing:
        assert casing.search(SearchRequest(query="ubnd thanh pho ha noi")).suggestion == "UBND thành phố Hà Nội"
        assert casing.search(SearchRequest(query="thu tuong chu tri")).suggestion == "thủ tướng chủ trì"  # sentence starts
        assert casing.search(SearchRequest(query="Thu tuong chu tri")).suggestion == "Thủ tướng chủ trì"  # as typed
        assert casing.search(SearchRequest(query="ha noi")).suggestion == "Hà Nội"
        found = casing.search(SearchRequest(query="Hà Nội"))
        assert {h.id for h in found.hits} == {"hn1", "hn2"}


def test_did_you_mean_cases_a_syllable_as_the_hits_write_it_beside_its_neighbour(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Most of the hits' "chí" are the lowercase "tạp chí" of a magazine; beside "Hồ" and "Minh"
    they write "Chí" (the name), and the suggestion follows the name."""
    with _engine_for(tmp_path_factory, "neighbours", {
        "hcm1.txt": "Tạp chí du lịch\nTạp chí này viết về TP Hồ Chí Minh. Một tạp chí khác, tạp chí ảnh, và tạp chí thời trang cũng có bài.",
        "hcm2.txt": "Báo chí\nCác tạp chí và báo chí ở thành phố Hồ Chí Minh đưa tin; ý chí của người dân và tạp chí tuổi trẻ.",
    }) as names:
        assert names.search(SearchRequest(query="ho chi minh")).suggestion == "Hồ Chí Minh"
        assert names.search(SearchRequest(query="tap chi")).suggestion == "tạp chí"


def test_a_rare_compound_is_not_read_into_common_syllables_met_by_chance(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Typed without diacritics, "trong nam nay" is "trong năm nay" (in this year): one article's
    footballer "Trọng Nam" (a word to pyvi) made it "trong_nam", then "Trọng Nam", beside a
    hundred and twenty articles holding "trong" and "năm" as words of their own."""
    articles = {f"year{i}.txt": f"Tin số {i}\nTrong năm {1900 + i}, thành phố đã xây thêm {i} trường học mới."
                for i in range(120)}
    articles["player.txt"] = "Bàn thắng đẹp\nCầu thủ Trọng Nam ghi bàn ở phút cuối, giúp đội nhà thắng."
    with _engine_for(tmp_path_factory, "chance", articles) as chance:
        from search.query.builder import units_for_text
        vocab = chance.vocabulary()
        assert any(w.startswith("trong_nam") for w in vocab.doc_freq)  # the compound is there to be read
        assert [u.names[0] for u in units_for_text("trong nam nay", vocab)][:2] == [("trong",), ("nam",)]


def test_did_you_mean_leaves_addresses_and_abbreviations_as_typed(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A web address is a name, not words to restore ("vnexpress.net" is not "vnexpress nét"),
    and it is asked as written, its syllables in a row; a syllable typed in capitals among
    lowercase words is an abbreviation ("RU" is not "rủ")."""
    with _engine_for(tmp_path_factory, "addresses", {
        "web.txt": "Tin trên mạng\nTheo trang vnexpress.net, thủ tướng đã đến thăm. Nét mặt ông vui.",
        "nets.txt": "Nét đẹp\nNét đẹp của vùng quê; ông rủ bạn đi xem lưới (net) đánh cá ở vnexpress bãi biển.",
        "ru.txt": "Rủ nhau\nHọ rủ nhau đi chơi. Rủ thêm bạn, rủ cả hàng xóm; mã nước Nga là RU.",
    }) as web:
        result = web.search(SearchRequest(query="vnexpress.net"))
        assert [h.id for h in result.hits] == ["web"] and result.suggestion is None
        assert web.search(SearchRequest(query="tin vnexpress.net thu tuong")).suggestion == "tin vnexpress.net thủ tướng"
        address = web.search(SearchRequest(query="https://vnexpress.net/thu-tuong"))
        assert address.suggestion is None and address.ignored == []  # "https:" is no unknown field
        assert [h.id for h in web.search(SearchRequest(query="title:tin https://vnexpress.net")).hits] == ["web"]
        assert web.search(SearchRequest(query="ma RU")).suggestion == "mã RU"
        assert web.search(SearchRequest(query="ru nhau")).suggestion == "rủ nhau"  # typed lowercase: a word


def test_did_you_mean_restores_a_misspelt_unaccented_word_as_one_word(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Corrected, "tuogn" makes "thu tuong" one word to restore ("thủ tướng"), not "thứ tượng"
    word by word. (Typed bare, a typo is corrected to the nearest bare word, then restored: on
    5,000 real articles "dam phna" gives "đàm phán", where the nearest accented word made it
    "đậm phía"; this index is too small to hold those words alone.)"""
    with _engine_for(tmp_path_factory, "typos", {
        "pm.txt": "Tin họp\nBuổi họp do thủ tướng chủ trì. Phía thủ tướng cho biết sẽ đàm phán tiếp.",
        "pm2.txt": "Tin khác\nỞ đó, thủ tướng nói rằng đàm phán sẽ kéo dài. Phía bạn đồng ý.",
        "statue.txt": "Bức tượng\nMột bức tượng thứ hai được dựng, và một vị tướng về thăm. Phía bắc có tượng.",
        "wall.txt": "Bức tường\nBức tường thứ ba đổ. Phía nam có tường cao, phía tây thì phán rằng không sao.",
    }) as typos:
        assert typos.search(SearchRequest(query="thu tuogn")).suggestion == "thủ tướng"
        assert typos.search(SearchRequest(query="buc tuogn")).suggestion in ("bức tượng", "bức tường")


def test_did_you_mean_restores_a_word_whose_accents_were_forgotten(tmp_path_factory: pytest.TempPathFactory) -> None:
    """"chủ tich nước" finds plenty (the bare "tich" matches any accents) and got no suggestion;
    the word typed bare is restored as the hits write it beside the words typed with accents,
    which stay as typed. A word the index mostly writes bare ("EU", "Trump") is no forgotten accent."""
    with _engine_for(tmp_path_factory, "forgotten", {
        "p1.txt": "Chủ tịch nước tiếp khách\nChủ tịch nước Trần Đại Quang tiếp Đại sứ Nhật Bản tại Hà Nội.",
        "p2.txt": "Hoạt động đối ngoại\nSáng nay, chủ tịch nước đã có cuộc hội đàm với Tổng thống Pháp.",
        "p3.txt": "Thông điệp năm mới\nChủ tịch nước gửi thư chúc mừng năm mới tới kiều bào, EU và Trump cũng chúc mừng.",
        "p4.txt": "Phân tích kinh tế\nCác chuyên gia phân tích số liệu; thành tích xuất khẩu tăng, tích lũy vốn tốt.",
    }) as forgotten:
        found = forgotten.search(SearchRequest(query="chủ tich nước"))
        assert found.total >= 3 and found.suggestion is not None and found.suggestion.lower() == "chủ tịch nước"
        assert forgotten.search(SearchRequest(query="chủ tịch nước")).suggestion is None
        assert forgotten.search(SearchRequest(query="EU và Trump")).suggestion is None


def test_did_you_mean_restores_words_as_the_hits_write_them(spelling: Engine) -> None:
    """Alone, "dien" is most often "diễn"; after "o to", the hits write "ô tô điện"."""
    assert spelling.vocabulary().restore("dien") == "diễn"
    assert spelling.search(SearchRequest(query="o to dien")).suggestion == "ô tô điện"
    assert spelling.search(SearchRequest(query="dien vien")).suggestion == "diễn viên"
    # the context is the best-scored articles, whatever page or order is shown
    for other in (SearchRequest(query="o to dien", page=9), SearchRequest(query="o to dien", sort="newest", per_page=1)):
        assert spelling.search(other).suggestion == "ô tô điện"


def test_did_you_mean_keeps_every_word_typed(spelling: Engine) -> None:
    """Function words are left out of the ranking, not out of the suggestion."""
    assert spelling.search(SearchRequest(query="nga va eu dam phan")).suggestion == "Nga và EU đàm phán"


def test_did_you_mean_never_corrects_an_entity_name(spelling: Engine) -> None:
    """"Hy Lạp" is a name with aliases, whatever word the articles' segmentation made of it; typed
    without diacritics, a name gets back the accented one that folds to it."""
    result = spelling.search(SearchRequest(query="Hy Lạp khoản nợ"))
    assert result.total < 3 and result.suggestion is None
    assert spelling.search(SearchRequest(query="nghi vien chau au")).suggestion == "nghị viện châu Âu"


def test_an_unaccented_word_is_a_function_word_only_if_its_commonest_reading_is() -> None:
    """Typed without diacritics, "so" reads "số" (a number) and "bao" "bão" (a storm), so
    "bao so 1" still asks for the storm, not only for "1"; "ai" and "sao" stay function words
    (their commonest reading is unaccented), and "va" is kept as before in a short query (it may
    be "và", but it may as well be "va" of "va chạm": a short query is not worse for requiring
    it); a long query drops it."""
    from search.query.builder import build
    from search.query.parser import parse
    from search.query.vocabulary import Vocabulary

    counts = {"và": 900, "va": 905, "số": 600, "so": 650, "bão": 400, "bao": 420, "1": 700, "ai": 300, "sao": 200,
              "của": 800, "cua": 805, "gió": 90, "gio": 95, "mạnh": 80, "manh": 85}
    vocab = Vocabulary.from_lexicon(1000, {term: (df, float(df)) for term, df in counts.items()})

    def words(query: str) -> list[str]:
        return ["_".join(u.names[0]) for u in build(parse(query), vocab).units]

    assert words("bao so 1") == ["bao", "so", "1"]
    assert words("ai bao sao") == ["bao"]
    assert words("bao va so") == ["bao", "va", "so"]
    assert words("bão và số") == ["bão", "số"]
    # a long query ranks on any word: there "va" and "cua" go, as "và" and "của" would
    long = "bao so 1 va gio manh cua bao so 1 va gio manh cua bao"
    assert "va" not in words(long) and "cua" not in words(long) and {"bao", "so", "gio", "manh"} <= set(words(long))


def test_did_you_mean_keeps_the_field_each_word_was_asked_in(spelling: Engine) -> None:
    """`title:` holds for the one word after it: the suggestion gives it back to that word."""
    assert spelling.search(SearchRequest(query="title:thu title:tuong tham")).suggestion == "title:thủ title:tướng thăm"
    assert spelling.search(SearchRequest(query="tieude:moskvaa")).suggestion == "title:moskva"
    result = spelling.search(SearchRequest(query=spelling.search(SearchRequest(query="title:thu title:tuong")).suggestion))
    assert [h.id for h in result.hits] == ["nga3"]


def test_did_you_mean_corrects_a_query_found_only_relaxed(spelling: Engine) -> None:
    """Articles with some of the words are no sign the others are spelt right."""
    result = spelling.search(SearchRequest(query="Nga Moskvaa"))
    assert result.relaxed and result.total >= 3 and result.suggestion == "Nga Moskva"


def test_did_you_mean_corrects_at_most_a_few_words(spelling: Engine) -> None:
    """Each correction walks the vocabulary: a query of many unknown words gets three looked up."""
    result = spelling.search(SearchRequest(query="moskvaa điệnn ngườii đườngg moskvaa"))
    assert result.suggestion == "moskva điện người đườngg moskvaa"


def test_did_you_mean_corrects_a_typo_the_articles_made_too() -> None:
    """A syllable one or two articles hold ("giaoo") is corrected when an accented query finds
    little; a rare compound of known syllables, or a rare name typed without accents, is not."""
    from search.query.suggest import suggestion
    from search.query.vocabulary import Vocabulary

    counts = {"ngoại": 200, "giao": 300, "giaoo": 1, "xóa": 100, "nợ": 80, "xóa_nợ": 1, "bỏ": 120, "xóa_bỏ": 90,
              "ciem": 1, "diem": 400, "điểm": 399, "ba": 300, "bà": 290, "nguyen": 250, "nguyễn": 250}
    vocab = Vocabulary.from_lexicon(1000, {term: (df, float(df)) for term, df in counts.items()})
    assert suggestion(["ngoại giaoo"], vocab, total=0) == "ngoại giao"
    assert suggestion(["ngoại giaoo"], vocab, total=5) is None  # finds enough: left as typed
    assert suggestion(["xóa nợ"], vocab, total=0) is None
    assert suggestion(["ba nguyen ciem"], vocab, total=0) == "bà nguyễn ciem"


def test_the_vocabulary_corrector_ranks_by_distance_then_document_frequency() -> None:
    from search.query.vocabulary import Vocabulary

    vocab = Vocabulary(doc_count=20, doc_freq={"hàm": 1, "hàn": 9, "hà": 3, "hàng": 12, "hành": 2})
    assert vocab.corrector.suggest("hàx", limit=5, maxdist=1) == ["hàn", "hà", "hàm"]
    assert vocab.corrector.suggest("hàx", limit=5, maxdist=2) == ["hàn", "hà", "hàm", "hàng", "hành"]


def test_two_letters_typed_the_wrong_way_round_are_one_edit() -> None:
    """Damerau's count: a swap is one edit, so a short word's one-edit limit still finds it, and
    it ranks with the other one-edit words by document frequency."""
    from search.query.suggest import suggestion
    from search.query.vocabulary import Vocabulary

    vocab = Vocabulary(doc_count=500, doc_freq={"tướng": 300, "tướn": 1, "thủ": 250, "thủ_tướng": 240, "hàng": 12, "hnàg": 1})
    assert vocab.corrector.suggest("tướgn", limit=3, maxdist=1)[0] == "tướng"
    assert vocab.corrector.suggest("tướgn", limit=3, maxdist=2).count("tướng") == 1  # found once, at one edit
    assert vocab.corrector.suggest("hàgn", limit=3, maxdist=1) == ["hàng"]
    assert suggestion(["thủ tướgn"], vocab, total=0) == "thủ tướng"


def test_did_you_mean_corrects_a_misspelling(engine: Engine) -> None:
    result = engine.search(SearchRequest(query="Naryshkim"))
    assert result.suggestion is not None and "naryshkin" in result.suggestion.lower()


def test_relaxes_to_any_word_when_no_article_has_all(engine: Engine) -> None:
    result = engine.search(SearchRequest(query="Lavrov xylophone"))
    assert result.relaxed and result.total >= 1


def test_sorting_and_paging(engine: Engine) -> None:
    first = engine.search(SearchRequest(query="Nga", per_page=2, page=1))
    second = engine.search(SearchRequest(query="Nga", per_page=2, page=2))
    assert first.total == second.total >= 4
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    beyond = engine.search(SearchRequest(query="Nga", per_page=2, page=50))
    assert beyond.hits == [] and beyond.total == first.total


def test_new_generation_is_picked_up_without_reopening(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", "Tin thứ nhất\nHội nghị thượng đỉnh diễn ra tại Hà Nội.")
    index_paths(tmp_path / "ix", [docs])
    engine = Engine(tmp_path / "ix")
    assert ids(engine, "thượng đỉnh") == ["a"]
    write_article(docs, "b.txt", "Tin thứ hai\nHội nghị thượng đỉnh tiếp theo sẽ ở Seoul.")
    index_paths(tmp_path / "ix", [docs])
    assert set(ids(engine, "thượng đỉnh")) == {"a", "b"}
    engine.close()


def test_a_snippet_does_not_show_a_repeated_sentence_twice(engine: Engine) -> None:
    """Real text (corpus/003): the lead sentence is restated in the body. Both passages held
    "bí mật"; the snippet showed the same words twice."""
    hits = engine.search(SearchRequest(query="đàm phán bí mật")).hits
    html = next(h.snippet for h in hits if h.id == "003_7320291589475a09")
    assert html.count("đã có hàng loạt cuộc tiếp xúc") == 1, html
    assert "<mark>đàm phán</mark>" in html and "<mark>bí mật</mark>" in html
    # passages that only share a word are both shown
    text = ("Thủ tướng phát biểu tại hội nghị về kinh tế. " + "Ông Ba nói rằng trời mưa. " * 12
            + "Sau đó Thủ tướng tiếp đoàn doanh nghiệp Nhật Bản.")
    assert snippet(text, {("thủ", "tướng")}).count("<mark>Thủ tướng</mark>") == 2


def test_scattered_matches_still_get_marked_snippets(engine: Engine) -> None:
    for hit in engine.search(SearchRequest(query="thu tuong", per_page=20)).hits:
        assert "<mark>" in hit.snippet, hit.id


def test_an_accented_query_with_a_missing_word_is_relaxed_too(engine: Engine) -> None:
    result = engine.search(SearchRequest(query="Lavrov đàm phán đàn tỳ bà xylophone"))
    assert result.relaxed and "001_4ce8738a79631aa8" in [h.id for h in result.hits]


def test_an_exports_summary_is_searched_and_shown_in_snippets(tmp_path: Path) -> None:
    """The summary ("sapo") a JSON export carries beside the body is the article's lead: a query
    of its words finds the article, and the snippet marks them; the stored body stays as given."""
    rows = [{"id": "sapo", "title": "Hồng Kông 20 năm", "summary": "Anh chấp nhận trả lại Hồng Kông cho Trung Quốc năm 1997.",
             "body": "Lễ chuyển giao diễn ra trong mưa. Hàng nghìn người dự lễ."},
            {"id": "inside", "title": "Tin khác", "summary": "Hàng nghìn người dự lễ.",
             "body": "Lễ hội diễn ra ở Huế. Hàng nghìn người dự lễ."}]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    index_paths(tmp_path / "ix", [path])
    with Engine(tmp_path / "ix") as engine:
        hits = engine.search(SearchRequest(query="chấp nhận trả lại Hồng Kông")).hits
        # "lại", a function word, is marked in the run the user typed
        assert [h.id for h in hits] == ["sapo"] and "<mark>chấp nhận</mark> <mark>trả lại Hồng Kông</mark>" in hits[0].snippet
        assert engine.article("sapo").body == rows[0]["body"]  # type: ignore[union-attr]
        assert engine.article("sapo").summary == rows[0]["summary"]  # type: ignore[union-attr]
        # a summary the body already holds is not indexed twice
        assert engine.search(SearchRequest(query='"hàng nghìn người dự lễ"')).total == 2
        inside = engine.search(SearchRequest(query="Huế")).hits[0]
        assert inside.id == "inside" and "ở <mark>Huế</mark>" in inside.snippet
    assert indexed_body(rows[1]["summary"], rows[1]["body"]) == rows[1]["body"]
    assert indexed_body("  Hàng  nghìn người\ndự lễ. ", rows[1]["body"]) == rows[1]["body"]  # spacing aside
    assert indexed_body(rows[0]["summary"], rows[0]["body"]) == rows[0]["summary"] + "\n\n" + rows[0]["body"]


# -- every word whole ranks first ---------------------------------------------------------
_PRESIDENT_DECOYS = [
    "Chủ tịch nước tiếp đoàn Cộng hòa Séc\nChủ tịch nước phát biểu chào mừng đoàn Cộng hòa Séc; chủ tịch nhấn mạnh "
    "quan hệ hữu nghị phát triển và hòa bình, hợp tác phát triển kinh tế.",
    "Chủ tịch Quốc hội thăm Cộng hòa Pháp\nChủ tịch Quốc hội phát biểu tại Paris: Việt Nam và Cộng hòa Pháp "
    "cùng phát triển, giữ hòa bình; chủ tịch phát động hợp tác.",
    "Chủ tịch tỉnh chỉ đạo phát triển nông thôn\nChủ tịch UBND tỉnh yêu cầu phát triển hài hòa, chủ tịch các "
    "huyện phát động phong trào, hòa giải ở cơ sở.",
    "Chủ tịch xã được khen thưởng\nChủ tịch xã phát hiện sai phạm, hòa giải tranh chấp đất đai; chủ tịch "
    "phát biểu nhận thưởng, người dân hòa thuận.",
    "Chủ tịch Cuba thăm Việt Nam\nChủ tịch Cuba phát biểu về tình hữu nghị, Cộng hòa Cuba phát triển; chủ "
    "tịch hai nước cam kết hòa bình.",
    "Chủ tịch Hội đồng nhân dân họp\nChủ tịch HĐND phát biểu khai mạc kỳ họp; chủ tịch đề nghị hòa hợp, "
    "phát triển kinh tế hài hòa.",
    "Chủ tịch Ấn Độ gặp Cộng hòa Hàn Quốc\nChủ tịch phát biểu tại hội nghị, Cộng hòa Hàn Quốc phát triển "
    "mạnh; chủ tịch kêu gọi hòa bình và phát triển bền vững.",
    "Chủ tịch Mặt trận phát động quyên góp\nChủ tịch Mặt trận phát động ủng hộ đồng bào, hòa chung niềm vui; "
    "chủ tịch phát quà cho hộ nghèo.",
    "Chủ tịch huyện đối thoại\nChủ tịch huyện phát biểu tại buổi đối thoại, hòa giải khiếu nại; chủ tịch "
    "phát hiện nhiều vướng mắc, hòa thuận được khôi phục.",
    "Chủ tịch thành phố kiểm tra công trình\nChủ tịch thành phố phát hiện chậm tiến độ, yêu cầu hòa mạng "
    "điện; chủ tịch phát lệnh khởi công, phát triển hạ tầng.",
    "Chủ tịch Lào thăm Cộng hòa Séc\nChủ tịch Lào phát biểu, Cộng hòa Séc và Lào phát triển quan hệ; chủ "
    "tịch nói về hòa bình khu vực.",
    "Chủ tịch Liên đoàn phát biểu\nChủ tịch Liên đoàn phát biểu bế mạc giải, tinh thần hòa nhã; chủ tịch "
    "phát thưởng, hòa khí đoàn kết.",
]


@pytest.fixture(scope="module")
def steelmaker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Many articles about presidents (chủ tịch) that speak of Cộng hòa and phát triển: each holds
    the syllables of "Hòa Phát", scattered, more often than the one article about the company."""
    articles = {f"decoy-{i}.txt": text for i, text in enumerate(_PRESIDENT_DECOYS)}
    articles["hoaphat.txt"] = (  # a long body, named once: word scores rank it last
        "Thép xây dựng tăng giá\nGiá thép xây dựng tăng mạnh trong quý này. Theo ông Trần Đình Long, chủ tịch "
        "Hòa Phát, nhu cầu thép vẫn cao ở các tỉnh miền Trung, nơi nhiều dự án hạ tầng, cầu đường và khu công "
        "nghiệp đang được triển khai, trong khi giá quặng sắt và than cốc nhập khẩu liên tục tăng từ đầu năm.")
    yield from _engine_over(tmp_path_factory, "steelmaker", articles)


@pytest.mark.parametrize("arrays", [True, False], ids=["arrays", "whoosh-matchers"])
@pytest.mark.parametrize("query", ["chủ tịch Hòa Phát", "chu tich hoa phat", "CHỦ TỊCH HÒA PHÁT", "Hòa Phát chủ tịch"])
def test_articles_with_every_word_whole_rank_first(steelmaker: Engine, query: str, arrays: bool) -> None:
    steelmaker.use_arrays = arrays
    try:
        found = ids(steelmaker, query)
    finally:
        steelmaker.use_arrays = True
    assert found[0] == "hoaphat"
    assert len(found) > 10  # the rest still match: the tier orders, it does not filter


def test_the_whole_word_tier_keeps_pages_consistent(steelmaker: Engine) -> None:
    every = ids(steelmaker, "chủ tịch Hòa Phát")
    paged = [h.id for page in (1, 2, 3) for h in steelmaker.search(
        SearchRequest(query="chủ tịch Hòa Phát", per_page=5, page=page)).hits]
    assert paged == every[:15]


# -- phrases stay within a clause -----------------------------------------------------------------
@pytest.fixture(scope="module")
def clauses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from _engine_over(tmp_path_factory, "clauses", {
        "khanhhoa.txt": "Lễ hội ở Nha Trang\nPhó Chủ tịch tỉnh Khánh Hòa. Phát biểu khai mạc, ông nói về du lịch.",
        "hoaphat.txt": "Thép Hòa Phát\nTập đoàn Hòa Phát báo lãi; chủ tịch Hòa Phát nói về thép.",
        "route.txt": "Cao tốc mới\nTuyến cao tốc Hà Nội, Hải Phòng rút ngắn thời gian đi lại.",
        "route2.txt": "Giao thông\nXe khách Hà Nội Hải Phòng chạy mỗi giờ.",
    })


def test_a_phrase_does_not_run_across_a_full_stop(clauses: Engine) -> None:
    assert ids(clauses, '"Hòa Phát"') == ["hoaphat"]
    assert ids(clauses, '"hoa phat"') == ["hoaphat"]
    hit = clauses.search(SearchRequest(query="Hòa Phát")).hits
    assert [h.id for h in hit][0] == "hoaphat"
    scattered = next((h for h in hit if h.id == "khanhhoa"), None)
    assert scattered is None or "<mark>Hòa. Phát</mark>" not in scattered.snippet


def test_a_quoted_phrase_with_a_comma_asks_for_each_clause(clauses: Engine) -> None:
    assert sorted(ids(clauses, '"Hà Nội, Hải Phòng"')) == ["route", "route2"]
    assert ids(clauses, '"Nội Hải"') == ["route2"]  # in a row across the comma only in the other
    snippet = next(h for h in clauses.search(SearchRequest(query='"Hà Nội, Hải Phòng"')).hits if h.id == "route").snippet
    assert "<mark>Hà Nội</mark>, <mark>Hải Phòng</mark>" in snippet


@pytest.mark.parametrize("arrays", [True, False], ids=["arrays", "whoosh-matchers"])
def test_clause_breaks_rank_alike_on_both_paths(clauses: Engine, arrays: bool) -> None:
    clauses.use_arrays = arrays
    try:
        assert ids(clauses, '"Hòa Phát"') == ["hoaphat"]
        assert ids(clauses, '"Nội Hải"') == ["route2"]
    finally:
        clauses.use_arrays = True


@pytest.mark.parametrize("query", ['"giá dầu" Mỹ OR Nga', 'Mỹ OR Trung Quốc "giá dầu"', "giá* dầu mỏ"])
def test_the_tiers_are_for_free_text_only(query: str) -> None:
    """A phrase, a prefix or an OR beside the words: no tier of "every word" (it required both
    sides of "Mỹ OR Nga" when the counts happened to match)."""
    from whoosh import query as wq

    from search.query.builder import build
    from search.query.parser import parse
    from search.query.vocabulary import Vocabulary

    vocab = Vocabulary.from_lexicon(100, {w: (5, 5.0) for w in ("giá", "dầu", "mỹ", "nga", "trung_quốc", "dầu_mỏ")})
    built = build(parse(query), vocab)

    def nodes(q: wq.Query) -> Iterator[wq.Query]:
        yield q
        for child in q.children():
            yield from nodes(child)

    assert not any(isinstance(q, wq.ConstantScoreQuery) for q in nodes(built.query))
    assert any(isinstance(q, wq.ConstantScoreQuery) for q in nodes(build(parse("giá dầu mỏ"), vocab).query))


def test_a_deep_page_does_not_change_the_first(tmp_path_factory: pytest.TempPathFactory,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole-word tier's phrases are checked on a fixed number of first-pass candidates
    (three here, 300 in use), whatever page is asked: a deep page once widened them, lifted
    more articles into the tier and changed page 1 for every later search (rankings are cached)."""
    from search import evaluate

    monkeypatch.setattr(evaluate, "RERANK_CANDIDATES", 3)
    articles = {f"decoy-{i}.txt": text for i, text in enumerate(_PRESIDENT_DECOYS)}
    articles["hoaphat.txt"] = ("Thép xây dựng tăng giá\nTheo ông Trần Đình Long, chủ tịch Hòa Phát, giá thép xây "
                               "dựng tăng mạnh trong quý này ở các tỉnh miền Trung và trên cả nước.")
    with _engine_for(tmp_path_factory, "deep-page", articles) as engine:
        def page(number: int, size: int = 3) -> list[str]:
            return [h.id for h in engine.search(SearchRequest(query="chủ tịch Hòa Phát", per_page=size, page=number)).hits]

        first = page(1)
        assert page(4, size=4)  # the last page: 13 articles
        assert page(1) == first


def test_every_article_holding_the_word_is_in_the_whole_word_tier(tmp_path_factory: pytest.TempPathFactory,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The tier's phrases are checked on the first pass's best only (two here, 300 in use); an
    article holding the word as pyvi segmented it is found by its word instead, wherever the
    first pass put it: "thương lượng" ranked 300 articles of "lực lượng ... bị thương" above
    most of its holders."""
    from search import evaluate

    monkeypatch.setattr(evaluate, "RERANK_CANDIDATES", 2)
    decoy = ("Lực lượng cứu hộ có mặt\nLực lượng cứu hộ đưa người bị thương đi cấp cứu, "
             "lực lượng công an phong tỏa hiện trường, ba người bị thương nặng.")
    articles = {f"decoy-{i}.txt": decoy for i in range(11)}  # past the ten the word-order phase reorders
    articles["talks.txt"] = ("Công đoàn và doanh nghiệp\nSau nhiều tuần đình công kéo dài ở khu công nghiệp, đại diện "
                             "công đoàn và ban giám đốc đã ngồi vào bàn thương lượng về tiền lương của công nhân.")
    with _engine_for(tmp_path_factory, "whole-word-tier", articles) as engine:
        assert ids(engine, "thương lượng")[0] == "talks"
        assert ids(engine, "thuong luong")[0] == "talks"


# -- numbers are cut as the index cuts them ---------------------------------------------------------
@pytest.fixture(scope="module")
def numbers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from _engine_over(tmp_path_factory, "numbers", {
        "budget.txt": "Thu ngân sách\nHà Nội dự kiến thu 10.000 tỷ đồng từ đấu giá đất trong năm nay.",
        "console.txt": "Máy chơi game\nNintendo đã bán 1,5 triệu máy trong tháng đầu.",
        "plain.txt": "Tin vắn\nCó 10000 người tham gia và 15 triệu lượt xem.",
        "conflict.txt": "Đàm phán\nVòng đàm phán Nga-Ukraine mới diễn ra tại Minsk.",
        "fixtures.txt": "Lịch thi đấu\nTrận 1 diễn ra ngày 5, giá vé 3 triệu đồng, 000 chỗ ngồi còn trống.",
    })


def test_a_number_written_tight_is_asked_in_a_row(numbers: Engine) -> None:
    """"1,5 triệu" is not "trận 1 ... ngày 5 ... 3 triệu": a number's syllables stand together."""
    assert ids(numbers, "1,5 triệu") == ["console"]
    assert "fixtures" not in ids(numbers, "10.000 tỷ")


@pytest.mark.parametrize(("query", "expected"), [
    ("10.000 tỷ đồng", "budget"), ('"10.000 tỷ đồng"', "budget"), ("1,5 triệu", "console"), ('"1,5 triệu"', "console"),
    ("Nga-Ukraine", "conflict"), ('"Nga-Ukraine"', "conflict"),
])
def test_a_number_or_a_hyphenated_word_in_a_query_is_its_syllables(numbers: Engine, query: str, expected: str) -> None:
    """"10.000" is the syllables 10 and 000 in the index (its separators were dropped from the
    query, which asked for "10000" and found only the article that writes it so)."""
    assert ids(numbers, query)[:1] == [expected]
    if query.startswith('"'):
        assert ids(numbers, query) == [expected]


def test_did_you_mean_writes_a_number_back_as_typed(numbers: Engine) -> None:
    """Restored, "thu 10.000 ty dong" keeps its number in one piece ("10 000" would be two
    words to the next search, no longer asked in a row), and the suggestion finds the article."""
    suggested = numbers.search(SearchRequest(query="du kien thu 10.000 ty dong")).suggestion
    assert suggested is not None and "10.000" in suggested.split()
    assert suggested.lower() == "dự kiến thu 10.000 tỷ đồng"
    assert ids(numbers, suggested)[:1] == ["budget"]
    assert numbers.search(SearchRequest(query="1,5 trieu")).suggestion == "1,5 triệu"


def test_a_long_query_finds_a_number_as_the_word_fields_hold_it(numbers: Engine) -> None:
    """A long query ranks by whole words; the word fields hold a number as pyvi leaves it
    ("10.000"), which the query once looked up as "10_000" and never found."""
    pasted = "bản tin tuần này nhắc tới khoản 10.000 khiến ai cũng bất ngờ và khó hiểu vô cùng"
    assert ids(numbers, pasted)[:1] == ["budget"]


def test_did_you_mean_counts_a_query_as_the_ranking_does(spelling: Engine) -> None:
    """Twelve words typed, one a number of three syllables: short to the ranking (every word
    required), so did you mean reads the hits' context as for any short query ("o to dien" is
    "ô tô điện" there, where "dien" alone is "diễn"); counted in syllables it was long."""
    suggested = spelling.search(SearchRequest(query="o to dien gia re ra mat 1.000.000 xe moi chay km")).suggestion
    assert suggested is not None and suggested.lower().startswith("ô tô điện ")


def test_did_you_mean_corrects_and_restores_a_name_written_tight(tmp_path_factory: pytest.TempPathFactory) -> None:
    """pyvi keeps "Dr.Thắng" as one token, and the word fields hold it so ("dr.thắng"): a typo
    in it is still corrected, and typed bare it is restored, written as typed."""
    with _engine_for(tmp_path_factory, "tight", {
        "dr.txt": "Bác sĩ giỏi\nSáng nay Dr.Thắng đã gặp bệnh nhân tại bệnh viện tỉnh.",
        "dr2.txt": "Khám bệnh\nDr.Thắng khám cho hơn trăm bệnh nhân mỗi ngày.",
    }) as tight:
        assert tight.search(SearchRequest(query="gặp Dr.Thắngg")).suggestion == "gặp Dr.Thắng"
        assert tight.search(SearchRequest(query="gap Dr.Thang")).suggestion == "gặp Dr.Thắng"


def test_did_you_mean_keeps_a_short_query_short_when_it_corrects_a_word(spelling: Engine) -> None:
    """Corrected, the query is looked at again as one text; it stays as short as the ranking
    took it (its respelling once counted "Nga-Ukraine" as two words, and the twelve words were
    long, without the hits' context: "ô tô diễn")."""
    suggested = spelling.search(SearchRequest(query="o to dien gia re ra mat Nga-Ukraine xe moi chay kmm")).suggestion
    assert suggested is not None and suggested.lower().startswith("ô tô điện ")
