"""The JSON shapes of the public contract (CLI --json and HTTP API share them)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from search.models import MAX_PAGE, Article, ArticleView, Country, Hit, Official, SearchResult


def country_json(c: Country) -> dict[str, str]:
    return {"code": c.code, "name": c.name}


def official_json(o: Official) -> dict[str, Any]:
    return {"name": o.name, "aliases": list(o.aliases), "role": o.role, "country": o.country}


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date,
        "source": hit.source,
        "url": hit.url,
        "countries": [country_json(c) for c in hit.countries],
        "officials": [official_json(o) for o in hit.officials],
        "snippet": hit.snippet,
        "title_html": hit.title_html,
        "score": hit.score,
    }


def result_to_json(result: SearchResult) -> dict[str, Any]:
    r = result.request
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, values in result.facets.items():
        if name == "date":
            facets[name] = [{"value": v.value, "label": v.label, "count": v.count} for v in values]
        else:
            facets[name] = [asdict(v) for v in values]
    return {
        "query": r.query,
        "total": result.total,
        "page": r.page,
        "per_page": r.per_page,
        "pages": min(result.pages, MAX_PAGE),  # the pages one may ask for; `total` counts every match
        "sort": r.sort,
        "hits": [hit_json(h) for h in result.hits],
        "facets": facets,
        "suggestion": result.suggestion,
        "ignored": result.ignored,
        "relaxed": result.relaxed,
        "took_ms": round(result.took_ms, 1),
    }


def article_json(a: ArticleView) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "body": a.body,
        "date": a.date,
        "source": a.source,
        "url": a.url,
        "summary": a.summary,
        "countries": [country_json(c) for c in a.countries],
        "officials": [official_json(o) for o in a.officials],
    }


def article_metadata_json(a: Article) -> dict[str, Any]:
    """What `vnsearch extract --json` prints per article."""
    return {
        "id": a.id,
        "title": a.title,
        "date": a.date.iso() if a.date else None,
        "source": a.source,
        "url": a.url,
        "countries": [country_json(c) for c in a.countries],
        "officials": [official_json(o) for o in a.officials],
        "origin": a.origin,
    }
