"""The home page in real Chromium: content, language switch, phone width."""

from __future__ import annotations

import pytest

from tests.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, loaded_pack):
    return live_server.url


def test_a_visitor_sees_the_campaigns_and_switches_to_english(site, page):
    page.goto(site + "/")
    assert page.locator("li.campaign").count() == 19
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "home-zh")
    page.select_option("#language", "en")
    page.get_by_role("button", name="切换").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Special campaigns against dishonesty").is_visible()
    assert "Telecom" in page.locator("#campaign-1 h3").inner_text()
    screenshot(page, "home-en")


def test_the_home_page_fits_a_phone_screen(site, chromium):
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(site + "/")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "home-375px")
    context.close()
    assert overflow <= 375
