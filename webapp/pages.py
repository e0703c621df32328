"""HTML pages: the search page and the article page, from the same engine calls as the API."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from search.models import FacetValue, SearchRequest
from webapp.engine_access import get_engine
from webapp.histogram import month_histogram
from webapp.params import search_request

bp = Blueprint("pages", __name__)

FACET_TITLES = {"country": "Quốc gia", "official": "Quan chức", "source": "Nguồn"}
SORT_LABELS = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}
VISIBLE_VALUES = 8


def _url(args: MultiDict[str, str], **changes: Any) -> str:
    """The current search URL with some parameters changed (None removes one); resets the page."""
    params = MultiDict(args)
    params.pop("page", None)
    for key, value in changes.items():
        params.setlist(key, [] if value is None else (value if isinstance(value, list) else [str(value)]))
    query = urlencode([(k, v) for k, v in params.items(multi=True) if v != ""])
    return _index_url() + ("?" + query if query else "")


def _index_url() -> str:
    """url_for("pages.index"), once per request: a page builds a link for every facet value."""
    if "index_url" not in g:
        g.index_url = url_for("pages.index")
    return str(g.index_url)


def _toggle_urls(args: MultiDict[str, str], name: str, values: list[FacetValue]) -> list[str]:
    """Each value's toggle URL: as _url(args, name=<values with this one flipped>), but with the
    other parameters encoded once for the whole facet (a page links a hundred values)."""
    keys = list(dict.fromkeys(k for k in args if k != "page"))
    if name not in keys:
        keys.append(name)  # MultiDict.setlist appends a new key; params stay grouped by key
    at = keys.index(name)
    groups = [urlencode([(k, v) for v in args.getlist(k) if v != ""]) for k in keys]
    current = args.getlist(name)
    urls = []
    for value in values:
        chosen = [v for v in current if v != value.value] if value.selected else [*current, value.value]
        parts = [*groups[:at], urlencode([(name, v) for v in chosen if v != ""]), *groups[at + 1:]]
        query = "&".join(p for p in parts if p)
        urls.append(_index_url() + ("?" + query if query else ""))
    return urls


def facet_view(args: MultiDict[str, str], facets: dict[str, list[FacetValue]]) -> list[dict[str, Any]]:
    """Each facet value with its precomputed toggle URL, so templates only loop and print links."""
    return [
        {
            "name": name,
            "title": title,
            "values": [{"value": v, "toggle_url": url} for v, url in zip(facets.get(name, []), _toggle_urls(args, name, facets.get(name, [])))],
            "visible": VISIBLE_VALUES,
        }
        for name, title in FACET_TITLES.items()
    ]


def active_filters(args: MultiDict[str, str], facets: dict[str, list[FacetValue]]) -> list[dict[str, str]]:
    chips = []
    for name, title in FACET_TITLES.items():
        labels = {v.value: v.label for v in facets.get(name, [])}
        for value in args.getlist(name):
            remaining = [v for v in args.getlist(name) if v != value]
            chips.append({"label": f"{title}: {labels.get(value.upper() if name == 'country' else value, value)}",
                          "remove_url": _url(args, **{name: remaining})})
    for key, title in (("from", "Từ"), ("to", "Đến")):
        if args.get(key):
            chips.append({"label": f"{title} {args[key]}", "remove_url": _url(args, **{key: None})})
    return chips


def pagination(args: MultiDict[str, str], page: int, pages: int) -> list[dict[str, Any]]:
    window = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items: list[dict[str, Any]] = []
    for number in window:
        if items and number - items[-1]["number"] > 1:
            items.append({"number": number - 1, "gap": True})
        params = MultiDict(args)
        params.setlist("page", [str(number)])
        items.append({"number": number, "url": _index_url() + "?" + urlencode(list(params.items(multi=True))),
                      "current": number == page, "gap": False})
    return items


@bp.get("/")
def index() -> str:
    settings = current_app.config["VNSEARCH"]
    args = request.args
    search: SearchRequest = search_request(args, settings)
    result = get_engine().search(search)
    return render_template(
        "search.html",
        result=result,
        q=search.query,
        args=args,
        facets=facet_view(args, result.facets),
        chips=active_filters(args, result.facets),
        histogram=month_histogram(result.facets.get("date", []), lambda value: _url(args, **{"from": value, "to": value})),
        sort_links=[{"label": label, "url": _url(args, sort=key), "current": key == search.sort} for key, label in SORT_LABELS.items()],
        suggestion_url=_url(args, q=result.suggestion) if result.suggestion else None,
        pages=pagination(args, search.page, result.pages) if result.pages > 1 else [],
        clear_filters_url=_url(args, country=None, official=None, source=None, **{"from": None, "to": None}),
    )


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> str:
    engine = get_engine()
    found = engine.article(article_id)
    if found is None:
        abort(404)
    q = request.args.get("q", "")[: current_app.config["VNSEARCH"]["MAX_QUERY_CHARS"]]
    body_html = Markup(engine.highlight_text(found.body, q)) if q else None
    return render_template("article.html", article=found, q=q, body_html=body_html,
                           related=engine.more_like_this(article_id), search_url=url_for("pages.index"))


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    xml = render_template("opensearch.xml", base=request.host_url.rstrip("/"))
    return Response(xml, mimetype="application/opensearchdescription+xml")
