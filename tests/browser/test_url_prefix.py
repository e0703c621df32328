"""Served under a path (VNSEARCH_URL_PREFIX, as a reverse proxy places an intranet's search at
/tim-kiem): the page's own scripts and the widget keep the prefix in every request they make."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_widget import search_in_widget

PREFIX = "/tim-kiem"


def test_the_page_and_its_filter_box_stay_under_the_prefix(page: Page, prefixed_server) -> None:
    assert prefixed_server.url.endswith(PREFIX)
    page.goto(prefixed_server.url + "/")
    officials = page.locator("[data-facet=official]")
    with page.expect_response(re.compile(re.escape(PREFIX) + r"/api/facets/official\?")) as answer:
        officials.get_by_label("Lọc danh sách quan chức").fill("lavrov")
    assert answer.value.status == 200
    officials.locator("a.facet-link:visible").first.click()
    page.wait_for_url(re.compile(re.escape(PREFIX) + r"/\?.*official="))
    expect(page.locator("main .hit").first).to_be_visible()
    page.locator("#q").fill("Lavrov")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(re.escape(PREFIX) + r"/\?.*q=Lavrov"))
    expect(page.locator("main mark").first).to_have_text(re.compile("Lavrov", re.I))


def test_the_widget_asks_the_prefixed_api_it_was_loaded_from(page: Page, prefixed_server, allowed_host) -> None:
    page.goto(allowed_host.widget_url(prefixed_server.url))
    with page.expect_response(re.compile(re.escape(PREFIX) + r"/api/search\?")) as answer:
        panel = search_in_widget(page, "Lavrov")
    assert answer.value.status == 200
    expect(panel).to_contain_text("kết quả")
    link = panel.locator("a.title").first
    expect(link).to_have_attribute("href", re.compile("^" + re.escape(prefixed_server.url) + "/articles/.+q=Lavrov"))
