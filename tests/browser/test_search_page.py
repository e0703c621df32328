"""The search and article pages in a real Chromium, against the real server (`vnsearch serve`)."""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Page, expect

Shoot = Callable[..., None]


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def hit_titles(page: Page) -> list[str]:
    return page.locator("li.hit h3").all_inner_texts()


def test_type_a_query_and_submit(page: Page, server, screenshot: Shoot) -> None:
    page.goto(server.url + "/")
    expect(page.locator("main.results")).to_contain_text("Kho có 5 bài")
    screenshot(page, "home")
    page.get_by_role("combobox", name="Từ khóa tìm kiếm").fill("đàm phán bí mật")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=%C4%91%C3%A0m"))
    expect(page.locator("#q")).to_have_value("đàm phán bí mật")  # the query is kept
    expect(page.locator("li.hit")).to_have_count(3)
    expect(page.locator("#result-count")).to_contain_text("3 kết quả")
    expect(page.locator("li.hit .snippet mark").first).to_have_text(re.compile("đàm phán|bí mật", re.I))
    expect(page.locator("li.hit").first.locator(".meta .chip.country").first).to_be_visible()
    assert page.title().startswith("đàm phán bí mật")
    screenshot(page, "results")


def test_country_facet_filters_and_the_chip_removes_it(page: Page, server, screenshot: Shoot) -> None:
    page.goto(server.url + "/?q=đàm+phán")
    expect(page.locator("li.hit")).to_have_count(5)
    page.locator('[data-facet=country] a.facet-link[data-value="GB"]').click()
    page.wait_for_url(re.compile("country=GB"))
    gb = page.locator('[data-facet=country] a.facet-link[data-value="GB"]')
    expect(gb).to_have_attribute("aria-current", "true")
    expect(gb).to_have_accessible_name(re.compile(r"^Anh\s*, 2 bài \(đang chọn\)$"))
    expect(page.locator('[data-facet=country] a.facet-link[data-value="RU"]')).not_to_have_attribute("aria-current", "true")
    expect(page.locator("li.hit")).to_have_count(2)
    for hit in page.locator("li.hit").all():
        expect(hit.locator(".chip.country", has_text="Anh")).to_be_visible()
    chip = page.get_by_role("link", name="Bỏ lọc Quốc gia: Anh")
    expect(chip).to_be_visible()
    screenshot(page, "filtered")
    chip.click()
    page.wait_for_url(lambda url: "country=" not in url)
    expect(page.locator("li.hit")).to_have_count(5)
    assert params(page)["q"] == ["đàm phán"]


def test_several_facet_values_combine_in_the_url(page: Page, server) -> None:
    page.goto(server.url + "/?q=&per_page=10")
    page.locator('[data-facet=country] a.facet-link[data-value="GB"]').click()
    page.wait_for_url(re.compile("country=GB"))
    page.locator('[data-facet=source] a.facet-link').first.click()
    page.wait_for_url(re.compile("source="))
    assert params(page)["country"] == ["GB"] and len(params(page)["source"]) == 1
    expect(page.locator(".active-filters .chip")).to_have_count(2)
    page.get_by_role("link", name="Xóa tất cả bộ lọc").click()
    page.wait_for_url(lambda url: "country=" not in url and "source=" not in url)
    expect(page.locator(".active-filters")).to_have_count(0)


def test_pagination(page: Page, server) -> None:
    page.goto(server.url + "/?q=nga&per_page=1")
    nav = page.get_by_role("navigation", name="Phân trang")
    expect(nav.locator("[aria-current=page]")).to_have_text("1")
    first = hit_titles(page)
    nav.get_by_role("link", name="Trang 2").click()
    page.wait_for_url(re.compile("page=2"))
    expect(nav.locator("[aria-current=page]")).to_have_text("2")
    expect(page.locator("ol.hits")).to_have_attribute("start", "2")
    second = hit_titles(page)
    assert len(second) == 1 and second != first
    nav.get_by_role("link", name="Sau").click()
    page.wait_for_url(re.compile("page=3"))
    nav.get_by_role("link", name="Trước").click()
    page.wait_for_url(re.compile("page=2"))
    assert hit_titles(page) == second
    assert params(page)["per_page"] == ["1"] and params(page)["q"] == ["nga"]


