"""The JSON API through Flask's client on a real index: contract, errors, CORS, security."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from search.ingest.readers import RawArticle, read_paths
from search.metadata import extract
from tests.conftest import CORPUS, SECRET_TALKS

HIT_KEYS = {"id", "title", "date", "source", "url", "countries", "officials", "snippet", "score"}


def get(client: FlaskClient, url: str, status: int = 200, **kw: Any) -> Any:
    response = client.get(url, **kw)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()


def test_search_contract(client: FlaskClient) -> None:
    data = get(client, "/api/search?q=đàm phán bí mật")
    assert {"query", "total", "page", "per_page", "hits", "facets", "suggestion"} <= set(data)
    assert data["query"] == "đàm phán bí mật" and data["page"] == 1 and data["per_page"] == 10
    assert SECRET_TALKS <= {h["id"] for h in data["hits"]}
    for hit in data["hits"]:
        assert HIT_KEYS <= set(hit)
        assert all(set(c) == {"code", "name"} for c in hit["countries"])
        assert all("name" in o for o in hit["officials"])
    assert any("<mark>" in h["snippet"] for h in data["hits"])
    assert set(data["facets"]) == {"country", "official", "source", "date"}
    for value in data["facets"]["country"]:
        assert set(value) == {"value", "label", "count", "selected"}
    assert all({"value", "count"} <= set(v) for v in data["facets"]["date"])


def test_country_facet_counts_and_filtering(client: FlaskClient) -> None:
    data = get(client, "/api/search?q=")
    countries = {v["value"]: v for v in data["facets"]["country"]}
    assert {"RU", "US", "GB", "UA"} <= set(countries)
    assert countries["RU"]["label"] == "Nga"
    extracted = [extract(r) for r in read_paths([CORPUS]) if isinstance(r, RawArticle)]
    for code in ("RU", "US", "GB", "UA"):
        assert countries[code]["count"] == sum(any(c.code == code for c in a.countries) for a in extracted)
    filtered = get(client, "/api/search?q=&country=GB")
    assert filtered["total"] == countries["GB"]["count"]
    under_gb = {v["value"]: v for v in filtered["facets"]["country"]}
    assert under_gb["GB"]["selected"] is True
    # counts of the selected facet ignore its own filter (multi-select): US counts what it counts
    # without the filter, not the articles holding both; other facets follow it
    assert (under_gb["US"]["count"], under_gb["US"]["selected"]) == (countries["US"]["count"], False)
    assert {k: v["count"] for k, v in under_gb.items()} == {k: v["count"] for k, v in countries.items()}
    with_gb = [a for a in extracted if any(c.code == "GB" for c in a.countries)]
    sources = {v["value"]: v["count"] for v in filtered["facets"]["source"]}
    assert sources == {s: sum(a.source == s for a in with_gb) for s in {a.source for a in with_gb if a.source}}
    both = get(client, "/api/search?q=&country=GB&country=US")
    assert both["total"] == sum(any(c.code in ("GB", "US") for c in a.countries) for a in extracted)


def test_official_filter_and_facet(client: FlaskClient) -> None:
    # one article writes "Sergey Lavrov", another "Sergei Lavrov": one person, one facet value
    data = get(client, "/api/search?q=&official=Sergei Lavrov")
    assert {h["id"] for h in data["hits"]} == {"000_f5e902574d4b46d6", "001_4ce8738a79631aa8"}
    assert get(client, "/api/search?q=&official=sergey lavrov")["total"] == 2
    lavrov = [v for v in data["facets"]["official"] if "Lavrov" in v["value"]]
    assert [(v["value"], v["count"], v["selected"]) for v in lavrov] == [("Sergei Lavrov", 2, True)]


@pytest.mark.parametrize(
    ("url", "param"),
    [("/api/search?q=x&page=0", "page"), ("/api/search?q=x&page=abc", "page"), ("/api/search?q=x&per_page=101", "per_page"),
     ("/api/search?q=x&sort=random", "sort"), ("/api/search?q=x&from=yesterday", "from"), ("/api/search?q=" + "a" * 600, "q"),
     ("/api/search?q=x&from=%D9%A2%D9%A0%D9%A1%D9%A7", "from")],  # Arabic-Indic digits are no date
)
def test_bad_parameters_get_one_error_shape(client: FlaskClient, url: str, param: str) -> None:
    data = get(client, url, status=400)
    assert set(data) == {"error"}
    assert data["error"]["status"] == 400 and data["error"]["code"] == "bad_parameter" and data["error"]["param"] == param
    assert data["error"]["message"]


def test_unknown_article_and_route_are_json_404(client: FlaskClient) -> None:
    assert get(client, "/api/articles/nope", status=404)["error"]["status"] == 404
    assert get(client, "/api/nothing-here", status=404)["error"]["code"] == "not_found"
    assert get(client, "/api/articles/../../etc/passwd", status=404)["error"]["status"] == 404
    # an API path typed a little wrong is still answered as the API answers, not with a page
    for path in ("/api", "/api/", "/healthz/", "/api/search/"):
        assert get(client, path, status=404)["error"]["code"] == "not_found", path
    assert client.get("/healthzz").mimetype == "text/html"  # not an API path: the page's 404


def test_article_endpoint_with_related(client: FlaskClient) -> None:
    data = get(client, "/api/articles/001_4ce8738a79631aa8")
    assert data["title"].startswith("Nga, Mỹ nhất trí")
    assert data["related"] and all(r["id"] != "001_4ce8738a79631aa8" for r in data["related"])


def test_suggest_and_stats_and_health(client: FlaskClient) -> None:
    texts = [s["text"] for s in get(client, "/api/suggest?q=đàm")["suggestions"]]
    assert "đàm phán" in texts
    assert get(client, "/api/suggest?q=Lavr")["suggestions"][0]["text"] == "Sergei Lavrov"
    opensearch = get(client, "/api/suggest?q=đàm&format=opensearch")
    assert opensearch[0] == "đàm" and "đàm phán" in opensearch[1]
    assert get(client, "/api/stats")["articles"] == 5
    assert get(client, "/healthz")["status"] == "ok"


def test_public_api_is_read_only(client: FlaskClient) -> None:
    for method in (client.post, client.put, client.delete):
        response = method("/api/search")
        assert response.status_code == 405 and response.get_json()["error"]["status"] == 405


def test_admin_reindex_needs_the_token(client: FlaskClient) -> None:
    assert client.post("/api/admin/reindex").status_code == 401
    assert client.post("/api/admin/reindex", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.post("/api/admin/reindex", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and ok.get_json()["unchanged"] == 5
    pruned = client.post("/api/admin/reindex?prune=1", headers={"Authorization": "Bearer s3cret"})
    assert pruned.status_code == 200 and (pruned.get_json()["unchanged"], pruned.get_json()["removed"]) == (5, 0)
    bad = client.post("/api/admin/reindex?prune=maybe", headers={"Authorization": "Bearer s3cret"})
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "prune"


def test_cors_only_for_allowed_origins(client: FlaskClient) -> None:
    allowed = client.get("/api/search?q=Nga", headers={"Origin": "http://127.0.0.1:9999"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:9999"
    blocked = client.get("/api/search?q=Nga", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in blocked.headers


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/api/search?q=Nga")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Referrer-Policy" in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_openapi_document_lists_every_public_route(client: FlaskClient) -> None:
    doc = get(client, "/api/openapi.json")
    assert doc["openapi"].startswith("3.")
    assert {"/api/search", "/api/articles/{id}", "/api/suggest", "/api/stats", "/healthz"} <= set(doc["paths"])


def test_hostile_query_is_echoed_as_data(client: FlaskClient) -> None:
    data = get(client, "/api/search?q=<script>alert(1)</script>")
    assert data["query"] == "<script>alert(1)</script>"
    assert all("<script>" not in h["snippet"] for h in data["hits"])


def test_suggest_completes_multi_word_and_unaccented_prefixes(client: FlaskClient) -> None:
    assert "đàm phán" in [s["text"] for s in get(client, "/api/suggest?q=dam ph")["suggestions"]]
    assert "thủ tướng" in [s["text"] for s in get(client, "/api/suggest?q=thu t")["suggestions"]]


def test_suggest_offers_headlines(client: FlaskClient) -> None:
    found = get(client, "/api/suggest?q=cuoc gap bi")["suggestions"]
    assert {"text": "Cuộc gặp bí mật của lãnh đạo tình báo Mỹ, Nga tại Thổ Nhĩ Kỳ", "kind": "title"} in found


def test_the_health_check_answers_while_a_search_holds_the_engine(app: Any, client: FlaskClient) -> None:
    """A load balancer's check must not queue behind slow searches (16 concurrent prefix
    queries made /healthz take 4.9 s): with the engine held, it answers the served count."""
    import threading

    from webapp.engine_access import get_engine

    with app.app_context():
        engine = get_engine()
    expected = client.get("/healthz").get_json()["articles"]
    held, release = threading.Event(), threading.Event()

    def long_search() -> None:
        with engine._lock:  # what a search does for its whole length
            held.set()
            release.wait(30)

    holder = threading.Thread(target=long_search)
    holder.start()
    try:
        assert held.wait(10)
        answers: list[Any] = []
        checker = threading.Thread(target=lambda: answers.append(client.get("/healthz").get_json()))
        checker.start()
        checker.join(10)  # a liveness bound, not a timing: blocked on the lock it would wait 30 s
        assert answers == [{"status": "ok", "articles": expected}]
    finally:
        release.set()
        holder.join()


def test_admin_reindex_while_another_writer_holds_the_index_is_409(app: Any, sample_index: Any) -> None:
    from search.index_store import open_index

    lock = open_index(sample_index).lock("WRITELOCK")
    assert lock.acquire(False)
    try:
        response = app.test_client().post("/api/admin/reindex", headers={"Authorization": "Bearer s3cret"})
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "index_busy"
    finally:
        lock.release()


def test_admin_reindex_without_its_corpus_is_a_503_and_keeps_the_index(app: Any, tmp_path: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config["VNSEARCH"], "CORPUS", tmp_path / "moved-away")
    client = app.test_client()
    before = client.get("/healthz").get_json()["articles"]
    response = client.post("/api/admin/reindex?prune=1", headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "corpus_missing" and "VNSEARCH_CORPUS" in error["message"]
    assert client.get("/healthz").get_json()["articles"] == before > 0


def test_facet_values_beyond_the_page_top(client: FlaskClient) -> None:
    """A filter box finds any value of a facet, under the search's query and other filters."""
    found = get(client, "/api/facets/official?contains=lavrov")
    assert found["facet"] == "official" and [(v["value"], v["count"]) for v in found["values"]] == [("Sergei Lavrov", 2)]
    assert get(client, "/api/facets/country?contains=anh")["values"][0]["value"] == "GB"  # by label, accents aside
    narrowed = get(client, "/api/facets/country?contains=u&q=Naryshkin")["values"]
    everywhere = get(client, "/api/facets/country?contains=u")["values"]
    assert {v["value"] for v in narrowed} <= {v["value"] for v in everywhere} and narrowed
    assert get(client, "/api/facets/source?contains=zzzz")["values"] == []
    # a query search relaxes (no article holds every word) is relaxed here too, filters and all
    relaxed = get(client, "/api/search?q=Lavrov xylophone&country=RU")
    assert relaxed["relaxed"] and relaxed["total"]
    offered = get(client, "/api/facets/official?contains=lavrov&q=Lavrov xylophone&country=RU")["values"]
    assert [v["value"] for v in offered] == ["Sergei Lavrov"]
    # and not where search does not relax (the relaxed query finds nothing under the filters either)
    none = get(client, "/api/search?q=Lavrov xylophone&country=XX")
    assert (none["total"], none["relaxed"]) == (0, False)
    assert get(client, "/api/facets/country?contains=n&q=Lavrov xylophone&country=XX")["values"] == []
    assert client.get("/api/facets/date").status_code == 404
    bad = client.get("/api/facets/country?limit=0")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "limit"


