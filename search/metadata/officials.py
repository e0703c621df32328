"""Public office holders named in a text, found from Vietnamese title patterns and curated names.

A person's name is a run of capitalised words that is not a country, capital or organisation:
foreign-looking ("Sergei Lavrov", "Kim Jong-un") or a Vietnamese/Sino-Vietnamese name opening
with a known family name ("Lương Cường", "Tập Cận Bình"). The run is an official when a title
from search/data/titles.txt stands before it in the same clause ("Bộ trưởng Ngoại giao Nga
Sergei Lavrov") or right after it ("Sergei Naryshkin - Giám đốc ..."), or when it is a curated
name (search/data/officials.tsv). Later short forms ("Lavrov", "ông Burns", "ông Cường") and
spelling variants ("Sergey"/"Sergei") are folded into one Official with aliases.
"""
from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import Official
from .countries import Mention
from .data import OfficialEntry, curated_officials, surnames, titles
from .text import Token, fold, is_acronym, is_capitalised, is_vietnamese_syllable, tokenize

_HONORIFICS = {"ông", "bà", "ngài", "quý"}
# Titles that say "the same office as the one just named" (titles.txt lists them as titles).
_COUNTERPART = {"người đồng cấp"}
# Honorifics that English-language names carry into Vietnamese text; not part of the name.
_NAME_PREFIXES = {"ayatollah", "sheikh", "sir", "dr", "mr", "mrs", "ms", "lord", "dame"}
_NAME_SUFFIXES = {"Jr", "Sr", "II", "III", "IV"}
_PARTICLES = {"bin", "al", "de", "da", "van", "von", "der", "den", "la", "le", "di", "du", "dos", "del", "ibn", "el"}
_CLAUSE_END = {".", "!", "?", ";", ":", "“", "”", '"', "…"}
_MAX_GAP = 10  # tokens between a title and the name it introduces
_MAX_TITLE_WORDS = 5
# Words that end the clause a title governs: verbs of saying and meeting, auxiliaries.
_BREAK_WORDS = {"đã", "đang", "sẽ", "được", "bị", "vừa", "cũng", "không", "gặp", "tiếp", "nói",
                "thăm", "ký", "gửi", "nhận", "rằng", "khi", "nhưng", "nên", "thì", "mà", "hỏi",
                # family: "Tổng thống cùng 2 con trai Donald Trump Jr." names someone else
                "con", "vợ", "chồng", "cùng", "bố", "mẹ", "cha", "cháu", "chị", "em", "tiếng"}
_BREAK_PHRASES = ("cho biết", "hội đàm", "điện đàm", "tuyên bố", "khẳng định", "nhấn mạnh",
                  "phát biểu", "cáo buộc", "chỉ trích", "kêu gọi", "yêu cầu", "đề nghị", "tham dự",
                  "thảo luận", "trao đổi", "chúc mừng", "chia sẻ", "bày tỏ", "lên án", "ủng hộ",
                  "phản đối", "cảnh báo", "xác nhận", "thông báo", "cho rằng", "dẫn lời", "trả lời",
                  "đưa tin", "theo đó", "tiết lộ")
# A name right after these is a place or an object, not the title holder ("Tổng thống Mỹ tại Florida").
_PREPOSITIONS = {"tại", "ở", "từ", "đến", "tới", "sang", "trên", "dưới", "với", "cho", "về", "của",
                 "thăm", "gặp", "và", "hoặc", "hay", "bang", "tỉnh", "vùng", "thành", "phố", "hạt",
                 "kênh", "báo", "tờ", "hãng", "đài"}  # ...or a medium ("trả lời báo Tuổi Trẻ")
_PLACE_WORDS = {"bang", "tỉnh", "vùng", "phố", "hạt", "quận", "thị"}
# For titles also used in business and sport: what makes the body a public one.
_PUBLIC_BODY = ("cơ quan", "tình báo", "quốc hội", "hạ viện", "thượng viện", "ủy ban", "uỷ ban",
                "hội đồng", "nước", "chính phủ", "bộ ", "cục", "sở ", "an ninh", "quốc phòng",
                "ngân hàng trung ương", "cia", "fbi", "nsa", "mossad", "svr", "fsb", "gru", "mi6",
                "đảng", "ubnd", "tỉnh", "thành phố", "quân", "cảnh sát", "công an", "lầu năm góc",
                "chính quyền", "tòa", "ủy", "thống")
