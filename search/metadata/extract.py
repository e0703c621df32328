"""extract(): a RawArticle in, a cleaned Article with its metadata out."""
from __future__ import annotations

from functools import lru_cache

from ..models import Article, ArticleDate, Country, Official, RawArticle
from .countries import Mention, countries_from_metadata, country_name, scan
from .data import capitals, country_aliases, curated_officials, organisations
from .dates import extract_date, parse_metadata_date
from .furniture import clean_body
from .officials import find_officials
from .sources import extract_source, extract_source_url, normalise_source
from .text import clean_input, repair_for_extraction


def extract(raw: RawArticle) -> Article:
    """Clean the body and extract date, source, countries and officials.

    Values the article's own metadata gives (raw.date, raw.source, raw.countries,
    raw.officials) win over extraction. Never raises on odd text: bad input gives empty fields.
    """
    title = clean_input(raw.title)
    body = clean_body(clean_input(raw.body))
    text = f"{title}\n{body}" if title else body
    prepared = repair_for_extraction(text)
    scanned = scan(prepared)
    mentions = [m for m, accepted in scanned if accepted and m.kind not in ("place", "not_person")]
    # Places and organisations are never part of a person's name, even where they do not
    # count as the state ("Điện Kremlin Dmitry Peskov", "Tỉnh ủy Hồ Bắc").
    not_names = [m for m, accepted in scanned
                 if m.kind in ("capital", "org", "place", "lookalike", "not_person")
                 and not (accepted and m.kind not in ("place", "not_person"))]
    found_countries = tuple(Country(c, n) for c, n in _countries(mentions))
    officials = find_officials(prepared, mentions, not_names)
    return Article(
        id=raw.id,
        title=title,
        body=body,
        summary=clean_input(raw.summary) or None,
        date=_date(raw.date, body),
        source=_source(raw.source, body),
        url=raw.url or extract_source_url(body),
        countries=countries_from_metadata(raw.countries) if raw.countries else found_countries,
        officials=_given_officials(raw.officials, officials) if raw.officials else officials,
        origin=raw.origin,
    )


def _countries(mentions: list[Mention]) -> list[tuple[str, str]]:
    codes = sorted({m.code for m in mentions if m.kind in ("country", "capital")})
    return [(code, country_name(code)) for code in codes]


def _date(given: str | None, body: str) -> ArticleDate | None:
    if isinstance(given, str) and given.strip():
        parsed = parse_metadata_date(given)
        if parsed is not None:
            return parsed
    return extract_date(body)


def _source(given: str | None, body: str) -> str | None:
    if isinstance(given, str) and given.strip():
        return normalise_source(given)
    return extract_source(body)


def _given_officials(names: list[str], found: tuple[Official, ...]) -> tuple[Official, ...]:
    """Officials named by metadata, enriched with what extraction knows about the same person."""
    result = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        name = clean_input(name).strip()
        match = next((o for o in found if name == o.name or name in o.aliases), None)
        if match is None:
            entry = next((e for e in curated_officials() if name in e.names), None)
            result.append(Official(name, (), entry.role if entry else None, entry.country if entry else None))
        else:
            result.append(Official(name, tuple(a for a in (match.name, *match.aliases) if a != name),
                                   match.role, match.country))
    return tuple(result)


@lru_cache(maxsize=1)
def name_variants() -> list[tuple[str, ...]]:
    """Groups of names for one entity, from the same data the facets use, for query expansion:
    countries (Babel name + aliases), capitals and seats of government, organisations, and
    curated officials (full-name spellings only: a bare surname is not a safe synonym). A
    country's "-Trung" keeps its dash: a name of China only joined to another ("Mỹ - Trung"),
    so an expansion of China but never what "miền Trung" or "tiếng Việt" is read as."""
    groups: list[tuple[str, ...]] = []
    for names in country_aliases().values():
        groups.append(tuple(names))
    groups.extend(names for _, names in capitals())
    groups.extend(organisations().values())
    for entry in curated_officials():
        groups.append(tuple(n for n in entry.names if " " in n) or entry.names)
    return [group for group in (tuple(dict.fromkeys(g)) for g in groups) if len(group) > 1]