def test_suggest_completes_the_word_after_what_was_typed_from_headlines(client: FlaskClient) -> None:
    """No index word starts with "hoa kỳ s": the word that follows "Hoa Kỳ" in a headline and
    starts with "s" is offered, as the headline writes it (any common word starting with "s"
    after "hoa kỳ" was offered before: junk such as "putin dài" on the whole corpus)."""
    found = get(client, "/api/suggest?q=hoa ky s")["suggestions"]
    assert [s["text"] for s in found if s["kind"] == "term"] == ["hoa kỳ sẵn"]


def test_pages_counts_only_pages_one_may_ask_for(client: FlaskClient) -> None:
    """`pages` never names a page the API refuses (at per_page=1 on a large archive it said
    35,439 while page 1001 answered 400); `total` still counts every match."""
    from search.api_json import result_to_json
    from search.models import MAX_PAGE, SearchRequest, SearchResult

    many = SearchResult(SearchRequest(per_page=1), total=MAX_PAGE * 3, hits=[], facets={})
    assert result_to_json(many)["pages"] == MAX_PAGE and result_to_json(many)["total"] == MAX_PAGE * 3
    data = get(client, "/api/search?q=&per_page=1")
    assert data["pages"] == data["total"] == 5
    assert client.get(f"/api/search?q=&page={MAX_PAGE}").status_code == 200
    assert client.get(f"/api/search?q=&page={MAX_PAGE + 1}").status_code == 400


