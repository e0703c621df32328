"""Typed objects that flow between the layers: readers -> metadata -> index -> query -> API/pages."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, e.g. "RU"
    name: str  # Vietnamese display name from Babel, e.g. "Nga"


@dataclass(frozen=True)
class Official:
    name: str  # canonical (most complete) form, e.g. "Sergei Lavrov"
    aliases: tuple[str, ...] = ()  # other forms used in the article: "Sergey Lavrov", "Lavrov"
    role: str | None = None  # "Bộ trưởng Ngoại giao"
    country: str | None = None  # ISO code, or an organisation acronym ("UN", "NATO")


@dataclass(frozen=True)
class ArticleDate:
    """A publication date; the year may be unknown (the text said "ngày 4 tháng 3")."""

    year: int | None
    month: int
    day: int | None = None

    def iso(self) -> str:
        """"2022-01-21", "2022-01" or "--03-04" (ISO 8601 form for an unknown year)."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}" if self.day else f"--{self.month:02d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def parse(cls, text: str) -> ArticleDate:
        """Inverse of iso(); also accepts a full ISO datetime. Raises ValueError."""
        text = text.strip()
        if text.startswith("--"):
            parts = text[2:].split("-")
            return cls(None, int(parts[0]), int(parts[1]) if len(parts) > 1 else None)
        parts = text[:10].split("-")
        if len(parts) == 3:
            d = _dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return cls(d.year, d.month, d.day)
        if len(parts) == 2 and 1 <= int(parts[1]) <= 12:
            return cls(int(parts[0]), int(parts[1]))
        raise ValueError(f"not a date: {text!r}")


@dataclass
class RawArticle:
    """One article as a reader found it, before cleaning and extraction.

    Optional fields hold what the file's own metadata (front matter, JSON keys) said;
    they override what extraction would find.
    """

    id: str
    title: str
    body: str
    origin: str  # where it came from, for messages: "corpus/a.txt" or "x.jsonl:12"
    date: str | None = None
    source: str | None = None
    url: str | None = None
    summary: str | None = None
    countries: list[str] | None = None  # ISO codes or names given in metadata
    officials: list[str] | None = None


@dataclass
class Article:
    """A cleaned article with its extracted metadata, ready to index."""

    id: str
    title: str
    body: str  # the article's own text, site furniture removed
    summary: str | None = None
    date: ArticleDate | None = None
    source: str | None = None
    url: str | None = None
    countries: tuple[Country, ...] = ()
    officials: tuple[Official, ...] = ()
    origin: str = ""
    extra: dict[str, object] = field(default_factory=dict)


SORTS = ("relevance", "newest", "oldest")


MAX_PAGE = 1000  # the last page a search may ask for (the API and the page refuse further ones)


@dataclass(frozen=True)
class SearchRequest:
    """What a user asked for; built by the CLI or the web layer, validated there."""

    query: str = ""
    countries: tuple[str, ...] = ()
    officials: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    date_from: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    title_html: str  # escaped, with <mark> around matches
    date: str | None
    source: str | None
    url: str | None
    countries: tuple[Country, ...]
    officials: tuple[Official, ...]
    snippet: str  # escaped article text with <mark> around matches
    score: float | None


@dataclass(frozen=True)
class FacetValue:
    value: str  # stable, for URLs
    label: str  # for display
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    ignored: list[str] = field(default_factory=list)  # query parts the lenient parser dropped
    relaxed: bool = False  # no article had every word; showing articles with some of them
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))


@dataclass(frozen=True)
class ArticleView:
    """One stored article for the article page and /api/articles/<id>."""

    id: str
    title: str
    body: str
    date: str | None
    source: str | None
    url: str | None
    summary: str | None
    countries: tuple[Country, ...]
    officials: tuple[Official, ...]


@dataclass(frozen=True)
class Completion:
    """A search-box suggestion drawn from the index."""

    text: str
    kind: str  # "term", "country", "official" or "title"