_BUSINESS = ("tập đoàn", "công ty", "hãng", "điều hành", "quản trị", "clb", "câu lạc bộ",
             "liên đoàn", "hiệp hội", "quỹ đầu tư", "doanh nghiệp", "ngân hàng thương mại", "đội",
             "viện nghiên cứu", "đại học", "trường", "think tank", "hội đồng thành viên",
             "hội đồng quản trị", "phòng thương mại", "bệnh viện", "bóng đá", "ngân hàng")
# The business words that end a title's clause far from the title and still name its body
# (short ones such as "trường" or "đội" are parts of other words too often: "thị trường").
_BUSINESS_IN_CLAUSE = ("tập đoàn", "công ty", "hội đồng quản trị", "hội đồng thành viên", "ngân hàng",
                       "phòng thương mại", "bệnh viện", "doanh nghiệp", "câu lạc bộ")
# Public bodies whose names hold a business word, and words that hold a public one.
_PUBLIC_DESPITE = ("ngân hàng nhà nước", "ngân hàng trung ương", "ngân hàng thế giới")
_NOT_PUBLIC_BODY = ("bộ phận", "bộ môn")  # a company's department, a school's subject: not "bộ"
# A body named right after the title that no business name late in the clause overrides: in
# "Chủ tịch UBND tỉnh Bình Định yêu cầu khởi kiện công ty X" the company is the object.
_STATE_BODY = ("ubnd", "ủy ban", "uỷ ban", "hội đồng nhân dân", "hđnd", "sở", "bộ", "cục", "công an",
               "quốc hội", "chính phủ", "tỉnh", "thành phố", "quận", "huyện", "xã", "tòa", "cảnh sát")
# Bodies that, named first after the title, are not public offices: an association ("Chủ
# tịch Hội Thiên văn học trẻ Việt Nam", "Hội Nông dân"; a "hội đồng" is a council and
# stays) and a technical director's job.
_NOT_PUBLIC_OPENERS = ("hội", "tổng hội", "kỹ thuật")


@dataclass
class _Run:
    words: list[str]
    start: int  # token index of the first word
    end: int  # token index after the last word
    honorific: bool = False  # "ông Burns"

    @property
    def name(self) -> str:
        return " ".join(self.words)


class _NameIndex:
    """Where person names start and end among the runs, computed once per text."""

    def __init__(self, runs: list[_Run]) -> None:
        people = [run for run in runs if _is_person_name(run)]
        self.starts = {run.start for run in people}
        self.ends = {run.end for run in people}
        # A title's own holder has a full name; one foreign word after it is usually a place.
        self.full_starts = {run.start for run in people if len(run.words) > 1}
        # One word the text also names in full, or a curated one, holds a title it follows
        # at once ("Trên mạng xã hội Twitter, Tổng thống Trump cho rằng": Trump's title).
        surnames_named = {run.words[-1] for run in people if len(run.words) > 1}
        self.short_starts = {run.start for run in people if len(run.words) == 1
                             and (run.words[0] in surnames_named or fold(run.name) in _curated_index())}


@dataclass
class _Person:
    forms: list[str] = field(default_factory=list)
    role: str | None = None
    country: str | None = None
    curated: OfficialEntry | None = None
    _distinct: dict[str, None] = field(default_factory=dict)

    def add_form(self, form: str) -> None:
        self.forms.append(form)
        self._distinct[form] = None

    def distinct(self) -> list[str]:
        return list(self._distinct) if self._distinct else list(dict.fromkeys(self.forms))


@lru_cache(maxsize=1)
def _curated_index() -> dict[str, OfficialEntry]:
    return {fold(name): entry for entry in curated_officials() for name in entry.names}


@lru_cache(maxsize=1)
def _title_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(t.split()) for t in titles()}, reverse=True))


@lru_cache(maxsize=1)
def _title_edges() -> tuple[frozenset[str], frozenset[str]]:
    """The first and the last words of the titles: a title can only start and end at those,
    which rules out almost every token before any phrase is built (a third of extraction)."""
    table = titles()
    return frozenset(t.split(" ", 1)[0] for t in table), frozenset(t.rsplit(" ", 1)[-1] for t in table)


