"""Countries named in a text: names, aliases, demonym uses and seats of government.

A lexicon of every alias (Babel's Vietnamese names + search/data/countries.tsv + capitals.tsv
+ orgs.tsv + lookalikes.txt) is looked up over token n-grams, longest first. Case matters:
Vietnamese writes country names capitalised, so "anh" (pronoun) and "pháp luật" never match.
A name of one syllable is then checked against the person-name shape ("Phương Anh",
"Mỹ Tâm", "anh Đức"), because such names are also common Vietnamese given names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from ..analysis.normalize import normalize_token_tones
from ..models import Country
from .data import babel_countries, capitals, country_labels, country_aliases, lookalikes, not_people, organisations, places
from .text import fold, is_capitalised, is_vietnamese_syllable

# Words split on hyphens here, so "Nga-Ukraine" and "Mỹ-Nga" give two names.
_TOKEN = re.compile(r"[^\W\d_]+|\d+|\S")
_SENTENCE_END = set(".!?:;…\"“”'‘’()[]–-•*|/")
_DASH = re.compile(r"\s*[-–—]\s*")

# Lower-case words after which a capitalised one-syllable word is a given name ("anh Đức",
# "chị Nga", "ca sĩ Mỹ Tâm" is caught by the name shape instead).
_HONORIFICS = {"ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cháu", "bé", "cụ", "thầy",
               "cậu", "dì", "mợ", "nàng", "chàng", "o", "thím", "mẹ", "bố", "cha", "vợ", "chồng"}
# Capitalised words that may stand right before a country name without making it part of a
# person's name: sentence openers and the title-case tails of office names ("Bộ Ngoại Giao Mỹ").
_CONTEXT = {
    "theo", "tại", "ở", "với", "và", "của", "phía", "người", "nước", "cả", "giữa", "từ", "đến",
    "tới", "sang", "cho", "trong", "khi", "còn", "nhưng", "hay", "hoặc", "cùng", "về", "so",
    "như", "vì", "do", "bởi", "nếu", "dù", "để", "trước", "sau", "ngoài", "trên", "dưới", "thăm",
    "quân", "báo", "tờ", "hãng", "chính", "phủ", "giới", "phe", "bên", "các", "những", "hai",
    "toàn", "tân", "cựu", "đại", "sứ", "quán", "bộ", "giao", "phòng", "gia", "hội", "viện",
    "ninh", "đội", "lực", "lượng", "đảng", "quyền", "thống", "tướng", "trưởng", "nhà", "đối",
    "thủ", "tổng", "ngoại", "nội", "vụ", "đặc", "biệt", "thường", "trực", "đồng", "cấp", "mà",
    "là", "thì", "vậy", "đây", "đó", "nay", "hôm", "ngày", "năm", "tháng", "cuối", "đầu",
}
# One-syllable names that are also everyday words at the start of a sentence: "Anh cho
# biết" is as likely "He said" as "Britain said", so only a name next to punctuation counts.
_SENTENCE_WORDS = {"Anh", "Áo", "Ý"}
# Words after which a capital is not the state: "báo Washington Post", "CLB Paris".
_NOT_STATE_BEFORE = {"báo", "tờ", "clb", "đội", "bang", "tiểu", "đại", "đh", "trường", "hãng", "phố",
                     "đường", "sân", "khách", "sạn", "ông", "bà", "anh", "chị", "cô", "tàu"}


@dataclass(frozen=True)
class Mention:
    code: str
    start: int
    end: int
    # "country", "capital", "org", "place" (a place that is not a state), "not_person" (a name
    # that is no person's, not_people.txt) or "lookalike" (code "")
    kind: str
    text: str


@dataclass(frozen=True)
class _Entry:
    code: str | None  # None for a look-alike phrase
    kind: str
    dash_only: bool = False


@dataclass(frozen=True)
class _Lexicon:
    entries: dict[str, _Entry]
    lengths: dict[str, tuple[int, ...]]  # first token -> n-gram lengths to try, longest first


class _Tok(NamedTuple):  # a named tuple: extraction makes ~1,500 per article
    text: str
    start: int
    end: int


def country_name(code: str) -> str:
    """Vietnamese display name from Babel ("RU" -> "Nga"); the code itself when unknown."""
    code = (code or "").strip().upper()
    return country_labels().get(code) or babel_countries().get(code, code)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    entries: dict[str, _Entry] = {}
    # Order matters: later tables must not overwrite a country name with a capital or an org.
    for phrase in lookalikes():
        entries[_key(phrase)] = _Entry(None, "lookalike")
    for phrase in places():
        entries.setdefault(_key(phrase), _Entry("", "place"))
    for phrase in not_people():
        entries.setdefault(_key(phrase), _Entry("", "not_person"))
    for code, names in organisations().items():
        for name in names:
            entries.setdefault(_key(name), _Entry(code, "org"))
    for code, names in capitals():
        for name in names:
            entries.setdefault(_key(name), _Entry(code, "capital"))
    for code, names in country_aliases().items():
        for name in names:
            dash_only = name.startswith("-")
            name = _key(name.lstrip("-"))
            if entries.get(name, _Entry(None, "")).kind in ("", "capital", "org", "place", "not_person"):
                entries[name] = _Entry(code, "country", dash_only)
    lengths: dict[str, set[int]] = {}
    for phrase in entries:
        tokens = _TOKEN.findall(phrase)
        if tokens:
            lengths.setdefault(tokens[0], set()).add(len(tokens))
    return _Lexicon(entries, {first: tuple(sorted(n, reverse=True)) for first, n in lengths.items()})


def _key(phrase: str) -> str:
    """Lexicon key: the first word exactly as written (case tells "Anh" from "anh"), the rest
    in lower case, since writers vary there ("Ả Rập"/"Ả rập", "Liên bang"/"Liên Bang")."""
    first, _, rest = phrase.partition(" ")
    if "-" in first and not rest:
        return phrase
    return f"{first} {rest.lower()}" if rest else first


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def find_mentions(text: str) -> list[Mention]:
    """Every country, capital and organisation mention that passes the look-alike checks."""
    return [mention for mention, accepted in scan(text) if accepted]


def reads_as_country(text: str, start: int, end: int) -> bool:
    """Whether the one-syllable name at text[start:end] is the country, as the facet reads it,
    except that a sentence's first word counts too ("Anh và Việt Nam ký ..."): the facet leaves
    that pronoun-or-country out, a highlighter need not (search/highlight.py)."""
    return any(m.start == start and m.end == end for m, accepted in scan(text, initial_ok=True) if accepted)


def scan(text: str, initial_ok: bool = False) -> list[tuple[Mention, bool]]:
    """Every lexicon match with whether it names the place; rejected capitals and
    organisations ("Điện Kremlin Dmitry Peskov") and look-alikes (never accepted) still mark
    words that are not a person."""
    lexicon = _lexicon()
    tokens = _tokens(text)
    raw: list[tuple[int, int, _Entry]] = []  # (first token, last token, entry)
    index = 0
    while index < len(tokens):
        found = _longest_at(text, tokens, index, lexicon)
        if found is None:
            index += 1
            continue
        length, entry = found
        raw.append((index, index + length - 1, entry))
        index += length
    starts = {first for first, _, entry in raw if entry.code is not None}
    mentions = []
    for position, (first, last, entry) in enumerate(raw):
        accepted = entry.code is not None and _accept(text, tokens, first, last, entry, starts, raw, position, initial_ok)
        # a look-alike ("Thái Bình Dương", "Mỹ phẩm") names no country, but no person either
        mention = Mention(entry.code or "", tokens[first].start, tokens[last].end, entry.kind,
                          text[tokens[first].start:tokens[last].end])
        mentions.append((mention, accepted))
    return mentions


def _longest_at(text: str, tokens: list[_Tok], index: int, lexicon: _Lexicon) -> tuple[int, _Entry] | None:
    for length in lexicon.lengths.get(tokens[index].text, ()):
        if index + length > len(tokens):
            continue
        phrase = text[tokens[index].start:tokens[index + length - 1].end]
        entry = lexicon.entries.get(_key(phrase))
        if entry is not None and (entry.kind == "lookalike" or phrase != phrase.lower()):
            return length, entry
    return None


def _accept(text: str, tokens: list[_Tok], first: int, last: int, entry: _Entry,
            starts: set[int], raw: list[tuple[int, int, _Entry]], position: int, initial_ok: bool = False) -> bool:
    if entry.dash_only:
        return _dash_joined(text, tokens, raw, position)
    if entry.kind == "capital":
        return _capital_means_state(text, tokens, first, last)
    if entry.kind == "country" and first == last:
        return _one_word_is_country(text, tokens, first, starts, initial_ok)
    return True


def _dash_joined(text: str, tokens: list[_Tok], raw: list[tuple[int, int, _Entry]], position: int) -> bool:
    """"Mỹ - Trung", "Trung-Mỹ": a short form joined by a dash to another country name."""
    for other in (position - 1, position + 1):
        if not 0 <= other < len(raw) or raw[other][2].kind != "country" or raw[other][2].code is None:
            continue
        left, right = (raw[other], raw[position]) if other < position else (raw[position], raw[other])
        between = text[tokens[left[1]].end:tokens[right[0]].start]
        if _DASH.fullmatch(between):
            return True
    return False


def _word_before(text: str, tokens: list[_Tok], index: int) -> _Tok | None:
    """The word right before token `index` when only spaces separate them."""
    if index == 0:
        return None
    previous = tokens[index - 1]
    if not previous.text[:1].isalpha() or text[previous.end:tokens[index].start] not in (" ",):
        return None
    return previous


def _word_after(text: str, tokens: list[_Tok], index: int) -> _Tok | None:
    if index + 1 >= len(tokens):
        return None
    following = tokens[index + 1]
    if not following.text[:1].isalpha() or text[tokens[index].end:following.start] != " ":
        return None
    return following


def _sentence_initial(text: str, tokens: list[_Tok], index: int) -> bool:
    if index == 0:
        return True
    previous = tokens[index - 1]
    return previous.text in _SENTENCE_END or "\n" in text[previous.end:tokens[index].start]


def _name_run_after(text: str, tokens: list[_Tok], index: int, starts: set[int]) -> list[str]:
    """Capitalised words that follow token `index` ("Tâm" in "Mỹ Tâm", "Donald Trump")."""
    run: list[str] = []
    while True:
        following = _word_after(text, tokens, index)
        if following is None or not is_capitalised(following.text) or index + 1 in starts:
            return run
        run.append(following.text)
        index += 1


def _one_word_is_country(text: str, tokens: list[_Tok], index: int, starts: set[int], initial_ok: bool = False) -> bool:
    word = tokens[index].text
    vietnamese = is_vietnamese_syllable(word)
    before = _word_before(text, tokens, index)
    initial = _sentence_initial(text, tokens, index)
    if before is not None and before.text in _HONORIFICS:
        return False  # "anh Đức", "chị Nga"
    if before is not None and is_capitalised(before.text) and index - 1 not in starts:
        lowered = before.text.lower()
        if lowered not in _CONTEXT and (is_vietnamese_syllable(before.text) or not vietnamese):
            return False  # "Phương Anh", "Minh Đức"; "Michael Jordan"
    run = _name_run_after(text, tokens, index, starts)
    if run:
        foreign = any(not is_vietnamese_syllable(part) for part in run)
        if vietnamese and not foreign:
            return False  # "Mỹ Tâm", "Đức Phúc", "Anh Tuấn"
        if not vietnamese and (before is None or is_capitalised(before.text)):
            return False  # "Jordan Henderson"
    if initial and word in _SENTENCE_WORDS and not initial_ok:
        after = text[tokens[index].end:tokens[index].end + 2]
        return not after[:1].isspace() or not after[1:2].isalpha()
    return True


def _capital_means_state(text: str, tokens: list[_Tok], first: int, last: int) -> bool:
    """"Washington sẽ..." is the state; "Washington Post" and "báo Washington" are not."""
    following = _word_after(text, tokens, last)
    if following is not None and is_capitalised(following.text):
        return False
    before = _word_before(text, tokens, first)
    # "USS Canberra", "HMS London": a ship or unit named after the city.
    return before is None or (before.text.lower() not in _NOT_STATE_BEFORE and not _is_upper_word(before.text))


def _is_upper_word(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def countries_in(text: str) -> tuple[Country, ...]:
    codes = {m.code for m in find_mentions(text) if m.kind in ("country", "capital")}
    return tuple(Country(code, country_name(code)) for code in sorted(codes))


@lru_cache(maxsize=1)
def _metadata_names() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(name with its accents, lowercase -> code), (ISO code, lowercase -> code), (folded name -> code)."""
    names = {normalize_token_tones(name.lstrip("-").lower()): code for code, names in country_aliases().items() for name in names}
    codes = {code.lower(): code for code in babel_countries()}
    folded = {fold(name.lstrip("-")): code for code, names in country_aliases().items() for name in names}
    return names, codes, folded


def country_code(value: str) -> str | None:
    """The ISO code of a country given by metadata: a name with its accents first, then a
    two-letter code, then a name typed without accents. In that order because folding merges
    a name with a code: "Mỹ" folds to "my", Malaysia's code."""
    names, codes, folded = _metadata_names()
    value = " ".join(value.split())
    return (names.get(normalize_token_tones(value.lower())) or codes.get(value.lower())
            or folded.get(fold(value)))


def countries_from_metadata(values: list[str]) -> tuple[Country, ...]:
    """Countries given by front matter or JSON, as ISO codes or names in any case."""
    codes = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        code = country_code(value)
        if code:
            codes.add(code)
    return tuple(Country(code, country_name(code)) for code in sorted(codes))
