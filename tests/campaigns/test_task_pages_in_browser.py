"""The campaign work pages in real Chromium on a 375 px phone: nothing wider than the
screen, the overdue task marked, and a progress report sent from the phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import screenshot
from tests.campaigns.conftest import ACTOR, CAMPAIGN, new_task
from tests.staff import PASSWORD
from xinyong.campaigns import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_campaign_pages_fit_a_phone_and_take_a_report(live_server, chromium, owner_clerk):
    demo.load_tasks(ACTOR)
    today = timezone.localdate()
    late = new_task(
        "诈骗账户关停情况通报",
        starts_on=today - timedelta(days=60),
        due_on=today - timedelta(days=2),
    )
    site = live_server.url
    phone = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = phone.new_page()
    page.goto(f"{site}/console/campaigns/")
    page.get_by_label("用户名").fill(owner_clerk.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    for path, name in [
        ("", "index"),
        (f"{CAMPAIGN}/", "campaign"),
        (f"tasks/{late.pk}/", "task"),
        ("mine/", "mine"),
    ]:
        page.goto(f"{site}/console/campaigns/{path}")
        assert page.locator("main h1").count() == 1, path
        overflow = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"campaign-work-{name}-375px")
        assert overflow <= 375, path

    page.goto(f"{site}/console/campaigns/{CAMPAIGN}/")
    row = page.locator(f"tr#task-{late.pk}")
    assert "deadline-ended" in (row.get_attribute("class") or "")
    assert "已超期" in row.inner_text()

    page.goto(f"{site}/console/campaigns/tasks/{late.pk}/")
    page.get_by_label("完成进度（%）").fill("85")
    page.get_by_label("进展情况").fill("已在手机上报告进展。")
    page.get_by_role("button", name="提交进展报告").click()
    page.wait_for_load_state()
    assert "已提交进展报告" in page.locator(".messages").inner_text()
    assert "已在手机上报告进展。" in page.locator("#history-title + ol").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "campaign-work-task-reported-375px")
    phone.close()
    late.refresh_from_db()
    assert late.progress == 85
