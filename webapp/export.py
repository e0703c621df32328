"""A search's hits as CSV, for a spreadsheet: what a reader of the results page would copy out.

Plain text only (the snippet without its marks), UTF-8 with a byte-order mark so that Excel
reads Vietnamese as Vietnamese, and no cell a spreadsheet would run as a formula.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from html import unescape

from search.models import Hit, SearchResult

COLUMNS = ("id", "title", "date", "source", "countries", "officials", "snippet", "score", "url", "link")
_TAG = re.compile(r"</?mark>")
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"): article text is the archive's, not ours, so it is never trusted.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def results_csv(result: SearchResult, link: Callable[[Hit], str]) -> str:
    """The CSV text of the result's hits, one row each; `link` gives a hit's page on this site."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for hit in result.hits:
        writer.writerow([_cell(value) for value in _row(hit, link(hit))])
    return out.getvalue()


def _row(hit: Hit, link: str) -> list[str]:
    return [
        hit.id, hit.title, hit.date or "", hit.source or "",
        "; ".join(c.name for c in hit.countries),
        "; ".join(o.name for o in hit.officials),
        unescape(_TAG.sub("", hit.snippet)),  # the snippet is escaped HTML; the cell is text
        "" if hit.score is None else f"{hit.score:.3f}",
        hit.url or "", link,
    ]


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value
