"""Objection services: filing flags the target, the steps run on the pack's deadlines,
decisions correct (new version), revoke or restore, with events and audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.portal import pipeline
from tests.rights.conftest import ACTOR, DATA_UNIT, LISTED
from xinyong.core.calendar import WorkCalendar
from xinyong.core.errors import Conflict, InvalidInput, PermissionDenied
from xinyong.core.models import AuditEvent
from xinyong.exchange.models import OutboxMessage
from xinyong.lists.models import ListEntry
from xinyong.policy.models import Rule
from xinyong.records.models import CreditRecord
from xinyong.records.visibility import public_records
from xinyong.rights import objections
from xinyong.rights.models import Channel, Objection, ObjectionEvent

pytestmark = pytest.mark.django_db

Status = Objection.Status


def file(target, **overrides) -> Objection:
    values = {
        "ground": "wrong",
        "description": "处罚机关名称有误。",
        "applicant_name": "王经理",
        "contact": "13800000000",
        "actor": ACTOR,
        "channel": Channel.PORTAL,
        "subject_code": pipeline.COMPANY,
    }
    values.update(overrides)
    return objections.file_objection(target, **values)


def actions_on(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


def workdays(start: date, n: int) -> date:
    return WorkCalendar.load([start.year]).add_workdays(start, n)


# --- filing -------------------------------------------------------------------------------
def test_filing_flags_the_record_at_once_with_a_new_version(penalty):
    objection = file(penalty)
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.DISPUTED
    assert penalty.version == 2
    assert penalty.versions.get(number=2).reason == f"objection:{objection.reference}:flagged"
    assert objection.status == Status.PLATFORM_CHECK
    assert objection.status_before == CreditRecord.Status.NORMAL
    assert objection.reference.startswith("YY")
    assert objection.due_on == objection.platform_due == workdays(timezone.localdate(), 5)
    assert actions_on(objection) == ["xinyong.objection.filed"]
    assert actions_on(penalty)[-1] == "xinyong.record.disputed"
    assert [e.action for e in objection.events.all()] == ["filed", "flagged"]
    # Still public, and flagged.
    assert public_records().filter(pk=penalty.pk).exists()


def test_the_applicants_contact_is_stored_only_encrypted(penalty):
    objection = file(penalty)
    assert "13800000000" not in objection.applicant_contact_enc
    revealed = objections.reveal_contact(objection, actor=ACTOR, purpose="电话告知核查结果")
    assert revealed == "13800000000"
    assert actions_on(objection)[-1] == "xinyong.objection.contact_revealed"


def test_someone_not_named_in_the_record_is_refused_on_the_portal(penalty):
    with pytest.raises(PermissionDenied) as caught:
        file(penalty, subject_code=pipeline.PHARMACY)
    assert caught.value.code == "rights.not_named"
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.NORMAL
    assert not Objection.objects.exists()


def test_an_operator_files_for_a_subject_without_its_code(penalty):
    objection = file(penalty, channel=Channel.CONSOLE, subject_code="")
    assert objection.channel == Channel.CONSOLE


def test_a_person_proves_standing_by_the_full_id_number_never_the_masked_one(loaded_pack):
    pipeline.run("penalty", [pipeline.persons_penalty()])
    record = pipeline.record("昆市监罚〔2026〕2号")
    with pytest.raises(PermissionDenied):
        file(record, subject_code=record.subject.id_number_masked)
    objection = file(record, subject_code=pipeline.PERSON_ID.lower())
    assert objection.subject == record.subject


def test_grounds_must_be_the_packs(penalty):
    with pytest.raises(InvalidInput) as caught:
        file(penalty, ground="dislike")
    assert caught.value.code == "objection.ground"
    assert [code for code, _name in objections.grounds()] == [
        "wrong",
        "missing",
        "duplicate",
        "not-public",
        "over-period",
        "inconsistent",
    ]


def test_one_open_objection_per_record(penalty):
    first = file(penalty)
    with pytest.raises(Conflict) as caught:
        file(penalty)
    assert caught.value.code == "objection.already_open"
    objections.decide(first, upheld=False, reasons="经核查，信息无误。", actor=ACTOR)
    assert file(penalty).status == Status.PLATFORM_CHECK


def test_a_revoked_record_takes_no_objection(penalty):
    pipeline.set_status(penalty.document_number, CreditRecord.Status.REVOKED)
    with pytest.raises(Conflict) as caught:
        file(penalty)
    assert caught.value.code == "objection.target_closed"


def test_corrections_cannot_touch_identifiers_or_take_invalid_values(penalty):
    for field in ("CF_XDR_SHXYM", "CF_FR_ZJHM", "CF_WSH", "CF_JDRQ", "CF_ZT", "NOPE"):
        with pytest.raises(InvalidInput) as caught:
            file(penalty, corrections={field: "x"})
        assert caught.value.code == "objection.correction_field", field
    with pytest.raises(InvalidInput) as caught:
        file(penalty, corrections={"CF_NR_FK": "两千元"})
    assert caught.value.code == "objection.correction_value"
    objection = file(penalty, corrections={"CF_NR_FK": "0.10", "_text": "罚款金额应为一千元"})
    assert objection.corrections == {"CF_NR_FK": "0.1", "_text": "罚款金额应为一千元"}


# --- the full flow ------------------------------------------------------------------------
def test_both_checks_then_upheld_corrects_the_record_with_a_new_version(penalty):
    objection = file(penalty, corrections={"CF_CFJG": "昆明市市场监管局"})
    objection = objections.refer_to_unit(objection, actor=ACTOR, note="请核实处罚机关名称")
    assert objection.status == Status.UNIT_CHECK
    assert objection.due_on == objection.unit_due == workdays(timezone.localdate(), 10)
    message = OutboxMessage.objects.get(key=f"objection:{objection.reference}:referred")
    assert message.unit.code == DATA_UNIT and message.due_by == objection.unit_due

    objection = objections.unit_answer(
        objection,
        confirms_error=True,
        answer="经核实，处罚机关名称应为“昆明市市场监督管理局五华分局”。",
        corrections={"CF_CFJG": "昆明市市场监督管理局五华分局"},
        actor=ACTOR,
    )
    assert objection.status == Status.DECIDING
    assert objection.due_on == objection.decision_due == workdays(timezone.localdate(), 2)

    objection = objections.decide(
        objection, upheld=True, outcome="corrected", reasons="异议成立，予以更正。", actor=ACTOR
    )
    assert (objection.status, objection.outcome) == (Status.UPHELD, "corrected")
    assert objection.due_on is None and objection.decided_at is not None
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.NORMAL
    assert penalty.payload["CF_CFJG"] == "昆明市市场监督管理局五华分局"
    assert penalty.version == 3
    latest = penalty.versions.get(number=3)
    assert latest.reason == f"objection:{objection.reference}:corrected"
    assert latest.payload["CF_CFJG"] == "昆明市市场监督管理局五华分局"
    assert actions_on(penalty)[-2:] == ["xinyong.record.disputed", "xinyong.record.corrected"]
    assert actions_on(objection) == [
        "xinyong.objection.filed",
        "xinyong.objection.referred",
        "xinyong.objection.unit_answered",
        "xinyong.objection.upheld",
    ]
    events = list(objection.events.order_by("id").values_list("action", "public"))
    assert events == [
        ("filed", True),
        ("flagged", True),
        ("referred", True),
        ("note", False),
        ("unit_answered", True),
        ("upheld", True),
    ]
    assert OutboxMessage.objects.filter(key=f"objection:{objection.reference}:decided").exists()


def test_upheld_at_the_platform_check_can_revoke_the_record(penalty):
    objection = objections.decide(
        file(penalty), upheld=True, outcome="revoked", reasons="决定已被撤销。", actor=ACTOR
    )
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.REVOKED
    assert not public_records().filter(pk=penalty.pk).exists()
    assert actions_on(penalty)[-1] == "xinyong.record.revoked"
    assert objection.unit_due is None
    assert [step.state for step in objections.steps(objection)] == ["done", "skipped", "done"]


def test_rejected_needs_reasons_and_restores_the_records_status(penalty):
    objection = file(penalty)
    with pytest.raises(InvalidInput) as caught:
        objections.decide(objection, upheld=False, reasons=" ", actor=ACTOR)
    assert caught.value.code == "rights.required"
    objection = objections.decide(
        objection, upheld=False, reasons="信息与决定书一致。", actor=ACTOR
    )
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.NORMAL
    assert penalty.version == 3
    assert actions_on(penalty)[-1] == "xinyong.record.dispute_cleared"
    assert objection.decision_reasons == "信息与决定书一致。"


def test_a_record_its_unit_reported_as_disputed_stays_so_after_the_objection(penalty):
    pipeline.set_status(penalty.document_number, CreditRecord.Status.DISPUTED)
    objection = file(penalty)
    assert objection.status_before == CreditRecord.Status.DISPUTED
    objections.decide(objection, upheld=False, reasons="信息无误。", actor=ACTOR)
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.DISPUTED


def test_withdrawing_restores_the_record(penalty):
    objection = objections.refer_to_unit(file(penalty), actor=ACTOR)
    objection = objections.withdraw(objection, actor=ACTOR, note="申请人电话撤回")
    assert (objection.status, objection.outcome) == (Status.WITHDRAWN, "withdrawn")
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.NORMAL


def test_each_step_checks_where_the_objection_is(penalty):
    objection = file(penalty)
    with pytest.raises(Conflict) as caught:
        objections.unit_answer(objection, confirms_error=False, answer="无误", actor=ACTOR)
    assert caught.value.code == "objection.wrong_step"
    objection = objections.refer_to_unit(objection, actor=ACTOR)
    for step in (
        lambda: objections.refer_to_unit(objection, actor=ACTOR),
        lambda: objections.decide(objection, upheld=False, reasons="x", actor=ACTOR),
    ):
        with pytest.raises(Conflict) as caught:
            step()
        assert caught.value.code == "objection.wrong_step"
    objections.withdraw(objection, actor=ACTOR)
    with pytest.raises(Conflict):
        objections.withdraw(objection, actor=ACTOR)


def test_corrected_needs_corrections(penalty):
    objection = file(penalty, corrections={"_text": "罚款金额不对"})
    with pytest.raises(InvalidInput) as caught:
        objections.decide(objection, upheld=True, outcome="corrected", reasons="成立", actor=ACTOR)
    assert caught.value.code == "objection.corrections_required"
    with pytest.raises(InvalidInput) as caught:
        objections.decide(objection, upheld=True, outcome="", reasons="成立", actor=ACTOR)
    assert caught.value.code == "objection.outcome"
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.DISPUTED  # nothing half-done


# --- deadlines ----------------------------------------------------------------------------
def test_deadlines_count_working_days_from_the_day_each_step_begins(penalty):
    friday = date(2025, 6, 6)
    objection = file(penalty, today=friday)
    assert objection.platform_due == date(2025, 6, 13)  # five working days, weekend skipped
    objection = objections.refer_to_unit(objection, actor=ACTOR, today=date(2025, 6, 13))
    assert objection.unit_due == date(2025, 6, 27)
    objection = objections.unit_answer(
        objection, confirms_error=False, answer="无误", actor=ACTOR, today=date(2025, 6, 20)
    )
    assert objection.decision_due == date(2025, 6, 24)


def test_the_deadlines_skip_public_holidays(penalty):
    objection = file(penalty, today=date(2025, 9, 30))
    # National Day 1-8 October 2025; Saturday 11 October is a make-up working day.
    assert objection.platform_due == date(2025, 10, 14)


def test_the_deadlines_come_from_the_pack(penalty):
    rule = Rule.objects.get(kind="objection_procedure")
    rule.body = {**rule.body, "platform_check": "3 working days"}
    rule.save()
    objection = file(penalty, today=date(2025, 6, 6))
    assert objection.platform_due == date(2025, 6, 11)


def test_overdue_lists_open_objections_past_their_steps_deadline(penalty, listed_entry):
    today = timezone.localdate()
    late = file(penalty, today=today - timedelta(days=30))
    on_time = file(listed_entry, subject_code=LISTED)
    assert list(objections.overdue(today)) == [late]
    assert objections.is_overdue(late, today) and not objections.is_overdue(on_time, today)
    assert list(objections.overdue(late.platform_due)) == []  # due today is not late
    objections.decide(late, upheld=False, reasons="信息无误。", actor=ACTOR)
    assert list(objections.overdue(today)) == []


# --- list entries -------------------------------------------------------------------------
def test_an_objection_to_a_list_entry_flags_it_and_upheld_revokes_it(listed_entry):
    objection = file(listed_entry, subject_code=LISTED, ground="inconsistent")
    listed_entry.refresh_from_db()
    assert listed_entry.disputed
    assert objection.unit == listed_entry.unit and objection.status_before == ""
    assert actions_on(listed_entry)[-1] == "xinyong.entry.disputed"
    with pytest.raises(InvalidInput) as caught:
        objections.decide(
            objection,
            upheld=True,
            outcome="corrected",
            corrections={"_text": "x"},
            reasons="成立",
            actor=ACTOR,
        )
    assert caught.value.code == "objection.entry_outcome"
    objections.decide(
        objection, upheld=True, outcome="revoked", reasons="认定有误，撤销。", actor=ACTOR
    )
    listed_entry.refresh_from_db()
    assert listed_entry.status == ListEntry.Status.EXITED
    assert listed_entry.exit_reason == ListEntry.ExitReason.REVOKED
    assert not listed_entry.disputed
    assert actions_on(listed_entry)[-2:] == [
        "xinyong.entry.exited",
        "xinyong.entry.dispute_cleared",
    ]


def test_a_rejected_objection_to_an_entry_takes_the_flag_off(listed_entry):
    objection = file(listed_entry, subject_code=LISTED)
    objections.decide(objection, upheld=False, reasons="认定无误。", actor=ACTOR)
    listed_entry.refresh_from_db()
    assert not listed_entry.disputed and listed_entry.status == ListEntry.Status.PUBLISHED
    assert ObjectionEvent.objects.filter(objection=objection, action="rejected").exists()