def test_the_lookalike_eth_is_read_as_d_with_stroke(client: FlaskClient) -> None:
    """"Ð" (U+00D0, Icelandic) stands for "Đ" in text from old encodings: the same search."""
    eth = get(client, "/api/search?q=\u00d0àm phán bí mật")
    assert [h["id"] for h in eth["hits"]] == [h["id"] for h in get(client, "/api/search?q=Đàm phán bí mật")["hits"]]
    assert not eth["relaxed"] and eth["suggestion"] is None


def test_a_prefix_matches_syllables_inside_compounds(client: FlaskClient) -> None:
    """"kremlin*" finds "Điện Kremlin", one word in the index, as "kremlin" does: a prefix widens."""
    word = {h["id"] for h in get(client, "/api/search?q=kremlin&per_page=50")["hits"]}
    prefix = {h["id"] for h in get(client, "/api/search?q=kreml*&per_page=50")["hits"]}
    assert word and word <= prefix


def test_a_date_of_year_zero_is_a_bad_parameter_and_an_open_range_is_not_reversed(client: FlaskClient) -> None:
    assert get(client, "/api/search?q=Nga&from=0000", 400)["error"]["param"] == "from"  # year 0 is no year
    assert get(client, "/api/search?q=Nga&from=9999")["total"] == 0


