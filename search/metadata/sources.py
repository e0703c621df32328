"""The outlet that published an article, from its own credits.

Credits that name the publisher: a "Nguồn X: https://..." line, a closing byline
("Phương Anh / VTC News", "Bích Lan/VOV.VN"), a closing outlet name alone ("... ./. TTXVN"),
a dateline ("WASHINGTON, ngày 4 tháng 3. / TASS /"), an opening credit ("(Dân trí) -",
"TPO -") or a link to the outlet's site. "(Theo Reuters, TTXVN)" and "theo hãng tin Reuters"
only say what the article drew on, so they are never read as the source.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .data import outlets
from .text import fold

_SOURCE_LINE = re.compile(r"^\s*Nguồn\s*(?:tin|bài)?\s*:?\s*([^:\n]{2,60}?)\s*(?::\s*)?(?:https?://\S+)?\s*$", re.IGNORECASE | re.MULTILINE)
# "Nguồn Nhân Dân: https://...", "Nguồn: https://...", "Nguồn tin: Báo Nhân Dân (https://...)."
_SOURCE_URL = re.compile(r"^\s*Nguồn\b[^\n]{0,80}?(https?://[^\s<>\"“”]+?)[)\].,;»’]*\s*$", re.IGNORECASE)
_URL_HOST = re.compile(r"https?://(?:www\.)?([a-z0-9.-]+\.[a-z]{2,})", re.IGNORECASE)
_TASS_DATELINE = re.compile(r"^[^\n]{0,80}?\d[^\n]{0,20}?[./]\s*/\s*([A-Za-zĐđ .]{2,30}?)\s*/", re.MULTILINE)
_OPENING = re.compile(r"^\s*(?:\(([^()\n]{2,30})\)|([A-ZĐ][\w.&]{1,14}))\s*[-–—]\s+")
# The last line, or the end of a one-paragraph body: "Tên Tác Giả / Outlet", "Tác giả/Outlet".
_BYLINE = re.compile(r"(?:^|[.!?”\"]\s+|/\.\s*)[^\d./\n]{2,40}?\s*/\s*([^\W\d][^\d/\n]{1,40}?)\s*$")
_CLOSING_NAME = re.compile(r"(?:^|[.!?”\"]\s*|/\.\s*)([^\s.][^.\n]{0,30}?)\s*$")
_DREW_ON = re.compile(r"\(?\s*theo\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _outlet_index() -> dict[str, str]:
    return {fold(variant): name for name, variants in outlets().items() for variant in variants}


def normalise_source(value: str) -> str:
    """One name per outlet: "vtc.vn", "VTCNews" -> "VTC News"; unknown names are kept trimmed."""
    value = value.strip().strip("()[]/-–:. ")
    host = _URL_HOST.search(value)
    key = fold(host.group(1)) if host else fold(value)
    index = _outlet_index()
    if key in index:
        return index[key]
    if host:
        parts = key.split(".")
        for start in range(len(parts) - 1):
            found = index.get(".".join(parts[start:]))
            if found:
                return found
    return value


def _known(value: str) -> str | None:
    name = normalise_source(value)
    return name if fold(name) in _outlet_index() else None


def extract_source(body: str) -> str | None:
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    if not lines:
        return None
    for finder in (_from_source_line, _from_closing, _from_dateline, _from_opening, _from_links):
        found = finder(lines)
        if found:
            return found
    return None


def extract_source_url(body: str) -> str | None:
    """The original's address, as a closing "Nguồn Nhân Dân: https://nhandan.vn/..." credit
    gives it (scraped pages keep the line; an export gives the address as a field instead)."""
    lines = [line.strip() for line in body.split("\n")[-8:] if line.strip()]
    for line in reversed(lines[-4:]):
        found = _SOURCE_URL.match(line)
        if found:
            return found.group(1)
    return None


def _from_source_line(lines: list[str]) -> str | None:
    for line in reversed(lines[-4:]):
        match = _SOURCE_LINE.match(line)
        if match:
            host = _URL_HOST.search(line)
            return _known(match.group(1)) or (_known(host.group(0)) if host else None) or match.group(1).strip()
    return None


def _from_closing(lines: list[str]) -> str | None:
    """A byline in the last two lines, skipping a trailing "(Theo ...)" credit."""
    for line in reversed(lines[-2:]):
        tail = line[-160:]
        if _DREW_ON.match(tail.split("/")[-1].strip()):
            continue
        byline = _BYLINE.search(tail)
        if byline and not _DREW_ON.match(byline.group(1)):
            known = _known(byline.group(1))
            if known or (len(line) < 60 and len(byline.group(1).split()) <= 4):
                return known or byline.group(1).strip()
        closing = _CLOSING_NAME.search(tail)
        if closing:
            known = _known(closing.group(1))
            if known:
                return known
    return None


def _from_dateline(lines: list[str]) -> str | None:
    for line in lines[:3]:
        match = _TASS_DATELINE.match(line)
        if match:
            return _known(match.group(1)) or match.group(1).strip()
    return None


def _from_opening(lines: list[str]) -> str | None:
    match = _OPENING.match(lines[0])
    if match:
        return _known(match.group(1) or match.group(2))
    return None


def _from_links(lines: list[str]) -> str | None:
    for line in reversed(lines[-3:]):
        host = _URL_HOST.search(line)
        if host:
            known = _known(host.group(0))
            if known:
                return known
    return None
