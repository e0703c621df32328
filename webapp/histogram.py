"""A month histogram of the date facet as server-rendered SVG data (no chart library)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from search.facets import UNDATED, month_label
from search.models import FacetValue

WIDTH = 240
HEIGHT = 60


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
    width: int = WIDTH
    height: int = HEIGHT


def month_histogram(values: list[FacetValue], link: Callable[[str], str], selected: str | None = None) -> Histogram:
    """Bars for dated months (the `selected` one marked); the undated count apart."""
    dated = _with_empty_months([v for v in values if v.value != UNDATED])
    undated = next((v.count for v in values if v.value == UNDATED), 0)
    if not dated:
        return Histogram([], undated)
    top = max(v.count for v in dated) or 1
    step = WIDTH / len(dated)
    bars = []
    for i, v in enumerate(dated):
        h = max(2.0, HEIGHT * v.count / top) if v.count else 0.0
        bars.append(Bar(v.value, v.count, f"{v.label}: {v.count} bài", link(v.value), v.value == selected,
                        x=round(i * step + 1, 1), y=round(HEIGHT - h, 1), width=round(max(step - 2, 1), 1), height=round(h, 1)))
    return Histogram(bars, undated, dated[0].label, dated[-1].label)


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
