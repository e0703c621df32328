"""HTML pages through Flask's client: the search page, facets, article page, escaping."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from search.indexer import index_paths
from webapp.engine_access import close as close_engine
from webapp.params import MAX_PAGE


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
    assert 'data-value="GB" aria-current="true"' in filtered and "Bỏ lọc" in filtered
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
    assert "Có phải bạn muốn tìm" in html and "Thủ tướng" in html


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
    # the scraped page's closing credit ("Nguồn Nhân Dân: https://...") is its link to the original
    assert ('<dt>Bản gốc</dt><dd class="url"><a href="https://nhandan.vn/tin-tuc-the-gioi/nga-my-nhat-tri-tiep-tuc-doi-'
            'thoai-ve-tinh-hinh-ukraine-683301/" rel="noopener noreferrer nofollow">') in html
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


def test_histogram_leaves_out_stray_dates_far_from_the_rest() -> None:
    """A 2017 archive with a few articles dated 1967 and 2001 (a body opening on a past event's
    date): the bars are 2017's months, the strays a line each with a link that filters to them."""
    from search.models import FacetValue
    from webapp.histogram import month_histogram

    months = [FacetValue(f"2017-{m:02d}", f"Tháng {m}/2017", 100) for m in range(1, 13)]
    values = [FacetValue("1967-06", "Tháng 6/1967", 1), FacetValue("2001-03", "Tháng 3/2001", 2), *months,
              FacetValue("2031-01", "Tháng 1/2031", 1)]
    histogram = month_histogram(values, lambda v: "/?m=" + v, link_range=lambda a, b: f"/?from={a}&to={b}")
    assert [b.value for b in histogram.bars] == [m.value for m in months]
    assert (histogram.earlier, histogram.later) == (3, 1)
    assert (histogram.earlier_url, histogram.later_url) == ("/?from=&to=2001-03", "/?from=2031-01&to=")
    assert (histogram.first, histogram.last) == ("Tháng 1/2017", "Tháng 12/2017")
    # a long archive spread over years keeps every month
    spread = [FacetValue(f"{y}-06", f"Tháng 6/{y}", 10) for y in range(2010, 2018)]
    assert len(month_histogram(spread, lambda v: v).bars) == 7 * 12 + 1


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


# Three dated articles: January, March and June 2023, so the histogram has empty months between.
DATED = {
    "a.txt": "---\ndate: 2023-01-10\nsource: Nhân Dân\n---\nGiá hải sâm tăng mạnh\n\nGiá hải sâm tại Khánh Hòa tăng mạnh.\n",
    "b.txt": "---\ndate: 2023-03-20\nsource: VTC News\n---\nXuất khẩu hải sâm\n\nHải sâm Việt Nam được xuất khẩu sang Nhật Bản.\n",
    "c.txt": "---\ndate: 2023-06-02\nsource: Nhân Dân\n---\nNuôi hải sâm ở Cam Ranh\n\nNgư dân Cam Ranh nuôi hải sâm.\n",
}


@pytest.fixture(scope="module")
def dated_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    from webapp import create_app

    corpus, index_dir = tmp_path_factory.mktemp("dated-corpus"), tmp_path_factory.mktemp("dated-index")
    for name, text in DATED.items():
        (corpus / name).write_text(text, encoding="utf-8")
    assert index_paths(index_dir, [corpus]).indexed == 3
    app = create_app({"INDEX": index_dir})
    yield app.test_client()
    close_engine(app)


def page_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'aria-label="Trang (\d+)"', html)]


@pytest.mark.parametrize("page_number, pages, expected", [
    (1, 3544, [1, 2, 3, MAX_PAGE]),
    (MAX_PAGE - 1, 3544, [1, MAX_PAGE - 3, MAX_PAGE - 2, MAX_PAGE - 1, MAX_PAGE]),
    (MAX_PAGE, 3544, [1, MAX_PAGE - 2, MAX_PAGE - 1, MAX_PAGE]),
    (2, 5, [1, 2, 3, 4, 5]),
])
def test_page_links_stop_at_the_last_page_the_params_accept(client: FlaskClient, page_number: int, pages: int,
                                                            expected: list[int]) -> None:
    from webapp.pages import pagination

    with client.application.test_request_context(f"/?q=thu+tuong&page={page_number}"):
        from flask import request

        items = pagination(request.args, page_number, pages)
    assert [item["number"] for item in items if not item["gap"]] == expected
    for item in items:
        if not item["gap"]:
            page(client, item["url"])  # every link is a page, never the 400 page


