"""Credit-repair pages: the portal's form and tracking page, the console desk and outbox."""

# ruff: noqa: F811  (the fixtures imported from repair_support are redefined as arguments)
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal import pipeline
from tests.rights.repair_support import (  # noqa: F401  (fixtures)
    DOCUMENT,
    PDF,
    apply,
    entry,
    fresh_cache,
    media,
    record,
    set_minimum_end,
    today,
)
from tests.staff import make_user
from xinyong.accounts.roles import Role
from xinyong.core.models import AuditEvent
from xinyong.exchange.models import OutboxMessage
from xinyong.records.visibility import public_records
from xinyong.rights.models import RepairApplication

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def _form(**overrides) -> dict:
    data = {
        "correction": "已缴清罚款并整改完毕。",
        "commitment": "本公司郑重承诺：已纠正失信行为。",
        "confirm": "on",
        "applicant_name": "张三",
        "contact": "13800000000",
        "subject_code": pipeline.COMPANY,
        "attachments": [SimpleUploadedFile("凭证.pdf", PDF, content_type="application/pdf")],
    }
    data.update(overrides)
    return data


def _page(response) -> str:
    return response.content.decode()


# --- the portal ---------------------------------------------------------------------------
def test_the_form_prefills_the_commitment_with_the_subjects_name(client, record):
    response = client.get(f"/repairs/new?record={record.pk}")
    assert response.status_code == 200
    page = _page(response)
    assert DOCUMENT in page
    assert f"{record.subject.name}郑重承诺" in page
    assert 'enctype="multipart/form-data"' in page


def test_an_application_on_the_portal_leads_to_its_tracking_page(client, record):
    response = client.post(f"/repairs/new?record={record.pk}", _form())
    assert response.status_code == 302, _page(response)
    application = RepairApplication.objects.get()
    assert response["Location"] == f"/repairs/{application.reference}/"
    assert application.channel == "portal"
    assert application.attachments.count() == 1
    page = _page(client.get(response["Location"]))
    assert application.reference in page
    assert "审核中" in page
    assert application.due_on.strftime("%Y-%m-%d") in page
    assert "13800000000" not in page


def test_a_refusal_before_the_minimum_period_is_shown_with_its_date(client, record):
    set_minimum_end(record, today() + timedelta(days=9))
    response = client.get(f"/repairs/new?record={record.pk}")
    assert response.status_code == 409
    page = _page(response)
    assert (today() + timedelta(days=10)).isoformat() in page
    assert "repair.too_early" in page
    assert "<textarea" not in page


def test_only_the_subject_may_apply_and_the_code_is_not_echoed(client, record):
    wrong = "91530102MA6K000000"
    response = client.post(f"/repairs/new?record={record.pk}", _form(subject_code=wrong))
    assert response.status_code == 400
    page = _page(response)
    assert "rights.not_named" in page
    assert wrong not in page
    assert not RepairApplication.objects.exists()


def test_the_commitment_must_be_confirmed(client, record):
    response = client.post(f"/repairs/new?record={record.pk}", _form(confirm=""))
    assert response.status_code == 400
    assert "请确认作出信用修复承诺" in _page(response)
    assert not RepairApplication.objects.exists()


def test_a_second_application_is_refused_in_the_form(client, record):
    apply(record)
    response = client.post(f"/repairs/new?record={record.pk}", _form())
    assert response.status_code == 400
    assert "repair.already_open" in _page(response)


def test_a_record_the_portal_does_not_show_has_no_form(client, record):
    pipeline.set_status(DOCUMENT, "revoked")
    assert client.get(f"/repairs/new?record={record.pk}").status_code == 404
    assert client.get("/repairs/new?record=99999999999999999999").status_code == 404
    assert client.get("/repairs/new").status_code == 404


def test_an_entry_gets_the_form_too(client, entry):
    response = client.get(f"/repairs/new?entry={entry.reference}")
    assert response.status_code == 200
    assert entry.credit_list.name in _page(response)


def test_the_tracking_box_leads_to_the_case_or_says_it_is_unknown(client, record):
    filed = apply(record)
    found = client.get("/repairs/track", {"ref": filed.reference.lower()})
    assert found.status_code == 302
    assert found["Location"] == f"/repairs/{filed.reference}/"
    unknown = client.get("/repairs/track", {"ref": "XF000000000000"})
    assert unknown.status_code == 404
    assert "repair.unknown" in _page(unknown) or "XF000000000000" in _page(unknown)
    assert client.get("/repairs/XF000000000000/").status_code == 404


