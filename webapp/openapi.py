"""The OpenAPI 3 description of the public API; tests check real responses against it."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from webapp.export import COLUMNS as CSV_COLUMNS
from webapp.params import MAX_FILTER_VALUES

_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required if required is not None else list(props)}


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"status": {"type": "integer"}, "code": _STR, "message": _STR, "param": _STR},
                                 ["status", "code", "message"])}),
    "Country": _obj({"code": {"type": "string", "pattern": "^[A-Z]{2}$"}, "name": _STR}),
    "Official": _obj({"name": _STR, "aliases": _array(_STR), "role": _NSTR, "country": _NSTR}),
    "Hit": _obj({
        "id": _STR, "title": _STR, "date": _NSTR, "source": _NSTR, "url": _NSTR,
        "countries": _array(_ref("Country")), "officials": _array(_ref("Official")),
        "snippet": {"type": "string", "description": "HTML: escaped article text, <mark> around matches"},
        "title_html": {"type": "string", "description": "HTML: escaped title, <mark> around matches"},
        "score": {"type": ["number", "null"], "description": "Relevance, comparable within one query only "
                  "(10,000 is added where every query word stands whole, 5,000 where every word has the "
                  "accents as typed); null when sorted by date"},
    }),
    "FacetValue": _obj({"value": _STR, "label": _STR, "count": {"type": "integer"}, "selected": {"type": "boolean"}}),
    "DateBucket": _obj({"value": {"type": "string", "description": "YYYY-MM or 'undated'"}, "label": _STR, "count": {"type": "integer"}}),
    "SearchResult": _obj({
        "query": _STR, "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "pages": {"type": "integer", "description": "Pages one may ask for: at most 1000 (`total` counts every match)"}, "sort": {"type": "string", "enum": ["relevance", "newest", "oldest"]},
        "hits": _array(_ref("Hit")),
        "facets": _obj({"country": _array(_ref("FacetValue")), "official": _array(_ref("FacetValue")),
                        "source": _array(_ref("FacetValue")), "date": _array(_ref("DateBucket"))}),
        "suggestion": _NSTR, "ignored": _array(_STR), "relaxed": {"type": "boolean"}, "took_ms": {"type": "number"},
    }),
    "Article": _obj({
        "id": _STR, "title": _STR, "body": _STR, "date": _NSTR, "source": _NSTR, "url": _NSTR, "summary": _NSTR,
        "countries": _array(_ref("Country")), "officials": _array(_ref("Official")), "related": _array(_ref("Hit")),
    }),
    "Suggestions": _obj({"query": _STR, "suggestions": _array(_obj({"text": _STR, "kind": {"type": "string", "enum": ["term", "country", "official", "title"]}}))}),
    "FacetValues": _obj({"facet": {"type": "string", "enum": ["country", "official", "source"]}, "contains": _STR,
                         "values": _array(_ref("FacetValue"))}),
    "Stats": _obj({"articles": {"type": "integer"},
                   "outdated_articles": {"type": "integer", "description": "Articles indexed by older code or with other alias "
                                         "data: their name searches are slower until the next `vnsearch index`"},
                   "facets": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}}}}),
    "Health": _obj({"status": _STR, "articles": {"type": "integer"}}),
}


def _param(name: str, description: str, schema: dict[str, Any], array: bool = False) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "in": "query", "required": False, "description": description}
    if array:
        p.update(schema={**_array(schema), "maxItems": MAX_FILTER_VALUES}, style="form", explode=True)
    else:
        p["schema"] = schema
    return p


def _responses(ok: str, *errors: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": _ref(ok)}}}}
    for status in errors:
        out[str(status)] = {"description": "Error", "content": {"application/json": {"schema": _ref("Error")}}}
    return out


# YYYY, YYYY-MM or YYYY-MM-DD, real calendar dates only (year 0001-9999, Feb 29 in leap years),
# or empty (not given, as HTML forms send it): exactly what the API accepts.
_YEAR = r"(?:\d{3}[1-9]|\d{2}[1-9]\d|\d[1-9]\d{2}|[1-9]\d{3})"
_LEAP = r"(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
DATE_PATTERN = (
    rf"^(?:|{_YEAR}(?:-(?:0?[1-9]|1[0-2]))?|{_YEAR}-(?:0?[13578]|1[02])-(?:0?[1-9]|[12]\d|3[01])"
    rf"|{_YEAR}-(?:0?[469]|11)-(?:0?[1-9]|[12]\d|30)|{_YEAR}-0?2-(?:0?[1-9]|1\d|2[0-8])|{_LEAP}-0?2-29)$"
)

SEARCH_PARAMS = [
    _param("q", "Query: words (with or without diacritics), \"phrases\", AND/OR/NOT, -word, title:word, word*", {"type": "string", "maxLength": 500}),
    _param("country", "ISO 3166-1 alpha-2 code or a country's name (Nga, Hoa Kỳ); repeat for OR", {"type": "string", "maxLength": 200}, array=True),
    _param("official", "Official's name, any case or accents (a curated official by any of their names); repeat for OR", {"type": "string", "maxLength": 200}, array=True),
    _param("source", "Source outlet, any case or accents; repeat for OR", {"type": "string", "maxLength": 200}, array=True),
    _param("from", "Earliest date: YYYY, YYYY-MM or YYYY-MM-DD", {"type": "string", "pattern": DATE_PATTERN}),
    _param("to", "Latest date: YYYY, YYYY-MM or YYYY-MM-DD", {"type": "string", "pattern": DATE_PATTERN}),
    _param("sort", "Order of hits (empty: relevance)", {"type": "string", "enum": ["relevance", "newest", "oldest", ""]}),
    _param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 1000}),
    _param("per_page", "Hits per page", {"type": "integer", "minimum": 1, "maximum": 100}),
]


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "vnsearch API", "version": "1.0.0",
                 "description": "Read-only search over a Vietnamese news archive. Every error has the Error shape."},
        "paths": {
            "/api/search": {"get": {"summary": "Search articles", "parameters": SEARCH_PARAMS,
                                    "responses": _responses("SearchResult", 400, 503)}},
            "/api/search.csv": {"get": {
                "summary": "The same search's hits as CSV (UTF-8 with a byte-order mark; columns " + ", ".join(CSV_COLUMNS)
                           + "; a cell that a spreadsheet would read as a formula starts with ')",
                "parameters": SEARCH_PARAMS,
                "responses": {**_responses("Error", 400, 503), "200": {"description": "OK", "content": {
                    "text/csv": {"schema": {"type": "string"}}}}}}},
            "/api/articles/{id}": {"get": {"summary": "One article with related articles",
                                           "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 300}}],
                                           "responses": _responses("Article", 404, 503)}},
            "/api/suggest": {"get": {"summary": "Search-box completions from the index",
                                     "parameters": [_param("q", "What the user has typed so far", {"type": "string", "maxLength": 100}),
                                                    _param("format", "`opensearch`: the OpenSearch suggestions array browsers read, "
                                                           "`[query, [completion, ...]]`, instead of the Suggestions object",
                                                           {"type": "string", "enum": ["opensearch"]})],
                                     "responses": {**_responses("Suggestions", 400, 503), "200": {"description": "OK", "content": {
                                         "application/json": {"schema": {"oneOf": [_ref("Suggestions"), {
                                             "type": "array", "minItems": 2, "maxItems": 2,  # [query, [completion, ...]]
                                             "items": {"oneOf": [_STR, _array(_STR)]}}]}}}}}}},
            "/api/facets/{name}": {"get": {
                "summary": "Every value of one facet under a search (its query and other filters) whose name contains `contains`",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": ["country", "official", "source"]}},
                               _param("contains", "Part of the value's name, any case or accents", {"type": "string", "maxLength": 100}),
                               _param("limit", "Values returned at most", {"type": "integer", "minimum": 1, "maximum": 100}),
                               *SEARCH_PARAMS],
                "responses": _responses("FacetValues", 400, 404, 503)}},
            "/api/stats": {"get": {"summary": "Article count and facet value counts", "responses": _responses("Stats", 503)}},
            "/healthz": {"get": {"summary": "Liveness and article count", "responses": _responses("Health", 503)}},
        },
        "components": {"schemas": SCHEMAS},
    }