def find_officials(text: str, mentions: list[Mention], not_names: Sequence[Mention] = ()) -> tuple[Official, ...]:
    """Officials in `text`; `mentions` are the places it names (for the officials' countries),
    `not_names` further place and organisation names that cannot be part of a person's name."""
    tokens = tokenize(text)
    mentions = sorted(mentions, key=lambda m: m.start)
    blocked = _blocked_tokens(tokens, [*mentions, *not_names])
    # a company or a medium named near a title makes no office public, as a place does
    places = _blocked_tokens(tokens, [*mentions, *(m for m in not_names if m.kind != "not_person")])
    runs = _name_runs(text, tokens, blocked)
    people: list[_Person] = []
    taken: set[int] = set()
    names = _NameIndex(runs)
    last_role: str | None = None  # the latest title read, for a counterpart's
    for run in runs:
        if not _is_person_name(run):
            continue
        if len(run.words) == 1 and is_vietnamese_syllable(run.words[0]) and not run.honorific and not _curated(run, text):
            continue  # "Thủ tướng, riêng Tập đoàn ...": a curated short form that is a word here
        found = _titled(text, tokens, run, names, mentions, places) or _curated(run, text)
        if found is None:
            continue
        role, country, entry = found
        if role is not None and role.lower() in _COUNTERPART:  # "gặp người đồng cấp Nga Sergei Lavrov"
            role = last_role  # the counterpart of the office just named, not a role of its own
        _add(people, run.name, role, country, entry)
        last_role = role or last_role
        taken.add(run.start)
    _add_short_forms(people, runs, taken)
    return tuple(_official(person) for person in people)


def _blocked_tokens(tokens: list[Token], mentions: Sequence[Mention]) -> set[int]:
    """Tokens that are part of a country, capital or organisation name."""
    spans = sorted((m.start, m.end) for m in mentions)
    blocked = set()
    position = 0
    for index, token in enumerate(tokens):
        while position < len(spans) and spans[position][1] <= token.start:
            position += 1
        if position < len(spans) and spans[position][0] < token.end:
            blocked.add(index)
    return blocked


def _name_runs(text: str, tokens: list[Token], blocked: set[int]) -> list[_Run]:
    runs: list[_Run] = []
    index = 0
    while index < len(tokens):
        if not _can_open(tokens[index], index, blocked):
            index += 1
            continue
        start = index
        words = [tokens[index].text]
        index += 1
        while index < len(tokens):
            if _initial_dot(text, tokens, index, words, blocked):  # "George W. Bush"
                words[-1] += "."
                index += 1
                if text[tokens[index - 1].end:tokens[index].start] == "":  # "George W.Bush", "H.W. Bush"
                    if _is_initial(tokens[index].text):
                        words[-1] += tokens[index].text  # "H.W.": one word, as written
                    else:
                        words.append(tokens[index].text)
                    index += 1
                continue
            if text[tokens[index - 1].end:tokens[index].start] != " ":
                break
            token = tokens[index]
            if token.text in ("Ông", "Bà"):
                break  # "Reuters Ông Yoon Young-chan": a new name starts here
            if _foreign_name_ends(words, token.text) or token.text in _SENTENCE_OPENERS:
                break  # "Donald Trump Hiện chỉ có...": a sentence whose full stop the page lost
            if _can_open(token, index, blocked) or _particle_joined(token.text):  # "Bashar al-Assad"
                words.append(token.text)
            elif token.text in _PARTICLES and index + 1 < len(tokens) and _can_open(tokens[index + 1], index + 1, blocked):
                words.append(token.text)
            else:
                break
            index += 1
        runs.extend(_split_after_curated(_vietnamese_name_tail(_strip_honorific(text, tokens, _Run(words, start, index)))))
    return [run for run in runs if run.words]


def _split_after_curated(run: _Run) -> list[_Run]:
    """A curated full name with more capitalised words after it is that name, then another run:
    a page that lost a full stop or a comma ("Nguyễn Xuân Phúc Ngày 21/1", "Donald Trump Steve
    Bannon"). (Runs with an initial's dot keep their shape: their words and tokens differ.)"""
    if len(run.words) < 3 or any("." in word for word in run.words):
        return [run]
    for size in range(len(run.words) - 1, 1, -1):
        if fold(" ".join(run.words[:size])) in _curated_index():
            head = _Run(run.words[:size], run.start, run.start + size, run.honorific)
            return [head, *_split_after_curated(_Run(run.words[size:], run.start + size, run.end))]
    return [run]


