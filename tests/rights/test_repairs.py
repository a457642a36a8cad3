"""Credit repair (信用修复) as a service: refusals with reasons, decisions, the outbox."""

# ruff: noqa: F811  (the fixtures imported from repair_support are redefined as arguments)
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.portal import pipeline
from tests.rights.repair_support import (  # noqa: F401  (fixtures)
    APPLICANT,
    DOCUMENT,
    LICENCE,
    apply,
    entry,
    media,
    penalty_record,
    record,
    set_minimum_end,
    today,
    wage_entry,
)
from xinyong.core.calendar import WorkCalendar
from xinyong.core.errors import Conflict, InvalidInput, PermissionDenied
from xinyong.core.models import AuditEvent
from xinyong.exchange.models import OutboxMessage
from xinyong.lists.models import ListEntry
from xinyong.lists.visibility import public_entries
from xinyong.records.visibility import public_records
from xinyong.rights import repairs
from xinyong.rights.models import RepairApplication, RepairEvent

pytestmark = pytest.mark.django_db

STAFF = APPLICANT


def _refusal(excinfo: pytest.ExceptionInfo) -> tuple[str, str]:
    return excinfo.value.code, excinfo.value.message_in("zh-hans")


# --- refusals ---------------------------------------------------------------------------
def test_it_refuses_a_repair_before_the_minimum_period_and_names_the_first_day(record):
    set_minimum_end(record, today())
    with pytest.raises(Conflict) as excinfo:
        apply(record)
    code, message = _refusal(excinfo)
    assert code == "repair.too_early"
    assert (today() + timedelta(days=1)).isoformat() in message
    assert not RepairApplication.objects.exists()


def test_it_refuses_on_the_last_day_of_the_minimum_period_but_accepts_the_day_after(record):
    set_minimum_end(record, today())
    with pytest.raises(Conflict):
        repairs.check_repairable(record)
    assert repairs.check_repairable(record, today=today() + timedelta(days=1)).decide_within


def test_it_refuses_a_record_whose_minimum_period_is_not_known(record):
    set_minimum_end(record, None)
    with pytest.raises(Conflict) as excinfo:
        apply(record)
    assert excinfo.value.code == "repair.no_minimum"


def test_it_refuses_a_record_type_the_pack_does_not_repair(loaded_pack, media):
    pipeline.run("license", [pipeline.licence(LICENCE)])
    licence = set_minimum_end(pipeline.record(LICENCE), today() - timedelta(days=1))
    with pytest.raises(InvalidInput) as excinfo:
        apply(licence)
    code, message = _refusal(excinfo)
    assert code == "repair.not_repairable"
    assert licence.record_type.name in message


def test_it_refuses_a_record_that_is_no_longer_public(record):
    pipeline.set_status(DOCUMENT, "revoked")
    with pytest.raises(Conflict) as excinfo:
        apply(record)
    assert excinfo.value.code == "repair.nothing_to_repair"


def test_it_refuses_a_withheld_record(record):
    type(record).objects.filter(pk=record.pk).update(withheld="lenient")
    record.refresh_from_db()
    with pytest.raises(Conflict) as excinfo:
        apply(record)
    assert excinfo.value.code == "repair.nothing_to_repair"


def test_it_requires_the_credit_commitment(record):
    with pytest.raises(InvalidInput) as excinfo:
        apply(record, commitment="  ")
    assert excinfo.value.code == "repair.commitment_required"
    assert excinfo.value.field == "commitment"


def test_it_requires_the_correction(record):
    with pytest.raises(InvalidInput) as excinfo:
        apply(record, correction="")
    assert excinfo.value.field == "correction"


def test_it_allows_one_open_application_per_record(record):
    apply(record)
    with pytest.raises(Conflict) as excinfo:
        apply(record)
    assert excinfo.value.code == "repair.already_open"
    assert RepairApplication.objects.count() == 1


def test_a_rejected_application_does_not_block_a_new_one(record):
    repairs.reject(apply(record), actor=STAFF, reasons="未提交缴款凭证")
    assert apply(record).is_open


def test_on_the_portal_only_the_subject_may_apply(record):
    with pytest.raises(PermissionDenied):
        apply(record, subject_code="91530102MA6K000000")
    filed = apply(record, subject_code=pipeline.COMPANY)
    assert filed.subject == record.subject


def test_the_contact_is_stored_encrypted_only(record):
    filed = apply(record, contact="13812345678")
    assert "13812345678" not in filed.applicant_contact_enc
    assert repairs.reveal_contact(filed, actor=STAFF, purpose="电话告知结果") == "13812345678"
    assert AuditEvent.objects.filter(action="xinyong.repair.contact_revealed").exists()


# --- filing -------------------------------------------------------------------------------
def test_a_filed_application_is_due_within_the_packs_working_days(record):
    filed = apply(record)
    assert filed.method == RepairApplication.Method.PENALTY_PUBLICITY
    assert filed.due_on == WorkCalendar.load([today().year]).add_workdays(today(), 10)
    assert filed.attachments.count() == 1
    assert filed.events.get().action == RepairEvent.Action.FILED
    assert AuditEvent.objects.filter(
        action="xinyong.repair.filed", object_id=str(filed.pk)
    ).exists()


def test_an_overdue_application_is_found(record):
    filed = apply(record)
    assert filed.due_on is not None
    assert not repairs.overdue().exists()
    later = filed.due_on + timedelta(days=1)
    assert list(repairs.overdue(later)) == [filed]
    assert repairs.is_overdue(filed, later)