def test_sort_links(page: Page, hostile_server) -> None:
    page.goto(hostile_server.url + "/?q=hải+sâm")
    sort = page.get_by_role("navigation", name="Sắp xếp")
    expect(sort.locator("[aria-current]")).to_have_text("Liên quan nhất")
    sort.get_by_role("link", name="Mới nhất").click()
    page.wait_for_url(re.compile("sort=newest"))
    expect(sort.locator("[aria-current]")).to_have_text("Mới nhất")
    assert hit_titles(page)[0] == "Nuôi hải sâm ở Cam Ranh"
    sort.get_by_role("link", name="Cũ nhất").click()
    page.wait_for_url(re.compile("sort=oldest"))
    assert hit_titles(page)[0] == "Giá hải sâm tăng mạnh"
    expect(page.locator("li.hit").first.locator("time")).to_have_text("10/01/2023")


def test_histogram_bars_stay_out_of_the_tab_order_and_the_month_list_filters(page: Page, hostile_server) -> None:
    page.goto(hostile_server.url + "/?q=hải+sâm")
    expect(page.locator("svg.histogram a")).to_have_count(3)  # January, March, June; not the empty months between
    summary = page.locator("details.months summary")
    expect(summary).to_have_text("Chọn tháng (3)")
    summary.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Từ", exact=True)).to_be_focused()  # past the chart in one step
    summary.press("Enter")
    page.keyboard.press("Tab")
    march = page.locator("details.months a.facet-link").nth(1)
    page.keyboard.press("Tab")
    expect(march).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("from=2023-03&to=2023-03"))
    expect(page.locator("li.hit")).to_have_count(2)  # the hostile article is from March too
    expect(page.locator("details.months a.facet-link[aria-current=true]")).to_have_accessible_name(re.compile("đang chọn"))


def test_month_histogram_and_date_range(page: Page, hostile_server, screenshot: Shoot) -> None:
    page.goto(hostile_server.url + "/?q=hải+sâm")
    bars = page.locator("svg.histogram a")
    expect(bars.first.locator("title")).to_have_text(re.compile("bài"))
    screenshot(page, "dated-results")
    bars.first.click()
    page.wait_for_url(re.compile("from=2023-01&to=2023-01"))
    expect(page.locator("li.hit")).to_have_count(1)
    expect(page.get_by_role("link", name="Bỏ lọc Từ 2023-01")).to_be_visible()
    page.get_by_label("Từ", exact=True).fill("2023-03")
    page.get_by_label("Đến", exact=True).fill("2023-06")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile("from=2023-03"))
    assert params(page)["to"] == ["2023-06"] and params(page)["q"] == ["hải sâm"]
    expect(page.locator("li.hit")).to_have_count(3)


def test_did_you_mean(page: Page, server) -> None:
    page.goto(server.url + "/?q=thu+tuong")
    link = page.locator(".did-you-mean a")
    expect(link).to_have_text("Thủ tướng")  # as the samples write the two together
    link.click()
    page.wait_for_url(lambda url: params(page).get("q") == ["Thủ tướng"])
    expect(page.locator("#q")).to_have_value("Thủ tướng")
    expect(page.locator(".did-you-mean")).to_have_count(0)


def test_empty_state_helps(page: Page, server, screenshot: Shoot) -> None:
    page.goto(server.url + "/?q=xylophone&country=GB")
    empty = page.locator(".empty")
    expect(empty).to_contain_text("Không tìm thấy bài viết nào cho “xylophone”")
    screenshot(page, "empty")
    empty.get_by_role("link", name="Bỏ các bộ lọc").click()
    page.wait_for_url(lambda url: "country=" not in url)
    expect(page.locator("#q")).to_have_value("xylophone")


def test_bad_input_gets_a_friendly_vietnamese_page(page: Page, server) -> None:
    response = page.goto(server.url + "/?q=Lavrov&page=abc")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Tham số page phải là số nguyên")
    expect(page.locator("#q")).to_have_value("Lavrov")  # ready to search again
    page.keyboard.press("Tab")  # the skip link, then the page works as usual
    page.locator("#q").press("Enter")
    page.wait_for_url(lambda url: "page=" not in url)
    expect(page.locator("li.hit").first).to_be_visible()