def _initial_dot(text: str, tokens: list[Token], index: int, words: list[str], blocked: set[int]) -> bool:
    """A middle initial's full stop, with more of the name after it: "George W. Bush",
    "John F. Kennedy" (a name ending in an initial, "ông Trump nói với Putin V.", is not one)."""
    return (len(words) > 1 and all(_is_initial(part) for part in words[-1].split(".")) and tokens[index].text == "."
            and not all(is_vietnamese_syllable(w) for w in words)  # "Nguyễn Văn A. Theo ...": a sentence ends
            and text[tokens[index - 1].end:tokens[index].start] == ""
            and index + 1 < len(tokens) and text[tokens[index].end:tokens[index + 1].start] in (" ", "")
            and (_can_open(tokens[index + 1], index + 1, blocked) or _is_initial(tokens[index + 1].text)))


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isupper()


# Words that open a sentence and are never part of a name: after a name, the page lost a full
# stop ("ông Nguyễn Sự Nhưng ...", "Donald Trump Trong khi ...", "Poroshenko Sau đó").
_SENTENCE_OPENERS = frozenset(
    "Nhưng Tuy Theo Trong Khi Sau Còn Tại Với Để Vì Nếu Dù Hiện Trước Đây Đó Cũng Các Những Một".split())


def _foreign_name_ends(words: list[str], following: str) -> bool:
    """A foreign name ("Donald Trump") is not followed by a Vietnamese word with diacritics
    ("Hiện", "Ảnh", "Tổng"): a name written in Vietnamese (Tập Cận Bình) is Vietnamese
    syllables throughout, a Latin one carries no Vietnamese marks."""
    return (fold(following) != following.lower() and is_vietnamese_syllable(following)
            and any(not is_vietnamese_syllable(w) for w in words if w not in _PARTICLES))


def _particle_joined(word: str) -> bool:
    """"al-Assad", "el-Sisi", "bin-Salman": a lowercase particle tied to the name after it."""
    particle, dash, rest = word.partition("-")
    return bool(dash) and particle in _PARTICLES and is_capitalised(rest)


def _vietnamese_name_tail(run: _Run) -> _Run:
    """"Quảng Ninh Nguyễn Văn Đọc" (a province, then a name): keep the name from its family name."""
    if len(run.words) < 3 or run.words[0] in surnames() or not all(is_vietnamese_syllable(w) for w in run.words):
        return run
    for offset in range(1, len(run.words) - 1):
        if run.words[offset] in surnames() and 2 <= len(run.words) - offset <= 4:
            return _Run(run.words[offset:], run.start + offset, run.end, run.honorific)
    return run


def _can_open(token: Token, index: int, blocked: set[int]) -> bool:
    return token.is_word and is_capitalised(token.text) and index not in blocked and not is_acronym(token.text)


def _strip_honorific(text: str, tokens: list[Token], run: _Run) -> _Run:
    while run.words and run.words[-1] in _NAME_SUFFIXES:
        run = _Run(run.words[:-1], run.start, run.end - 1, run.honorific)
    while len(run.words) > 1 and run.words[0].lower() in _NAME_PREFIXES:
        run = _Run(run.words[1:], run.start + 1, run.end, run.honorific)
    if run.words and run.words[0].lower() in _HONORIFICS:
        return _Run(run.words[1:], run.start + 1, run.end, True)
    if run.start > 0 and tokens[run.start - 1].text.lower() in _HONORIFICS:
        run.honorific = True
    return run


def _is_person_name(run: _Run) -> bool:
    if len(run.words) > 5 or all(len(word) == 1 for word in run.words):
        return False  # "T", "H": initials of a byline, not a name
    if any(not is_vietnamese_syllable(word) for word in run.words if word not in _PARTICLES):
        return True
    if len(run.words) == 1:
        return run.honorific or fold(run.name) in _curated_index()
    return run.words[0] in surnames() and len(run.words) <= 4


