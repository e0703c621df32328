"""The <vn-search> widget on other origins, and hostile article content in the page and the widget."""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import pytest
from playwright.sync_api import Locator, Page, expect

Shoot = Callable[..., None]
PWNED = "typeof window.__pwned"


def search_in_widget(page: Page, query: str) -> Locator:
    """Type a query into the widget and submit it; the result panel (inside the shadow root)."""
    page.locator("vn-search input").fill(query)
    page.locator("vn-search input").press("Enter")
    return page.locator("vn-search .panel")


def test_widget_on_an_allowed_origin_shows_results(page: Page, server, allowed_host, screenshot: Shoot) -> None:
    page.goto(allowed_host.widget_url(server.url))
    panel = search_in_widget(page, "Lavrov")
    expect(panel).to_contain_text("kết quả")
    expect(panel.locator("mark").first).to_have_text(re.compile("Lavrov", re.I))
    link = panel.locator("a.title").first
    expect(link).to_have_attribute("href", re.compile("^" + re.escape(server.url) + "/articles/.+q=Lavrov"))
    # Shadow DOM: the host page's `input { background: red }` does not reach the widget.
    assert page.locator("vn-search input").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("document.querySelectorAll('mark').length") == 0  # nothing leaks into the host DOM
    screenshot(page, "widget")


def test_widget_did_you_mean_searches_again(page: Page, server, allowed_host) -> None:
    page.goto(allowed_host.widget_url(server.url))
    panel = search_in_widget(page, "thu tuong")
    panel.get_by_role("button", name="Thủ tướng").click()
    expect(page.locator("vn-search input")).to_have_value("Thủ tướng")
    expect(panel.locator("mark").first).to_be_visible()


@pytest.mark.parametrize("query", ["(((", "🎉 Lavrov ((", "Lavrov xylophone", '"Lavrov OR'])
def test_widget_shows_the_notices_the_page_shows(page: Page, server, allowed_host, query: str) -> None:
    """Ignored parts and relaxed matching, worded as on the search page (the same words, the same grouping)."""
    page.goto(server.url + "/?q=" + quote(query))
    expected = page.locator("main .notice").all_inner_texts()
    assert expected, "the page shows a notice for this query"
    page.goto(allowed_host.widget_url(server.url))
    panel = search_in_widget(page, query)
    expect(panel.locator(".notice")).to_have_text(expected)
    expect(panel.locator("li").first).to_be_visible()


def test_widget_on_a_blocked_origin_gets_nothing_and_says_why(browser, server, blocked_host) -> None:
    """The server is up but refuses the page's origin (CORS): the widget says the page is not
    allowed, naming the origin and the setting that allows it, not that the server is down."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(blocked_host.widget_url(server.url))
        panel = search_in_widget(page, "Lavrov")
        expect(panel.get_by_role("alert")).to_have_text(
            "Trang này chưa được phép dùng hộp tìm kiếm. Quản trị viên máy chủ tìm kiếm cần thêm địa chỉ "
            f"{blocked_host.origin} vào thiết lập VNSEARCH_ALLOWED_ORIGINS.")
        expect(panel.locator("li")).to_have_count(0)
    finally:
        context.close()


def test_widget_says_when_the_server_is_down(page: Page, server, allowed_host, down_url: str) -> None:
    page.goto(allowed_host.widget_url(server.url, widget_api=down_url))  # the script loads; its searches go nowhere
    panel = search_in_widget(page, "Lavrov")
    expect(panel.get_by_role("alert")).to_have_text("Không kết nối được máy chủ tìm kiếm.")


def test_widget_announces_only_the_count(page: Page, server, allowed_host) -> None:
    """Screen readers hear "N kết quả" after a search from a status apart from the results, not
    the whole panel read out again."""
    page.goto(allowed_host.widget_url(server.url))
    panel = search_in_widget(page, "đàm phán")
    expect(panel.locator("li")).to_have_count(5)
    status = page.locator("vn-search").get_by_role("status")
    expect(status).to_have_text("5 kết quả")
    assert status.evaluate("e => e.offsetWidth <= 1 && e.offsetHeight <= 1")  # visually hidden
    assert page.locator("vn-search [aria-live]").count() == 0  # the panel is no live region
    assert panel.locator("[role=status]").count() == 0
    search_in_widget(page, "xylophone")
    expect(status).to_have_text("Không tìm thấy bài viết nào.")


def test_widget_links_articles_whose_ids_hold_dot_segments(page: Page, export_server, allowed_host,
                                                           dot_id_titles: list[str]) -> None:
    """A link to "a/b/../c" must not become "/articles/a/c" in the browser: each opens its article."""
    page.goto(allowed_host.widget_url(export_server.url))
    panel = search_in_widget(page, "tin tức thời sự")
    links = panel.locator("a.title")
    expect(links).to_have_count(len(dot_id_titles))
    assert sorted(links.all_inner_texts()) == sorted(dot_id_titles)
    for link in links.all():
        with page.expect_popup() as popup:
            link.click()
        article = popup.value
        expect(article.locator("h1")).to_have_text(link.inner_text())
        article.close()


def test_iframe_page_works_under_its_own_csp(page: Page, server) -> None:
    page.goto(server.url + "/embed")  # the `page` fixture fails on any CSP violation (inline style)
    panel = search_in_widget(page, "đàm phán")
    expect(panel.locator("li")).to_have_count(5)
    assert page.locator("vn-search .panel").evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"


def test_hostile_article_is_shown_as_text_in_the_page(page: Page, hostile_server, screenshot: Shoot) -> None:
    page.goto(hostile_server.url + "/?q=tin+giả")
    title = page.locator("li.hit h3").first
    expect(title).to_contain_text("<script>window.__pwned=1</script>")
    expect(page.locator("li.hit .source").first).to_have_text('<img src=x onerror="window.__pwned=1">')
    expect(page.locator("li.hit .snippet").first).to_contain_text("<img src=x onerror")
    assert page.locator("main img, main script").count() == 0
    screenshot(page, "hostile-results")
    title.locator("a").click()
    page.wait_for_url(re.compile("/articles/"))
    expect(page.locator("h1")).to_have_text("Cảnh báo <script>window.__pwned=1</script> tin giả")
    body = page.locator(".body")
    expect(body).to_contain_text('<a href="javascript:window.__pwned=1">liên kết này</a>')
    expect(body).to_contain_text("&amp; &lt;b&gt;")  # entities in the text stay as typed
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert page.locator("main img, main script").count() == 0
    for link in page.locator("main a").all():  # clicking around does not run anything either
        if link.get_attribute("href", timeout=1000) in (None, ""):
            link.click()
    assert page.evaluate(PWNED) == "undefined"


def test_hostile_article_is_shown_as_text_in_the_widget(page: Page, hostile_server, allowed_host) -> None:
    page.goto(allowed_host.widget_url(hostile_server.url))
    panel = search_in_widget(page, "tin giả")
    title = panel.locator("a.title").first
    expect(title).to_have_text("Cảnh báo <script>window.__pwned=1</script> tin giả")
    expect(panel.locator(".meta").first).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(panel.locator(".snippet").first).to_contain_text("<img src=x")
    assert panel.locator("img, script").count() == 0
    page.wait_for_timeout(200)  # an onerror handler would have fired by now
    assert page.evaluate(PWNED) == "undefined"
