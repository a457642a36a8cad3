"""The console's check pages: XLSX upload → result XLSX and receipt, receipts, the
feedback-rate page and its chart.

The cast: 甲公司 on 失信被执行人; 王五, a person on 失信被执行人, checked by ID number,
whose number must never appear in the result; and a USCC nobody has.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.records.factories import id_number, uscc
from tests.staff import make_user
from xinyong.accounts.roles import Role
from xinyong.core.audit import Actor
from xinyong.lists import entries
from xinyong.lists.feedback import record_feedback
from xinyong.lists.models import CheckReceipt, Scene
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db
ACTOR = Actor("test:operator")
CHECK = reverse("console:check")
STATS = reverse("console:feedback_stats")
PERSON_ID = id_number(born="19850611")
NOBODY = uscc(body="99345678")
HEADERS = ["统一社会信用代码", "身份证件号码", "主体名称", "备注"]
RESULT_HEADERS = [
    "匹配结果",
    "主体",
    "所在名单",
    "适用措施（含依据）",
    "可享激励",
    "候选主体（未确认）",
]


@pytest.fixture
def cast(loaded_pack) -> dict[str, Subject]:
    company = create_subject(ACTOR, kind="organisation", name="甲公司", uscc=uscc())
    person = create_subject(ACTOR, kind="person", name="王五", id_number=PERSON_ID)
    for subject in (company, person):
        entries.record_decided(
            "judgment-defaulters",
            subject,
            reasons="有履行能力而拒不履行",
            decided_on=date(2025, 1, 2),
            document_number="（2025）云01执1号",
            actor=ACTOR,
        )
    return {"company": company, "person": person}


@pytest.fixture
def clerk_client(client, loaded_pack):
    client.force_login(make_user("clerk-gat", "YN-GAT", Role.CLERK))
    return client


def xlsx(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.data_type = "s"  # a cell typed "=…" is text in the department's file
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def three_rows(cast) -> bytes:
    return xlsx(
        [
            [cast["company"].uscc, "", "甲公司", "第一标段"],
            ["", PERSON_ID, "王五", ""],
            [NOBODY, "", "", '=HYPERLINK("http://x")'],
        ]
    )


def post_check(client, content: bytes, name: str = "subjects.xlsx", purpose: str = "资格审查"):
    return client.post(
        CHECK,
        {
            "scene": Scene.objects.get(code="government-procurement").pk,
            "purpose": purpose,
            "file": SimpleUploadedFile(name, content),
        },
    )


def cells(response) -> tuple[list[list[str]], list[list[str]]]:
    book = load_workbook(BytesIO(response.content), read_only=True)
    result, receipt = (
        [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    )
    return result, receipt


def test_an_upload_of_three_rows_answers_a_result_xlsx_with_a_receipt(clerk_client, cast):
    response = post_check(clerk_client, three_rows(cast))
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    receipt = CheckReceipt.objects.get()
    assert response["X-Check-Receipt"] == receipt.reference
    assert receipt.reference in response["Content-Disposition"]
    assert (receipt.unit.code, receipt.purpose, receipt.subject_count) == ("YN-GAT", "资格审查", 3)
    assert receipt.actor.endswith(":clerk-gat")

    rows, facts = cells(response)
    assert rows[0] == HEADERS + RESULT_HEADERS
    company, person, nobody = (dict(zip(rows[0], row, strict=False)) for row in rows[1:])
    assert company["备注"] == "第一标段"
    assert company["匹配结果"] == "已匹配（按统一社会信用代码）"
    assert company["主体"].startswith(f"甲公司（{cast['company'].uscc}）")
    assert "失信被执行人名单" in company["所在名单"] and "（2025）云01执1号" in company["所在名单"]
    assert "限制参与政府采购活动" in company["适用措施（含依据）"]
    assert "财库〔2016〕125号" in company["适用措施（含依据）"]  # the measure's basis
    assert person["匹配结果"] == "已匹配（按身份证件号码）"
    assert person["身份证件号码"] == PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    assert nobody["匹配结果"] == "未匹配" and nobody.get("所在名单", "") == ""
    assert nobody["备注"] == '=HYPERLINK("http://x")'  # kept as text, not a formula
    assert PERSON_ID not in response.content.decode("latin-1")
    assert all(PERSON_ID not in cell for row in rows + facts for cell in row)
    assert ["核查回执号", receipt.reference] in facts
    assert ["应用场景", "政府采购（government-procurement）"] in facts


def test_the_receipt_page_shows_the_check_as_it_was_made(clerk_client, cast):
    post_check(clerk_client, three_rows(cast))
    receipt = CheckReceipt.objects.get()
    page = clerk_client.get(reverse("console:check_receipt", args=[receipt.reference]))
    html = page.content.decode()
    assert page.status_code == 200
    made = receipt.created_at.astimezone().strftime("%Y-%m-%d")
    assert f"本次核查于 {made}" in html and receipt.data_version in html
    assert "限制参与政府采购活动" in html and "财库〔2016〕125号" in html
    assert PERSON_ID not in html and "王五" in html
    again = clerk_client.get(reverse("console:check_receipt_xlsx", args=[receipt.reference]))
    rows, _facts = cells(again)
    assert rows[0] == ["统一社会信用代码", "身份证件号码", "主体名称", *RESULT_HEADERS]
    assert len(rows) == 4 and rows[2][1] == PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    found = clerk_client.get(
        reverse("console:check_receipt_find"), {"reference": receipt.reference.lower()}
    )
    assert found.status_code == 302 and found["Location"].endswith(f"/{receipt.reference}/")


def test_another_units_receipt_is_not_shown(client, cast, loaded_pack):
    client.force_login(make_user("clerk-gat", "YN-GAT", Role.CLERK))
    post_check(client, three_rows(cast))
    reference = CheckReceipt.objects.get().reference
    client.force_login(make_user("clerk-czt", "YN-CZT", Role.CLERK))
    assert client.get(reverse("console:check_receipt", args=[reference])).status_code == 404
    lookup = client.get(reverse("console:check_receipt_find"), {"reference": reference})
    assert lookup.status_code == 404 and "没有找到该核查回执" in lookup.content.decode()
    client.force_login(make_user("operator", "YN-FGW", Role.OPERATOR))
    assert client.get(reverse("console:check_receipt", args=[reference])).status_code == 200


def test_a_reviewer_checks_for_their_unit_and_an_auditor_may_not(client, cast, loaded_pack):
    client.force_login(make_user("reviewer", "YN-CZT", Role.REVIEWER))
    assert post_check(client, three_rows(cast)).status_code == 200
    assert CheckReceipt.objects.get().unit.code == "YN-CZT"
    client.force_login(make_user("auditor", "YN-CZT", Role.AUDITOR))
    assert "核查并下载结果" not in client.get(CHECK).content.decode()
    assert post_check(client, three_rows(cast)).status_code == 403
    assert CheckReceipt.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"this is not a spreadsheet at all", "subjects.xlsx", "file.format"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "subjects.xls", "file.format"),
        (xlsx([["甲公司"]], headers=["备注"]), "subjects.xlsx", "check.file_columns"),
        (xlsx([], headers=HEADERS), "subjects.xlsx", "check.no_rows"),
    ],
)
def test_a_bad_file_gets_a_clear_error_in_chinese_and_english(
    clerk_client, cast, content, name, code
):
    response = post_check(clerk_client, content, name=name)
    html = response.content.decode()
    assert response.status_code == 400
    assert f"<code>{code}</code>" in html and "未能核查" in html
    assert 'lang="en"' in html  # the English message beside the Chinese one
    assert "Traceback" not in html
    assert not CheckReceipt.objects.exists()


def test_a_check_without_a_purpose_is_refused_on_the_form(clerk_client, cast):
    response = post_check(clerk_client, three_rows(cast), purpose="   ")
    assert response.status_code == 400
    assert response.context["form"].errors["purpose"]
    assert not CheckReceipt.objects.exists()


def test_the_stats_page_shows_the_rates_and_the_chart(clerk_client, cast):
    post_check(clerk_client, three_rows(cast))
    receipt = CheckReceipt.objects.get()
    record_feedback(
        receipt.reference,
        [
            {
                "subject": cast["company"].public_id,
                "measure": "government-procurement-ban",
                "applied": True,
            },
            {
                "subject": cast["person"].public_id,
                "measure": "government-procurement-ban",
                "applied": False,
                "reason": "已履行完毕",
            },
        ],
        actor=ACTOR,
        unit=Unit.objects.get(code="YN-GAT"),
    )
    page = clerk_client.get(STATS)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'class="applied"' in html and 'class="not-applied"' in html
    ban_returned = receipt.hits["measures"]["government-procurement-ban"]
    assert ban_returned == 2
    assert "限制参与政府采购活动" in html and "100.0%" in html  # 2 of 2 fed back
    by_list = clerk_client.get(STATS, {"by": "list"}).content.decode()
    assert "失信被执行人名单" in by_list and "100.0%" in by_list
    by_unit = clerk_client.get(STATS, {"by": "unit"}).content.decode()
    assert "云南省公安厅" in by_unit
    empty = clerk_client.get(STATS, {"since": "2099-01-01"})
    assert "统计期间还没有核查结果" in empty.content.decode()
    backwards = clerk_client.get(STATS, {"since": "2025-02-01", "until": "2025-01-01"})
    assert backwards.status_code == 400
