"""The objection pages: filing on the portal flags the record at once, the tracking page,
and the console desk's queue (overdue highlighted) and step permissions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.portal import pipeline
from tests.rights.conftest import ACTOR, LISTED
from xinyong.core.models import AuditEvent
from xinyong.records.models import CreditRecord
from xinyong.rights import objections
from xinyong.rights.models import Channel, Objection

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(code: str = pipeline.COMPANY, **overrides):
    data = {
        "ground": "wrong",
        "description": "处罚机关名称与决定书不一致。",
        "corrections": "处罚机关应为昆明市市场监督管理局五华分局",
        "applicant_name": "王经理",
        "contact": "13800000000",
        "subject_code": code,
        "declaration": "on",
    }
    data.update(overrides)
    return data


def _file(target, **overrides) -> Objection:
    values = {
        "ground": "wrong",
        "description": "处罚机关名称有误。",
        "applicant_name": "王经理",
        "contact": "13800000000",
        "actor": ACTOR,
        "channel": Channel.CONSOLE,
    }
    values.update(overrides)
    return objections.file_objection(target, **values)


# --- the portal ---------------------------------------------------------------------------
def test_filing_on_the_portal_flags_the_record_at_once_on_the_subject_page(client, penalty):
    subject_page = f"/subjects/{pipeline.COMPANY}/?tab=penalty"
    assert "异议处理中" not in client.get(subject_page).content.decode()

    form = client.get(f"/objections/new?record={penalty.pk}")
    assert form.status_code == 200
    html = form.content.decode()
    assert penalty.document_number in html
    assert '<option value="over-period">超过公示期限</option>' in html

    upload = SimpleUploadedFile("决定书.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/objections/new?record={penalty.pk}", {**_form(), "attachments": [upload]}
    )
    assert response.status_code == 302, response.content.decode()
    objection = Objection.objects.get()
    assert response["Location"] == f"/objections/{objection.reference}/"
    assert objection.channel == Channel.PORTAL
    assert objection.corrections == {"_text": "处罚机关应为昆明市市场监督管理局五华分局"}
    assert [f.name for f in objection.attachments.all()] == ["决定书.pdf"]

    shown = client.get(subject_page).content.decode()
    assert shown.count("异议处理中") == 1

    tracking = client.get(response["Location"]).content.decode()
    assert objection.reference in tracking and "平台核查" in tracking
    assert objection.platform_due.isoformat() in tracking
    assert "提交异议" in tracking and "标注异议" in tracking
    assert "异议处理中" in tracking  # the record's card, flagged
    assert "13800000000" not in tracking and "处罚机关名称与决定书不一致" not in tracking


def test_the_form_shows_refusals_and_never_repeats_the_subject_code(client, loaded_pack):
    pipeline.run("penalty", [pipeline.persons_penalty()])
    record = pipeline.record("昆市监罚〔2026〕2号")
    wrong = pipeline.id_number("530102", "19900101", "123")
    response = client.post(f"/objections/new?record={record.pk}", _form(wrong))
    assert response.status_code == 400
    html = response.content.decode()
    assert "rights.not_named" in html
    assert wrong not in html and pipeline.PERSON_ID not in html
    assert 'value="王经理"' in html  # the rest is kept
    record.refresh_from_db()
    assert record.status == CreditRecord.Status.NORMAL

    response = client.post(
        f"/objections/new?record={record.pk}", _form(pipeline.PERSON_ID, declaration="")
    )
    assert response.status_code == 400
    assert "请确认承诺后提交" in response.content.decode()
    assert not Objection.objects.exists()

    response = client.post(f"/objections/new?record={record.pk}", _form(pipeline.PERSON_ID))
    assert response.status_code == 302


def test_a_bad_attachment_is_refused_in_the_form(client, penalty):
    upload = SimpleUploadedFile("a.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        f"/objections/new?record={penalty.pk}", {**_form(), "attachments": [upload]}
    )
    assert response.status_code == 400
    assert "attachment.kind" in response.content.decode()
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.NORMAL


def test_only_what_the_public_sees_takes_an_objection_on_the_portal(client, penalty):
    for query in ("", "?record=999999", "?record=abc", "?entry=MD000000000000"):
        assert client.get(f"/objections/new{query}").status_code == 404, query
    pipeline.set_status(penalty.document_number, CreditRecord.Status.REVOKED)
    assert client.get(f"/objections/new?record={penalty.pk}").status_code == 404


def test_a_minors_withheld_record_takes_objections_at_the_console_not_the_portal(
    client, loaded_pack
):
    minor = pipeline.id_number("530102", "20150307", "123")
    pipeline.run("penalty", [pipeline.persons_penalty("昆市监罚〔2026〕7号", CF_XDR_ZJHM=minor)])
    record = pipeline.record("昆市监罚〔2026〕7号")
    assert record.withheld == CreditRecord.Withheld.MINOR
    response = client.post(f"/objections/new?record={record.pk}", _form(minor))
    assert response.status_code == 404
    assert not Objection.objects.exists()
    objection = _file(record, applicant_name="监护人")
    assert objection.subject == record.subject


def test_an_open_objection_is_shown_instead_of_the_form(client, penalty):
    _file(penalty)
    html = client.get(f"/objections/new?record={penalty.pk}").content.decode()
    assert "该信息已有正在处理的异议" in html
    assert 'name="description"' not in html


def test_an_objection_to_a_list_entry_flags_it_on_the_subject_page(client, listed_entry):
    response = client.post(f"/objections/new?entry={listed_entry.reference}", _form(LISTED))
    assert response.status_code == 302, response.content.decode()
    page = client.get(f"/subjects/{LISTED}/?tab=punishment").content.decode()
    assert "异议处理中" in page and listed_entry.reference in page


def test_the_tracking_form_finds_an_objection_by_its_reference(client, penalty):
    objection = _file(penalty)
    response = client.get("/objections/track", {"ref": f" {objection.reference.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/objections/{objection.reference}/"
    missing = client.get("/objections/track", {"ref": "YY000000000000"})
    assert missing.status_code == 404
    assert "objection.unknown" in missing.content.decode()
    assert client.get("/objections/YY000000000000/").status_code == 404
    assert client.get("/objections/track").status_code == 200


def test_the_tracking_page_shows_the_decision_and_each_steps_deadline(client, penalty):
    objection = objections.refer_to_unit(_file(penalty), actor=ACTOR, note="内部：请核实")
    objection = objections.unit_answer(
        objection, confirms_error=False, answer="内部答复", actor=ACTOR
    )
    objections.decide(objection, upheld=False, reasons="经核查，信息与决定书一致。", actor=ACTOR)
    html = client.get(f"/objections/{objection.reference}/").content.decode()
    assert "异议不成立" in html and "经核查，信息与决定书一致。" in html
    assert objection.unit_due.isoformat() in html and objection.decision_due.isoformat() in html
    assert "内部：请核实" not in html and "内部答复" not in html


@pytest.mark.usefixtures("mid_rate_window")
def test_the_portal_pages_are_rate_limited(client, penalty, settings):
    settings.XINYONG_PORTAL_RATE_LIMIT = 2
    url = f"/objections/new?record={penalty.pk}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


# --- the console desk ---------------------------------------------------------------------
def test_the_queue_puts_the_soonest_deadline_first_and_highlights_overdue(
    client, operator, penalty, listed_entry
):
    late = _file(penalty, today=timezone.localdate() - timedelta(days=30))
    fresh = _file(listed_entry)
    client.force_login(operator)
    html = client.get("/console/objections/").content.decode()
    assert html.index(late.reference) < html.index(fresh.reference)
    late_row = re.search(rf'<tr class="overdue">\s*<th scope="row"><a [^>]*>{late.reference}', html)
    assert late_row, html
    assert "已超期" in html
    assert f'<tr>\n        <th scope="row"><a href="/console/objections/{fresh.reference}/"' in html
    overdue_only = client.get("/console/objections/", {"status": "overdue"}).content.decode()
    assert late.reference in overdue_only and fresh.reference not in overdue_only


def test_unit_staff_see_only_the_objections_referred_to_their_unit(
    client, operator, unit_clerk, other_clerk, penalty
):
    objection = _file(penalty)
    client.force_login(unit_clerk)
    assert objection.reference not in client.get("/console/objections/").content.decode()
    assert client.get(f"/console/objections/{objection.reference}/").status_code == 404
    objections.refer_to_unit(objection, actor=ACTOR)
    assert objection.reference in client.get("/console/objections/").content.decode()
    assert client.get(f"/console/objections/{objection.reference}/").status_code == 200
    client.force_login(other_clerk)
    assert client.get(f"/console/objections/{objection.reference}/").status_code == 404


def test_each_step_is_for_its_role_and_the_flow_completes_in_the_console(
    client, operator, unit_clerk, penalty
):
    objection = _file(penalty, corrections={"CF_CFJG": "昆明市市场监管局"})
    page = f"/console/objections/{objection.reference}/"
    client.force_login(operator)
    assert client.post(page + "answer/", {}).status_code == 403
    assert client.post(page + "refer/", {"note": "请核实处罚机关"}).status_code == 302
    wrong = client.post(page + "refer/", {"note": ""})
    assert wrong.status_code == 400 and "objection.wrong_step" in wrong.content.decode()

    client.force_login(unit_clerk)
    html = client.get(page).content.decode()
    assert "提交核查意见" in html and "请核实处罚机关" in html
    assert client.post(page + "decide/", {"outcome": "rejected", "reasons": "x"}).status_code == 403
    answered = client.post(
        page + "answer/",
        {
            "confirms_error": "yes",
            "answer": "经核实，名称应为五华分局。",
            "corrections": "CF_CFJG=昆明市市场监督管理局五华分局",
        },
    )
    assert answered.status_code == 302, answered.content.decode()

    client.force_login(operator)
    decided = client.post(
        page + "decide/",
        {
            "outcome": "corrected",
            "corrections": "CF_CFJG=昆明市市场监督管理局五华分局",
            "reasons": "异议成立，予以更正。",
        },
    )
    assert decided.status_code == 302, decided.content.decode()
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.NORMAL and penalty.version == 3
    assert penalty.payload["CF_CFJG"] == "昆明市市场监督管理局五华分局"
    html = client.get(page).content.decode()
    assert "已更正" in html and f"objection:{objection.reference}:corrected" in html


def test_a_refused_decision_comes_back_on_its_field(client, operator, penalty):
    objection = _file(penalty)
    client.force_login(operator)
    response = client.post(
        f"/console/objections/{objection.reference}/decide/",
        {"outcome": "corrected", "corrections": "CF_XDR_SHXYM=91530102000000000X", "reasons": "x"},
    )
    assert response.status_code == 400
    assert "objection.correction_field" in response.content.decode()
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.DISPUTED


def test_operators_read_the_contact_for_a_stated_purpose_only(
    client, operator, unit_clerk, penalty
):
    objection = objections.refer_to_unit(_file(penalty), actor=ACTOR)
    url = f"/console/objections/{objection.reference}/contact/"
    client.force_login(unit_clerk)
    assert client.post(url, {"purpose": "x"}).status_code == 403
    client.force_login(operator)
    page = client.get(f"/console/objections/{objection.reference}/").content.decode()
    assert "13800000000" not in page
    assert client.post(url, {"purpose": ""}).status_code == 400
    response = client.post(url, {"purpose": "电话告知处理结果"})
    assert response.status_code == 200 and "13800000000" in response.content.decode()
    event = AuditEvent.objects.get(action="xinyong.objection.contact_revealed")
    assert event.data["purpose"] == "电话告知处理结果"


def test_attachments_download_for_those_who_see_the_objection(client, operator, penalty):
    response = client.post(
        f"/objections/new?record={penalty.pk}",
        {**_form(), "attachments": [SimpleUploadedFile("证明.pdf", PDF)]},
    )
    objection = Objection.objects.get()
    stored = objection.attachments.get()
    url = f"/console/objections/{objection.reference}/files/{stored.pk}/"
    assert response.status_code == 302
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(operator)
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    # Evidence carries personal information: every download is audited.
    taken = AuditEvent.objects.get(action="xinyong.attachment.downloaded")
    assert (taken.object_type, taken.object_id) == ("rights.objection", str(objection.pk))
    assert taken.data["sha256"] == stored.sha256
