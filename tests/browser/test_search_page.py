"""The search and article pages in a real Chromium, against the real server (`vnsearch serve`)."""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

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
    expect(page.locator('[data-facet=country] a.facet-link[data-value="GB"]')).to_have_attribute("aria-pressed", "true")
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


def test_month_histogram_and_date_range(page: Page, hostile_server, screenshot: Shoot) -> None:
    page.goto(hostile_server.url + "/?q=hải+sâm")
    bars = page.locator("svg.histogram a")
    expect(bars.first).to_have_attribute("aria-label", re.compile("bài"))
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
    expect(link).to_have_text("thủ tướng")
    link.click()
    page.wait_for_url(lambda url: params(page).get("q") == ["thủ tướng"])
    expect(page.locator("#q")).to_have_value("thủ tướng")
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
    expect(page.locator('[data-facet=country] a.facet-link[data-value="RU"]')).to_have_attribute("aria-pressed", "true")


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
    assert page.evaluate("history.length") == history_length  # the address is replaced, not piled up


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
    expect(visible).to_have_count(2)  # Sergei Lavrov and Sergey Lavrov, wherever they were listed
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
