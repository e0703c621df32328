"""A month histogram of the date facet as server-rendered SVG data (no chart library)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from search.facets import UNDATED, month_label
from search.models import FacetValue

WIDTH = 240
HEIGHT = 60
WIDE = 36  # months: a span wider than this leaves out the few stray dates at its ends...
STRAY = 0.01  # ...as long as they hold at most this share of the dated articles at each end


@dataclass(frozen=True, slots=True)
class Bar:
    """One month: its rectangle in the SVG's coordinates, and the link that filters to it."""

    value: str  # "YYYY-MM"
    count: int
    label: str
    url: str
    selected: bool
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Histogram:
    bars: list[Bar]
    undated: int  # articles without a date, told apart from the bars
    first: str = ""  # the first and last months' labels
    last: str = ""
    earlier: int = 0  # stray dated articles left out before the first bar and after the last
    later: int = 0
    earlier_url: str = ""  # what filters to them
    later_url: str = ""
    width: int = WIDTH
    height: int = HEIGHT


def month_histogram(values: list[FacetValue], link: Callable[[str], str], selected: str | None = None,
                    link_range: Callable[[str, str], str] = lambda first, last: "") -> Histogram:
    """Bars for dated months (the `selected` one marked); the undated count apart, and the few
    articles dated far from the rest too ("Ngày 5/6/1967, ..." opening a 2017 article made 600
    one-pixel bars of a year of news)."""
    months = [v for v in values if v.value != UNDATED]
    kept, before, after = _without_strays(months)
    dated = _with_empty_months(kept)
    undated = next((v.count for v in values if v.value == UNDATED), 0)
    if not dated:
        return Histogram([], undated)
    earlier, later = sum(v.count for v in before), sum(v.count for v in after)
    top = max(v.count for v in dated) or 1
    step = WIDTH / len(dated)
    bars = []
    for i, v in enumerate(dated):
        h = max(2.0, HEIGHT * v.count / top) if v.count else 0.0
        bars.append(Bar(v.value, v.count, f"{v.label}: {v.count} bài", link(v.value), v.value == selected,
                        x=round(i * step + 1, 1), y=round(HEIGHT - h, 1), width=round(max(step - 2, 1), 1), height=round(h, 1)))
    return Histogram(bars, undated, dated[0].label, dated[-1].label, earlier, later,
                     link_range("", before[-1].value) if before else "", link_range(after[0].value, "") if after else "")


def _without_strays(months: list[FacetValue]) -> tuple[list[FacetValue], list[FacetValue], list[FacetValue]]:
    """(the months shown, the stray ones before, after): over a span of more than WIDE months,
    the first and last months are left out while they hold at most STRAY of the articles."""
    if len(months) < 2 or _span(months[0].value, months[-1].value) <= WIDE:
        return months, [], []
    allowed = STRAY * sum(v.count for v in months)
    start, end, dropped = 0, len(months), 0
    while start < end - 1 and dropped + months[start].count <= allowed and _span(months[start].value, months[end - 1].value) > WIDE:
        dropped += months[start].count
        start += 1
    dropped = 0
    while end - 1 > start and dropped + months[end - 1].count <= allowed and _span(months[start].value, months[end - 1].value) > WIDE:
        dropped += months[end - 1].count
        end -= 1
    return months[start:end], months[:start], months[end:]


def _span(first: str, last: str) -> int:
    (y1, m1), (y2, m2) = map(int, first.split("-")), map(int, last.split("-"))
    return (y2 - y1) * 12 + m2 - m1


def _with_empty_months(values: list[FacetValue]) -> list[FacetValue]:
    """Every month between the first and the last, so bar spacing shows time (Jan, Feb, Mar...)."""
    if not values:
        return values
    counts = {v.value: v for v in values}
    (year, month), (last_year, last_month) = (map(int, values[0].value.split("-")), map(int, values[-1].value.split("-")))
    if (last_year - year) * 12 + last_month - month > 240:  # a stray date decades away: keep it sparse
        return values
    filled: list[FacetValue] = []
    while (year, month) <= (last_year, last_month):
        key = f"{year:04d}-{month:02d}"
        filled.append(counts.get(key) or FacetValue(key, month_label(key), 0))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled
