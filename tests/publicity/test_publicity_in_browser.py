"""The integrity column and the desk in real Chromium: a clerk writes and publishes a
report, a reader finds it on the home page, and every page fits a phone (375 px)."""

from __future__ import annotations

import pytest

from tests.browser import screenshot
from tests.publicity.conftest import published
from tests.staff import PASSWORD
from xinyong.campaigns.models import Campaign
from xinyong.publicity.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, loaded_pack):
    return live_server.url


def _log_in(page, site, user) -> None:
    page.goto(f"{site}/console/publicity/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_clerk_publishes_a_report_and_a_reader_finds_it(site, page, clerk):
    _log_in(page, site, clerk)
    page.get_by_role("link", name="新建稿件").click()
    page.get_by_label("标题").fill("诚信建设万里行走进保山")
    page.get_by_label("正文").fill("第一段。\n第二段。")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "已保存" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="发布").click()
    page.wait_for_load_state()
    assert "已发布" in page.locator(".messages").inner_text()
    screenshot(page, "publicity-desk-detail")

    page.goto(f"{site}/")
    page.get_by_role("link", name="诚信建设万里行走进保山").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="诚信建设万里行走进保山", level=1).is_visible()
    assert page.locator(".article-body p").count() == 2


@pytest.mark.parametrize(
    "path", ["/", "/publicity/", "/publicity/?kind=case", "/publicity/{pk}/", "tracker"]
)
def test_the_pages_fit_a_phone_screen(site, chromium, page, clerk, path):
    campaign = Campaign.objects.get(code="wage-arrears")
    published(kind=Article.Kind.CASE, campaign=campaign, title="某建筑公司拖欠农民工工资案例")
    report = published(body="很长的一段正文，" * 40)
    if path == "tracker":
        _log_in(page, site, clerk)
        path = "/console/publicity/weeks/"
    phone = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    small = phone.new_page()
    small.context.add_cookies(page.context.cookies())
    small.goto(site + path.format(pk=report.pk))
    overflow = small.evaluate("document.documentElement.scrollWidth")
    name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
    screenshot(small, f"publicity-{name}-375px")
    phone.close()
    assert overflow <= 375, path