def test_article_page_highlights_and_links_related(page: Page, server, screenshot: Shoot) -> None:
    page.goto(server.url + "/?q=Lavrov")
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/articles/.+\?q=Lavrov"))
    expect(page.locator("h1")).to_have_text("Nga, Mỹ nhất trí tiếp tục đối thoại về tình hình Ukraine")
    expect(page.locator(".body mark").first).to_have_text("Lavrov")
    expect(page.locator(".meta time")).to_have_text("21/01")
    related = page.locator(".related li a")
    expect(related.first).to_be_visible()
    screenshot(page, "article")
    title = related.first.inner_text()
    related.first.click()
    expect(page.locator("h1")).to_have_text(title)
    page.go_back()
    page.locator(".meta a.chip", has_text="Nga").first.click()
    page.wait_for_url(re.compile("country=RU"))
    expect(page.locator('[data-facet=country] a.facet-link[data-value="RU"]')).to_have_attribute("aria-current", "true")


def test_keyboard_tab_type_and_choose_a_suggestion(page: Page, server) -> None:
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua đến nội dung chính")
    expect(skip).to_be_focused()
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none"  # focus is visible
    box = page.locator("#q")
    for _ in range(4):
        page.keyboard.press("Tab")
        if box.evaluate("e => e === document.activeElement"):
            break
    expect(box).to_be_focused()
    assert box.evaluate("e => e.matches(':focus-visible') && getComputedStyle(e).outlineStyle !== 'none'")
    page.keyboard.type("lav", delay=40)
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "sugg-0")
    page.keyboard.press("Enter")
    expect(box).to_have_value("Sergei Lavrov")
    expect(page.get_by_role("listbox")).to_be_hidden()
    page.wait_for_url(re.compile("q=Sergei"))
    expect(page.locator("li.hit mark").first).to_be_visible()
    page.keyboard.type(" x")
    expect(options.first).to_be_hidden()
    page.keyboard.press("Escape")
    expect(box).to_be_focused()


def test_results_update_as_you_type(page: Page, server) -> None:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if urlsplit(r.url).path == "/" else None)
    page.goto(server.url + "/")
    history_length = page.evaluate("history.length")
    box = page.locator("#q")
    box.press_sequentially("đàm phán", delay=20)  # fast typing: debounced, not one request per key
    box.fill("")
    box.press_sequentially("Lavrov", delay=20)
    page.wait_for_url(re.compile("q=Lavrov"))
    expect(page.locator("li.hit mark").first).to_have_text("Lavrov")
    expect(page.locator("#live-status")).to_contain_text("kết quả")
    assert len(seen) <= 4, seen  # the first page load plus a few debounced updates
    assert page.title().startswith("Lavrov")
    assert page.evaluate("history.length") == history_length + 1  # one entry for the live search, not one per update


def test_back_after_a_live_search_returns_to_the_page_it_started_on(page: Page, server) -> None:
    page.goto(server.url + "/")
    box = page.locator("#q")
    box.press_sequentially("Lavrov", delay=20)
    page.wait_for_url(re.compile("q=Lavrov"))
    expect(page.locator("li.hit").first).to_contain_text("Lavrov")
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile("/articles/"))
    page.go_back()
    page.wait_for_url(re.compile(r"/\?q=Lavrov$"))
    expect(page.locator("li.hit").first).to_contain_text("Lavrov")
    page.go_back()
    page.wait_for_url(server.url + "/")  # the page the search started on, not about:blank
    expect(page.locator("#result-count")).to_contain_text("Kho có 5 bài")


