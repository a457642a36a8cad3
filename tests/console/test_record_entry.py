"""Entering one record by hand in the console (逐条填报): it goes through the import
pipeline as a one-row batch; a rejected one waits in quarantine for correction; from a
complaint, the record comes back as the complaint's outcome."""

from __future__ import annotations

import re

import pytest

from tests.complaints.test_complaint_pages import file_on_portal
from tests.records.factories import id_number, penalty, person_penalty
from tests.staff import PASSWORD, make_user
from xinyong.accounts.roles import Role
from xinyong.complaints.models import Complaint
from xinyong.records.models import Batch, CreditRecord, QuarantinedRow, RecordVersion

pytestmark = pytest.mark.django_db
NEW = "/console/records/new/"


def test_the_form_has_a_field_per_catalogue_field_marking_the_required(clerk_client, clerk):
    html = clerk_client.get(NEW, {"type": "penalty"}).content.decode()
    assert "行政相对人名称 *" in html and "处罚类别 *" in html
    assert 'type="date"' in html and 'type="checkbox"' in html  # decision date, kinds
    chooser = clerk_client.get(NEW).content.decode()
    assert "?type=penalty" in chooser and "?type=tourist-rating" in chooser


def test_a_penalty_typed_in_is_stored_with_its_version_as_a_form_batch(clerk_client, clerk):
    response = clerk_client.post(f"{NEW}?type=penalty", {**penalty(), "unit": clerk.unit_id})
    record = CreditRecord.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/console/batches/{record.batch_id}/"
    )
    assert record.batch.source == Batch.Source.FORM and record.unit.code == "YN-GAT"
    assert record.categories == ["罚款"] and record.payload["CF_NR_FK"] == "0.2"
    assert RecordVersion.objects.filter(record=record).count() == 1


def test_several_penalty_kinds_are_joined_as_a_file_would_give_them(clerk_client, clerk):
    cells = {**penalty(), "CF_CFLB": ["罚款", "没收违法所得"], "unit": clerk.unit_id}
    clerk_client.post(f"{NEW}?type=penalty", cells)
    assert CreditRecord.objects.get().categories == ["罚款", "没收违法所得"]


def test_a_rejected_entry_waits_in_quarantine_and_never_echoes_the_id_number(clerk_client, clerk):
    cells = {**person_penalty(CF_JDRQ="2019-02-30"), "unit": clerk.unit_id}
    response = clerk_client.post(f"{NEW}?type=penalty", cells)
    row = QuarantinedRow.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/quarantine/{row.pk}/"
    assert not CreditRecord.objects.exists()
    page = clerk_client.get(response["Location"]).content.decode()
    assert "2019-02-30" in page and "field.date" in page
    assert id_number() not in page


def test_a_unit_cannot_report_for_another(clerk_client, clerk):
    response = clerk_client.post(f"{NEW}?type=penalty", {**penalty(), "unit": clerk.unit_id + 1})
    assert response.status_code == 200 and not CreditRecord.objects.exists()
    assert "field-error" in response.content.decode()


def test_an_auditor_may_not_enter_records(client, loaded_pack):
    auditor = make_user("auditor", "YN-FGW", Role.AUDITOR)
    assert client.login(username=auditor.username, password=PASSWORD)
    assert client.get(NEW, {"type": "penalty"}).status_code == 403


def test_a_complaint_leads_to_a_record_that_becomes_its_outcome(client, company, qujing_clerk):
    complaint = file_on_portal(client, subject_code=company.uscc)
    assert client.login(username=qujing_clerk.username, password=PASSWORD)
    ref = complaint.reference
    assert client.post(f"/console/complaints/{ref}/accept/", {}).status_code == 302
    desk = client.get(f"/console/complaints/{ref}/").content.decode()
    assert f"{NEW}?complaint={ref}" in desk

    form = client.get(NEW, {"type": "penalty", "complaint": ref}).content.decode()
    assert f'value="{company.name}"' in form and f'value="{company.uscc}"' in form
    cells = penalty(
        "曲人社监罚〔2026〕1号",
        CF_XDR_MC=company.name,
        CF_XDR_SHXYM=company.uscc,
        CF_WFXW="拖欠劳动者工资",
        CF_JDRQ="2026-11-20",
        CF_YXQ="2027-11-20",
    )
    response = client.post(
        f"{NEW}?type=penalty&complaint={ref}", {**cells, "unit": qujing_clerk.unit_id}
    )
    record = CreditRecord.objects.get()
    assert response["Location"] == f"/console/complaints/{ref}/?record={record.pk}#step-conclude"

    desk = client.get(f"/console/complaints/{ref}/", {"record": record.pk}).content.decode()
    assert f'name="record" value="{record.pk}"' in desk
    assert re.search(r'value="record"[^>]* checked', desk)  # the outcome chosen too
    concluded = client.post(
        f"/console/complaints/{ref}/conclude/",
        {"outcome": "record", "findings": "已立案处罚。", "record": record.pk},
    )
    assert concluded.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).outcome_record == record