# --- the console desk ---------------------------------------------------------------------
@pytest.fixture
def operator(loaded_pack):
    return make_user("operator", "YN-FGW", Role.OPERATOR)


def test_the_queue_orders_by_deadline_and_flags_the_overdue(client, record, entry, operator):
    late = apply(record)
    fresh = apply(entry)
    RepairApplication.objects.filter(pk=late.pk).update(due_on=today() - timedelta(days=1))
    client.force_login(operator)
    response = client.get("/console/repairs/")
    assert response.status_code == 200
    page = _page(response)
    assert page.index(late.reference) < page.index(fresh.reference)
    assert 'class="overdue"' in page
    assert "已超期" in page


def test_unit_staff_see_their_units_applications_only(client, record, entry):
    on_record = apply(record)
    on_entry = apply(entry)
    client.force_login(make_user("clerk-gsj", "YN-GSJ", Role.CLERK))
    page = _page(client.get("/console/repairs/"))
    assert on_record.reference in page
    assert on_entry.reference not in page
    assert client.get(f"/console/repairs/{on_entry.reference}/").status_code == 404


def test_an_operator_approves_a_record_repair_at_the_desk(client, record, operator):
    filed = apply(record)
    client.force_login(operator)
    detail = client.get(f"/console/repairs/{filed.reference}/")
    assert "作出决定</button>" in _page(detail)
    assert "查看联系方式</button>" in _page(detail)
    response = client.post(
        f"/console/repairs/{filed.reference}/decide", {"decision": "approve", "reasons": ""}
    )
    assert response.status_code == 302, _page(response)
    assert not public_records().filter(pk=record.pk).exists()
    assert OutboxMessage.objects.get().unit == record.unit


def test_the_records_unit_may_not_decide_its_repair(client, record):
    filed = apply(record)
    client.force_login(make_user("reviewer-gsj", "YN-GSJ", Role.REVIEWER))
    assert "您的角色不能办理该申请" in _page(client.get(f"/console/repairs/{filed.reference}/"))
    response = client.post(f"/console/repairs/{filed.reference}/decide", {"decision": "approve"})
    assert response.status_code == 403
    assert public_records().filter(pk=record.pk).exists()


def test_the_entrys_reviewer_decides_and_a_rejection_needs_reasons(client, entry):
    filed = apply(entry)
    client.force_login(make_user("reviewer-rst", entry.unit.code, Role.REVIEWER))
    url = f"/console/repairs/{filed.reference}/decide"
    refused = client.post(url, {"decision": "reject", "reasons": ""})
    assert refused.status_code == 400
    assert "rights.required" in _page(refused)
    assert client.post(url, {"decision": "reject", "reasons": "证明材料不全"}).status_code == 302
    filed.refresh_from_db()
    assert filed.status == RepairApplication.Status.REJECTED


def test_staff_download_the_evidence_and_reveal_the_contact_with_a_purpose(
    client, record, operator
):
    filed = apply(record)
    stored = filed.attachments.get()
    client.force_login(operator)
    download = client.get(f"/console/repairs/{filed.reference}/files/{stored.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    taken = AuditEvent.objects.get(action="xinyong.attachment.downloaded")
    assert (taken.object_type, taken.object_id) == ("rights.repairapplication", str(filed.pk))
    assert taken.actor.endswith(operator.username) and taken.data["name"] == stored.name
    shown = client.post(f"/console/repairs/{filed.reference}/contact", {"purpose": "电话告知"})
    assert "13800000000" in _page(shown)
    assert AuditEvent.objects.filter(action="xinyong.repair.contact_revealed").exists()


def test_the_outbox_page_is_for_operators_and_flags_overdue_messages(client, record, operator):
    filed = apply(record)
    client.force_login(operator)
    client.post(f"/console/repairs/{filed.reference}/decide", {"decision": "approve"})
    OutboxMessage.objects.update(due_by=today() - timedelta(days=1))
    response = client.get("/console/repairs/outbox/")
    assert response.status_code == 200
    page = _page(response)
    assert f"repair:{filed.reference}:decided" in page
    assert 'class="overdue"' in page
    client.force_login(make_user("clerk-gsj", "YN-GSJ", Role.CLERK))
    assert client.get("/console/repairs/outbox/").status_code == 403