def _titled(text: str, tokens: list[Token], run: _Run, names: _NameIndex, mentions: list[Mention],
            places: set[int]) -> tuple[str | None, str | None, OfficialEntry | None] | None:
    """(role, country, curated entry) when a title introduces the name, before or after it."""
    after_preposition = run.start > 0 and tokens[run.start - 1].text.lower() in _PREPOSITIONS
    before = None if after_preposition and not run.honorific else _title_before(text, tokens, run, names, places)
    after = _title_after(tokens, run, names, places)
    if before is not None:
        title_start, title_end = before
        country = _country_between(tokens, title_start, run.start, mentions)
        if country is None and after is not None:
            country = _country_between(tokens, after[1], min(len(tokens), after[1] + 10), mentions)
        role = _role_text(text, tokens, title_start, title_end)
        return role, country, _curated_index().get(fold(run.name))
    if after is not None:
        title_start, title_end = after
        country = _country_between(tokens, title_end, min(len(tokens), title_end + 10), mentions)
        return _role_text(text, tokens, title_start, title_end), country, _curated_index().get(fold(run.name))
    return None


def _title_at(tokens: list[Token], end: int) -> tuple[int, str] | None:
    """(first token, kind) of the longest title ending at token `end` (inclusive)."""
    if tokens[end].text.lower() not in _title_edges()[1]:
        return None
    table = titles()
    for length in _title_lengths():
        start = end - length + 1
        if start < 0:
            continue
        words = tokens[start:end + 1]
        if not all(t.is_word for t in words):
            continue
        kind = table.get(" ".join(t.text.lower() for t in words))
        if kind:
            return start, kind
    return None


def _title_before(text: str, tokens: list[Token], run: _Run, names: _NameIndex,
                  places: set[int]) -> tuple[int, int] | None:
    # Both sets may hold this run itself, but the walk only visits tokens before it.
    run_starts, run_ends = names.starts, names.ends
    index = run.start - 1
    gap: list[str] = []
    while index >= 0 and run.start - index <= _MAX_GAP + _MAX_TITLE_WORDS:
        token = tokens[index]
        if token.text in _CLAUSE_END or "\n" in text[token.end:tokens[index + 1].start]:
            return None
        found = _title_at(tokens, index)
        if found is not None:
            start, kind = found
            if kind == "not" or _follows_a_name(tokens, start, run_ends):
                return None
            named_place = any(i in places for i in range(index + 1, run.start))
            if kind == "public" and not _public_gap(" ".join(reversed(gap)), run, named_place):
                return None
            return start, index
        if index in run_starts or token.text.lower() in _BREAK_WORDS:
            return None
        gap.append(token.text.lower())
        if len(gap) > _MAX_GAP or _has_break_phrase(" ".join(reversed(gap))):
            return None
        index -= 1
    return None


def _follows_a_name(tokens: list[Token], start: int, run_ends: set[int]) -> bool:
    """"Oleksandr Tolokonnikov, phó lãnh đạo ... Kherson": the title is the earlier name's."""
    index = start - 1
    while index >= 0 and tokens[index].text.lower() in {"người", "cựu", "hiện", "là", "tân"}:
        index -= 1
    return index >= 1 and tokens[index].text in {",", "-", "–", "("} and index in run_ends


def _has_break_phrase(gap: str) -> bool:
    padded = f" {gap} "
    return any(f" {phrase} " in padded for phrase in _BREAK_PHRASES)


def _public_gap(gap: str, run: _Run, named_place: bool, clause: str = "") -> bool:
    """Whether the words naming a title's body (`gap`; `clause` runs on to the clause's end)
    make a business or sport title ("Chủ tịch", "Giám đốc") a public office."""
    gap, clause = _before_break(gap), _before_break(clause)
    padded = f" {gap} "
    wider = f" {clause or gap} "
    if _opens_with_non_public(gap):
        return False
    business = any(word in padded for word in _BUSINESS) or (
        any(word in wider for word in _BUSINESS_IN_CLAUSE) and not _names_state_body(padded))
    if business and not any(word in wider for word in _PUBLIC_DESPITE):
        return False
    if named_place:
        return True
    if not gap:
        return fold(run.name) in _curated_index()
    return any(word in _without_non_public_bodies(padded) for word in _PUBLIC_BODY)


