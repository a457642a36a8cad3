"""The evaluation pages on a phone (375 px) in real Chromium: nothing wider than the
screen, the charts and the grade readable."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser import screenshot
from tests.evaluation.conftest import ACTOR, company, listed, record
from tests.staff import PASSWORD, make_user
from xinyong.accounts.roles import Role
from xinyong.evaluation.runs import evaluate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, loaded_pack):
    subject = company("手机评价公司有限责任公司")
    record(subject, date(2026, 6, 1))
    record(subject, date(2025, 6, 1), severity="serious")
    listed(subject, "wage-arrears", decided=date(2026, 6, 1))
    run_on = date(2026, 11, 28)
    evaluate("public-credit", actor=ACTOR, today=run_on)
    evaluate("environmental-credit", actor=ACTOR, today=run_on)
    make_user("office", "YN-WMB", Role.OPERATOR)
    return live_server.url, subject


def test_the_evaluation_pages_fit_a_phone(site, chromium):
    url, subject = site
    phone = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = phone.new_page()
    page.goto(f"{url}/subjects/{subject.uscc}/")
    assert page.locator("#evaluation .grade-badge").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "evaluation-portal-375px")
    page.goto(f"{url}/console/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    for path, name in [("", "overview"), (f"subjects/{subject.public_id}/", "subject")]:
        page.goto(f"{url}/console/evaluation/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        screenshot(page, f"evaluation-console-{name}-375px")
    assert page.locator(".behind li").count() >= 3
    phone.close()
