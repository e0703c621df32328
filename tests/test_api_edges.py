"""Edges of the web layer, through Flask's client on real indexes: the 500 handler, the admin
token's scheme, CORS for "*" and trailing slashes, a month's last day, a selected filter value
no article has, and a filter value too long; the JSON API and the page alike."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search.indexer import index_paths
from tests.conftest import write_article
from webapp import create_app
from webapp.engine_access import close as close_engine

INTERNAL = "Đã có lỗi xảy ra. Vui lòng thử lại."


@pytest.fixture()
def fresh_app(sample_index: Path) -> Iterator[Flask]:
    """An app of its own on the session's (read-only) index, for routes and settings of a test."""
    app = create_app({"INDEX": sample_index})
    yield app
    close_engine(app)


# -- an unexpected error ------------------------------------------------------------------
def _raise() -> Any:
    raise LookupError("khóa nội bộ /srv/vnsearch/index/_MAIN_1.toc")


@pytest.mark.parametrize("path", ["/api/boom", "/boom"])
def test_an_unexpected_error_says_nothing_of_itself(fresh_app: Flask, path: str) -> None:
    """A 500 is the documented JSON shape on the API and the friendly page elsewhere: never the
    exception's name, its message or a traceback."""
    fresh_app.add_url_rule(path, "boom", _raise)
    response = fresh_app.test_client().get(path)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    for leak in ("LookupError", "/srv/vnsearch", "_MAIN_1", "Traceback"):
        assert leak not in body
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if path.startswith("/api/"):
        assert response.get_json() == {"error": {"status": 500, "code": "internal_error", "message": INTERNAL}}
    else:
        assert response.mimetype == "text/html"
        assert "<h1>Có lỗi xảy ra</h1>" in body and f'<p class="message" role="alert">{INTERNAL}</p>' in body


