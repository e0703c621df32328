"""Normalisation, segmentation and the analysis chains, on real Vietnamese sentences."""
from __future__ import annotations

import unicodedata

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
