"""An applicant on a phone (375 px) in real Chromium: apply for repair, land on the case."""

# ruff: noqa: F811  (the fixtures imported from repair_support are redefined as arguments)
from __future__ import annotations

import pytest

from tests.browser import screenshot
from tests.portal import pipeline
from tests.rights.repair_support import PDF, media, record  # noqa: F401  (fixtures)
from xinyong.rights.models import RepairApplication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_applicant_on_a_phone_files_a_repair_and_sees_the_tracking_page(
    live_server, record, chromium, tmp_path
):
    evidence = tmp_path / "缴款凭证.pdf"
    evidence.write_bytes(PDF)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/repairs/new?record={record.pk}")
        assert page.get_by_role("heading", name="申请信用修复", level=1).is_visible()
        assert _fits(page)
        screenshot(page, "repair-form-375")
        page.get_by_label("纠正失信行为情况").fill("已缴清罚款并整改完毕。")
        page.get_by_label("证明材料").set_input_files(str(evidence))
        page.get_by_label("本人已阅读上述承诺", exact=False).check()
        page.get_by_label("申请人").fill("张三")
        page.get_by_label("联系方式").fill("13800000000")
        page.get_by_label("主体的统一社会信用代码或身份证件号码").fill(pipeline.COMPANY)
        page.get_by_role("button", name="提交申请").click()
        page.wait_for_load_state()
        application = RepairApplication.objects.get()
        assert page.url.endswith(f"/repairs/{application.reference}/")
        assert "审核中" in page.content()
        assert _fits(page)
        screenshot(page, "repair-tracking-375")
    finally:
        context.close()