def test_the_page_says_when_it_links_fewer_pages_than_the_results_fill(client: FlaskClient,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get(f"/?page={MAX_PAGE}").status_code == 200 and client.get(f"/?page={MAX_PAGE + 1}").status_code == 400
    html = page(client, "/?per_page=1&page=3")  # 5 pages, all reachable
    assert page_numbers(html) == [1, 2, 3, 4, 5] and "page-cap" not in html
    monkeypatch.setattr("webapp.pages.MAX_PAGE", 3)
    html = page(client, "/?per_page=1&page=3")
    assert page_numbers(html) == [1, 2, 3] and 'rel="next"' not in html
    assert "Chỉ xem được 3 trang đầu trong 5 trang." in html


@pytest.mark.parametrize("url, back", [
    ("/?q=hà+nội&country=VN&sort=newest&page=2", "/?q=hà nội&country=VN&sort=newest&page=2"),
    ("/?official=Sergei+Lavrov&country=RU&country=US&from=2022-01&to=2022-12&per_page=5",
     "/?country=RU&country=US&official=Sergei Lavrov&from=2022-01&to=2022-12&per_page=5"),
    ("/?q=Lavrov&page=abc&sort=sideways&evil=1&country=", "/?q=Lavrov"),  # only what the search page accepts
    ("/?q=%22%3E%3Cscript%3E&source=%3Cb%3E", '/?q="><script>&source=<b>'),
    ("/?page=3", "/?page=3"),
    ("", "/"),
])
def test_the_article_page_links_back_to_the_same_search(client: FlaskClient, url: str, back: str) -> None:
    article_url = "/articles/001_4ce8738a79631aa8" + url.removeprefix("/")
    html = page(client, article_url)
    link = re.search(r'<p class="back"><a href="([^"]*)">', html)
    assert link and decoded(unescape(link.group(1))) == decoded(back)
    assert "<script>" not in html and "<b>" not in html
    related = re.search(r'<section class="related".*?</section>', html, re.S)
    assert related
    for href in re.findall(r'href="([^"]+)"', related.group(0)):  # a related article keeps the way back too
        assert decoded(unescape(href))[1] == decoded(back)[1]


def decoded(url: str) -> tuple[str, list[tuple[str, str]]]:
    """A URL's path and its parameters, decoded, in order."""
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query)


def test_result_links_carry_the_search_to_the_article_page(client: FlaskClient) -> None:
    html = page(client, "/?q=Nga&country=RU&sort=newest&per_page=2&page=2&evil=1")
    hrefs = [unescape(h) for h in re.findall(r'<h3><a href="(/articles/[^"]+)"', html)]
    assert len(hrefs) == 2
    for href in hrefs:
        assert href.split("?", 1)[1] == "q=Nga&country=RU&sort=newest&page=2&per_page=2"
        back = re.search(r'<p class="back"><a href="([^"]*)"', page(client, href))
        assert back and unescape(back.group(1)) == "/?q=Nga&country=RU&sort=newest&page=2&per_page=2"


def test_selected_facet_values_say_so(client: FlaskClient) -> None:
    html = page(client, "/?q=Nga&country=RU")
    assert "aria-pressed" not in html
    selected = re.findall(r'<a [^>]*class="facet-link selected"[^>]*>.*?</a>', html)
    assert len(selected) == 1 and 'data-value="RU" aria-current="true"' in selected[0]
    assert '<span class="visually-hidden"> bài (đang chọn)</span>' in selected[0]
    assert html.count("(đang chọn)") == 1 and html.count('aria-current="true"') == 2  # + the current sort


def test_months_without_articles_are_no_links_and_a_month_list_offers_the_same(dated_client: FlaskClient) -> None:
    html = page(dated_client, "/?q=hải+sâm")
    svg = re.search(r"<svg class=\"histogram\".*?</svg>", html, re.S)
    assert svg and 'aria-hidden="true"' in svg.group(0)
    bars = re.findall(r'<a href="([^"]+)" tabindex="-1"', svg.group(0))
    months_with_articles = ["2023-01", "2023-03", "2023-06"]  # not February, April or May
    assert [unescape(b) for b in bars] == ["/?" + urlencode({"q": "hải sâm", "from": m, "to": m}) for m in months_with_articles]
    assert svg.group(0).count("<a ") == 3
    months = re.search(r'<details class="more months"><summary>Chọn tháng \(3\)</summary>(.*?)</details>', html, re.S)
    assert months, "the month list, folded"
    assert re.findall(r'href="([^"]+)" class="facet-link" data-month', months.group(1)) == bars
    html = page(dated_client, "/?q=hải+sâm&from=2023-03&to=2023-03")
    months = re.search(r'<details class="more months" open>.*?</details>', html, re.S)
    assert months and 'data-month="2023-03" aria-current="true"' in months.group(0) and "(đang chọn)" in months.group(0)
    assert 'class="selected"' in html  # the March bar


