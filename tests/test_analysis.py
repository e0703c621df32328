"""Normalisation, segmentation and the analysis chains, on real Vietnamese sentences."""
from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from search.analysis import SyllableAnalyzer, WordAnalyzer, fold, normalize_query, normalize_tones, to_nfc
from search.analysis.normalize import normalize_tone
from search.analysis.segmenter import segment

SENTENCE = "Ngày 21/1, Bộ trưởng Ngoại giao Nga Sergei Lavrov và người đồng cấp Mỹ Antony Blinken đã có cuộc hội đàm tại Geneva."


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoà", "hòa"), ("thuỵ", "thụy"), ("khoẻ", "khỏe"), ("Hoà", "Hòa"), ("HOÀ", "HÒA"), ("loà", "lòa")],
)
def test_old_and_new_tone_placement_become_one(old: str, new: str) -> None:
    assert normalize_tone(old) == new
    assert normalize_tone(new) == new


@pytest.mark.parametrize("word", ["hoàng", "thuyết", "ngoài", "người", "quý", "giá", "gì", "của", "được", "Việt", "khuỷu"])
def test_tone_normalisation_keeps_correct_syllables(word: str) -> None:
    assert normalize_tone(word) == word


def test_fold_strips_every_diacritic_and_d_bar() -> None:
    assert fold("Đàm phán bí mật ở Điện Kremlin") == "Dam phan bi mat o Dien Kremlin"
    assert fold("Thổ Nhĩ Kỳ") == "Tho Nhi Ky"


def test_nfd_text_normalises_to_the_same_nfc() -> None:
    nfd = unicodedata.normalize("NFD", SENTENCE)
    assert nfd != SENTENCE
    assert to_nfc(nfd) == SENTENCE
    assert normalize_query(nfd) == normalize_query(SENTENCE)


def test_normalisation_is_idempotent() -> None:
    text = normalize_tones(to_nfc("Hoà bình, thuỵ sĩ, khoẻ mạnh"))
    assert normalize_tones(to_nfc(text)) == text


def test_segments_align_with_the_input_offsets() -> None:
    text = "Bộ trưởng Ngoại giao Nga Sergei Lavrov tại TP.HCM ngày 12/3, COVID-19 và  Điện Kremlin."
    words = segment(text)
    assert words, "pyvi found no words"
    for w in words:
        assert text[w.start : w.end] == w.text
    assert "Bộ trưởng" in [w.text for w in words]


def test_long_lines_are_segmented_in_pieces_with_correct_offsets() -> None:
    text = " ".join([SENTENCE] * 60)  # one 7,000-character line
    words = segment(text)
    assert all(text[w.start : w.end] == w.text for w in words)
    assert sum(1 for w in words if w.text == "Bộ trưởng") == 60


@pytest.mark.parametrize("odd", ["", "!!!", "😀😀", "http://example.com/a_b?c=d", "\x00\x01", "a" * 5000, "_ _ __"])
def test_odd_input_never_raises(odd: str) -> None:
    for w in segment(to_nfc(odd)):
        assert w.start < w.end


def test_word_analyzer_emits_compounds_with_folded_variants() -> None:
    tokens = [(t.text, t.pos) for t in WordAnalyzer()("Đàm phán bí mật", positions=True)]
    assert ("đàm_phán", 0) in tokens and ("dam_phan", 0) in tokens
    assert ("bí_mật", 1) in tokens and ("bi_mat", 1) in tokens


def test_syllable_analyzer_offsets_point_at_the_original_text() -> None:
    text = "Hoà bình ở Thuỵ Sĩ"
    for t in SyllableAnalyzer()(text, chars=True):
        assert fold(text[t.startchar : t.endchar]).lower() == fold(t.text)
    texts = [t.text for t in SyllableAnalyzer()(text)]
    assert "hòa" in texts and "thụy" in texts  # canonical tone placement


def _pieces_of(texts: list[str]) -> list[str]:
    from search.analysis.segmenter import pieces

    return [piece for text in texts for _, piece in pieces(to_nfc(text))]


ODD_PIECES = ["", " ", "...", "TP.HCM ngày 12/3", "COVID-19", "Mr. Dr. ThS. Nguyễn", "==> -> >>", "a_b c_d",
              "ΑΣ Σ ΣΑ İstanbul", "http://vnexpress.net/x?y=1 a@b.vn", "😀 Hà Nội 😀", "HÀ NỘI VÀ TP HỒ CHÍ MINH",
              "1.000.000 đồng", "<=> ~ ^^", "Thổ Nhĩ Kỳ", "thổ nhĩ kỳ", "Điện Kremlin"]


def test_the_fast_crf_path_equals_pyvi_on_the_sample_archive_and_odd_text() -> None:
    from search.analysis.segmenter import _tokenize, reference_tokenize
    from tests.conftest import CORPUS

    pieces = _pieces_of([p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]) + ODD_PIECES
    assert len(pieces) > 50
    assert [_tokenize(p) for p in pieces] == [reference_tokenize(p) for p in pieces]
    assert [_words(p) for p in pieces] == [_aligned_reference(p) for p in pieces]


