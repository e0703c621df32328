"""A month histogram of the date facet as server-rendered SVG data (no chart library)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from search.facets import UNDATED, month_label
from search.models import FacetValue

WIDTH = 240
HEIGHT = 60


def month_histogram(values: list[FacetValue], link: Callable[[str], str]) -> dict[str, Any]:
    """Bars (x, y, width, height, label, url) for dated months; the undated count apart."""
    dated = _with_empty_months([v for v in values if v.value != UNDATED])
    undated = next((v.count for v in values if v.value == UNDATED), 0)
    if not dated:
        return {"bars": [], "undated": undated, "width": WIDTH, "height": HEIGHT}
    top = max(v.count for v in dated) or 1
    step = WIDTH / len(dated)
    bars = []
    for i, v in enumerate(dated):
        h = max(2.0, HEIGHT * v.count / top) if v.count else 0.0
        bars.append({"x": round(i * step + 1, 1), "y": round(HEIGHT - h, 1), "width": round(max(step - 2, 1), 1),
                     "height": round(h, 1), "label": f"{v.label}: {v.count} bài", "url": link(v.value), "value": v.value,
                     "count": v.count})
    return {"bars": bars, "undated": undated, "width": WIDTH, "height": HEIGHT, "first": dated[0].label, "last": dated[-1].label}


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