@pytest.mark.parametrize("url, count", [
    ("/", "Kho có <strong>5</strong> bài"),
    ("/?source=TASS", "Có <strong>1</strong> bài phù hợp bộ lọc"),
    ("/?official=Vladimir+Putin", "Có <strong>3</strong> bài phù hợp bộ lọc"),
    ("/?country=XX", "Không có bài nào phù hợp bộ lọc"),
    ("/?from=2030", "Không có bài nào phù hợp bộ lọc"),
    ("/?country=", "Kho có <strong>5</strong> bài"),  # an empty filter filters nothing
    ("/?q=Lavrov&country=RU", "<strong>2</strong> kết quả"),
])
def test_the_count_speaks_of_the_archive_only_without_filters(client: FlaskClient, url: str, count: str) -> None:
    html = page(client, url)
    line = re.search(r'<p class="count" id="result-count">(.*?)<span class="(?:range|took)"', html, re.S)
    assert line and " ".join(line.group(1).split()) == count
    if url == "/?country=":
        assert "Bỏ lọc" not in html


@pytest.mark.parametrize("ignored, phrase", [
    (["ký tự bị bỏ qua: 🎉"], "ký tự “🎉”"),
    (["ngoặc bị bỏ qua: ("] * 3, "ngoặc “(” (3 lần)"),
    (["ngoặc bị bỏ qua: (", "ngoặc bị bỏ qua: )", "ngoặc bị bỏ qua: ("], "ngoặc “(” (2 lần), “)”"),
    (['dấu ngoặc kép không đóng (")', "OR ở cuối truy vấn", "OR ở cuối truy vấn"],
     'dấu ngoặc kép không đóng ("); OR ở cuối truy vấn (2 lần)'),
    (["trường không hỗ trợ: foo:", "ký tự bị bỏ qua: !!", "ký tự bị bỏ qua: 🎉"], "trường không hỗ trợ “foo:”; ký tự “!!”, “🎉”"),
    ([], ""),
])
def test_ignored_parts_are_grouped_and_worded_once(ignored: list[str], phrase: str) -> None:
    from webapp.pages import ignored_notice

    assert ignored_notice(ignored) == phrase


@pytest.mark.parametrize("q, notice", [
    ("🎉", "Đã bỏ qua: ký tự “🎉”."),
    ("(((", "Đã bỏ qua: ngoặc “(” (3 lần)."),
    ("Lavrov )", "Đã bỏ qua: ngoặc “)”."),
    ("<<<", "Đã bỏ qua: ký tự “&lt;&lt;&lt;”."),  # escaped
])
def test_the_page_shows_the_ignored_notice(client: FlaskClient, q: str, notice: str) -> None:
    html = page(client, "/?" + urlencode({"q": q}))
    assert f'<p class="notice">{notice}</p>' in html
    assert "bị bỏ qua" not in html


def test_search_state_keeps_only_search_parameters(client: FlaskClient) -> None:
    from webapp.pages import search_state

    args = MultiDict([("evil", "x"), ("page", "2"), ("q", " "), ("country", "VN"), ("per_page", "9999"), ("country", "RU")])
    with client.application.test_request_context("/"):
        assert search_state(args) == [("country", "VN"), ("country", "RU"), ("page", "2")]