def _before_break(words: str) -> str:
    """The words before the first verb that ends a title's clause ("yêu cầu", "cho biết")."""
    padded = f" {words} "
    cut = min((padded.find(f" {phrase} ") for phrase in _BREAK_PHRASES if f" {phrase} " in padded),
              default=len(padded))
    return padded[:cut].strip()


def _names_state_body(padded: str) -> bool:
    padded = _without_non_public_bodies(padded)
    return any(f" {word} " in padded for word in _STATE_BODY)


def _without_non_public_bodies(padded: str) -> str:
    """`padded` without the words that only look like a public body's ("bộ phận" is not "bộ")."""
    for words in _NOT_PUBLIC_BODY:
        padded = padded.replace(f" {words} ", " ")
    return padded


def _opens_with_non_public(gap: str) -> bool:
    words = gap.split()
    for opener in _NOT_PUBLIC_OPENERS:
        length = len(opener.split())
        if words[:length] == opener.split() and words[length:length + 1] not in (["đồng"], ["nghị"]):
            return True
    return False


def _title_after(tokens: list[Token], run: _Run, names: _NameIndex, places: set[int]) -> tuple[int, int] | None:
    """"Sergei Naryshkin - Giám đốc ...", "Vasily Nebenzya, đại diện thường trực ..."."""
    index = run.end
    if index >= len(tokens) or tokens[index].text not in {",", "-", "–", "("}:
        return None
    index += 1
    while index < len(tokens):
        found = _title_starting(tokens, run, index, names, places)
        if found is not None or tokens[index].text.lower() not in {"người", "cựu", "hiện", "là", "tân", "đương", "kim"}:
            return found
        index += 1
    return None


def _title_starting(tokens: list[Token], run: _Run, index: int, names: _NameIndex,
                    places: set[int]) -> tuple[int, int] | None:
    if index >= len(tokens) or tokens[index].text.lower() not in _title_edges()[0]:
        return None
    table = titles()
    for length in _title_lengths():
        words = tokens[index:index + length]
        if len(words) < length or not all(t.is_word for t in words):
            continue
        kind = table.get(" ".join(t.text.lower() for t in words))
        if not kind or kind == "not":
            continue
        end = index + length - 1
        following = " ".join(t.text.lower() for t in tokens[end + 1:end + 9])
        named_place = any(i in places for i in range(end + 1, end + 9))
        if kind == "public" and not _public_gap(following, run, named_place, _clause_after(tokens, end + 1)):
            return None
        if _names_own_holder(tokens, end + 1, names, places):
            return None  # "tiếng Hebrew, Thư ký ... Ali Shamkhani nói": the title is Shamkhani's
        return index, end
    return None


def _clause_after(tokens: list[Token], index: int) -> str:
    """The words from `index` to the clause's end (at most 20): "Phó chủ tịch kiêm giám đốc
    bộ phận phát triển thị trường của công ty ST Kinetics" names its company late."""
    words = []
    for token in tokens[index:index + 20]:
        if token.text in _CLAUSE_END or token.text in {",", ")", "-", "–"} or token.text.lower() in _BREAK_WORDS:
            break
        words.append(token.text.lower())
    return " ".join(words)


def _names_own_holder(tokens: list[Token], index: int, names: _NameIndex, places: set[int]) -> bool:
    """Whether a person's name follows within the title's clause (a short one at once, or
    after a country: "Tổng thống Mỹ Trump"; "người phát ngôn của bà Merkel" is Merkel's
    spokesman, not her title)."""
    for position in range(index, min(len(tokens), index + _MAX_GAP + 2)):
        if tokens[position].text in _CLAUSE_END or tokens[position].text == ",":
            return False
        if position in names.full_starts or (position in names.short_starts and places.issuperset(range(index, position))):
            return True
    return False


def _country_between(tokens: list[Token], start: int, end: int, mentions: list[Mention]) -> str | None:
    if start >= len(tokens) or end <= start:
        return None
    low, high = tokens[start].start, tokens[min(end, len(tokens)) - 1].end
    # Mentions come in text order: bisect instead of scanning them all for every name.
    first = bisect.bisect_left(mentions, low, key=lambda m: m.start)
    last = bisect.bisect_right(mentions, high, key=lambda m: m.start)
    inside = [m for m in mentions[first:last] if m.end <= high]
    # A country beats an organisation: "đại diện thường trực của Nga tại Liên hợp quốc".
    states = [m for m in inside if m.kind != "org"]
    chosen = states or inside
    return chosen[-1].code if chosen else None


