"""Facets: country, official, source and date (by month), on Whoosh's own facet machinery.

Values of one facet combine with OR, different facets with AND. The counts of each facet reflect
every other active filter but not its own, so a user can widen a selection (multi-select).
"""
from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import sorting
from whoosh.searching import Searcher

from search.analysis import fold, to_nfc
from search.docarrays import DocArrays, Keyed, MultiKeyed
from search.metadata import country_name, names_filed_together
from search.models import FacetValue, SearchRequest
from search.query.aliases import country_of
from search.schema import UNDATED

FACET_NAMES = ("country", "official", "source", "date")
MAX_VALUES = 50


class BadFilter(ValueError):
    """A filter value the user gave cannot be used (message says which and why)."""


def month_label(value: str) -> str:
    if value == UNDATED:
        return "Không rõ ngày"
    year, month = value.split("-")
    return f"Tháng {int(month)}/{year}"


class _ListCategorizer(sorting.Categorizer):
    allow_overlap = True

    def __init__(self, column: str) -> None:
        self._column = column
        self._values: Any = None

    def set_searcher(self, segment_searcher: Searcher, docoffset: int) -> None:
        reader = segment_searcher.reader()  # an empty index has no columns (and no documents)
        self._values = reader.column_reader(self._column) if reader.has_column(self._column) else None

    def keys_for(self, matcher: Any, docid: int) -> list[str]:
        value = self._values[docid]
        return value.split("\t") if value else []

    def key_for(self, matcher: Any, docid: int) -> str:
        keys = self.keys_for(matcher, docid)
        return keys[0] if keys else ""


class ListFacet(sorting.FacetType):
    """A multi-valued facet read from one tab-joined column per document.

    Whoosh's FieldFacet(allow_overlap=True) needs term vectors or walks the whole lexicon per
    search; a column lookup per matched document is cheaper and fails on no edge case.
    """

    def __init__(self, column: str) -> None:
        self.column = column
        self.maptype = sorting.Count

    def categorizer(self, global_searcher: Searcher) -> sorting.Categorizer:
        return _ListCategorizer(self.column)


@dataclass(frozen=True)
class FacetSpec:
    name: str
    field: str  # the indexed field filters use
    column: str | None  # for multi-valued facets: the column counts are read from
    label: Callable[[str], str]

    def facet(self) -> sorting.FacetType:
        if self.column:
            return ListFacet(self.column)
        return sorting.FieldFacet(self.field, maptype=sorting.Count)

    def arrays(self, arrays: DocArrays) -> Keyed | MultiKeyed:
        """The same values as numpy arrays (see array_filters and array_counts)."""
        return arrays.multi[self.column] if self.column else arrays.keyed[self.field]


SPECS = {
    "country": FacetSpec("country", "country", "country_list", country_name),
    "official": FacetSpec("official", "official", "official_list", str),
    "source": FacetSpec("source", "source", None, str),
    "date": FacetSpec("date", "month", None, month_label),
}


_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{1,2}))?(?:-([0-9]{1,2}))?$")  # ASCII digits: not "٢٠١٧"


def date_bound(text: str, upper: bool) -> str:
    """"2022", "2022-01" or "2022-01-21" -> a date_key bound (see schema.date_key)."""
    match = _DATE.match(text.strip())
    if not match:
        raise BadFilter(f"ngày không hợp lệ: {text!r} (dùng YYYY, YYYY-MM hoặc YYYY-MM-DD)")
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    try:
        if day is not None:
            date = dt.date(year, int(month or 1), int(day))
            return f"{date:%Y-%m-%d}" if upper or date.day > 1 else f"{date:%Y-%m}-00"
        if month is not None:
            m = int(month)
            dt.date(year, m, 1)
            return f"{year:04d}-{m:02d}-31" if upper else f"{year:04d}-{m:02d}-00"
        dt.date(year, 1, 1)  # year 0 is no year
        return f"{year:04d}-12-31" if upper else f"{year:04d}-01-00"
    except ValueError as e:
        raise BadFilter(f"ngày không hợp lệ: {text!r}") from e


