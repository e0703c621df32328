"""Request parameters -> SearchRequest, shared by the page and the API so they cannot disagree."""
from __future__ import annotations

import unicodedata
from typing import Any

from werkzeug.datastructures import MultiDict

from search.facets import BadFilter, date_bound, ordered_dates
from search.models import MAX_PAGE, SORTS, SearchRequest

MAX_FILTER_VALUES = 20


class BadParameter(ValueError):
    """A parameter the client sent cannot be used. `param` names it; the message is Vietnamese."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


def _int(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = args.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(name, f"Tham số {name} phải là số nguyên (nhận được {text[:20]!r}).") from None
    if not low <= value <= high:
        raise BadParameter(name, f"Tham số {name} phải nằm trong khoảng {low}–{high}.")
    return value


def filter_values(args: MultiDict[str, str], name: str) -> tuple[str, ...]:
    """A filter's values as given, trimmed, each once; control characters (a NUL in `?country=%00`)
    are dropped first, so a value of nothing else filters nothing, on the page as in the API."""
    values = tuple(dict.fromkeys(given_values(args, name)))
    if len(values) > MAX_FILTER_VALUES:
        raise BadParameter(name, f"Tối đa {MAX_FILTER_VALUES} giá trị cho {name}.")
    if any(len(v) > 200 for v in values):
        raise BadParameter(name, f"Giá trị {name} quá dài.")
    return values


def given_values(args: MultiDict[str, str], name: str) -> list[str]:
    """A filter's values as given, trimmed, without control characters or empty ones: each as
    often as the address repeats it."""
    cleaned = (_without_controls(v).strip() for v in args.getlist(name))
    return [v for v in cleaned if v]


def _without_controls(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cc") if not text.isprintable() else text


def _date(args: MultiDict[str, str], name: str) -> str | None:
    text = args.get(name, "").strip()
    if not text:
        return None
    try:
        date_bound(text, upper=False)
    except BadFilter:
        raise BadParameter(name, f"Ngày không hợp lệ ở ô “{_DATE_LABELS[name]}” ({name}): dùng dạng YYYY, YYYY-MM "
                                 "hoặc YYYY-MM-DD.") from None
    return text


_DATE_LABELS = {"from": "Từ", "to": "Đến"}  # the date form's labels (templates/_facets.html)


def search_request(args: MultiDict[str, str], settings: dict[str, Any]) -> SearchRequest:
    # composed first: a query typed or pasted decomposed (NFD) is the same query, as long as the
    # composed one, and the page echoes it composed
    query = unicodedata.normalize("NFC", args.get("q", ""))
    if len(query) > settings["MAX_QUERY_CHARS"]:
        raise BadParameter("q", f"Truy vấn quá dài (tối đa {settings['MAX_QUERY_CHARS']} ký tự).")
    sort = args.get("sort", "relevance").strip() or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", "Cách sắp xếp phải là liên quan nhất (relevance), mới nhất (newest) hoặc cũ nhất (oldest).")
    dates = ordered_dates(_date(args, "from"), _date(args, "to"))  # the page moves to the address in order
    return SearchRequest(
        query=query,
        countries=tuple(c.upper() for c in filter_values(args, "country")),
        officials=filter_values(args, "official"),
        sources=filter_values(args, "source"),
        date_from=dates[0],
        date_to=dates[1],
        sort=sort,
        page=_int(args, "page", 1, 1, MAX_PAGE),
        per_page=_int(args, "per_page", settings["PER_PAGE"], 1, settings["MAX_PER_PAGE"]),
    )