def test_back_and_forward_show_the_results_of_their_entry(page: Page, server) -> None:
    page.goto(server.url + "/?q=Nga&country=GB")
    history_length = page.evaluate("history.length")
    box = page.locator("#q")
    box.fill("Lavrov")
    page.wait_for_url(re.compile("q=Lavrov&country=GB"))
    assert page.title().startswith("Lavrov")
    box.press_sequentially(" Blinken", delay=20)
    page.wait_for_url(re.compile("q=Lavrov\\+Blinken"))
    assert page.evaluate("history.length") == history_length + 1  # later updates replace the entry
    box.fill("đàm phán")
    page.wait_for_url(re.compile("q=%C4%91%C3%A0m"))
    expect(page.locator("li.hit")).to_have_count(2)
    page.go_back()  # same document: the page must put the first search back itself
    page.wait_for_url(re.compile(r"q=Nga&country=GB$"))
    expect(box).to_have_value("Nga")
    expect(page.locator("li.hit")).to_have_count(2)
    expect(page.locator("li.hit mark").first).to_have_text(re.compile("Nga"))
    assert page.title().startswith("Nga")
    page.go_forward()
    page.wait_for_url(re.compile("q=%C4%91%C3%A0m"))
    expect(box).to_have_value("đàm phán")
    expect(page.locator("li.hit mark").first).to_have_text(re.compile("đàm phán", re.I))
    page.get_by_role("link", name="Bỏ qua đến nội dung chính").focus()
    page.keyboard.press("Enter")  # a #fragment entry: popstate, but the results stay as they are
    page.go_back()
    expect(page.locator("li.hit mark").first).to_have_text(re.compile("đàm phán", re.I))
    box.press_sequentially(" bí mật", delay=20)  # typing on a live entry replaces it
    page.wait_for_url(re.compile("b%C3%AD"))
    assert page.evaluate("history.length") == history_length + 2  # the live entry and the #main one


def test_the_article_page_links_back_to_the_same_results(page: Page, server) -> None:
    start = server.url + "/?q=nga&country=RU&sort=newest&per_page=2&page=2"
    page.goto(start)
    first = hit_titles(page)
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile("/articles/"))
    back = page.get_by_role("link", name="← Kết quả cho “nga”")
    back.click()
    page.wait_for_url(lambda url: params(page) == parse_qs(urlsplit(start).query))
    assert hit_titles(page) == first
    expect(page.get_by_role("navigation", name="Phân trang").locator("[aria-current=page]")).to_have_text("2")


LONG_QUERIES = ["NguyễnXuânPhúc" * 20, "x" * 300, "🎉" * 150, "title2:" + "y" * 250, "(" * 40 + "z" * 200]


@pytest.mark.parametrize("width", [375, 1280])
def test_long_unbroken_words_do_not_widen_the_page(page: Page, server, width: int) -> None:
    long_name = "Sergei" + "Lavrov" * 60
    urls = [f"/?q={quote(q)}" for q in LONG_QUERIES] + [
        f"/?q=&official={long_name}&source={'S' * 300}",  # chips
        f"/?q=thu+tuong{'o' * 300}",
        f"/articles/001_4ce8738a79631aa8?q={'Lavrov' * 60}",  # the back link and the highlight note
        f"/articles/001_4ce8738a79631aa8?q=Lavrov+{'q' * 400}",
    ]
    page.set_viewport_size({"width": width, "height": 800})
    for url in urls:
        page.goto(server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url


def test_officials_filter_box_and_see_more(page: Page, server) -> None:
    page.goto(server.url + "/")
    officials = page.locator("[data-facet=official]")
    more = officials.locator("details.more")
    summary = more.locator("summary")
    expect(summary).to_contain_text("Xem thêm")
    hidden = more.locator("a.facet-link").first
    expect(hidden).to_be_hidden()
    summary.click()
    expect(hidden).to_be_visible()
    summary.click()
    officials.get_by_label("Lọc danh sách quan chức").fill("lavrov")
    visible = officials.locator("a.facet-link:visible")
    expect(visible).to_have_count(1)  # Sergei Lavrov (Sergey Lavrov is filed under the same name), wherever listed
    expect(summary).to_be_hidden()
    officials.get_by_label("Lọc danh sách quan chức").fill("zzz")
    expect(officials.locator(".no-match")).to_be_visible()
    officials.get_by_label("Lọc danh sách quan chức").fill("")
    expect(summary).to_be_visible()
    expect(hidden).to_be_hidden()


def test_works_without_javascript(no_js_page: Page, server) -> None:
    page = no_js_page
    page.goto(server.url + "/")
    page.locator("#q").fill("đàm phán")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_url(re.compile("q=%C4%91%C3%A0m"))
    expect(page.locator("li.hit")).to_have_count(5)
    expect(page.locator("li.hit mark").first).to_be_visible()
    page.locator('[data-facet=country] a.facet-link[data-value="GB"]').click()
    page.wait_for_url(re.compile("country=GB"))
    expect(page.locator("li.hit")).to_have_count(2)
    summary = page.locator("[data-facet=official] details.more summary")
    summary.click()  # "see more" is a <details>: no script needed
    expect(page.locator("[data-facet=official] details.more a.facet-link").first).to_be_visible()


def test_phone_layout(phone_page: Page, server, screenshot: Shoot) -> None:
    page = phone_page
    page.goto(server.url + "/?q=đàm+phán+bí+mật")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    box, button = page.locator("#q").bounding_box(), page.get_by_role("button", name="Tìm").bounding_box()
    assert box and button and abs(box["y"] - button["y"]) < 10  # the button sits beside the box
    results_top = page.locator("li.hit").first.bounding_box()
    facets_top = page.locator("aside.facets").bounding_box()
    assert results_top and facets_top and results_top["y"] < facets_top["y"]  # results first on a phone
    screenshot(page, "phone-results", full_page=False)
    page.get_by_role("link", name="Bộ lọc").click()
    expect(page.locator("aside.facets h2")).to_be_in_viewport()
    page.goto(server.url + "/articles/001_4ce8738a79631aa8?q=Lavrov")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "phone-article", full_page=False)