def _role_text(text: str, tokens: list[Token], start: int, end: int) -> str:
    role = text[tokens[start].start:tokens[end].end]
    return role[:1].upper() + role[1:]


def facet_name(official: Official) -> str:
    """The name an official is filed under in the facet: a curated person's full form whatever
    the article's spelling ("Sergey Lavrov" is filed as "Sergei Lavrov", "Kim Jong Un" as "Kim
    Jong-un"), so one person is one facet value; else the article's own most complete form."""
    for form in (official.name, *official.aliases):
        entry = _curated_index().get(fold(form))
        if entry is not None:
            return entry.names[0]
    return official.name


def names_filed_together(name: str) -> tuple[str, ...]:
    """Every name a filter on `name` stands for: a curated person's forms, else the name."""
    entry = _curated_index().get(fold(name))
    return entry.names if entry is not None else (name,)


def _curated(run: _Run, text: str) -> tuple[str | None, str | None, OfficialEntry | None] | None:
    entry = _curated_index().get(fold(run.name))
    if entry is None:
        return None
    if len(run.words) == 1 and is_vietnamese_syllable(run.words[0]) and not run.honorific:
        if not any(name in text for name in entry.names if " " in name):
            return None  # "Tập" alone is a word; "ông Tập" or the full name makes it a name
    return entry.role, entry.country, entry


def _same_person(a: str, b: str) -> bool:
    """"Sergei Lavrov" / "Sergey Lavrov" / "Lavrov"; not "Donald Trump" / "Melania Trump"."""
    wa, wb = fold(a).split(), fold(b).split()
    if wa == wb:
        return True
    if wa[-1] != wb[-1]:
        return False
    if len(wa) == 1 or len(wb) == 1:
        return True
    return difflib.SequenceMatcher(None, wa[0], wb[0]).ratio() >= 0.7


def _add(people: list[_Person], name: str, role: str | None, country: str | None,
         entry: OfficialEntry | None) -> None:
    for person in people:
        same_entry = entry is not None and person.curated is entry
        if same_entry or any(_same_person(name, form) for form in person.distinct()):
            person.add_form(name)
            person.role = person.role or role
            person.country = person.country or country
            person.curated = person.curated or entry
            return
    person = _Person([], role, country or (entry.country if entry else None), entry)
    person.add_form(name)
    people.append(person)


def _add_short_forms(people: list[_Person], runs: list[_Run], taken: set[int]) -> None:
    """Untitled later mentions: spelling variants ("ông Nikolai Patrushev"), bare surnames
    ("Lavrov", "ông Burns") and Vietnamese given names ("ông Cường")."""
    for run in runs:
        if run.start in taken:
            continue
        if len(run.words) > 1:
            if _is_person_name(run):
                for person in people:
                    if any(len(form.split()) > 1 and _same_person(run.name, form) for form in person.distinct()):
                        person.add_form(run.name)
                        break
            continue
        word = fold(run.words[0])
        for person in people:
            full = max(person.distinct(), key=lambda f: len(f.split()))
            parts = fold(full).split()
            if len(parts) < 2:
                continue
            vietnamese = all(is_vietnamese_syllable(p) for p in full.split())
            if vietnamese and run.honorific and word in (parts[0], parts[-1]):
                person.add_form(run.words[0])
            elif not vietnamese and word == parts[-1] and not is_vietnamese_syllable(run.words[0]):
                person.add_form(run.words[0])


def _official(person: _Person) -> Official:
    counts: dict[str, int] = {}
    for form in person.forms:
        counts[form] = counts.get(form, 0) + 1
    # The most complete form is the name; among equals the one the article uses most.
    name = max(counts, key=lambda f: (len(f.split()), counts[f], -person.forms.index(f)))
    aliases = tuple(form for form in counts if form != name)
    role = person.role or (person.curated.role if person.curated else None)
    country = person.country or (person.curated.country if person.curated else None)
    return Official(name, aliases, role, country)