# -- the admin token's scheme ---------------------------------------------------------------
def test_the_bearer_scheme_is_read_in_any_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """RFC 7235: the scheme is case-insensitive; the token is not."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    write_article(corpus, "hue.txt", "Mưa lớn ở Huế\nMưa lớn kéo dài khiến nhiều tuyến phố ở Huế ngập sâu.")
    index_paths(index_dir, [corpus])
    monkeypatch.setenv("VNSEARCH_ADMIN_TOKEN", "Tok-3n")
    app = create_app({"INDEX": index_dir, "CORPUS": corpus})
    client = app.test_client()
    try:
        for n, scheme in enumerate(["bearer", "BEARER", "Bearer"]):
            write_article(corpus, f"gold-{n}.txt", f"Giá vàng tăng phiên thứ {n + 1}\nGiá vàng trong nước tăng mạnh sáng nay.")
            response = client.post("/api/admin/reindex", headers={"Authorization": f"{scheme} Tok-3n"})
            assert response.status_code == 200, (scheme, response.get_data(as_text=True))
            assert (response.get_json()["indexed"], response.get_json()["unchanged"]) == (1, n + 1)
        found = client.get("/api/search?q=giá vàng&per_page=50").get_json()
        assert sorted(h["id"] for h in found["hits"]) == ["gold-0", "gold-1", "gold-2"]
        assert client.post("/api/admin/reindex", headers={"Authorization": "bearer tok-3n"}).status_code == 401
    finally:
        close_engine(app)


# -- CORS ---------------------------------------------------------------------------------------
def _cors_app(monkeypatch: pytest.MonkeyPatch, sample_index: Path, origins: str) -> Flask:
    monkeypatch.setenv("VNSEARCH_ALLOWED_ORIGINS", origins)
    return create_app({"INDEX": sample_index})


def _allowed(client: FlaskClient, origin: str, url: str = "/api/search?q=Nga") -> str | None:
    response = client.get(url, headers={"Origin": origin})
    assert "Origin" in response.headers.get("Vary", "")
    return response.headers.get("Access-Control-Allow-Origin")


def test_a_wildcard_allows_every_origin_to_read_the_api(monkeypatch: pytest.MonkeyPatch, sample_index: Path) -> None:
    app = _cors_app(monkeypatch, sample_index, "*")
    try:
        client = app.test_client()
        for origin in ("https://intranet.example.org", "http://localhost:5173"):
            assert _allowed(client, origin) == origin
            assert _allowed(client, origin, "/embed.js") == origin
            preflight = client.options("/api/search", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
            assert preflight.headers["Access-Control-Allow-Origin"] == origin
            assert preflight.headers["Access-Control-Allow-Methods"] == "GET, OPTIONS"
        assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://x.example"}).headers
    finally:
        close_engine(app)


def test_an_origin_matches_whatever_trailing_slash_either_side_has(monkeypatch: pytest.MonkeyPatch,
                                                                    sample_index: Path) -> None:
    app = _cors_app(monkeypatch, sample_index, "https://intranet.example.org/ http://portal.example.org")
    try:
        client = app.test_client()
        assert _allowed(client, "https://intranet.example.org") == "https://intranet.example.org"
        assert _allowed(client, "https://intranet.example.org/") == "https://intranet.example.org/"
        assert _allowed(client, "http://portal.example.org/") == "http://portal.example.org/"
        assert _allowed(client, "https://intranet.example.org.evil.example") is None
        assert _allowed(client, "https://portal.example.org") is None  # another scheme is another origin
    finally:
        close_engine(app)


# -- a month's last day ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    docs = tmp_path_factory.mktemp("dated-docs")
    for name, date, title in [("dec31", "2021-12-31", "Pháo hoa đêm giao thừa dương lịch"),
                              ("jan15", "2022-01-15", "Chợ hoa Tết bắt đầu họp"),
                              ("jan31", "2022-01-31", "Đêm giao thừa Tết Nhâm Dần"),
                              ("feb01", "2022-02-01", "Mùng một Tết Nhâm Dần"),
                              ("apr30", "2022-04-30", "Diễu hành mừng ngày thống nhất")]:
        write_article(docs, f"{name}.txt", f"---\ndate: {date}\n---\n{title}\nNgười dân Hà Nội đón {title.lower()}.")
    index_dir = tmp_path_factory.mktemp("dated-index")
    assert index_paths(index_dir, [docs]).indexed == 5
    app = create_app({"INDEX": index_dir})
    yield app.test_client()
    close_engine(app)


@pytest.mark.parametrize(("query", "expected"), [
    ("to=2022-01", ["dec31", "jan15", "jan31"]),
    ("from=2022-01&to=2022-01", ["jan15", "jan31"]),
    ("from=2021-12&to=2021-12", ["dec31"]),
    ("from=2022-02", ["apr30", "feb01"]),
    ("from=2022-04&to=2022-04", ["apr30"]),
    ("to=2021", ["dec31"]),
    ("from=2022-01-31&to=2022-01-31", ["jan31"]),
])
def test_a_month_or_a_year_as_a_bound_holds_its_last_day(dated: FlaskClient, query: str, expected: list[str]) -> None:
    data = dated.get(f"/api/search?q=&per_page=50&{query}").get_json()
    assert sorted(h["id"] for h in data["hits"]) == expected
    page = dated.get(f"/?q=&{query}").get_data(as_text=True)
    assert f"Có <strong>{len(expected)}</strong> bài" in page
    assert sorted(re.findall(r'<h3><a href="/articles/([^"?]+)', page)) == expected


# -- a selected value no article has ---------------------------------------------------------------
@pytest.mark.parametrize(("param", "value", "label"), [
    ("source", "Báo Không Có", "Báo Không Có"),
    ("official", "Nguyễn Văn Không Có", "Nguyễn Văn Không Có"),
    ("country", "ZZ", "ZZ"),
], ids=["source", "official", "country"])
def test_a_selected_value_no_article_has_is_listed_selected_with_zero(client: FlaskClient, param: str, value: str,
                                                                      label: str) -> None:
    data = client.get(f"/api/search?q=&{param}={value}").get_json()
    assert data["total"] == 0
    assert {"value": value, "label": label, "count": 0, "selected": True} in data["facets"][param]
    everything = client.get("/api/search?q=").get_json()["facets"][param]
    assert [v for v in data["facets"][param] if v["value"] != value] == everything  # the others as before
    page = client.get(f"/?q=&{param}={value}").get_data(as_text=True)
    assert re.search(f'class="facet-link selected" data-value="{re.escape(value)}" aria-current="true">'
                     f'<span class="box" aria-hidden="true"></span><span class="label">{re.escape(label)}</span>'
                     r'<span class="count"><span class="visually-hidden">, </span>0<', page)


# -- a filter value too long ----------------------------------------------------------------------
@pytest.mark.parametrize("param", ["country", "official", "source"])
def test_a_filter_value_over_200_characters_is_a_bad_parameter(client: FlaskClient, param: str) -> None:
    long = "Nguyễn " * 28 + "Văn"  # 199 characters, then 200, then 201
    assert len(long) == 199
    for ok in (long, long + "x"):
        assert client.get(f"/api/search?q=&{param}={ok}").status_code == 200
    expected = {"error": {"status": 400, "code": "bad_parameter", "message": f"Giá trị {param} quá dài.", "param": param}}
    for url in (f"/api/search?q=Nga&{param}={long}xy", f"/api/facets/official?contains=a&{param}={long}xy"):
        response = client.get(url)
        assert response.status_code == 400 and response.get_json() == expected, url
    page = client.get(f"/?q=Nga&{param}={long}xy")
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert f"Giá trị {param} quá dài." in page.get_data(as_text=True)


# -- a query typed decomposed ---------------------------------------------------------------------
def test_a_decomposed_query_is_measured_and_echoed_composed(client: FlaskClient) -> None:
    """NFD spells "đàm phán" with more code points than NFC: a query the limit allows composed
    is allowed decomposed too, and the page shows it composed."""
    import unicodedata
    from urllib.parse import quote

    composed = ("đàm phán bí mật về hòa bình ở Ukraine " * 13)[:490]
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(composed) <= 500 < len(decomposed)
    assert client.get("/api/search?q=" + quote(decomposed)).status_code == 200
    assert client.get("/api/search?q=" + quote(decomposed + "x" * 20)).status_code == 400  # still a limit
    page = client.get("/?q=" + quote(unicodedata.normalize("NFD", "đàm phán bí mật")))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="q" name="q" type="search" value="đàm phán bí mật"' in html
    title = html[html.index("<title>"):html.index("</title>")]
    assert "đàm phán bí mật" in title and unicodedata.normalize("NFD", "đàm phán") not in title
