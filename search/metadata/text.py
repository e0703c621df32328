"""Small text helpers shared by the extractors: safe input, tokens, folding, syllable shape."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Control characters other than newline and tab break line-based rules and never carry meaning.
# Nor do the invisible characters pasted inside words (soft hyphen, zero-width ones, BOM).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")

# A word is letters joined by inner hyphens or apostrophes ("Jean-Pierre", "O'Brien",
# "Mát-xcơ-va"); anything else that is not space is a one-character token.
TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+|\S")

# Onset, then vowels, then an optional final: the shape of one Vietnamese syllable once its
# marks are folded away. "Tâm", "Anh", "Kim" fit; "Donald", "Trump", "Joe", "Lavrov" do not.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?"
)
# Letters that only Vietnamese spelling uses among the Latin scripts we meet in the news.
_VIETNAMESE_ONLY = set("ăâđêôơưĂÂĐÊÔƠƯ")
_TONES = set("\u0300\u0301\u0303\u0309\u0323")


def clean_input(text: object) -> str:
    """Return NFC text without control characters; anything not a string becomes ""."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


def squash_spaces(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents (đ -> d), for comparing names across spellings."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """True when the word could be one Vietnamese syllable (so possibly part of a Vietnamese name)."""
    if any(c in _VIETNAMESE_ONLY for c in word):
        return True
    decomposed = unicodedata.normalize("NFD", word)
    if any(c in _TONES for c in decomposed):
        return True
    return _SYLLABLE.fullmatch(fold(word)) is not None


def is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def is_acronym(word: str) -> bool:
    """"CIA", "NATO", "LHQ": upper-case words of two letters or more."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


class Token(NamedTuple):  # a named tuple, not a frozen dataclass: ~4x cheaper to make
    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


# Scraped pages lose the space around links and bold text: "Bộ trưởngGiao thôngMỹ Sean Duffy".
# A lower-case letter that only Vietnamese uses (a marked vowel) glued to a capital is such a seam;
# "VnExpress", "iPhone" or "McDonald" have no marked vowel there and stay whole.
def _letters(upper: bool) -> str:
    """Vietnamese letters of one case, as a regex class body ("a-z" plus marked letters)."""
    marked = "".join(
        chr(code) for code in range(0xC0, 0x1EFA)
        if chr(code).isupper() == upper and chr(code).isalpha() and fold(chr(code)) in "aeiouyd"
        and fold(chr(code)) != chr(code).lower()
    )
    return ("A-Z" if upper else "a-z") + marked


_MARKED = set("".join(c for c in _letters(False) + _letters(True) if c not in "a-zA-Z"))
# Bounded repeats from a word start: unbounded ones backtrack quadratically on long junk words.
_GLUED = re.compile(f"\\b[^\\W\\d_]{{0,30}}[{_letters(False)}][{_letters(True)}][^\\W\\d_]{{0,30}}")
_INNER_CAPITAL = re.compile(f"(?<=[{_letters(False)}])(?=[{_letters(True)}][{_letters(False)}])")


def _split_glued(match: re.Match[str]) -> str:
    word = match.group()
    pieces, start = [], 0
    for seam in _INNER_CAPITAL.finditer(word):
        if any(c in _MARKED for c in word[start:seam.start()]):
            pieces.append(word[start:seam.start()])
            start = seam.start()
    return " ".join(pieces + [word[start:]])


# An editor's bracket inside a name: "(Tổng thống Ukraine Volodymyr) Zelensky".
_BRACKETED_FIRST_NAME = re.compile(r"\(([^()\n]{1,80}?\s[A-Z][\w-]*)\)\s+(?=[A-Z])")


def repair_for_extraction(text: str) -> str:
    """Text with lost spaces and bracketed first names repaired; the same length is not kept,
    so use it for finding names and places only, never for offsets into the body."""
    text = _GLUED.sub(_split_glued, text)
    return _BRACKETED_FIRST_NAME.sub(lambda m: m.group(1) + " ", text)