# The parts of a facet link, without its text: what a screen reader and the eye get from it.
LINK_SHAPE = """a => Array.from(a.querySelectorAll('*'), e =>
    e.tagName + '.' + e.className + (e.getAttribute('aria-hidden') ? '[aria-hidden]' : '')).join(' ')"""


def test_values_the_filter_box_finds_beyond_the_list_look_like_the_listed_ones(page: Page, export_server,
                                                                              unlisted_official: str) -> None:
    """The filter box asks /api/facets for values past the page's top 50: each comes with the
    checkbox and the ", 1 bài" a listed value has, and it adds its filter."""
    page.goto(export_server.url + "/")
    officials = page.locator("[data-facet=official]")
    listed = officials.locator(".facet-values:not(.more-values) a.facet-link").first
    expect(officials.locator(f'a.facet-link[data-value="{unlisted_official}"]')).to_have_count(0)
    officials.get_by_label("Lọc danh sách quan chức").fill("quỳnh")
    found = officials.locator(".more-values a.facet-link")
    expect(found).to_have_count(1)
    expect(found).to_have_accessible_name(re.compile(rf"^{re.escape(unlisted_official)}\s*, 1 bài$"))  # as a listed one reads
    assert found.evaluate(LINK_SHAPE) == listed.evaluate(LINK_SHAPE)
    expect(found.locator(".box")).to_be_visible()
    found.click()
    page.wait_for_url(re.compile("official="))
    assert params(page)["official"] == [unlisted_official]
    expect(page.locator(f'[data-facet=official] a.facet-link[data-value="{unlisted_official}"]')).to_have_attribute("aria-current", "true")


def test_result_links_to_ids_with_dot_segments_open_their_article(page: Page, export_server, dot_id_titles: list[str]) -> None:
    """A browser resolves "/articles/a/b/../c" to "/articles/a/c" (and %2E%2E just the same): each
    link still opens its own article, and so do the related links on it."""
    page.goto(export_server.url + "/?q=tin+tức+thời+sự")
    expect(page.locator("li.hit")).to_have_count(len(dot_id_titles))
    for title in dot_id_titles:
        page.locator("li.hit h3 a", has_text=title).click()
        page.wait_for_url(re.compile("/articles"))
        expect(page.locator("h1")).to_have_text(title)
        related = page.locator(".related li a").first
        related_title = related.inner_text()
        related.click()
        expect(page.locator("h1")).to_have_text(related_title)
        page.goto(export_server.url + "/?q=tin+tức+thời+sự")
