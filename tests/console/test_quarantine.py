"""Correcting, resubmitting and discarding rejected rows (service and pages)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.console.conftest import write_csv
from tests.records.factories import id_number, penalty, person_penalty
from tests.staff import make_user
from xinyong.accounts.roles import Role
from xinyong.core import audit
from xinyong.core.errors import Conflict
from xinyong.core.models import AuditEvent
from xinyong.records import jobs, quarantine
from xinyong.records.models import Batch, CreditRecord, QuarantinedRow, RecordType
from xinyong.subjects.models import Subject, Unit

pytestmark = pytest.mark.django_db
ACTOR = audit.Actor("user:1:clerk-gat", "YN-GAT")
GOOD_ID = id_number()
BAD_ID = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")  # wrong check character


@pytest.fixture
def rejected(loaded_pack, tmp_path) -> QuarantinedRow:
    """A batch of YN-GAT whose second data row (row 3) has a wrong ID check character."""
    rows = [penalty(), person_penalty(CF_XDR_ZJHM=BAD_ID)]
    jobs.start_import(
        write_csv(tmp_path, rows),
        RecordType.objects.get(code="penalty"),
        Unit.objects.get(code="YN-GAT"),
        ACTOR,
        background=False,
    )
    return QuarantinedRow.objects.get()


def _corrected(row: QuarantinedRow, **changes: str) -> dict[str, str]:
    cells = quarantine.original_cells(row)
    cells.update(changes)
    return cells


def test_the_rejected_row_keeps_its_cells_and_errors(rejected):
    assert rejected.row_number == 3 and rejected.errors[0]["code"] == "id.checksum"
    cells = {cell.header: cell for cell in quarantine.row_cells(rejected)}
    assert cells["CF_XDR_ZJHM"].is_id and cells["CF_XDR_ZJHM"].value == BAD_ID
    assert cells["CF_XDR_ZJHM"].shown == BAD_ID[:4] + "*" * 10 + BAD_ID[-4:]
    assert cells["CF_XDR_MC"].name == "行政相对人名称" and not cells["CF_XDR_MC"].is_id


def test_a_corrected_row_is_resubmitted_as_a_new_batch(rejected):
    done = quarantine.resubmit(rejected, _corrected(rejected, CF_XDR_ZJHM=GOOD_ID), ACTOR)
    assert done.outcome == "accepted"
    assert (done.batch.source, done.batch.total, done.batch.accepted) == ("console", 1, 1)
    assert done.batch.unit.code == "YN-GAT" and done.batch.file is None
    record = CreditRecord.objects.get(subject__kind=Subject.Kind.PERSON)
    assert record.batch == done.batch and GOOD_ID not in str(record.payload)
    rejected.refresh_from_db()
    assert rejected.status == "resubmitted" and rejected.resolved_at is not None
    event = AuditEvent.objects.get(action="xinyong.quarantine.resubmitted")
    assert event.object_id == str(rejected.pk)
    assert event.data == {
        "batch": rejected.batch_id,
        "row": 3,
        "new_batch": done.batch.pk,
        "outcome": "accepted",
    }
    assert GOOD_ID not in str(event.data)


def test_a_row_still_wrong_is_refused_and_nothing_is_stored(rejected):
    batches = Batch.objects.count()
    with pytest.raises(quarantine.StillRejected) as error:
        quarantine.resubmit(rejected, _corrected(rejected, CF_XDR_ZJHM="5301**********1234"), ACTOR)
    assert [item.code for item in error.value.errors] == ["id.masked"]
    assert Batch.objects.count() == batches and QuarantinedRow.objects.count() == 1
    rejected.refresh_from_db()
    assert rejected.status == "open"
    assert not AuditEvent.objects.filter(action="xinyong.quarantine.resubmitted").exists()


def test_a_row_is_discarded_with_an_audit_event(rejected):
    quarantine.discard(rejected, ACTOR, "重复报送")
    rejected.refresh_from_db()
    assert rejected.status == "discarded" and rejected.resolved_at is not None
    event = AuditEvent.objects.get(action="xinyong.quarantine.discarded")
    assert event.data == {"batch": rejected.batch_id, "row": 3, "reason": "重复报送"}


def test_a_closed_row_can_be_neither_resubmitted_nor_discarded(rejected):
    quarantine.discard(rejected, ACTOR)
    with pytest.raises(Conflict) as error:
        quarantine.resubmit(rejected, _corrected(rejected, CF_XDR_ZJHM=GOOD_ID), ACTOR)
    assert error.value.code == "quarantine.closed"
    with pytest.raises(Conflict):
        quarantine.discard(rejected, ACTOR)


# --- the pages ------------------------------------------------------------------------
def _form_data(response) -> dict[str, str]:
    form = response.context["form"]
    return {name: form.fields[name].initial or "" for name in form.fields}


def _field_of(response, header: str) -> str:
    form = response.context["form"]
    return next(f"c{i}" for i, cell in enumerate(form.cells) if cell.header == header)


def test_the_correction_page_shows_id_numbers_masked_only(clerk_client, rejected):
    response = clerk_client.get(reverse("console:correct", args=[rejected.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert BAD_ID not in html and BAD_ID[:4] + "*" * 10 + BAD_ID[-4:] in html
    assert "id.checksum" in html and "请重新输入完整号码" in html
    assert '<label for="id_c0">' in html  # every input has its label
    assert html.count('aria-invalid="true"') == 1  # the faulty field


def test_the_batch_page_masks_id_numbers_and_links_the_correction(clerk_client, rejected):
    html = clerk_client.get(reverse("console:batch", args=[rejected.batch_id])).content.decode()
    assert BAD_ID not in html and BAD_ID[:4] + "*" * 10 + BAD_ID[-4:] in html
    assert reverse("console:correct", args=[rejected.pk]) in html
    assert "证件号码" in html and "id.checksum" in html


def test_a_clerk_corrects_a_row_through_the_page(clerk_client, rejected):
    page = clerk_client.get(reverse("console:correct", args=[rejected.pk]))
    data = _form_data(page) | {_field_of(page, "CF_XDR_ZJHM"): GOOD_ID}
    response = clerk_client.post(reverse("console:correct", args=[rejected.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:batch", args=[rejected.batch_id])
    rejected.refresh_from_db()
    assert rejected.status == "resubmitted"
    assert CreditRecord.objects.filter(subject__kind=Subject.Kind.PERSON).count() == 1
    follow = clerk_client.get(response["Location"]).content.decode()
    assert "已重新提交" in follow


def test_a_row_submitted_without_retyping_the_id_shows_its_new_errors(clerk_client, rejected):
    page = clerk_client.get(reverse("console:correct", args=[rejected.pk]))
    response = clerk_client.post(reverse("console:correct", args=[rejected.pk]), _form_data(page))
    html = response.content.decode()
    assert response.status_code == 400
    assert "quarantine.still_rejected" in html and "id.masked" in html
    assert "更正后的错误" in html
    rejected.refresh_from_db()
    assert rejected.status == "open"


def test_a_typed_id_number_is_never_echoed_back(clerk_client, rejected):
    page = clerk_client.get(reverse("console:correct", args=[rejected.pk]))
    data = _form_data(page) | {
        _field_of(page, "CF_XDR_ZJHM"): GOOD_ID,
        _field_of(page, "CF_JDRQ"): "2099-01-01",
    }
    html = clerk_client.post(reverse("console:correct", args=[rejected.pk]), data).content.decode()
    assert "field.date_future" in html
    assert GOOD_ID not in html and GOOD_ID[:4] + "*" * 10 + GOOD_ID[-4:] in html


def test_a_clerk_discards_a_row_through_the_page(clerk_client, rejected):
    response = clerk_client.post(
        reverse("console:discard", args=[rejected.pk]), {"reason": "已另行报送"}
    )
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.status == "discarded"
    assert AuditEvent.objects.filter(action="xinyong.quarantine.discarded").count() == 1


def test_the_rows_of_another_unit_cannot_be_corrected(client, rejected):
    client.force_login(make_user("clerk-gxt", "YN-GXT", Role.CLERK))
    assert client.get(reverse("console:correct", args=[rejected.pk])).status_code == 404
    assert client.post(reverse("console:discard", args=[rejected.pk])).status_code == 404


def test_a_reviewer_of_the_unit_sees_the_row_but_cannot_correct_it(client, rejected):
    client.force_login(make_user("reviewer", "YN-GAT", Role.REVIEWER))
    batch_page = client.get(reverse("console:batch", args=[rejected.batch_id]))
    assert batch_page.status_code == 200
    assert reverse("console:correct", args=[rejected.pk]) not in batch_page.content.decode()
    assert client.get(reverse("console:correct", args=[rejected.pk])).status_code == 404
    assert client.get(reverse("console:error_report", args=[rejected.batch_id])).status_code == 403