def ordered_dates(first: str | None, last: str | None) -> tuple[str | None, str | None]:
    """from/to in order: a range typed the other way round means the dates between them (it
    found nothing and said nothing about why)."""
    if first and last and date_bound(first, upper=False) > date_bound(last, upper=True):
        return last, first
    return first, last


def date_range(request: SearchRequest) -> tuple[str, str] | None:
    """The request's from/to as an inclusive range of date_key values, or None."""
    first, last = ordered_dates(request.date_from, request.date_to)
    if not (first or last):
        return None
    low = date_bound(first, upper=False) if first else "0000"
    high = date_bound(last, upper=True) if last else "9999"
    return low, high


def resolved(request: SearchRequest, arrays: DocArrays) -> SearchRequest:
    """The request with each filter value as the index files it: a country by its code (any case)
    or one of its names ("Nga", "Hoa Kỳ"); an official or a source as filed, else in another case
    ("nguyễn xuân phúc", "vov"), else, only when nothing matches so, without accents; a curated
    official by any of their names ("Sergey Lavrov" is filed as "Sergei Lavrov"). Accents tell
    people apart (Nguyễn Thành Phong, Nguyễn Thanh Phong), and a code is not a name folded ("Mỹ"
    is US, not Malaysia's MY). A value the index does not hold stays as given (it finds nothing,
    and the page shows it selected, with 0)."""
    codes = _by_key(arrays, "country")[0]  # the facet's values are upper-case ISO codes

    def country(value: str) -> tuple[str, ...]:
        code = codes.get(value.strip().upper()) if value.strip().isascii() else None
        if code is None:
            named = country_of(tuple(value.lower().replace("-", " ").split()))
            code = codes.get(named) if named else None
        return code or (value,)

    def filed(name: str, value: str, spell: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
        exact, cased, folded = _by_key(arrays, name)
        forms = spell(value)
        for table, key in ((exact, lambda f: f), (cased, lambda f: f.lower()), (folded, _key)):
            found = [v for form in forms for v in table.get(key(form), ())]
            if found:
                return tuple(found)
        return (value,)

    def known(values: tuple[str, ...], one: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
        # as a query: NFC (a name pasted decomposed), "Ðinh" (the look-alike eth) as "Đinh"
        return tuple(dict.fromkeys(v for value in values for v in one(to_nfc(value))))

    return replace(request, countries=known(request.countries, country),
                   officials=known(request.officials, lambda v: filed("official", v, names_filed_together)),
                   sources=known(request.sources, lambda v: filed("source", v, lambda x: (x,))))


def _key(value: str) -> str:
    return " ".join(fold(value.lower()).split())


Tables = tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]


def _by_key(arrays: DocArrays, name: str) -> Tables:
    """A facet's values by themselves, lowercased, and lowercased without accents: once per
    generation's arrays."""
    cache = arrays.__dict__.setdefault("_facet_keys", {})
    if name not in cache:
        tables: tuple[dict[str, list[str]], ...] = ({}, {}, {})
        for value in SPECS[name].arrays(arrays).values:
            if value:
                for table, key in zip(tables, (value, " ".join(value.lower().split()), _key(value))):
                    table.setdefault(key, []).append(value)
        cache[name] = tuple({k: tuple(v) for k, v in table.items()} for table in tables)
    return cache[name]  # type: ignore[no-any-return]


def selections(request: SearchRequest) -> dict[str, tuple[str, ...]]:
    return {"country": request.countries, "official": request.officials, "source": request.sources}


def filter_query(request: SearchRequest, without: str | None = None) -> wq.Query | None:
    """The AND of every active filter, leaving out facet `without` (for its own counts)."""
    parts: list[wq.Query] = []
    for name, values in selections(request).items():
        if values and name != without:
            parts.append(wq.Or([wq.Term(SPECS[name].field, v) for v in values]))
    dates = date_range(request)
    if dates and without != "date":
        parts.append(wq.TermRange("date_key", *dates))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def array_filters(arrays: DocArrays, request: SearchRequest) -> dict[str, np.ndarray]:
    """Each active filter as a document mask, by facet name (the same filters as filter_query)."""
    masks = {name: SPECS[name].arrays(arrays).mask(values) for name, values in selections(request).items() if values}
    dates = date_range(request)
    if dates:
        low, high = dates
        keys = arrays.keyed["date_key"]  # sorted values: a range of codes is a range of dates
        first = int(np.searchsorted(keys.values, low, side="left"))
        last = int(np.searchsorted(keys.values, high, side="right"))
        masks["date"] = (keys.codes >= first) & (keys.codes < last)
    return masks


def array_counts(arrays: DocArrays, matched: np.ndarray, filters: Mapping[str, np.ndarray],
                 request: SearchRequest) -> dict[str, list[FacetValue]]:
    """Facet values for display: each facet counted under every filter but its own."""
    chosen = selections(request)
    out: dict[str, list[FacetValue]] = {}
    for name in FACET_NAMES:
        mask = matched.copy()
        for other, filter_mask in filters.items():
            if other != name:
                mask &= filter_mask
        selected = set(chosen.get(name, ()))
        top = None if name == "date" else MAX_VALUES  # only the top values are shown (and the chosen ones)
        out[name] = _values(name, SPECS[name].arrays(arrays).counts(mask, top, selected), selected)
    return out


def matching_values(name: str, arrays: DocArrays, mask: np.ndarray, contains: str, limit: int,
                    selected: tuple[str, ...] = ()) -> list[FacetValue]:
    """The facet's values counted over `mask` whose label or value contains `contains` (case and
    accents aside): those with a word starting so first, then most articles, then by label."""
    spec, wanted = SPECS[name], _key(to_nfc(contains))
    counts = spec.arrays(arrays).counts(mask)
    found = [(v, c) for v, c in counts.items() if v and (wanted in _key(v) or wanted in _key(spec.label(v)))]

    def rank(vc: tuple[str, int]) -> tuple[bool, int, str]:  # a word starting so ("cu": Cuba) first
        words = _key(spec.label(vc[0])).split() + _key(vc[0]).split()
        return not any(w.startswith(wanted) for w in words), -vc[1], spec.label(vc[0])

    found.sort(key=rank)
    return [FacetValue(v, spec.label(v), c, v in selected) for v, c in found[:limit]]


def groupedby(names: list[str]) -> sorting.Facets:
    facets = sorting.Facets()
    for name in names:
        facets.add_facet(name, SPECS[name].facet())
    return facets


def count_facets(searcher: Searcher, query: wq.Query, request: SearchRequest, base_counts: Mapping[str, Mapping[str, int]]) -> dict[str, list[FacetValue]]:
    """Facet values for display; `base_counts` are the groups of the main (fully filtered) search."""
    chosen = selections(request)
    dated = bool(request.date_from or request.date_to)
    out: dict[str, list[FacetValue]] = {}
    for name in FACET_NAMES:
        selected = set(chosen.get(name, ()))
        counts: Mapping[str, int] = base_counts.get(name, {})
        if selected or (name == "date" and dated):
            others = filter_query(request, without=name)
            # counts only: no scoring, which is most of the cost of a wide query
            results = searcher.search(query, filter=others, groupedby=groupedby([name]), limit=1, scored=False)
            counts = results.groups(name)
        out[name] = _values(name, counts, selected)
    return out


def _values(name: str, counts: Mapping[str, int], selected: set[str]) -> list[FacetValue]:
    spec = SPECS[name]
    items = [(v, c) for v, c in counts.items() if v not in ("", None)]
    if name == "date":
        items.sort(key=lambda vc: (vc[0] == UNDATED, vc[0]))
    else:
        def rank(vc: tuple[str, int]) -> tuple[int, str]:
            return -vc[1], spec.label(vc[0])

        # only the top values are shown: pick them without sorting thousands of officials
        best = heapq.nsmallest(MAX_VALUES, items, key=rank)
        items = best + sorted((vc for vc in items if vc[0] in selected and vc not in best), key=rank)
    values = [FacetValue(v, spec.label(v), c, v in selected) for v, c in items]
    missing = selected - {v for v, _ in items}
    values += [FacetValue(v, spec.label(v), 0, True) for v in sorted(missing)]
    return values
