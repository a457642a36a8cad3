"""An applicant in real Chromium: file an objection on the portal, follow it, and see the
record flagged 异议处理中 on the subject page at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import screenshot
from tests.portal import pipeline
from tests.rights.conftest import ACTOR, PENALTY
from tests.staff import PASSWORD
from xinyong.records.models import CreditRecord
from xinyong.rights import objections
from xinyong.rights.models import Channel, Objection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def site(live_server, penalty):
    return live_server.url


def test_an_applicant_files_an_objection_and_the_record_is_flagged_at_once(site, page, penalty):
    page.goto(f"{site}/objections/new?record={penalty.pk}")
    assert page.get_by_role("heading", name="提出异议", level=1).is_visible()
    assert PENALTY in page.locator("article.record").inner_text()
    page.get_by_label("异议理由").select_option("wrong")
    page.get_by_label("异议说明").fill("处罚机关名称与决定书不一致。")
    page.get_by_label("请求更正的内容").fill("处罚机关应为昆明市市场监督管理局五华分局")
    page.get_by_label("申请人姓名").fill("王经理")
    page.get_by_label("联系电话或电子邮箱").fill("13800000000")
    page.get_by_label("信息主体的统一社会信用代码或身份证件号码").fill(pipeline.COMPANY)
    page.get_by_label("证明材料").set_input_files(
        [{"name": "决定书.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("本人承诺", exact=False).check()
    screenshot(page, "objection-form-zh")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state()

    objection = Objection.objects.get()
    assert page.get_by_role("heading", name=f"异议 {objection.reference}", level=1).is_visible()
    steps = page.locator("ol.objection-steps li")
    assert steps.count() == 3
    assert "办理中" in steps.nth(0).inner_text()
    assert objection.platform_due.isoformat() in steps.nth(0).inner_text()
    assert "13800000000" not in page.content()
    screenshot(page, "objection-tracking-zh")

    page.goto(f"{site}/subjects/{pipeline.COMPANY}/?tab=penalty")
    record = page.locator("article.record.disputed")
    assert record.count() == 1
    assert record.locator(".flag").inner_text() == "异议处理中"
    assert PENALTY in record.inner_text()
    screenshot(page, "objection-subject-flagged-zh")
    assert CreditRecord.objects.get(pk=penalty.pk).status == CreditRecord.Status.DISPUTED

    page.goto(f"{site}/objections/track")
    page.get_by_label("异议编号").fill(objection.reference.lower())
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/objections/{objection.reference}/")


@pytest.mark.parametrize("path", ["new", "track"])
def test_the_objection_pages_fit_a_phone_screen(site, chromium, penalty, path):
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    query = f"?record={penalty.pk}" if path == "new" else ""
    page.goto(f"{site}/objections/{path}{query}")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"objection-{path}-375px")
    context.close()
    assert overflow <= 375


def _late_objection(target) -> Objection:
    return objections.file_objection(
        target,
        ground="wrong",
        description="处罚机关名称有误。",
        applicant_name="王经理",
        contact="13800000000",
        actor=ACTOR,
        channel=Channel.CONSOLE,
        today=timezone.localdate() - timedelta(days=30),
    )


def test_an_operator_sees_the_overdue_objection_first_and_refers_it(
    site, page, chromium, operator, penalty
):
    late = _late_objection(penalty)
    page.goto(f"{site}/console/objections/")
    page.get_by_label("用户名").fill(operator.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{site}/console/objections/")
    row = page.locator("tr.overdue")
    assert row.count() == 1 and late.reference in row.inner_text()
    assert "已超期" in row.inner_text()
    screenshot(page, "objection-desk-queue")

    row.get_by_role("link", name=late.reference).click()
    page.wait_for_load_state()
    page.get_by_label("请数据提供单位核查的事项").fill("请核实处罚机关名称")
    page.get_by_role("button", name="转数据提供单位核查").click()
    page.wait_for_load_state()
    assert "已转数据提供单位核查" in page.locator(".messages").inner_text()
    screenshot(page, "objection-desk-detail")
    assert Objection.objects.get().status == Objection.Status.UNIT_CHECK

    phone = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    small = phone.new_page()
    small.context.add_cookies(page.context.cookies())
    for path in ("", f"{late.reference}/"):
        small.goto(f"{site}/console/objections/{path}")
        overflow = small.evaluate("document.documentElement.scrollWidth")
        screenshot(small, f"objection-desk-{'detail' if path else 'queue'}-375px")
        assert overflow <= 375, path
    phone.close()
