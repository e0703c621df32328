"""HTML pages: the search page and the article page, from the same engine calls as the API."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from search.facets import UNDATED
from search.metadata import facet_name
from search.models import FacetValue, Hit, SearchRequest
from search.schema import indexed_body
from webapp.engine_access import get_engine
from webapp.histogram import month_histogram
from webapp.params import MAX_PAGE, BadParameter, filter_values, given_values, search_request

bp = Blueprint("pages", __name__)

FACET_TITLES = {"country": "Quốc gia", "official": "Quan chức", "source": "Nguồn"}
SORT_LABELS = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}
VISIBLE_VALUES = 8
# Every parameter of a search, in the order the back link from an article page lists them.
SEARCH_PARAMS = ("q", "country", "official", "source", "from", "to", "sort", "page", "per_page")


def _url(args: MultiDict[str, str], **changes: Any) -> str:
    """The current search URL with some parameters changed (None removes one); resets the page."""
    return _urls(args, tuple(changes))({k: _values(v) for k, v in changes.items()})


def _values(value: Any) -> list[str]:
    return [] if value is None else (value if isinstance(value, list) else [str(value)])


def _urls(args: MultiDict[str, str], names: tuple[str, ...]) -> Callable[[dict[str, list[str]]], str]:
    """A builder of the current search URL with `names` given new values and the page reset. The
    other parameters are encoded once, for every URL built: a page links a hundred facet values
    and thirty months. Parameters keep their order; a new one goes last (as MultiDict.setlist)."""
    keys = list(dict.fromkeys(k for k in args if k != "page"))
    keys += [name for name in names if name not in keys]
    fixed = {k: _encoded(k, args.getlist(k)) for k in keys if k not in names}
    base = _index_url()

    def url(values: dict[str, list[str]]) -> str:
        query = "&".join(p for p in (fixed[k] if k in fixed else _encoded(k, values[k]) for k in keys) if p)
        return base + ("?" + query if query else "")
    return url


def _encoded(name: str, values: list[str]) -> str:
    return urlencode([(name, v) for v in values if v != ""])


def _index_url() -> str:
    """url_for("pages.index"), once per request: a page builds a link for every facet value."""
    if "index_url" not in g:
        g.index_url = url_for("pages.index")
    return str(g.index_url)


@dataclass(frozen=True, slots=True)
class FacetLink:
    """One facet value as the page prints it: a link that toggles it in the current search."""

    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str


@dataclass(frozen=True, slots=True)
class FacetGroup:
    links: list[FacetLink]
    folded: bool  # behind "Xem thêm"


@dataclass(frozen=True, slots=True)
class FacetView:
    name: str
    title: str
    groups: list[FacetGroup]  # the first VISIBLE_VALUES values and the selected ones, then the rest folded

    @property
    def folds(self) -> bool:
        return any(group.folded for group in self.groups)


def facet_view(args: MultiDict[str, str], facets: dict[str, list[FacetValue]]) -> list[FacetView]:
    """Each facet's values as links with precomputed toggle URLs, so templates only loop and print."""
    return [FacetView(name, title, _groups(_links(args, name, facets.get(name, [])))) for name, title in FACET_TITLES.items()]


def _links(args: MultiDict[str, str], name: str, values: list[FacetValue]) -> list[FacetLink]:
    url, current = _urls(args, (name,)), args.getlist(name)
    return [FacetLink(v.value, v.label, v.count, v.selected, url({name: _toggled(current, v.value, v.selected)})) for v in values]


def _toggled(current: list[str], value: str, selected: bool) -> list[str]:
    """A filter's values after a click on `value`: taken out when it is selected, else added."""
    return [c for c in current if c != value] if selected else [*current, value]


@dataclass(frozen=True, slots=True)
class ChipLink:
    """A filter value printed on one hit, as a link that toggles it in the current search."""

    value: str
    label: str
    selected: bool
    toggle_url: str


def hit_chips(args: MultiDict[str, str], hits: list[Hit]) -> dict[str, list[ChipLink]]:
    """Each hit's country chips, by hit id. A chip toggles its country on the current search as
    the sidebar's link does, keeping the query, the other filters and the sort."""
    url, current = _urls(args, ("country",)), args.getlist("country")

    def chip(code: str, name: str) -> ChipLink:
        selected = code in current
        return ChipLink(code, name, selected, url({"country": _toggled(current, code, selected)}))
    return {hit.id: [chip(c.code, c.name) for c in hit.countries] for hit in hits}