# --- approving a record -------------------------------------------------------------------
def test_an_approved_repair_ends_the_publicity_and_tells_the_deciding_unit(record):
    filed = apply(record)
    version = record.version
    before = record.publicity_end

    repairs.approve(filed, actor=STAFF, reasons="已纠正失信行为，满足修复条件")

    record.refresh_from_db()
    assert not public_records().filter(pk=record.pk).exists()
    assert record.publicity_end == today() - timedelta(days=1)
    assert record.version == version + 1
    assert record.versions.get(number=record.version).reason == "repaired"
    assert AuditEvent.objects.filter(
        action="xinyong.record.repaired", object_id=str(record.pk)
    ).exists()
    filed.refresh_from_db()
    assert filed.status == RepairApplication.Status.APPROVED
    assert filed.ended_before == before
    assert filed.due_on is None
    message = OutboxMessage.objects.get(key=f"repair:{filed.reference}:decided")
    assert message.topic == "rights.repair.decided"
    assert message.unit == record.unit
    assert message.due_by == WorkCalendar.load([today().year]).add_workdays(today(), 3)
    assert message.payload["decision"] == "approved"
    assert message.payload["target"]["document_number"] == DOCUMENT
    assert message.payload["subject"]["code"] == pipeline.COMPANY
    assert AuditEvent.objects.filter(action="xinyong.repair.approved").exists()


def test_the_message_names_a_person_by_masked_id_number_only(loaded_pack, media):
    pipeline.run("penalty", [pipeline.persons_penalty("昆市监罚〔2026〕21号")])
    person_record = set_minimum_end(
        pipeline.record("昆市监罚〔2026〕21号"), today() - timedelta(days=1)
    )
    filed = repairs.approve(apply(person_record), actor=STAFF)
    payload = OutboxMessage.objects.get().payload
    assert pipeline.PERSON_ID not in str(payload)
    assert payload["subject"]["code"] == filed.subject.id_number_masked


def test_a_decided_application_cannot_be_decided_again(record):
    filed = repairs.approve(apply(record), actor=STAFF)
    with pytest.raises(Conflict) as excinfo:
        repairs.reject(filed, actor=STAFF, reasons="重复")
    assert excinfo.value.code == "repair.decided"
    assert OutboxMessage.objects.count() == 1


# --- rejecting and withdrawing -----------------------------------------------------------
def test_a_rejection_needs_reasons(record):
    filed = apply(record)
    with pytest.raises(InvalidInput) as excinfo:
        repairs.reject(filed, actor=STAFF, reasons=" ")
    assert excinfo.value.field == "reasons"
    filed.refresh_from_db()
    assert filed.is_open


def test_a_rejection_keeps_the_record_public_and_is_still_sent_to_the_unit(record):
    filed = repairs.reject(apply(record), actor=STAFF, reasons="罚款尚未缴清")
    assert public_records().filter(pk=record.pk).exists()
    message = OutboxMessage.objects.get()
    assert message.payload["decision"] == "rejected"
    assert message.payload["reasons"] == "罚款尚未缴清"
    assert repairs.public_events(filed).last().note == "罚款尚未缴清"


def test_a_withdrawn_application_sends_nothing(record):
    filed = repairs.withdraw(apply(record), actor=STAFF, note="申请人电话撤回")
    assert filed.status == RepairApplication.Status.WITHDRAWN
    assert not OutboxMessage.objects.exists()
    assert AuditEvent.objects.filter(action="xinyong.repair.withdrawn").exists()


# --- list entries -------------------------------------------------------------------------
def test_an_entry_repair_takes_the_entry_off_its_list(entry):
    filed = apply(entry)
    assert filed.method == RepairApplication.Method.LIST_EXIT
    filed = repairs.approve(filed, actor=STAFF, reasons="已偿还全部拖欠工资满6个月")
    entry.refresh_from_db()
    assert filed.ended_before is not None
    assert entry.status == ListEntry.Status.EXITED
    assert entry.exit_reason == ListEntry.ExitReason.REPAIRED
    assert not public_entries().filter(pk=entry.pk).exists()
    message = OutboxMessage.objects.get()
    assert message.unit == entry.unit
    assert message.payload["target"] == {
        "kind": "entry",
        "list": "wage-arrears",
        "entry": entry.reference,
        "document_number": entry.document_number,
        "ends_on_before": filed.ended_before.isoformat(),
        "exited_on": today().isoformat(),
    }


def test_an_entry_is_not_repaired_before_the_lists_earliest_early_exit(loaded_pack, media):
    recent = wage_entry(started_days_ago=30)
    with pytest.raises(Conflict) as excinfo:
        apply(recent)
    code, message = _refusal(excinfo)
    assert code == "repair.too_early"
    assert repairs.earliest_exit(recent).isoformat() in message


def test_an_entry_of_a_list_the_pack_does_not_repair_is_refused(entry):
    ListEntry.objects.filter(pk=entry.pk).update(
        credit_list=type(entry.credit_list).objects.get(code="judgment-defaulters")
    )
    entry.refresh_from_db()
    with pytest.raises(InvalidInput) as excinfo:
        apply(entry)
    assert excinfo.value.code == "repair.not_repairable"


def test_an_exited_entry_has_nothing_to_repair(entry):
    from xinyong.lists.entries import exit_entry

    exit_entry(entry, ListEntry.ExitReason.CONDITIONS_MET, actor=STAFF, note="已履行")
    with pytest.raises(Conflict) as excinfo:
        apply(entry)
    assert excinfo.value.code == "repair.nothing_to_repair"


def test_a_record_and_an_entry_of_the_same_subject_are_separate_applications(loaded_pack, media):
    record = penalty_record()
    entry = wage_entry()
    assert apply(record).pk != apply(entry).pk
