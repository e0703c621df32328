"""HTML pages through Flask's client: the search page, facets, article page, escaping."""
from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_search_page_shows_results_snippets_and_facets(client: FlaskClient) -> None:
    html = page(client, "/?q=đàm+phán+bí+mật")
    assert 'lang="vi"' in html and 'value="đàm phán bí mật"' in html
    assert "<mark>đàm phán</mark>" in html
    assert "Quốc gia" in html and ">Nga<" in html
    assert "kết quả" in html


def test_clicking_a_country_facet_filters(client: FlaskClient) -> None:
    html = page(client, "/?q=đàm+phán")
    link = re.search(r'<a href="([^"]+)" class="facet-link"[^>]*data-value="GB"', html)
    assert link, "country facet link for GB"
    filtered = page(client, unescape(link.group(1)))
    assert "country=GB" in unescape(link.group(1))
    assert 'aria-pressed="true"' in filtered and "Bỏ lọc" in filtered
    for title_block in re.findall(r'<li class="hit">(.*?)</li>', filtered, re.S):
        assert "Anh" in title_block


def test_facet_links_toggle_one_value_and_keep_the_rest(client: FlaskClient) -> None:
    """Each link adds or removes its own value, keeps every other parameter, and drops the page."""
    html = page(client, "/?q=Nga&country=RU&sort=newest&page=1")
    links = {value: unescape(href) for href, value in
             re.findall(r'<a href="([^"]+)" class="facet-link[^"]*" data-value="([^"]+)"', html)}
    assert links["RU"] == "/?q=Nga&sort=newest"  # selected: removed
    assert links["GB"] == "/?q=Nga&country=RU&country=GB&sort=newest"  # added beside RU
    source = next(v for v, href in links.items() if "source=" in href)
    assert links[source].startswith("/?q=Nga&country=RU&sort=newest&source=")


def test_unaccented_query_offers_did_you_mean(client: FlaskClient) -> None:
    html = page(client, "/?q=thu+tuong")
    assert "Có phải bạn muốn tìm" in html and "thủ tướng" in html


def test_empty_results_page_helps(client: FlaskClient) -> None:
    html = page(client, "/?q=xylophone&country=GB")
    assert "Không tìm thấy" in html and "Bỏ các bộ lọc" in html


def test_bad_parameter_gives_friendly_vietnamese_page(client: FlaskClient) -> None:
    html = page(client, "/?q=x&page=abc", status=400)
    assert "Tham số page" in html and "Traceback" not in html


def test_article_page_highlights_and_links(client: FlaskClient) -> None:
    html = page(client, "/articles/001_4ce8738a79631aa8?q=Lavrov")
    assert "<mark>Lavrov</mark>" in html
    assert "Bài liên quan" in html
    assert "country=RU" in html
    page(client, "/articles/does-not-exist", status=404)


def test_query_is_escaped_in_the_page(client: FlaskClient) -> None:
    html = page(client, "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_opensearch_description(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.status_code == 200 and b"OpenSearchDescription" in response.data
    assert b"/api/suggest?q={searchTerms}" in response.data


def test_embed_page_and_script(client: FlaskClient) -> None:
    embed = client.get("/embed")
    assert "frame-ancestors 'self'" in embed.headers["Content-Security-Policy"]
    assert b"<vn-search" in embed.data
    script = client.get("/embed.js")
    assert script.status_code == 200 and b"customElements.define" in script.data


def test_histogram_keeps_empty_months_between_dated_ones() -> None:
    from search.models import FacetValue
    from webapp.histogram import month_histogram

    values = [FacetValue("2023-01", "Tháng 1/2023", 2), FacetValue("2023-04", "Tháng 4/2023", 1), FacetValue("undated", "x", 3)]
    histogram = month_histogram(values, lambda v: "/?from=" + v)
    assert [b.value for b in histogram.bars] == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert [b.count for b in histogram.bars] == [2, 0, 0, 1]
    assert histogram.undated == 3


def test_facet_links_keep_selected_values_in_view_and_toggle_them(client: FlaskClient) -> None:
    from search.models import FacetValue
    from webapp.pages import VISIBLE_VALUES, facet_view

    codes = [f"C{i}" for i in range(VISIBLE_VALUES + 4)]
    chosen = codes[VISIBLE_VALUES + 2]  # selected, but below the fold
    values = [FacetValue(c, f"Nước {c}", 20 - i, c == chosen) for i, c in enumerate(codes)]
    with client.application.test_request_context(f"/?q=hà+nội&country={chosen}&page=3"):
        from flask import request

        country = facet_view(request.args, {"country": values})[0]
    shown, folded = country.groups
    assert not shown.folded and folded.folded and country.folds
    assert [link.value for link in shown.links] == codes[:VISIBLE_VALUES] + [chosen]
    assert [link.value for link in folded.links] == [c for c in codes[VISIBLE_VALUES:] if c != chosen]
    urls = {link.value: link.toggle_url for link in shown.links + folded.links}
    assert urls[chosen] == "/?q=h%C3%A0+n%E1%BB%99i"  # unselects it; the page resets
    assert urls["C0"] == f"/?q=h%C3%A0+n%E1%BB%99i&country={chosen}&country=C0"


@pytest.mark.parametrize("query, changes", [
    ("q=a&country=US&country=VN&page=2", {"country": ["US"]}),
    ("q=a&country=US&from=2017-01", {"from": ["2017-02"], "to": ["2017-02"]}),
    ("country=US&q=&official=X+Y", {"source": ["VOV"]}),
    ("q=%26%3D+%C4%91", {"q": [], "country": ["GB", ""]}),
    ("", {"q": ["thủ tướng"]}),
])
def test_search_urls_change_only_what_they_are_asked_to(client: FlaskClient, query: str, changes: dict[str, list[str]]) -> None:
    """The page's URL builder against the plain way: copy the arguments, set the changed ones."""
    from urllib.parse import urlencode

    from werkzeug.datastructures import MultiDict

    from webapp.pages import _urls

    with client.application.test_request_context("/?" + query):
        from flask import request

        expected = MultiDict(request.args)
        expected.pop("page", None)
        for key, values in changes.items():
            expected.setlist(key, values)
        encoded = urlencode([(k, v) for k, v in expected.items(multi=True) if v != ""])
        assert _urls(request.args, tuple(changes))(changes) == "/" + ("?" + encoded if encoded else "")
