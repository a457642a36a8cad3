"""The console in real Chromium: log in, upload, watch the progress, timeliness, phone width.

The import runs in its background thread here (the live server's default), so the page
really polls progress.json until the job is done.
"""

from __future__ import annotations

import time as clock
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests.browser import screenshot
from tests.console.conftest import write_csv
from tests.records.factories import id_number, penalty, person_penalty
from tests.staff import PASSWORD, make_user
from xinyong.accounts.roles import Role
from xinyong.records import jobs
from xinyong.records.models import CreditRecord
from xinyong.records.pipeline import Importer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TZ = "Asia/Shanghai"
ON_TIME = ["公罚〔2026〕1号", "公罚〔2026〕2号", "公罚〔2026〕5号", "公罚〔2026〕6号"]


@pytest.fixture
def site(live_server, loaded_pack, concurrent_sqlite):
    make_user("clerk-gat", "YN-GAT", Role.CLERK)
    return live_server.url


def _log_in(page, site: str) -> None:
    page.goto(site + "/console/")
    page.get_by_label("用户名").fill("clerk-gat")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/console/")


def _upload(page, site: str, tmp_path, prefix: str) -> None:
    rows = [
        penalty(f"公罚〔2026〕{n}号", CF_JDRQ=f"2026-{month:02d}-15", CF_YXQ="2027-12-31")
        for n, month in enumerate((6, 7, 7, 8, 9, 9, 9), start=1)
    ]
    rows.append(person_penalty("公罚〔2026〕9号", CF_XDR_ZJHM="5301**********1238"))
    page.goto(site + "/console/upload/")
    page.get_by_label("信息类型").select_option(label="行政处罚")
    page.get_by_label("文件", exact=True).set_input_files(str(write_csv(tmp_path, rows)))
    screenshot(page, f"{prefix}-upload")
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/console/batches/*/")


class SlowImporter(Importer):
    """Waits before its rows, so that the page shows the job running and polls."""

    def run(self, rows, progress=None):
        clock.sleep(2)
        return super().run(rows, progress)


def test_a_clerk_uploads_a_file_and_follows_it_to_the_end(site, page, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "Importer", SlowImporter)
    page.goto(site + "/console/")
    assert "/console/login/" in page.url
    screenshot(page, "console-login")
    _log_in(page, site)
    _upload(page, site, tmp_path, "console")
    assert page.locator("#batch-status").get_attribute("class") == "status status-running"
    assert page.get_by_role("link", name="刷新").is_visible()  # without JavaScript
    screenshot(page, "console-batch-running")
    # progress.js polls every second and reloads the page once the job is done.
    page.locator("#batch-status.status-done").wait_for(timeout=30_000)
    assert page.locator("#progress-bar").get_attribute("value") == "100"
    assert page.locator("#count-accepted").inner_text() == "7"
    assert page.locator("#count-rejected").inner_text() == "1"
    rejected = page.locator("#row-9")
    assert "id.masked" in rejected.inner_text()
    assert rejected.get_by_role("link", name="更正").is_visible()
    screenshot(page, "console-batch")
    rejected.get_by_role("link", name="更正").click()
    assert page.get_by_role("heading", name="更正并重新提交").is_visible()
    screenshot(page, "console-correct")
    page.get_by_role("button", name="重新提交").click()  # the masked ID number not retyped
    assert page.get_by_role("heading", name="更正后的错误").is_visible()
    assert "id.masked" in page.locator("table.errors").inner_text()
    screenshot(page, "console-correct-rejected")
    page.get_by_label("CF_XDR_ZJHM（证件号码）").fill(id_number())
    page.get_by_role("button", name="重新提交").click()
    page.wait_for_url("**/console/batches/*/")
    assert "已重新提交" in page.locator(".messages").inner_text()
    assert page.locator("#row-9 .status").inner_text() == "已重新提交"
    # Some records in on time, so that the chart has both parts.
    for record in CreditRecord.objects.filter(document_number__in=ON_TIME):
        assert record.publication_deadline is not None
        noon = datetime.combine(record.publication_deadline, time(12), tzinfo=ZoneInfo(TZ))
        CreditRecord.objects.filter(pk=record.pk).update(received_at=noon)
    page.get_by_role("link", name="及时性").click()
    assert page.locator("svg g.bar[role=img]").count() >= 1
    assert "按时" in (page.locator("svg g.bar title").first.text_content() or "")
    # Each bar is an image named by its <title>, as a screen reader reads it.
    assert page.get_by_role("img", name="2026-09：按时 2 条，逾期 1 条").count() == 1
    screenshot(page, "console-timeliness")


def test_a_clerk_types_in_a_penalty_with_the_date_picker_and_kind_boxes(site, page):
    _log_in(page, site)
    page.goto(site + "/console/upload/")
    page.get_by_role("link", name="逐条填报一条记录").click()
    page.get_by_role("link", name="行政处罚").click()
    cells = penalty("公罚〔2026〕30号")
    for code in ("CF_XDR_MC", "CF_XDR_SHXYM", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ"):
        page.locator(f"#id_{code}").fill(cells[code])
    page.locator("#id_CF_XDR_LB").select_option("法人及非法人组织")
    page.get_by_role("checkbox", name="罚款", exact=True).check()
    page.get_by_role("checkbox", name="没收违法所得").check()
    page.locator("#id_CF_NR").fill(cells["CF_NR"])
    page.locator("#id_CF_NR_FK").fill("0.2")
    page.locator("#id_CF_JDRQ").fill("2026-09-15")  # the browser's date picker: ISO
    for code in ("CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"):
        page.locator(f"#id_{code}").fill(cells[code])
    screenshot(page, "console-record-entry")
    page.get_by_role("button", name="提交").click()
    # 处罚有效期 left empty: the row waits in quarantine, as a file row would.
    page.wait_for_url("**/console/quarantine/*/")
    assert "field.required" in page.locator("table.errors").inner_text()
    page.get_by_label("处罚有效期", exact=True).fill("2027-09-15")
    page.get_by_role("button", name="重新提交").click()
    page.wait_for_url("**/console/batches/*/")
    assert "已重新提交" in page.locator(".messages").inner_text()
    record = CreditRecord.objects.get(document_number="公罚〔2026〕30号")
    assert record.categories == ["罚款", "没收违法所得"]
    assert record.decision_date.isoformat() == "2026-09-15"


def test_the_console_fits_a_phone_screen(site, chromium, tmp_path, inline_imports):
    # Layout only: the import runs in the request, so no thread competes for the
    # in-memory test database's table locks (the test above follows a real thread).
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    widths = {}
    try:
        _log_in(page, site)
        widths["index"] = page.evaluate("document.documentElement.scrollWidth")
        _upload(page, site, tmp_path, "console-375px")
        page.locator("#batch-status.status-done").wait_for(timeout=30_000)
        widths["batch"] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "console-375px-batch")
        page.locator("#row-9").get_by_role("link", name="更正").click()
        widths["correct"] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "console-375px-correct")
        page.goto(site + "/console/timeliness/")
        widths["timeliness"] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "console-375px-timeliness")
        page.goto(site + "/console/records/new/?type=penalty")
        widths["record"] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "console-375px-record-entry")
    finally:
        context.close()
    assert all(width <= 375 for width in widths.values()), widths