def test_the_article_page_shows_the_summary_it_searched(tmp_path: Path) -> None:
    """An export's summary is searched with the body, so the article page shows it above the
    body (highlighted too), unless the body already holds it."""
    from webapp import create_app

    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "sapo.md").write_text("---\nsummary: Anh chấp nhận trả lại Hồng Kông năm 1997.\n---\nHồng Kông 20 năm\n\n"
                                    "Lễ chuyển giao diễn ra trong mưa.\n", encoding="utf-8")
    (corpus / "inside.md").write_text("---\nsummary: Lễ hội diễn ra ở Huế.\n---\nTin Huế\n\nLễ hội diễn ra ở Huế. Du khách đông.\n",
                                      encoding="utf-8")
    index_paths(index_dir, [corpus])
    app = create_app({"INDEX": index_dir})
    try:
        client = app.test_client()
        found = client.get("/?q=chấp nhận Hồng Kông").get_data(as_text=True)
        assert "/articles/sapo" in found
        page = client.get("/articles/sapo?q=chấp nhận").get_data(as_text=True)
        assert '<p class="lead"><mark>Anh</mark>' not in page  # "Anh" was not asked
        assert '<p class="lead">Anh <mark>chấp nhận</mark> trả lại Hồng Kông năm 1997.</p>' in page
        assert "Các từ khớp với" in page  # the note, although the body holds no match
        inside = client.get("/articles/inside").get_data(as_text=True)
        assert 'class="lead"' not in inside and inside.count("Lễ hội diễn ra ở Huế.") == 1
    finally:
        close_engine(app)


def test_a_filter_typed_by_name_goes_to_the_address_of_its_value(client: FlaskClient) -> None:
    """"?country=Nga" and "?official=sergey lavrov" search what the index files them as; the page
    moves to that address, so the facet links and chips can untick them."""
    moved = client.get("/?q=đối thoại&country=Nga&official=sergey lavrov&page=2")
    assert moved.status_code == 302
    target = dict(parse_qsl(urlsplit(moved.headers["Location"]).query))
    assert target == {"q": "đối thoại", "country": "RU", "official": "Sergei Lavrov", "page": "2"}  # the same results
    page = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert 'aria-current="true"' in page
    assert client.get("/?country=RU").status_code == 200  # already as filed: no move
    assert client.get("/?country=XX").status_code == 200  # unknown: shown as given


def test_a_code_typed_in_lower_case_goes_to_the_address_of_its_value(client: FlaskClient) -> None:
    """"?country=ru" filters like RU; the page moves to RU, so the ticked facet link unticks it."""
    moved = client.get("/?q=đối thoại&country=ru")
    assert moved.status_code == 302
    assert dict(parse_qsl(urlsplit(moved.headers["Location"]).query)) == {"q": "đối thoại", "country": "RU"}
    html = client.get(moved.headers["Location"]).get_data(as_text=True)
    ticked = re.search(r'<a href="([^"]*)" class="facet-link selected" data-value="RU"', html)
    assert ticked and "country=" not in ticked.group(1)  # its link drops the filter


def test_a_filter_given_twice_goes_to_the_address_with_it_once(client: FlaskClient) -> None:
    """"?country=RU&country=RU" filters once; it showed two identical chips."""
    moved = client.get("/?q=đối thoại&country=RU&country=RU")
    assert moved.status_code == 302
    assert parse_qsl(urlsplit(moved.headers["Location"]).query) == [("q", "đối thoại"), ("country", "RU")]
    html = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert html.count('class="chip removable"') == 1


def test_the_error_page_keeps_the_search_to_correct(client: FlaskClient) -> None:
    """A bad date: the page keeps the query, filters and sort, and offers the dates to correct."""
    html = page(client, "/?q=Nga&country=US&sort=newest&from=2022-02-30&page=2", status=400)
    assert "“Từ”" in html
    assert 'name="country" value="US"' in html and 'name="sort" value="newest"' in html
    assert 'name="from" value="2022-02-30"' in html and 'name="to" value=""' in html
    assert 'name="page"' not in html


def test_a_reversed_date_range_means_the_dates_between(dated_client: FlaskClient) -> None:
    """Typed the other way round, a range is the dates between (it found nothing, silently): the
    API answers so, and the page moves to the address in order, so its date boxes show it."""
    ordered = dated_client.get("/api/search?q=hải+sâm&from=2023-01&to=2023-03").get_json()
    backwards = dated_client.get("/api/search?q=hải+sâm&from=2023-03&to=2023-01").get_json()
    assert ordered["total"] and [h["id"] for h in backwards["hits"]] == [h["id"] for h in ordered["hits"]]
    moved = dated_client.get("/?q=hải+sâm&from=2023-03&to=2023-01&country=VN")
    assert moved.status_code == 302
    assert dict(parse_qsl(urlsplit(moved.headers["Location"]).query)) == {"q": "hải sâm", "from": "2023-01", "to": "2023-03",
                                                                           "country": "VN"}