def test_a_bare_field_or_and_is_listed_as_ignored(client: FlaskClient) -> None:
    assert "trường không có từ nào: title:" in get(client, "/api/search?q=title:")["ignored"]
    data = get(client, "/api/search?q=Nga AND")
    assert "AND ở cuối truy vấn" in data["ignored"] and data["total"] > 0


def test_completions_complete_the_word_typed(engine: Any) -> None:
    """A completion is the word being typed, not pyvi's phrase of it and the next word (on the
    whole corpus "hoà b" offered "hòa bình trương", "hòa bình ký"), nor a less accented
    spelling of a word shown ("hòa binh" after "hòa bình"); words of one folded form stay."""
    from search.engine import _without_bare_spellings

    assert _without_bare_spellings(["hòa_bình", "hòa_binh", "hoa_binh", "hòa_bắc"]) == ["hòa_bình", "hòa_bắc"]
    assert _without_bare_spellings(["đường", "dương", "duong"]) == ["đường", "dương"]
    for typed in ("dam ph", "thu t", "đàm ph", "bi m"):
        terms = [c.text for c in engine.complete(typed, limit=10) if c.kind == "term"]
        assert terms and all(len(t.split()) <= 2 for t in terms), (typed, terms)


def test_completions_keep_the_accents_typed_first(engine: Any) -> None:
    """With accents typed, what keeps them comes first: "bí" gives "bí mật" and the headlines
    holding it before the official "Joe Biden" or a headline's "biết", folded matches only."""
    def typed(text: str) -> bool:
        words = text.lower().split()
        return any(" ".join(words[i:]).startswith("bí") for i in range(len(words)))

    shown = [c.text for c in engine.complete("bí", limit=10)]
    assert "bí mật" in shown and "Joe Biden" in shown
    marks = [typed(t) for t in shown]
    assert marks == sorted(marks, reverse=True), shown  # every accent match before every folded one


def test_method_and_token_errors_say_what_is_allowed(client: FlaskClient) -> None:
    response = client.get("/api/admin/reindex")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    bare = client.post("/api/admin/reindex", headers={"Authorization": "s3cret"})  # no scheme: refused
    assert bare.status_code == 401 and bare.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.post("/api/admin/reindex", headers={"Authorization": "bearer nope"})
    assert wrong.status_code == 401


def test_opensearch_suggestions_are_documented(client: FlaskClient) -> None:
    doc = get(client, "/api/openapi.json")
    params = {p["name"] for p in doc["paths"]["/api/suggest"]["get"]["parameters"]}
    assert "format" in params
    data = get(client, "/api/suggest?q=ng&format=opensearch")
    assert data[0] == "ng" and all(isinstance(t, str) for t in data[1])


@pytest.mark.parametrize("value", ["%00", "%01", "%7f", "%00%00+"])
def test_a_filter_of_control_characters_filters_nothing_on_the_page_as_in_the_api(client: FlaskClient, value: str) -> None:
    """The page and the API read parameters alike: "?country=%00" is an empty filter in both
    (the API filtered on a NUL and found nothing, the page showed the whole archive)."""
    everything = get(client, "/api/search?q=")["total"]
    assert get(client, f"/api/search?q=&country={value}")["total"] == everything
    page = client.get(f"/?q=&country={value}")
    assert page.status_code == 200 and f"{everything} bài" in page.get_data(as_text=True)
    assert get(client, f"/api/search?q=&country=VN{value}")["total"] == get(client, "/api/search?q=&country=VN")["total"]