def _words(piece: str) -> tuple[tuple[str, int, int], ...]:
    from search.analysis.segmenter import _words as words

    return words(piece)


def _aligned_reference(piece: str) -> tuple[tuple[str, int, int], ...]:
    """pyvi's own output, mapped back onto the piece: what the offsets of our words must be."""
    from search.analysis.segmenter import _align, reference_tokenize

    return tuple(_align(piece, reference_tokenize(piece)))


def test_decomposed_pieces_are_segmented_as_pyvi_does() -> None:
    nfd = unicodedata.normalize("NFD", SENTENCE)
    assert _words(nfd) == _aligned_reference(nfd)


@pytest.mark.corpus
def test_the_fast_crf_path_equals_pyvi_on_real_news(baomoi_path) -> None:  # type: ignore[no-untyped-def]
    import gzip
    import itertools
    import json

    from search.analysis.segmenter import _tokenize, reference_tokenize

    with gzip.open(baomoi_path, "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for line in itertools.islice(lines, 150)]
    pieces = _pieces_of([a.get(k) or "" for a in articles for k in ("title", "summary", "body")])
    differing = [p for p in pieces if _tokenize(p) != reference_tokenize(p) or _words(p) != _aligned_reference(p)]
    assert not differing, differing[:3]


def test_segmentation_from_many_threads_at_once_matches_one_thread() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from search.analysis.segmenter import _tokenize

    texts = [f"{SENTENCE} Lần thứ {i}." for i in range(40)]
    alone = [_tokenize(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(_tokenize, texts)) == alone


# -- the one filter and the three it replaced -------------------------------------------------------
def _assert_filter_terms_as_before(texts: list[str]) -> None:
    """VietnameseFormsFilter must index exactly what LowercaseFilter | ToneFilter |
    FoldVariantFilter did (indexes built with those keep working, and neither side may drift)."""
    from whoosh.analysis import LowercaseFilter
    from whoosh.fields import TEXT

    from search.analysis.filters import FoldVariantFilter, ToneFilter
    from search.analysis.tokenizers import SyllableTokenizer, WordTokenizer
    from search.schema import SCORED_FIELDS, build_schema

    schema = build_schema()
    for name in SCORED_FIELDS:
        field = schema[name]
        tokenizer = SyllableTokenizer() if name.endswith("_syl") else WordTokenizer()
        before = TEXT(analyzer=tokenizer | LowercaseFilter() | ToneFilter() | FoldVariantFilter(),
                      phrase=field.format.__class__.__name__ == "Positions", field_boost=field.format.field_boost)
        differing = [t for t in texts if list(field.index(t)) != list(before.index(t))]
        assert not differing, (name, differing[:2])


def test_the_forms_filter_indexes_as_the_three_filters_did_on_the_sample_archive_and_odd_text() -> None:
    from tests.conftest import CORPUS

    texts = [to_nfc(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    _assert_filter_terms_as_before(texts + ODD_PIECES + [SENTENCE, "Thuỵ Sĩ hoà đàm, KHOẺ", "Đ đ Đàm_Phán __x__ İstanbul ΣΑΣ"])


@pytest.mark.corpus
def test_the_forms_filter_indexes_as_the_three_filters_did_on_real_news(baomoi_path) -> None:  # type: ignore[no-untyped-def]
    import gzip
    import itertools
    import json

    with gzip.open(baomoi_path, "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for line in itertools.islice(lines, 150)]
    _assert_filter_terms_as_before([to_nfc(a.get(k) or "") for a in articles for k in ("title", "body")])


def test_folded_view_folds_every_character_as_fold_does_one_at_a_time() -> None:
    from search.analysis import folded_view
    from search.analysis.normalize import _fold_char

    below = "".join(chr(c) for c in range(0x3000))
    beyond = "".join(chr(c) for c in range(0x3000, 0x30000) if not 0xD800 <= c < 0xE000)
    for text in (below, beyond, "Đàm phán ガス " + below[:500]):
        view = folded_view(text)
        assert len(view) == len(text)
        assert view == "".join(_fold_char(ch) for ch in text)
    assert folded_view("ĐÀM PHÁN Bí MẬT ガス") == "dam phan bi mat カス"
    assert folded_view("Hà\ud800NỘI") == "ha\ud800noi"  # a lone surrogate, as a broken JSON export can hold
    assert folded_view("") == ""


def _names_in_a_row(text: str) -> set[str]:
    """The reference for names_in: the syllable analyzer's own tokens, as Whoosh's phrase query
    reads them (each position holds its accented and its folded term)."""
    from search.analysis.names import name_term, phrase_names

    at: dict[int, set[str]] = {}
    for token in SyllableAnalyzer()(text, positions=True):
        at.setdefault(token.pos, set()).add(token.text)
    return {name_term(name) for name in phrase_names() for start in at
            if all(word in at.get(start + i, ()) for i, word in enumerate(name))}


NAMED = ("Quan hệ Hàn Quốc - Triều Tiên căng thẳng; HÀN QUỐC và Nhật Bản họp tại Liên Hợp Quốc. "
         "Ông Donald Trump gặp Tổng thống Hàn. Quốc hội Mỹ. han quoc, trieu tien, Hoa Kỳ, Hoa  Kỳ, "
         "Hội đồng Bảo an LHQ, Bắc Kinh-Moskva, nước Cộng hòa Nhân dân Trung Hoa, Thuỵ Sĩ")


def test_name_marks_are_the_names_the_syllable_field_holds_in_a_row() -> None:
    from search.analysis.names import NameMarksTokenizer, names_in, names_version, phrase_names
    from tests.conftest import CORPUS

    texts = [to_nfc(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    for text in texts + ODD_PIECES + [NAMED, "", "Hàn"]:
        assert names_in(text) == _names_in_a_row(text), text[:60]
    found = names_in(NAMED)
    # written accented, a name is found in both forms; across a full stop it is still "in a row",
    # as Whoosh's phrase query sees positions, not punctuation
    assert {"hàn quốc", "han quoc", "triều tiên", "liên hợp quốc", "donald trump", "hoa kỳ", "hoa ky",
            "hội đồng bảo an", "bắc kinh", "cộng hòa nhân dân trung hoa", "thụy sĩ"} <= found
    # names carry their tones where the index puts them, or an old-style "Thuỵ Sĩ" would never match
    assert all(normalize_tones(s) == s for name in phrase_names() for s in name)
    terms = [t.text for t in NameMarksTokenizer()(NAMED)]
    assert terms[0] == names_version() and sorted(terms[1:]) == sorted(found)
    assert [t.text for t in NameMarksTokenizer()("")] == [names_version()]  # checked, and holds none


@pytest.mark.corpus
def test_name_marks_are_the_names_in_a_row_on_real_news(baomoi_path) -> None:  # type: ignore[no-untyped-def]
    import gzip
    import itertools
    import json

    from search.analysis.names import names_in

    with gzip.open(baomoi_path, "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for line in itertools.islice(lines, 150)]
    texts = [to_nfc(a.get(k) or "") for a in articles for k in ("title", "body")]
    assert sum(bool(names_in(t)) for t in texts) > 50
    assert [names_in(t) for t in texts] == [_names_in_a_row(t) for t in texts]


# -- clause breaks in the syllable fields' positions -----------------------------------------------
def _syllable_positions(text: str) -> dict[str, int]:
    return {t.text: t.pos for t in SyllableAnalyzer()(text, positions=True)}


def test_a_clause_break_skips_a_position_so_no_phrase_runs_across_it() -> None:
    at = _syllable_positions("Ông phát biểu tại Khánh Hòa. Phát triển du lịch, Hải Phòng\nĐà Nẵng")
    assert at["phát"] - at["hòa"] == 2 and at["hoa"] == at["hòa"]  # a full stop and a space: a gap
    assert at["hải"] - at["lịch"] == 2  # a comma
    assert at["đà"] - at["phòng"] == 2  # a line break
    assert at["triển"] - at["phát"] == 1


@pytest.mark.parametrize("text", ["giá 10.000 đồng", "TP.HCM mới", "TP. Hồ Chí Minh", "Donald J. Trump",
                                  "Nga-Ukraine", "PGS. TS Nguyễn", "Mỹ (Hoa Kỳ) và", "trận \"khai xuân\" với"])
def test_tight_punctuation_abbreviations_and_brackets_do_not_break(text: str) -> None:
    positions = sorted(set(_syllable_positions(text).values()))
    assert positions == list(range(len(positions))), positions


def test_names_are_marked_within_a_clause_only() -> None:
    from search.analysis.names import names_in

    assert "hoa ky" not in names_in("lính cứu hỏa, kỹ sư dầu khí")  # "hỏa, kỹ" folds to "hoa ky"
    assert {"hoa kỳ", "hoa ky"} <= names_in("Chính phủ Hoa Kỳ công bố")


def test_a_word_stops_at_a_clause_break_even_where_pyvi_joins_across_it() -> None:
    """pyvi makes one word of an acronym ending a sentence and the next sentence's first word
    ("EU. Sự kiện" -> "EU_Sự"); the index takes a word as its syllables in a row, so it is cut."""
    terms = {t.text for t in WordAnalyzer()("Quyết định của EU. Sự kiện này gây chú ý. Giá USD. Vậy là xong.")}
    assert not any(t.startswith(("eu_", "usd_")) for t in terms), sorted(terms)
    assert {"eu", "usd"} <= terms


def test_segmenting_loads_neither_scikit_learn_nor_a_temporary_model_file(tmp_path: Path) -> None:
    """pyvi's model pickle names scikit-learn (1 s of a server's start, 75 MB) and writes its CRF
    to a temporary file in every process; the adapter reads the same model without either."""
    code = (
        "import sys, tempfile\n"
        "from search.analysis.segmenter import segment\n"
        "words = [s.text for s in segment('Thủ tướng Nguyễn Xuân Phúc thăm Điện Kremlin')]\n"
        "assert words == ['Thủ tướng', 'Nguyễn Xuân Phúc', 'thăm', 'Điện Kremlin'], words\n"
        "assert 'sklearn' not in sys.modules and 'pyvi.ViTokenizer' not in sys.modules\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []
