"""The complaint pages: filed on the portal, it lands in the responsible unit's queue with
its deadlines; the unit transfers, handles and replies at the console desk; the
complainant follows and rates it on the tracking page. The complainant's identity never
appears on a public page, in the subject's view, or in the API."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.complaints.conftest import (
    COMPANY,
    COMPANY_USCC,
    CONTACT,
    NAME,
    QUJING_RSJ,
    post_json,
)
from tests.staff import PASSWORD
from xinyong.complaints.models import Complaint
from xinyong.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def portal_form(**overrides):
    data = {
        "campaign": "wage-arrears",
        "subject_name": COMPANY,
        "subject_code": "",
        "region": "530302",
        "description": "工地拖欠我们十几个人三个月的工资。",
        "complainant_name": NAME,
        "contact": CONTACT,
    }
    return data | overrides


def file_on_portal(client, **overrides) -> Complaint:
    response = client.post("/complaints/new", portal_form(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    reference = re.search(r"/complaints/(TS[0-9A-F]+)/", response["Location"]).group(1)
    return Complaint.objects.get(reference=reference)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_wage_arrears_complaint_from_the_portal_lands_in_qujings_queue(
    client, qujing_clerk, provincial_clerk
):
    complaint = file_on_portal(client)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "曲靖市人力资源和社会保障局" in page
    assert complaint.accept_due.isoformat() in page

    login(client, qujing_clerk)
    queue = client.get("/console/complaints/").content.decode()
    assert complaint.reference in queue
    assert complaint.due_on.isoformat() in queue
    login(client, provincial_clerk)
    assert complaint.reference not in client.get("/console/complaints/").content.decode()
    assert client.get(f"/console/complaints/{complaint.reference}/").status_code == 404


def test_the_full_flow_shows_transfer_reply_and_rating_in_the_history(
    client, qujing_clerk, provincial_clerk
):
    complaint = file_on_portal(client)
    ref = complaint.reference
    login(client, qujing_clerk)
    moved = client.post(
        f"/console/complaints/{ref}/transfer/", {"unit": "YN-RST", "reason": "省属项目。"}
    )
    assert moved.status_code == 302 and moved["Location"] == "/console/complaints/"

    login(client, provincial_clerk)
    for step, data in [
        ("accept", {}),
        ("conclude", {"outcome": "corrected", "findings": "已责令限期支付。"}),
        ("reply", {"reply": "经查属实，已责令该公司限期支付全部工资。"}),
    ]:
        response = client.post(f"/console/complaints/{ref}/{step}/", data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    client.logout()

    rated = client.post(f"/complaints/{ref}/", {"rating": "4", "comment": "处理及时。"})
    assert rated.status_code == 302
    page = client.get(f"/complaints/{ref}/").content.decode()
    for shown in ["转办", "云南省人力资源和社会保障厅", "答复", "经查属实", "评价", "4 分"]:
        assert shown in page
    assert "省属项目" not in page  # the transfer's reason is the units' business
    assert "已责令限期支付。" not in page  # nor are the findings

    login(client, provincial_clerk)
    desk = client.get(f"/console/complaints/{ref}/").content.decode()
    for shown in ["转办", "省属项目", "已责令限期支付", "答复", "评价"]:
        assert shown in desk


def test_a_refused_step_comes_back_as_a_form_error_with_its_code(client, qujing_clerk):
    complaint = file_on_portal(client)
    login(client, qujing_clerk)
    response = client.post(
        f"/console/complaints/{complaint.reference}/transfer/",
        {"unit": QUJING_RSJ, "reason": "x"},
    )
    assert response.status_code == 400
    assert "complaint.same_unit" in response.content.decode()


def test_the_portal_form_explains_what_is_missing(client, loaded_pack):
    response = client.post("/complaints/new", portal_form(subject_name="", contact=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写被投诉主体的名称或统一社会信用代码" in html
    assert Complaint.objects.count() == 0
    again = client.post("/complaints/new", portal_form(contact=""))
    assert again.status_code == 400
    assert "complaint.required" in again.content.decode()


def test_the_form_accepts_evidence_and_never_echoes_the_code(client, company):
    response = client.post(
        "/complaints/new",
        portal_form(
            subject_code="not-a-code",
            attachments=SimpleUploadedFile("pay.pdf", PDF, "application/pdf"),
        ),
    )
    assert response.status_code == 400
    assert "not-a-code" not in response.content.decode()
    complaint = file_on_portal(
        client,
        subject_code=COMPANY_USCC,
        attachments=SimpleUploadedFile("pay.pdf", PDF, "application/pdf"),
    )
    assert complaint.subject == company
    assert complaint.attachments.count() == 1


def test_the_complainants_identity_never_reaches_a_public_page_or_the_subjects_view(
    client, company, qujing_clerk, token_for
):
    complaint = file_on_portal(client, subject_code=COMPANY_USCC)
    ref = complaint.reference
    login(client, qujing_clerk)
    client.post(f"/console/complaints/{ref}/accept/")
    client.post(f"/console/complaints/{ref}/conclude/", {"outcome": "corrected", "findings": "x"})
    client.post(f"/console/complaints/{ref}/reply/", {"reply": "已处理。"})
    desk = client.get(f"/console/complaints/{ref}/").content.decode()
    assert NAME not in desk and CONTACT not in desk  # until revealed with a purpose
    client.logout()

    pages = [
        f"/complaints/{ref}/",
        f"/subjects/{COMPANY_USCC}/",
        f"/search?q={COMPANY[:4]}",
        "/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert NAME not in html and CONTACT not in html, url
    headers = token_for("YN-GSJ", "complaints:write")
    answer = client.get(f"/api/v1/complaints/{ref}", **headers).content.decode()
    assert NAME not in answer and CONTACT not in answer
    public = client.get(f"/api/v1/public/subjects/{COMPANY_USCC}").content.decode()
    assert NAME not in public and CONTACT not in public


def test_the_handling_unit_reveals_the_complainant_with_a_purpose(client, qujing_clerk):
    complaint = file_on_portal(client)
    login(client, qujing_clerk)
    url = f"/console/complaints/{complaint.reference}/reveal/"
    assert client.post(url, {"purpose": ""}).status_code == 400
    shown = client.post(url, {"purpose": "电话联系补充证据"}).content.decode()
    assert NAME in shown and CONTACT in shown
    assert AuditEvent.objects.filter(action="xinyong.complaint.contact_revealed").count() == 1


def test_the_queue_marks_overdue_complaints(client, qujing_clerk):
    complaint = file_on_portal(client)
    Complaint.objects.filter(pk=complaint.pk).update(due_on="2020-01-02", accept_due="2020-01-02")
    login(client, qujing_clerk)
    queue = client.get("/console/complaints/").content.decode()
    assert "已超期" in queue
    assert "已超过期限的举报投诉：1 件" in queue


def test_the_track_form_finds_a_complaint_by_reference(client, loaded_pack):
    complaint = file_on_portal(client)
    found = client.get("/track/", {"ref": complaint.reference.lower()})
    assert found.status_code == 302
    assert found["Location"] == f"/complaints/{complaint.reference}/"
    assert client.get("/complaints/TS000000000000/").status_code == 404


# --- the API ------------------------------------------------------------------------------
def test_a_hotline_files_through_the_api_and_the_complaint_is_routed(
    client, loaded_pack, token_for
):
    headers = token_for("YN-FGW", "complaints:write")
    body = {
        "campaign": "wage-arrears",
        "region": "530302",
        "subject_name": COMPANY,
        "description": "12345热线来电：拖欠工资。",
        "channel": "hotline",
        "hotline": "12345",
        "anonymous": True,
    }
    response = post_json(client, "/api/v1/complaints", body, headers)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["unit"] == QUJING_RSJ and answer["status"] == "received"
    assert answer["due_on"] and answer["description"] is None

    own = token_for(QUJING_RSJ, "complaints:write")
    queue = client.get("/api/v1/complaints", **own).json()
    assert queue["total"] == 1
    assert queue["complaints"][0]["description"] == "12345热线来电：拖欠工资。"


def test_the_api_refuses_without_the_scope_and_explains_bad_input(client, loaded_pack, token_for):
    body = {"campaign": "wage-arrears", "region": "530302", "subject_name": COMPANY}
    no_scope = token_for("YN-FGW", "records:read")
    refused = post_json(client, "/api/v1/complaints", {**body, "description": "x"}, no_scope)
    assert refused.status_code == 403
    headers = token_for("YN-FGW", "complaints:write")
    bad = post_json(
        client, "/api/v1/complaints", {**body, "description": "x", "hotline": "110"}, headers
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "complaint.hotline"
    assert bad.json()["error"]["message_en"]


def test_a_campaign_on_the_home_page_links_to_the_form_with_its_domain_chosen(client, loaded_pack):
    home = client.get("/").content.decode()
    assert "/complaints/new?campaign=wage-arrears" in home
    form = client.get("/complaints/new", {"campaign": "wage-arrears"}).content.decode()
    assert '<option value="wage-arrears" selected>' in form
