"""The publication date as the article's opening states it.

Only the places where an article dates itself are read: a dateline ("WASHINGTON, ngày 4 tháng 3.
/ TASS /") and the opening words of the first paragraphs ("Ngày 21/1,", "Sáng 7/11 (giờ địa
phương),", "(Dân trí) - Chiều 3/2/2017,"). Dates further on are events the article mentions,
and photo captions date the photo, so neither is used. A missing year stays None.
"""
from __future__ import annotations

import datetime as _dt
import re

from ..models import ArticleDate

_OPENING_PARAGRAPHS = 3
_CAPTION = re.compile(r"\(Ảnh|Ảnh:|Ảnh minh họa|Ảnh minh hoạ|Nguồn ảnh|Photo|[-–] Hình \d+$", re.IGNORECASE)
# Outlet credits that precede the first words: "(Dân trí) -", "TPO -", "VOV.VN -".
_CREDIT = r"(?:\([^()\n]{1,40}\)\s*[-–—:]\s*|[A-ZĐ][\w.&]{1,14}\s*[-–—]\s+)?"
_PART_OF_DAY = r"(?:(?:Vào\s+)?(?:ngày|hôm|sáng|trưa|chiều|tối|đêm|rạng\s+sáng|cuối\s+ngày|đầu\s+giờ\s+sáng|sáng\s+sớm|khuya)\s+(?:qua\s+|nay\s+)?(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?(?:ngày\s+)?)"
_NUMERIC = re.compile(
    _CREDIT + _PART_OF_DAY + r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?(?!\s*[/.-]?\d)",
    re.IGNORECASE,
)
_WORDED = re.compile(
    _CREDIT + r"(?:(?P<place>[A-ZĐÀ-Ỹ][\w .'-]{0,40}),\s*)?" + _PART_OF_DAY + r"?(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*(?:năm|,)\s*(\d{4}))?",
    re.IGNORECASE,
)
# "WASHINGTON, ngày 4 tháng 3. / TASS /" or "MOSKVA, 21/1 -": a place in capitals, then the date.
_DATELINE = re.compile(
    r"([A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .'-]{1,40})\s*(?:\([^)]{1,30}\))?,\s*(?:ngày\s+)?"
    r"(\d{1,2})(?:\s+tháng\s+|\s*[/.-]\s*)(\d{1,2})(?:(?:\s*,?\s*năm\s+|\s*[/.-]\s*)(\d{4}))?"
)


def extract_date(body: str) -> ArticleDate | None:
    for paragraph in _opening_paragraphs(body):
        for pattern, anchored in ((_DATELINE, False), (_NUMERIC, True), (_WORDED, True)):
            match = pattern.match(paragraph) if anchored else pattern.search(paragraph[:120])
            if match is None or not _placed(pattern, match):
                continue
            date = _from_groups(match)
            if date is not None:
                return date
    return None


def _placed(pattern: re.Pattern[str], match: re.Match[str]) -> bool:
    """Whether the place before the date is one: a dateline's in capitals, a worded date's in
    capitalised words ("Hà Nội, ngày 5 tháng 2"). "Trước đó, ngày 5-2" (before that, on 5
    February) and "Thụy Sĩ, ngày 8/8/1981" (a birth date) are no datelines; the letter range
    À-Ỹ holds lowercase letters too, and 48 of the 2017 corpus's articles were dated so."""
    if pattern is _DATELINE:
        return match.group(1).strip().isupper()
    place = match.groupdict().get("place")
    return place is None or all(word[:1].isupper() for word in place.split())


def _opening_paragraphs(body: str) -> list[str]:
    paragraphs = []
    for line in body.split("\n"):
        line = line.strip()
        if not line or _CAPTION.search(line):
            continue
        paragraphs.append(line)
        if len(paragraphs) == _OPENING_PARAGRAPHS:
            break
    return paragraphs


def _from_groups(match: re.Match[str]) -> ArticleDate | None:
    numbers = [g for g in match.groups() if g is not None and g.isdigit()]
    if len(numbers) < 2:
        return None
    day, month = int(numbers[0]), int(numbers[1])
    year = int(numbers[2]) if len(numbers) > 2 else None
    return _make_date(day, month, year)


def _make_date(day: int, month: int, year: int | None) -> ArticleDate | None:
    try:
        _dt.date(year or 2000, month, day)  # 2000 is a leap year: 29/2 stays valid without a year
    except ValueError:
        return None
    if year is not None and not 1900 <= year <= 2100:
        return None
    return ArticleDate(year, month, day)


def parse_metadata_date(value: str) -> ArticleDate | None:
    """A date given by front matter or JSON: ISO forms, or "21/1/2022"."""
    value = value.strip()
    try:
        return ArticleDate.parse(value)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None