def _groups(links: list[FacetLink]) -> list[FacetGroup]:
    """The first VISIBLE_VALUES links shown, with any selected one further down; the rest folded."""
    rest = links[VISIBLE_VALUES:]
    shown = links[:VISIBLE_VALUES] + [link for link in rest if link.selected]
    folded = [link for link in rest if not link.selected]
    groups = [FacetGroup(shown, folded=False)] if shown else []
    if folded:
        groups.append(FacetGroup(folded, folded=True))
    return groups


def active_filters(args: MultiDict[str, str], facets: dict[str, list[FacetValue]]) -> list[dict[str, str]]:
    chips = []
    for name, title in FACET_TITLES.items():
        labels = {v.value: v.label for v in facets.get(name, [])}
        for value in args.getlist(name):
            if not value.strip():  # `?country=` filters nothing (params.py drops it): no chip
                continue
            remaining = [v for v in args.getlist(name) if v != value]
            chips.append({"label": f"{title}: {labels.get(value.upper() if name == 'country' else value, value)}",
                          "remove_url": _url(args, **{name: remaining})})
    for key, title in (("from", "Từ"), ("to", "Đến")):
        if args.get(key):
            chips.append({"label": f"{title} {args[key]}", "remove_url": _url(args, **{key: None})})
    return chips


def pagination(args: MultiDict[str, str], page: int, pages: int) -> list[dict[str, Any]]:
    """Links to the first, the last and the nearby pages. `pages` is the last page to link: never
    past MAX_PAGE, which params.py refuses."""
    pages = min(pages, MAX_PAGE)
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


def search_state(args: MultiDict[str, str]) -> list[tuple[str, str]]:
    """The search parameters in `args`, carried from a result to its article page and back so the
    back link returns to the same results. Only the names in SEARCH_PARAMS are kept, and a value
    the search page would refuse is dropped: the back link must never lead to an error page."""
    state = MultiDict([(name, value) for name in SEARCH_PARAMS for value in args.getlist(name) if value.strip()])
    for _ in SEARCH_PARAMS:  # each refusal names one parameter; at worst every one goes
        try:
            search_request(state, current_app.config["VNSEARCH"])
            break
        except BadParameter as e:
            state.poplist(e.param)
    return list(state.items(multi=True))


def _query_string(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs) if pairs else ""


def ignored_notice(ignored: list[str]) -> str:
    """The query parts the engine ignored, as one phrase after "Đã bỏ qua:": each reason once, with
    its parts and how often each came. The engine words a reason "ngoặc bị bỏ qua: (", and the notice
    already says "bỏ qua": ["ngoặc bị bỏ qua: ("] * 3 -> "ngoặc “(” (3 lần)".
    webapp/static/embed.js words the widget's notice the same way."""
    reasons: dict[str, dict[str, int]] = {}
    for item in ignored:
        reason, _, part = item.partition(": ")
        parts = reasons.setdefault(reason.removesuffix(" bị bỏ qua"), {})
        parts[part] = parts.get(part, 0) + 1
    return "; ".join(_reason_phrase(reason, parts) for reason, parts in reasons.items())


def _reason_phrase(reason: str, parts: dict[str, int]) -> str:
    if list(parts) == [""]:  # a reason without a part, such as "OR ở cuối truy vấn"
        return _times(reason, parts[""])
    return reason + " " + ", ".join(_times(f"“{part}”", n) for part, n in parts.items())


def _times(text: str, n: int) -> str:
    return f"{text} ({n} lần)" if n > 1 else text


def _month_url(args: MultiDict[str, str]) -> Callable[[str], str]:
    """The link of a month's bar and of its entry in the month list: it filters to that month, or,
    for the month already chosen, takes the date filter off, as a facet link unticks its value."""
    url, selected = _urls(args, ("from", "to")), _selected_month(args)
    return lambda month: url({"from": [], "to": []} if month == selected else {"from": [month], "to": [month]})


def _range_url(args: MultiDict[str, str]) -> Callable[[str, str], str]:
    url = _urls(args, ("from", "to"))
    return lambda first, last: url({"from": [first] if first else [], "to": [last] if last else []})


def _selected_month(args: MultiDict[str, str]) -> str | None:
    return args.get("from") if args.get("from") == args.get("to") else None


def month_links(args: MultiDict[str, str], values: list[FacetValue]) -> list[FacetLink]:
    """The months with articles as a list of links: what the histogram's bars offer, for the
    keyboard and screen readers (the bars are out of the tab order)."""
    url, selected = _month_url(args), _selected_month(args)
    return [FacetLink(v.value, v.label, v.count, v.value == selected, url(v.value)) for v in values if v.value != UNDATED and v.count]


