"""A visitor in real Chromium: search a fragment, open a subject, read its penalties."""

from __future__ import annotations

import pytest

from tests.browser import screenshot
from tests.portal import pipeline
from xinyong.search import index

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, loaded_pack):
    pipeline.run("license", [pipeline.licence("楚市监许〔2026〕8号")])
    pipeline.run(
        "penalty",
        [
            pipeline.company_penalty(
                "楚市监罚〔2026〕15号",
                CF_XDR_MC="楚雄白药堂医药有限公司",
                CF_XDR_SHXYM=pipeline.PHARMACY,
                CF_CFJG="楚雄州市场监督管理局",
            ),
            pipeline.company_penalty(),
        ],
    )
    index.rebuild()
    return live_server.url


def test_a_visitor_finds_a_subject_by_two_characters_and_reads_its_penalties(site, page):
    page.goto(site + "/")
    page.get_by_label("主体名称或统一社会信用代码").fill("白药")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    result = page.get_by_role("link", name="楚雄白药堂医药有限公司")
    assert result.is_visible()
    assert "昆明鑫瑞商贸有限公司" not in page.content()
    screenshot(page, "portal-search-zh")

    result.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="楚雄白药堂医药有限公司", level=1).is_visible()
    page.get_by_role("link", name="行政处罚 1").click()
    page.wait_for_load_state()
    record = page.locator("article.record")
    assert record.count() == 1
    text = record.inner_text()
    decided = pipeline.record("楚市监罚〔2026〕15号")
    assert "楚市监罚〔2026〕15号" in text and "云南省工商行政管理局" in text
    assert "楚雄州市场监督管理局" in text
    assert decided.decision_date.isoformat() in text
    assert decided.publicity_end is not None and decided.publicity_end.isoformat() in text
    screenshot(page, "portal-subject-zh")

    page.select_option("#language", "en")
    page.get_by_role("button", name="切换").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("link", name="Administrative penalty 1").get_attribute("aria-current")
        == "page"
    )
    assert "楚市监罚〔2026〕15号" in page.locator("article.record").inner_text()
    screenshot(page, "portal-subject-en")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("search", "/search?q=白药"),
        ("subject", f"/subjects/{pipeline.PHARMACY}/?tab=penalty"),
        ("penalties", "/penalties/"),
        ("about", "/about/?unit=YN-GSJ"),
    ],
)
def test_the_pages_fit_a_phone_screen(site, chromium, name, path):
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(site + path)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"portal-{name}-375px")
    context.close()
    assert overflow <= 375
