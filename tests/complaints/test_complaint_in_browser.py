"""A complainant on a phone (375 px) in real Chromium files a wage-arrears complaint about
a company in 曲靖 and lands on its tracking page, which names 曲靖's bureau."""

from __future__ import annotations

import pytest

from tests.browser import screenshot
from tests.complaints.conftest import COMPANY, CONTACT, NAME
from xinyong.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_complainant_on_a_phone_files_and_follows_a_complaint(live_server, loaded_pack, chromium):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        with page.expect_navigation():  # the new page and its stylesheet, before measuring
            page.get_by_role("link", name="举报投诉").first.click()
        assert page.get_by_role("heading", name="举报投诉", level=1).is_visible()
        assert _fits(page)
        screenshot(page, "complaint-form-375")
        page.get_by_label("举报投诉领域").select_option("wage-arrears")
        page.get_by_label("被投诉主体名称").fill(COMPANY)
        page.get_by_label("所在地区").select_option("530302")
        page.get_by_label("投诉内容").fill("工地拖欠三个月工资。")
        page.get_by_label("您的姓名").fill(NAME)
        page.get_by_label("联系方式", exact=True).fill(CONTACT)
        page.get_by_role("button", name="提交举报投诉").click()
        page.wait_for_load_state()
        complaint = Complaint.objects.get()
        assert page.url.endswith(f"/complaints/{complaint.reference}/")
        html = page.content()
        assert "曲靖市人力资源和社会保障局" in html and "待受理" in html
        assert NAME not in html and CONTACT not in html
        assert _fits(page)
        screenshot(page, "complaint-tracking-375")
    finally:
        context.close()