@bp.get("/")
def index() -> str | Response:
    settings = current_app.config["VNSEARCH"]
    args = request.args
    search: SearchRequest = search_request(args, settings)
    result = get_engine().search(search)
    filed = {"country": result.request.countries, "official": result.request.officials, "source": result.request.sources}
    typed = {name: filter_values(args, name) for name in filed}  # as in the address ("vn"), not upper-cased
    dates = {"from": search.date_from, "to": search.date_to}
    swapped = search.date_from != (args.get("from", "").strip() or None)  # "?from=2022-03&to=2022-01"
    repeated = any(len(given_values(args, name)) > len(values) for name, values in typed.items())  # "?country=RU&country=RU"
    if filed != typed or swapped or repeated:  # "?country=Nga": the address of what the index files it as, so links toggle it
        moved = MultiDict(args)
        for name, values in filed.items():
            moved.setlist(name, list(values))
        if swapped:
            for name, value in dates.items():
                moved.setlist(name, [value] if value else [])
        return redirect(url_for("pages.index") + "?" + urlencode(list(moved.items(multi=True))))
    return render_template(
        "search.html",
        result=result,
        q=search.query,
        args=args,
        filtered=bool(search.countries or search.officials or search.sources or search.date_from or search.date_to),
        facets=facet_view(args, result.facets),
        chips=active_filters(args, result.facets),
        histogram=month_histogram(result.facets.get("date", []), _month_url(args), selected=_selected_month(args),
                                  link_range=_range_url(args)),
        months=month_links(args, result.facets.get("date", [])),
        hit_chips=hit_chips(args, result.hits),
        article_query=_query_string(search_state(args)),
        ignored=ignored_notice(result.ignored),
        max_page=MAX_PAGE,
        sort_links=[{"label": label, "url": _url(args, sort=key), "current": key == search.sort} for key, label in SORT_LABELS.items()],
        suggestion_url=_url(args, q=result.suggestion) if result.suggestion else None,
        pages=pagination(args, search.page, result.pages) if result.pages > 1 else [],
        clear_filters_url=_url(args, country=None, official=None, source=None, **{"from": None, "to": None}),
        export_urls=_export_urls(args),
    )


def _export_urls(args: MultiDict[str, str]) -> dict[str, str]:
    """This page's hits as the API gives them: the same search, sort and page."""
    query = urlencode(list(args.items(multi=True)))
    return {name: url_for(endpoint) + ("?" + query if query else "")
            for name, endpoint in (("CSV", "api.search_csv"), ("JSON", "api.search"))}


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> str:
    engine = get_engine()
    found = engine.article(article_id)
    if found is None:
        abort(404)
    state = search_state(request.args)
    q = dict(state).get("q", "")
    body_html = Markup(engine.highlight_text(found.body, q)) if q else None
    # the summary (an export's lead) is searched with the body: shown above it, unless the body holds it
    lead = found.summary if found.summary and indexed_body(found.summary, found.body) != found.body else None
    lead_html = Markup(engine.highlight_text(lead, q)) if lead and q else None
    filed_as = {o.name: facet_name(o) for o in found.officials}  # the chip filters by the facet's value
    return render_template("article.html", article=found, q=q, body_html=body_html, lead=lead, lead_html=lead_html, filed_as=filed_as,
                           related=engine.more_like_this(article_id), search_url=url_for("pages.index"),
                           state_query=_query_string(state))


@bp.app_context_processor
def query_limit() -> dict[str, int]:
    """The longest query the settings accept, for every search box: the search and article pages',
    and the error page's (rendered by webapp/errors.py)."""
    return {"max_query_chars": current_app.config["VNSEARCH"]["MAX_QUERY_CHARS"]}


DOT_SEGMENTS = {".", ".."}


@bp.app_template_global()
def article_url(article_id: str) -> str:
    """url_for("pages.article"), with each "." or ".." segment of the id joined to its neighbours
    by an encoded slash. A browser resolves dot segments before it asks, spelled %2E too (the URL
    Standard counts "%2e%2e" as ".."), so "/articles/a/b/../c" would fetch "/articles/a/c"; within
    a segment ("b%2F..%2Fc") it keeps them, and the server decodes %2F back to "/"."""
    segments = url_for("pages.article", article_id=article_id).split("/")
    path = segments[0]
    for before, segment in zip(segments, segments[1:]):
        path += ("%2F" if before in DOT_SEGMENTS or segment in DOT_SEGMENTS else "/") + segment
    return path


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    xml = render_template("opensearch.xml", base=request.url_root.rstrip("/"))  # with the prefix the app is served under
    return Response(xml, mimetype="application/opensearchdescription+xml")
