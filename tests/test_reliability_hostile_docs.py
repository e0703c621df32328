"""Hostile documents and queries are shown as text everywhere: pages, snippets, API, article page.

An article carrying <script>, <img onerror>, javascript: links, entities and template syntax is
indexed from a real file; every place that shows it is parsed as HTML and checked for markup
that could run (script elements, event-handler attributes, javascript: URLs), and what a reader
sees is compared with the stored text. The browser-level twin of this test is in tests/browser/.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search.indexer import index_paths
from webapp import create_app
from webapp.engine_access import close as close_engine

HOSTILE_TITLE = '<script>alert("tiêu đề")</script> Đàm phán bí mật & "Kremlin"'
HOSTILE_BODY = "\n".join([
    "Các quan chức Anh đã tổ chức các cuộc đàm phán bí mật với Điện Kremlin <script>alert(1)</script> ở Vienna.",
    'Ảnh minh họa <img src=x onerror="alert(2)"> và <svg onload=alert(3)></svg> trong bài.',
    'Xem <a href="javascript:alert(4)">bản gốc ở đây</a> hoặc <a href="JaVaScRiPt:alert(5)">đây</a>.',
    "Thực thể: &lt;b&gt;in đậm&lt;/b&gt; &amp; &quot;trích dẫn&quot; &#x3C;script&#x3E; &#60;i&#62;.",
    '"><script>alert(6)</script><textarea></textarea><style>body{display:none}</style> đàm phán tiếp tục.',
    "Mẫu {{ 7*7 }} {% if true %}không chạy{% endif %} ${7*7} và <!-- chú thích --> <![CDATA[x]]>.",
])
JS_URL = "javascript:alert(document.cookie)"
HOSTILE_QUERIES = [
    '<script>alert("q")</script> đàm phán',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "&lt;b&gt; &amp; &#60;script&#62;",
    "{{ 7*7 }} </title><script>x</script>",
]
INLINE = {"a", "mark", "span", "strong", "em", "b", "i", "time", "abbr", "small", "code"}
APP_SCRIPT = re.compile(r"^/(static/[\w.-]+\.js|embed\.js)(\?.*)?$")


class Page(HTMLParser):
    """Elements, attributes and visible text of an HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self._hidden = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in INLINE:
            self.chunks.append(" ")
        if tag in ("script", "style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self.chunks.append(" ")
        if tag in ("script", "style", "title"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())


def assert_inert(html: str) -> Page:
    """No element or attribute that could run script; the only scripts are the app's own files."""
    page = Page(html)
    for tag, attrs in page.tags:
        assert tag not in ("img", "svg", "iframe", "object", "embed", "textarea", "style"), (tag, attrs)
        if tag == "script":
            assert set(attrs) <= {"src", "defer", "type"} and APP_SCRIPT.match(attrs.get("src") or ""), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            if value and name in ("href", "src", "action", "formaction"):
                assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), (tag, attrs)
    return page


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = tmp_path_factory.mktemp("hostile-docs")
    (docs / "doc<1>.txt").write_text(f"---\nurl: {JS_URL}\n---\n{HOSTILE_TITLE}\n{HOSTILE_BODY}\n", encoding="utf-8")
    line = {"id": 'x"><script>alert(7)</script>', "title": HOSTILE_TITLE, "body": HOSTILE_BODY,
            "url": " JAVASCRIPT:alert(8)", "source": "<b>Báo</b> <script>alert(9)</script>"}
    (docs / "export.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("hostile-index")
    report = index_paths(index_dir, [docs])
    assert report.indexed == 2 and not report.skipped, report
    return index_dir


@pytest.fixture(scope="module")
def hostile_app(hostile_index: Path) -> Iterator[Flask]:
    app = create_app({"INDEX": hostile_index, "ALLOWED_ORIGINS": (), "ADMIN_TOKEN": "", "CORPUS": hostile_index})
    yield app
    close_engine(app)


@pytest.fixture()
def hclient(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


def article_ids(client: FlaskClient) -> list[str]:
    data = client.get("/api/search?q=&per_page=10").get_json()
    return sorted(h["id"] for h in data["hits"])


def test_api_snippets_and_titles_are_escaped_html(hclient: FlaskClient) -> None:
    data = hclient.get("/api/search?q=đàm phán bí mật").get_json()
    assert data["total"] == 2
    for hit in data["hits"]:
        for html in (hit["snippet"], hit["title_html"]):
            assert "<mark>" in html or html == hit["title_html"]
            assert re.sub(r"</?mark>", "", html).count("<") == 0, html  # the only markup is <mark>
            assert_inert(html)
        assert hit["title"] == HOSTILE_TITLE  # plain text fields stay plain text (JSON, not HTML)
        assert Page(hit["title_html"]).text == squash(HOSTILE_TITLE)


def test_api_never_hands_out_a_script_url(hclient: FlaskClient) -> None:
    for article_id in article_ids(hclient):
        data = hclient.get(f"/api/articles/{quote(article_id, safe='')}").get_json()
        assert data["url"] is None or data["url"].startswith(("http://", "https://")), data["url"]
    for hit in hclient.get("/api/search?q=Kremlin").get_json()["hits"]:
        assert hit["url"] is None or hit["url"].startswith(("http://", "https://")), hit["url"]


@pytest.mark.parametrize("q", ["", "đàm phán bí mật", "script alert", "Kremlin", "img onerror", "javascript"])
def test_search_page_shows_hostile_articles_as_text(hclient: FlaskClient, q: str) -> None:
    response = hclient.get("/", query_string={"q": q})
    assert response.status_code == 200
    page = assert_inert(response.get_data(as_text=True))
    if q in ("", "đàm phán bí mật", "Kremlin"):
        assert "<script>alert(\"tiêu đề\")</script>" in page.text  # the title, shown literally


@pytest.mark.parametrize("with_query", [False, True])
def test_article_page_shows_the_body_as_text(hclient: FlaskClient, with_query: bool) -> None:
    for article_id in article_ids(hclient):
        stored = hclient.get(f"/api/articles/{quote(article_id, safe='')}").get_json()
        url = f"/articles/{quote(article_id, safe='/')}" + ("?q=đàm phán script" if with_query else "")
        response = hclient.get(url)
        assert response.status_code == 200, article_id
        page = assert_inert(response.get_data(as_text=True))
        assert squash(stored["body"]) in page.text  # what the reader sees is the text, entities and all
        assert squash(stored["title"]) in page.text
        assert "&lt;b&gt;in đậm" in page.text and "{{ 7*7 }}" in page.text and "49" not in page.text


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_are_echoed_as_text(hclient: FlaskClient, q: str) -> None:
    response = hclient.get("/", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = assert_inert(html)
    assert squash(q) in page.text or any(v == q for _, a in page.tags for v in a.values())
    api = hclient.get("/api/search", query_string={"q": q})
    assert api.status_code == 200 and api.mimetype == "application/json"
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.get_json()["query"] == q
    suggest = hclient.get("/api/suggest", query_string={"q": q[:100]})
    assert suggest.status_code == 200 and suggest.mimetype == "application/json"
    article = hclient.get("/articles/" + quote(article_ids(hclient)[0], safe="/"), query_string={"q": q})
    assert article.status_code == 200
    assert_inert(article.get_data(as_text=True))


def test_hostile_ids_in_urls_are_escaped(hclient: FlaskClient) -> None:
    html = hclient.get("/", query_string={"q": "Kremlin"}).get_data(as_text=True)
    page = assert_inert(html)
    links = [a.get("href") or "" for tag, a in page.tags if tag == "a"]
    assert any("%3Cscript%3E" in link for link in links), links  # the id is percent-encoded in the link
    assert not any("<" in link or '"' in link for link in links)


def test_error_pages_do_not_reflect_markup(hclient: FlaskClient) -> None:
    for url in ("/articles/<script>alert(1)</script>", "/nowhere/<img src=x onerror=alert(1)>",
                "/api/articles/<script>alert(1)</script>"):
        response = hclient.get(url)
        assert response.status_code == 404
        if response.is_json:
            assert response.get_json()["error"]["status"] == 404
        else:
            assert_inert(response.get_data(as_text=True))
