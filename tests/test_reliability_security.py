"""Security at the HTTP level: headers, CORS, a read-only public API, the admin token, size
limits and path traversal through article ids. Through Flask's client on the session index."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

PAGES = ["/", "/?q=đàm phán", "/articles/001_4ce8738a79631aa8", "/nowhere", "/embed"]
API = ["/api/search?q=Nga", "/api/articles/001_4ce8738a79631aa8", "/api/suggest?q=đàm", "/api/stats", "/healthz",
       "/api/openapi.json", "/api/nothing", "/api/search?page=0"]
ALLOWED = "http://127.0.0.1:9999"


def assert_error_shape(response: Any, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json, response.mimetype
    error = response.get_json()["error"]
    assert error["status"] == status and error["code"] and error["message"]


@pytest.mark.parametrize("url", PAGES + API)
def test_security_headers_everywhere(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"] or "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer", "same-origin")


@pytest.mark.parametrize("url", PAGES[:3])
def test_pages_have_no_inline_script(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    assert "<script>" not in html and " onclick=" not in html and " onload=" not in html
    assert html.count("<script") == html.count("<script src=")


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:9999.evil.example", "null",
                                    "http://127.0.0.1", "https://127.0.0.1:9999", ALLOWED + "/x"])
def test_cors_refuses_other_origins(client: FlaskClient, origin: str) -> None:
    for url in ("/api/search?q=Nga", "/api/stats", "/embed.js"):
        response = client.get(url, headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers, (url, origin)
        assert "Origin" in response.headers.get("Vary", "")
    preflight = client.options("/api/search", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_cors_allows_the_configured_origin_for_reading_only(client: FlaskClient) -> None:
    response = client.get("/api/search?q=Nga", headers={"Origin": ALLOWED})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers.get("Access-Control-Allow-Credentials") is None
    assert set(response.headers["Access-Control-Allow-Methods"].replace(" ", "").split(",")) <= {"GET", "OPTIONS", "HEAD"}
    page = client.get("/", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in page.headers  # pages are not an API


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("url", ["/api/search", "/api/articles/001_4ce8738a79631aa8", "/api/suggest", "/api/stats",
                                 "/healthz", "/api/openapi.json"])
def test_public_api_is_read_only(client: FlaskClient, method: str, url: str) -> None:
    response = client.open(url, method=method, json={"q": "x"})
    assert_error_shape(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": "Basic czNjcmV0Og=="}, {"Authorization": "Bearer "},
                                     {"Authorization": "Bearer s3cret2"}, {"Authorization": "Bearer s3cre"},
                                     {"X-Admin-Token": "s3cret"}])
def test_admin_reindex_refuses_without_the_token(client: FlaskClient, headers: dict[str, str]) -> None:
    assert_error_shape(client.post("/api/admin/reindex", headers=headers), 401)
    assert_error_shape(client.post("/api/admin/reindex?token=s3cret", headers=headers), 401)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_admin_reindex_only_by_post(client: FlaskClient, method: str) -> None:
    assert_error_shape(client.open("/api/admin/reindex", method=method, headers={"Authorization": "Bearer s3cret"}), 405)


def test_admin_endpoint_is_off_without_a_configured_token(sample_index: Any) -> None:
    from webapp import create_app

    app = create_app({"INDEX": sample_index, "ADMIN_TOKEN": "", "ALLOWED_ORIGINS": ()})
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
        assert_error_shape(client.post("/api/admin/reindex", headers=headers), 403)


def test_long_query_is_a_400_json_error(client: FlaskClient) -> None:
    for url in ("/api/search?q=" + "đàm " * 200, "/api/suggest?q=" + "a" * 101):
        response = client.get(url)
        assert_error_shape(response, 400)
        assert response.get_json()["error"]["param"] == "q"
    page = client.get("/?q=" + "a" * 600)
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert client.get("/api/search?q=" + "a" * 500).status_code == 200


def test_oversize_body_is_a_413_json_error(client: FlaskClient) -> None:
    body = b"x" * (64 * 1024 + 1)
    response = client.post("/api/admin/reindex", data=body, headers={"Authorization": "Bearer s3cret",
                                                                     "Content-Type": "application/octet-stream"})
    assert_error_shape(response, 413)
    # the size is checked before anything else, on a route without POST too (what it lacks is
    # said only of a request small enough to be read)
    assert_error_shape(client.post("/api/search", data=body), 413)
    assert_error_shape(client.post("/api/search", data=b"x" * 1024), 405)


def test_very_long_urls_and_many_parameters_are_refused_cleanly(client: FlaskClient) -> None:
    """Too many values of one filter are a 400 naming it; parameters the API does not know are
    ignored, however many or long (the answer is the search without them)."""
    many = "&".join(f"country=C{n}" for n in range(50))
    response = client.get("/api/search?" + many)
    assert_error_shape(response, 400)
    assert response.get_json()["error"]["param"] == "country"
    plain = client.get("/api/search?q=Nga").get_json()
    for extra in ("&".join(f"x{n}=1" for n in range(2000)), "x=" + "đ" * 20_000):
        response = client.get("/api/search?q=Nga&" + extra)
        assert response.status_code == 200 and response.is_json
        data = response.get_json()
        assert (data["total"], [h["id"] for h in data["hits"]]) == (plain["total"], [h["id"] for h in plain["hits"]])


TRAVERSALS = [
    "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%252f..%252fetc%252fpasswd", "....//....//etc/passwd", "..\\..\\etc\\passwd", "%c0%ae%c0%ae/etc/passwd",
    "/etc/passwd", "%2Fetc%2Fpasswd", "001_4ce8738a79631aa8/../../../etc/passwd", "..%00/etc/passwd",
    "%2e%2e/%2e%2e/%2e%2e/webapp/app.py", "../../../../../../proc/self/environ",
]


@pytest.mark.parametrize("article_id", TRAVERSALS)
def test_no_path_traversal_through_article_ids(client: FlaskClient, article_id: str) -> None:
    api = client.get("/api/articles/" + article_id)
    assert api.status_code in (404, 400, 308), api.status_code
    body = api.get_data(as_text=True)
    assert "root:" not in body and "create_app" not in body and "PATH=" not in body
    if api.status_code != 308:
        assert api.is_json
    page = client.get("/articles/" + article_id)
    assert page.status_code in (404, 400, 308)
    assert "root:" not in page.get_data(as_text=True) and "create_app" not in page.get_data(as_text=True)
    static = client.get("/static/" + article_id)
    assert static.status_code in (404, 400, 308) and "root:" not in static.get_data(as_text=True)