def test_an_official_chip_filters_by_the_facet_value(client: FlaskClient) -> None:
    """The article writes "Sergey Lavrov"; the facet files him as "Sergei Lavrov": the chip links
    the facet's value (a spelling the facet does not hold found nothing)."""
    page = client.get("/articles/000_f5e902574d4b46d6").get_data(as_text=True)
    assert 'href="/?official=Sergei+Lavrov"' in page and ">Sergey Lavrov" in page


def test_dates_read_as_vietnamese_readers_write_them(app: Flask) -> None:
    """A month alone as the histogram labels it ("tháng 1/2022", not "tháng 01/2022")."""
    with app.app_context():
        template = app.jinja_env.from_string('{% from "_macros.html" import vi_date %}'
                                             '{{ vi_date(a) }}|{{ vi_date(b) }}|{{ vi_date(c) }}|{{ vi_date(d) }}')
        assert template.render(a="2022-01-21", b="2022-01", c="--01-21", d="--03") == "21/01/2022|tháng 1/2022|21/01|tháng 3"


def test_the_embed_page_asks_its_own_origin_not_the_host_header(client: FlaskClient) -> None:
    """Behind an https proxy an address built from the request would be http (mixed content), and
    a forged Host would pick where the widget sends queries: the page names no host at all."""
    for forged in ({"headers": {"Host": "evil.example"}}, {"base_url": "http://evil.example:8080"}):
        html = client.get("/embed", **forged).get_data(as_text=True)  # type: ignore[arg-type]
        assert "evil.example" not in html and "http://" not in html and "https://" not in html
        widget = re.search(r"<vn-search[^>]*>", html)
        assert widget and " api=" not in widget.group(0)  # embed.js then asks the origin it came from


def hit_chip_links(html: str) -> list[tuple[str, str]]:
    """(the chip's label, its href) for every country chip on the hits."""
    return [(label, unescape(href)) for href, label in
            re.findall(r'<a class="chip country[^"]*" href="([^"]+)" title="[^"]*">([^<]+)</a>', html)]


def test_a_hits_country_chip_toggles_its_country_and_keeps_the_search(client: FlaskClient) -> None:
    """A chip on a hit does what the sidebar's link for the same country does: it keeps the query,
    the other filters and the sort, adds its country beside those chosen, or takes a chosen one off."""
    html = page(client, "/?q=nga&country=RU&source=TASS&sort=newest")
    sidebar = {value: unescape(href) for href, value in
               re.findall(r'<a href="([^"]+)" class="facet-link[^"]*" data-value="([^"]+)"', html)}
    chips = hit_chip_links(html)
    assert {label for label, _ in chips} >= {"Nga", "Mỹ"}
    for label, href in chips:
        query = parse_qsl(urlsplit(href).query)
        assert ("q", "nga") in query and ("source", "TASS") in query and ("sort", "newest") in query, href
        code = dict(query).get("country") if label != "Nga" else None
        assert href == sidebar[code or "RU"]
    assert dict(hit_chip_links(html))["Nga"] == "/?q=nga&source=TASS&sort=newest"  # RU was chosen: off
    assert dict(hit_chip_links(html))["Mỹ"] == "/?q=nga&country=RU&country=US&source=TASS&sort=newest"
    assert 'title="Bỏ lọc theo Nga"' in html


def test_search_boxes_take_the_configured_query_length(sample_index: Path) -> None:
    """maxlength is VNSEARCH_MAX_QUERY_CHARS in every box: the search page's, the article page's
    and the error page's, which also cuts the query it offers to correct at that length."""
    from webapp import create_app

    app = create_app({"INDEX": sample_index, "MAX_QUERY_CHARS": 40})
    try:
        client = app.test_client()
        for url, status in (("/?q=Lavrov", 200), ("/articles/001_4ce8738a79631aa8?q=Lavrov", 200), ("/?q=Lavrov&page=abc", 400)):
            html = page(client, url, status)
            assert re.findall(r'<input id="q"[^>]*maxlength="(\d+)"', html) == ["40"], url
        long_query = "đàm phán " * 6  # 54 characters: refused
        html = page(client, "/?" + urlencode({"q": long_query}), status=400)
        assert "tối đa 40 ký tự" in html
        assert re.search(r'<input id="q" name="q" type="search" value="([^"]*)"', html).group(1) == long_query[:40]  # type: ignore[union-attr]
    finally:
        close_engine(app)


