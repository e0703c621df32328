"""Character-level normalisation: the first stage of analysis, before any tokenizer runs.

Order matters: NFC first (pyvi and the syllable regex both need precomposed text, and stored
text must be NFC or highlight offsets drift), then tone-mark placement per syllable, then folding.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

# The five tone marks as combining characters. Vowel-quality marks (breve, circumflex, horn)
# are part of the letter and stay where they are.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A syllable: a run of letters/digits. "_" is excluded because the word tokenizer uses it to
# join syllables; underscores in source text are separators. Every module that cuts syllables
# uses this one, so the index, queries, snippets and name marks cut them alike.
SYLLABLE = re.compile(r"[^\W_]+")

# Words before a full stop that does not end a sentence: an initial ("Donald J. Trump") or a
# common abbreviation ("TP. Hồ Chí Minh", "Tp.", "PGS.", "Mr.").
ABBREVIATIONS = frozenset("tp q p ts gs pgs ths bs ks mr mrs ms dr st jr th tx tt".split())
_CLAUSE_MARK = re.compile(r"[.,;:!?…]")
MAY_BREAK = re.compile(r"[\n.,;:!?…]")  # a text without any of these is one clause
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
# The rest of a gap between syllables from its first clause mark or line break: the only gaps
# breaks_clause needs to look at. (Matched from the mark, the gap's start found after: six times
# faster than a pattern for the whole gap, which is tried at every character.)
_MARKED_GAP = re.compile(MAY_BREAK.pattern + r"[\W_]*")
_GAP_HEAD = re.compile(r"[\W_]*\Z")
_SYLLABLE_BEFORE = re.compile(r"[^\W_]+\Z")
CLAUSE_RULE = "clauses 1"  # names the rule below, for analysis.names.names_version: change it with the rule


def breaks_clause(before: str, gap: str) -> bool:
    """Whether `gap`, the characters between two syllables, ends a clause: a line break, or
    clause punctuation followed by a space ("Khánh Hòa. Phát biểu", "Hà Nội, Hải Phòng"). Tight
    punctuation joins ("10.000", "TP.HCM", "Nga-Ukraine"), and so does the full stop of an
    abbreviation or an initial (`before` is the syllable before the gap: "TP. Hồ Chí Minh").
    Linear in the gap's length (a page of dots is a gap too)."""
    if gap == " ":
        return False
    if "\n" in gap:
        return True
    spaced = _UP_TO_LAST_SPACE.match(gap)
    if spaced is None:  # tight
        return False
    last = spaced.end() - 1
    mark = _CLAUSE_MARK.search(gap, 0, last)
    if mark is not None and mark.start() == 0 and gap[0] == "." and _abbreviation(before):
        mark = _CLAUSE_MARK.search(gap, 1, last)
    return mark is not None


def _abbreviation(syllable: str) -> bool:
    return syllable.lower() in ABBREVIATIONS or (len(syllable) == 1 and syllable.isalpha())


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of `text`: cut at the gaps between two syllables that break
    a clause, as the syllable fields' positions run (analysis.tokenizers.SyllableTokenizer skips
    one there). Found with one regular expression pass over the text: this runs for every
    article indexed, twice (the positions and the name marks)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for gap in _MARKED_GAP.finditer(text):
        at, to = gap.span()
        if at and not SYLLABLE.match(text, at - 1):  # the gap began before its mark ('" .')
            at = _GAP_HEAD.search(text, max(start, 0), at).start()  # type: ignore[union-attr]
        if at <= start or to == len(text):
            continue  # before the first syllable or after the last: nothing to break
        if to - at == 2 and text[at] in ",;:!?…" and text[at + 1] == " ":  # most clause ends: no closer look
            spans.append((start, at))
            start = to
            continue
        low = max(0, at - 4)  # the syllable before the gap, as far as an abbreviation's length
        before = _SYLLABLE_BEFORE.search(text, low, at)
        word = before.group() if before else ""
        if before and before.start() == low and low and SYLLABLE.match(text, low - 1):
            word = ""  # longer: no abbreviation
        if breaks_clause(word, gap.group()):
            spans.append((start, at))
            start = to
    spans.append((start, len(text)))
    return spans


def clause_pieces(text: str) -> list[str]:
    """`text` cut where a clause breaks between two of its syllables: a quoted phrase that
    holds a comma is two phrases, as the syllable fields' positions have it."""
    return [text[start:end] for start, end in clause_spans(text)]



# Icelandic eth (Ð, ð) looks like Vietnamese Đ/đ and stands for them in text converted from
# old Vietnamese encodings or typed on some keyboards; Vietnamese never uses it otherwise.
_ETH = str.maketrans("\u00d0\u00f0", "\u0110\u0111")


def to_nfc(text: str) -> str:
    """NFC, with control characters and lone surrogates replaced by spaces and the look-alike
    Ð/ð read as Đ/đ (each the same length, so offsets hold)."""
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", text)).translate(_ETH)