def test_the_chosen_month_unticks_like_a_facet_value(dated_client: FlaskClient) -> None:
    """In the month list and on the chart, the month already chosen links to the search without
    it; the other months still filter to themselves."""
    html = page(dated_client, "/?q=hải+sâm&from=2023-03&to=2023-03&sort=newest")
    months = dict((m, unescape(h)) for h, m in re.findall(r'<a href="([^"]+)" class="facet-link[^"]*" data-month="([^"]+)"', html))
    assert months["2023-03"] == "/?" + urlencode({"q": "hải sâm", "sort": "newest"})
    assert months["2023-01"] == "/?" + urlencode({"q": "hải sâm", "from": "2023-01", "to": "2023-01", "sort": "newest"})
    bar = re.search(r'<a href="([^"]+)" tabindex="-1" class="selected">', html)
    assert bar and unescape(bar.group(1)) == months["2023-03"]
    assert "Bỏ lọc" not in page(dated_client, months["2023-03"])  # followed: no date filter left


DOT_IDS = {"a/b/../c": "Bão số 3 đổ bộ Quảng Ninh", "./tin": "Giá vàng tăng mạnh", "x/./y/..": "Hà Nội mưa lớn kéo dài",
           "..": "Học sinh Hà Nội đi học trở lại"}


def browser_path(href: str) -> str:
    """The path a browser asks for when a page at / links `href`: the URL Standard removes "." and
    ".." segments, spelled with %2E too (Python's urljoin knows only the literal ones)."""
    path = urlsplit(href).path
    out: list[str] = []
    segments = path.split("/")[1:]
    for i, segment in enumerate(segments):
        dots = segment.lower().replace("%2e", ".")
        last = i == len(segments) - 1
        if dots == "..":
            out = out[:-1]
            if last:
                out.append("")
        elif dots == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


@pytest.fixture(scope="module")
def dot_id_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """An export whose ids hold "." and ".." path segments, as a JSON Lines row may."""
    import json

    from webapp import create_app

    corpus, index_dir = tmp_path_factory.mktemp("dot-corpus"), tmp_path_factory.mktemp("dot-index")
    rows = [{"id": aid, "title": title, "body": f"{title}. Tin tức thời sự trong ngày, cập nhật liên tục."}
            for aid, title in DOT_IDS.items()]
    (corpus / "export.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert index_paths(index_dir, [corpus]).indexed == len(DOT_IDS)
    app = create_app({"INDEX": index_dir})
    yield app.test_client()
    close_engine(app)


def test_article_links_survive_the_browsers_dot_segment_removal(dot_id_client: FlaskClient) -> None:
    """"/articles/a/b/../c" is fetched by a browser as "/articles/a/c" (404): each result link and
    related link, resolved as a browser resolves it, still leads to its own article."""
    html = page(dot_id_client, "/?q=tin+tức")
    links = {unescape(t): unescape(h) for h, t in re.findall(r'<h3><a href="(/articles[^"]+)">([^<]+)</a>', html)}
    assert set(links) == set(DOT_IDS.values())
    for title, href in links.items():
        assert urlsplit(href).query == "q=tin+t%E1%BB%A9c"
        article = page(dot_id_client, browser_path(href) + "?" + urlsplit(href).query)
        assert f'<h1 id="article-title">{title}</h1>' in article
        related = re.search(r'<section class="related".*?</section>', article, re.S)
        assert related, title
        for related_href, related_title in re.findall(r'<a href="([^"]+)">([^<]+)</a>', related.group(0)):
            assert f'<h1 id="article-title">{related_title}</h1>' in page(dot_id_client, browser_path(unescape(related_href)))


def test_the_search_page_has_a_heading_outline(client: FlaskClient) -> None:
    """Screen readers jump by headings: one h1 naming the search, an h2 before the hits (h3)."""
    html = client.get("/?q=Lavrov").get_data(as_text=True)
    assert html.count("<h1") == 1 and "Kết quả tìm kiếm cho “Lavrov”</h1>" in html
    assert html.index("<h1") < html.index('<h2 class="visually-hidden">Danh sách bài viết</h2>') < html.index("<h3")
    assert "Tìm kiếm tin tức</h1>" in client.get("/").get_data(as_text=True)