def _tone_slot(letters: str) -> int | None:
    """Index in `letters` (lowercase, toneless) where the modern ("new style") rule puts the tone.

    The modern rule writes hòa, khỏe, thủy; the older one hoà, khoẻ, thuỷ. Both are in use, so
    every syllable is rewritten to one placement before it is compared.
    """
    start = 0
    # "qu" and "gi" (before another vowel) are consonants: quý, giá.
    if letters.startswith("qu"):
        start = 2
    elif letters.startswith("gi") and len(letters) > 2 and letters[2] in _VOWELS:
        start = 2
    i = start
    while i < len(letters) and letters[i] not in _VOWELS:
        i += 1
    first = i
    while i < len(letters) and letters[i] in _VOWELS:
        i += 1
    cluster = range(first, i)
    if not cluster:
        return None
    if i != len(letters) and any(letters[j] not in "abcdghklmnpqrstvxđ" for j in range(i, len(letters))):
        return None  # not a Vietnamese syllable shape: leave it alone
    for j in reversed(cluster):  # ươ takes the mark on ơ
        if letters[j] in _MARKED_VOWELS:
            return j
    if i < len(letters):  # closed syllable: on the last vowel (hoàng, thuyết)
        return cluster[-1]
    if len(cluster) >= 3:  # open triphthong: on the middle vowel (ngoài, khuỷu)
        return cluster[1]
    return cluster[0]  # open: on the first vowel (hòa, thủy, mía)


@lru_cache(maxsize=65536)
def normalize_tone(syllable: str) -> str:
    """Move the tone mark of one NFC syllable to its canonical vowel; keeps length and case."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return syllable
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if len(bare) != len(syllable):
        return syllable
    slot = _tone_slot(bare.lower())
    if slot is None:
        return syllable
    marked = unicodedata.normalize("NFC", bare[slot] + tones[0])
    if len(marked) != 1:
        return syllable
    return bare[:slot] + marked + bare[slot + 1 :]


def normalize_tones(text: str) -> str:
    """normalize_tone applied to every word of a text."""
    return SYLLABLE.sub(lambda m: normalize_tone(m.group()), text)


@lru_cache(maxsize=65536)
def normalize_token_tones(token: str) -> str:
    """normalize_tones for one token (a word or syllable), cached: a corpus repeats its words."""
    return normalize_tones(token)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Strip every diacritic: "Đàm phán" -> "Dam phan". Length-preserving on NFC input.

    Written by hand because pyvi's remove_accents returns bytes and drops punctuation.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _fold_char(ch: str) -> str:
    """One character lowercased and folded, when that leaves one character (offsets hold)."""
    folded = _fold_uncached(ch).lower()
    return folded if len(folded) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


def _fold_uncached(text: str) -> str:
    return fold.__wrapped__(text)  # the tables below fold each character once: no cache needed


# The tables. Every character below U+3000 (every Latin, Greek and Cyrillic letter, punctuation,
# and Vietnamese) folds through a lookup array indexed by code point: numpy maps a whole text in
# one step, six times faster than str.translate, which looks each character up in a dict. A
# text with a character beyond it (CJK, kana with dakuten, emoji) goes through str.translate with
# the full table, which folds any character on first sight.
_TABLE_END = 0x3000
_FAST_TABLE = {code: _fold_char(chr(code)) for code in range(_TABLE_END)}
_LOOKUP = np.array([ord(_FAST_TABLE[code]) for code in range(_TABLE_END)], dtype="<u4")  # as UTF-32-LE


class _FullTable(dict[int, str]):
    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < 2 * len(_FAST_TABLE):  # bounded, whatever characters a hostile text brings
            self[code] = folded
        return folded


_FULL_TABLE = _FullTable(_FAST_TABLE)


@lru_cache(maxsize=64)  # a page's hits: the rescoring phase folds them, then their snippets
def folded_view(text: str) -> str:
    """Lowercase, diacritic-free text of exactly the same length, so offsets carry over: what
    the highlighter and the rescoring phase search in."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")  # little-endian, as encoded
    if codes.size == 0 or codes.max() >= _TABLE_END:
        return text.translate(_FULL_TABLE)
    return _LOOKUP[codes].tobytes().decode("utf-32-le")


# Characters pasted inside words that never separate them: soft hyphen, zero-width (non-)joiner,
# word joiner, BOM. Article text loses them the same way (metadata.text.clean_input). A zero-width
# space stays a separator: it is as often typed between words as inside one.
_INVISIBLE_IN_WORDS = dict.fromkeys(map(ord, "\u00ad\u200c\u200d\u2060\ufeff"))
# Fullwidth ASCII (an East Asian keyboard's "ｈà ｎội") is the ASCII it looks like.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize_query(text: str) -> str:
    """What a query goes through before parsing: invisible and fullwidth characters as the
    letters they hide, NFC, canonical tones, whitespace collapsed."""
    text = text.translate(_INVISIBLE_IN_WORDS).translate(_FULLWIDTH)
    # NFC again after moving tones: a stray combining mark after a syllable can compose with
    # the letter the tone just left (found by the property tests).
    return " ".join(unicodedata.normalize("NFC", normalize_tones(to_nfc(text))).split())


def has_diacritics(text: str) -> bool:
    return fold(text) != text
